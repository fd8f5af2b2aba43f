#include "zeek/zeek_conn.hpp"

#include "tcp/roles.hpp"
#include "zeek/sequence_space.hpp"

#include <limits>

namespace tcplife {
namespace {

bool yields_ack_or_data(const Segment &segment)
{
    return !segment.has(tcp_flag::syn | tcp_flag::fin | tcp_flag::rst) &&
           (segment.payload_length > 0 || segment.has(tcp_flag::ack));
}

} // namespace

// TCPSessionAdapter::Process, in its order.
void ZeekConnection::observe(const Segment &segment, const SocketPair &sockets)
{
    using S = ZeekEndpointState;
    if (!started_)
        start(segment, sockets);
    // PR zeek#2191: a lone SYN-ACK followed by an ACK or data from either side was not
    // a stealth scan, so its sender is the server. The segment is then recorded in the
    // new roles (Zeek logs "^haf" for SYN-ACK, ACK, FIN all from one side).
    if (history_length_ == 1 && history_[0] == 'H' && yields_ack_or_data(segment))
        flip_after_lone_synack();

    const std::size_t sender = sender_of(segment, sockets);
    ZeekEndpoint &from = endpoints_[sender];
    ZeekEndpoint &to = endpoints_[1 - sender];
    const auto [syn, fin, rst, ack] = control_flags(segment);
    const std::uint32_t length = segment.payload_length;

    if (from.packets < std::numeric_limits<std::uint32_t>::max())
        ++from.packets; // the ConnSize analyzer counts per endpoint and swaps on flips
    from.ip_bytes += segment.analysis.ip_bytes;
    if (segment.analysis.ip_bytes == 0)
        ip_bytes_unknown_ = true;
    note_partial_status(sender, segment);

    // get_segment_len: SYN and FIN take one sequence number each; a RST's payload is not
    // part of the stream.
    std::uint32_t segment_length = length + (syn ? 1u : 0u) + (fin ? 1u : 0u);
    if (rst)
        segment_length -= length;
    const std::uint32_t seq = segment.seq.raw();
    const std::uint32_t end = seq + segment_length;

    const S handler = from.state;
    // IsReuse lets a responder's pure SYN reverse the handshake only at the start the
    // originator's SYN-ACK implied for it (that SYN-ACK's ack - 1, from init_peer); any
    // other SYN would open a new Zeek connection. Read it before init_endpoint replaces
    // the start with this SYN's own number.
    const bool syn_at_implied_start = handler == S::Inactive && seq == from.start_seq;
    from.init_from_segment(syn, seq, end);

    bool seq_underflow = false;
    const std::uint64_t rel_seq = from.relative(seq, from.last_seq, from.seq_wraps, seq_underflow);
    record_history(sender, segment, rel_seq);

    // update_window: a zero window is news unless it comes with or after a RST, or after
    // the peer's FIN. Scaled or not, the window is zero exactly when the field is.
    if (segment.window == 0 && !rst && to.state != S::Closed && from.state != S::Reset)
        count_event(sender, rare_.get().zero_windows[sender], 'W');

    if (fin)
        from.sent_fin = true;

    std::uint64_t rel_ack = 0;
    if (ack) {
        const std::uint32_t ack_number = segment.ack.raw();
        if (to.state == S::Inactive) {
            rel_ack = 1;
            to.restart(ack_number - 1, ack_number - 1); // init_peer: number the peer as if its SYN was seen
        } else {
            bool ack_underflow = false;
            rel_ack = to.relative(ack_number, to.ack_seq, to.ack_wraps, ack_underflow);
            if (ack_underflow)
                rel_ack = 0;
            else if (!rst) // "Don't trust ack's in RST packets."
                to.advance_ack(ack_number);
        }
    }

    update_last_seq(sender, end, segment);
    run_state_machine(sender, handler, segment, syn_at_implied_start);
    // After the state machine, so a gap revealed by a FIN or RST is judged in the new states.
    if (ack)
        ack_received(1 - sender, rel_ack);
    if (length > 0 && !rst && !seq_underflow)
        data_sent(sender, rel_seq + (syn ? 1u : 0u), length);
    from.sent_any = true;
}

// WantConnection + Connection::FlipRoles at creation: the first segment's sender
// originates unless Zeek's port rule turns the roles round (tcp/roles.hpp).
void ZeekConnection::start(const Segment &segment, const SocketPair &sockets)
{
    started_ = true;
    first_sender_side_ = segment.source.matches(sockets[0]) ? 0 : 1; // endpoints_[0] sent it
    if (zeek_first_sender_is_responder(segment))
        flip_roles();
}

// Connection::FlipRoles: swap the roles and append '^'. Letters already written keep
// their case; the adapter's FlipRoles clears is_partial.
void ZeekConnection::flip_roles()
{
    originator_index_ = static_cast<std::uint8_t>(1 - originator_index_);
    is_partial_ = false;
    append_history('^');
}

// The lone 'H' was the responder's: the history is rewritten as "^h".
void ZeekConnection::flip_after_lone_synack()
{
    originator_index_ = static_cast<std::uint8_t>(1 - originator_index_);
    is_partial_ = false;
    clear_history();
    append_history('^');
    append_history('h');
}

// Zeek: the originator is whoever matches the connection's originator address and
// port; everything else is the responder.
std::size_t ZeekConnection::sender_of(const Segment &segment, const SocketPair &sockets) const
{
    return segment.source.matches(socket_of(originator_index_, sockets)) ? originator_index_
                                                                         : 1u - originator_index_;
}

// SetPartialStatus: a connection is partial when the originator's first segment is
// not a pure SYN, or the responder's first is no SYN at all.
void ZeekConnection::note_partial_status(std::size_t sender, const Segment &segment)
{
    if (endpoints_[sender].sent_any)
        return;
    const bool syn = segment.has(tcp_flag::syn);
    if (is_originator(sender))
        is_partial_ = !syn || segment.has(tcp_flag::ack);
    else if (!is_partial_)
        is_partial_ = !syn;
}

// update_last_seq: move the endpoint's highest sequence number forward; payload that
// does not go past it is a retransmission (T).
void ZeekConnection::update_last_seq(std::size_t sender, std::uint32_t end, const Segment &segment)
{
    ZeekEndpoint &from = endpoints_[sender];
    const std::int32_t delta = seq_delta(end, from.last_seq);
    if (segment.has(tcp_flag::syn | tcp_flag::rst) && (delta > too_large_seq_delta || delta < -too_large_seq_delta))
        return; // a far-off SYN or RST is not trusted
    if (segment.has(tcp_flag::fin) && from.last_seq == from.start_seq + 1) {
        from.advance_last(end); // only a SYN before this FIN: trust it even backwards (> 2 GB connections)
        return;
    }
    if (from.state == ZeekEndpointState::Reset)
        return; // nothing after its RST is trusted
    if (delta > 0)
        from.advance_last(end);
    else if (segment.payload_length > 0)
        count_event(sender, rare_.get().retransmissions[sender], 'T');
}

} // namespace tcplife
