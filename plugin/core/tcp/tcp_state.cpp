#include "tcp/tcp_state.hpp"

namespace tcplife {

const char *state_name(TcpState state)
{
    // A switch rather than an array so that -Wswitch flags a state without a name.
    switch (state) {
    case TcpState::Unknown: return "UNKNOWN";
    case TcpState::Closed: return "CLOSED";
    case TcpState::Listen: return "LISTEN";
    case TcpState::SynSent: return "SYN_SENT";
    case TcpState::SynReceived: return "SYN_RECEIVED";
    case TcpState::Established: return "ESTABLISHED";
    case TcpState::FinWait1: return "FIN_WAIT_1";
    case TcpState::FinWait2: return "FIN_WAIT_2";
    case TcpState::CloseWait: return "CLOSE_WAIT";
    case TcpState::Closing: return "CLOSING";
    case TcpState::LastAck: return "LAST_ACK";
    case TcpState::TimeWait: return "TIME_WAIT";
    }
    return "UNKNOWN";
}

} // namespace tcplife
