#include "zeek/zeek_conn.hpp"

#include "tcp/roles.hpp"

#include <algorithm>
#include <limits>

namespace tcplife {
namespace {

// TCPSessionAdapter.cc TOO_LARGE_SEQ_DELTA: a SYN or RST this far from what the endpoint
// sent before does not move its sequence numbers (update_last_seq, update_ack_seq).
constexpr std::int32_t too_large_seq_delta = 1048576;

// Zeek's hist_seen bits (TCP_Endpoint::HistoryMasks). They belong to the connection and
// are chosen by the sender's role when the letter is written, so after a flip they stay
// with the role, not with the endpoint (Connection::FlipRoles leaves hist_seen alone).
namespace seen {
constexpr std::uint16_t syn = 0x01; // S and H share one record
constexpr std::uint16_t fin = 0x02;
constexpr std::uint16_t rst = 0x04;
constexpr std::uint16_t fin_rst = 0x08;
constexpr std::uint16_t data = 0x10;
constexpr std::uint16_t ack = 0x20;
constexpr std::uint16_t multi_flag = 0x40;
constexpr unsigned responder_shift = 8; // Zeek shifts by 16 in 32 bits; 8 suffices for 7 bits
} // namespace seen

// Where the history stands in Zeek's RSTOS0 pattern /\^?S[^HAFGIQ]*R.*/, which
// main.zeek matches against the whole history. Tracking it letter by letter keeps
// conn_state exact even when the history buffer overflows.
namespace rstos0 {
constexpr std::uint8_t at_start = 0;
constexpr std::uint8_t after_caret = 1;
constexpr std::uint8_t after_syn = 2;
constexpr std::uint8_t matched = 3;
constexpr std::uint8_t failed = 4;

std::uint8_t step(std::uint8_t state, char letter)
{
    switch (state) {
    case at_start:
        return letter == '^' ? after_caret : letter == 'S' ? after_syn : failed;
    case after_caret:
        return letter == 'S' ? after_syn : failed;
    case after_syn:
        if (letter == 'R')
            return matched; // the rest is .*
        return std::string_view("HAFGIQ").find(letter) == std::string_view::npos ? after_syn : failed;
    default:
        return state;
    }
}
} // namespace rstos0

std::int32_t seq_delta(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

// Relative positions are Zeek's 64-bit relative sequence numbers cut to 32 bits, so
// they are ordered by signed distance like sequence numbers.
bool rel_after(std::uint32_t a, std::uint32_t b) { return seq_delta(a, b) > 0; }
bool rel_before(std::uint32_t a, std::uint32_t b) { return seq_delta(a, b) < 0; }

std::uint32_t low32(std::uint64_t value) { return static_cast<std::uint32_t>(value); }

std::uint64_t full_seq(std::uint32_t seq, std::uint8_t wraps)
{
    return (static_cast<std::uint64_t>(wraps) << 32) + seq; // TCP_Endpoint::ToFullSeqSpace
}

char responder_case(char code) { return code >= 'A' && code <= 'Z' ? static_cast<char>(code - 'A' + 'a') : code; }

// Session::ScaledHistoryEntry writes its letter when the count reaches 1, 10, 100, ...
bool is_power_of_ten(std::uint32_t count)
{
    if (count == 0)
        return false;
    while (count % 10 == 0)
        count /= 10;
    return count == 1;
}

bool yields_ack_or_data(const Segment &segment)
{
    return !segment.has(tcp_flag::syn | tcp_flag::fin | tcp_flag::rst) &&
           (segment.payload_length > 0 || segment.has(tcp_flag::ack));
}

} // namespace

// What a segment means for one endpoint's state machine. Which events a segment
// raises depends on Zeek's handler for the sender's state at the start of the segment
// (run_state_machine); where each event leads is next_state's table.
enum class ZeekConnection::Event : std::uint8_t {
    OriginatorSyn,        // the originator sends a pure SYN
    OriginatorSynAck,     // the originator sends a SYN-ACK
    ResponderSyn,         // the responder sends a SYN or SYN-ACK
    Fin,                  // it sends a FIN (the handler has decided the FIN counts)
    Rst,                  // it sends a RST (the handler has decided the RST counts)
    AckToEstablished,     // no SYN/FIN/RST, ACK set, and the peer is ESTABLISHED
    Midstream,            // no SYN/FIN/RST, and nothing else explains it
    SynAfterPartial,      // a pure SYN from a PARTIAL endpoint whose peer is INACTIVE
    SynAnswered,          // the peer's SYN or SYN-ACK answers this endpoint's SYN
    HandshakeReversed,    // the SYN this endpoint's SYN-ACK answers arrived after it
    PeerClosedAfterReset, // the peer's FIN after this endpoint sent FIN then RST
};

const char *zeek_conn_state_name(ZeekConnState state)
{
    // A switch rather than an array so that -Wswitch flags a state without a name.
    switch (state) {
    case ZeekConnState::S0: return "S0";
    case ZeekConnState::S1: return "S1";
    case ZeekConnState::SF: return "SF";
    case ZeekConnState::REJ: return "REJ";
    case ZeekConnState::S2: return "S2";
    case ZeekConnState::S3: return "S3";
    case ZeekConnState::RSTO: return "RSTO";
    case ZeekConnState::RSTR: return "RSTR";
    case ZeekConnState::RSTOS0: return "RSTOS0";
    case ZeekConnState::RSTRH: return "RSTRH";
    case ZeekConnState::SH: return "SH";
    case ZeekConnState::SHR: return "SHR";
    case ZeekConnState::OTH: return "OTH";
    }
    return "OTH";
}

const char *zeek_endpoint_state_name(ZeekEndpointState state)
{
    switch (state) {
    case ZeekEndpointState::Inactive: return "TCP_INACTIVE";
    case ZeekEndpointState::SynSent: return "TCP_SYN_SENT";
    case ZeekEndpointState::SynAckSent: return "TCP_SYN_ACK_SENT";
    case ZeekEndpointState::Partial: return "TCP_PARTIAL";
    case ZeekEndpointState::Established: return "TCP_ESTABLISHED";
    case ZeekEndpointState::Closed: return "TCP_CLOSED";
    case ZeekEndpointState::Reset: return "TCP_RESET";
    }
    return "TCP_INACTIVE";
}

// ---- per-endpoint sequence bookkeeping (TCP_Endpoint, TCPSessionAdapter.cc helpers) ----

// init_endpoint: where an endpoint's sequence numbering starts, or starts again.
void ZeekConnection::Endpoint::init_from_segment(bool syn, std::uint32_t seq, std::uint32_t end)
{
    using S = ZeekEndpointState;
    switch (state) {
    case S::Inactive:
        if (syn)
            restart(seq, end);
        else
            restart(seq - 1, seq); // as though a SYN came just before; the first octet is no repeat
        break;
    case S::SynSent:
    case S::SynAckSent:
        if (syn && seq != start_seq) // SYN_seq_jump: the newer SYN counts
            restart(seq, end);
        break;
    case S::Established:
    case S::Partial:
        if (syn) // "this SYN will be the one that actually sets it up"
            restart(seq, end);
        break;
    case S::Reset:
        if (syn && prev_state == S::Inactive) // the RST that set the numbers may have been spoofed
            restart(seq, end);
        break;
    case S::Closed:
        break;
    }
}

// InitStartSeq + InitAckSeq + InitLastSeq; Zeek leaves the wrap counters as they are.
void ZeekConnection::Endpoint::restart(std::uint32_t start, std::uint32_t last)
{
    start_seq = start;
    ack_seq = start;
    last_seq = last;
}

// get_relative_seq: a sequence number relative to the endpoint's start, counting wraps
// of the 32-bit space. Below the start without a wrap, Zeek's signed result is
// converted to 64 bits unsigned, and the caller learns of the underflow.
std::uint64_t ZeekConnection::Endpoint::relative(std::uint32_t value, std::uint32_t last, unsigned wraps,
                                                 bool &underflow) const
{
    const std::int32_t delta = seq_delta(value, last);
    if (delta < 0 && wraps != 0 && value > last)
        --wraps; // part of the previous 32-bit space
    else if (delta > 0 && value < last)
        ++wraps; // the space wrapped
    if (wraps == 0) {
        const std::int32_t from_start = seq_delta(value, start_seq);
        underflow = from_start < 0;
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(from_start));
    }
    return (static_cast<std::uint64_t>(wraps) << 32) + value - start_seq;
}

// UpdateLastSeq / UpdateAckSeq: a smaller number after a forward move means a wrap.
void ZeekConnection::Endpoint::advance_last(std::uint32_t end)
{
    if (end < last_seq && seq_wraps < std::numeric_limits<std::uint8_t>::max())
        ++seq_wraps;
    last_seq = end;
}

// update_ack_seq: only forward, and not to 0 from far away (more likely a broken ACK).
void ZeekConnection::Endpoint::advance_ack(std::uint32_t ack)
{
    const std::int32_t delta = seq_delta(ack, ack_seq);
    if (delta <= 0 || (ack == 0 && delta > too_large_seq_delta))
        return;
    if (ack < ack_seq && ack_wraps < std::numeric_limits<std::uint8_t>::max())
        ++ack_wraps;
    ack_seq = ack;
}

// TCP_Endpoint::NoDataAcked: the peer acknowledged at most the SYN.
bool ZeekConnection::Endpoint::no_data_acked() const
{
    const std::uint64_t acked = full_seq(ack_seq, ack_wraps);
    return acked == start_seq || acked == std::uint64_t{start_seq} + 1;
}

// TCP_Reassembler is_clean: content gaps count only in an established connection or
// one closing from ESTABLISHED; elsewhere they arise from RSTs or unseen starts.
bool ZeekConnection::Endpoint::cleanly_open() const
{
    return state == ZeekEndpointState::Established ||
           (state == ZeekEndpointState::Closed && prev_state == ZeekEndpointState::Established);
}

// Relative end of the data it sent: its highest sequence number, less the FIN's octet.
std::uint32_t ZeekConnection::Endpoint::held_data_end() const
{
    return last_seq - start_seq - (sent_fin ? 1u : 0u);
}

// ---- one segment (TCPSessionAdapter::Process, in its order) ----

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
    Endpoint &from = endpoints_[sender];
    Endpoint &to = endpoints_[1 - sender];
    const bool syn = segment.has(tcp_flag::syn);
    const bool fin = segment.has(tcp_flag::fin);
    const bool rst = segment.has(tcp_flag::rst);
    const bool ack = segment.has(tcp_flag::ack);
    const std::uint32_t length = segment.payload_length;

    if (from.packets < std::numeric_limits<std::uint32_t>::max())
        ++from.packets; // the ConnSize analyzer counts per endpoint and swaps on flips
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
        count_event(sender, from.zero_windows, 'W');

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
// originates, unless that segment is not a pure SYN and comes from a likely server
// port. With likely server ports on both sides, only a segment without SYN from the
// lower port flips (a SYN-ACK may be a stealth scan's answer).
void ZeekConnection::start(const Segment &segment, const SocketPair &sockets)
{
    started_ = true;
    first_sender_side_ = segment.source.matches(sockets[0]) ? 0 : 1; // endpoints_[0] sent it
    const bool syn = segment.has(tcp_flag::syn);
    const bool pure_syn = syn && !segment.has(tcp_flag::ack);
    const std::uint16_t from_port = segment.source.port;
    const std::uint16_t to_port = segment.destination.port;
    bool sender_is_server = false;
    if (!pure_syn && is_likely_server_port(from_port))
        sender_is_server = !is_likely_server_port(to_port) || (!syn && from_port < to_port);
    if (sender_is_server)
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
    history_length_ = 0;
    rstos0_match_ = rstos0::at_start;
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

// update_history: only SYN, FIN and RST choose the letter; the ACK bit alone gives A.
void ZeekConnection::record_history(std::size_t sender, const Segment &segment, std::uint64_t rel_seq)
{
    Endpoint &from = endpoints_[sender];
    const bool syn = segment.has(tcp_flag::syn);
    const bool fin = segment.has(tcp_flag::fin);
    const bool rst = segment.has(tcp_flag::rst);
    const int control_flags = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (control_flags > 1) {
        if (fin && rst)
            seen_once(sender, seen::fin_rst, 'I'); // inconsistent
        else
            seen_once(sender, seen::multi_flag, 'Q'); // SYN with FIN or RST
        return;
    }
    if (control_flags == 0) {
        if (segment.payload_length > 0)
            seen_once(sender, seen::data, 'D');
        else if (segment.has(tcp_flag::ack))
            seen_once(sender, seen::ack, 'A');
        return; // a segment with no flags at all leaves no letter
    }
    // S, H, F and R: the first from each role always; a repeat only at a new relative
    // sequence number of that endpoint's (the FIN's counted at the end of its data).
    const std::uint32_t at = low32(rel_seq);
    if (syn) {
        const char code = segment.has(tcp_flag::ack) ? 'H' : 'S';
        if (seen_once(sender, seen::syn, code) && at != from.last_syn_at)
            add_letter(sender, code);
        from.last_syn_at = at;
    } else if (fin) {
        const std::uint32_t fin_end = low32(rel_seq + segment.payload_length);
        if (seen_once(sender, seen::fin, 'F') && fin_end != from.last_fin_end)
            add_letter(sender, 'F');
        from.last_fin_end = fin_end;
    } else {
        if (seen_once(sender, seen::rst, 'R') && at != from.last_rst_at)
            add_letter(sender, 'R');
        from.last_rst_at = at;
    }
}

// Session::CheckHistory: writes the letter the first time its role sends it; returns
// whether it had been written before.
bool ZeekConnection::seen_once(std::size_t sender, std::uint16_t mask, char code)
{
    const auto bit = static_cast<std::uint16_t>(is_originator(sender) ? mask : mask << seen::responder_shift);
    if ((letters_seen_ & bit) != 0)
        return true;
    letters_seen_ = static_cast<std::uint16_t>(letters_seen_ | bit);
    add_letter(sender, code);
    return false;
}

// Session::ScaledHistoryEntry: T, W and G are written at the 1st, 10th, 100th... event.
// Counters saturate: at most 1 000 000 000 for T, 10 000 for W and G.
template <typename Counter> void ZeekConnection::count_event(std::size_t endpoint, Counter &counter, char code)
{
    if (counter == std::numeric_limits<Counter>::max())
        return;
    ++counter;
    if (is_power_of_ten(counter))
        add_letter(endpoint, code);
}

// Uppercase from the originator, lowercase from the responder, as the roles stand now.
void ZeekConnection::add_letter(std::size_t endpoint, char code)
{
    append_history(is_originator(endpoint) ? code : responder_case(code));
}

// Zeek's history has no limit. Past the inline buffer the letters are dropped (the
// history is then a prefix of Zeek's), but still fed to the RSTOS0 matcher.
void ZeekConnection::append_history(char letter)
{
    rstos0_match_ = rstos0::step(rstos0_match_, letter);
    if (history_length_ < history_capacity)
        history_[history_length_++] = letter;
    else
        history_truncated_ = true;
}

// update_last_seq: move the endpoint's highest sequence number forward; payload that
// does not go past it is a retransmission (T).
void ZeekConnection::update_last_seq(std::size_t sender, std::uint32_t end, const Segment &segment)
{
    Endpoint &from = endpoints_[sender];
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
        count_event(sender, from.retransmissions, 'T');
}

// UpdateStateMachine: Zeek picks a handler by the sender's state when the segment
// arrives, and the handler reads the flags in the order SYN, FIN, RST.
void ZeekConnection::run_state_machine(std::size_t sender, ZeekEndpointState handler, const Segment &segment,
                                       bool syn_at_implied_start)
{
    using S = ZeekEndpointState;
    Endpoint &from = endpoints_[sender];
    Endpoint &to = endpoints_[1 - sender];
    const bool syn = segment.has(tcp_flag::syn);
    const bool fin = segment.has(tcp_flag::fin);
    const bool rst = segment.has(tcp_flag::rst);
    const bool ack = segment.has(tcp_flag::ack);
    const bool from_originator = is_originator(sender); // before any flip this segment causes

    switch (handler) {
    case S::Inactive: // UpdateInactiveState
        if (syn) {
            if (from_originator) {
                apply(from, ack ? Event::OriginatorSynAck : Event::OriginatorSyn);
            } else {
                if (!ack && to.state == S::SynAckSent && syn_at_implied_start) {
                    flip_roles(); // the SYN-ACK was seen before the SYN it answers
                    apply(to, Event::HandshakeReversed);
                }
                if (to.state == S::SynSent)
                    apply(to, Event::SynAnswered);
                apply(from, Event::ResponderSyn);
            }
        }
        if (fin)
            apply(from, Event::Fin);
        if (rst)
            apply(from, Event::Rst);
        if (from.state == S::Inactive) { // no SYN, FIN or RST
            if (!from_originator && segment.payload_length == 0 && to.state == S::SynSent) {
                // an empty responder segment during the open forms no partial connection
            } else if (ack && to.state == S::Established) {
                apply(from, Event::AckToEstablished); // its SYN was missed
                is_partial_ = false;
            } else {
                apply(from, Event::Midstream);
            }
        }
        break;
    case S::SynSent:
    case S::SynAckSent: // UpdateSYN_SentState
        if (fin)
            apply(from, Event::Fin);
        if (rst)
            apply(from, Event::Rst);
        break;
    case S::Established:
    case S::Partial: // UpdateEstablishedState
        if (syn && handler == S::Partial && to.state == S::Inactive && !ack)
            apply(from, Event::SynAfterPartial);
        if (fin && !rst) {
            apply(from, Event::Fin);
            if (to.state == S::Reset && to.prev_state == S::Closed)
                apply(to, Event::PeerClosedAfterReset); // its FIN then RST was a normal close
        }
        if (rst)
            apply(from, Event::Rst);
        break;
    case S::Closed: // UpdateClosedState
        if (rst && to.state != S::Closed) // a RST after both FINs changes nothing
            apply(from, Event::Rst);
        break;
    case S::Reset: // UpdateResetState: final
        break;
    }
}

// The only place an endpoint's state changes. Zeek's SetState keeps the state before
// the last real change in prev_state.
void ZeekConnection::apply(Endpoint &endpoint, Event event)
{
    ZeekEndpointState next = endpoint.state;
    if (!next_state(endpoint.state, event, next) || next == endpoint.state)
        return;
    endpoint.prev_state = endpoint.state;
    endpoint.state = next;
}

namespace {
constexpr unsigned key(ZeekEndpointState state, unsigned event) { return (static_cast<unsigned>(state) << 8) | event; }
} // namespace

// Zeek's endpoint transitions (TCPSessionAdapter.cc); false when the event changes nothing.
bool ZeekConnection::next_state(ZeekEndpointState state, Event event, ZeekEndpointState &next)
{
    using S = ZeekEndpointState;
    const auto k = [](S s, Event e) { return key(s, static_cast<unsigned>(e)); };
    switch (key(state, static_cast<unsigned>(event))) {
    case k(S::Inactive, Event::OriginatorSyn):           // UpdateInactiveState: the originator's SYN
        next = S::SynSent;
        return true;
    case k(S::Inactive, Event::OriginatorSynAck):        // UpdateInactiveState: connection_originator_SYN_ack
        next = S::SynAckSent;
        return true;
    case k(S::Inactive, Event::ResponderSyn):            // UpdateInactiveState: the responder's SYN or SYN-ACK
    case k(S::Inactive, Event::AckToEstablished):        // UpdateInactiveState: "we just missed that initial SYN"
    case k(S::SynSent, Event::SynAnswered):              // UpdateInactiveState: the responder answered our SYN
    case k(S::SynAckSent, Event::HandshakeReversed):     // UpdateInactiveState: SYN/SYN-ACK reversal
        next = S::Established;
        return true;
    case k(S::Inactive, Event::Midstream):               // UpdateInactiveState: data or ACK without a SYN
        next = S::Partial;
        return true;
    case k(S::Partial, Event::SynAfterPartial):          // UpdateEstablishedState: SYN_after_partial
        next = S::SynSent;
        return true;
    case k(S::Inactive, Event::Fin):                     // UpdateInactiveState: FIN
    case k(S::SynSent, Event::Fin):                      // UpdateSYN_SentState: FIN
    case k(S::SynAckSent, Event::Fin):                   // UpdateSYN_SentState: FIN
    case k(S::Established, Event::Fin):                  // UpdateEstablishedState: FIN without RST
    case k(S::Partial, Event::Fin):                      // UpdateEstablishedState: FIN without RST
    case k(S::Reset, Event::PeerClosedAfterReset):       // UpdateEstablishedState: the peer's FIN+RST was a close
        next = S::Closed;
        return true;
    case k(S::Inactive, Event::Rst):                     // UpdateInactiveState: RST
    case k(S::SynSent, Event::Rst):                      // UpdateSYN_SentState: RST
    case k(S::SynAckSent, Event::Rst):                   // UpdateSYN_SentState: RST
    case k(S::Established, Event::Rst):                  // UpdateEstablishedState: RST
    case k(S::Partial, Event::Rst):                      // UpdateEstablishedState: RST
    case k(S::Closed, Event::Rst):                       // UpdateClosedState: RST after FIN, peer still open
        next = S::Reset;
        return true;
    default: // anything else leaves the state as it is
        return false;
    }
}

// peer->AckReceived -> TCP_Reassembler::AckReceived/Undelivered: acknowledged data that
// was never seen is a content gap (G) of the acknowledged endpoint.
void ZeekConnection::ack_received(std::size_t endpoint, std::uint64_t rel_ack)
{
    Endpoint &acked = endpoints_[endpoint];
    std::uint32_t up_to = low32(rel_ack);
    if (acked.sent_fin) { // an ACK of the FIN counts only up to the data before it
        const std::uint32_t fin_end = acked.last_seq - acked.start_seq;
        if (!rel_before(up_to, fin_end))
            up_to = fin_end - 1;
    }
    if (!rel_after(up_to, acked.delivered_to))
        return;
    // A partial connection's numbering was faked from its first segment; a first ACK one
    // or two octets beyond it (a keep-alive) is no gap.
    if (up_to <= 2 && is_partial_)
        return;
    if (acked.held_from != 0 && rel_before(acked.held_from, up_to)) {
        count_gap(endpoint); // the hole below the held data
        acked.delivered_to = acked.held_from;
        deliver_held(acked);
    }
    if (rel_after(up_to, acked.delivered_to)) {
        count_gap(endpoint);
        acked.delivered_to = up_to;
        deliver_held(acked); // held data starting right at the ACK is contiguous now
    }
}

// The held run joins the contiguous data once nothing is missing below it.
void ZeekConnection::deliver_held(Endpoint &endpoint)
{
    if (endpoint.held_from == 0 || rel_after(endpoint.held_from, endpoint.delivered_to))
        return;
    const std::uint32_t held_end = endpoint.held_data_end();
    if (rel_after(held_end, endpoint.delivered_to))
        endpoint.delivered_to = held_end;
    endpoint.held_from = 0;
}

// TCP_Endpoint::DataSent -> TCP_Reassembler::DataSent/NewBlock, reduced to what G needs:
// how far the data is contiguous, and where a run held above a hole begins. Runs above
// several holes are held as one, from the lowest to the endpoint's highest octet.
void ZeekConnection::data_sent(std::size_t sender, std::uint64_t rel_data_seq, std::uint32_t length)
{
    Endpoint &from = endpoints_[sender];
    std::uint32_t begin = low32(rel_data_seq);
    const std::uint32_t end = begin + length;
    const std::uint32_t acked = from.ack_seq - from.start_seq;
    if (rel_before(begin, acked)) { // the peer already acknowledged part of it
        if (!rel_after(end, acked))
            return;
        begin = acked;
    }
    if (!rel_after(end, from.delivered_to))
        return; // nothing new
    if (rel_after(begin, from.delivered_to)) {
        if (from.held_from == 0 || rel_before(begin, from.held_from))
            from.held_from = begin;
        return;
    }
    from.delivered_to = end;
    deliver_held(from); // the hole may be filled
}

// TCP_Reassembler::Gap: the letter only while both endpoints are cleanly open.
void ZeekConnection::count_gap(std::size_t endpoint)
{
    Endpoint &acked = endpoints_[endpoint];
    if (acked.cleanly_open() && endpoints_[1 - endpoint].cleanly_open())
        count_event(endpoint, acked.gaps, 'G');
}

// TCP_Endpoint::Size: the span of sequence space it used, seen or acknowledged,
// without the SYN's and the FIN's octets.
std::uint64_t ZeekConnection::size_of(const Endpoint &endpoint, const Endpoint &peer) const
{
    using S = ZeekEndpointState;
    if (endpoint.prev_state == S::SynSent && endpoint.state == S::Reset && peer.state == S::Inactive &&
        !endpoint.no_data_acked())
        return 0; // a half-open connection discovered and aborted: its numbers mean nothing
    const std::uint64_t top =
        std::max(full_seq(endpoint.last_seq, endpoint.seq_wraps), full_seq(endpoint.ack_seq, endpoint.ack_wraps));
    std::uint64_t size = top - endpoint.start_seq;
    if (size != 0)
        --size; // the SYN's octet (or the one Zeek faked before a partial start)
    if (endpoint.sent_fin && size != 0)
        --size; // the FIN's octet
    return size;
}

// ---- the summary (base/protocols/conn/main.zeek, function conn_state) ----

ZeekConnState ZeekConnection::conn_state() const
{
    using S = ZeekEndpointState;
    const Endpoint &orig = originator_endpoint();
    const Endpoint &resp = responder_endpoint();
    const S os = orig.state;
    const S rs = resp.state;
    const bool orig_inactive = os == S::Inactive || os == S::Partial;
    const bool resp_inactive = rs == S::Inactive || rs == S::Partial;

    // 1. The responder reset: a refused attempt, or a reset after its SYN-ACK alone, or later.
    if (rs == S::Reset) {
        if (os == S::SynSent || os == S::SynAckSent ||
            (os == S::Reset && size_of(orig, resp) == 0 && size_of(resp, orig) == 0))
            return ZeekConnState::REJ;
        return orig_inactive ? ZeekConnState::RSTRH : ZeekConnState::RSTR;
    }
    // 2. The originator reset: after a lone SYN (by the history), or midstream, or later.
    if (os == S::Reset) {
        if (resp_inactive)
            return rstos0_match_ == rstos0::matched ? ZeekConnState::RSTOS0 : ZeekConnState::OTH;
        return ZeekConnState::RSTO;
    }
    // 3. Both closed with FINs, handshake seen or not.
    if (os == S::Closed && rs == S::Closed)
        return ZeekConnState::SF;
    // 4. Only the originator closed: half open if the responder never answered.
    if (os == S::Closed)
        return resp_inactive ? ZeekConnState::SH : ZeekConnState::S2;
    // 5. Only the responder closed: half open if the originator never showed.
    if (rs == S::Closed)
        return orig_inactive ? ZeekConnState::SHR : ZeekConnState::S3;
    // 6. A SYN that nothing answered.
    if (os == S::SynSent && rs == S::Inactive)
        return ZeekConnState::S0;
    // 7. Established and still open.
    if (os == S::Established && rs == S::Established)
        return ZeekConnState::S1;
    // 8. Anything else.
    return ZeekConnState::OTH;
}

std::string_view ZeekConnection::history() const { return std::string_view(history_.data(), history_length_); }

const SocketAddress &ZeekConnection::originator(const SocketPair &sockets) const
{
    return socket_of(originator_index_, sockets);
}

const SocketAddress &ZeekConnection::responder(const SocketPair &sockets) const
{
    return socket_of(1u - originator_index_, sockets);
}
ZeekEndpointState ZeekConnection::originator_state() const { return originator_endpoint().state; }
ZeekEndpointState ZeekConnection::responder_state() const { return responder_endpoint().state; }

std::uint64_t ZeekConnection::originator_bytes() const
{
    return size_of(originator_endpoint(), responder_endpoint());
}

std::uint64_t ZeekConnection::responder_bytes() const
{
    return size_of(responder_endpoint(), originator_endpoint());
}

std::uint32_t ZeekConnection::originator_packets() const { return originator_endpoint().packets; }
std::uint32_t ZeekConnection::responder_packets() const { return responder_endpoint().packets; }

} // namespace tcplife
