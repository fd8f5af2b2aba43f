// How many endpoints are in each RFC 9293 state as a capture goes on, interval by
// interval, and how many conversations opened, closed and were reset in each: what an
// operator asks when a server runs out of ports or sockets (-z tcplife,states).
//
// The report is fed each conversation's state changes in frame order; TIME_WAIT ends
// by the tracker's own rule (conversation/time_wait.hpp). Intervals are half-open,
// [start, end): a change timestamped exactly at an interval's end, or a TIME_WAIT
// ending exactly there, belongs to the next interval.
#pragma once

#include "tcp/tcp_state.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tcplife {

// One segment's effect: both endpoints' states after it. A conversation's first
// segment is a change too, even when its states stay UNKNOWN (a mid-stream start).
struct StateChange {
    std::int64_t time_ns = 0;
    std::uint32_t stream = 0;
    TcpState client = TcpState::Unknown;
    TcpState server = TcpState::Unknown;
    bool reset = false; // the segment is a RST: a conversation it ends was reset, not closed
};

struct StatesOptions {
    std::int64_t start_ns = 0;    // the first interval starts here (the capture's first frame)
    std::int64_t latest_ns = 0;   // the last interval holds this time (the capture's latest segment)
    std::int64_t interval_ns = 1'000'000'000;
    std::int64_t time_wait_ns = 60'000'000'000;
};

// The states in the order reports show them: RFC 9293's, then the observer's UNKNOWN.
constexpr std::array<TcpState, 12> reported_states = {
    TcpState::Closed,     TcpState::Listen,    TcpState::SynSent,   TcpState::SynReceived,
    TcpState::Established, TcpState::FinWait1, TcpState::FinWait2,  TcpState::CloseWait,
    TcpState::Closing,    TcpState::LastAck,   TcpState::TimeWait,  TcpState::Unknown,
};

struct StateCounts {
    std::array<std::uint32_t, reported_states.size()> by_state{}; // indexed by TcpState's value

    std::uint32_t &operator[](TcpState state) { return by_state[static_cast<std::size_t>(state)]; }
    std::uint32_t operator[](TcpState state) const { return by_state[static_cast<std::size_t>(state)]; }
};

struct IntervalStates {
    std::int64_t start_ns = 0; // since StatesOptions::start_ns
    std::int64_t end_ns = 0;
    StateCounts client; // endpoints in each state at the interval's end
    StateCounts server;
    std::uint32_t opened = 0; // conversations that became live: a first segment, or a SYN after their end
    std::uint32_t closed = 0; // ended (both endpoints CLOSED or TIME_WAIT) by a segment that is no RST
    std::uint32_t reset = 0;  // ended by a RST

    StateCounts all() const;
};

struct StatesOverTime {
    std::int64_t start_ns = 0;
    std::int64_t interval_ns = 0;
    std::int64_t time_wait_ns = 0;
    std::uint32_t conversations = 0;
    std::vector<IntervalStates> intervals; // empty with no change, or with too many intervals
    std::size_t interval_count = 0;        // what the capture spans, even when too many to count
    bool too_many_intervals = false;
};

// More intervals than this are refused rather than printed: choose a longer interval.
constexpr std::size_t max_state_intervals = 100'000;

// A change never counts before its conversation's previous change, nor before the
// first interval: when the capture's clock goes backwards, time stands still instead.
StatesOverTime count_states_over_time(const std::vector<StateChange> &changes, const StatesOptions &options);

// What follows "tcplife,states," in a -z argument: "[interval[,filter]]". The first
// comma-separated part is the interval when it is a plain decimal number of seconds
// ("5", "0.25"), or empty for the default; otherwise the whole text is the filter.
struct StatesArgument {
    bool valid = true;
    std::int64_t interval_ns = 1'000'000'000;
    std::string filter;
    std::string error; // why it is not valid
};

StatesArgument parse_states_argument(std::string_view text);
// The GUI window's two fields: an interval (empty for the default) and a filter.
StatesArgument parse_states_fields(std::string_view interval, std::string_view filter);

struct StatesContext {
    std::string filter; // empty: no filter
};

// Aligned for people: only the states some endpoint was in get a column.
std::string states_text(const StatesOverTime &states, const StatesContext &context);
// RFC 4180 with a header line and states_csv_columns, whichever states occur.
std::string states_csv(const StatesOverTime &states);

extern const std::vector<std::string> states_csv_columns;

} // namespace tcplife
