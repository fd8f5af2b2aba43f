// Endpoint states of RFC 9293 section 3.3.2, plus UNKNOWN for an endpoint the
// observer has no evidence about yet (a capture that began mid-stream).
#pragma once

#include <cstdint>

namespace tcplife {

enum class TcpState : std::uint8_t {
    Unknown,
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
};

// RFC spelling with underscores, e.g. "FIN_WAIT_1": the values of the
// tcplife.*.state fields, so display filters can compare against them.
const char *state_name(TcpState state);

// CLOSED or TIME_WAIT: the endpoint is done with the connection (TIME_WAIT only guards
// the 4-tuple). A conversation whose two endpoints are finished has ended.
inline bool is_finished(TcpState state) { return state == TcpState::TimeWait || state == TcpState::Closed; }

} // namespace tcplife
