// The summary (base/protocols/conn/main.zeek, function conn_state) and the counts
// conn.log shows next to it.
#include "zeek/zeek_conn.hpp"

#include "zeek/sequence_space.hpp"

#include <algorithm>

namespace tcplife {

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

ZeekConnState ZeekConnection::conn_state() const
{
    using S = ZeekEndpointState;
    const ZeekEndpoint &orig = originator_endpoint();
    const ZeekEndpoint &resp = responder_endpoint();
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
            return history_matches_rstos0() ? ZeekConnState::RSTOS0 : ZeekConnState::OTH;
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

// TCP_Endpoint::Size: the span of sequence space it used, seen or acknowledged,
// without the SYN's and the FIN's octets.
std::uint64_t ZeekConnection::size_of(const ZeekEndpoint &endpoint, const ZeekEndpoint &peer) const
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

const SocketAddress &ZeekConnection::originator(const SocketPair &sockets) const
{
    return socket_of(originator_index_, sockets);
}

const SocketAddress &ZeekConnection::responder(const SocketPair &sockets) const
{
    return socket_of(1u - originator_index_, sockets);
}

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
