// Segment builders for the unit tests: a client and a server that number their
// segments as a real stack would, so a test states only who sends which flags.
// Both ISNs sit just below 2^32, so every test also crosses the sequence wrap.
#pragma once

#include "cmocka_cpp.hpp"

#include "core/annotation.hpp"
#include "core/conversation.hpp"
#include "core/describe.hpp"
#include "core/ledger.hpp"
#include "core/segment.hpp"
#include "core/verdict.hpp"

#include <cstring>

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

class Flow {
public:
    Flow(std::uint16_t client_port = 40000, std::uint16_t server_port = 80, std::uint32_t stream = 0)
        : stream_(stream)
    {
        client_.address = socket_address(1, client_port);
        server_.address = socket_address(2, server_port);
        client_.next_seq = client_isn;
        server_.next_seq = server_isn;
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

    // Numbers the segment as the next frame, one millisecond after the previous one
    // (plus any wait()), and records it in the conversation's ledger too.
    Annotation observe(Segment segment)
    {
        segment.frame = ++frames_;
        clock_ns_ += 1'000'000;
        segment.time_ns = clock_ns_;
        const Annotation annotation = conversation_.observe(segment);
        ledger_.record(segment, annotation);
        return annotation;
    }
    void wait(std::int64_t ns) { clock_ns_ += ns; }
    Annotation step(Side side, std::uint16_t flags, std::uint32_t length = 0)
    {
        return observe(exchange(side, flags, length));
    }

    Conversation &conversation() { return conversation_; }
    const LedgerFacts &facts() const { return ledger_.facts(); }
    Verdict verdict() const { return judge(ledger_.facts()); }

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
    Conversation conversation_;
    Ledger ledger_;
    std::uint32_t frames_ = 0;
    std::int64_t clock_ns_ = 0;
};

// Fixtures, each built from the previous one like the states they reach.
inline void handshake(Flow &flow)
{
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    flow.step(Side::Client, ACK);
}

inline void established_with_data(Flow &flow)
{
    handshake(flow);
    flow.step(Side::Client, ACK | PSH, 100);
    flow.step(Side::Server, ACK | PSH, 300);
    flow.step(Side::Client, ACK);
}

inline void client_fin_wait_1(Flow &flow) // client FIN_WAIT_1, server CLOSE_WAIT
{
    established_with_data(flow);
    flow.step(Side::Client, FIN | ACK);
}

inline void client_fin_wait_2(Flow &flow) // client FIN_WAIT_2, server CLOSE_WAIT
{
    client_fin_wait_1(flow);
    flow.step(Side::Server, ACK);
}

inline void server_last_ack(Flow &flow) // client TIME_WAIT, server LAST_ACK
{
    client_fin_wait_2(flow);
    flow.step(Side::Server, FIN | ACK);
}

// Assertions that compare by state name, so a failure prints "FIN_WAIT_2" not "7".
#define assert_states(annotation, client, server)                                                                 \
    do {                                                                                                            \
        assert_string_equal(::tcplife::state_name((annotation).client_after), ::tcplife::state_name(client));      \
        assert_string_equal(::tcplife::state_name((annotation).server_after), ::tcplife::state_name(server));      \
    } while (0)

#define assert_states_before(annotation, client, server)                                                          \
    do {                                                                                                            \
        assert_string_equal(::tcplife::state_name((annotation).client_before), ::tcplife::state_name(client));     \
        assert_string_equal(::tcplife::state_name((annotation).server_before), ::tcplife::state_name(server));     \
    } while (0)

#define assert_sender(annotation, role) assert_string_equal(::tcplife::role_name((annotation).sender), role)

#define assert_verdict(verdict, handshake_name, close_name)                                                    \
    do {                                                                                                            \
        assert_string_equal(::tcplife::handshake_verdict_name((verdict).handshake), handshake_name);              \
        assert_string_equal(::tcplife::close_verdict_name((verdict).close), close_name);                          \
    } while (0)

#define assert_party(party, name) assert_string_equal(::tcplife::party_name(party), name)

inline bool has_message(const Annotation &annotation, ExpertKind kind, const char *text)
{
    const ExpertMessages messages = describe(annotation, DescribeOptions{});
    for (std::size_t i = 0; i < messages.count; ++i) {
        if (messages.items[i].kind == kind && std::strcmp(messages.items[i].text.data(), text) == 0)
            return true;
    }
    return false;
}

} // namespace tcplife::test
