// How one endpoint's RFC 9293 state moves when the observer concludes that the
// endpoint sent or received something. The observer (conversation.cpp) decides which
// events a segment means for each side; this table only says where each event leads.
#pragma once

#include "tcp/tcp_state.hpp"

#include <cstdint>

namespace tcplife {

enum class EndpointEvent : std::uint8_t {
    SendSyn,           // opens actively
    SendSynAck,        // answers the peer's SYN
    SendHandshakeAck,  // acknowledges the peer's SYN-ACK, so it had a SYN outstanding
    SendFin,           // closes its direction
    SendRst,           // aborts
    ReceiveSyn,        // the peer opens; it counts only once this endpoint answers
    ReceiveSynAck,     // the peer's SYN-ACK acknowledges this endpoint's SYN
    ReceiveAckOfSyn,   // a plain ACK acknowledges this endpoint's SYN
    ReceiveFin,        // the peer closed its direction
    ReceiveAckOfFin,   // the peer acknowledges this endpoint's FIN
    ReceiveRst,        // the peer aborted
    BothSidesSentData, // mid-stream evidence: data from both sides, so neither had closed
    FinCrossed,        // its FIN does not acknowledge the peer's FIN: that FIN had not arrived yet
};

struct Transition {
    TcpState next;
    bool expected; // false: the event makes no sense in this state, which stays unchanged
};

Transition transition(TcpState state, EndpointEvent event);

} // namespace tcplife
