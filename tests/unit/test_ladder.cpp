// The ladder diagram (ladder.hpp): conversations observed by the real Conversation and
// Ledger, drawn, and compared with lines checked by hand against the segments sent.
//
// Run as `test_ladder --write-example FILE` it writes the merged-close ladder that
// docs/ladder-example.txt holds (the ladder_example build target does so).
#include "ladder_flow.hpp"

#include "text/socket_text.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

using namespace tcplife;
using namespace tcplife::test;

namespace {

// No iostreams here: cmocka's fail() macro breaks <ios>.
std::vector<std::string> lines_of(const std::string &text)
{
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return lines;
}

std::string read_file(const char *path)
{
    std::string text;
    if (std::FILE *file = std::fopen(path, "rb")) {
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) != 0;)
            text.append(buffer, n);
        std::fclose(file);
    }
    return text;
}

// Fails with the whole ladder printed, so a mismatch can be read in context.
void expect_line(const std::string &ladder, const std::string &line)
{
    for (const std::string &candidate : lines_of(ladder)) {
        if (candidate == line)
            return;
    }
    std::fprintf(stderr, "missing line:\n[%s]\nin:\n%s", line.c_str(), ladder.c_str());
    fail();
}

void expect_ladder(const std::string &ladder, const std::vector<std::string> &expected)
{
    const std::vector<std::string> actual = lines_of(ladder);
    for (std::size_t i = 0; i < std::max(actual.size(), expected.size()); ++i) {
        const std::string a = i < actual.size() ? actual[i] : "<none>";
        const std::string e = i < expected.size() ? expected[i] : "<none>";
        if (a != e) {
            std::fprintf(stderr, "line %zu differs:\nexpected [%s]\nactual   [%s]\nladder:\n%s", i + 1, e.c_str(),
                         a.c_str(), ladder.c_str());
            fail();
        }
    }
}

void expect_fits(const std::string &ladder, std::size_t width)
{
    assert_true(!ladder.empty() && ladder.back() == '\n');
    for (const std::string &line : lines_of(ladder)) {
        if (line.size() > width) {
            std::fprintf(stderr, "line longer than %zu:\n[%s]\n", width, line.c_str());
            fail();
        }
        for (const char c : line) {
            if (c < 0x20 || c > 0x7e) {
                std::fprintf(stderr, "not printable ASCII:\n[%s]\n", line.c_str());
                fail();
            }
        }
    }
}

void open_connection(LadderFlow &flow)
{
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    flow.step(Side::Client, ACK);
}

// Four segments that change nothing: the client sends 10 bytes, the server 20.
void talk(LadderFlow &flow)
{
    flow.step(Side::Client, PSH | ACK, 10);
    flow.step(Side::Server, ACK);
    flow.step(Side::Server, PSH | ACK, 20);
    flow.step(Side::Client, ACK);
}

// The bundled sample-pcaps/merged-close.pcap, one millisecond a segment: the server
// answers the client's FIN with FIN+ACK at once.
std::string merged_close_ladder()
{
    LadderFlow flow;
    open_connection(flow);
    talk(flow);
    flow.step(Side::Client, FIN | ACK);
    flow.step(Side::Server, FIN | ACK);
    flow.step(Side::Client, ACK);
    return flow.ladder();
}

const std::string handshake_rows[] = {
    "frame time (s)  client                                              server",
    "                CLOSED       |                                    | LISTEN",
    "    1 0.000000  SYN_SENT     |------------ SYN seq=0 ------------>|",
    "                             |           handshake 1/3            |",
    "    2 0.001000  ESTABLISHED  |<------- SYN,ACK seq=0 ack=1 -------| SYN_RECEIVED",
    "                             |           handshake 2/3            |",
    "    3 0.002000               |--------- ACK seq=1 ack=1 --------->| ESTABLISHED",
    "                             |           handshake 3/3            |",
};

} // namespace

// ---- Closes ------------------------------------------------------------------------

static void test_merged_close(void **) // the textbook figure: FIN, FIN+ACK, ACK
{
    std::vector<std::string> expected = {
        "Stream 0: client 10.0.0.1:40000, server 10.0.0.2:80",
        "Handshake: complete",
        "Close: three-way (FIN+ACK merged), started by the client",
        "TIME_WAIT: client",
        "10 segments, frames 1-10, 0.009000 s",
        "",
    };
    expected.insert(expected.end(), std::begin(handshake_rows), std::end(handshake_rows));
    const std::vector<std::string> close = {
        "    4 0.003000               :         ... 4 segments ...         :",
        "                             :====== 2 segments, 10 bytes =======>:",
        "    7 0.006000               :<======= 2 segments, 20 bytes ======:",
        "    8 0.007000  FIN_WAIT_1   |------ FIN,ACK seq=11 ack=21 ------>| CLOSE_WAIT",
        "                             |             close 1/4              |",
        "    9 0.008000  FIN_WAIT_2   |<------ FIN,ACK seq=21 ack=12 ------| LAST_ACK",
        "                TIME_WAIT    |    FIN+ACK merged (close 2+3/4)    |",
        "   10 0.009000               |-------- ACK seq=12 ack=22 -------->| CLOSED",
        "                             |   close 4/4, client in TIME_WAIT   |",
        "                TIME_WAIT    |                                    | CLOSED",
    };
    expected.insert(expected.end(), close.begin(), close.end());
    expect_ladder(merged_close_ladder(), expected);
}

static void test_merged_close_example_is_current(void **) // docs/ladder-example.txt
{
    if (read_file(TCPLIFE_SOURCE_DIR "/docs/ladder-example.txt") != merged_close_ladder()) {
        std::fprintf(stderr, "docs/ladder-example.txt is out of date: cmake --build <dir> --target ladder_example\n");
        fail();
    }
}

static void test_server_closes_first(void **) // four-way, the server's FIN first
{
    LadderFlow flow;
    open_connection(flow);
    flow.step(Side::Server, FIN | ACK);
    flow.step(Side::Client, ACK);
    flow.step(Side::Client, FIN | ACK);
    flow.step(Side::Server, ACK);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "Close: four-way, started by the server");
    expect_line(ladder, "TIME_WAIT: server");
    expect_line(ladder, "    4 0.003000  CLOSE_WAIT   |<------- FIN,ACK seq=1 ack=1 -------| FIN_WAIT_1");
    expect_line(ladder, "    5 0.004000               |--------- ACK seq=1 ack=2 --------->| FIN_WAIT_2");
    expect_line(ladder, "                             |             close 2/4              |");
    expect_line(ladder, "    6 0.005000  LAST_ACK     |------- FIN,ACK seq=1 ack=2 ------->| TIME_WAIT");
    expect_line(ladder, "    7 0.006000  CLOSED       |<--------- ACK seq=2 ack=2 ---------|");
    expect_line(ladder, "                             |   close 4/4, server in TIME_WAIT   |");
    expect_line(ladder, "                CLOSED       |                                    | TIME_WAIT");
}

static void test_simultaneous_close(void **) // RFC 9293 figure 13: the FINs cross
{
    LadderFlow flow;
    open_connection(flow);
    const Segment client_fin = flow.send(Side::Client, FIN | ACK);
    const Segment server_fin = flow.send(Side::Server, FIN | ACK);
    flow.deliver(client_fin);
    flow.deliver(server_fin);
    flow.observe(client_fin);
    flow.observe(server_fin);
    flow.step(Side::Client, ACK);
    flow.step(Side::Server, ACK);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "Close: simultaneous (the FINs crossed), started by both sides");
    expect_line(ladder, "TIME_WAIT: both");
    // The server had not seen the client's FIN: it is revised to ESTABLISHED, sends its
    // FIN (FIN_WAIT_1) and, receiving the client's, is CLOSING; one row per state.
    expect_ladder(ladder.substr(ladder.find("    5 0.004000")),
                  {
                      "    5 0.004000  CLOSING      |<------- FIN,ACK seq=1 ack=1 -------| ESTABLISHED",
                      "                             |   close 3/4, simultaneous close    | FIN_WAIT_1",
                      "                             |                                    | CLOSING",
                      "    6 0.005000               |--------- ACK seq=2 ack=2 --------->| TIME_WAIT",
                      "                             |             close 4/4,             |",
                      "                             |  TIME_WAIT expected on the client  |",
                      "    7 0.006000  TIME_WAIT    |<--------- ACK seq=2 ack=2 ---------|",
                      "                             |   close 2/4, server in TIME_WAIT   |",
                      "                TIME_WAIT    |                                    | TIME_WAIT",
                  });
}

static void test_fin_retransmitted(void **)
{
    LadderFlow flow;
    open_connection(flow);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    flow.observe(fin);
    flow.observe(fin);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "    5 0.004000               |------- FIN,ACK seq=1 ack=1 ------->|");
    expect_line(ladder, "                             |    close 1/4 again (attempt 2)     |");
}

// ---- Opens and refusals -----------------------------------------------------------

static void test_syn_retransmitted_then_refused(void **)
{
    LadderFlow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    flow.observe(syn);
    flow.observe(syn);
    flow.step(Side::Server, RST | ACK);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "Handshake: rejected (a RST answered the SYN)");
    expect_line(ladder, "Close: none (never established)");
    expect_line(ladder, "    2 0.001000               |------------ SYN seq=0 ------------>|");
    expect_line(ladder, "                             |  handshake 1/3 again (attempt 2)   |");
    // The server sent no SYN: like Wireshark, its first seq counts as 1.
    expect_line(ladder, "    3 0.002000  CLOSED       |<------- RST,ACK seq=1 ack=1 -------| CLOSED");
    expect_line(ladder, "                             |      RST: connection refused       |");
}

static void test_refused_syn_tried_again_with_a_new_isn(void **) // numbering starts over
{
    LadderFlow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, RST | ACK);
    Segment syn = flow.send(Side::Client, SYN);
    syn.seq = SeqNumber(0x00001000); // a new ISN, past the 2^32 wrap from the first
    flow.observe(syn);
    Segment synack = flow.send(Side::Server, SYN | ACK);
    synack.ack = SeqNumber(0x00001001);
    flow.observe(synack);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "    3 0.002000  SYN_SENT     |------------ SYN seq=0 ------------>| LISTEN");
    expect_line(ladder, "    4 0.003000  ESTABLISHED  |<------- SYN,ACK seq=0 ack=1 -------| SYN_RECEIVED");
}

static void test_simultaneous_open(void **)
{
    LadderFlow flow(5000, 5001);
    const Segment client_syn = flow.send(Side::Client, SYN);
    const Segment server_syn = flow.send(Side::Server, SYN);
    flow.deliver(client_syn);
    flow.deliver(server_syn);
    flow.observe(client_syn);
    flow.observe(server_syn);
    Segment client_synack = client_syn;
    client_synack.flags = SYN | ACK;
    client_synack.ack = SeqNumber(server_isn + 1);
    flow.observe(client_synack);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "Handshake: simultaneous-open (the SYNs crossed)");
    expect_line(ladder, "    2 0.001000               |<------------ SYN seq=0 ------------| SYN_SENT");
    expect_line(ladder, "                             |  handshake 1/3, simultaneous open  |");
    expect_line(ladder, "    3 0.002000  SYN_RECEIVED |------- SYN,ACK seq=0 ack=1 ------->| ESTABLISHED");
}

static void test_synack_captured_before_its_syn(void **) // numbered from the SYN all the same
{
    LadderFlow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    const Segment synack = flow.exchange(Side::Server, SYN | ACK);
    flow.observe(synack);
    flow.observe(syn);
    flow.step(Side::Client, ACK);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "                UNKNOWN      |                                    | LISTEN");
    expect_line(ladder, "    1 0.000000               |<------- SYN,ACK seq=0 ack=1 -------| SYN_RECEIVED");
    expect_line(ladder, "                             |   handshake 2/3, no SYN seen yet   |");
    expect_line(ladder, "    2 0.001000  SYN_SENT     |------------ SYN seq=0 ------------>|");
    // The SYN-ACK captured before it takes the client on to ESTABLISHED at once.
    expect_line(ladder, "                ESTABLISHED  |           handshake 1/3,           |");
    expect_line(ladder, "                             |     captured after its SYN-ACK     |");
    expect_line(ladder, "    3 0.002000               |--------- ACK seq=1 ack=1 --------->| ESTABLISHED");
}

// Wireshark's tcp.relative_sequence_numbers off: the arrows carry the raw numbers.
static void test_raw_numbers_when_relative_ones_are_off(void **)
{
    LadderFlow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    LadderOptions raw;
    raw.relative_numbers = false;
    raw.width = 100;
    const std::string ladder = flow.ladder(raw);
    expect_line(ladder, "    1 0.000000  SYN_SENT     |----------------- SYN seq=4294967280 ------------------>|");
}

static void test_reset_of_an_open_connection(void **)
{
    LadderFlow flow;
    open_connection(flow);
    flow.step(Side::Server, RST | ACK);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "Close: reset (a RST before both FINs), started by the server");
    expect_line(ladder, "    4 0.003000  CLOSED       |<------- RST,ACK seq=1 ack=1 -------| CLOSED");
    expect_line(ladder, "                             |  RST: connection reset by server   |");
}

static void test_time_wait_assassinated(void **) // RFC 1337: a RST reaches the side in TIME_WAIT
{
    LadderFlow flow;
    open_connection(flow);
    flow.step(Side::Client, FIN | ACK);
    flow.step(Side::Server, ACK);
    flow.step(Side::Server, FIN | ACK);
    flow.step(Side::Client, ACK);
    flow.step(Side::Server, RST);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "TIME_WAIT: none");
    expect_ladder(ladder.substr(ladder.find("    8 0.007000")),
                  {
                      "    8 0.007000  CLOSED       |<------------ RST seq=2 ------------|",
                      "                             |  RST: connection reset by server,  |",
                      "                             | TIME_WAIT assassinated (RFC 1337)  |",
                      "                CLOSED       |                                    | CLOSED",
                  });
}

static void test_syn_unanswered(void **)
{
    LadderFlow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    flow.observe(syn);
    flow.observe(syn);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "Handshake: unanswered (SYN, no reply)");
    expect_ladder(ladder.substr(ladder.find("                CLOSED")),
                  {
                      "                CLOSED       |                                    | LISTEN",
                      "    1 0.000000  SYN_SENT     |------------ SYN seq=0 ------------>|",
                      "                             |           handshake 1/3            |",
                      "    2 0.001000               |------------ SYN seq=0 ------------>|",
                      "                             |  handshake 1/3 again (attempt 2)   |",
                      "                SYN_SENT     |                                    | LISTEN",
                  });
}

// ---- Mid-stream ---------------------------------------------------------------------

static void test_midstream_start(void **)
{
    LadderFlow flow(51000, 80);
    flow.exchange(Side::Client, SYN); // before the capture began: the observer never sees these
    flow.exchange(Side::Server, SYN | ACK);
    flow.step(Side::Client, PSH | ACK, 100);
    flow.step(Side::Server, PSH | ACK, 1448);
    flow.step(Side::Server, FIN | ACK);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "Roles: guessed from the ports (no SYN or SYN-ACK seen)");
    expect_line(ladder, "Handshake: not-seen (began mid-stream)");
    expect_line(ladder, "                UNKNOWN      |                                    | UNKNOWN");
    // No SYN in the capture: each side's first seq counts as 1, as in Wireshark.
    expect_line(ladder, "    1 0.000000               |--- PSH,ACK seq=1 ack=1 len=100 --->|");
    expect_line(ladder, "                             |      capture began mid-stream      |");
    expect_line(ladder, "    2 0.001000  ESTABLISHED  |<-- PSH,ACK seq=1 ack=101 len=1448 -| ESTABLISHED");
    expect_line(ladder, "    3 0.002000  CLOSE_WAIT   |<----- FIN,ACK seq=1449 ack=101 ----| FIN_WAIT_1");
}

static void test_segment_reordered_before_the_first_one_seen(void **) // numbered negative
{
    LadderFlow flow(51000, 80);
    flow.exchange(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK);
    const Segment first = flow.send(Side::Client, PSH | ACK, 100);
    const Segment second = flow.send(Side::Client, PSH | ACK, 100);
    flow.observe(second);
    flow.observe(first);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "    1 0.000000               |--- PSH,ACK seq=1 ack=1 len=100 --->|");
    expect_line(ladder, "    2 0.001000               |-- PSH,ACK seq=-99 ack=1 len=100 -->|");
}

// ---- Folding ------------------------------------------------------------------------

static void test_short_run_drawn_in_full(void **) // 3 < fold_at
{
    LadderFlow flow;
    open_connection(flow);
    flow.step(Side::Client, PSH | ACK, 10);
    flow.step(Side::Server, ACK);
    flow.step(Side::Server, PSH | ACK, 20);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "    4 0.003000               |--- PSH,ACK seq=1 ack=1 len=10 ---->|");
    expect_line(ladder, "    5 0.004000               |<--------- ACK seq=1 ack=11 --------|");
    expect_line(ladder, "    6 0.005000               |<--- PSH,ACK seq=1 ack=11 len=20 ---|");
    assert_int_equal(ladder.find("segments ..."), std::string::npos);
}

static void test_fold_in_one_direction(void **)
{
    LadderFlow flow;
    open_connection(flow);
    for (int i = 0; i < 5; ++i)
        flow.step(Side::Client, PSH | ACK, 1000);
    flow.step(Side::Client, FIN | ACK);
    const std::string ladder = flow.ladder();
    expect_ladder(ladder.substr(ladder.find("    4 0.003000")),
                  {
                      "    4 0.003000               :         ... 5 segments ...         :",
                      "    8 0.007000               :===== 5 segments, 5,000 bytes =====>:",
                      "    9 0.008000  FIN_WAIT_1   |----- FIN,ACK seq=5001 ack=1 ------>| CLOSE_WAIT",
                      "                             |             close 1/4              |",
                      "                FIN_WAIT_1   |                                    | CLOSE_WAIT",
                  });
}

static void test_fold_at_zero_draws_everything(void **)
{
    LadderFlow flow;
    open_connection(flow);
    talk(flow);
    LadderOptions options;
    options.fold_at = 0;
    const std::string ladder = flow.ladder(options);
    expect_line(ladder, "    7 0.006000               |-------- ACK seq=11 ack=21 -------->|");
    assert_int_equal(ladder.find("segments ..."), std::string::npos);
}

static void test_thousands_of_segments(void **) // a bulk transfer folds into a few lines
{
    LadderFlow flow;
    open_connection(flow);
    for (int i = 0; i < 3000; ++i) {
        flow.step(Side::Client, PSH | ACK, 1448);
        if (i % 2 == 1)
            flow.step(Side::Server, ACK);
    }
    flow.step(Side::Client, FIN | ACK);
    const std::string ladder = flow.ladder();
    expect_fits(ladder, 80);
    expect_line(ladder, "4,504 segments, frames 1-4504, 4.503000 s");
    expect_ladder(ladder.substr(ladder.find("    4 0.003000")),
                  {
                      "    4 0.003000               :       ... 4,500 segments ...       :",
                      "                             := 3,000 segments, 4,344,000 bytes =>:",
                      " 4503 4.502000               :<===== 1,500 segments, 0 bytes =====:",
                      " 4504 4.503000  FIN_WAIT_1   |---- FIN,ACK seq=4344001 ack=1 ---->| CLOSE_WAIT",
                      "                             |             close 1/4              |",
                      "                FIN_WAIT_1   |                                    | CLOSE_WAIT",
                  });
}

// ---- Numbers, widths, addresses ------------------------------------------------------

static void test_relative_numbers_across_the_wrap(void **)
{
    // The client's ISN is 2^32 - 16: its 17th byte sits at raw sequence number 0.
    LadderFlow flow;
    open_connection(flow);
    flow.step(Side::Client, PSH | ACK, 100);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    assert_int_equal(fin.seq.raw(), 0x55); // client_isn + 1 + 100 = 2^32 + 85
    flow.observe(fin);
    const std::string ladder = flow.ladder();
    expect_line(ladder, "    5 0.004000  FIN_WAIT_1   |------ FIN,ACK seq=101 ack=1 ------>| CLOSE_WAIT");
}

static void test_narrow_width_moves_numbers_below_the_arrow(void **)
{
    LadderFlow flow;
    open_connection(flow);
    LadderOptions options;
    options.width = 60;
    const std::string ladder = flow.ladder(options);
    expect_fits(ladder, 60);
    expect_line(ladder, "    2 0.001000  ESTABLISHED  |<--- SYN,ACK ---| SYN_RECEIVED");
    expect_line(ladder, "                             |  seq=0 ack=1,  |");
    expect_line(ladder, "                             | handshake 2/3  |");
}

static void test_large_frame_numbers_and_times(void **)
{
    LadderFlow flow;
    open_connection(flow);
    std::vector<LadderSegment> segments = flow.segments();
    for (LadderSegment &s : segments) {
        s.frame += 1234566; // frames 1234567...
        s.time_ns += static_cast<std::int64_t>(s.frame - 1234567) * 4'000'000'000'000; // 4000 s apart
    }
    const std::string ladder = draw_ladder(9, flow.facts(), segments);
    expect_fits(ladder, 80);
    // Seven-digit frames narrow the arrows to 34 columns; past 1000 s, milliseconds.
    expect_line(ladder, "  frame time (s)  client" + std::string(44, ' ') + "server");
    expect_line(ladder, "1234568 4000.001  ESTABLISHED  |<------ SYN,ACK seq=0 ack=1 ------| SYN_RECEIVED");
    expect_line(ladder, "1234569 8000.002               |-------- ACK seq=1 ack=1 -------->| ESTABLISHED");
}

static void test_ipv6_addresses_in_brackets(void **)
{
    SocketAddress client;
    client.address.family = 6;
    client.address.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
    client.port = 40000;
    SocketAddress server = client;
    server.address.bytes[15] = 0x02;
    server.port = 443;
    LadderFlow flow(client, server, 100, 200, 7);
    open_connection(flow);
    expect_line(flow.ladder(), "Stream 0: client [2001:db8::1]:40000, server [2001:db8::2]:443");
}

static void test_socket_text_matches_inet_ntop(void **)
{
    const char *samples[] = {"::", "::1", "2001:db8::1", "2001:db8:0:1:0:0:0:1", "fe80::1:0:0:1", "1::",
                             "::ffff:192.0.2.7", "::192.0.2.7", "1:0:0:2:0:0:0:3", "2001:db8:1:2:3:4:5:6",
                             "0:0:1::"};
    for (const char *sample : samples) {
        SocketAddress socket;
        socket.address.family = 6;
        assert_int_equal(inet_pton(AF_INET6, sample, socket.address.bytes.data()), 1);
        socket.port = 80;
        char expected[64];
        char printed[48];
        assert_non_null(inet_ntop(AF_INET6, socket.address.bytes.data(), printed, sizeof printed));
        std::snprintf(expected, sizeof expected, "[%s]:80", printed);
        assert_string_equal(socket_text(socket).data(), expected);
    }
    SocketAddress v4;
    v4.address.family = 4;
    v4.address.bytes = {192, 0, 2, 255};
    v4.port = 65535;
    assert_string_equal(socket_text(v4).data(), "192.0.2.255:65535");
    assert_string_equal(socket_text(SocketAddress{}).data(), "?:0");
}

// ---- Robustness ----------------------------------------------------------------------

// ---- TLS steps ---------------------------------------------------------------------

namespace {

TlsStep tls_step(std::uint8_t step, std::uint8_t expected, TlsMessages messages, bool ends = false,
                 TlsPhase after = TlsPhase::Flights)
{
    TlsStep s;
    s.step = step;
    s.steps_expected = expected;
    s.messages = messages;
    s.ends_handshake = ends;
    s.phase_after = ends ? after : TlsPhase::Flights;
    return s;
}

// A TLS 1.2 handshake after TCP's, one millisecond a segment: frames 4-9.
void tls12_handshake(LadderFlow &flow)
{
    using M = TlsMessage;
    flow.step(Side::Client, PSH | ACK, 200);
    flow.give_last_tls(tls_step(1, 3, {M::ClientHello})); // it offered TLS 1.3
    flow.step(Side::Server, PSH | ACK, 1200);
    flow.give_last_tls(tls_step(2, 4, {M::ServerHello, M::Certificate, M::ServerKeyExchange, M::ServerHelloDone}));
    flow.step(Side::Client, ACK);
    flow.step(Side::Client, PSH | ACK, 93);
    flow.give_last_tls(tls_step(3, 4, {M::ClientKeyExchange, M::ChangeCipherSpec, M::EncryptedHandshake}));
    flow.step(Side::Server, PSH | ACK, 51);
    flow.give_last_tls(tls_step(4, 4, {M::ChangeCipherSpec, M::EncryptedHandshake}, true, TlsPhase::Complete));
    flow.step(Side::Client, ACK);
}

LadderTls tls12_complete()
{
    LadderTls tls;
    tls.facts.outcome = TlsOutcome::Complete;
    tls.facts.version = 0x0303;
    tls.facts.steps = 4;
    tls.times = TlsTimes{true, 4'000'000, true, 5'000'000};
    return tls;
}

} // namespace

// Each flight labelled under its arrow, every denominator the last step's (the ClientHello
// expected 3 flights), the TLS segments drawn although six in a row change no TCP state.
static void test_tls_steps_between_the_tcp_ones(void **)
{
    LadderFlow flow;
    open_connection(flow);
    tls12_handshake(flow);
    const std::string ladder = flow.ladder({}, tls12_complete());
    expect_line(ladder, "TLS: TLS 1.2 complete, 4 steps in 0.004000 s (0.005000 s after TCP's handshake)");
    expect_ladder(ladder.substr(ladder.find("    4 0.003000")),
                  {
                      "    4 0.003000               |--- PSH,ACK seq=1 ack=1 len=200 --->|",
                      "                             |        TLS 1/4: ClientHello        |",
                      "    5 0.004000               |<-- PSH,ACK seq=1 ack=201 len=1200 -|",
                      "                             | TLS 2/4: ServerHello, Certificate, |",
                      "                             | ServerKeyExchange, ServerHelloDone |",
                      "    6 0.005000               |------ ACK seq=201 ack=1201 ------->|",
                      "    7 0.006000               |- PSH,ACK seq=201 ack=1201 len=93 ->|",
                      "                             |    TLS 3/4: ClientKeyExchange,     |",
                      "                             |         ChangeCipherSpec,          |",
                      "                             |        encrypted handshake         |",
                      "    8 0.007000               |<- PSH,ACK seq=1201 ack=294 len=51 -|",
                      "                             |     TLS 4/4: ChangeCipherSpec,     |",
                      "                             |        encrypted handshake,        |",
                      "                             |       TLS handshake complete       |",
                      "    9 0.008000               |------ ACK seq=294 ack=1252 ------->|",
                      "                ESTABLISHED  |                                    | ESTABLISHED",
                  });
}

// Neither without TLS facts nor for a conversation that carried no TLS does the ladder
// speak of TLS.
static void test_tls_none_draws_tcp_only(void **)
{
    LadderFlow flow;
    open_connection(flow);
    talk(flow);
    assert_int_equal(flow.ladder().find("TLS"), std::string::npos);
    assert_int_equal(flow.ladder({}, LadderTls{}).find("TLS"), std::string::npos);
}

static void test_zero_segments(void **)
{
    assert_string_equal(draw_ladder(3, LedgerFacts{}, {}).c_str(), "Stream 3: no segments to draw.\n");
}

static void test_unknown_sender_drawn_both_ways(void **)
{
    // The observer always names a sender; a glue that could not would pass Unknown.
    LadderFlow flow;
    open_connection(flow);
    std::vector<LadderSegment> segments = flow.segments();
    segments[2].annotation.sender = Role::Unknown;
    const std::string ladder = draw_ladder(0, flow.facts(), segments);
    expect_ladder(ladder.substr(ladder.find("    3 0.002000")),
                  {
                      "    3 0.002000               |?--------------- ACK --------------?| ESTABLISHED",
                      "                             |   seq=4294967281 ack=4294967291,   |",
                      "                             |   sender unknown (raw seq/ack),    |",
                      "                             |           handshake 3/3            |",
                      "                ESTABLISHED  |                                    | ESTABLISHED",
                  });
}

static void test_every_line_fits_the_width(void **)
{
    expect_fits(merged_close_ladder(), 80);
    LadderFlow flow;
    open_connection(flow);
    talk(flow);
    flow.step(Side::Client, FIN | ACK);
    for (unsigned width : {80u, 72u, 60u, 40u, 20u}) {
        LadderOptions options;
        options.width = width;
        expect_fits(flow.ladder(options), width);
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--write-example") == 0) {
        std::FILE *file = std::fopen(argv[2], "wb");
        const std::string ladder = merged_close_ladder();
        const bool written = file != nullptr && std::fwrite(ladder.data(), 1, ladder.size(), file) == ladder.size();
        return file != nullptr && std::fclose(file) == 0 && written ? 0 : 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merged_close),
        cmocka_unit_test(test_merged_close_example_is_current),
        cmocka_unit_test(test_server_closes_first),
        cmocka_unit_test(test_simultaneous_close),
        cmocka_unit_test(test_fin_retransmitted),
        cmocka_unit_test(test_time_wait_assassinated),
        cmocka_unit_test(test_syn_unanswered),
        cmocka_unit_test(test_syn_retransmitted_then_refused),
        cmocka_unit_test(test_refused_syn_tried_again_with_a_new_isn),
        cmocka_unit_test(test_simultaneous_open),
        cmocka_unit_test(test_synack_captured_before_its_syn),
        cmocka_unit_test(test_raw_numbers_when_relative_ones_are_off),
        cmocka_unit_test(test_reset_of_an_open_connection),
        cmocka_unit_test(test_midstream_start),
        cmocka_unit_test(test_segment_reordered_before_the_first_one_seen),
        cmocka_unit_test(test_short_run_drawn_in_full),
        cmocka_unit_test(test_fold_in_one_direction),
        cmocka_unit_test(test_fold_at_zero_draws_everything),
        cmocka_unit_test(test_thousands_of_segments),
        cmocka_unit_test(test_relative_numbers_across_the_wrap),
        cmocka_unit_test(test_narrow_width_moves_numbers_below_the_arrow),
        cmocka_unit_test(test_large_frame_numbers_and_times),
        cmocka_unit_test(test_ipv6_addresses_in_brackets),
        cmocka_unit_test(test_socket_text_matches_inet_ntop),
        cmocka_unit_test(test_zero_segments),
        cmocka_unit_test(test_unknown_sender_drawn_both_ways),
        cmocka_unit_test(test_every_line_fits_the_width),
        cmocka_unit_test(test_tls_steps_between_the_tcp_ones),
        cmocka_unit_test(test_tls_none_draws_tcp_only),
    };
    return cmocka_run_group_tests_name("ladder", tests, nullptr, nullptr);
}
