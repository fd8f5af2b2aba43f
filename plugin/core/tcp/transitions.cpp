#include "tcp/transitions.hpp"

namespace tcplife {
namespace {

constexpr unsigned key(TcpState state, EndpointEvent event)
{
    return (static_cast<unsigned>(state) << 8) | static_cast<unsigned>(event);
}

constexpr Transition to(TcpState next) { return {next, true}; }

} // namespace

Transition transition(TcpState state, EndpointEvent event)
{
    using S = TcpState;
    using E = EndpointEvent;

    // Aborts apply in every state, so they come before the per-state table.
    if (event == E::SendRst)
        return to(S::Closed); // 3.10.7.1-3.10.7.4: sending a reset ends the connection
    if (event == E::ReceiveRst) {
        if (state == S::Listen || state == S::SynReceived)
            return to(S::Listen); // 3.10.7.2, 3.10.7.4 (second check): a passive open goes back to LISTEN
        return to(S::Closed);     // 3.10.7.3-3.10.7.4: an acceptable RST closes the connection
    }

    switch (key(state, event)) {
    // Opening
    case key(S::Closed, E::SendSyn):            // 3.10.1: active OPEN
    case key(S::Unknown, E::SendSyn):           // 3.10.1: a SYN means an active OPEN from CLOSED
    case key(S::Listen, E::SendSyn):            // 3.10.2: SEND in LISTEN turns the open active
        return to(S::SynSent);
    case key(S::Closed, E::ReceiveSyn):         // 3.5: after a refusal, the passive side counts as LISTEN again
    case key(S::Listen, E::ReceiveSyn):         // 3.5: the passive side counts as LISTEN until it answers
        return to(S::Listen);
    case key(S::Listen, E::SendSynAck):         // 3.10.7.2: LISTEN answers a SYN
    case key(S::Unknown, E::SendSynAck):        // 3.10.7.2: a SYN-ACK answers a SYN we did not see
    case key(S::SynSent, E::SendSynAck):        // 3.10.7.3: simultaneous open, the peer's SYN arrived
        return to(S::SynReceived);
    case key(S::Established, E::SendSynAck):    // 3.5 figure 7: simultaneous open, answering the crossed SYN late
        return to(S::Established);
    case key(S::SynSent, E::ReceiveSynAck):     // 3.10.7.3: our SYN acknowledged, the peer's SYN received
    case key(S::SynReceived, E::ReceiveSynAck): // 3.10.7.4 (fifth check): simultaneous open completes
    case key(S::SynReceived, E::ReceiveAckOfSyn): // 3.10.7.4 (fifth check): handshake step 3
    case key(S::Unknown, E::SendHandshakeAck):  // 3.10.7.3: acknowledging a SYN-ACK completes our open
    case key(S::SynSent, E::SendHandshakeAck):  // 3.10.7.3: same, the SYN-ACK proved acceptable
        return to(S::Established);
    case key(S::Established, E::SendHandshakeAck): // 3.10.7.3: already ESTABLISHED by the SYN-ACK
        return to(S::Established);

    // Closing
    case key(S::Established, E::SendFin):       // 3.10.4: CLOSE in ESTABLISHED
    case key(S::SynReceived, E::SendFin):       // 3.10.4: CLOSE in SYN-RECEIVED
    case key(S::Unknown, E::SendFin):           // 3.10.4: a FIN proves it was open (mid-stream)
        return to(S::FinWait1);
    case key(S::CloseWait, E::SendFin):         // 3.10.4: CLOSE in CLOSE-WAIT
        return to(S::LastAck);
    case key(S::Established, E::ReceiveFin):    // 3.10.7.4 (eighth check): the peer closed first
    case key(S::SynReceived, E::ReceiveFin):    // 3.10.7.4 (eighth check): same, before step 3
    case key(S::Unknown, E::ReceiveFin):        // 3.10.7.4 (eighth check): mid-stream, it was open
        return to(S::CloseWait);
    case key(S::FinWait1, E::ReceiveFin):       // 3.10.7.4 (eighth check): simultaneous close
        return to(S::Closing);
    case key(S::FinWait2, E::ReceiveFin):       // 3.10.7.4 (eighth check): the peer's FIN ends the close
        return to(S::TimeWait);
    case key(S::CloseWait, E::ReceiveFin):      // 3.10.7.4 (eighth check): a repeated FIN changes nothing
    case key(S::Closing, E::ReceiveFin):
    case key(S::LastAck, E::ReceiveFin):
    case key(S::TimeWait, E::ReceiveFin):       // 3.10.7.4: TIME-WAIT only re-acknowledges the FIN
        return to(state);
    case key(S::FinWait1, E::ReceiveAckOfFin):  // 3.10.7.4 (fifth check): our FIN acknowledged
        return to(S::FinWait2);
    case key(S::Closing, E::ReceiveAckOfFin):   // 3.10.7.4 (fifth check): simultaneous close completes
        return to(S::TimeWait);
    case key(S::LastAck, E::ReceiveAckOfFin):   // 3.10.7.4 (fifth check): the passive closer is done
        return to(S::Closed);
    case key(S::CloseWait, E::FinCrossed):      // 3.6 figure 13: its FIN left before the peer's arrived
        return to(S::Established);

    // Evidence from a capture that began mid-stream
    case key(S::Unknown, E::BothSidesSentData): // 3.10.7.4: only synchronized, open sides send data
        return to(S::Established);

    default:
        return {state, false};
    }
}

} // namespace tcplife
