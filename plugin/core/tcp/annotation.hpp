// What the observer concludes about one segment: plain, fixed-size data, cached per
// frame by the Wireshark glue and turned into fields, expert info and Info marks.
#pragma once

#include "tcp/roles.hpp"
#include "tcp/tcp_state.hpp"
#include "tcp/transitions.hpp"

#include <array>
#include <cstdint>

namespace tcplife {

// The states one endpoint went through while this segment was taken into account,
// in order; the last one is its state after the segment. Empty when nothing changed.
struct StatePath {
    std::array<TcpState, 4> states{};
    std::uint8_t length = 0;

    void push(TcpState state)
    {
        if (length < states.size())
            states[length++] = state;
    }
};

namespace note {
constexpr std::uint32_t midstream_start = 1u << 0;      // first segment of a capture that began mid-stream
constexpr std::uint32_t simultaneous_open = 1u << 1;    // a SYN crossed the peer's SYN
constexpr std::uint32_t simultaneous_close = 1u << 2;   // a FIN crossed the peer's FIN
constexpr std::uint32_t handshake_ack_mismatch = 1u << 3; // ack is not the peer's ISN + 1
constexpr std::uint32_t synack_before_syn = 1u << 4;    // a SYN-ACK before any SYN: unsolicited unless one follows
constexpr std::uint32_t time_wait = 1u << 5;            // the sender acknowledges the last FIN and waits
constexpr std::uint32_t repeated_step_ack = 1u << 6;    // a pure ACK identical to the step ACK before it
constexpr std::uint32_t data_before_established = 1u << 7; // payload from a side still opening
constexpr std::uint32_t data_in_syn = 1u << 8;          // a SYN or SYN-ACK carrying payload (TFO)
constexpr std::uint32_t segment_after_close = 1u << 9;  // sent by a side that is already CLOSED
constexpr std::uint32_t rst_in_time_wait = 1u << 10;    // a RST reaching a side in TIME_WAIT
constexpr std::uint32_t data_after_fin = 1u << 11;      // payload beyond the sender's own FIN
constexpr std::uint32_t reuse_in_time_wait = 1u << 12;  // a new SYN while the 4-tuple is in TIME_WAIT
constexpr std::uint32_t window_scale_capped = 1u << 13; // a SYN or SYN-ACK offering a shift above 14
constexpr std::uint32_t time_backwards = 1u << 14;      // timestamped before its conversation's previous segment
// Inferences: segments the capture lacks, proven by what their peers did next.
constexpr std::uint32_t syn_reordered = 1u << 15;       // a SYN captured after the SYN-ACK that answers it
constexpr std::uint32_t syn_not_captured = 1u << 16;    // an ACK of a SYN-ACK from a side whose SYN was not captured
constexpr std::uint32_t synack_not_captured = 1u << 17; // an ACK proving a SYN-ACK the capture lacks
constexpr std::uint32_t handshake_ack_not_captured = 1u << 18; // data proving the handshake's missed ACK
constexpr std::uint32_t rexmit_inconsistency = 1u << 19; // data at the sequence numbers of its copy just before, but different
} // namespace note

// What a RST means, as far as the observer can tell (RFC 9293 3.10.7, RFC 5961 3.2).
enum class ResetKind : std::uint8_t {
    None,
    Abort,               // an acceptable RST: both sides are CLOSED
    RefusesSyn,          // answers a SYN: nobody listens on the port
    RefusesSynAck,       // answers a SYN-ACK its receiver never asked for
    AnswersUnacceptable, // answers an unacceptable ACK: neither side's state changes
    OutOfWindow,         // its sequence number is not what the receiver expects: ignored
    FromClosed,          // a side already CLOSED answers a stray segment from a peer also CLOSED
};

struct Annotation {
    std::uint32_t stream = 0;
    Role sender = Role::Unknown;  // who sent it, by the roles as known or guessed (tcplife.sender)
    bool roles_guessed = false;   // no SYN or SYN-ACK seen: roles come from the ports (tcplife.roles_guessed)
    std::uint8_t handshake_step = 0; // 1 SYN, 2 SYN-ACK, 3 ACK; 0 none
    std::uint8_t close_steps = 0;    // bit n-1 set for close step n (1 FIN, 2 ACK, 3 FIN, 4 ACK)
    bool merged_close = false;       // one segment is both close step 2 and 3
    std::uint8_t attempt = 0;        // which transmission of its step this is; 2+ = retransmission
    std::uint32_t notes = 0;         // note:: bits

    TcpState client_before = TcpState::Unknown;
    TcpState client_after = TcpState::Unknown;
    TcpState server_before = TcpState::Unknown;
    TcpState server_after = TcpState::Unknown;
    StatePath client_path;
    StatePath server_path;

    ResetKind reset = ResetKind::None;
    TcpState reset_in = TcpState::Unknown; // the resetting endpoint's state before the RST
    // The raw number the step explains (an ack, or a RST's seq) and what it should be
    // (the acknowledged SYN or FIN + 1, or the sequence number the receiver expects).
    std::uint32_t number = 0;
    std::uint32_t expected_number = 0;
    std::uint16_t server_port = 0;

    // Events of this segment the transition table did not expect (saturating): the state
    // stayed, and the observer's model cannot explain the segment. The first one names
    // the endpoint, its state and the event; it is meaningful only when the count is not 0.
    std::uint8_t unexpected_events = 0;
    Role unexpected_at = Role::Unknown;
    TcpState unexpected_state = TcpState::Unknown;
    EndpointEvent unexpected_event = EndpointEvent::SendSyn;

    bool has_close_step(unsigned step) const { return (close_steps & (1u << (step - 1))) != 0; }
    bool has(std::uint32_t note_bit) const { return (notes & note_bit) != 0; }
    bool is_retransmission() const { return attempt >= 2; }
    // Moved an endpoint to another state: the segment is a moment of the timeline.
    bool changes_state() const { return client_path.length != 0 || server_path.length != 0; }
};

} // namespace tcplife
