// Registration of the tcplife.conv.* fields: the conversation summary shown on every
// segment of a stream.
#include "registration.hpp"

#include <epan/proto.h>

namespace tcplife::wireshark {
namespace {

ConversationIds &c = ids.conv;

#define TCPLIFE_FIELD(id, name, abbrev, type, display, blurb) \
    {&(id), {name, abbrev, type, display, nullptr, 0x0, blurb, HFILL}}

// One side's counters; `side` 0 the client, 1 the server.
#define TCPLIFE_DIRECTION_FIELDS(side, name, Name, who, peer)                                                       \
    TCPLIFE_FIELD(c.sent[side].retransmissions, Name " retransmissions", "tcplife.conv.retransmissions." name,         \
                  FT_UINT32, BASE_DEC,                                                                            \
                  "Segments from " who " that Wireshark's TCP analysis calls retransmissions (fast and spurious "     \
                  "ones included)"),                                                                                \
    TCPLIFE_FIELD(c.sent[side].retransmitted_bytes, Name " retransmitted bytes",                                     \
                  "tcplife.conv.retransmitted_bytes." name, FT_UINT64, BASE_DEC,                                   \
                  "Payload of the retransmissions from " who),                                                      \
    TCPLIFE_FIELD(c.sent[side].duplicate_acks, Name " duplicate ACKs", "tcplife.conv.dup_acks." name, FT_UINT32,      \
                  BASE_DEC, "Duplicate ACKs from " who ", as Wireshark's TCP analysis finds them"),                   \
    TCPLIFE_FIELD(c.sent[side].zero_windows, Name " zero windows", "tcplife.conv.zero_windows." name, FT_UINT32,     \
                  BASE_DEC, "Segments from " who " advertising a zero window"),                                     \
    TCPLIFE_FIELD(c.sent[side].out_of_order, Name " out-of-order segments", "tcplife.conv.out_of_order." name,       \
                  FT_UINT32, BASE_DEC, "Segments from " who " that Wireshark's TCP analysis calls out of order"),    \
    TCPLIFE_FIELD(c.sent[side].sack_segments, Name " SACK segments", "tcplife.conv.sack_segments." name, FT_UINT32,  \
                  BASE_DEC, "Segments from " who " carrying SACK blocks (RFC 2018)"),                               \
    TCPLIFE_FIELD(c.sent[side].rtt_min, Name " RTT min", "tcplife.conv.rtt.min." name, FT_RELATIVE_TIME, BASE_NONE,  \
                  "Shortest time from a data segment of " who " to the " peer "'s ACK of it (Wireshark's ACK RTT, "   \
                  "after the handshake)"),                                                                          \
    TCPLIFE_FIELD(c.sent[side].rtt_avg, Name " RTT avg", "tcplife.conv.rtt.avg." name, FT_RELATIVE_TIME, BASE_NONE,  \
                  "Average time from a data segment of " who " to the " peer "'s ACK of it"),                         \
    TCPLIFE_FIELD(c.sent[side].rtt_max, Name " RTT max", "tcplife.conv.rtt.max." name, FT_RELATIVE_TIME, BASE_NONE,  \
                  "Longest time from a data segment of " who " to the " peer "'s ACK of it"),                         \
    TCPLIFE_FIELD(c.sent[side].throughput, Name " throughput (bit/s)", "tcplife.conv.throughput." name, FT_UINT64,   \
                  BASE_DEC, "Bytes from " who " (from sequence numbers) times 8, over the conversation's duration"), \
    TCPLIFE_FIELD(c.sent[side].ip_bytes, Name " IP bytes", "tcplife.conv.ip_bytes." name, FT_UINT64, BASE_DEC,       \
                  "IP packet lengths of the segments from " who ", headers included"),

hf_register_info conversation_fields[] = {
    TCPLIFE_FIELD(c.conversation, "Conversation", "tcplife.conv", FT_NONE, BASE_NONE,
                  "The TCP conversation this segment belongs to: final values with tshark -2 and in the GUI, "
                  "values known so far in a one-pass tshark run"),
    TCPLIFE_FIELD(c.client, "Client", "tcplife.conv.client", FT_STRING, BASE_NONE,
                  "addr:port of the side that opened ([addr]:port for IPv6)"),
    TCPLIFE_FIELD(c.server, "Server", "tcplife.conv.server", FT_STRING, BASE_NONE, "addr:port of the side that listened"),
    TCPLIFE_FIELD(c.handshake, "Handshake", "tcplife.conv.handshake", FT_STRING, BASE_NONE,
                  "complete, unanswered, rejected, no-final-ack, simultaneous-open, unsolicited or not-seen"),
    TCPLIFE_FIELD(c.close, "Close", "tcplife.conv.close", FT_STRING, BASE_NONE,
                  "four-way, three-way (FIN+ACK merged), simultaneous, reset, half-closed, open or none"),
    TCPLIFE_FIELD(c.close_initiator, "Close initiator", "tcplife.conv.close.initiator", FT_STRING, BASE_NONE,
                  "client, server or both: who sent the first FIN (or, without a FIN, the RST)"),
    TCPLIFE_FIELD(c.reset_by, "Reset by", "tcplife.conv.reset_by", FT_STRING, BASE_NONE,
                  "client or server: who sent the RST that ended or refused the connection"),
    TCPLIFE_FIELD(c.time_wait, "TIME_WAIT", "tcplife.conv.time_wait", FT_STRING, BASE_NONE,
                  "client, server, both or none: who ends in TIME_WAIT"),
    TCPLIFE_FIELD(c.time_wait_until, "TIME_WAIT until", "tcplife.conv.time_wait.until", FT_ABSOLUTE_TIME,
                  ABSOLUTE_TIME_LOCAL, "When TIME_WAIT ends: entry time + the TIME_WAIT length preference"),
    TCPLIFE_FIELD(c.conn_state, "Zeek conn_state", "tcplife.conv.conn_state", FT_STRING, BASE_NONE,
                  "Zeek's conn_state: S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH"),
    TCPLIFE_FIELD(c.history, "Zeek history", "tcplife.conv.history", FT_STRING, BASE_NONE,
                  "Zeek's history string (uppercase: originator, lowercase: responder)"),
    TCPLIFE_FIELD(c.frame_syn, "SYN in frame", "tcplife.conv.frame.syn", FT_FRAMENUM, BASE_NONE, "The first SYN"),
    TCPLIFE_FIELD(c.frame_synack, "SYN-ACK in frame", "tcplife.conv.frame.synack", FT_FRAMENUM, BASE_NONE,
                  "The first SYN-ACK"),
    TCPLIFE_FIELD(c.frame_ack, "Handshake ACK in frame", "tcplife.conv.frame.ack", FT_FRAMENUM, BASE_NONE,
                  "The ACK that completed the handshake"),
    TCPLIFE_FIELD(c.frame_fin1, "First FIN in frame", "tcplife.conv.frame.fin1", FT_FRAMENUM, BASE_NONE,
                  "The FIN that started the close"),
    TCPLIFE_FIELD(c.frame_last, "Last segment in frame", "tcplife.conv.frame.last", FT_FRAMENUM, BASE_NONE,
                  "The conversation's last segment (so far, in a one-pass run)"),
    TCPLIFE_FIELD(c.rtt_syn_synack, "SYN to SYN-ACK", "tcplife.conv.rtt.syn_synack", FT_RELATIVE_TIME, BASE_NONE,
                  "From the SYN the SYN-ACK answers (the latest one sent before it) to the first SYN-ACK"),
    TCPLIFE_FIELD(c.rtt_synack_ack, "SYN-ACK to ACK", "tcplife.conv.rtt.synack_ack", FT_RELATIVE_TIME, BASE_NONE,
                  "From the latest SYN-ACK before the handshake ACK to that ACK"),
    TCPLIFE_FIELD(c.irtt, "Initial RTT", "tcplife.conv.irtt", FT_RELATIVE_TIME, BASE_NONE,
                  "Sum of the two handshake legs"),
    TCPLIFE_FIELD(c.duration, "Duration", "tcplife.conv.duration", FT_RELATIVE_TIME, BASE_NONE,
                  "From the first to the last segment"),
    TCPLIFE_FIELD(c.close_duration, "Close duration", "tcplife.conv.close_duration", FT_RELATIVE_TIME, BASE_NONE,
                  "From the first FIN to the ACK that completed the close"),
    TCPLIFE_FIELD(c.mss_client, "Client MSS", "tcplife.conv.mss.client", FT_UINT16, BASE_DEC,
                  "MSS offered in the client's SYN"),
    TCPLIFE_FIELD(c.mss_server, "Server MSS", "tcplife.conv.mss.server", FT_UINT16, BASE_DEC,
                  "MSS offered in the server's SYN-ACK"),
    TCPLIFE_FIELD(c.wscale, "Window scaling in effect", "tcplife.conv.wscale", FT_BOOLEAN, BASE_NONE,
                  "True only when both SYN and SYN-ACK offer the window scale option (RFC 7323 2.2)"),
    TCPLIFE_FIELD(c.wscale_client, "Client window scale", "tcplife.conv.wscale.client", FT_UINT8, BASE_DEC,
                  "Shift count offered by the client, capped at 14 (RFC 7323 2.3)"),
    TCPLIFE_FIELD(c.wscale_server, "Server window scale", "tcplife.conv.wscale.server", FT_UINT8, BASE_DEC,
                  "Shift count offered by the server, capped at 14 (RFC 7323 2.3)"),
    TCPLIFE_FIELD(c.sack, "SACK", "tcplife.conv.sack", FT_BOOLEAN, BASE_NONE,
                  "SACK permitted by both sides (RFC 2018)"),
    TCPLIFE_FIELD(c.timestamps, "Timestamps", "tcplife.conv.timestamps", FT_BOOLEAN, BASE_NONE,
                  "Timestamps option in both SYN and SYN-ACK (RFC 7323 3.2)"),
    TCPLIFE_FIELD(c.ecn, "ECN", "tcplife.conv.ecn", FT_BOOLEAN, BASE_NONE,
                  "ECN-setup SYN (ECE+CWR) answered by an ECN-setup SYN-ACK (ECE) (RFC 3168 6.1.1)"),
    TCPLIFE_FIELD(c.tfo, "TCP Fast Open", "tcplife.conv.tfo", FT_BOOLEAN, BASE_NONE,
                  "The SYN carried a TFO option and the server returned a cookie or accepted the SYN's data "
                  "(RFC 7413)"),
    TCPLIFE_FIELD(c.bytes_client, "Bytes from the client", "tcplife.conv.bytes.client", FT_UINT64, BASE_DEC,
                  "Payload the client sent, from sequence numbers (retransmissions once, uncaptured segments too)"),
    TCPLIFE_FIELD(c.bytes_server, "Bytes from the server", "tcplife.conv.bytes.server", FT_UINT64, BASE_DEC,
                  "Payload the server sent, from sequence numbers"),
    TCPLIFE_FIELD(c.segments_client, "Segments from the client", "tcplife.conv.segments.client", FT_UINT32,
                  BASE_DEC, "Captured segments the client sent"),
    TCPLIFE_FIELD(c.segments_server, "Segments from the server", "tcplife.conv.segments.server", FT_UINT32,
                  BASE_DEC, "Captured segments the server sent"),
    TCPLIFE_FIELD(c.syn_retransmissions, "SYN retransmissions", "tcplife.conv.syn_retransmissions", FT_UINT32,
                  BASE_DEC, "How often the SYN was sent again"),
    TCPLIFE_DIRECTION_FIELDS(0, "client", "Client", "the client", "server")
    TCPLIFE_DIRECTION_FIELDS(1, "server", "Server", "the server", "client")
    TCPLIFE_FIELD(c.missed_bytes, "Zeek missed_bytes", "tcplife.conv.missed_bytes", FT_UINT64, BASE_DEC,
                  "Zeek's missed_bytes: octets both sides acknowledged but the capture never held (content gaps)"),
    TCPLIFE_FIELD(c.application, "Application protocol", "tcplife.conv.application", FT_STRING, BASE_NONE,
                  "The first protocol Wireshark dissected above TCP in the conversation (its filter name: http, "
                  "tls, ...); the Zeek log's service gives Zeek's name for it"),
    TCPLIFE_FIELD(c.timeline, "State change", "tcplife.conv.timeline", FT_FRAMENUM, BASE_NONE,
                  "A frame where an endpoint's RFC 9293 state changed"),
    TCPLIFE_FIELD(c.details, "Details in frame", "tcplife.conv.details", FT_FRAMENUM, BASE_NONE,
                  "In the packet details, a segment that changes no state shows the conversation's verdicts and "
                  "this link to its first segment, which shows every conversation field"),
    TCPLIFE_FIELD(c.tls, "TLS", "tcplife.conv.tls", FT_NONE, BASE_NONE,
                  "The conversation's TLS handshake, from Wireshark's TLS dissection (where a tree was built)"),
    TCPLIFE_FIELD(c.tls_version, "TLS version", "tcplife.conv.tls.version", FT_STRING, BASE_NONE,
                  "The negotiated version: TLS 1.3, TLS 1.2, ... (a TLS 1.3 ServerHello's supported_versions)"),
    TCPLIFE_FIELD(c.tls_handshake, "TLS handshake", "tcplife.conv.tls.handshake", FT_STRING, BASE_NONE,
                  "complete, resumed (an abbreviated TLS 1.2 handshake), alert, incomplete (not ended, at the end "
                  "of the capture: never) or none (no TLS from the client)"),
    TCPLIFE_FIELD(c.tls_steps, "TLS handshake steps", "tcplife.conv.tls.steps", FT_UINT8, BASE_DEC,
                  "The handshake's flights (tcplife.tls.step): 4 for TLS 1.2, 3 resumed or TLS 1.3, 2 more for "
                  "each HelloRetryRequest"),
    TCPLIFE_FIELD(c.tls_time, "TLS handshake time", "tcplife.conv.tls.time", FT_RELATIVE_TIME, BASE_NONE,
                  "From the first ClientHello byte to the segment that ended the handshake"),
    TCPLIFE_FIELD(c.tls_after_tcp, "TLS after TCP", "tcplife.conv.tls.after_tcp", FT_RELATIVE_TIME, BASE_NONE,
                  "From the ACK that completed TCP's handshake to the segment that ended TLS's"),
    TCPLIFE_FIELD(c.tls_sni, "TLS server name", "tcplife.conv.tls.sni", FT_STRING, BASE_NONE,
                  "The ClientHello's server_name (SNI)"),
    TCPLIFE_FIELD(c.tls_alpn, "TLS ALPN", "tcplife.conv.tls.alpn", FT_STRING, BASE_NONE,
                  "The application protocol the ServerHello chose (ALPN)"),
    TCPLIFE_FIELD(c.tls_cipher, "TLS cipher suite", "tcplife.conv.tls.cipher", FT_STRING, BASE_NONE,
                  "The ServerHello's cipher suite, as Wireshark names it"),
    TCPLIFE_FIELD(c.tls_alert, "TLS alert", "tcplife.conv.tls.alert", FT_STRING, BASE_NONE,
                  "The first alert's description (plaintext alerts only), as Wireshark names it"),
};

#undef TCPLIFE_DIRECTION_FIELDS
#undef TCPLIFE_FIELD

int *conversation_subtrees[] = {&c.subtree, &c.timeline_subtree, &c.sent[0].subtree, &c.sent[1].subtree,
                                &c.tls_subtree};

} // namespace

// Asked on every segment of a tree: Wireshark registers the header_field_info inside
// this array (which is why it must outlive registration), so its ref_type is read in
// place, without a registry lookup per field.
bool conversation_field_asked_for()
{
    for (const hf_register_info &field : conversation_fields) {
        if (field.hfinfo.ref_type != HF_REF_TYPE_NONE)
            return true;
    }
    return false;
}

void register_conversation_fields(int protocol)
{
    proto_register_field_array(protocol, conversation_fields, array_length(conversation_fields));
    proto_register_subtree_array(conversation_subtrees, array_length(conversation_subtrees));
}

} // namespace tcplife::wireshark
