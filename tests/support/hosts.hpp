// Two hosts that number their segments as a real stack would, so a test states only
// who sends which flags. Both ISNs sit just below 2^32, so every test also crosses the
// sequence wrap. Shared by the unit tests (flow.hpp, the Zeek tests) and the core
// micro-benchmark (bench/micro/shapes.hpp).
#pragma once

#include "tcp/segment.hpp"

#include <cstdint>

namespace tcplife::test {

constexpr std::uint16_t SYN = tcp_flag::syn;
constexpr std::uint16_t ACK = tcp_flag::ack;
constexpr std::uint16_t FIN = tcp_flag::fin;
constexpr std::uint16_t RST = tcp_flag::rst;
constexpr std::uint16_t PSH = tcp_flag::psh;

constexpr std::uint32_t client_isn = 0xFFFFFFF0u;
constexpr std::uint32_t server_isn = 0xFFFFFFFAu;

enum class Side { Client, Server };

inline SocketAddress socket_address(std::uint8_t last_octet, std::uint16_t port)
{
    SocketAddress result;
    result.address.family = 4;
    result.address.bytes[0] = 10;
    result.address.bytes[3] = last_octet;
    result.port = port;
    return result;
}

class Hosts {
public:
    Hosts(std::uint16_t client_port = 40000, std::uint16_t server_port = 80, std::uint32_t stream = 0)
        : Hosts(socket_address(1, client_port), socket_address(2, server_port), client_isn, server_isn, stream)
    {
    }

    Hosts(const SocketAddress &client, const SocketAddress &server, std::uint32_t client_first_seq,
          std::uint32_t server_first_seq, std::uint32_t stream)
        : stream_(stream)
    {
        client_.address = client;
        server_.address = server;
        client_.next_seq = client_first_seq;
        server_.next_seq = server_first_seq;
    }

    // Builds the next segment from `side`: seq is what it sends next, ack what it has
    // received so far. Nothing is delivered until deliver() (or exchange()).
    Segment send(Side side, std::uint16_t flags, std::uint32_t length = 0)
    {
        Host &from = host(side);
        Host &to = host(other(side));
        Segment segment;
        segment.stream = stream_;
        segment.source = from.address;
        segment.destination = to.address;
        segment.seq = SeqNumber(from.next_seq);
        segment.ack = SeqNumber((flags & ACK) != 0 ? from.received_up_to : 0);
        segment.flags = flags;
        segment.window = 512;
        segment.payload_length = length;
        from.next_seq += length + ((flags & SYN) != 0 ? 1u : 0u) + ((flags & FIN) != 0 ? 1u : 0u);
        return segment;
    }

    // The receiver has now seen everything up to the end of `segment`.
    void deliver(const Segment &segment)
    {
        Host &to = segment.source == client_.address ? server_ : client_;
        const std::uint32_t consumed = segment.payload_length + (segment.has(SYN) ? 1u : 0u) +
                                       (segment.has(FIN) ? 1u : 0u);
        to.received_up_to = segment.seq.raw() + consumed;
    }

    Segment exchange(Side side, std::uint16_t flags, std::uint32_t length = 0)
    {
        Segment segment = send(side, flags, length);
        deliver(segment);
        return segment;
    }

    // The next segment from `side` starts `by` earlier: it sends data again.
    void rewind_seq(Side side, std::uint32_t by) { host(side).next_seq -= by; }

    const SocketAddress &address(Side side) const { return side == Side::Client ? client_.address : server_.address; }

private:
    struct Host {
        SocketAddress address;
        std::uint32_t next_seq = 0;
        std::uint32_t received_up_to = 0;
    };

    static Side other(Side side) { return side == Side::Client ? Side::Server : Side::Client; }
    Host &host(Side side) { return side == Side::Client ? client_ : server_; }

    std::uint32_t stream_;
    Host client_;
    Host server_;
};

} // namespace tcplife::test
