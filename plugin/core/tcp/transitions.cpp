#include "tcp/transitions.hpp"

namespace tcplife {
namespace {

constexpr unsigned key(TcpState state, EndpointEvent event)
{
    return (static_cast<unsigned>(state) << 8) | static_cast<unsigned>(event);
}

constexpr Transition to(TcpState next) { return {next, true, {}, 0}; }

// A row standing for two or three RFC steps the capture shows as one event.
constexpr Transition through(TcpState first, TcpState next) { return {next, true, {first, TcpState::Unknown}, 1}; }
constexpr Transition through(TcpState first, TcpState second, TcpState next)
{
    return {next, true, {first, second}, 2};
}

} // namespace

// One row per (state, event) the observer can meet; a row whose next state is its own
// state "stays" on purpose. Anything else is unexpected and changes nothing. Section
// numbers are RFC 9293's; 3.5.2 and 3.5.3 are its reset generation and reset processing.
Transition transition(TcpState state, EndpointEvent event)
{
    using S = TcpState;
    using E = EndpointEvent;

    switch (key(state, event)) {
    // ---- UNKNOWN: no evidence yet, the capture began mid-stream ----------------------------------------------
    case key(S::Unknown, E::SendSyn):               return to(S::SynSent);     // 3.10.1: a SYN is an active OPEN
    case key(S::Unknown, E::SendSynAck):            return to(S::SynReceived); // 3.10.7.2: answers a SYN not captured
    case key(S::Unknown, E::SendHandshakeAck):      return to(S::Established); // 3.10.7.3: acking a SYN-ACK completes its open
    case key(S::Unknown, E::SendFin):               return to(S::FinWait1);    // 3.10.4: a FIN proves it was open
    case key(S::Unknown, E::SendCrossedFin):        return through(S::FinWait1, S::Closing); // 3.6 figure 13: simultaneous close
    case key(S::Unknown, E::ReceiveFin):            return to(S::CloseWait);   // 3.10.7.4 (eighth check): it was open
    case key(S::Unknown, E::BothSidesSentData):     return to(S::Established); // 3.10.7.4: only synchronized sides send data
    case key(S::Unknown, E::SendRst):               return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::Unknown, E::ReceiveRst):            return to(S::Closed);      // 3.5.3: an acceptable RST aborts

    // ---- CLOSED --------------------------------------------------------------------------------------------
    case key(S::Closed, E::SendSyn):                return to(S::SynSent);     // 3.10.1: active OPEN (again, after a refusal)
    case key(S::Closed, E::ReceiveSyn):             return to(S::Listen);      // 3.5: the refusing side counts as LISTEN again
    case key(S::Closed, E::SendRst):                return to(S::Closed);      // 3.10.7.1: stays, a CLOSED side answers with RST
    case key(S::Closed, E::ReceiveRst):             return to(S::Closed);      // 3.10.7.1: stays, an incoming RST is discarded

    // ---- LISTEN --------------------------------------------------------------------------------------------
    case key(S::Listen, E::SendSyn):                return to(S::SynSent);     // 3.10.1: OPEN in LISTEN turns the open active
    case key(S::Listen, E::ReceiveSyn):             return to(S::Listen);      // 3.5: stays, LISTEN until it answers
    case key(S::Listen, E::SendSynAck):             return to(S::SynReceived); // 3.10.7.2: LISTEN answers a SYN
    case key(S::Listen, E::SendRst):                return to(S::Closed);      // 3.10.7.1: nobody listened, the port was CLOSED
    case key(S::Listen, E::ReceiveRst):             return to(S::Listen);      // 3.10.7.2: stays, a listener ignores a RST

    // ---- SYN_SENT ------------------------------------------------------------------------------------------
    case key(S::SynSent, E::ReceiveSyn):            return to(S::SynSent);     // 3.10.7.3: stays, a crossed SYN counts once answered
    case key(S::SynSent, E::SendSynAck):            return to(S::SynReceived); // 3.10.7.3: simultaneous open, answers the crossed SYN
    case key(S::SynSent, E::ReceiveSynAck):         return to(S::Established); // 3.10.7.3: its SYN acked, the peer's SYN received
    case key(S::SynSent, E::SendHandshakeAck):      return to(S::Established); // 3.10.7.3: it found the SYN-ACK acceptable
    case key(S::SynSent, E::SendRst):               return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::SynSent, E::ReceiveRst):            return to(S::Closed);      // 3.10.7.3: a RST acking its SYN refuses the open

    // ---- SYN_RECEIVED --------------------------------------------------------------------------------------
    case key(S::SynReceived, E::ReceiveSynAck):     return to(S::Established); // 3.10.7.4 (fifth check): simultaneous open completes
    case key(S::SynReceived, E::ReceiveAckOfSyn):   return to(S::Established); // 3.10.7.4 (fifth check): handshake step 3
    case key(S::SynReceived, E::SendFin):           return to(S::FinWait1);    // 3.10.4: CLOSE in SYN-RECEIVED
    case key(S::SynReceived, E::SendCrossedFin):    return through(S::FinWait1, S::Closing); // 3.6 figure 13: same, FINs crossed
    case key(S::SynReceived, E::ReceiveFin):        return to(S::CloseWait);   // 3.10.7.4 (eighth check): the peer closed before step 3
    case key(S::SynReceived, E::SendRst):           return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::SynReceived, E::ReceiveRst):        return to(S::Listen);      // 3.10.7.4 (second check): a passive open returns to LISTEN

    // ---- ESTABLISHED ---------------------------------------------------------------------------------------
    case key(S::Established, E::SendSynAck):        return to(S::Established); // 3.5 figure 7: stays, answers the crossed SYN late
    case key(S::Established, E::SendHandshakeAck):  return to(S::Established); // 3.10.7.3: stays, the SYN-ACK already established it
    case key(S::Established, E::BothSidesSentData): return to(S::Established); // 3.10.7.4: stays, data is what ESTABLISHED carries
    case key(S::Established, E::SendFin):           return to(S::FinWait1);    // 3.10.4: CLOSE in ESTABLISHED
    case key(S::Established, E::SendCrossedFin):    return through(S::FinWait1, S::Closing); // 3.6 figure 13: simultaneous close
    case key(S::Established, E::ReceiveFin):        return to(S::CloseWait);   // 3.10.7.4 (eighth check): the peer closed first
    case key(S::Established, E::SendRst):           return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::Established, E::ReceiveRst):        return to(S::Closed);      // 3.10.7.4: an acceptable RST aborts

    // ---- FIN_WAIT_1 ----------------------------------------------------------------------------------------
    case key(S::FinWait1, E::ReceiveAckOfFin):      return to(S::FinWait2);    // 3.10.7.4 (fifth check): its FIN acknowledged
    case key(S::FinWait1, E::FinAckedEarlier):      return to(S::FinWait2);    // 3.10.7.4 (fifth check): same, the ACK captured first
    case key(S::FinWait1, E::ReceiveFin):           return to(S::Closing);     // 3.10.7.4 (eighth check): simultaneous close
    case key(S::FinWait1, E::BothSidesSentData):    return to(S::FinWait1);    // 3.10.7.4: stays, the peer may still send
    case key(S::FinWait1, E::SendRst):              return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::FinWait1, E::ReceiveRst):           return to(S::Closed);      // 3.10.7.4: an acceptable RST aborts

    // ---- FIN_WAIT_2 ----------------------------------------------------------------------------------------
    case key(S::FinWait2, E::ReceiveFin):           return to(S::TimeWait);    // 3.10.7.4 (eighth check): the peer's FIN ends the close
    case key(S::FinWait2, E::BothSidesSentData):    return to(S::FinWait2);    // 3.10.7.4: stays, the peer may still send
    case key(S::FinWait2, E::SendRst):              return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::FinWait2, E::ReceiveRst):           return to(S::Closed);      // 3.10.7.4: an acceptable RST aborts

    // ---- CLOSE_WAIT ----------------------------------------------------------------------------------------
    case key(S::CloseWait, E::SendFin):             return to(S::LastAck);     // 3.10.4: CLOSE in CLOSE-WAIT
    case key(S::CloseWait, E::SendCrossedFin):      // 3.6 figure 13: its FIN left before the peer's came: still ESTABLISHED
        return through(S::Established, S::FinWait1, S::Closing);
    case key(S::CloseWait, E::ReceiveFin):          return to(S::CloseWait);   // 3.10.7.4 (eighth check): stays, a repeated FIN
    case key(S::CloseWait, E::BothSidesSentData):   return to(S::CloseWait);   // 3.10.7.4: stays, a half-closed side still sends
    case key(S::CloseWait, E::SendRst):             return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::CloseWait, E::ReceiveRst):          return to(S::Closed);      // 3.10.7.4: an acceptable RST aborts

    // ---- CLOSING -------------------------------------------------------------------------------------------
    case key(S::Closing, E::ReceiveAckOfFin):       return to(S::TimeWait);    // 3.10.7.4 (fifth check): simultaneous close completes
    case key(S::Closing, E::FinAckedEarlier):       return to(S::TimeWait);    // 3.10.7.4 (fifth check): same, the ACK captured first
    case key(S::Closing, E::ReceiveFin):            return to(S::Closing);     // 3.10.7.4 (eighth check): stays, a repeated FIN
    case key(S::Closing, E::SendRst):               return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::Closing, E::ReceiveRst):            return to(S::Closed);      // 3.10.7.4: an acceptable RST closes

    // ---- LAST_ACK ------------------------------------------------------------------------------------------
    case key(S::LastAck, E::ReceiveAckOfFin):       return to(S::Closed);      // 3.10.7.4 (fifth check): the passive closer is done
    case key(S::LastAck, E::FinAckedEarlier):       return to(S::Closed);      // 3.10.7.4 (fifth check): same, the ACK captured first
    case key(S::LastAck, E::ReceiveFin):            return to(S::LastAck);     // 3.10.7.4 (eighth check): stays, a repeated FIN
    case key(S::LastAck, E::SendRst):               return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::LastAck, E::ReceiveRst):            return to(S::Closed);      // 3.10.7.4: an acceptable RST closes

    // ---- TIME_WAIT -----------------------------------------------------------------------------------------
    case key(S::TimeWait, E::ReceiveFin):           return to(S::TimeWait);    // 3.10.7.4: stays, it only re-acknowledges the FIN
    case key(S::TimeWait, E::SendRst):              return to(S::Closed);      // 3.5.2: sending a reset ends the connection
    case key(S::TimeWait, E::ReceiveRst):           return to(S::Closed);      // 3.10.7.4: obeyed, RFC 1337 assassination

    default:                                        return {state, false, {}, 0};
    }
}

OpeningStates opening_states(FirstSegment first)
{
    switch (first) {
    case FirstSegment::Syn: return {TcpState::Closed, TcpState::Listen};
    case FirstSegment::SynAck: return {TcpState::Unknown, TcpState::Listen};
    case FirstSegment::Other: return {TcpState::Unknown, TcpState::Unknown};
    }
    return {TcpState::Unknown, TcpState::Unknown};
}

const char *event_name(EndpointEvent event)
{
    // A switch rather than an array so that -Wswitch flags an event without a name.
    switch (event) {
    case EndpointEvent::SendSyn: return "SendSyn";
    case EndpointEvent::SendSynAck: return "SendSynAck";
    case EndpointEvent::SendHandshakeAck: return "SendHandshakeAck";
    case EndpointEvent::SendFin: return "SendFin";
    case EndpointEvent::SendCrossedFin: return "SendCrossedFin";
    case EndpointEvent::SendRst: return "SendRst";
    case EndpointEvent::ReceiveSyn: return "ReceiveSyn";
    case EndpointEvent::ReceiveSynAck: return "ReceiveSynAck";
    case EndpointEvent::ReceiveAckOfSyn: return "ReceiveAckOfSyn";
    case EndpointEvent::ReceiveFin: return "ReceiveFin";
    case EndpointEvent::ReceiveAckOfFin: return "ReceiveAckOfFin";
    case EndpointEvent::FinAckedEarlier: return "FinAckedEarlier";
    case EndpointEvent::ReceiveRst: return "ReceiveRst";
    case EndpointEvent::BothSidesSentData: return "BothSidesSentData";
    }
    return "unknown";
}

} // namespace tcplife
