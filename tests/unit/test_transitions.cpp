// The transition table (tcp/transitions.cpp) read row by row, one banner per state, with
// the rows spelled out again here; every (state, event) pair not listed must be unexpected.
// Then the observer's side: an event the table does not expect is counted, never dropped.
#include "flow.hpp"

#include "tcp/transitions.hpp"

#include <vector>

using namespace tcplife;
using namespace tcplife::test;
using S = TcpState;
using E = EndpointEvent;

namespace {

struct Row {
    S state;
    E event;
    S next;
    std::vector<S> via; // states passed before `next`
};

constexpr unsigned state_count = static_cast<unsigned>(S::TimeWait) + 1;
constexpr unsigned event_count = static_cast<unsigned>(E::BothSidesSentData) + 1;

void assert_row(const Row &row)
{
    const Transition t = transition(row.state, row.event);
    if (!t.expected)
        print_error("unexpected: %s %s\n", state_name(row.state), event_name(row.event));
    assert_true(t.expected);
    assert_string_equal(state_name(t.next), state_name(row.next));
    assert_int_equal(t.via_length, row.via.size());
    for (std::size_t i = 0; i < row.via.size(); ++i)
        assert_string_equal(state_name(t.via[i]), state_name(row.via[i]));
}

void assert_rows(const std::vector<Row> &rows)
{
    for (const Row &row : rows)
        assert_row(row);
}

// Aborts, the same in every state but where a passive open returns to LISTEN.
std::vector<Row> reset_rows(S state, S after_received_rst)
{
    return {{state, E::SendRst, S::Closed, {}}, {state, E::ReceiveRst, after_received_rst, {}}};
}

std::vector<Row> with_resets(std::vector<Row> rows, S state, S after_received_rst = S::Closed)
{
    for (const Row &row : reset_rows(state, after_received_rst))
        rows.push_back(row);
    return rows;
}

const std::vector<Row> unknown_rows = with_resets(
    {
        {S::Unknown, E::SendSyn, S::SynSent, {}},
        {S::Unknown, E::SendSynAck, S::SynReceived, {}},
        {S::Unknown, E::SendHandshakeAck, S::Established, {}},
        {S::Unknown, E::SendFin, S::FinWait1, {}},
        {S::Unknown, E::SendCrossedFin, S::Closing, {S::FinWait1}},
        {S::Unknown, E::ReceiveFin, S::CloseWait, {}},
        {S::Unknown, E::BothSidesSentData, S::Established, {}},
    },
    S::Unknown);
const std::vector<Row> closed_rows = with_resets(
    {
        {S::Closed, E::SendSyn, S::SynSent, {}},
        {S::Closed, E::ReceiveSyn, S::Listen, {}},
    },
    S::Closed);
const std::vector<Row> listen_rows = with_resets(
    {
        {S::Listen, E::SendSyn, S::SynSent, {}},
        {S::Listen, E::ReceiveSyn, S::Listen, {}},
        {S::Listen, E::SendSynAck, S::SynReceived, {}},
    },
    S::Listen, S::Listen);
const std::vector<Row> syn_sent_rows = with_resets(
    {
        {S::SynSent, E::ReceiveSyn, S::SynSent, {}},
        {S::SynSent, E::SendSynAck, S::SynReceived, {}},
        {S::SynSent, E::ReceiveSynAck, S::Established, {}},
        {S::SynSent, E::SendHandshakeAck, S::Established, {}},
    },
    S::SynSent);
const std::vector<Row> syn_received_rows = with_resets(
    {
        {S::SynReceived, E::ReceiveSynAck, S::Established, {}},
        {S::SynReceived, E::ReceiveAckOfSyn, S::Established, {}},
        {S::SynReceived, E::SendFin, S::FinWait1, {}},
        {S::SynReceived, E::SendCrossedFin, S::Closing, {S::FinWait1}},
        {S::SynReceived, E::ReceiveFin, S::CloseWait, {}},
    },
    S::SynReceived, S::Listen);
const std::vector<Row> established_rows = with_resets(
    {
        {S::Established, E::SendSynAck, S::Established, {}},
        {S::Established, E::SendHandshakeAck, S::Established, {}},
        {S::Established, E::BothSidesSentData, S::Established, {}},
        {S::Established, E::SendFin, S::FinWait1, {}},
        {S::Established, E::SendCrossedFin, S::Closing, {S::FinWait1}},
        {S::Established, E::ReceiveFin, S::CloseWait, {}},
    },
    S::Established);
const std::vector<Row> fin_wait_1_rows = with_resets(
    {
        {S::FinWait1, E::ReceiveAckOfFin, S::FinWait2, {}},
        {S::FinWait1, E::FinAckedEarlier, S::FinWait2, {}},
        {S::FinWait1, E::ReceiveFin, S::Closing, {}},
        {S::FinWait1, E::BothSidesSentData, S::FinWait1, {}},
    },
    S::FinWait1);
const std::vector<Row> fin_wait_2_rows = with_resets(
    {
        {S::FinWait2, E::ReceiveFin, S::TimeWait, {}},
        {S::FinWait2, E::BothSidesSentData, S::FinWait2, {}},
    },
    S::FinWait2);
const std::vector<Row> close_wait_rows = with_resets(
    {
        {S::CloseWait, E::SendFin, S::LastAck, {}},
        // figure 13 from the side that had counted the peer's FIN as received
        {S::CloseWait, E::SendCrossedFin, S::Closing, {S::Established, S::FinWait1}},
        {S::CloseWait, E::ReceiveFin, S::CloseWait, {}},
        {S::CloseWait, E::BothSidesSentData, S::CloseWait, {}},
    },
    S::CloseWait);
const std::vector<Row> closing_rows = with_resets(
    {
        {S::Closing, E::ReceiveAckOfFin, S::TimeWait, {}},
        {S::Closing, E::FinAckedEarlier, S::TimeWait, {}},
        {S::Closing, E::ReceiveFin, S::Closing, {}},
    },
    S::Closing);
const std::vector<Row> last_ack_rows = with_resets(
    {
        {S::LastAck, E::ReceiveAckOfFin, S::Closed, {}},
        {S::LastAck, E::FinAckedEarlier, S::Closed, {}},
        {S::LastAck, E::ReceiveFin, S::LastAck, {}},
    },
    S::LastAck);
const std::vector<Row> time_wait_rows = with_resets(
    {
        {S::TimeWait, E::ReceiveFin, S::TimeWait, {}},
    },
    S::TimeWait);

const std::vector<Row> *const all_rows[] = {&unknown_rows,     &closed_rows,      &listen_rows,     &syn_sent_rows,
                                            &syn_received_rows, &established_rows, &fin_wait_1_rows, &fin_wait_2_rows,
                                            &close_wait_rows,   &closing_rows,     &last_ack_rows,   &time_wait_rows};

bool listed(S state, E event)
{
    for (const std::vector<Row> *rows : all_rows) {
        for (const Row &row : *rows) {
            if (row.state == state && row.event == event)
                return true;
        }
    }
    return false;
}

void assert_unexpected(S state, E event)
{
    const Transition t = transition(state, event);
    if (t.expected)
        print_error("expected: %s %s\n", state_name(state), event_name(event));
    assert_false(t.expected);
    assert_string_equal(state_name(t.next), state_name(state));
    assert_int_equal(t.via_length, 0);
}

} // namespace

// ---- One test per state: its rows ------------------------------------------------------

static void test_unknown_rows(void **) { assert_rows(unknown_rows); }
static void test_closed_rows(void **) { assert_rows(closed_rows); }
static void test_listen_rows(void **) { assert_rows(listen_rows); }
static void test_syn_sent_rows(void **) { assert_rows(syn_sent_rows); }
static void test_syn_received_rows(void **) { assert_rows(syn_received_rows); }
static void test_established_rows(void **) { assert_rows(established_rows); }
static void test_fin_wait_1_rows(void **) { assert_rows(fin_wait_1_rows); }
static void test_fin_wait_2_rows(void **) { assert_rows(fin_wait_2_rows); }
static void test_close_wait_rows(void **) { assert_rows(close_wait_rows); }
static void test_closing_rows(void **) { assert_rows(closing_rows); }
static void test_last_ack_rows(void **) { assert_rows(last_ack_rows); }
static void test_time_wait_rows(void **) { assert_rows(time_wait_rows); }

// ---- What the table does not expect --------------------------------------------------------

static void test_table_impossible_pairs_are_unexpected(void **)
{
    assert_unexpected(S::Closed, E::ReceiveAckOfFin);  // no FIN was ever sent
    assert_unexpected(S::Listen, E::SendFin);          // nothing to close
    assert_unexpected(S::SynSent, E::SendFin);         // a FIN before any answer to the SYN
    assert_unexpected(S::SynSent, E::ReceiveFin);      // 3.10.7.3: SYN-SENT drops a FIN
    assert_unexpected(S::TimeWait, E::SendSyn);        // a new incarnation is a new tcp.stream
    assert_unexpected(S::FinWait2, E::SendFin);        // its FIN was already sent
    assert_unexpected(S::FinWait1, E::SendCrossedFin); // same
    assert_unexpected(S::LastAck, E::BothSidesSentData);
    assert_unexpected(S::Unknown, E::ReceiveSyn); // a SYN after mid-stream data
}

static void test_table_every_unlisted_pair_is_unexpected(void **)
{
    for (unsigned s = 0; s < state_count; ++s) {
        for (unsigned e = 0; e < event_count; ++e) {
            const S state = static_cast<S>(s);
            const E event = static_cast<E>(e);
            if (!listed(state, event))
                assert_unexpected(state, event);
        }
    }
}

static void test_table_every_state_answers_rst(void **)
{
    for (unsigned s = 0; s < state_count; ++s) {
        assert_true(transition(static_cast<S>(s), E::SendRst).expected);
        assert_true(transition(static_cast<S>(s), E::ReceiveRst).expected);
    }
}

// ---- Before the first segment: no transition ----------------------------------------------------

static void test_opening_states(void **)
{
    const OpeningStates syn = opening_states(FirstSegment::Syn);
    assert_string_equal(state_name(syn.client), "CLOSED");
    assert_string_equal(state_name(syn.server), "LISTEN");
    const OpeningStates synack = opening_states(FirstSegment::SynAck);
    assert_string_equal(state_name(synack.client), "UNKNOWN");
    assert_string_equal(state_name(synack.server), "LISTEN");
    const OpeningStates other = opening_states(FirstSegment::Other);
    assert_string_equal(state_name(other.client), "UNKNOWN");
    assert_string_equal(state_name(other.server), "UNKNOWN");
}

// ---- The observer counts what the table does not expect -------------------------------------------

static void test_syn_sent_fin_is_counted_unexpected(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    // A FIN without ACK before any answer: no state sends it (with an ACK it would prove a SYN-ACK
    // the capture lacks, test_syn_sent_fin_proves_the_synack).
    const Annotation a = flow.step(Side::Client, FIN);
    assert_int_equal(a.unexpected_events, 2); // SendFin here, ReceiveFin at the server
    assert_sender(a, "client");
    assert_string_equal(role_name(a.unexpected_at), "client");
    assert_string_equal(state_name(a.unexpected_state), "SYN_SENT");
    assert_string_equal(event_name(a.unexpected_event), "SendFin");
    assert_states(a, S::SynSent, S::Listen); // unchanged
    assert_int_equal(a.client_path.length + a.server_path.length, 0);
    assert_int_equal(flow.record().observer.unexpected_events(), 2);
}

static void test_unknown_syn_after_data_is_counted_unexpected(void **)
{
    Flow flow(51000, 80);
    flow.step(Side::Client, ACK | PSH, 100);
    const Annotation a = flow.step(Side::Client, SYN);
    assert_int_equal(a.unexpected_events, 1);
    assert_string_equal(role_name(a.unexpected_at), "server");
    assert_string_equal(state_name(a.unexpected_state), "UNKNOWN");
    assert_string_equal(event_name(a.unexpected_event), "ReceiveSyn");
    assert_states(a, S::SynSent, S::Unknown); // the expected half still moves
}

static void test_unexpected_count_saturates(void **)
{
    Flow flow(51000, 80);
    flow.step(Side::Client, ACK | PSH, 100);
    for (int i = 0; i < 300; ++i)
        flow.step(Side::Client, SYN); // each with a new ISN: SYN_SENT and UNKNOWN expect none
    assert_int_equal(flow.record().observer.unexpected_events(), 2 * 255);
}

static void test_normal_conversation_has_no_unexpected_events(void **)
{
    Flow flow;
    established_with_data(flow);
    flow.step(Side::Client, FIN | ACK);
    flow.step(Side::Server, ACK | PSH, 10);
    flow.step(Side::Server, FIN | ACK);
    const Annotation last = flow.step(Side::Client, ACK);
    assert_states(last, S::TimeWait, S::Closed);
    assert_int_equal(flow.record().observer.unexpected_events(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_rows),
        cmocka_unit_test(test_closed_rows),
        cmocka_unit_test(test_listen_rows),
        cmocka_unit_test(test_syn_sent_rows),
        cmocka_unit_test(test_syn_received_rows),
        cmocka_unit_test(test_established_rows),
        cmocka_unit_test(test_fin_wait_1_rows),
        cmocka_unit_test(test_fin_wait_2_rows),
        cmocka_unit_test(test_close_wait_rows),
        cmocka_unit_test(test_closing_rows),
        cmocka_unit_test(test_last_ack_rows),
        cmocka_unit_test(test_time_wait_rows),
        cmocka_unit_test(test_table_impossible_pairs_are_unexpected),
        cmocka_unit_test(test_table_every_unlisted_pair_is_unexpected),
        cmocka_unit_test(test_table_every_state_answers_rst),
        cmocka_unit_test(test_opening_states),
        cmocka_unit_test(test_syn_sent_fin_is_counted_unexpected),
        cmocka_unit_test(test_unknown_syn_after_data_is_counted_unexpected),
        cmocka_unit_test(test_unexpected_count_saturates),
        cmocka_unit_test(test_normal_conversation_has_no_unexpected_events),
    };
    return cmocka_run_group_tests_name("transitions", tests, nullptr, nullptr);
}
