// Conversation shapes for the core micro-benchmark, built with the unit tests' hosts
// (tests/support/hosts.hpp), so each shape states only who sends which flags.
#pragma once

#include "tcp/segment.hpp"
#include "hosts.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tcplife::bench {

using test::ACK;
using test::FIN;
using test::PSH;
using test::RST;
using test::Side;
using test::SYN;

// Hosts that keep every segment they send.
class Flow : public test::Hosts {
public:
    // Conversation `stream`, between 10.x.y.z:port and 198.18.0.1:443; ISNs near 2^32
    // so sequence numbers wrap, as in the unit tests.
    explicit Flow(std::uint32_t stream)
        : Hosts(client_of(stream), server_address(), 0xFFFFFF00u + stream % 200, 0xFFFFF000u + stream % 3000,
                stream)
    {
    }

    // Sent and delivered, and kept.
    void step(Side side, std::uint16_t flags, std::uint32_t length = 0)
    {
        const Segment segment = send(side, flags, length);
        deliver(segment);
        segments_.push_back(segment);
    }
    // Sent, not yet delivered (two FINs crossing), and kept.
    Segment cross(Side side, std::uint16_t flags)
    {
        const Segment segment = send(side, flags);
        segments_.push_back(segment);
        return segment;
    }

    std::vector<Segment> take() { return std::move(segments_); }

private:
    static SocketAddress client_of(std::uint32_t stream)
    {
        SocketAddress client;
        client.address.family = 4;
        client.address.bytes[0] = 10;
        client.address.bytes[1] = static_cast<std::uint8_t>(stream >> 16);
        client.address.bytes[2] = static_cast<std::uint8_t>(stream >> 8);
        client.address.bytes[3] = static_cast<std::uint8_t>(stream);
        client.port = static_cast<std::uint16_t>(32768 + stream % 28000);
        return client;
    }
    static SocketAddress server_address()
    {
        SocketAddress server;
        server.address.family = 4;
        server.address.bytes[0] = 198;
        server.address.bytes[1] = 18;
        server.address.bytes[3] = 1;
        server.port = 443;
        return server;
    }

    std::vector<Segment> segments_;
};

// --- shapes: each returns the segments of one conversation, in order -------------

inline void handshake(Flow &f)
{
    f.step(Side::Client, SYN);
    f.step(Side::Server, SYN | ACK);
    f.step(Side::Client, ACK);
}

// A request and a response of `segments` full segments, ACKed every second one.
inline void exchange(Flow &f, unsigned segments)
{
    f.step(Side::Client, ACK | PSH, 350);
    for (unsigned i = 1; i <= segments; ++i) {
        f.step(Side::Server, static_cast<std::uint16_t>(ACK | (i == segments ? PSH : 0)), 1448);
        if (i % 2 == 0 || i == segments)
            f.step(Side::Client, ACK);
    }
}

inline std::vector<Segment> four_way_close(std::uint32_t stream)
{
    Flow f(stream);
    handshake(f);
    exchange(f, 1);
    exchange(f, 3);
    f.step(Side::Client, FIN | ACK);
    f.step(Side::Server, ACK);
    f.step(Side::Server, FIN | ACK);
    f.step(Side::Client, ACK);
    return f.take();
}

inline std::vector<Segment> merged_close(std::uint32_t stream)
{
    Flow f(stream);
    handshake(f);
    exchange(f, 2);
    f.step(Side::Server, FIN | ACK);
    f.step(Side::Client, FIN | ACK);
    f.step(Side::Server, ACK);
    return f.take();
}

inline std::vector<Segment> simultaneous_close(std::uint32_t stream)
{
    Flow f(stream);
    handshake(f);
    exchange(f, 1);
    const Segment a = f.cross(Side::Client, FIN | ACK);
    const Segment b = f.cross(Side::Server, FIN | ACK);
    f.deliver(a);
    f.deliver(b);
    f.step(Side::Server, ACK);
    f.step(Side::Client, ACK);
    return f.take();
}

inline std::vector<Segment> reset_by_server(std::uint32_t stream)
{
    Flow f(stream);
    handshake(f);
    exchange(f, 2);
    f.step(Side::Server, RST | ACK);
    return f.take();
}

inline std::vector<Segment> refused_syn(std::uint32_t stream)
{
    Flow f(stream);
    f.step(Side::Client, SYN);
    f.step(Side::Server, RST | ACK);
    return f.take();
}

inline std::vector<Segment> unanswered_syn(std::uint32_t stream)
{
    Flow f(stream);
    for (int i = 0; i < 4; ++i) {
        f.step(Side::Client, SYN);
        f.rewind_seq(Side::Client, 1);
    }
    return f.take();
}

// The capture began mid-stream: data both ways, then a close.
inline std::vector<Segment> midstream(std::uint32_t stream)
{
    Flow f(stream);
    f.send(Side::Client, ACK); // a handshake nobody captured
    exchange(f, 4);
    f.step(Side::Client, FIN | ACK);
    f.step(Side::Server, FIN | ACK);
    f.step(Side::Client, ACK);
    return f.take();
}

// Long data phase: what every segment between the handshake and the close costs.
inline std::vector<Segment> bulk_transfer(std::uint32_t stream)
{
    Flow f(stream);
    handshake(f);
    exchange(f, 200);
    f.step(Side::Client, FIN | ACK);
    f.step(Side::Server, FIN | ACK);
    f.step(Side::Client, ACK);
    return f.take();
}

// The corpus's mix, roughly (bench/corpus/make_corpus.cpp): mostly short conversations.
inline std::vector<Segment> mixed(std::uint32_t stream)
{
    switch (stream % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6:
        return four_way_close(stream);
    case 7: case 8: case 9: case 10: case 11:
        return merged_close(stream);
    case 12:
        return simultaneous_close(stream);
    case 13: case 14:
        return reset_by_server(stream);
    case 15:
        return refused_syn(stream);
    case 16:
        return unanswered_syn(stream);
    case 17:
        return midstream(stream);
    case 18:
        return stream % 100 == 18 ? bulk_transfer(stream) : four_way_close(stream);
    default:
        return merged_close(stream);
    }
}

} // namespace tcplife::bench
