// Conversation verdicts (verdict.hpp): how the handshake went, how the close went, who
// closed, who waits in TIME_WAIT, and what only the end of the capture reveals.
#include "flow.hpp"

#include "conversation/capture_time.hpp"

using namespace tcplife;
using namespace tcplife::test;

// ---- Handshake ------------------------------------------------------------------

static void test_handshake_complete(void **)
{
    Flow flow;
    handshake(flow);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "open");
    assert_int_equal(flow.facts().syn.frame, 1);
    assert_int_equal(flow.facts().synack.frame, 2);
    assert_int_equal(flow.facts().handshake_ack.frame, 3);
}

static void test_syn_sent_unanswered(void **)
{
    Flow flow;
    const Segment syn = flow.send(Side::Client, SYN);
    flow.observe(syn);
    flow.observe(syn);
    flow.observe(syn);
    const Verdict v = flow.verdict();
    assert_verdict(v, "unanswered", "none");
    assert_int_equal(flow.facts().syn_retransmissions, 2);
    assert_true(v.end_of_capture.has(Anomaly::SynUnanswered));
}

static void test_syn_sent_rejected_verdict(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, RST | ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "rejected", "none");
    assert_party(v.reset_by, "server");
    assert_party(v.initiator, "none");
    assert_true(v.end_of_capture.empty());
}

static void test_syn_sent_rejected_then_retried(void **) // the latest attempt decides
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    flow.observe(syn);
    flow.step(Side::Server, RST | ACK);
    flow.observe(syn);
    assert_verdict(flow.verdict(), "unanswered", "none");
    flow.step(Side::Server, SYN | ACK);
    assert_verdict(flow.verdict(), "no-final-ack", "none");
    flow.step(Side::Client, ACK);
    assert_verdict(flow.verdict(), "complete", "open");
    assert_party(flow.verdict().reset_by, "none"); // the retry made the refusal history
}

static void test_syn_received_no_final_ack(void **) // the server never opens: nothing to close
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Segment synack = flow.exchange(Side::Server, SYN | ACK);
    flow.observe(synack);
    flow.observe(synack);
    assert_verdict(flow.verdict(), "no-final-ack", "none");
}

static void test_syn_sent_simultaneous_open(void **)
{
    Flow flow;
    const Segment client_syn = flow.send(Side::Client, SYN);
    const Segment server_syn = flow.send(Side::Server, SYN);
    flow.observe(client_syn);
    flow.observe(server_syn);
    flow.deliver(client_syn);
    flow.deliver(server_syn);
    flow.step(Side::Client, SYN | ACK);
    flow.step(Side::Server, SYN | ACK);
    assert_verdict(flow.verdict(), "simultaneous-open", "open");
}

static void test_listen_unsolicited_synack_verdict(void **)
{
    Flow flow;
    flow.exchange(Side::Client, SYN); // not captured
    flow.step(Side::Server, SYN | ACK);
    assert_verdict(flow.verdict(), "unsolicited", "none");
    flow.step(Side::Client, RST);
    const Verdict v = flow.verdict();
    assert_verdict(v, "unsolicited", "none");
    assert_party(v.reset_by, "client");
}

static void test_listen_synack_then_ack_is_complete(void **) // the SYN was only missed by the capture
{
    Flow flow;
    flow.exchange(Side::Client, SYN); // not captured
    flow.step(Side::Server, SYN | ACK);
    flow.step(Side::Client, ACK);
    assert_verdict(flow.verdict(), "complete", "open");
}

static void test_unknown_midstream_not_seen(void **)
{
    Flow flow;
    flow.exchange(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK);
    flow.exchange(Side::Client, ACK);
    flow.step(Side::Client, ACK | PSH, 100);
    const Verdict v = flow.verdict();
    assert_verdict(v, "not-seen", "open");
    assert_true(flow.facts().roles_guessed);
}

// ---- Close ----------------------------------------------------------------------

static void test_last_ack_four_way_by_client(void **)
{
    Flow flow;
    server_last_ack(flow);
    flow.step(Side::Client, ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "four-way");
    assert_party(v.initiator, "client");
    assert_party(v.time_wait, "client");
    assert_party(v.reset_by, "none");
    assert_true(flow.facts().has_close_done);
}

static void test_fin_wait_1_merged_three_way(void **)
{
    Flow flow;
    client_fin_wait_1(flow);
    flow.step(Side::Server, FIN | ACK);
    flow.step(Side::Client, ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "three-way");
    assert_party(v.time_wait, "client");
}

static void test_fin_wait_1_crossed_fins_simultaneous(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment client_fin = flow.send(Side::Client, FIN | ACK);
    const Segment server_fin = flow.send(Side::Server, FIN | ACK);
    flow.observe(client_fin);
    flow.observe(server_fin);
    flow.deliver(client_fin);
    flow.deliver(server_fin);
    flow.step(Side::Client, ACK);
    flow.step(Side::Server, ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "simultaneous");
    assert_party(v.initiator, "both");
    assert_party(v.time_wait, "both");
}

static void test_established_reset_by_server(void **)
{
    Flow flow;
    established_with_data(flow);
    flow.step(Side::Server, RST | ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "reset");
    assert_party(v.reset_by, "server");
    assert_party(v.initiator, "server");
    assert_party(v.time_wait, "none");
}

static void test_fin_wait_2_reset_after_one_fin(void **) // the FIN started it, the RST ended it
{
    Flow flow;
    client_fin_wait_2(flow);
    flow.step(Side::Server, RST | ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "reset");
    assert_party(v.initiator, "client");
    assert_party(v.reset_by, "server");
}

static void test_time_wait_rst_keeps_four_way(void **) // as Zeek's SF: a RST after both FINs closes nothing
{
    Flow flow;
    server_last_ack(flow);
    flow.step(Side::Client, ACK);
    flow.step(Side::Server, RST);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "four-way");
    assert_party(v.time_wait, "none"); // cut short
    assert_party(v.reset_by, "server");
}

static void test_close_wait_at_end_half_closed(void **)
{
    Flow flow;
    client_fin_wait_2(flow);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "half-closed");
    assert_party(v.initiator, "client");
    assert_party(v.close_wait, "server");
    assert_true(v.end_of_capture.has(Anomaly::CloseWaitAtEnd));
}

static void test_established_half_open_after_unanswered_retransmissions(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment push = flow.send(Side::Server, ACK | PSH, 62);
    flow.observe(push);
    flow.observe(push);
    assert_false(flow.verdict().end_of_capture.has(Anomaly::HalfOpen)); // one repeat: maybe a lost ACK
    flow.observe(push);
    const Verdict v = flow.verdict();
    assert_true(v.end_of_capture.has(Anomaly::HalfOpen));
    assert_party(v.vanished, "client");
    flow.deliver(push);
    flow.step(Side::Client, ACK); // the client answers after all
    assert_false(flow.verdict().end_of_capture.has(Anomaly::HalfOpen));
}

static void test_unknown_rst_mid_stream_is_a_reset(void **) // the receiver's state was never shown
{
    Flow flow;
    flow.exchange(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK);
    flow.exchange(Side::Client, ACK);
    flow.step(Side::Server, ACK | PSH, 10);
    flow.step(Side::Client, RST | ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "not-seen", "reset");
    assert_party(v.reset_by, "client");
    assert_party(v.initiator, "client");
}

static void test_established_abort_after_refused_attempt(void **) // the abort, not the old refusal, decides
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    flow.observe(syn);
    flow.step(Side::Server, RST | ACK);
    flow.observe(syn);
    flow.step(Side::Server, SYN | ACK);
    flow.step(Side::Client, ACK);
    flow.step(Side::Client, ACK | PSH, 10);
    flow.step(Side::Client, RST | ACK);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "reset");
    assert_party(v.reset_by, "client");
    assert_party(v.initiator, "client");
}

static void test_established_keep_alives_unanswered_are_half_open(void **)
{
    Flow flow;
    established_with_data(flow);
    Segment probe = flow.send(Side::Server, ACK);
    probe.seq = probe.seq + static_cast<std::uint32_t>(-1); // SND.NXT - 1, no data: Linux's probe
    flow.observe(probe);
    assert_false(flow.verdict().end_of_capture.has(Anomaly::HalfOpen));
    flow.observe(probe);
    assert_true(flow.verdict().end_of_capture.has(Anomaly::HalfOpen));
    assert_int_equal(flow.facts().server().bytes, 300); // a probe adds no byte
}

static void test_established_timeline_keeps_the_first_changes(void **)
{
    Flow flow;
    handshake(flow);
    for (int i = 0; i < 40; ++i) { // each RST and new SYN changes a state
        flow.step(Side::Client, RST | ACK);
        flow.step(Side::Client, SYN);
    }
    const LedgerFacts &f = flow.facts();
    assert_int_equal(f.timeline.size(), LedgerFacts::timeline_capacity);
    assert_true(f.timeline_overflow > 0);
    assert_int_equal(f.timeline.read(f.first).front().frame, 1);
}

static void test_established_duration_with_time_going_backwards(void **)
{
    Flow flow;
    handshake(flow);         // frames at 1, 2, 3 ms
    flow.wait(-10'000'000);  // the next one is stamped 6 ms before the first
    flow.step(Side::Client, ACK | PSH, 10);
    const LedgerFacts &f = flow.facts();
    assert_int_equal(saturating_difference(f.latest_ns, f.earliest_ns), 9'000'000);
}

// ---- Timings, counters and options ----------------------------------------------

static void test_syn_sent_rtt_from_the_answered_syn(void **)
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    flow.observe(syn);                // frame 1, 1 ms
    flow.wait(999'000'000);
    flow.observe(syn);                // frame 2, 1001 ms: the SYN the SYN-ACK answers
    flow.wait(4'000'000);
    flow.step(Side::Server, SYN | ACK); // frame 3, 1006 ms
    flow.step(Side::Client, ACK);       // frame 4, 1007 ms
    const LedgerFacts &f = flow.facts();
    assert_int_equal(f.synack.time_ns - f.syn_answered_ns, 5'000'000);
    assert_int_equal(f.handshake_ack.time_ns - f.synack_answered_ns, 1'000'000);
    assert_int_equal(f.syn.frame, 1);
}

static void test_established_bytes_from_sequence_space(void **) // across the 2^32 wrap
{
    Flow flow;
    handshake(flow);
    flow.step(Side::Client, ACK | PSH, 100);
    const Segment lost = flow.exchange(Side::Server, ACK | PSH, 1000); // never captured
    (void)lost;
    const Segment second = flow.exchange(Side::Server, ACK | PSH, 500);
    flow.observe(second);
    flow.observe(second); // a retransmission counts once
    flow.step(Side::Client, FIN | ACK);
    const LedgerFacts &f = flow.facts();
    assert_int_equal(f.client().bytes, 100);
    assert_int_equal(f.server().bytes, 1500);
    assert_int_equal(flow.record().observer.server_segments(), 3); // SYN-ACK and the second segment twice
}

static void test_listen_options_negotiation(void **)
{
    Flow flow;
    Segment syn = flow.exchange(Side::Client, SYN);
    syn.flags |= tcp_flag::ece | tcp_flag::cwr;
    syn.options.has_window_scale = true;
    syn.options.window_scale = 7;
    syn.options.sack_permitted = true;
    syn.options.fast_open = true;
    flow.observe(syn);
    Segment synack = flow.exchange(Side::Server, SYN | ACK);
    synack.flags |= tcp_flag::ece;
    synack.options.sack_permitted = true;
    synack.options.timestamps = true;
    flow.observe(synack);
    const Negotiation n = negotiate(flow.facts());
    assert_true(n.known);
    assert_false(n.window_scaling.in_effect);
    assert_true(n.window_scaling.client);
    assert_true(n.sack.in_effect);
    assert_false(n.timestamps.in_effect);
    assert_true(n.ecn.in_effect);
    assert_false(n.fast_open.in_effect); // no cookie back, no SYN data acknowledged
}

static void test_listen_fast_open_accepted(void **)
{
    Flow flow;
    Segment syn = flow.exchange(Side::Client, SYN, 32);
    syn.options.fast_open = true;
    flow.observe(syn);
    flow.step(Side::Server, SYN | ACK); // acknowledges ISN + 1 + 32
    assert_true(negotiate(flow.facts()).fast_open.in_effect);
    assert_int_equal(flow.facts().client().bytes, 32);
}

static void test_unknown_no_options_mid_stream(void **)
{
    Flow flow;
    flow.exchange(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK);
    flow.exchange(Side::Client, ACK);
    flow.step(Side::Server, ACK | PSH, 10);
    assert_false(negotiate(flow.facts()).known);
}

static void test_listen_options_cut_unknown(void **)
{
    Flow flow;
    Segment syn = flow.exchange(Side::Client, SYN);
    syn.options.cut = true; // a snaplen kept the fixed header only
    flow.observe(syn);
    flow.step(Side::Server, SYN | ACK);
    flow.step(Side::Client, ACK);
    assert_false(negotiate(flow.facts()).known);
    assert_false(flow.facts().client().offered.has_mss);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_complete),
        cmocka_unit_test(test_syn_sent_unanswered),
        cmocka_unit_test(test_syn_sent_rejected_verdict),
        cmocka_unit_test(test_syn_sent_rejected_then_retried),
        cmocka_unit_test(test_syn_received_no_final_ack),
        cmocka_unit_test(test_syn_sent_simultaneous_open),
        cmocka_unit_test(test_listen_unsolicited_synack_verdict),
        cmocka_unit_test(test_listen_synack_then_ack_is_complete),
        cmocka_unit_test(test_unknown_midstream_not_seen),
        cmocka_unit_test(test_last_ack_four_way_by_client),
        cmocka_unit_test(test_fin_wait_1_merged_three_way),
        cmocka_unit_test(test_fin_wait_1_crossed_fins_simultaneous),
        cmocka_unit_test(test_established_reset_by_server),
        cmocka_unit_test(test_fin_wait_2_reset_after_one_fin),
        cmocka_unit_test(test_time_wait_rst_keeps_four_way),
        cmocka_unit_test(test_close_wait_at_end_half_closed),
        cmocka_unit_test(test_established_half_open_after_unanswered_retransmissions),
        cmocka_unit_test(test_unknown_rst_mid_stream_is_a_reset),
        cmocka_unit_test(test_established_abort_after_refused_attempt),
        cmocka_unit_test(test_established_keep_alives_unanswered_are_half_open),
        cmocka_unit_test(test_established_timeline_keeps_the_first_changes),
        cmocka_unit_test(test_established_duration_with_time_going_backwards),
        cmocka_unit_test(test_syn_sent_rtt_from_the_answered_syn),
        cmocka_unit_test(test_established_bytes_from_sequence_space),
        cmocka_unit_test(test_listen_options_negotiation),
        cmocka_unit_test(test_listen_fast_open_accepted),
        cmocka_unit_test(test_unknown_no_options_mid_stream),
        cmocka_unit_test(test_listen_options_cut_unknown),
    };
    return cmocka_run_group_tests_name("verdicts", tests, nullptr, nullptr);
}
