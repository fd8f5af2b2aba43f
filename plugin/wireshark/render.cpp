#include "render.hpp"

#include "core/anomaly.hpp"
#include "core/describe.hpp"
#include "registration.hpp"

#include <epan/column-utils.h>
#include <epan/expert.h>
#include <epan/proto.h>

#include <cstdio>

namespace tcplife::wireshark {
namespace {

void mark_generated(proto_item *item)
{
    proto_item_set_generated(item);
}

// "TIME_WAIT", or "TIME_WAIT (via FIN_WAIT_2)" when one segment moved the endpoint
// through more than one state.
void add_state(proto_tree *tree, int field, tvbuff_t *tvb, TcpState state, const StatePath &path)
{
    if (path.length < 2 || !tree_is_shown(tree)) {
        mark_generated(proto_tree_add_string(tree, field, tvb, 0, 0, state_name(state)));
        return;
    }
    char via[96] = "";
    std::size_t used = 0;
    for (std::uint8_t i = 0; i + 1 < path.length && used < sizeof via; ++i) {
        const int written = std::snprintf(via + used, sizeof via - used, "%s%s", i == 0 ? "" : " \xe2\x86\x92 ",
                                          state_name(path.states[i]));
        if (written > 0)
            used += static_cast<std::size_t>(written);
    }
    mark_generated(proto_tree_add_string_format_value(tree, field, tvb, 0, 0, state_name(state), "%s (via %s)",
                                                      state_name(state), via));
}

void render_incomplete(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    proto_item *top = proto_tree_add_item(tree, ids.protocol, tvb, 0, 0, ENC_NA);
    proto_item_append_text(top, ": segment not analysed");
    expert_add_info(pinfo, top, &ids.incomplete_header);
}

void add_expert_messages(packet_info *pinfo, proto_item *item, const ExpertMessages &messages)
{
    for (std::size_t i = 0; i < messages.count; ++i) {
        const ExpertMessage &message = messages.items[i];
        expert_add_info_format(pinfo, item, &ids.experts[static_cast<std::size_t>(message.kind)], "%s",
                               message.text.data());
    }
}

void add_anomalies(proto_tree *tree, tvbuff_t *tvb, AnomalySet anomalies)
{
    for (std::size_t i = 0; i < anomaly_count; ++i) {
        const auto anomaly = static_cast<Anomaly>(i);
        if (anomalies.has(anomaly))
            mark_generated(proto_tree_add_string(tree, ids.anomaly, tvb, 0, 0, anomaly_id(anomaly)));
    }
}

} // namespace

void render(const FrameRecord &record, const CaptureState &capture, tvbuff_t *tvb, packet_info *pinfo,
            proto_tree *tree, const RenderOptions &options)
{
    if (record.kind == FrameRecord::Kind::Incomplete) {
        render_incomplete(tvb, pinfo, tree);
        return;
    }
    const Annotation &a = record.annotation;
    const char *sender = role_name(a.reported_sender());
    const bool shown = tree_is_shown(tree);
    const bool info_marked = options.info_column && pinfo->cinfo != nullptr;
    std::array<char, 64> marks{};
    if (shown || info_marked)
        marks = info_marks(a);

    proto_item *top = proto_tree_add_item(tree, ids.protocol, tvb, 0, 0, ENC_NA);
    if (shown)
        proto_item_append_text(top, ", stream %u, sent by %s%s", a.stream, sender, marks.data());
    proto_tree *subtree = proto_item_add_subtree(top, ids.subtree);

    mark_generated(proto_tree_add_uint(subtree, ids.stream, tvb, 0, 0, a.stream));
    proto_item *sender_item = proto_tree_add_string(subtree, ids.sender, tvb, 0, 0, sender);
    mark_generated(sender_item);
    if (a.roles_guessed && shown)
        proto_item_append_text(sender_item, " (no handshake seen; %s by the ports)", role_name(a.sender));
    if (a.handshake_step != 0)
        mark_generated(proto_tree_add_uint(subtree, ids.handshake_step, tvb, 0, 0, a.handshake_step));
    for (unsigned step = 1; step <= 4; ++step) {
        if (a.has_close_step(step))
            mark_generated(proto_tree_add_uint(subtree, ids.close_step, tvb, 0, 0, step));
    }
    if (a.merged_close)
        mark_generated(proto_tree_add_item(subtree, ids.close_merged, tvb, 0, 0, ENC_NA));
    if (a.is_retransmission())
        mark_generated(proto_tree_add_uint(subtree, ids.retransmission, tvb, 0, 0, a.attempt));
    mark_generated(proto_tree_add_string(subtree, ids.client_state_prev, tvb, 0, 0, state_name(a.client_before)));
    add_state(subtree, ids.client_state, tvb, a.client_after, a.client_path);
    mark_generated(proto_tree_add_string(subtree, ids.server_state_prev, tvb, 0, 0, state_name(a.server_before)));
    add_state(subtree, ids.server_state, tvb, a.server_after, a.server_path);

    const StreamRecord *stream = capture.stream(a.stream);
    const LedgerFacts *facts = stream != nullptr ? &stream->ledger.facts() : nullptr;
    AnomalySet anomalies = segment_anomalies(a);
    add_expert_messages(pinfo, top, describe(a, DescribeOptions{options.time_wait_seconds}, facts));
    if (stream != nullptr) {
        const Verdict verdict = judge(*facts);
        // Only a later pass knows this is the conversation's last segment of the capture.
        if (options.final && facts->last.frame == pinfo->num) {
            anomalies |= verdict.end_of_capture;
            add_expert_messages(pinfo, top, describe_end_of_capture(verdict, *facts));
        }
        add_anomalies(subtree, tvb, anomalies);
        render_conversation(*stream, verdict, capture, tvb, pinfo, subtree, options);
    } else {
        add_anomalies(subtree, tvb, anomalies);
    }
    if (info_marked && marks[0] != '\0')
        col_append_str(pinfo->cinfo, COL_INFO, marks.data());
}

} // namespace tcplife::wireshark
