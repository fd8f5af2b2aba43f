// What one conversation's segments add up to, kept as plain facts: when each step was
// seen, what each side offered and sent, every frame that changed a state. Verdicts
// (verdict.hpp) and the conversation tree are derived from these facts, at any point
// of the capture: after the segment at hand (a one-pass run) or after the last one.
#pragma once

#include "annotation.hpp"
#include "segment.hpp"

#include <array>
#include <climits>
#include <cstdint>
#include <vector>

namespace tcplife {

// Capture times are nanoseconds in an int64: far-future (or corrupt) timestamps must
// not overflow when a length is added.
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b)
{
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

inline std::int64_t saturating_difference(std::int64_t a, std::int64_t b)
{
    std::int64_t difference = 0;
    if (__builtin_sub_overflow(a, b, &difference))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return difference;
}

// A frame and its capture time; frame 0 means "not seen".
struct Moment {
    std::uint32_t frame = 0;
    std::int64_t time_ns = 0;

    bool seen() const { return frame != 0; }
};

struct SideFacts {
    SocketAddress address;
    TcpState state = TcpState::Unknown; // after its latest segment
    TcpOptions offered;                 // by its SYN or SYN-ACK
    bool sent_syn = false;              // a SYN or SYN-ACK, so `offered` is known
    std::uint16_t syn_flags = 0;        // flags of that SYN or SYN-ACK (ECN negotiation)
    bool sent_fin = false;
    bool syn_carried_data = false;
    bool reached_open = false;          // it was ESTABLISHED or later at some point
    std::uint64_t bytes = 0;            // payload, from sequence space (retransmissions count once)
    std::uint32_t segments = 0;
    Moment time_wait;                   // when it entered TIME_WAIT
    // Its retransmissions and keep-alive probes since the peer last sent anything: the
    // peer may have vanished.
    std::uint32_t unanswered_retransmissions = 0;

    // Sequence-space bookkeeping behind `bytes`.
    bool has_base = false;
    SeqNumber highest_end;
};

struct LedgerFacts {
    static constexpr std::size_t timeline_capacity = 32;

    std::array<SideFacts, 2> sides; // [0] client, [1] server
    bool roles_guessed = false;

    Moment first;
    Moment last;
    std::int64_t earliest_ns = 0; // capture times need not grow with the frame number
    std::int64_t latest_ns = 0;
    Moment syn;             // the first SYN
    Moment latest_syn;
    Moment synack;          // the first SYN-ACK
    Moment handshake_ack;   // the ACK completing the handshake
    Moment syn_answered;    // the latest SYN before the first SYN-ACK: the one it answers
    Moment synack_answered; // the latest SYN-ACK before the handshake ACK
    Moment refusal;         // the latest RST refusing a SYN
    Moment first_fin;
    Moment close_done;      // both FINs acknowledged
    Moment reset;           // the latest RST its receiver obeyed (ended or refused the connection)

    Role first_closer = Role::Unknown;
    Role reset_by = Role::Unknown;
    std::uint32_t syn_retransmissions = 0;
    bool midstream = false;
    bool simultaneous_open = false;
    bool unsolicited_synack = false;
    bool synack_acked_syn_data = false; // the server accepted data carried by the SYN (TFO)
    bool merged_close = false;
    bool simultaneous_close = false;
    bool aborted = false;   // a RST its receiver obeyed ended an open connection
    bool ever_open = false; // both sides reached ESTABLISHED or later, or it began mid-stream
    // The earlier stream on the same 4-tuple whose TIME_WAIT this one's SYN cut into, + 1.
    std::uint32_t reused_stream_plus_one = 0;

    std::vector<Moment> timeline;          // segments that changed a state, in order
    std::uint32_t timeline_overflow = 0;   // state changes beyond timeline_capacity

    const SideFacts &client() const { return sides[0]; }
    const SideFacts &server() const { return sides[1]; }
};

class Ledger {
public:
    void record(const Segment &segment, const Annotation &annotation);
    void record_reuse_of(std::uint32_t earlier_stream) { facts_.reused_stream_plus_one = earlier_stream + 1; }
    const LedgerFacts &facts() const { return facts_; }

private:
    void record_handshake(const Annotation &annotation, const Moment &now);
    void record_close(const Annotation &annotation, const Moment &now);
    void record_sequence_space(std::size_t sender, const Segment &segment, const Annotation &annotation);
    void record_states(const Annotation &annotation, const Moment &now);

    LedgerFacts facts_;
};

} // namespace tcplife
