#include "render.hpp"

#include "text/describe.hpp"
#include "text/tls_text.hpp"
#include "text/text.hpp"
#include "compat.hpp"
#include "registration.hpp"
#include "tls_fields.hpp"

#include <epan/column-info.h>
#include <epan/column-utils.h>
#include <epan/expert.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include <iterator>
#include <optional>

namespace tcplife::wireshark {
namespace {

// Wireshark's expert module: its tap (-z expert, the Expert Information dialog) and its
// fields, which a filter or column reads every expert info through. The module registers
// them after every protocol's hand-off, so they are looked up once dissection runs.
struct WiresharkExpert {
    int tap = -1;
    int message = -1;              // _ws.expert.message
    int fields[4] = {-1, -1, -1, -1}; // _ws.expert, .message, .severity, .group
};

const WiresharkExpert &wireshark_expert()
{
    static const WiresharkExpert expert = [] {
        WiresharkExpert found;
        found.tap = find_tap_id("expert");
        found.message = proto_registrar_get_id_byname("_ws.expert.message");
        const char *names[] = {"_ws.expert", "_ws.expert.message", "_ws.expert.severity", "_ws.expert.group"};
        for (std::size_t i = 0; i < std::size(found.fields); ++i)
            found.fields[i] = proto_registrar_get_id_byname(names[i]);
        return found;
    }();
    return expert;
}

bool expert_tap_listened()
{
    const int tap = wireshark_expert().tap;
    return tap > 0 && have_tap_listener(tap);
}

// Expert texts are read in a shown tree, by the expert tap's listeners, and by filters
// or columns on _ws.expert.message; everyone else sees only which expert infos exist.
bool expert_texts_wanted(proto_tree *tree)
{
    const int message = wireshark_expert().message;
    return tree_is_shown(tree) || expert_tap_listened() || (message > 0 && proto_field_is_referenced(tree, message));
}

// Who reads every expert info: the packet details, the expert tap (-z expert, the
// Expert Information dialog), the Expert Info Severity column, and filters, colouring
// rules or columns on Wireshark's expert fields.
bool expert_readers(proto_tree *tree, const packet_info *pinfo)
{
    if (tree_is_shown(tree) || expert_tap_listened())
        return true;
    if (pinfo->cinfo != nullptr && pinfo->cinfo->col_first[COL_EXPERT] >= 0)
        return true;
    for (const int id : wireshark_expert().fields) {
        if (id > 0 && proto_field_is_referenced(tree, id))
            return true;
    }
    return false;
}

// A filter, colouring rule or column on one of these infos' own fields (tcplife.expert.*).
bool message_fields_referenced(proto_tree *tree, const ExpertMessages &messages)
{
    for (std::size_t i = 0; i < messages.count; ++i) {
        const int id = ids.experts[static_cast<std::size_t>(messages.items[i].kind)].hf;
        if (id > 0 && proto_field_is_referenced(tree, id))
            return true;
    }
    return false;
}

// The least severe of `messages` worth adding, if any: all of them for a reader. Else,
// on the first pass with a tree (the GUI loading a file), the warnings and errors, since
// the status bar shows the file's highest severity from that pass; TCP's own chats and
// notes on the same segments keep the lower severities there.
std::optional<ExpertSeverity> least_severity_added(proto_tree *tree, bool readers, bool first_pass,
                                                   const ExpertMessages &messages)
{
    if (readers || message_fields_referenced(tree, messages))
        return ExpertSeverity::Chat;
    if (tree != nullptr && first_pass)
        return ExpertSeverity::Warn;
    return std::nullopt;
}

// "TIME_WAIT", or "TIME_WAIT (via FIN_WAIT_2)" when one segment moved the endpoint
// through more than one state.
void add_state(proto_tree *tree, int field, tvbuff_t *tvb, TcpState state, const StatePath &path)
{
    if (path.length < 2 || !tree_is_shown(tree)) {
        mark_generated(proto_tree_add_string(tree, field, tvb, 0, 0, state_name(state)));
        return;
    }
    TextBuilder text;
    text.add(state_name(state)).add(" (via ");
    for (std::uint8_t i = 0; i + 1 < path.length; ++i)
        text.add(i == 0 ? "" : " \xe2\x86\x92 ").add(state_name(path.states[i]));
    text.add_char(')');
    mark_generated(
        proto_tree_add_string_format_value(tree, field, tvb, 0, 0, state_name(state), "%s", text.c_str()));
}

void render_incomplete(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    proto_item *top = proto_tree_add_item(tree, ids.protocol, tvb, 0, 0, ENC_NA);
    proto_item_append_text(top, ": segment not analysed");
    expert_add_info(pinfo, top, &ids.incomplete_header);
}

// With texts, each message is its own; without, the registered summary stands in.
void add_expert_messages(packet_info *pinfo, proto_item *item, const ExpertMessages &messages, bool texts,
                         std::optional<ExpertSeverity> least)
{
    for (std::size_t i = 0; least && i < messages.count; ++i) {
        const ExpertMessage &message = messages.items[i];
        if (expert_info(message.kind).severity < *least)
            continue;
        expert_field *field = &ids.experts[static_cast<std::size_t>(message.kind)];
        if (texts)
            expert_add_info_format(pinfo, item, field, "%s", message.text.data());
        else
            expert_add_info(pinfo, item, field);
    }
}

void add_anomalies(proto_tree *tree, tvbuff_t *tvb, AnomalySet anomalies)
{
    if (anomalies.empty())
        return;
    for (std::size_t i = 0; i < anomaly_count; ++i) {
        const auto anomaly = static_cast<Anomaly>(i);
        if (anomalies.has(anomaly))
            mark_generated(proto_tree_add_string(tree, ids.anomaly, tvb, 0, 0, anomaly_id(anomaly)));
    }
}

// "TCP Lifecycle, stream 0, sent by server [FIN+ACK 2+3/4]"
proto_item *add_top(proto_tree *tree, tvbuff_t *tvb, const Annotation &a, const char *marks)
{
    if (!tree_is_shown(tree))
        return proto_tree_add_item(tree, ids.protocol, tvb, 0, 0, ENC_NA);
    TextBuilder text;
    text.add(protocol_name).add(", stream ").add_uint(a.stream).add(", sent by ").add(sender_text(a)).add(marks);
    return proto_tree_add_protocol_format(tree, ids.protocol, tvb, 0, 0, "%s", text.c_str());
}

void add_segment_items(proto_tree *subtree, tvbuff_t *tvb, const Annotation &a)
{
    mark_generated(proto_tree_add_uint(subtree, ids.stream, tvb, 0, 0, a.stream));
    const char *sender = role_name(a.sender);
    if (a.roles_guessed && tree_is_shown(subtree)) {
        mark_generated(
            proto_tree_add_string_format_value(subtree, ids.sender, tvb, 0, 0, sender, "%s", sender_text(a)));
    } else {
        mark_generated(proto_tree_add_string(subtree, ids.sender, tvb, 0, 0, sender));
    }
    if (a.roles_guessed)
        mark_generated(proto_tree_add_boolean(subtree, ids.roles_guessed, tvb, 0, 0, TRUE));
    if (a.handshake_step != 0)
        mark_generated(proto_tree_add_uint(subtree, ids.handshake_step, tvb, 0, 0, a.handshake_step));
    for (unsigned step = 1; a.close_steps != 0 && step <= 4; ++step) {
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
}

void add_tls_items(proto_tree *subtree, tvbuff_t *tvb, const TlsStep &tls)
{
    if (tls.step == 0)
        return;
    mark_generated(proto_tree_add_uint(subtree, ids.tls_step, tvb, 0, 0, tls.step));
    const TextBuilder messages = tls_messages_text(tls);
    mark_generated(proto_tree_add_string(subtree, ids.tls_messages, tvb, 0, 0, messages.c_str()));
}

void add_tls_experts(const TlsStep &tls, const Annotation &a, const Capture &capture, packet_info *pinfo,
                     proto_item *top, proto_tree *tree, bool readers, bool first_pass)
{
    const TlsHandshake *handshake = capture.tls_handshake(a.stream);
    const bool alert_named = handshake != nullptr && handshake->facts().has_alert;
    const char *alert_name = alert_named ? tls_alert_name(handshake->facts().alert_description) : nullptr;
    const bool texts = expert_texts_wanted(tree);
    const ExpertMessages messages = describe_tls(tls, a.sender, alert_name, texts);
    add_expert_messages(pinfo, top, messages, texts, least_severity_added(tree, readers, first_pass, messages));
}

} // namespace

void render(const FrameRecord &record, const TlsStep *tls, const Capture &capture, tvbuff_t *tvb, packet_info *pinfo,
            proto_tree *tree, const RenderOptions &options)
{
    if (record.kind == FrameRecord::Kind::Incomplete) {
        render_incomplete(tvb, pinfo, tree);
        return;
    }
    const Annotation &a = record.annotation;
    const bool shown = tree_is_shown(tree);
    // In a hidden tree items exist only for someone who asked for a tcplife field (its
    // protocol is then referenced too); adding them for nobody would only cost time.
    const bool items = shown || (tree != nullptr && proto_field_is_referenced(tree, ids.protocol));
    const bool info_marked = options.info_column && pinfo->cinfo != nullptr;
    std::array<char, 64> marks{};
    if (shown || info_marked)
        marks = info_marks(a);

    // Without items the expert infos hang off the tree itself, as off a faked item.
    proto_item *top = items ? add_top(tree, tvb, a, marks.data()) : tree;
    proto_tree *subtree = items ? proto_item_add_subtree(top, ids.subtree) : nullptr;
    if (items) {
        add_segment_items(subtree, tvb, a);
        if (tls != nullptr)
            add_tls_items(subtree, tvb, *tls);
    }

    const StreamRecord *stream = capture.stream(a.stream);
    const LedgerFacts *facts = stream != nullptr ? &stream->ledger.facts() : nullptr;
    // Describing a segment costs more than most of its analysis: only for whoever may
    // add what it says (least_severity_added).
    const bool readers = expert_readers(tree, pinfo);
    const bool first_pass = !options.final;
    if ((readers || items || (tree != nullptr && first_pass)) && is_explained(a)) {
        const bool texts = expert_texts_wanted(tree);
        const ExpertMessages messages = describe(a, DescribeOptions{options.time_wait_seconds, texts, options.relative_numbers}, facts);
        add_expert_messages(pinfo, top, messages, texts, least_severity_added(tree, readers, first_pass, messages));
    }
    if (tls != nullptr && (readers || items || (tree != nullptr && first_pass)))
        add_tls_experts(*tls, a, capture, pinfo, top, tree, readers, first_pass);
    // Only a later pass knows this is the conversation's last segment of the capture.
    const bool last_of_capture = stream != nullptr && options.final && facts->last_frame == pinfo->num;
    // A hidden tree holds conversation items only for someone who asked for one.
    const bool conversation_items =
        items && stream != nullptr && (shown || conversation_field_asked_for());
    if ((last_of_capture && (readers || items)) || conversation_items) {
        const Verdict verdict = judge(*facts);
        AnomalySet anomalies = segment_anomalies(a);
        if (last_of_capture) {
            anomalies |= verdict.end_of_capture;
            const ExpertMessages messages = describe_end_of_capture(verdict, *facts);
            add_expert_messages(pinfo, top, messages, true, least_severity_added(tree, readers, false, messages));
            const TlsHandshake *handshake = capture.tls_handshake(a.stream);
            if (handshake != nullptr) {
                const ExpertMessages tls_messages = describe_tls_end_of_capture(handshake->facts());
                add_expert_messages(pinfo, top, tls_messages, true,
                                    least_severity_added(tree, readers, false, tls_messages));
            }
        }
        if (items)
            add_anomalies(subtree, tvb, anomalies);
        if (conversation_items) {
            const bool says_something_new =
                a.changes_state() || facts->first.frame == pinfo->num || last_of_capture;
            render_conversation(a.stream, *stream, verdict, capture, tvb, subtree, options,
                                says_something_new ? ConversationView::Full : ConversationView::Summary);
        }
    } else if (items) {
        add_anomalies(subtree, tvb, segment_anomalies(a));
    }
    const std::array<char, 24> tls_mark = tls != nullptr && info_marked ? tls_info_mark(*tls) : std::array<char, 24>{};
    if (info_marked && (marks[0] != '\0' || tls_mark[0] != '\0')) {
        if (marks[0] != '\0')
            col_append_str(pinfo->cinfo, COL_INFO, marks.data());
        if (tls_mark[0] != '\0')
            col_append_str(pinfo->cinfo, COL_INFO, tls_mark.data());
        compat::refresh_info_column_items(tree, pinfo);
    }
}

} // namespace tcplife::wireshark
