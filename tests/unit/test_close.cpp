// Closing a connection: RFC 9293 section 3.6, figures 12 and 13, and aborts.
#include "flow.hpp"

using namespace tcplife;
using namespace tcplife::test;
using S = TcpState;

// ---- ESTABLISHED ----------------------------------------------------------------

static void test_established_client_fin(void **)
{
    Flow flow;
    established_with_data(flow);
    const Annotation a = flow.step(Side::Client, FIN | ACK);
    assert_true(a.has_close_step(1));
    assert_int_equal(a.close_steps, 0x1);
    assert_states_before(a, S::Established, S::Established);
    assert_sender(a, "client");
    assert_states(a, S::FinWait1, S::CloseWait);
}

static void test_established_server_fin(void **) // the mirror: the server closes first
{
    Flow flow;
    established_with_data(flow);
    Annotation a = flow.step(Side::Server, FIN | ACK);
    assert_true(a.has_close_step(1));
    assert_states(a, S::CloseWait, S::FinWait1);
    a = flow.step(Side::Client, ACK);
    assert_true(a.has_close_step(2));
    assert_states(a, S::CloseWait, S::FinWait2);
    a = flow.step(Side::Client, FIN | ACK);
    assert_true(a.has_close_step(3));
    assert_states(a, S::LastAck, S::TimeWait);
    a = flow.step(Side::Server, ACK);
    assert_true(a.has_close_step(4));
    assert_sender(a, "server");
    assert_true(a.has(note::time_wait));
    assert_states(a, S::Closed, S::TimeWait);
}

static void test_established_rst_by_server(void **)
{
    Flow flow;
    established_with_data(flow);
    const Annotation a = flow.step(Side::Server, RST | ACK);
    assert_int_equal(static_cast<int>(a.reset), static_cast<int>(ResetKind::Abort));
    assert_string_equal(state_name(a.reset_in), "ESTABLISHED");
    assert_states(a, S::Closed, S::Closed);
}

static void test_established_rst_by_client(void **)
{
    Flow flow;
    established_with_data(flow);
    const Annotation a = flow.step(Side::Client, RST | ACK);
    assert_sender(a, "client");
    assert_int_equal(static_cast<int>(a.reset), static_cast<int>(ResetKind::Abort));
    assert_string_equal(state_name(a.reset_in), "ESTABLISHED");
    assert_states(a, S::Closed, S::Closed);
}

static void test_established_blind_rst_from_client(void **) // RFC 5961: a blind reset is ignored
{
    Flow flow;
    established_with_data(flow);
    Segment rst = flow.send(Side::Client, RST);
    rst.seq = SeqNumber(rst.seq.raw() + 100000);
    const Annotation a = flow.observe(rst);
    assert_int_equal(static_cast<int>(a.reset), static_cast<int>(ResetKind::OutOfWindow));
    assert_states(a, S::Established, S::Established);
    assert_int_equal(a.client_path.length + a.server_path.length, 0);
    assert_int_equal(a.number, 100085); // client_isn + 1 + 100 + 100000, wrapped past zero
    assert_int_equal(a.expected_number, 85);
}

// ---- FIN_WAIT_1 -----------------------------------------------------------------

// A RST before the second FIN ends the conversation as a reset; what the peer sends after it
// is a segment after close, never a close step (3.10.7.1).
static void test_fin_wait_1_rst_then_peer_fin(void **)
{
    Flow flow;
    client_fin_wait_1(flow);
    const Annotation rst = flow.step(Side::Client, RST | ACK);
    assert_int_equal(static_cast<int>(rst.reset), static_cast<int>(ResetKind::Abort));
    assert_states(rst, S::Closed, S::Closed);
    const Annotation late = flow.step(Side::Server, FIN | ACK);
    assert_int_equal(late.close_steps, 0);
    assert_false(late.merged_close);
    assert_true(late.has(note::segment_after_close));
    assert_int_equal(late.unexpected_events, 0);
    assert_states(late, S::Closed, S::Closed);
    const Annotation answer = flow.step(Side::Client, RST);
    assert_int_equal(static_cast<int>(answer.reset), static_cast<int>(ResetKind::FromClosed));
    assert_states(answer, S::Closed, S::Closed);
    const Verdict v = flow.verdict();
    assert_verdict(v, "complete", "reset");
    assert_party(v.reset_by, "client");
    assert_party(v.initiator, "client");
}

// A client that gives up on its own SYN resets the conversation: it was not left unanswered.
static void test_syn_sent_rst_by_client(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation rst = flow.step(Side::Client, RST);
    assert_states(rst, S::Closed, S::Listen);
    const Verdict v = flow.verdict();
    assert_party(v.reset_by, "client");
    assert_false(v.end_of_capture.has(Anomaly::SynUnanswered));
}

static void test_fin_wait_1_ack(void **)
{
    Flow flow;
    client_fin_wait_1(flow);
    const Annotation a = flow.step(Side::Server, ACK);
    assert_int_equal(a.close_steps, 0x2);
    assert_states(a, S::FinWait2, S::CloseWait);
    // client FIN at 0xFFFFFFF0 + 1 + 100, so the ACK wraps past zero
    assert_int_equal(a.number, 86);
    assert_int_equal(a.expected_number, 86);
}

static void test_fin_wait_1_finack_merged(void **)
{
    Flow flow;
    client_fin_wait_1(flow);
    const Annotation a = flow.step(Side::Server, FIN | ACK);
    assert_int_equal(a.close_steps, 0x6);
    assert_true(a.merged_close);
    assert_states(a, S::TimeWait, S::LastAck);
    assert_int_equal(a.client_path.length, 2);
    assert_string_equal(state_name(a.client_path.states[0]), "FIN_WAIT_2");
    assert_string_equal(state_name(a.client_path.states[1]), "TIME_WAIT");
    assert_int_equal(a.number, 86);
    const Annotation last = flow.step(Side::Client, ACK);
    assert_int_equal(last.close_steps, 0x8);
    assert_states(last, S::TimeWait, S::Closed);
}

static void test_fin_wait_1_crossed_fin(void **) // simultaneous close, RFC 9293 figure 13
{
    Flow flow;
    established_with_data(flow);
    const Segment client_fin = flow.send(Side::Client, FIN | ACK);
    const Segment server_fin = flow.send(Side::Server, FIN | ACK);
    flow.deliver(client_fin);
    flow.deliver(server_fin);

    const Annotation first = flow.observe(client_fin);
    assert_states(first, S::FinWait1, S::CloseWait);
    const Annotation crossed = flow.observe(server_fin);
    assert_int_equal(crossed.close_steps, 0x4);
    assert_true(crossed.has(note::simultaneous_close));
    assert_states(crossed, S::Closing, S::Closing);
    assert_int_equal(crossed.server_path.length, 3); // ESTABLISHED (revised), FIN_WAIT_1, CLOSING
    assert_string_equal(state_name(crossed.server_path.states[0]), "ESTABLISHED");
    assert_string_equal(state_name(crossed.server_path.states[1]), "FIN_WAIT_1");
    assert_string_equal(state_name(crossed.server_path.states[2]), "CLOSING");
    assert_int_equal(crossed.client_path.length, 1);
    assert_int_equal(crossed.unexpected_events, 0);

    const Annotation client_ack = flow.step(Side::Client, ACK);
    assert_int_equal(client_ack.close_steps, 0x8);
    assert_states(client_ack, S::Closing, S::TimeWait);
    const Annotation server_ack = flow.step(Side::Server, ACK);
    assert_int_equal(server_ack.close_steps, 0x2);
    assert_states(server_ack, S::TimeWait, S::TimeWait);
    assert_true(server_ack.has(note::time_wait));
}

static void test_fin_wait_1_same_fin_again(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    flow.observe(fin);
    const Annotation again = flow.observe(fin);
    assert_int_equal(again.close_steps, 0x1);
    assert_int_equal(again.attempt, 2);
    assert_states(again, S::FinWait1, S::CloseWait);
    assert_int_equal(again.client_path.length, 0);
    assert_true(again.is_retransmission());
}

static void test_fin_wait_1_ack_seen_before_fin(void **) // a reordered capture
{
    Flow flow;
    established_with_data(flow);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    const Segment ack = flow.exchange(Side::Server, ACK);
    flow.observe(ack);
    const Annotation a = flow.observe(fin);
    assert_states(a, S::FinWait2, S::CloseWait);
    assert_int_equal(a.client_path.length, 2); // FIN_WAIT_1 on the way: the ACK counts at once
    assert_string_equal(state_name(a.client_path.states[0]), "FIN_WAIT_1");
    assert_int_equal(a.unexpected_events, 0);
}

static void test_fin_wait_1_fin_retransmitted_with_new_ack(void **) // the ACK it now carries is new
{
    Flow flow;
    established_with_data(flow);
    const Segment client_fin = flow.send(Side::Client, FIN | ACK);
    flow.observe(client_fin); // lost on the way to the server
    const Annotation crossed = flow.step(Side::Server, FIN | ACK);
    assert_true(crossed.has(note::simultaneous_close));
    Segment again = client_fin;
    again.ack = SeqNumber(flow.send(Side::Client, ACK).ack);
    const Annotation a = flow.observe(again);
    assert_int_equal(a.close_steps, 0x9);
    assert_int_equal(a.attempt, 2);
    assert_true(a.has(note::time_wait));
    assert_states(a, S::Closing, S::TimeWait); // the client still waits for the ACK of its own FIN
}

static void test_close_wait_keepalive_reply_is_no_step(void **)
{
    Flow flow;
    client_fin_wait_1(flow);
    const Segment step2 = flow.exchange(Side::Server, ACK);
    flow.observe(step2);
    Segment probe = flow.send(Side::Client, ACK); // a keep-alive: one below the next sequence number
    probe.seq = SeqNumber(probe.seq.raw() - 1);
    flow.observe(probe);
    const Annotation reply = flow.observe(step2);
    assert_int_equal(reply.close_steps, 0);
    assert_int_equal(reply.attempt, 0);
}

static void test_close_wait_ack_repeated_for_retransmitted_fin(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    flow.observe(fin);
    const Segment step2 = flow.exchange(Side::Server, ACK);
    flow.observe(step2);
    flow.observe(fin); // the ACK was lost: the FIN comes again, and so does the ACK
    const Annotation again = flow.observe(step2);
    assert_int_equal(again.close_steps, 0x2);
    assert_int_equal(again.attempt, 2);
    assert_true(again.has(note::repeated_step_ack));
}

// ---- FIN_WAIT_2 / CLOSE_WAIT ------------------------------------------------------

static void test_close_wait_data(void **) // half-close: the side in CLOSE_WAIT may still send
{
    Flow flow;
    client_fin_wait_2(flow);
    Annotation a = flow.step(Side::Server, ACK | PSH, 500);
    assert_int_equal(a.close_steps, 0);
    assert_states(a, S::FinWait2, S::CloseWait);
    a = flow.step(Side::Client, ACK);
    assert_states(a, S::FinWait2, S::CloseWait);
    a = flow.step(Side::Server, FIN | ACK);
    assert_int_equal(a.close_steps, 0x4);
    assert_false(a.merged_close);
    assert_states(a, S::TimeWait, S::LastAck);
}

static void test_fin_wait_2_fin(void **)
{
    Flow flow;
    client_fin_wait_2(flow);
    const Annotation a = flow.step(Side::Server, FIN | ACK);
    assert_int_equal(a.close_steps, 0x4);
    assert_sender(a, "server");
    assert_states(a, S::TimeWait, S::LastAck);
}

// ---- LAST_ACK / TIME_WAIT ---------------------------------------------------------

static void test_last_ack_ack(void **)
{
    Flow flow;
    server_last_ack(flow);
    const Annotation a = flow.step(Side::Client, ACK);
    assert_int_equal(a.close_steps, 0x8);
    assert_true(a.has(note::time_wait));
    assert_states(a, S::TimeWait, S::Closed);
}

static void test_time_wait_ack_repeated(void **)
{
    Flow flow;
    server_last_ack(flow);
    const Segment ack = flow.exchange(Side::Client, ACK);
    flow.observe(ack);
    const Annotation again = flow.observe(ack);
    assert_int_equal(again.close_steps, 0x8);
    assert_int_equal(again.attempt, 2);
    assert_states(again, S::TimeWait, S::Closed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_established_client_fin),
        cmocka_unit_test(test_established_server_fin),
        cmocka_unit_test(test_established_rst_by_server),
        cmocka_unit_test(test_established_rst_by_client),
        cmocka_unit_test(test_established_blind_rst_from_client),
        cmocka_unit_test(test_fin_wait_1_ack),
        cmocka_unit_test(test_fin_wait_1_finack_merged),
        cmocka_unit_test(test_fin_wait_1_crossed_fin),
        cmocka_unit_test(test_fin_wait_1_same_fin_again),
        cmocka_unit_test(test_fin_wait_1_ack_seen_before_fin),
        cmocka_unit_test(test_fin_wait_1_rst_then_peer_fin),
        cmocka_unit_test(test_syn_sent_rst_by_client),
        cmocka_unit_test(test_fin_wait_1_fin_retransmitted_with_new_ack),
        cmocka_unit_test(test_close_wait_keepalive_reply_is_no_step),
        cmocka_unit_test(test_close_wait_ack_repeated_for_retransmitted_fin),
        cmocka_unit_test(test_close_wait_data),
        cmocka_unit_test(test_fin_wait_2_fin),
        cmocka_unit_test(test_last_ack_ack),
        cmocka_unit_test(test_time_wait_ack_repeated),
    };
    return cmocka_run_group_tests_name("close", tests, nullptr, nullptr);
}
