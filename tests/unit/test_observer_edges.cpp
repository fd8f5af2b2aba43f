// What a passive observer can and cannot know: captures that begin mid-stream, role
// guessing, reused 4-tuples, and sequence numbers. The table itself: test_transitions.cpp.
#include "flow.hpp"

#include "tcp/roles.hpp"
#include "capture/tracker.hpp"

using namespace tcplife;
using namespace tcplife::test;
using S = TcpState;

// ---- UNKNOWN: the capture began mid-stream ---------------------------------------

static void test_unknown_data_from_one_side(void **)
{
    Flow flow(51000, 80);
    const Annotation a = flow.step(Side::Client, ACK | PSH, 100);
    assert_true(a.has(note::midstream_start));
    assert_true(a.roles_guessed);
    assert_sender(a, "client"); // the guess: port 80 is a likely server port, and tcplife.sender says so
    assert_int_equal(a.server_port, 80);
    assert_states_before(a, S::Unknown, S::Unknown);
    assert_states(a, S::Unknown, S::Unknown);
}

static void test_unknown_data_from_both_sides(void **)
{
    Flow flow(51000, 80);
    flow.step(Side::Client, ACK | PSH, 100);
    const Annotation a = flow.step(Side::Server, ACK | PSH, 10);
    assert_false(a.has(note::midstream_start));
    assert_states(a, S::Established, S::Established);
    const Annotation more = flow.step(Side::Client, ACK | PSH, 100); // nothing new to learn from more data
    assert_int_equal(more.client_path.length + more.server_path.length, 0);
    assert_int_equal(flow.record().observer.unexpected_events(), 0);
}

static void test_unknown_fin(void **)
{
    Flow flow(51000, 80);
    flow.step(Side::Client, ACK);
    const Annotation a = flow.step(Side::Client, FIN | ACK);
    assert_int_equal(a.close_steps, 0x1);
    assert_states(a, S::FinWait1, S::CloseWait);
}

static void test_unknown_first_segment_from_server_port(void **)
{
    Flow flow(51000, 443);
    const Annotation a = flow.step(Side::Server, ACK | PSH, 1400);
    assert_sender(a, "server");
    assert_true(a.roles_guessed);
    assert_int_equal(a.server_port, 443);
}

static void test_roles_follow_zeek_likely_server_ports(void **)
{
    assert_true(is_likely_server_port(22));
    assert_true(is_likely_server_port(20000));
    assert_false(is_likely_server_port(40000));
    assert_true(first_sender_is_server(80, 51000));
    assert_false(first_sender_is_server(51000, 80));
    assert_false(first_sender_is_server(51000, 52000)); // neither: the first sender originates
    assert_true(first_sender_is_server(22, 80));        // both: the lower port is the server
    assert_false(first_sender_is_server(80, 22));
}

// ---- Reused 4-tuple: Wireshark gives it a new tcp.stream -------------------------

static void test_tracker_new_stream_starts_fresh(void **)
{
    Tracker tracker;
    Flow first(40000, 80, 0);
    handshake(first);
    const Segment fin = first.exchange(Side::Client, FIN | ACK);
    assert_states(tracker.observe(fin), S::FinWait1, S::CloseWait); // first segment of stream 0 here

    Flow second(40000, 80, 1);
    const Annotation a = tracker.observe(second.exchange(Side::Client, SYN));
    assert_int_equal(a.stream, 1);
    assert_states_before(a, S::Closed, S::Listen);
    assert_states(a, S::SynSent, S::Listen);
}

// A stream that has shown one segment is kept as that segment and rebuilt on demand;
// what the tracker answers must not tell the difference.
static void test_tracker_one_segment_streams_are_rebuilt_on_demand(void **)
{
    Tracker tracker;
    Flow first(40000, 80, 0), second(40001, 80, 1);
    Flow first_alone(40000, 80, 0), second_alone(40001, 80, 1); // each on its own, as the truth
    const Segment syn_0 = first.exchange(Side::Client, SYN);
    const Segment syn_1 = second.exchange(Side::Client, SYN);
    assert_states(tracker.observe(syn_0), S::SynSent, S::Listen);
    assert_states(tracker.observe(syn_1), S::SynSent, S::Listen);
    first_alone.observe(syn_0);
    second_alone.observe(syn_1);
    // Read back in turn: each answer is its own stream's, whichever was rebuilt last.
    for (int round = 0; round < 2; ++round) {
        const StreamRecord *zero = tracker.stream(0);
        assert_non_null(zero);
        assert_int_equal(zero->ledger.facts().first.frame, syn_0.frame);
        assert_true(zero->ledger.facts().client_socket() == first_alone.facts().client_socket());
        assert_int_equal(zero->ledger.facts().sides[0].state, first_alone.facts().sides[0].state);
        const StreamRecord *one = tracker.stream(1);
        assert_non_null(one);
        assert_true(one->ledger.facts().client_socket() == second_alone.facts().client_socket());
    }
    assert_null(tracker.stream(2));
}

static void test_tracker_second_segment_continues_from_the_first(void **)
{
    Tracker tracker;
    Flow flow(40000, 80, 0);
    tracker.observe(flow.exchange(Side::Client, SYN));
    tracker.stream(0); // rebuilt once already: the second segment must not be observed twice
    const Annotation synack = tracker.observe(flow.exchange(Side::Server, SYN | ACK));
    assert_states_before(synack, S::SynSent, S::Listen);
    assert_states(synack, S::Established, S::SynReceived);
    const Annotation ack = tracker.observe(flow.exchange(Side::Client, ACK));
    assert_states(ack, S::Established, S::Established);
    const StreamRecord *record = tracker.stream(0);
    assert_non_null(record);
    assert_int_equal(record->observer.client_segments(), 2);
    assert_int_equal(record->observer.server_segments(), 1);
}

// ---- Sequence numbers -------------------------------------------------------------

static void test_seq_number_compares_across_wrap(void **)
{
    const SeqNumber before_wrap(0xFFFFFFF0u);
    const SeqNumber after_wrap(0x10u);
    assert_true(before_wrap < after_wrap);
    assert_true(after_wrap > before_wrap);
    assert_int_equal((before_wrap + 0x20).raw(), 0x10u);
    assert_true(before_wrap + 0x20 == after_wrap);
    assert_int_equal(after_wrap.distance_from(before_wrap), 0x20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_data_from_one_side),
        cmocka_unit_test(test_unknown_data_from_both_sides),
        cmocka_unit_test(test_unknown_fin),
        cmocka_unit_test(test_unknown_first_segment_from_server_port),
        cmocka_unit_test(test_roles_follow_zeek_likely_server_ports),
        cmocka_unit_test(test_tracker_new_stream_starts_fresh),
        cmocka_unit_test(test_tracker_one_segment_streams_are_rebuilt_on_demand),
        cmocka_unit_test(test_tracker_second_segment_continues_from_the_first),
        cmocka_unit_test(test_seq_number_compares_across_wrap),
    };
    return cmocka_run_group_tests_name("observer edges", tests, nullptr, nullptr);
}
