// States over time (states_over_time.hpp): endpoints in each state at each interval's
// end, conversations opened, closed and reset per interval. Times are in milliseconds
// since the capture's first frame; intervals are 1 s unless a test says otherwise.
#include "cmocka_cpp.hpp"

#include "report/states_over_time.hpp"

#include <string>
#include <vector>

using namespace tcplife;

namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t second = 1000 * ms;

using S = TcpState;

StateChange at(std::int64_t time_ms, std::uint32_t stream, TcpState client, TcpState server, bool reset = false)
{
    return StateChange{time_ms * ms, stream, client, server, reset};
}

StatesOverTime count(const std::vector<StateChange> &changes, std::int64_t latest_ms,
                     std::int64_t time_wait_ns = 60 * second, std::int64_t interval_ns = second)
{
    StatesOptions options;
    options.start_ns = 0;
    options.latest_ns = latest_ms * ms;
    options.interval_ns = interval_ns;
    options.time_wait_ns = time_wait_ns;
    return count_states_over_time(changes, options);
}

// The endpoints of one conversation at an interval's end, and nothing else.
void assert_sides(const IntervalStates &interval, TcpState client, TcpState server)
{
    for (TcpState state : reported_states) {
        assert_int_equal(interval.client[state], state == client ? 1 : 0);
        assert_int_equal(interval.server[state], state == server ? 1 : 0);
        assert_int_equal(interval.all()[state], (state == client ? 1 : 0) + (state == server ? 1 : 0));
    }
}

void assert_conversations(const IntervalStates &interval, unsigned opened, unsigned closed, unsigned reset)
{
    assert_int_equal(interval.opened, opened);
    assert_int_equal(interval.closed, closed);
    assert_int_equal(interval.reset, reset);
}

// Handshake in the first second, the client's FIN in the second, the server's in the third.
std::vector<StateChange> four_way_close()
{
    return {at(100, 0, S::SynSent, S::Listen),       at(200, 0, S::Established, S::SynReceived),
            at(300, 0, S::Established, S::Established), at(1500, 0, S::FinWait1, S::CloseWait),
            at(1600, 0, S::FinWait2, S::CloseWait),  at(2500, 0, S::TimeWait, S::LastAck),
            at(2600, 0, S::TimeWait, S::Closed)};
}

// ---- intervals ----

void test_states_four_way_close_interval_by_interval(void **)
{
    const StatesOverTime states = count(four_way_close(), 2600);
    assert_int_equal(states.conversations, 1);
    assert_int_equal(states.intervals.size(), 3);
    assert_int_equal(states.intervals[2].start_ns, 2 * second);
    assert_int_equal(states.intervals[2].end_ns, 3 * second);
    assert_sides(states.intervals[0], S::Established, S::Established);
    assert_conversations(states.intervals[0], 1, 0, 0);
    assert_sides(states.intervals[1], S::FinWait2, S::CloseWait);
    assert_conversations(states.intervals[1], 0, 0, 0);
    assert_sides(states.intervals[2], S::TimeWait, S::Closed);
    assert_conversations(states.intervals[2], 0, 1, 0);
}

void test_states_interval_length_is_honoured(void **)
{
    const StatesOverTime states = count(four_way_close(), 2600, 60 * second, 250 * ms);
    assert_int_equal(states.intervals.size(), 11); // 0-0.25 ... 2.5-2.75
    assert_sides(states.intervals[0], S::Established, S::SynReceived);
    assert_sides(states.intervals[1], S::Established, S::Established);
    assert_sides(states.intervals[6], S::FinWait2, S::CloseWait);
    assert_sides(states.intervals[10], S::TimeWait, S::Closed);
}

void test_states_change_at_an_interval_end_belongs_to_the_next(void **)
{
    const StatesOverTime states = count({at(0, 0, S::SynSent, S::Listen), at(1000, 0, S::Established, S::SynReceived)},
                                        1000);
    assert_int_equal(states.intervals.size(), 2);
    assert_sides(states.intervals[0], S::SynSent, S::Listen);
    assert_sides(states.intervals[1], S::Established, S::SynReceived);
}

void test_states_empty_interval_keeps_the_counts(void **)
{
    const StatesOverTime states =
        count({at(500, 0, S::Established, S::Established), at(3500, 0, S::FinWait1, S::CloseWait)}, 3500);
    assert_int_equal(states.intervals.size(), 4);
    for (std::size_t i = 0; i < 3; ++i)
        assert_sides(states.intervals[i], S::Established, S::Established);
    assert_conversations(states.intervals[1], 0, 0, 0);
    assert_conversations(states.intervals[2], 0, 0, 0);
    assert_sides(states.intervals[3], S::FinWait1, S::CloseWait);
}

void test_states_open_and_close_in_one_interval(void **)
{
    std::vector<StateChange> changes = four_way_close();
    for (StateChange &change : changes)
        change.time_ns /= 10; // all within the first 0.26 s
    const StatesOverTime states = count(changes, 1200);
    assert_int_equal(states.intervals.size(), 2);
    assert_sides(states.intervals[0], S::TimeWait, S::Closed);
    assert_conversations(states.intervals[0], 1, 1, 0);
    assert_sides(states.intervals[1], S::TimeWait, S::Closed);
    assert_conversations(states.intervals[1], 0, 0, 0);
}

void test_states_two_conversations_add_up(void **)
{
    const StatesOverTime states = count({at(100, 0, S::SynSent, S::Listen), at(200, 1, S::SynSent, S::Listen),
                                         at(300, 1, S::Established, S::SynReceived)},
                                        300);
    const IntervalStates &first = states.intervals[0];
    assert_int_equal(states.conversations, 2);
    assert_int_equal(first.client[S::SynSent], 1);
    assert_int_equal(first.client[S::Established], 1);
    assert_int_equal(first.server[S::Listen], 1);
    assert_int_equal(first.server[S::SynReceived], 1);
    assert_int_equal(first.all()[S::SynSent] + first.all()[S::Established] + first.all()[S::Listen] +
                         first.all()[S::SynReceived],
                     4);
    assert_conversations(first, 2, 0, 0);
}

// ---- TIME_WAIT ----

void test_states_time_wait_expires_across_interval_boundaries(void **)
{
    // TIME_WAIT from 2.5 s, for 2 s: CLOSED from 4.5 s, in the fifth interval.
    const StatesOverTime states = count(four_way_close(), 6000, 2 * second);
    assert_int_equal(states.intervals.size(), 7);
    assert_sides(states.intervals[2], S::TimeWait, S::Closed);
    assert_sides(states.intervals[3], S::TimeWait, S::Closed);
    for (std::size_t i = 4; i < 7; ++i) {
        assert_sides(states.intervals[i], S::Closed, S::Closed);
        assert_conversations(states.intervals[i], 0, 0, 0); // expiring is no close
    }
}

void test_states_time_wait_ending_at_an_interval_end_counts_until_then(void **)
{
    // In TIME_WAIT from 1 s for 2 s: still waiting at the end of [2 s, 3 s), CLOSED at 3 s.
    const StatesOverTime states =
        count({at(500, 0, S::FinWait2, S::CloseWait), at(1000, 0, S::TimeWait, S::Closed)}, 4000, 2 * second);
    assert_sides(states.intervals[1], S::TimeWait, S::Closed);
    assert_sides(states.intervals[2], S::TimeWait, S::Closed);
    assert_sides(states.intervals[3], S::Closed, S::Closed);
}

void test_states_time_wait_outlasting_the_capture_stays(void **)
{
    const StatesOverTime states = count(four_way_close(), 3000);
    assert_sides(states.intervals.back(), S::TimeWait, S::Closed);
}

void test_states_time_wait_cut_short_by_a_rst(void **)
{
    // RFC 1337: a RST reaching the side in TIME_WAIT closes it at once; no new close.
    const StatesOverTime states =
        count({at(100, 0, S::TimeWait, S::Closed), at(1100, 0, S::Closed, S::Closed, true)}, 2000, 60 * second);
    assert_sides(states.intervals[0], S::TimeWait, S::Closed);
    assert_sides(states.intervals[1], S::Closed, S::Closed);
    assert_conversations(states.intervals[1], 0, 0, 0);
}

// ---- reset and reopening ----

void test_states_reset_ends_a_conversation_as_reset(void **)
{
    const StatesOverTime states = count({at(100, 0, S::Established, S::Established),
                                         at(1500, 0, S::Closed, S::Closed, true)},
                                        1500);
    assert_conversations(states.intervals[0], 1, 0, 0);
    assert_sides(states.intervals[1], S::Closed, S::Closed);
    assert_conversations(states.intervals[1], 0, 0, 1);
}

void test_states_refused_then_retried_opens_twice(void **)
{
    const StatesOverTime states =
        count({at(0, 0, S::SynSent, S::Listen), at(1, 0, S::Closed, S::Closed, true), at(500, 0, S::SynSent, S::Listen),
               at(502, 0, S::Established, S::SynReceived)},
              502);
    assert_int_equal(states.conversations, 1);
    assert_conversations(states.intervals[0], 2, 0, 1);
    assert_sides(states.intervals[0], S::Established, S::SynReceived);
}

void test_states_midstream_start_is_unknown_and_opened(void **)
{
    const StatesOverTime states = count({at(0, 0, S::Unknown, S::Unknown)}, 0);
    assert_int_equal(states.intervals.size(), 1);
    assert_sides(states.intervals[0], S::Unknown, S::Unknown);
    assert_conversations(states.intervals[0], 1, 0, 0);
}

// ---- time going backwards ----

void test_states_time_going_backwards_stands_still(void **)
{
    // The FIN timestamped before the conversation's previous change counts at that
    // change's time, and its TIME_WAIT lasts from there: never a negative wait.
    const StatesOverTime states = count({at(2500, 0, S::Established, S::Established),
                                         at(1200, 0, S::FinWait2, S::CloseWait),
                                         at(500, 0, S::TimeWait, S::Closed)},
                                        4000, 1 * second);
    assert_int_equal(states.intervals.size(), 5);
    assert_int_equal(states.intervals[1].all()[S::FinWait2], 0);
    assert_conversations(states.intervals[2], 1, 1, 0);
    assert_sides(states.intervals[2], S::TimeWait, S::Closed);
    assert_sides(states.intervals[3], S::Closed, S::Closed); // 2.5 s + 1 s
}

void test_states_change_before_the_first_frame_counts_in_the_first_interval(void **)
{
    const StatesOverTime states = count({at(-700, 0, S::SynSent, S::Listen)}, 1500);
    assert_int_equal(states.intervals.size(), 2);
    assert_sides(states.intervals[0], S::SynSent, S::Listen);
    assert_conversations(states.intervals[0], 1, 0, 0);
}

// ---- limits ----

void test_states_no_change_gives_no_interval(void **)
{
    const StatesOverTime states = count({}, 5000);
    assert_true(states.intervals.empty());
    assert_int_equal(states.conversations, 0);
}

void test_states_too_many_intervals_are_refused(void **)
{
    const StatesOverTime states = count({at(0, 0, S::SynSent, S::Listen)}, 200'000'000, 60 * second, 1 * ms);
    assert_true(states.too_many_intervals);
    assert_true(states.intervals.empty());
    assert_true(states_text(states, {}).find("choose a longer interval") != std::string::npos);
}

// ---- the -z argument ----

void assert_argument(const char *text, std::int64_t interval_ns, const char *filter)
{
    const StatesArgument argument = parse_states_argument(text);
    assert_true(argument.valid);
    assert_int_equal(argument.interval_ns, interval_ns);
    assert_string_equal(argument.filter.c_str(), filter);
}

void test_states_argument_number_first_then_filter(void **)
{
    assert_argument("", second, "");
    assert_argument("5", 5 * second, "");
    assert_argument("0.25,tcp.port == 80", 250 * ms, "tcp.port == 80");
    assert_argument(" 2 ,tcp.port == 80", 2 * second, "tcp.port == 80");
    assert_argument(".5", 500 * ms, "");
    assert_argument(",tcp.port == 80", second, "tcp.port == 80");
    assert_argument("tcp.port == 80", second, "tcp.port == 80");
    assert_argument("tcp.port in {80,443}", second, "tcp.port in {80,443}");
    assert_argument("5,tcp.port in {80,443}", 5 * second, "tcp.port in {80,443}");
    assert_argument("1 == 1", second, "1 == 1");
}

void test_states_argument_bad_interval_is_refused(void **)
{
    for (const char *text : {"0", "0.0,tcp", "1.0000001", "99999999999"}) {
        const StatesArgument argument = parse_states_argument(text);
        assert_false(argument.valid);
        assert_false(argument.error.empty());
    }
}

void test_states_window_fields_interval_and_filter_apart(void **)
{
    const StatesArgument blank = parse_states_fields(" ", " tcp.port == 80 ");
    assert_true(blank.valid);
    assert_int_equal(blank.interval_ns, second);
    assert_string_equal(blank.filter.c_str(), "tcp.port == 80");
    const StatesArgument quarter = parse_states_fields("0.25", "tcp.port in {80,443}");
    assert_true(quarter.valid);
    assert_int_equal(quarter.interval_ns, 250 * ms);
    assert_string_equal(quarter.filter.c_str(), "tcp.port in {80,443}");
    for (const char *interval : {"tcp.port == 80", "1,5", "0", "-1"}) {
        const StatesArgument refused = parse_states_fields(interval, "");
        assert_false(refused.valid);
        assert_false(refused.error.empty());
    }
}

// ---- text and CSV ----

void test_states_text_shows_only_states_that_occur(void **)
{
    const std::string text = states_text(count(four_way_close(), 2600), StatesContext{"tcp.port == 80"});
    assert_true(text.find("TCP Lifecycle states over time: 1 conversation, 3 intervals of 1 s\n") !=
                std::string::npos);
    assert_true(text.find("Filter: tcp.port == 80\n") != std::string::npos);
    assert_true(text.find("TIME_WAIT lasts 60 s") != std::string::npos);
    const std::string heading = "   Start       End  Opened  Closed  Reset  Side    CLOSED  ESTABLISHED  FIN_WAIT_2  "
                                "CLOSE_WAIT  TIME_WAIT\n";
    assert_true(text.find(heading) != std::string::npos);
    assert_true(text.find("SYN_SENT") == std::string::npos); // over before the first interval ended
    assert_true(text.find("2.000000  3.000000       0       1      0  client       0            0           0           0"
                          "          1\n") != std::string::npos);
    assert_true(text.find("\n                                           server       1            0           0           0"
                          "          0\n") != std::string::npos);
}

void test_states_csv_has_the_fixed_columns(void **)
{
    StatesOptions options;
    options.start_ns = 1'700'000'000 * second;
    options.latest_ns = options.start_ns + 1500 * ms;
    const std::string csv = states_csv(count_states_over_time(
        {StateChange{options.start_ns + 100 * ms, 0, S::SynSent, S::Listen, false}}, options));
    assert_int_equal(states_csv_columns.size(), 3 + 3 * 12 + 3);
    const std::string header = csv.substr(0, csv.find('\n'));
    assert_true(header.rfind("ts,start,end,client_closed,client_listen,client_syn_sent,", 0) == 0);
    assert_true(header.find(",all_time_wait,all_unknown,opened,closed,reset") != std::string::npos);
    const std::string first_row = "1700000000.000000,0.000000,1.000000,0,0,1,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,"
                                  "0,0,0,1,1,0,0,0,0,0,0,0,0,0,1,0,0\n";
    assert_true(csv.find("\n" + first_row) != std::string::npos);
    assert_true(csv.find("\n1700000001.000000,1.000000,2.000000,") != std::string::npos);
}

} // namespace

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states_four_way_close_interval_by_interval),
        cmocka_unit_test(test_states_interval_length_is_honoured),
        cmocka_unit_test(test_states_change_at_an_interval_end_belongs_to_the_next),
        cmocka_unit_test(test_states_empty_interval_keeps_the_counts),
        cmocka_unit_test(test_states_open_and_close_in_one_interval),
        cmocka_unit_test(test_states_two_conversations_add_up),
        cmocka_unit_test(test_states_time_wait_expires_across_interval_boundaries),
        cmocka_unit_test(test_states_time_wait_ending_at_an_interval_end_counts_until_then),
        cmocka_unit_test(test_states_time_wait_outlasting_the_capture_stays),
        cmocka_unit_test(test_states_time_wait_cut_short_by_a_rst),
        cmocka_unit_test(test_states_reset_ends_a_conversation_as_reset),
        cmocka_unit_test(test_states_refused_then_retried_opens_twice),
        cmocka_unit_test(test_states_midstream_start_is_unknown_and_opened),
        cmocka_unit_test(test_states_time_going_backwards_stands_still),
        cmocka_unit_test(test_states_change_before_the_first_frame_counts_in_the_first_interval),
        cmocka_unit_test(test_states_no_change_gives_no_interval),
        cmocka_unit_test(test_states_too_many_intervals_are_refused),
        cmocka_unit_test(test_states_argument_number_first_then_filter),
        cmocka_unit_test(test_states_argument_bad_interval_is_refused),
        cmocka_unit_test(test_states_window_fields_interval_and_filter_apart),
        cmocka_unit_test(test_states_text_shows_only_states_that_occur),
        cmocka_unit_test(test_states_csv_has_the_fixed_columns),
    };
    return cmocka_run_group_tests_name("states_over_time", tests, nullptr, nullptr);
}
