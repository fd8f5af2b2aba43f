// TextBuilder (text.hpp) writes what printf and inet_ntop would: the labels the plugin
// builds by concatenation must not change by being built faster.
#include "cmocka_cpp.hpp"

#include "text/flow_text.hpp"
#include "tcp/segment.hpp"
#include "text/text.hpp"

#include <arpa/inet.h>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <random>

using tcplife::TextBuilder;

namespace {

void assert_ipv6_like_inet_ntop(const std::uint8_t *bytes)
{
    char expected[INET6_ADDRSTRLEN];
    assert_non_null(inet_ntop(AF_INET6, bytes, expected, sizeof expected));
    TextBuilder text;
    text.add_ipv6(bytes);
    assert_string_equal(text.c_str(), expected);
}

void assert_seconds_like_printf(std::int64_t ns)
{
    char expected[64];
    std::snprintf(expected, sizeof expected, "%+.6f", static_cast<double>(ns) / 1e9);
    TextBuilder text;
    text.add_signed_seconds(ns);
    assert_string_equal(text.c_str(), expected);
}

} // namespace

static void test_text_concatenates_and_numbers(void **)
{
    TextBuilder text;
    text.add("stream ").add_uint(0).add(", ").add_uint(4294967295u).add_char('!').add_uint(18446744073709551615ull);
    assert_string_equal(text.c_str(), "stream 0, 4294967295!18446744073709551615");
    assert_int_equal(text.size(), std::strlen(text.c_str()));
}

static void test_text_truncates_at_capacity(void **)
{
    TextBuilder text;
    for (int i = 0; i < 100; ++i)
        text.add("abcdefgh").add_char('.').add_uint(123456);
    assert_int_equal(text.size(), TextBuilder::capacity - 1);
    assert_int_equal(std::strlen(text.c_str()), TextBuilder::capacity - 1);
}

static void test_text_ipv4_like_inet_ntop(void **)
{
    const std::uint8_t addresses[][4] = {{0, 0, 0, 0}, {127, 0, 0, 1}, {192, 0, 2, 10}, {255, 255, 255, 255},
                                         {10, 200, 3, 99}};
    for (const auto &bytes : addresses) {
        char expected[INET_ADDRSTRLEN];
        assert_non_null(inet_ntop(AF_INET, bytes, expected, sizeof expected));
        TextBuilder text;
        text.add_ipv4(bytes);
        assert_string_equal(text.c_str(), expected);
    }
}

static void test_text_ipv6_like_inet_ntop(void **)
{
    const char *samples[] = {"::", "::1", "::ffff:192.0.2.1", "::192.0.2.1", "::1:0:0:0", "1::", "2001:db8::1",
                             "2001:db8:0:1:1:1:1:1", "2001:0:0:1::1", "fe80::1:0:0:1", "1:0:2:0:0:3:0:0",
                             "0:0:1:0:0:0:0:1", "::ffff:0:0", "::fffe:1.2.3.4", "1:2:3:4:5:6:7:8",
                             "2001:db8:c::3", "::0.0.0.1", "0:0:0:0:0:1:0:0"};
    for (const char *sample : samples) {
        std::uint8_t bytes[16];
        assert_int_equal(inet_pton(AF_INET6, sample, bytes), 1);
        assert_ipv6_like_inet_ntop(bytes);
    }
    // Random addresses with many zero words, so every run length and position occurs.
    std::mt19937 random(7);
    for (int round = 0; round < 20000; ++round) {
        std::uint8_t bytes[16];
        for (int word = 0; word < 8; ++word) {
            const unsigned value = random() % 3 == 0 ? random() & 0xffff : 0;
            bytes[2 * word] = static_cast<std::uint8_t>(value >> 8);
            bytes[2 * word + 1] = static_cast<std::uint8_t>(value);
        }
        if (random() % 4 == 0) { // IPv4-mapped or -compatible shapes
            std::memset(bytes, 0, 10);
            bytes[10] = bytes[11] = random() % 2 ? 0xff : 0;
        }
        assert_ipv6_like_inet_ntop(bytes);
    }
}

static void test_text_seconds_like_printf(void **)
{
    const std::int64_t samples[] = {0, 1, 499, 500, 501, 999, 1000, 1500, 2500, 176'000, 999'999'499, 999'999'500,
                                    999'999'501, 1'000'000'000, 61'123'456'789, -1, -499, -500, -501, -1500,
                                    -176'000, -3'000'000'000, INT64_MAX, INT64_MIN, INT64_MIN + 1,
                                    (std::int64_t{1} << 50) - 1, std::int64_t{1} << 50, (std::int64_t{1} << 53) + 1};
    for (std::int64_t ns : samples)
        assert_seconds_like_printf(ns);
    std::mt19937_64 random(11);
    for (int round = 0; round < 200000; ++round) {
        const int bits = static_cast<int>(random() % 63);
        const std::int64_t magnitude = static_cast<std::int64_t>(random() >> (63 - bits));
        assert_seconds_like_printf(random() % 2 ? magnitude : -magnitude);
    }
}

// The Flow Graph's words are the ladder's flags and the Info column's marks.
static void test_text_flow_label_and_comment(void **)
{
    tcplife::Annotation syn;
    syn.sender = tcplife::Role::Client;
    syn.handshake_step = 1;
    syn.client_after = tcplife::TcpState::SynSent;
    syn.server_after = tcplife::TcpState::Listen;
    assert_string_equal(tcplife::flow_label(tcplife::tcp_flag::syn, syn).c_str(), "SYN [HS 1/3]");
    assert_string_equal(tcplife::flow_comment(syn).c_str(), "client SYN_SENT, server LISTEN");

    tcplife::Annotation merged;
    merged.sender = tcplife::Role::Server;
    merged.close_steps = 0x6; // steps 2 and 3
    merged.merged_close = true;
    merged.client_after = tcplife::TcpState::TimeWait;
    merged.server_after = tcplife::TcpState::LastAck;
    const std::uint16_t fin_ack = tcplife::tcp_flag::fin | tcplife::tcp_flag::ack;
    assert_string_equal(tcplife::flow_label(fin_ack, merged).c_str(), "FIN,ACK [FIN+ACK 2+3/4]");
    assert_string_equal(tcplife::flow_comment(merged).c_str(), "server LAST_ACK, client TIME_WAIT");

    tcplife::Annotation data; // no step: the flags alone
    data.sender = tcplife::Role::Client;
    const std::uint16_t psh_ack = tcplife::tcp_flag::psh | tcplife::tcp_flag::ack;
    assert_string_equal(tcplife::flow_label(psh_ack, data).c_str(), "PSH,ACK");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_concatenates_and_numbers),
        cmocka_unit_test(test_text_truncates_at_capacity),
        cmocka_unit_test(test_text_ipv4_like_inet_ntop),
        cmocka_unit_test(test_text_ipv6_like_inet_ntop),
        cmocka_unit_test(test_text_seconds_like_printf),
        cmocka_unit_test(test_text_flow_label_and_comment),
    };
    return cmocka_run_group_tests_name("text", tests, nullptr, nullptr);
}
