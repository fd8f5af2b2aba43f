#include "zeek/zeek_conn.hpp"

namespace tcplife {

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

// UpdateStateMachine: Zeek picks a handler by the sender's state when the segment
// arrives, and the handler reads the flags in the order SYN, FIN, RST.
void ZeekConnection::run_state_machine(std::size_t sender, ZeekEndpointState handler, const Segment &segment,
                                       bool syn_at_implied_start)
{
    using S = ZeekEndpointState;
    ZeekEndpoint &from = endpoints_[sender];
    ZeekEndpoint &to = endpoints_[1 - sender];
    const auto [syn, fin, rst, ack] = control_flags(segment);
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
void ZeekConnection::apply(ZeekEndpoint &endpoint, Event event)
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

} // namespace tcplife
