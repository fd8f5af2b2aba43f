#include "conversation/ledger.hpp"

#include <algorithm>

namespace tcplife {
namespace {

std::size_t side_index(Role role) { return role == Role::Server ? 1 : 0; }

bool is_open_state(TcpState state)
{
    switch (state) {
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::CloseWait:
    case TcpState::Closing:
    case TcpState::LastAck:
    case TcpState::TimeWait:
        return true;
    default:
        return false;
    }
}

// A stream opened by a tunnel's segment starts with unknown addresses (SocketAddress::matches).
void fill_unknown_address(Address &kept, const Address &seen)
{
    if (kept.family == 0)
        kept = seen;
}

} // namespace

void Ledger::record(const Segment &segment, const Annotation &annotation)
{
    const Moment now{segment.frame, segment.time_ns};
    const std::size_t sender = side_index(annotation.sender);
    SideFacts &from = facts_.sides[sender];
    SideFacts &peer = facts_.sides[1 - sender];
    if (!facts_.first.seen()) {
        facts_.first = now;
        facts_.earliest_ns = facts_.latest_ns = now.time_ns;
        // One stream is one 4-tuple: its first segment shows both sockets.
        facts_.sockets[sender] = segment.source;
        facts_.sockets[1 - sender] = segment.destination;
    }
    fill_unknown_address(facts_.sockets[sender].address, segment.source.address);
    fill_unknown_address(facts_.sockets[1 - sender].address, segment.destination.address);
    facts_.last_frame = now.frame;
    facts_.last_ns = now.time_ns;
    facts_.earliest_ns = std::min(facts_.earliest_ns, segment.time_ns);
    facts_.latest_ns = std::max(facts_.latest_ns, segment.time_ns);
    facts_.roles_guessed = annotation.roles_guessed;
    peer.unanswered_retransmissions = 0; // the sender is alive: whatever the peer sent was not in vain

    if (annotation.has(note::midstream_start))
        facts_.midstream = true;
    if (segment.has(tcp_flag::syn) && !segment.has(tcp_flag::rst) && !from.sent_syn) {
        from.sent_syn = true;
        from.offered = segment.options;
        from.syn_flags = segment.flags;
        from.syn_carried_data = segment.payload_length != 0;
    }
    record_handshake(annotation, now);
    record_close(annotation, now);
    record_sequence_space(sender, segment, annotation);
    record_states(annotation, now);
}

void Ledger::record_handshake(const Annotation &a, const Moment &now)
{
    const bool repeat = a.has(note::repeated_step_ack);
    if (a.has(note::simultaneous_open))
        facts_.simultaneous_open = true;
    if (a.has(note::synack_before_syn))
        facts_.unsolicited_synack = true;
    if (a.has(note::syn_reordered))
        facts_.unsolicited_synack = false; // its SYN came after all
    if (a.has(note::synack_not_captured))
        facts_.synack_inferred = true;
    if (a.has(note::handshake_ack_not_captured))
        facts_.handshake_ack_inferred = true;
    switch (a.handshake_step) {
    case 1:
        if (!facts_.syn.seen())
            facts_.syn = now;
        facts_.latest_syn_frame = now.frame;
        if (a.is_retransmission())
            ++facts_.syn_retransmissions;
        if (!facts_.synack.seen()) {
            facts_.has_syn_answered = true;
            facts_.syn_answered_ns = now.time_ns;
        }
        break;
    case 2:
        if (!facts_.synack.seen()) {
            facts_.synack = now;
            facts_.synack_acked_syn_data = a.number != a.expected_number && facts_.client().syn_carried_data &&
                                           !a.has(note::handshake_ack_mismatch);
        }
        if (!facts_.handshake_ack.seen()) {
            facts_.has_synack_answered = true;
            facts_.synack_answered_ns = now.time_ns;
        }
        break;
    case 3:
        if (!repeat && !a.has(note::handshake_ack_mismatch) && !facts_.handshake_ack.seen()) {
            facts_.handshake_ack = now;
            facts_.unsolicited_synack = false; // the client asked for the SYN-ACK it acknowledges
        }
        break;
    default:
        break;
    }
    if (a.reset == ResetKind::RefusesSyn)
        facts_.refusal_frame = now.frame;
    // A RST counts when it ended a state: its receiver obeyed it (RFC 5961: an out-of-window
    // one is ignored), or its sender left a connection it had (a client resetting its own SYN).
    const bool receiver_is_client = a.sender == Role::Server;
    const TcpState receiver_before = receiver_is_client ? a.client_before : a.server_before;
    const TcpState receiver_after = receiver_is_client ? a.client_after : a.server_after;
    if (a.reset == ResetKind::None || !a.changes_state())
        return;
    facts_.reset_frame = now.frame;
    facts_.reset_by = a.sender;
    // A side whose state the capture never showed (mid-stream) was open too.
    if (receiver_after != receiver_before &&
        (is_open_state(receiver_before) || receiver_before == TcpState::Unknown))
        facts_.aborted = true;
}

void Ledger::record_close(const Annotation &a, const Moment &now)
{
    SideFacts &from = facts_.sides[side_index(a.sender)];
    if ((a.has_close_step(1) || a.has_close_step(3)) && !from.sent_fin) {
        from.sent_fin = true;
        if (!facts_.first_fin.seen()) {
            facts_.first_fin = now;
            facts_.first_closer = a.sender;
        }
    }
    if (a.merged_close)
        facts_.merged_close = true;
    if (a.has(note::simultaneous_close))
        facts_.simultaneous_close = true;
}

// Payload bytes per direction from sequence numbers, as the sender numbered them:
// a retransmission adds nothing, a segment missing from the capture still counts.
void Ledger::record_sequence_space(std::size_t sender, const Segment &segment, const Annotation &a)
{
    SideFacts &from = facts_.sides[sender];
    SideFacts &to = facts_.sides[1 - sender];
    if (!from.has_sequence_base) {
        from.has_sequence_base = true;
        from.sequence_base = segment.has(tcp_flag::syn) ? segment.seq : SeqNumber(segment.seq.raw() - 1);
    }
    if (!to.has_sequence_base && segment.has(tcp_flag::ack)) {
        to.has_sequence_base = true;
        to.sequence_base = SeqNumber(segment.ack.raw() - 1);
    }
    if (segment.has(tcp_flag::rst))
        return; // a RST's payload is diagnostic text, not stream data
    const bool syn = segment.has(tcp_flag::syn);
    const SeqNumber start = syn ? segment.seq + 1 : segment.seq;
    if (!from.has_base || (syn && a.attempt == 1 && a.handshake_step != 0)) {
        from.has_base = true;
        from.highest_end = start;
        from.bytes = 0;
    }
    const SeqNumber end = start + segment.payload_length;
    const bool fin_again = a.is_retransmission() && (a.has_close_step(1) || a.has_close_step(3));
    // RFC 9293 3.8.4: a keep-alive probe repeats the byte before SND.NXT, with at most one byte.
    const bool keep_alive = !syn && !segment.has(tcp_flag::fin) && segment.payload_length <= 1 &&
                            segment.seq + 1 == from.highest_end;
    if (segment.payload_length != 0 && end > from.highest_end && !keep_alive) { // the FIN's slot is no byte
        from.bytes += static_cast<std::uint32_t>(end.distance_from(from.highest_end));
        from.highest_end = end;
    } else if (segment.payload_length != 0 || fin_again || keep_alive) {
        ++from.unanswered_retransmissions;
    }
}

void Ledger::record_states(const Annotation &a, const Moment &now)
{
    const TcpState before[2] = {a.client_before, a.server_before};
    const TcpState after[2] = {a.client_after, a.server_after};
    for (std::size_t side = 0; side < 2; ++side) {
        SideFacts &facts = facts_.sides[side];
        facts.state = after[side];
        if (after[side] == TcpState::TimeWait && before[side] != TcpState::TimeWait)
            facts.time_wait = now;
        if (is_open_state(after[side]))
            facts.reached_open = true;
    }
    facts_.ever_open = facts_.midstream || (facts_.client().reached_open && facts_.server().reached_open);
    if (!facts_.has_close_done && facts_.client().sent_fin && facts_.server().sent_fin &&
        is_finished(after[0]) && is_finished(after[1]) && !facts_.aborted) {
        facts_.has_close_done = true;
        facts_.close_done_ns = now.time_ns;
    }
    if (!a.changes_state())
        return;
    if (!facts_.timeline.push_back(now, facts_.first))
        ++facts_.timeline_overflow;
}

} // namespace tcplife
