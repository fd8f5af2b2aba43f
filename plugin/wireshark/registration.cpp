#include "registration.hpp"

#include "capture_state.hpp"
#include "compat.hpp"
#include "render.hpp"
#include "reports.hpp"
#include "tcp_fields.hpp"

#include <epan/prefs.h>
#include <epan/proto.h>

#include <new>

namespace tcplife::wireshark {

RegisteredIds ids;

namespace {

struct ExpertSpec {
    ExpertKind kind;
    const char *name;
    int group;
    int severity;
    const char *summary;
};

constexpr ExpertSpec expert_specs[] = {
    {ExpertKind::HandshakeSyn, "tcplife.expert.handshake_syn", PI_SEQUENCE, PI_CHAT, "Handshake step 1 (SYN)"},
    {ExpertKind::HandshakeSynAck, "tcplife.expert.handshake_synack", PI_SEQUENCE, PI_CHAT,
     "Handshake step 2 (SYN-ACK)"},
    {ExpertKind::HandshakeAck, "tcplife.expert.handshake_ack", PI_SEQUENCE, PI_CHAT, "Handshake step 3 (ACK)"},
    {ExpertKind::HandshakeAckMismatch, "tcplife.expert.handshake_ack_mismatch", PI_PROTOCOL, PI_WARN,
     "Handshake ACK does not acknowledge the peer's ISN + 1"},
    {ExpertKind::SynRetransmitted, "tcplife.expert.syn_retransmitted", PI_SEQUENCE, PI_NOTE, "SYN retransmitted"},
    {ExpertKind::SynAckRetransmitted, "tcplife.expert.synack_retransmitted", PI_SEQUENCE, PI_NOTE,
     "SYN-ACK retransmitted"},
    {ExpertKind::AckRetransmitted, "tcplife.expert.ack_repeated", PI_SEQUENCE, PI_NOTE,
     "Handshake or close ACK sent again"},
    {ExpertKind::SimultaneousOpen, "tcplife.expert.simultaneous_open", PI_SEQUENCE, PI_NOTE, "Simultaneous open"},
    {ExpertKind::UnsolicitedSynAck, "tcplife.expert.unsolicited_synack", PI_SEQUENCE, PI_WARN,
     "SYN-ACK without a SYN"},
    {ExpertKind::CloseFin, "tcplife.expert.close_fin", PI_SEQUENCE, PI_CHAT, "Close step (FIN)"},
    {ExpertKind::CloseAck, "tcplife.expert.close_ack", PI_SEQUENCE, PI_CHAT, "Close step (ACK)"},
    {ExpertKind::MergedClose, "tcplife.expert.merged_close", PI_SEQUENCE, PI_NOTE, "FIN+ACK merged close"},
    {ExpertKind::TimeWait, "tcplife.expert.time_wait", PI_SEQUENCE, PI_NOTE, "TIME_WAIT expected"},
    {ExpertKind::SimultaneousClose, "tcplife.expert.simultaneous_close", PI_SEQUENCE, PI_NOTE, "Simultaneous close"},
    {ExpertKind::FinRetransmitted, "tcplife.expert.fin_retransmitted", PI_SEQUENCE, PI_NOTE, "FIN retransmitted"},
    {ExpertKind::Reset, "tcplife.expert.reset", PI_SEQUENCE, PI_WARN, "Connection reset"},
    {ExpertKind::ResetOutOfWindow, "tcplife.expert.rst_out_of_window", PI_SECURITY, PI_WARN,
     "RST out of window, ignored (RFC 5961)"},
    {ExpertKind::SynRejected, "tcplife.expert.syn_rejected", PI_SEQUENCE, PI_WARN,
     "Connection refused: RST answers the SYN"},
    {ExpertKind::MidstreamStart, "tcplife.expert.midstream", PI_SEQUENCE, PI_NOTE, "Capture began mid-stream"},
    {ExpertKind::SynUnanswered, "tcplife.expert.syn_unanswered", PI_SEQUENCE, PI_WARN, "SYN never answered"},
    {ExpertKind::DataBeforeEstablished, "tcplife.expert.data_before_established", PI_PROTOCOL, PI_WARN,
     "Data before the handshake completed"},
    {ExpertKind::DataInSyn, "tcplife.expert.data_in_syn", PI_SEQUENCE, PI_NOTE, "Data in SYN (TCP Fast Open)"},
    {ExpertKind::SegmentAfterClose, "tcplife.expert.segment_after_close", PI_SEQUENCE, PI_WARN,
     "Segment after the connection closed"},
    {ExpertKind::ReuseInTimeWait, "tcplife.expert.reuse_in_time_wait", PI_SEQUENCE, PI_WARN,
     "New SYN on a 4-tuple still in TIME_WAIT"},
    {ExpertKind::RstInTimeWait, "tcplife.expert.rst_in_time_wait", PI_SECURITY, PI_WARN,
     "RST in TIME_WAIT (TIME-WAIT assassination, RFC 1337)"},
    {ExpertKind::DataAfterFin, "tcplife.expert.data_after_fin", PI_PROTOCOL, PI_ERROR, "Data after FIN"},
    {ExpertKind::WindowScaleCapped, "tcplife.expert.window_scale_capped", PI_PROTOCOL, PI_WARN,
     "Window scale above 14, used as 14 (RFC 7323 2.3)"},
    {ExpertKind::TimeBackwards, "tcplife.expert.time_backwards", PI_SEQUENCE, PI_WARN,
     "Capture time goes backwards"},
    {ExpertKind::CloseWaitAtEnd, "tcplife.expert.close_wait_at_end", PI_SEQUENCE, PI_WARN,
     "CLOSE_WAIT at the end of the capture"},
    {ExpertKind::HalfOpen, "tcplife.expert.half_open", PI_SEQUENCE, PI_WARN, "Half-open connection: one side vanished"},
};

constexpr bool expert_specs_follow_kind_order()
{
    for (std::size_t i = 0; i < expert_kind_count; ++i) {
        if (static_cast<std::size_t>(expert_specs[i].kind) != i)
            return false;
    }
    return sizeof expert_specs / sizeof expert_specs[0] == expert_kind_count;
}
static_assert(expert_specs_follow_kind_order(), "expert_specs must list every ExpertKind in enum order");

} // namespace

int expert_severity(ExpertKind kind)
{
    return expert_specs[static_cast<std::size_t>(kind)].severity;
}

namespace {

hf_register_info fields[] = {
    {&ids.stream,
     {"Stream index", "tcplife.stream", FT_UINT32, BASE_DEC, nullptr, 0x0, "The TCP stream index, as tcp.stream",
      HFILL}},
    {&ids.sender,
     {"Sender", "tcplife.sender", FT_STRING, BASE_NONE, nullptr, 0x0,
      "client or server; guessed from the ports while no SYN or SYN-ACK has told the roles (tcplife.roles_guessed)",
      HFILL}},
    {&ids.roles_guessed,
     {"Roles guessed", "tcplife.roles_guessed", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
      "Present when no SYN or SYN-ACK was seen (a capture that began mid-stream): client and server are guessed "
      "from the ports",
      HFILL}},
    {&ids.handshake_step,
     {"Handshake step", "tcplife.handshake.step", FT_UINT8, BASE_DEC, nullptr, 0x0,
      "1 SYN, 2 SYN-ACK, 3 the ACK that completes the handshake", HFILL}},
    {&ids.close_step,
     {"Close step", "tcplife.close.step", FT_UINT8, BASE_DEC, nullptr, 0x0,
      "1 first FIN, 2 its ACK, 3 second FIN, 4 final ACK; a merged FIN+ACK carries 2 and 3", HFILL}},
    {&ids.close_merged,
     {"Merged FIN+ACK (close steps 2 and 3 in one segment)", "tcplife.close.merged", FT_NONE, BASE_NONE, nullptr,
      0x0, "The FIN also acknowledges the peer's FIN", HFILL}},
    {&ids.client_state,
     {"Client state", "tcplife.client.state", FT_STRING, BASE_NONE, nullptr, 0x0,
      "The client's RFC 9293 state after this segment", HFILL}},
    {&ids.client_state_prev,
     {"Client state before", "tcplife.client.state_prev", FT_STRING, BASE_NONE, nullptr, 0x0,
      "The client's RFC 9293 state before this segment", HFILL}},
    {&ids.server_state,
     {"Server state", "tcplife.server.state", FT_STRING, BASE_NONE, nullptr, 0x0,
      "The server's RFC 9293 state after this segment", HFILL}},
    {&ids.server_state_prev,
     {"Server state before", "tcplife.server.state_prev", FT_STRING, BASE_NONE, nullptr, 0x0,
      "The server's RFC 9293 state before this segment", HFILL}},
    {&ids.retransmission,
     {"Retransmission, attempt", "tcplife.retransmission", FT_UINT8, BASE_DEC, nullptr, 0x0,
      "This segment repeats an earlier handshake or close segment; the value is the attempt (2 = first repeat)",
      HFILL}},
    {&ids.anomaly,
     {"Anomaly", "tcplife.anomaly", FT_STRING, BASE_NONE, nullptr, 0x0,
      "A named anomaly this segment shows (see tcplife.expert.<id> for its explanation)", HFILL}},
};

int *subtrees[] = {&ids.subtree};

ei_register_info experts[expert_kind_count + 1];

compat::pref_bool pref_info_column = true;
guint pref_time_wait_seconds = 60;

dissector_handle_t tcplife_handle;
CaptureState *capture = nullptr;

void start_capture()
{
    delete capture;
    constexpr std::int64_t ns_per_second = 1'000'000'000;
    capture = new (std::nothrow)
        CaptureState(TrackerOptions{static_cast<std::int64_t>(pref_time_wait_seconds) * ns_per_second});
    // Wanted fields make epan build a tree for every frame, so ask only while enabled.
    const bool enabled = proto_is_protocol_enabled(find_protocol_by_id(ids.protocol));
    want_tcp_fields(enabled ? tcplife_handle : nullptr, capture);
    // tshark registers its -z listeners before it opens the capture.
    keep_header_numbers_primed(have_tcplife_listener());
}

void end_capture()
{
    want_tcp_fields(nullptr, nullptr);
    delete capture;
    capture = nullptr;
}

int dissect_tcplife(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *)
{
    if (capture == nullptr)
        return 0;
    // The TCP fields can be read only on the first pass; later passes render the cache.
    const bool first_pass = !PINFO_FD_VISITED(pinfo);
    if (first_pass)
        capture->analyse(tree, pinfo);
    const std::optional<FrameRecord> record = capture->record(pinfo->num);
    if (!record)
        return 0;
    queue_segment(pinfo, *record);
    // After the first pass every frame has been analysed: the conversation is final.
    render(*record, *capture, tvb, pinfo, tree,
           RenderOptions{pref_info_column != 0, pref_time_wait_seconds, !first_pass});
    return static_cast<int>(tvb_captured_length(tvb));
}

void fill_expert_registrations()
{
    for (std::size_t i = 0; i < expert_kind_count; ++i) {
        const ExpertSpec &spec = expert_specs[i];
        experts[i].ids = &ids.experts[i];
        experts[i].eiinfo = {spec.name, spec.group, spec.severity, spec.summary, EXPFILL};
    }
    experts[expert_kind_count].ids = &ids.incomplete_header;
    experts[expert_kind_count].eiinfo = {"tcplife.expert.incomplete_header", PI_MALFORMED, PI_WARN,
                                         "TCP header incomplete or malformed (cut by the snaplen, or a bogus header length): segment not analysed",
                                         EXPFILL};
}

} // namespace

const CaptureState *current_capture()
{
    return capture;
}

void register_protocol()
{
    ids.protocol = proto_register_protocol(protocol_name, "tcplife", "tcplife");
    proto_register_field_array(ids.protocol, fields, array_length(fields));
    proto_register_subtree_array(subtrees, array_length(subtrees));
    register_conversation_fields(ids.protocol);

    fill_expert_registrations();
    expert_module_t *expert_module = expert_register_protocol(ids.protocol);
    expert_register_field_array(expert_module, experts, array_length(experts));

    module_t *prefs = prefs_register_protocol(ids.protocol, nullptr);
    prefs_register_bool_preference(prefs, "info_column", "Mark steps in the Info column",
                                   "Append marks such as [HS 2/3], [FIN+ACK 2+3/4] and [TIME_WAIT] to the Info column",
                                   &pref_info_column);
    prefs_register_uint_preference(prefs, "time_wait_seconds", "TIME_WAIT length (seconds)",
                                   "How long the side that closes first stays in TIME_WAIT: 60 on Linux; "
                                   "RFC 9293's 2 x MSL is 240",
                                   10, &pref_time_wait_seconds);

    register_tcplife_tap();
    register_flow_graph(ids.protocol);
    tcplife_handle = create_dissector_handle(dissect_tcplife, ids.protocol);
    register_init_routine(start_capture);
    register_cleanup_routine(end_capture);
}

void register_handoff()
{
    resolve_tcp_fields();
    register_postdissector(tcplife_handle);
}

} // namespace tcplife::wireshark
