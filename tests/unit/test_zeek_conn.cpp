// Zeek's conn_state and history (Zeek's documentation of conn.log's conn_state and history). Every expected
// value below was worked out by hand from Zeek's rules; the comments show the working
// where it is not obvious. Three histories are Zeek's own outputs: "SaR, RSTOS0",
// "SaFR, OTH" and "R, OTH" (btest conn_state-RST-behavior), and "^haf" (the one-sided
// trace of zeek PR #5047).
#include "cmocka_cpp.hpp"
#include "hosts.hpp"

#include "zeek/zeek_conn.hpp"

#include <string>

using namespace tcplife;
using namespace tcplife::test;

namespace {

// "Client" and "server" are the hosts' real roles; which one Zeek calls the originator
// is what the tests check.
class Wire : public Hosts {
public:
    using Hosts::Hosts;

    void observe(const Segment &segment) { conn.observe(segment, sockets()); }
    SocketPair sockets() const { return {address(Side::Client), address(Side::Server)}; }
    void step(Side side, std::uint16_t flags, std::uint32_t length = 0) { observe(exchange(side, flags, length)); }

    ZeekConnection conn;
};

// Fixtures, each built from the previous one.
void handshake(Wire &wire) // "ShA"
{
    wire.step(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    wire.step(Side::Client, ACK);
}

void established_with_data(Wire &wire) // "ShADad": 100 bytes up, 300 down
{
    handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.step(Side::Server, ACK);
    wire.step(Side::Server, ACK | PSH, 300);
    wire.step(Side::Client, ACK);
}

// The capture starts after the handshake: the hosts numbered it, the observer saw nothing.
void unseen_handshake(Wire &wire)
{
    wire.exchange(Side::Client, SYN);
    wire.exchange(Side::Server, SYN | ACK);
    wire.exchange(Side::Client, ACK);
}

std::string history_of(const ZeekConnection &conn) { return std::string(conn.history()); }

} // namespace

// Compare by name, so a failure prints "RSTOS0" and the whole history.
#define assert_zeek(conn, state, history)                                                                          \
    do {                                                                                                           \
        assert_string_equal(::tcplife::zeek_conn_state_name((conn).conn_state()), state);                          \
        assert_string_equal(history_of(conn).c_str(), history);                                                    \
    } while (0)

#define assert_originator(wire, side) assert_true((wire).conn.originator((wire).sockets()) == (wire).address(side))

// ---- conn_state: S0 S1 SF ------------------------------------------------------

static void test_s0_syn_unanswered(void **)
{
    Wire wire;
    wire.step(Side::Client, SYN);
    assert_zeek(wire.conn, "S0", "S");
    assert_originator(wire, Side::Client);
    assert_true(wire.conn.responder(wire.sockets()) == wire.address(Side::Server));
    assert_int_equal(wire.conn.originator_bytes(), 0);
    assert_int_equal(wire.conn.responder_bytes(), 0);
    assert_int_equal(wire.conn.originator_packets(), 1);
    assert_int_equal(wire.conn.responder_packets(), 0);
}

static void test_s0_syn_retransmitted_same_seq(void **) // S repeat rule: same number, no new letter
{
    Wire wire;
    const Segment syn = wire.exchange(Side::Client, SYN);
    wire.observe(syn);
    wire.observe(syn);
    assert_zeek(wire.conn, "S0", "S");
    assert_int_equal(wire.conn.originator_packets(), 2);
}

static void test_s0_syn_after_partial(void **) // a pure SYN from a PARTIAL endpoint, peer INACTIVE
{
    Wire wire(40000, 5001);
    wire.step(Side::Client, ACK | PSH, 100); // PARTIAL; the server stays INACTIVE
    wire.step(Side::Client, SYN);
    assert_zeek(wire.conn, "S0", "DS");
}

static void test_s1_syn_synack(void **) // S1 needs only SYN and SYN-ACK
{
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    assert_zeek(wire.conn, "S1", "Sh");
}

static void test_s1_handshake_ack(void **)
{
    Wire wire;
    handshake(wire);
    assert_zeek(wire.conn, "S1", "ShA");
}

static void test_s1_missed_syn(void **) // an ACK while the peer is ESTABLISHED
{
    Wire wire(40000, 80);
    wire.exchange(Side::Client, SYN); // not captured
    wire.step(Side::Server, SYN | ACK); // from a likely server port: flipped at creation
    wire.step(Side::Client, ACK);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "S1", "^hA");
}

static void test_sf_handshake_data_close(void **)
{
    Wire wire;
    established_with_data(wire);
    wire.step(Side::Client, FIN | ACK);
    wire.step(Side::Server, FIN | ACK);
    wire.step(Side::Client, ACK);
    assert_zeek(wire.conn, "SF", "ShADadFf");
    // Client: start 0xFFFFFFF0, FIN ends at 0x56 after one wrap: 2^32 + 0x56 - 0xFFFFFFF0
    // = 102, less SYN and FIN = 100. Server: 2^32 + 0x128 - 0xFFFFFFFA = 302, less 2 = 300.
    assert_int_equal(wire.conn.originator_bytes(), 100);
    assert_int_equal(wire.conn.responder_bytes(), 300);
    assert_int_equal(wire.conn.originator_packets(), 6);
    assert_int_equal(wire.conn.responder_packets(), 4);
}

static void test_sf_rst_after_both_fins(void **) // CLOSED ignores a RST when the peer is CLOSED too
{
    Wire wire;
    established_with_data(wire);
    wire.step(Side::Client, FIN | ACK);
    wire.step(Side::Server, FIN | ACK);
    wire.step(Side::Client, RST);
    assert_zeek(wire.conn, "SF", "ShADadFfR");
}

static void test_sf_without_handshake(void **) // both CLOSED is SF, handshake or not
{
    Wire wire(40000, 5001);
    unseen_handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.step(Side::Server, ACK | PSH, 300);
    wire.step(Side::Client, FIN | ACK);
    wire.step(Side::Server, FIN | ACK);
    assert_zeek(wire.conn, "SF", "DdFf");
    // Partial numbering starts one before the first octet, as though a SYN was there.
    assert_int_equal(wire.conn.originator_bytes(), 100);
    assert_int_equal(wire.conn.responder_bytes(), 300);
}

static void test_sf_fin_rst_then_peer_fin(void **) // UpdateEstablishedState turns FIN+RST back into CLOSED
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, FIN | ACK);
    wire.step(Side::Client, RST); // CLOSED -> RESET: the server had not closed
    assert_zeek(wire.conn, "RSTO", "ShAFR");
    wire.step(Side::Server, FIN | ACK);
    assert_zeek(wire.conn, "SF", "ShAFRf");
}

// ---- conn_state: S2 S3 SH SHR ----------------------------------------------------

static void test_s2_originator_fin(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, FIN | ACK);
    assert_zeek(wire.conn, "S2", "ShAF");
}

static void test_s3_responder_fin(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Server, FIN | ACK);
    assert_zeek(wire.conn, "S3", "ShAf");
}

static void test_sh_syn_then_fin(void **)
{
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Client, FIN);
    assert_zeek(wire.conn, "SH", "SF");
    assert_int_equal(wire.conn.originator_bytes(), 0);
}

static void test_shr_synack_then_fin(void **)
{
    Wire wire(40000, 80);
    wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    wire.step(Side::Server, FIN | ACK);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "SHR", "^hf");
}

// ---- conn_state: REJ and the resets ----------------------------------------------

static void test_rej_rst_refuses_syn(void **)
{
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Server, RST | ACK);
    assert_zeek(wire.conn, "REJ", "Sr");
}

static void test_rej_rst_answers_synack(void **) // originator SYN_ACK_SENT, responder RST
{
    Wire wire(40000, 5001); // no likely server port: the SYN-ACK's sender originates
    wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    wire.step(Side::Client, RST); // a RST is no A or D: no flip
    assert_originator(wire, Side::Server);
    assert_zeek(wire.conn, "REJ", "Hr");
}

static void test_rej_both_reset_nothing_sent(void **) // os RESET and both sizes 0
{
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Client, RST);
    wire.step(Side::Server, RST);
    assert_int_equal(wire.conn.originator_bytes(), 0);
    assert_int_equal(wire.conn.responder_bytes(), 0);
    assert_zeek(wire.conn, "REJ", "SRr");
}

static void test_rstr_both_reset_after_data(void **) // the same resets, but bytes were sent: no REJ
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.step(Side::Server, ACK);
    wire.step(Side::Client, RST);
    wire.step(Side::Server, RST);
    assert_int_equal(wire.conn.originator_bytes(), 100);
    assert_zeek(wire.conn, "RSTR", "ShADaRr");
}

static void test_rstr_responder_reset(void **)
{
    Wire wire;
    established_with_data(wire);
    wire.step(Side::Server, RST);
    assert_zeek(wire.conn, "RSTR", "ShADadr");
}

static void test_rstrh_synack_then_rst(void **)
{
    Wire wire(40000, 80);
    wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    wire.step(Side::Server, RST);
    assert_zeek(wire.conn, "RSTRH", "^hr");
}

static void test_rsto_originator_reset(void **)
{
    Wire wire;
    established_with_data(wire);
    wire.step(Side::Client, RST);
    assert_zeek(wire.conn, "RSTO", "ShADadR");
}

static void test_rstos0_syn_then_rst(void **)
{
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Client, RST);
    assert_zeek(wire.conn, "RSTOS0", "SR");
}

static void test_rstos0_empty_ack_then_rst(void **) // Zeek's own "SaR, RSTOS0"
{
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Server, ACK); // an empty responder segment during the open: still INACTIVE
    assert_zeek(wire.conn, "S0", "Sa");
    wire.step(Side::Client, RST);
    assert_zeek(wire.conn, "RSTOS0", "SaR");
}

static void test_oth_syn_fin_rst(void **) // Zeek's own "SaFR, OTH": F breaks the RSTOS0 pattern
{
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Server, ACK);
    wire.step(Side::Client, FIN);
    wire.step(Side::Client, RST); // CLOSED -> RESET: the server is INACTIVE, not CLOSED
    assert_zeek(wire.conn, "OTH", "SaFR");
}

static void test_oth_lone_rst(void **) // Zeek's own "R, OTH"
{
    Wire wire(40000, 5001);
    wire.step(Side::Client, RST);
    assert_zeek(wire.conn, "OTH", "R");
}

static void test_oth_midstream_data(void **)
{
    Wire wire(40000, 5001);
    unseen_handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.step(Side::Server, ACK | PSH, 300);
    assert_zeek(wire.conn, "OTH", "Dd");
}

// ---- history: one letter per kind of segment --------------------------------------

static void test_history_ack_and_data_once_per_direction(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, ACK);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.step(Side::Client, ACK | PSH, 100); // new data, not a retransmission
    wire.step(Side::Server, ACK);
    wire.step(Side::Server, ACK);
    wire.step(Side::Server, ACK | PSH, 50);
    wire.step(Side::Server, ACK | PSH, 50);
    assert_zeek(wire.conn, "S1", "ShADad");
}

static void test_history_no_flags_no_letter(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, 0);
    assert_zeek(wire.conn, "S1", "ShA");
    assert_int_equal(wire.conn.originator_packets(), 3); // counted all the same
}

static void test_history_fin_with_data_is_f_only(void **) // FIN decides the letter: no D
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, FIN | ACK | PSH, 10);
    assert_zeek(wire.conn, "S2", "ShAF");
    assert_int_equal(wire.conn.originator_bytes(), 10);
}

static void test_history_fin_rst_is_i_once(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, FIN | RST | ACK);
    assert_zeek(wire.conn, "RSTO", "ShAI");
    wire.step(Side::Client, FIN | RST | ACK);
    assert_zeek(wire.conn, "RSTO", "ShAI");
}

static void test_history_responder_fin_rst_is_lower_i(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Server, FIN | RST | ACK);
    assert_zeek(wire.conn, "RSTR", "ShAi");
}

static void test_history_syn_fin_is_q_once(void **)
{
    Wire wire;
    wire.step(Side::Client, SYN | FIN); // INACTIVE: SYN -> SYN_SENT, then FIN -> CLOSED
    assert_zeek(wire.conn, "SH", "Q");
    wire.step(Side::Client, SYN | RST); // Q again: no letter; CLOSED -> RESET
    assert_zeek(wire.conn, "OTH", "Q");
}

static void test_history_responder_syn_rst_is_lower_q(void **)
{
    Wire wire;
    wire.step(Side::Client, SYN);
    // INACTIVE handler: the SYN establishes both, then the RST resets the server.
    wire.step(Side::Server, SYN | RST | ACK);
    assert_zeek(wire.conn, "RSTR", "Sq");
}

static void test_history_retransmission_is_t(void **)
{
    Wire wire;
    handshake(wire);
    const Segment up = wire.exchange(Side::Client, ACK | PSH, 100);
    wire.observe(up);
    wire.observe(up);
    wire.step(Side::Server, ACK);
    const Segment down = wire.exchange(Side::Server, ACK | PSH, 300);
    wire.observe(down);
    wire.observe(down);
    assert_zeek(wire.conn, "S1", "ShADTadt");
}

static void test_history_zero_window_is_w(void **)
{
    Wire wire;
    handshake(wire);
    Segment full = wire.exchange(Side::Server, ACK);
    full.window = 0;
    wire.observe(full);
    full = wire.exchange(Side::Client, ACK);
    full.window = 0;
    wire.observe(full);
    assert_zeek(wire.conn, "S1", "ShAawW");
}

static void test_history_zero_window_after_peer_fin_or_with_rst(void **) // no W then
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, FIN | ACK);
    Segment full = wire.exchange(Side::Server, ACK);
    full.window = 0;
    wire.observe(full);
    Segment reset = wire.exchange(Side::Server, RST);
    reset.window = 0;
    wire.observe(reset);
    assert_zeek(wire.conn, "RSTR", "ShAFar");
}

static void test_history_gap_is_g(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.exchange(Side::Client, ACK | PSH, 100); // delivered, not captured
    wire.step(Side::Server, ACK);                // acknowledges 200
    assert_zeek(wire.conn, "S1", "ShADaG");
    assert_int_equal(wire.conn.originator_bytes(), 200); // from sequence numbers
    assert_int_equal(wire.conn.missed_bytes(), 100);     // the content_gap event's length
}

static void test_history_responder_gap_is_lower_g(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Server, ACK | PSH, 100);
    wire.exchange(Side::Server, ACK | PSH, 100);
    wire.step(Side::Client, ACK);
    assert_zeek(wire.conn, "S1", "ShAdg");
}

static void test_history_gap_needs_clean_states(void **) // PARTIAL endpoints: no G
{
    Wire wire(40000, 5001);
    unseen_handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.exchange(Side::Client, ACK | PSH, 100);
    wire.step(Side::Server, ACK);
    assert_zeek(wire.conn, "OTH", "Da");
    assert_int_equal(wire.conn.originator_bytes(), 200);
    assert_int_equal(wire.conn.missed_bytes(), 0); // no content_gap either
}

static void test_history_gap_after_close_from_established(void **) // CLOSED from ESTABLISHED still counts
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, FIN | ACK);
    wire.step(Side::Server, ACK | PSH, 100);
    wire.exchange(Side::Server, ACK | PSH, 100);
    wire.step(Side::Client, ACK);
    assert_zeek(wire.conn, "S2", "ShAFdg");
}

static void test_history_ack_of_fin_is_no_gap(void **) // ACKs are clamped below the FIN
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.step(Side::Client, FIN | ACK);
    wire.step(Side::Server, ACK); // acknowledges 102: data and FIN
    assert_zeek(wire.conn, "S2", "ShADFa");
}

static void test_history_reordered_data_is_t_not_g(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);                   // [1, 101)
    const Segment late = wire.exchange(Side::Client, ACK | PSH, 100); // [101, 201), captured last
    wire.step(Side::Client, ACK | PSH, 100);                   // [201, 301), held above the hole
    wire.observe(late);                                        // fills the hole; ends below 301: T
    wire.step(Side::Server, ACK);                              // acknowledges 301: all seen
    assert_zeek(wire.conn, "S1", "ShADTa");
    assert_int_equal(wire.conn.missed_bytes(), 0);
}

static void test_history_ack_past_held_data_is_one_gap(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, ACK | PSH, 100);
    wire.exchange(Side::Client, ACK | PSH, 100); // never captured
    wire.step(Side::Client, ACK | PSH, 100);
    wire.step(Side::Server, ACK);
    assert_zeek(wire.conn, "S1", "ShADaG");
    assert_int_equal(wire.conn.missed_bytes(), 100); // the hole only; the held data was seen
}

// ---- history: S/H/F/R repeats ------------------------------------------------------

static void test_history_synack_same_seq_no_new_letter(void **)
{
    Wire wire;
    wire.step(Side::Client, SYN);
    const Segment synack = wire.exchange(Side::Server, SYN | ACK);
    wire.observe(synack);
    wire.observe(synack);
    assert_zeek(wire.conn, "S1", "Sh");
}

static void test_history_synack_new_isn_restarts_numbering(void **)
{
    // init_endpoint restarts an ESTABLISHED endpoint's numbering at any SYN, so the new
    // SYN-ACK's relative number is 0 again, like the first one's: no new letter.
    Wire wire;
    wire.step(Side::Client, SYN);
    Segment synack = wire.exchange(Side::Server, SYN | ACK);
    wire.observe(synack);
    synack.seq = synack.seq + 1000;
    wire.observe(synack);
    assert_zeek(wire.conn, "S1", "Sh");
}

static void test_history_synack_new_seq_new_letter(void **)
{
    // A RESET endpoint keeps its numbering (it came from SYN_ACK_SENT, not INACTIVE):
    // the second SYN-ACK sits at relative 1000.
    Wire wire(40000, 5001);
    wire.exchange(Side::Client, SYN);
    Segment synack = wire.exchange(Side::Server, SYN | ACK);
    wire.observe(synack);
    wire.step(Side::Server, RST);
    synack.seq = synack.seq + 1000;
    wire.observe(synack);
    assert_zeek(wire.conn, "OTH", "HRH");
}

static void test_history_once_per_direction_follows_role(void **)
{
    // Zeek keeps the once-per-direction bits in the connection, by role, and a flip does
    // not move them: the server's H set the originator's SYN bit, so after the flip its
    // repeated SYN-ACK is the responder's first.
    Wire wire(40000, 5001);
    wire.exchange(Side::Client, SYN);
    const Segment synack = wire.exchange(Side::Server, SYN | ACK);
    wire.observe(synack);
    wire.step(Side::Client, ACK);
    wire.observe(synack);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "OTH", "^hAh");
}

static void test_history_syn_new_seq_new_letter(void **)
{
    // After SYN and RST the client is RESET (from SYN_SENT), so a new SYN does not restart
    // its numbering: relative 1000 differs from 0.
    Wire wire;
    wire.step(Side::Client, SYN);
    wire.step(Side::Client, RST);
    Segment again = wire.send(Side::Client, SYN);
    again.seq = SeqNumber(client_isn + 1000);
    wire.observe(again);
    assert_zeek(wire.conn, "RSTOS0", "SRS");
}

static void test_history_rst_repeat_rule(void **)
{
    Wire wire;
    handshake(wire);
    const Segment reset = wire.send(Side::Client, RST);
    wire.observe(reset);
    wire.observe(reset); // same number: no letter
    assert_zeek(wire.conn, "RSTO", "ShAR");
    Segment later = reset;
    later.seq = reset.seq + 10;
    wire.observe(later);
    assert_zeek(wire.conn, "RSTO", "ShARR");
}

static void test_history_fin_repeat_counts_end_of_data(void **)
{
    Wire wire;
    handshake(wire);
    wire.step(Side::Client, FIN | ACK, 10); // FIN at relative 1 with 10 bytes: ends at 11
    Segment bare = wire.send(Side::Client, FIN | ACK);
    bare.seq = SeqNumber(client_isn + 11); // no data at 11: ends at 11 too
    wire.observe(bare);
    assert_zeek(wire.conn, "S2", "ShAF");
    bare.seq = SeqNumber(client_isn + 12); // ends at 12
    wire.observe(bare);
    assert_zeek(wire.conn, "S2", "ShAFF");
}

// ---- history: logarithmic letters -------------------------------------------------

static void test_history_retransmissions_at_1_10_100(void **)
{
    Wire wire;
    handshake(wire);
    const Segment data = wire.exchange(Side::Client, ACK | PSH, 100);
    wire.observe(data);
    const char *expected[101] = {};
    for (int i = 1; i <= 100; ++i)
        expected[i] = i < 10 ? "ShADT" : i < 100 ? "ShADTT" : "ShADTTT";
    for (int i = 1; i <= 100; ++i) {
        wire.observe(data);
        if (i == 1 || i == 2 || i == 9 || i == 10 || i == 11 || i == 99 || i == 100)
            assert_string_equal(history_of(wire.conn).c_str(), expected[i]);
    }
}

static void test_history_zero_windows_at_1_10(void **)
{
    Wire wire;
    handshake(wire);
    Segment full = wire.exchange(Side::Server, ACK);
    full.window = 0;
    for (int i = 1; i <= 11; ++i) {
        wire.observe(full);
        if (i == 1 || i == 2)
            assert_string_equal(history_of(wire.conn).c_str(), "ShAaw");
        if (i == 10 || i == 11)
            assert_string_equal(history_of(wire.conn).c_str(), "ShAaww");
    }
}

static void test_history_overflow_keeps_prefix(void **)
{
    Wire wire;
    handshake(wire);
    Segment reset = wire.send(Side::Client, RST);
    for (std::uint32_t i = 0; i < 30; ++i) {
        wire.observe(reset); // each at a new number: a new R
        reset.seq = reset.seq + 1;
    }
    assert_int_equal(wire.conn.history().size(), ZeekConnection::history_capacity);
    assert_true(wire.conn.history_truncated());
    assert_string_equal(history_of(wire.conn).c_str(), "ShARRRRRRRRRRRRRRRRRRRR");
    assert_string_equal(zeek_conn_state_name(wire.conn.conn_state()), "RSTO");
}

// ---- who is the originator -----------------------------------------------------------

static void test_flip_data_from_server_port(void **)
{
    Wire wire(40000, 443);
    unseen_handshake(wire);
    wire.step(Side::Server, ACK | PSH, 300);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "OTH", "^d");
}

static void test_flip_pure_syn_from_server_port_not_flipped(void **)
{
    Wire wire(80, 40000); // the client happens to use port 80
    wire.step(Side::Client, SYN);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "S0", "S");
}

static void test_flip_both_server_ports_lower_port_sends(void **)
{
    Wire wire(443, 80); // the client on 443, the server on 80
    unseen_handshake(wire);
    wire.step(Side::Server, ACK | PSH, 300); // 80 -> 443, no SYN, lower port: flip
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "OTH", "^d");
}

static void test_flip_both_server_ports_higher_port_sends(void **)
{
    Wire wire(80, 443);
    unseen_handshake(wire);
    wire.step(Side::Server, ACK | PSH, 300); // 443 -> 80: no flip
    assert_originator(wire, Side::Server);
    assert_zeek(wire.conn, "OTH", "D");
}

static void test_flip_both_server_ports_synack_not_flipped(void **)
{
    Wire wire(443, 80);
    wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK); // 80 -> 443 but with SYN: no flip
    assert_originator(wire, Side::Server);
    assert_zeek(wire.conn, "OTH", "H");
}

static void test_flip_lone_synack_then_ack(void **) // "H", then A from the other side: "^h"
{
    Wire wire(40000, 5001);
    wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    assert_originator(wire, Side::Server);
    wire.step(Side::Client, ACK);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "OTH", "^hA");
    wire.step(Side::Server, FIN | ACK); // the new responder still SYN_ACK_SENT: its FIN closes it
    assert_zeek(wire.conn, "SHR", "^hAf");
}

static void test_flip_lone_synack_then_data(void **)
{
    Wire wire(40000, 5001);
    wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    wire.step(Side::Client, ACK | PSH, 100);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "OTH", "^hD");
}

static void test_flip_lone_synack_then_same_side_ack(void **) // Zeek's "^haf" (zeek PR #5047)
{
    Wire wire(40000, 5001);
    wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    wire.step(Side::Server, ACK);
    wire.step(Side::Server, FIN | ACK);
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "SHR", "^haf");
    assert_int_equal(wire.conn.originator_packets(), 0); // packets follow the endpoints
    assert_int_equal(wire.conn.responder_packets(), 3);
}

static void test_flip_reversed_handshake(void **) // the SYN-ACK captured before its SYN
{
    Wire wire(40000, 5001);
    const Segment syn = wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    assert_zeek(wire.conn, "OTH", "H");
    wire.observe(syn); // the client's own start, ack - 1 of the SYN-ACK: flip, established
    assert_originator(wire, Side::Client);
    assert_zeek(wire.conn, "S1", "Hs^");
    wire.step(Side::Client, ACK);
    assert_zeek(wire.conn, "S1", "Hs^A");
    assert_int_equal(wire.conn.originator_packets(), 2);
    assert_int_equal(wire.conn.responder_packets(), 1);
}

static void test_flip_reversed_handshake_needs_implied_start(void **)
{
    Wire wire(40000, 5001);
    Segment syn = wire.exchange(Side::Client, SYN);
    wire.step(Side::Server, SYN | ACK);
    syn.seq = SeqNumber(client_isn + 5000); // Zeek would open a new connection; here: no flip
    wire.observe(syn);
    assert_originator(wire, Side::Server);
    assert_zeek(wire.conn, "OTH", "Hs");
}

// ---- bytes ---------------------------------------------------------------------------

static void test_bytes_half_open_reset_counts_nothing(void **) // Size(): SYN_SENT -> RESET, peer INACTIVE
{
    Wire wire;
    wire.step(Side::Client, SYN, 10); // 10 bytes of data on the SYN
    wire.step(Side::Server, ACK);     // acknowledges them; the server stays INACTIVE
    wire.step(Side::Client, RST);
    // init_endpoint sets last_seq to the SYN's end, so update_last_seq finds its payload
    // "not beyond the highest end seen": Zeek writes T for data on a SYN.
    assert_zeek(wire.conn, "RSTOS0", "STaR");
    assert_int_equal(wire.conn.originator_bytes(), 0);
}

static void test_bytes_half_open_reset_nothing_acked(void **) // the same, but only the SYN acknowledged
{
    Wire wire;
    const Segment syn = wire.send(Side::Client, SYN, 10);
    wire.observe(syn);
    Segment ack = wire.send(Side::Server, ACK);
    ack.ack = SeqNumber(client_isn + 1);
    wire.observe(ack);
    wire.step(Side::Client, RST);
    assert_int_equal(wire.conn.originator_bytes(), 10); // 0xFFFFFFFB - 0xFFFFFFF0 = 11, less the SYN
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s0_syn_unanswered),
        cmocka_unit_test(test_s0_syn_retransmitted_same_seq),
        cmocka_unit_test(test_s0_syn_after_partial),
        cmocka_unit_test(test_s1_syn_synack),
        cmocka_unit_test(test_s1_handshake_ack),
        cmocka_unit_test(test_s1_missed_syn),
        cmocka_unit_test(test_sf_handshake_data_close),
        cmocka_unit_test(test_sf_rst_after_both_fins),
        cmocka_unit_test(test_sf_without_handshake),
        cmocka_unit_test(test_sf_fin_rst_then_peer_fin),
        cmocka_unit_test(test_s2_originator_fin),
        cmocka_unit_test(test_s3_responder_fin),
        cmocka_unit_test(test_sh_syn_then_fin),
        cmocka_unit_test(test_shr_synack_then_fin),
        cmocka_unit_test(test_rej_rst_refuses_syn),
        cmocka_unit_test(test_rej_rst_answers_synack),
        cmocka_unit_test(test_rej_both_reset_nothing_sent),
        cmocka_unit_test(test_rstr_both_reset_after_data),
        cmocka_unit_test(test_rstr_responder_reset),
        cmocka_unit_test(test_rstrh_synack_then_rst),
        cmocka_unit_test(test_rsto_originator_reset),
        cmocka_unit_test(test_rstos0_syn_then_rst),
        cmocka_unit_test(test_rstos0_empty_ack_then_rst),
        cmocka_unit_test(test_oth_syn_fin_rst),
        cmocka_unit_test(test_oth_lone_rst),
        cmocka_unit_test(test_oth_midstream_data),
        cmocka_unit_test(test_history_ack_and_data_once_per_direction),
        cmocka_unit_test(test_history_no_flags_no_letter),
        cmocka_unit_test(test_history_fin_with_data_is_f_only),
        cmocka_unit_test(test_history_fin_rst_is_i_once),
        cmocka_unit_test(test_history_responder_fin_rst_is_lower_i),
        cmocka_unit_test(test_history_syn_fin_is_q_once),
        cmocka_unit_test(test_history_responder_syn_rst_is_lower_q),
        cmocka_unit_test(test_history_retransmission_is_t),
        cmocka_unit_test(test_history_zero_window_is_w),
        cmocka_unit_test(test_history_zero_window_after_peer_fin_or_with_rst),
        cmocka_unit_test(test_history_gap_is_g),
        cmocka_unit_test(test_history_responder_gap_is_lower_g),
        cmocka_unit_test(test_history_gap_needs_clean_states),
        cmocka_unit_test(test_history_gap_after_close_from_established),
        cmocka_unit_test(test_history_ack_of_fin_is_no_gap),
        cmocka_unit_test(test_history_reordered_data_is_t_not_g),
        cmocka_unit_test(test_history_ack_past_held_data_is_one_gap),
        cmocka_unit_test(test_history_synack_same_seq_no_new_letter),
        cmocka_unit_test(test_history_synack_new_isn_restarts_numbering),
        cmocka_unit_test(test_history_synack_new_seq_new_letter),
        cmocka_unit_test(test_history_once_per_direction_follows_role),
        cmocka_unit_test(test_history_syn_new_seq_new_letter),
        cmocka_unit_test(test_history_rst_repeat_rule),
        cmocka_unit_test(test_history_fin_repeat_counts_end_of_data),
        cmocka_unit_test(test_history_retransmissions_at_1_10_100),
        cmocka_unit_test(test_history_zero_windows_at_1_10),
        cmocka_unit_test(test_history_overflow_keeps_prefix),
        cmocka_unit_test(test_flip_data_from_server_port),
        cmocka_unit_test(test_flip_pure_syn_from_server_port_not_flipped),
        cmocka_unit_test(test_flip_both_server_ports_lower_port_sends),
        cmocka_unit_test(test_flip_both_server_ports_higher_port_sends),
        cmocka_unit_test(test_flip_both_server_ports_synack_not_flipped),
        cmocka_unit_test(test_flip_lone_synack_then_ack),
        cmocka_unit_test(test_flip_lone_synack_then_data),
        cmocka_unit_test(test_flip_lone_synack_then_same_side_ack),
        cmocka_unit_test(test_flip_reversed_handshake),
        cmocka_unit_test(test_flip_reversed_handshake_needs_implied_start),
        cmocka_unit_test(test_bytes_half_open_reset_counts_nothing),
        cmocka_unit_test(test_bytes_half_open_reset_nothing_acked),
    };
    return cmocka_run_group_tests_name("zeek_conn", tests, nullptr, nullptr);
}
