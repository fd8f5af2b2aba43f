// The tcplife.conv subtree: the conversation's verdicts, key frames, timings, options,
// counters and a timeline of every state change. Only plain data lives across the
// Wireshark calls here, because those calls may longjmp.
#include "render.hpp"

#include "capture_time.hpp"
#include "registration.hpp"

#include "report/conversation_table.hpp"
#include "text/text.hpp"
#include "text/tls_text.hpp"
#include "tls_fields.hpp"

#include <epan/proto.h>

namespace tcplife::wireshark {
namespace {

const ConversationIds &c = ids.conv;

void add_string(proto_tree *tree, int field, tvbuff_t *tvb, const char *value)
{
    mark_generated(proto_tree_add_string(tree, field, tvb, 0, 0, value));
}

void add_frame(proto_tree *tree, int field, tvbuff_t *tvb, std::uint32_t frame)
{
    if (frame != 0) // not seen
        mark_generated(proto_tree_add_uint(tree, field, tvb, 0, 0, frame));
}

void add_interval(proto_tree *tree, int field, tvbuff_t *tvb, std::int64_t ns)
{
    const nstime_t interval = to_nstime(ns);
    mark_generated(proto_tree_add_time(tree, field, tvb, 0, 0, &interval));
}

void add_parties(proto_tree *tree, int field, tvbuff_t *tvb, Party party)
{
    if (party != Party::None)
        add_string(tree, field, tvb, party_name(party));
}

void add_time_wait(proto_tree *tree, tvbuff_t *tvb, const LedgerFacts &f, const Verdict &v, const Capture &capture,
                   const RenderOptions &options, bool labelled)
{
    add_string(tree, c.time_wait, tvb, party_name(v.time_wait));
    const auto spans = time_wait_spans(f, capture.time_wait_ns());
    for (std::size_t side = 0; side < spans.size(); ++side) {
        if (!spans[side])
            continue;
        const nstime_t until = to_nstime(spans[side]->until_ns);
        proto_item *until_item = proto_tree_add_time(tree, c.time_wait_until, tvb, 0, 0, &until);
        mark_generated(until_item);
        if (labelled)
            proto_item_append_text(until_item, " (%s, since frame %u, for %u s)", side == 0 ? "client" : "server",
                                   spans[side]->since_frame, options.time_wait_seconds);
    }
}

void add_zeek(proto_tree *tree, tvbuff_t *tvb, const ZeekConnection &zeek, bool labelled)
{
    add_string(tree, c.conn_state, tvb, zeek_conn_state_name(zeek.conn_state()));
    char history[ZeekConnection::history_capacity + 1] = "";
    const std::string_view letters = zeek.history();
    letters.copy(history, sizeof history - 1);
    proto_item *item = proto_tree_add_string(tree, c.history, tvb, 0, 0, history);
    mark_generated(item);
    if (zeek.history_truncated() && labelled)
        proto_item_append_text(item, " (first %zu letters)", ZeekConnection::history_capacity);
}

void add_timings(proto_tree *tree, tvbuff_t *tvb, const LedgerFacts &f)
{
    const Timings t = timings(f);
    if (t.has_syn_synack)
        add_interval(tree, c.rtt_syn_synack, tvb, t.syn_synack);
    if (t.has_synack_ack)
        add_interval(tree, c.rtt_synack_ack, tvb, t.synack_ack);
    if (t.has_irtt())
        add_interval(tree, c.irtt, tvb, t.irtt());
    add_interval(tree, c.duration, tvb, t.duration);
    if (t.has_close_duration)
        add_interval(tree, c.close_duration, tvb, t.close_duration);
}

// A negotiated-or-not boolean, saying who offered it when only one side did.
void add_offer(proto_tree *tree, int field, tvbuff_t *tvb, const OptionOffer &offer, bool labelled)
{
    proto_item *item = proto_tree_add_boolean(tree, field, tvb, 0, 0, offer.in_effect);
    mark_generated(item);
    if (offer.client != offer.server && labelled)
        proto_item_append_text(item, " (only the %s offered it)", offer.client ? "client" : "server");
}

// The shift count in use, and the raw offer beside it when RFC 7323 2.3 capped it:
// "14 (offered 15, capped: RFC 7323 2.3)".
void add_window_shift(proto_tree *tree, int field, tvbuff_t *tvb, const TcpOptions &offered, bool labelled)
{
    if (!offered.has_window_scale)
        return;
    if (!offered.window_scale_capped() || !labelled) {
        mark_generated(proto_tree_add_uint(tree, field, tvb, 0, 0, offered.window_shift()));
        return;
    }
    TextBuilder text;
    text.add_uint(offered.window_shift()).add(" (offered ").add_uint(offered.window_scale);
    text.add(", capped: RFC 7323 2.3)");
    mark_generated(proto_tree_add_uint_format_value(tree, field, tvb, 0, 0, offered.window_shift(), "%s", text.c_str()));
}

void add_options(proto_tree *tree, tvbuff_t *tvb, const LedgerFacts &f, bool labelled)
{
    const Negotiation negotiation = negotiate(f);
    if (!negotiation.known)
        return; // options are negotiated in SYNs only: nothing to tell mid-stream
    const SideFacts &client = f.client();
    const SideFacts &server = f.server();
    if (client.offered.has_mss)
        mark_generated(proto_tree_add_uint(tree, c.mss_client, tvb, 0, 0, client.offered.mss));
    if (server.offered.has_mss)
        mark_generated(proto_tree_add_uint(tree, c.mss_server, tvb, 0, 0, server.offered.mss));
    proto_item *wscale = proto_tree_add_boolean(tree, c.wscale, tvb, 0, 0, negotiation.window_scaling.in_effect);
    mark_generated(wscale);
    if (negotiation.window_scaling.client != negotiation.window_scaling.server && labelled)
        proto_item_append_text(wscale, " (only the %s offered it, so neither side scales)",
                               negotiation.window_scaling.client ? "client" : "server");
    proto_tree *scales = proto_item_add_subtree(wscale, c.subtree);
    add_window_shift(scales, c.wscale_client, tvb, client.offered, labelled);
    add_window_shift(scales, c.wscale_server, tvb, server.offered, labelled);
    add_offer(tree, c.sack, tvb, negotiation.sack, labelled);
    add_offer(tree, c.timestamps, tvb, negotiation.timestamps, labelled);
    add_offer(tree, c.ecn, tvb, negotiation.ecn, labelled);
    add_offer(tree, c.tfo, tvb, negotiation.fast_open, labelled);
}

void add_count(proto_tree *tree, int field, tvbuff_t *tvb, std::uint32_t count)
{
    mark_generated(proto_tree_add_uint(tree, field, tvb, 0, 0, count));
}

// One side's counters; in a tree someone reads, under a line that sums them up:
// "From the client: 2 retransmissions, 1 duplicate ACK, RTT avg 0.012000 s".
void add_direction(proto_tree *tree, tvbuff_t *tvb, const DirectionIds &field, const DirectionCounters &sent,
                   const Traffic &traffic, std::uint64_t bytes, std::int64_t duration_ns, const char *who,
                   bool labelled)
{
    proto_tree *side = tree;
    if (labelled) {
        TextBuilder text;
        text.add("From the ").add(who).add(": ");
        if (traffic.analysed()) {
            text.add_uint(sent.retransmissions).add(sent.retransmissions == 1 ? " retransmission" : " retransmissions");
            text.add(", ").add_uint(sent.duplicate_acks).add(sent.duplicate_acks == 1 ? " duplicate ACK" : " duplicate ACKs");
            if (sent.rtt.count != 0)
                text.add(", RTT avg ").add(seconds_text(sent.rtt.average_ns())).add(" s");
        } else {
            text.add("retransmissions and RTTs unknown (TCP's sequence analysis is off)");
        }
        side = proto_tree_add_subtree(tree, tvb, 0, 0, field.subtree, nullptr, text.c_str());
    }
    if (traffic.analysed()) {
        add_count(side, field.retransmissions, tvb, sent.retransmissions);
        mark_generated(proto_tree_add_uint64(side, field.retransmitted_bytes, tvb, 0, 0, sent.retransmitted_bytes));
        add_count(side, field.duplicate_acks, tvb, sent.duplicate_acks);
        add_count(side, field.zero_windows, tvb, sent.zero_windows);
        add_count(side, field.out_of_order, tvb, sent.out_of_order);
    }
    add_count(side, field.sack_segments, tvb, sent.sack_segments);
    if (sent.rtt.count != 0) {
        add_interval(side, field.rtt_min, tvb, sent.rtt.min_ns);
        add_interval(side, field.rtt_avg, tvb, sent.rtt.average_ns());
        add_interval(side, field.rtt_max, tvb, sent.rtt.max_ns);
    }
    if (duration_ns > 0)
        mark_generated(
            proto_tree_add_uint64(side, field.throughput, tvb, 0, 0, throughput_bits_per_second(bytes, duration_ns)));
    if (sent.ip_unknown == 0)
        mark_generated(proto_tree_add_uint64(side, field.ip_bytes, tvb, 0, 0, sent.ip_bytes));
}

void add_counters(proto_tree *tree, tvbuff_t *tvb, const StreamRecord &stream, bool labelled)
{
    const LedgerFacts &f = stream.ledger.facts();
    const Conversation &observer = stream.observer;
    mark_generated(proto_tree_add_uint64(tree, c.bytes_client, tvb, 0, 0, f.client().bytes));
    mark_generated(proto_tree_add_uint64(tree, c.bytes_server, tvb, 0, 0, f.server().bytes));
    add_count(tree, c.segments_client, tvb, observer.client_segments());
    add_count(tree, c.segments_server, tvb, observer.server_segments());
    add_count(tree, c.syn_retransmissions, tvb, f.syn_retransmissions);
    const std::int64_t duration = timings(f).duration;
    add_direction(tree, tvb, c.sent[0], stream.traffic.side(0), stream.traffic, f.client().bytes, duration, "client",
                  labelled);
    add_direction(tree, tvb, c.sent[1], stream.traffic.side(1), stream.traffic, f.server().bytes, duration, "server",
                  labelled);
    mark_generated(proto_tree_add_uint64(tree, c.missed_bytes, tvb, 0, 0, stream.zeek.missed_bytes()));
    if (stream.traffic.application_protocol() != nullptr)
        add_string(tree, c.application, tvb, stream.traffic.application_protocol());
}

// "client SYN_SENT → ESTABLISHED" for one endpoint's path through one segment.
void add_path(TextBuilder &text, bool first, const char *who, TcpState before, const StatePath &path)
{
    if (path.length == 0)
        return;
    text.add(first ? "" : ", ").add(who).add_char(' ').add(state_name(before));
    for (std::uint8_t i = 0; i < path.length; ++i)
        text.add(" \xe2\x86\x92 ").add(state_name(path.states[i]));
}

// "Frame 9 (+0.000176 s): client FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT, server CLOSE_WAIT → LAST_ACK"
void add_moment(proto_tree *timeline, tvbuff_t *tvb, const Moment &moment, std::uint32_t stream, const LedgerFacts &f,
                const Capture &capture, bool labelled)
{
    const std::optional<FrameRecord> record =
        labelled ? capture.frame(moment.frame, stream) : std::optional<FrameRecord>{};
    if (!record) {
        mark_generated(proto_tree_add_uint(timeline, c.timeline, tvb, 0, 0, moment.frame));
        return;
    }
    const Annotation &a = record->annotation;
    TextBuilder text;
    text.add("Frame ").add_uint(moment.frame).add(" (");
    text.add_signed_seconds(elapsed_ns(f.first.time_ns, moment.time_ns)).add(" s): ");
    add_path(text, true, "client", a.client_before, a.client_path);
    add_path(text, a.client_path.length == 0, "server", a.server_before, a.server_path);
    mark_generated(proto_tree_add_uint_format(timeline, c.timeline, tvb, 0, 0, moment.frame, "%s", text.c_str()));
}

void add_timeline(proto_tree *tree, tvbuff_t *tvb, std::uint32_t stream, const LedgerFacts &f, const Capture &capture,
                  bool final, bool labelled)
{
    if (!tree_is_shown(tree) && !proto_field_is_referenced(tree, c.timeline))
        return;
    proto_tree *timeline = nullptr;
    if (labelled) {
        const std::size_t segments = f.timeline.size() + f.timeline_overflow;
        TextBuilder text;
        text.add("Timeline: ").add_uint(segments).add(segments == 1 ? " segment" : " segments");
        text.add(" changed a state");
        if (!final)
            text.add(" so far");
        if (f.timeline_overflow != 0)
            text.add(", the first ").add_uint(LedgerFacts::timeline_capacity).add(" shown");
        timeline = proto_tree_add_subtree_format(tree, tvb, 0, 0, c.timeline_subtree, nullptr, "%s", text.c_str());
    } else {
        timeline = proto_tree_add_subtree(tree, tvb, 0, 0, c.timeline_subtree, nullptr, "Timeline");
    }
    for (const Moment &moment : f.timeline.read(f.first))
        add_moment(timeline, tvb, moment, stream, f, capture, labelled);
}

void add_tls(proto_tree *conv, tvbuff_t *tvb, const LedgerFacts &f, const Capture &capture, std::uint32_t stream)
{
    if (!capture.follows_tls())
        return; // tcplife.tls_handshakes is off: nothing is known
    const TlsHandshake *handshake = capture.tls_handshake(stream);
    const TlsFacts facts = handshake != nullptr ? handshake->facts() : TlsFacts{};
    proto_item *top = proto_tree_add_item(conv, c.tls, tvb, 0, 0, ENC_NA);
    mark_generated(top);
    proto_tree *tls = proto_item_add_subtree(top, c.tls_subtree);
    add_string(tls, c.tls_handshake, tvb, tls_outcome_name(facts.outcome));
    if (facts.outcome == TlsOutcome::None)
        return;
    if (facts.version != 0)
        add_string(tls, c.tls_version, tvb, tls_version_name(facts.version));
    mark_generated(proto_tree_add_uint(tls, c.tls_steps, tvb, 0, 0, facts.steps));
    const TlsTimes times = tls_times(facts, f);
    if (times.ended)
        add_interval(tls, c.tls_time, tvb, times.handshake_ns);
    if (times.has_after_tcp)
        add_interval(tls, c.tls_after_tcp, tvb, times.after_tcp_ns);
    if (!facts.server_name.empty())
        add_string(tls, c.tls_sni, tvb, facts.server_name.text.data());
    if (!facts.alpn.empty())
        add_string(tls, c.tls_alpn, tvb, facts.alpn.text.data());
    if (facts.has_cipher_suite)
        add_string(tls, c.tls_cipher, tvb, facts.cipher_suite_name.text.data());
    if (facts.has_alert)
        add_string(tls, c.tls_alert, tvb, facts.alert_name.text.data());
}

// "Conversation: 127.0.0.1:50003 → 127.0.0.1:40003, handshake complete, close three-way"
proto_item *add_top(proto_tree *tree, tvbuff_t *tvb, const char *client, const char *server, const Verdict &verdict,
                    bool final)
{
    if (!tree_is_shown(tree))
        return proto_tree_add_item(tree, c.conversation, tvb, 0, 0, ENC_NA);
    TextBuilder text;
    text.add("Conversation: ").add(client).add(" \xe2\x86\x92 ").add(server);
    text.add(", handshake ").add(handshake_verdict_name(verdict.handshake));
    text.add(", close ").add(close_verdict_name(verdict.close));
    if (!final)
        text.add(" (so far; tshark -2 or the GUI show final values)");
    return proto_tree_add_none_format(tree, c.conversation, tvb, 0, 0, "%s", text.c_str());
}

// `labelled`: item texts beyond the values, for a tree someone reads.
void add_fields(proto_tree *conv, tvbuff_t *tvb, std::uint32_t index, const StreamRecord &stream, const Verdict &verdict,
                const Capture &capture, const RenderOptions &options, const TextBuilder &client,
                const TextBuilder &server, bool labelled)
{
    const LedgerFacts &f = stream.ledger.facts();
    if (f.roles_guessed && labelled) {
        TextBuilder text;
        text.add(client.c_str()).add(" (guessed from the ports: no handshake seen)");
        mark_generated(proto_tree_add_string_format_value(conv, c.client, tvb, 0, 0, client.c_str(), "%s", text.c_str()));
    } else {
        add_string(conv, c.client, tvb, client.c_str());
    }
    add_string(conv, c.server, tvb, server.c_str());
    add_string(conv, c.handshake, tvb, handshake_verdict_name(verdict.handshake));
    add_string(conv, c.close, tvb, close_verdict_name(verdict.close));
    add_parties(conv, c.close_initiator, tvb, verdict.initiator);
    add_parties(conv, c.reset_by, tvb, verdict.reset_by);
    add_time_wait(conv, tvb, f, verdict, capture, options, labelled);
    add_zeek(conv, tvb, stream.zeek, labelled);
    add_frame(conv, c.frame_syn, tvb, f.syn.frame);
    add_frame(conv, c.frame_synack, tvb, f.synack.frame);
    add_frame(conv, c.frame_ack, tvb, f.handshake_ack.frame);
    add_frame(conv, c.frame_fin1, tvb, f.first_fin.frame);
    add_frame(conv, c.frame_last, tvb, f.last_frame);
    add_timings(conv, tvb, f);
    add_options(conv, tvb, f, labelled);
    add_counters(conv, tvb, stream, labelled);
    add_tls(conv, tvb, f, capture, index);
    add_timeline(conv, tvb, index, f, capture, options.final, labelled);
}

// In the packet details the fields stay for filters and -e fields, out of sight.
void hide_after(proto_item *item)
{
    for (proto_node *node = item != nullptr ? item->next : nullptr; node != nullptr; node = node->next)
        proto_item_set_hidden(node);
}

} // namespace

void render_conversation(std::uint32_t index, const StreamRecord &stream, const Verdict &verdict, const Capture &capture,
                         tvbuff_t *tvb, proto_tree *tree, const RenderOptions &options, ConversationView view)
{
    const LedgerFacts &f = stream.ledger.facts();
    // Addresses are formatted only when shown or asked for (a filter, a -e field).
    const bool addresses_wanted =
        proto_field_is_referenced(tree, c.client) || proto_field_is_referenced(tree, c.server);
    TextBuilder client, server;
    if (addresses_wanted) {
        client.add_socket(f.client_socket());
        server.add_socket(f.server_socket());
    }
    const bool summary = view == ConversationView::Summary && tree_is_shown(tree);
    proto_item *top = add_top(tree, tvb, client.c_str(), server.c_str(), verdict, options.final);
    mark_generated(top);
    proto_tree *conv = proto_item_add_subtree(top, c.subtree);
    if (!summary) {
        add_fields(conv, tvb, index, stream, verdict, capture, options, client, server, tree_is_shown(tree));
        return;
    }
    proto_item *link = proto_tree_add_uint(conv, c.details, tvb, 0, 0, f.first.frame);
    mark_generated(link);
    // Always: -T fields on 4.0 and 4.2, PDML and JSON print fields nobody primed.
    add_fields(conv, tvb, index, stream, verdict, capture, options, client, server, false);
    hide_after(link);
}

} // namespace tcplife::wireshark
