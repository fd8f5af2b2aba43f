#include "registration.hpp"

#include "first_pass.hpp"
#include "compat.hpp"
#include "render.hpp"
#include "reports.hpp"
#include "tcp_fields.hpp"
#include "tls_fields.hpp"

#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/proto.h>

#include <new>

namespace tcplife::wireshark {

RegisteredIds ids;

namespace {

int pi_group(ExpertGroup group)
{
    switch (group) {
    case ExpertGroup::Sequence: return PI_SEQUENCE;
    case ExpertGroup::Protocol: return PI_PROTOCOL;
    case ExpertGroup::Security: return PI_SECURITY;
    case ExpertGroup::Malformed: return PI_MALFORMED;
    }
    return PI_PROTOCOL;
}

int pi_severity(ExpertSeverity severity)
{
    switch (severity) {
    case ExpertSeverity::Chat: return PI_CHAT;
    case ExpertSeverity::Note: return PI_NOTE;
    case ExpertSeverity::Warn: return PI_WARN;
    case ExpertSeverity::Error: return PI_ERROR;
    }
    return PI_NOTE;
}

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
    {&ids.tls_step,
     {"TLS handshake step", "tcplife.tls.step", FT_UINT8, BASE_DEC, nullptr, 0x0,
      "The handshake flight this segment carries bytes of: 1 the ClientHello, then each side's answer in turn",
      HFILL}},
    {&ids.tls_messages,
     {"TLS messages", "tcplife.tls.messages", FT_STRING, BASE_NONE, nullptr, 0x0,
      "The messages of its flight that this segment completes (\"part of a record\" when it completes none)",
      HFILL}},
};

int *subtrees[] = {&ids.subtree};

ei_register_info experts[expert_kind_count + 1];

compat::pref_bool pref_info_column = true;
compat::pref_bool pref_tls_handshakes = false;
guint pref_time_wait_seconds = 60;

dissector_handle_t tcplife_handle;
Capture *capture = nullptr;
// Read once per file, so that every pass of it tells the same numbers.
bool relative_numbers = true;

bool tls_wanted_by_report = false; // a running report needs TLS's fields

bool follows_tls()
{
    return pref_tls_handshakes != 0 || tls_wanted_by_report;
}

void start_capture()
{
    delete capture;
    capture = new (std::nothrow) Capture(CaptureOptions{seconds_ns(pref_time_wait_seconds), follows_tls()});
    // Wanted fields make Wireshark build a tree on every first pass, and prime them in it.
    set_postdissector_wanted_hfids(tcplife_handle, follows_tls() ? tls_wanted_fields() : nullptr);
    relative_numbers = tcp_bool_preference("relative_sequence_numbers");
    read_tcp_headers(proto_is_protocol_enabled(find_protocol_by_id(ids.protocol)));
}

void end_capture()
{
    read_tcp_headers(false);
    delete capture;
    capture = nullptr;
}

int dissect_tcplife(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *)
{
    if (capture == nullptr)
        return 0;
    // TCP's conversation is as it stands for this frame only on the first pass; later
    // passes render the cache.
    const bool first_pass = !PINFO_FD_VISITED(pinfo);
    const std::optional<FrameRecord> record =
        first_pass ? analyse_frame(*capture, pinfo) : capture->frame(pinfo->num, tcp_stream_index(pinfo));
    if (!record)
        return 0;
    // TLS's fields are in the tree only where they were primed: on the first pass.
    if (first_pass && tree != nullptr && capture->follows_tls())
        analyse_tls(*capture, pinfo, tree, *record);
    const std::optional<TlsStep> tls = capture->follows_tls() ? capture->tls_step(pinfo->num) : std::nullopt;
    queue_segment(pinfo, *record);
    // After the first pass every frame has been analysed: the conversation is final.
    render(*record, tls ? &*tls : nullptr, *capture, tvb, pinfo, tree,
           RenderOptions{pref_info_column != 0, pref_time_wait_seconds, !first_pass, relative_numbers});
    return static_cast<int>(tvb_captured_length(tvb));
}

void fill_expert_registrations()
{
    for (std::size_t i = 0; i < expert_kind_count; ++i) {
        const ExpertInfo &info = expert_infos[i];
        experts[i].ids = &ids.experts[i];
        experts[i].eiinfo = {info.name, pi_group(info.group), pi_severity(info.severity), info.summary, EXPFILL};
    }
    experts[expert_kind_count].ids = &ids.incomplete_header;
    experts[expert_kind_count].eiinfo = {"tcplife.expert.incomplete_header", PI_MALFORMED, PI_WARN,
                                         "TCP header incomplete or malformed (cut by the snaplen, or a bogus header length): segment not analysed",
                                         EXPFILL};
}

} // namespace

void follow_tls_handshakes()
{
    tls_wanted_by_report = true;
    if (capture != nullptr)
        capture->follow_tls();
    set_postdissector_wanted_hfids(tcplife_handle, tls_wanted_fields());
}

const Capture *current_capture()
{
    return capture;
}

bool tcp_relative_sequence_numbers()
{
    return relative_numbers;
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
    prefs_register_bool_preference(prefs, "tls_handshakes", "Follow TLS handshakes",
                                   "Name each TLS handshake flight on its segments (tcplife.tls.step) and give each "
                                   "conversation's TLS handshake (tcplife.conv.tls.*), from Wireshark's TLS fields. "
                                   "TLS's fields exist only in a protocol tree: this makes every first pass over a "
                                   "file build one, which costs time in runs that would build none",
                                   &pref_tls_handshakes);

    register_tcplife_tap();
    register_flow_graph(ids.protocol);
    register_report_windows();
    tcplife_handle = create_dissector_handle(dissect_tcplife, ids.protocol);
    register_init_routine(start_capture);
    register_cleanup_routine(end_capture);
}

void register_handoff()
{
    install_tcp_header_reader(ids.protocol);
    find_tls_fields();
    register_postdissector(tcplife_handle);
}

} // namespace tcplife::wireshark
