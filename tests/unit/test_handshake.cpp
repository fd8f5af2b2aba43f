// Opening a connection: RFC 9293 section 3.5 as a passive observer sees it.
#include "flow.hpp"

using namespace tcplife;
using namespace tcplife::test;
using S = TcpState;

// ---- CLOSED / LISTEN ------------------------------------------------------------

static void test_closed_syn(void **)
{
    Flow flow;
    const Annotation a = flow.step(Side::Client, SYN);
    assert_sender(a, "client");
    assert_int_equal(a.handshake_step, 1);
    assert_int_equal(a.attempt, 1);
    assert_states_before(a, S::Closed, S::Listen);
    assert_states(a, S::SynSent, S::Listen); // the server counts as LISTEN until it answers
    assert_int_equal(a.client_path.length, 1);
    assert_int_equal(a.server_path.length, 0);
    assert_int_equal(a.expected_number, client_isn + 1);
}

static void test_listen_rst_refuses_syn(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation a = flow.step(Side::Server, RST | ACK);
    assert_sender(a, "server");
    assert_int_equal(static_cast<int>(a.reset), static_cast<int>(ResetKind::RefusesSyn));
    assert_string_equal(state_name(a.reset_in), "LISTEN");
    assert_states(a, S::Closed, S::Closed);
    assert_int_equal(a.server_port, 80);
}

static void test_closed_syn_retried_after_refusal(void **) // Windows tries a refused SYN again
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    flow.observe(syn);
    flow.step(Side::Server, RST | ACK);
    const Annotation again = flow.observe(syn);
    assert_int_equal(again.handshake_step, 1);
    assert_int_equal(again.attempt, 2);
    assert_states_before(again, S::Closed, S::Closed);
    assert_states(again, S::SynSent, S::Listen);
    const Annotation synack = flow.step(Side::Server, SYN | ACK);
    assert_states(synack, S::Established, S::SynReceived);
}

// ---- SYN_SENT -------------------------------------------------------------------

static void test_syn_sent_synack(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation a = flow.step(Side::Server, SYN | ACK);
    assert_sender(a, "server");
    assert_int_equal(a.handshake_step, 2);
    assert_states_before(a, S::SynSent, S::Listen);
    assert_states(a, S::Established, S::SynReceived);
    assert_int_equal(a.number, client_isn + 1);
    assert_int_equal(a.expected_number, client_isn + 1);
}

static void test_syn_sent_syn_retransmitted(void **)
{
    Flow flow;
    const Segment syn = flow.send(Side::Client, SYN);
    flow.observe(syn);
    const Annotation second = flow.observe(syn);
    const Annotation third = flow.observe(syn);
    assert_int_equal(second.handshake_step, 1);
    assert_int_equal(second.attempt, 2);
    assert_int_equal(third.attempt, 3);
    assert_true(third.is_retransmission());
    assert_states(third, S::SynSent, S::Listen);
    assert_int_equal(third.client_path.length, 0);
}

static void test_syn_sent_synack_wrong_ack(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    Segment synack = flow.exchange(Side::Server, SYN | ACK);
    synack.ack = SeqNumber(client_isn + 7);
    const Annotation a = flow.observe(synack);
    assert_true(a.has(note::handshake_ack_mismatch));
    assert_states(a, S::SynSent, S::SynReceived); // 3.10.7.3: the client does not accept it
    assert_int_equal(a.number, client_isn + 7);
    assert_int_equal(a.expected_number, client_isn + 1);
}

static void test_syn_sent_synack_acks_syn_data(void **) // TCP Fast Open: the SYN carries data
{
    Flow flow;
    flow.step(Side::Client, SYN, 20);
    const Annotation a = flow.step(Side::Server, SYN | ACK);
    assert_false(a.has(note::handshake_ack_mismatch));
    assert_states(a, S::Established, S::SynReceived);
    assert_int_equal(a.number, client_isn + 1 + 20); // past the SYN, wrapped past zero
    assert_int_equal(a.expected_number, client_isn + 1);
}

// Simultaneous open, RFC 9293 figure 7: both SYNs cross, then both SYN-ACKs.
static void test_syn_sent_crossed_syn(void **)
{
    Flow flow(5000, 5001);
    const Segment client_syn = flow.send(Side::Client, SYN);
    const Segment server_syn = flow.send(Side::Server, SYN);
    flow.deliver(client_syn);
    flow.deliver(server_syn);
    flow.observe(client_syn);
    const Annotation crossed = flow.observe(server_syn);
    assert_int_equal(crossed.handshake_step, 1);
    assert_true(crossed.has(note::simultaneous_open));
    assert_states(crossed, S::SynSent, S::SynSent);
    assert_int_equal(crossed.unexpected_events, 0); // 3.10.7.3: a crossed SYN counts once answered

    Segment client_synack = client_syn;
    client_synack.flags = SYN | ACK;
    client_synack.ack = SeqNumber(server_isn + 1);
    const Annotation first_synack = flow.observe(client_synack);
    assert_int_equal(first_synack.handshake_step, 2);
    assert_states(first_synack, S::SynReceived, S::Established);

    Segment server_synack = server_syn;
    server_synack.flags = SYN | ACK;
    server_synack.ack = SeqNumber(client_isn + 1);
    const Annotation second_synack = flow.observe(server_synack);
    assert_int_equal(second_synack.handshake_step, 2);
    assert_int_equal(second_synack.attempt, 1);
    assert_states(second_synack, S::Established, S::Established);
}

// ---- SYN_RECEIVED ---------------------------------------------------------------

static void test_syn_received_ack(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    const Annotation a = flow.step(Side::Client, ACK);
    assert_int_equal(a.handshake_step, 3);
    assert_states_before(a, S::Established, S::SynReceived);
    assert_states(a, S::Established, S::Established);
    assert_int_equal(a.number, server_isn + 1);
    assert_int_equal(a.expected_number, server_isn + 1);
}

static void test_syn_received_ack_wrong_number(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    Segment ack = flow.exchange(Side::Client, ACK);
    ack.ack = SeqNumber(server_isn + 5);
    const Annotation a = flow.observe(ack);
    assert_int_equal(a.handshake_step, 3);
    assert_true(a.has(note::handshake_ack_mismatch));
    assert_states(a, S::Established, S::SynReceived);
    assert_int_equal(a.number, server_isn + 5);
    assert_int_equal(a.expected_number, server_isn + 1);

    // 3.10.7.4: the server answers <SEQ=SEG.ACK><CTL=RST> and stays where it is; the
    // RST sits exactly at what the client acknowledged, so the client accepts it.
    Segment rst = flow.send(Side::Server, RST);
    rst.seq = ack.ack;
    const Annotation reset = flow.observe(rst);
    assert_int_equal(static_cast<int>(reset.reset), static_cast<int>(ResetKind::AnswersUnacceptable));
    assert_string_equal(state_name(reset.reset_in), "SYN_RECEIVED");
    assert_int_equal(reset.number, server_isn + 5);
    assert_states(reset, S::Closed, S::SynReceived);
}

static void test_syn_received_synack_retransmitted(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Segment synack = flow.exchange(Side::Server, SYN | ACK);
    flow.observe(synack);
    const Annotation again = flow.observe(synack);
    assert_int_equal(again.handshake_step, 2);
    assert_int_equal(again.attempt, 2);
    assert_states(again, S::Established, S::SynReceived);
    assert_int_equal(flow.step(Side::Client, ACK).handshake_step, 3);
}

static void test_syn_received_data_completes_handshake(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    const Annotation a = flow.step(Side::Client, ACK | PSH, 50); // step 3 may carry data
    assert_int_equal(a.handshake_step, 3);
    assert_states(a, S::Established, S::Established);
}

// ---- ESTABLISHED ----------------------------------------------------------------

static void test_established_handshake_ack_repeated(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    const Segment ack = flow.exchange(Side::Client, ACK);
    flow.observe(ack);
    const Annotation again = flow.observe(ack);
    assert_int_equal(again.handshake_step, 3);
    assert_int_equal(again.attempt, 2);
    assert_true(again.has(note::repeated_step_ack));
    assert_states(again, S::Established, S::Established);
}

static void test_established_window_update_is_no_step(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    Segment ack = flow.exchange(Side::Client, ACK);
    flow.observe(ack);
    ack.window = 1024;
    const Annotation update = flow.observe(ack);
    assert_int_equal(update.handshake_step, 0);
    assert_int_equal(update.attempt, 0);
}

// ---- UNKNOWN (no SYN seen) -------------------------------------------------------

static void test_unknown_synack_unsolicited(void **)
{
    Flow flow(5555, 80);
    const Segment synack = flow.exchange(Side::Server, SYN | ACK);
    const Annotation a = flow.observe(synack);
    assert_sender(a, "server");
    assert_true(a.has(note::synack_before_syn));
    assert_states(a, S::Unknown, S::SynReceived);

    Segment refusal = flow.send(Side::Client, RST);
    refusal.seq = synack.ack;
    const Annotation reset = flow.observe(refusal);
    assert_int_equal(static_cast<int>(reset.reset), static_cast<int>(ResetKind::RefusesSynAck));
    assert_string_equal(state_name(reset.reset_in), "UNKNOWN");
    assert_states(reset, S::Closed, S::Listen); // 3.10.7.4: a passive open goes back to LISTEN
}

// 3.10.7.3: the client's SYN captured after the SYN-ACK that answers it.
static void test_unknown_syn_reordered_after_its_synack(void **)
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    const Annotation synack = flow.step(Side::Server, SYN | ACK);
    assert_true(synack.has(note::synack_before_syn));
    const Annotation late = flow.observe(syn);
    assert_int_equal(late.handshake_step, 1);
    assert_true(late.has(note::syn_reordered));
    assert_int_equal(late.unexpected_events, 0);
    assert_states(late, S::Established, S::SynReceived);
    assert_int_equal(late.client_path.length, 2); // SYN_SENT, then ESTABLISHED by the SYN-ACK
    const Annotation ack = flow.step(Side::Client, ACK);
    assert_int_equal(ack.handshake_step, 3);
    assert_states(ack, S::Established, S::Established);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "open");
    assert_false(v.end_of_capture.has(Anomaly::UnsolicitedSynAck));
}

// A SYN whose ISN the SYN-ACK captured before it does not acknowledge is no reordering.
static void test_synack_received_later_syn_with_other_isn(void **)
{
    Flow flow;
    Segment syn = flow.exchange(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    syn.seq = syn.seq + 1000;
    assert_false(flow.observe(syn).has(note::syn_reordered));
    assert_true(flow.verdict().end_of_capture.has(Anomaly::UnsolicitedSynAck));
}

// 3.10.7.3: the client's ACK of a SYN-ACK proves its SYN, which the capture lacks.
static void test_unknown_ack_of_synack_proves_the_syn(void **)
{
    Flow flow;
    flow.exchange(Side::Client, SYN); // not captured
    flow.step(Side::Server, SYN | ACK);
    const Annotation ack = flow.step(Side::Client, ACK);
    assert_int_equal(ack.handshake_step, 3);
    assert_true(ack.has(note::syn_not_captured));
    assert_states(ack, S::Established, S::Established);
    assert_false(flow.verdict().end_of_capture.has(Anomaly::UnsolicitedSynAck));
}

// 3.10.7.3: in SYN-SENT the client acknowledges nothing until a SYN-ACK arrives.
static void test_syn_sent_ack_proves_the_synack(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK); // not captured
    const Annotation ack = flow.step(Side::Client, ACK);
    assert_true(ack.has(note::synack_not_captured));
    assert_int_equal(ack.handshake_step, 3);
    assert_int_equal(ack.unexpected_events, 0);
    assert_states(ack, S::Established, S::Established);
    assert_int_equal(ack.server_path.length, 2); // SYN_RECEIVED by the missed SYN-ACK, then ESTABLISHED
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "open");
    assert_false(v.end_of_capture.has(Anomaly::SynUnanswered));
}

// 3.10.4 and 3.10.7.3: a CLOSE in SYN-SENT sends no FIN, so a FIN,ACK there proves the SYN-ACK.
static void test_syn_sent_fin_proves_the_synack(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK); // not captured
    flow.exchange(Side::Client, ACK);       // not captured
    const Annotation fin = flow.step(Side::Client, FIN | ACK);
    assert_true(fin.has(note::synack_not_captured));
    assert_true(fin.has_close_step(1));
    assert_int_equal(fin.unexpected_events, 0);
    assert_states(fin, S::FinWait1, S::CloseWait);
    flow.step(Side::Server, ACK);
    flow.step(Side::Server, FIN | ACK);
    const Annotation last = flow.step(Side::Client, ACK);
    assert_states(last, S::TimeWait, S::Closed);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "four-way");
    assert_false(v.end_of_capture.has(Anomaly::SynUnanswered));
}

// 3.10.7.2 and 3.10.7.4: a listener acknowledges a SYN only in its SYN-ACK, and sends data
// only once ESTABLISHED: a server's banner proves the SYN-ACK and the ACK the capture lacks.
static void test_listen_data_proves_synack_and_handshake_ack(void **)
{
    Flow flow(50000, 25);
    flow.step(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK); // not captured
    flow.exchange(Side::Client, ACK);       // not captured
    const Annotation banner = flow.step(Side::Server, ACK | PSH, 20);
    assert_true(banner.has(note::synack_not_captured));
    assert_true(banner.has(note::handshake_ack_not_captured));
    assert_false(banner.has(note::data_before_established));
    assert_int_equal(banner.handshake_step, 0);
    assert_states(banner, S::Established, S::Established);
    const Annotation ack = flow.step(Side::Client, ACK);
    assert_int_equal(ack.handshake_step, 0);
    assert_verdict(flow.verdict(), "complete", "open");
}

// A capture of the SYNs and FINs alone: the server's FIN lies beyond data it sent, and a side
// sends data only once ESTABLISHED (3.10.7.4), so the handshake's ACK was not captured.
static void test_syn_received_fin_after_unseen_data_proves_handshake_ack(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    flow.exchange(Side::Client, ACK);             // not captured
    flow.exchange(Side::Client, ACK | PSH, 100);  // not captured
    flow.exchange(Side::Server, ACK | PSH, 1000); // not captured
    const Annotation fin = flow.step(Side::Server, FIN | ACK);
    assert_true(fin.has(note::handshake_ack_not_captured));
    assert_int_equal(fin.unexpected_events, 0);
    assert_states(fin, S::CloseWait, S::FinWait1);
    const Annotation last = flow.step(Side::Client, FIN | ACK);
    assert_int_equal(last.unexpected_events, 0);
    assert_int_equal(last.handshake_step, 0);
    assert_true(last.merged_close);
    assert_verdict(flow.verdict(), "complete", "three-way");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_syn),
        cmocka_unit_test(test_listen_rst_refuses_syn),
        cmocka_unit_test(test_closed_syn_retried_after_refusal),
        cmocka_unit_test(test_syn_sent_synack),
        cmocka_unit_test(test_syn_sent_syn_retransmitted),
        cmocka_unit_test(test_syn_sent_synack_wrong_ack),
        cmocka_unit_test(test_syn_sent_synack_acks_syn_data),
        cmocka_unit_test(test_syn_sent_crossed_syn),
        cmocka_unit_test(test_syn_received_ack),
        cmocka_unit_test(test_syn_received_ack_wrong_number),
        cmocka_unit_test(test_syn_received_synack_retransmitted),
        cmocka_unit_test(test_syn_received_data_completes_handshake),
        cmocka_unit_test(test_established_handshake_ack_repeated),
        cmocka_unit_test(test_established_window_update_is_no_step),
        cmocka_unit_test(test_unknown_synack_unsolicited),
        cmocka_unit_test(test_unknown_syn_reordered_after_its_synack),
        cmocka_unit_test(test_synack_received_later_syn_with_other_isn),
        cmocka_unit_test(test_unknown_ack_of_synack_proves_the_syn),
        cmocka_unit_test(test_syn_sent_ack_proves_the_synack),
        cmocka_unit_test(test_syn_sent_fin_proves_the_synack),
        cmocka_unit_test(test_listen_data_proves_synack_and_handshake_ack),
        cmocka_unit_test(test_syn_received_fin_after_unseen_data_proves_handshake_ack),
    };
    return cmocka_run_group_tests_name("handshake", tests, nullptr, nullptr);
}
