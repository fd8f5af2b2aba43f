// What one conversation's segments add up to, kept as plain facts: when each step was
// seen, what each side offered and sent, every frame that changed a state. Verdicts
// (verdict.hpp) and the conversation tree are derived from these facts, at any point
// of the capture: after the segment at hand (a one-pass run) or after the last one.
#pragma once

#include "tcp/annotation.hpp"
#include "tcp/segment.hpp"
#include "conversation/timeline.hpp"

#include <array>
#include <cstdint>

namespace tcplife {

// A 64-bit count aligned to 4 bytes (a typedef may lower alignment in GCC): a struct of
// otherwise 32-bit members then needs no padding after its last member.
typedef std::uint64_t Count64 __attribute__((aligned(4)));

// Members ordered by alignment, so that no padding sits between them. Its segment count
// is the Conversation's (client_segments(), server_segments()).
struct SideFacts {
    Count64 bytes = 0;                  // payload, from sequence space (retransmissions count once)
    Moment time_wait;                   // when it entered TIME_WAIT
    // Its retransmissions and keep-alive probes since the peer last sent anything: the
    // peer may have vanished.
    std::uint32_t unanswered_retransmissions = 0;
    SeqNumber highest_end;              // sequence-space bookkeeping behind `bytes`
    // What its relative sequence numbers count from, as Wireshark's do: its first SYN, else
    // one before its first segment's number, else one before the peer's first ACK of it.
    // Set once, so that every pass tells the same numbers.
    SeqNumber sequence_base;
    TcpOptions offered;                 // by its SYN or SYN-ACK
    std::uint16_t syn_flags = 0;        // flags of that SYN or SYN-ACK (ECN negotiation)
    TcpState state = TcpState::Unknown; // after its latest segment
    bool sent_syn : 1;                  // a SYN or SYN-ACK, so `offered` is known
    bool sent_fin : 1;
    bool syn_carried_data : 1;
    bool reached_open : 1;              // it was ESTABLISHED or later at some point
    bool has_base : 1;                  // highest_end is set
    bool has_sequence_base : 1;

    SideFacts()
        : sent_syn(false), sent_fin(false), syn_carried_data(false), reached_open(false), has_base(false),
          has_sequence_base(false)
    {
    }
};
static_assert(sizeof(SideFacts) == 40, "SideFacts has no padding");

// Members grouped by alignment, so that little padding sits between them.
struct LedgerFacts {
    static constexpr std::size_t timeline_capacity = Timeline::capacity;

    std::array<SideFacts, 2> sides; // [0] client, [1] server
    SocketPair sockets;             // as the first segment showed them
    Timeline timeline;              // segments that changed a state, in order, kept from `first`
    std::int64_t earliest_ns = 0;   // capture times need not grow with the frame number
    std::int64_t latest_ns = 0;
    std::int64_t last_ns = 0;       // the capture time of the latest segment (last_frame's)
    // Steps whose frame nobody asks for, by capture time; seen when their has_ bit is set.
    std::int64_t syn_answered_ns = 0;    // the latest SYN before the first SYN-ACK: the one it answers
    std::int64_t synack_answered_ns = 0; // the latest SYN-ACK before the handshake ACK
    std::int64_t close_done_ns = 0;      // both FINs acknowledged

    Moment first;
    Moment syn;           // the first SYN
    Moment synack;        // the first SYN-ACK
    Moment handshake_ack; // the ACK completing the handshake
    Moment first_fin;

    // Steps whose time nobody asks for, by frame number; 0: not seen.
    std::uint32_t last_frame = 0;
    std::uint32_t latest_syn_frame = 0;
    std::uint32_t refusal_frame = 0; // the latest RST refusing a SYN
    std::uint32_t reset_frame = 0;   // the latest RST its receiver obeyed (ended or refused the connection)

    std::uint32_t syn_retransmissions = 0;
    // The earlier stream on the same 4-tuple whose TIME_WAIT this one's SYN cut into, + 1.
    std::uint32_t reused_stream_plus_one = 0;
    std::uint32_t timeline_overflow = 0; // state changes beyond timeline_capacity

    Role first_closer = Role::Unknown;
    Role reset_by = Role::Unknown;
    bool roles_guessed : 1;
    bool midstream : 1;
    bool simultaneous_open : 1;
    bool unsolicited_synack : 1;    // a SYN-ACK before any SYN, and no SYN or ACK of it since
    bool synack_inferred : 1;       // a segment proved a SYN-ACK the capture lacks
    bool handshake_ack_inferred : 1; // a segment proved the handshake's ACK the capture lacks
    bool synack_acked_syn_data : 1; // the server accepted data carried by the SYN (TFO)
    bool merged_close : 1;
    bool simultaneous_close : 1;
    bool aborted : 1;               // a RST its receiver obeyed ended an open connection
    bool ever_open : 1;             // both sides reached ESTABLISHED or later, or it began mid-stream
    bool has_syn_answered : 1;
    bool has_synack_answered : 1;
    bool has_close_done : 1;

    LedgerFacts()
        : roles_guessed(false), midstream(false), simultaneous_open(false), unsolicited_synack(false),
          synack_inferred(false), handshake_ack_inferred(false), synack_acked_syn_data(false), merged_close(false), simultaneous_close(false), aborted(false),
          ever_open(false), has_syn_answered(false), has_synack_answered(false), has_close_done(false)
    {
    }

    const SideFacts &client() const { return sides[0]; }
    const SideFacts &server() const { return sides[1]; }
    const SocketAddress &client_socket() const { return sockets[0]; }
    const SocketAddress &server_socket() const { return sockets[1]; }
};

class Ledger {
public:
    void record(const Segment &segment, const Annotation &annotation);
    void record_reuse_of(std::uint32_t earlier_stream) { facts_.reused_stream_plus_one = earlier_stream + 1; }
    // Whether `segment`, not yet recorded, is timestamped before the conversation's
    // previous segment: the capture's clock went backwards (time_backwards).
    bool goes_back_in_time(const Segment &segment) const
    {
        return facts_.first.seen() && segment.time_ns < facts_.last_ns;
    }
    const LedgerFacts &facts() const { return facts_; }

private:
    void record_handshake(const Annotation &annotation, const Moment &now);
    void record_close(const Annotation &annotation, const Moment &now);
    void record_sequence_space(std::size_t sender, const Segment &segment, const Annotation &annotation);
    void record_states(const Annotation &annotation, const Moment &now);

    LedgerFacts facts_;
};

} // namespace tcplife
