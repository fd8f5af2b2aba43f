// The observer's test bench: hosts (hosts.hpp) whose segments go through the core's
// facade (capture/capture.hpp) as the plugin's do, per-state fixtures, and assertions
// that compare by state name.
#pragma once

#include "cmocka_cpp.hpp"
#include "hosts.hpp"

#include "capture/capture.hpp"
#include "text/describe.hpp"

#include <cstring>

namespace tcplife::test {

// Hosts whose segments a Capture watches: one conversation, the hosts' stream.
class Flow : public Hosts {
public:
    using Hosts::Hosts;

    // Numbers the segment as the next frame, one millisecond after the previous one
    // (plus any wait()).
    Annotation observe(Segment segment)
    {
        segment.frame = ++frames_;
        clock_ns_ += 1'000'000;
        segment.time_ns = clock_ns_;
        stream_ = segment.stream;
        return capture_.observe(segment).annotation;
    }
    void wait(std::int64_t ns) { clock_ns_ += ns; }
    Annotation step(Side side, std::uint16_t flags, std::uint32_t length = 0)
    {
        return observe(exchange(side, flags, length));
    }

    std::uint32_t last_frame() const { return frames_; }
    std::int64_t last_time_ns() const { return clock_ns_; }
    // The conversation so far: valid until the next observe() (Capture::stream()).
    const StreamRecord &record() const { return *capture_.stream(stream_); }
    const LedgerFacts &facts() const { return record().ledger.facts(); }
    Verdict verdict() const { return judge(facts()); }

private:
    Capture capture_;
    std::uint32_t stream_ = 0;
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
