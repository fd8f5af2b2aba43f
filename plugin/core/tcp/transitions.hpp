// How one endpoint's RFC 9293 state moves when the observer concludes that the
// endpoint sent or received something. The observer (observer.cpp) decides which
// events a segment means for each side; this table alone says where each event leads,
// and which events make no sense in a state.
#pragma once

#include "tcp/tcp_state.hpp"

#include <array>
#include <cstdint>

namespace tcplife {

enum class EndpointEvent : std::uint8_t {
    SendSyn,           // opens actively
    SendSynAck,        // answers the peer's SYN
    SendHandshakeAck,  // acknowledges the peer's SYN-ACK, so it had a SYN outstanding
    SendFin,           // closes its direction
    SendCrossedFin,    // closes its direction before the peer's FIN, already captured, reached it
    SendRst,           // aborts
    ReceiveSyn,        // the peer opens; it counts only once this endpoint answers
    ReceiveSynAck,     // the peer's SYN-ACK acknowledges this endpoint's SYN
    ReceiveAckOfSyn,   // a plain ACK acknowledges this endpoint's SYN
    ReceiveFin,        // the peer closed its direction
    ReceiveAckOfFin,   // the peer acknowledges this endpoint's FIN
    FinAckedEarlier,   // the capture showed the peer's ACK of this endpoint's FIN before the FIN
    ReceiveRst,        // the peer aborted
    BothSidesSentData, // mid-stream evidence: data from both sides, so neither had closed
};

const char *event_name(EndpointEvent event); // the enumerator's name, e.g. "SendCrossedFin"

struct Transition {
    TcpState next;
    bool expected; // false: the event makes no sense in this state, which stays unchanged
    // States a row passes through before `next`, in order, when it stands for several RFC
    // steps at once (one side of a simultaneous close); the annotation's path shows them.
    std::array<TcpState, 2> via{};
    std::uint8_t via_length = 0;
};

Transition transition(TcpState state, EndpointEvent event);

// The states before a conversation's first segment, which are no transition: nothing was
// seen yet. RFC 9293 3.5: before an open the active side is CLOSED and the passive side
// LISTENs; a SYN-ACK seen first hides whether the client really sent a SYN, and any other
// first segment (a capture that began mid-stream) tells nothing about either side.
enum class FirstSegment : std::uint8_t { Syn, SynAck, Other };

struct OpeningStates {
    TcpState client;
    TcpState server;
};

OpeningStates opening_states(FirstSegment first);

} // namespace tcplife
