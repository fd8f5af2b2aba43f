// What Zeek keeps per endpoint of a connection (TCP_Endpoint): its coarse state and its
// sequence bookkeeping. Internal to zeek/: ZeekConnection holds two and is the only
// code that touches them.
#pragma once

#include "tcp/segment.hpp"

#include <cstdint>

namespace tcplife {

// The control flags Zeek's analyzer decides by, read once per segment:
// `const auto [syn, fin, rst, ack] = control_flags(segment);`
struct ControlFlags {
    bool syn;
    bool fin;
    bool rst;
    bool ack;
};

inline ControlFlags control_flags(const Segment &segment)
{
    return {segment.has(tcp_flag::syn), segment.has(tcp_flag::fin), segment.has(tcp_flag::rst),
            segment.has(tcp_flag::ack)};
}

// Zeek's endpoint states (TCP_Endpoint.h EndpointState): coarser than RFC 9293,
// they say only what a passive observer has seen an endpoint do.
enum class ZeekEndpointState : std::uint8_t {
    Inactive,    // nothing seen from it that changed its state
    SynSent,     // sent a SYN as originator
    SynAckSent,  // sent a SYN-ACK as originator (its peer's SYN was not seen)
    Partial,     // sent data or an ACK without a SYN seen
    Established, // a handshake seen, or a missed SYN inferred
    Closed,      // sent a FIN
    Reset,       // sent a RST
};

// In 32 bits where Zeek uses 64: sequence numbers keep Zeek's wrap counters, relative
// positions are compared wrap-safe (sequence_space.hpp).
struct ZeekEndpoint {
    std::uint64_t ip_bytes = 0;      // the IP lengths of its packets (the ConnSize analyzer's num_bytes_ip)
    std::uint32_t start_seq = 0;     // sequence number of its SYN, or one before its first octet
    std::uint32_t last_seq = 0;      // one past the highest sequence number it sent
    std::uint32_t ack_seq = 0;       // highest of its sequence numbers the peer acknowledged
    std::uint32_t last_syn_at = 0;   // relative sequence number of its latest SYN (S/H repeat rule)
    std::uint32_t last_fin_end = 0;  // relative end of its latest FIN segment (F repeat rule)
    std::uint32_t last_rst_at = 0;   // relative sequence number of its latest RST (R repeat rule)
    std::uint32_t delivered_to = 1;  // relative: its data is contiguous (or given up as a gap) below this
    std::uint32_t held_from = 0;     // relative start of its data held above a hole; 0: none
    std::uint32_t packets = 0;
    std::uint8_t seq_wraps = 0;      // times last_seq wrapped past 2^32 (Zeek's seq_wraps), saturating
    std::uint8_t ack_wraps = 0;
    ZeekEndpointState state : 3;
    ZeekEndpointState prev_state : 3; // the state before the last change (Zeek's prev_state)
    bool sent_fin : 1;               // Zeek's FIN_cnt > 0
    bool sent_any : 1;               // Zeek's first_packet_seen bit, which follows the endpoint

    ZeekEndpoint()
        : state(ZeekEndpointState::Inactive), prev_state(ZeekEndpointState::Inactive), sent_fin(false),
          sent_any(false)
    {
    }

    void init_from_segment(bool syn, std::uint32_t seq, std::uint32_t end);
    void restart(std::uint32_t start, std::uint32_t last);
    std::uint64_t relative(std::uint32_t value, std::uint32_t last, unsigned wraps, bool &underflow) const;
    void advance_last(std::uint32_t end);
    void advance_ack(std::uint32_t ack);
    bool no_data_acked() const;
    bool cleanly_open() const;
    std::uint32_t held_data_end() const;
};

} // namespace tcplife
