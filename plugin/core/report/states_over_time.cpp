#include "report/states_over_time.hpp"

#include "report/conversation_table.hpp"
#include "conversation/time_wait.hpp"

#include <algorithm>
#include <cctype>

namespace tcplife {
namespace {

constexpr const char *rule = "================================================================================\n";
constexpr std::size_t client_side = 0;
constexpr std::size_t server_side = 1;

// Endpoints enter and leave states at interval indexes; a prefix sum over these
// differences gives each interval's counts, whatever the number of conversations.
class CountDifferences {
public:
    explicit CountDifferences(std::size_t intervals) : steps_(intervals + 1) {}

    // The endpoint on `side` was in `state` at the end of intervals [from, to).
    void hold(std::size_t side, TcpState state, std::size_t from, std::size_t to)
    {
        if (from >= to)
            return;
        ++steps_[from][side][state];
        --steps_[to][side][state];
    }

    void add_to(std::vector<IntervalStates> &intervals) const
    {
        std::array<StateCounts, 2> running{};
        for (std::size_t i = 0; i < intervals.size(); ++i) {
            for (std::size_t side = 0; side < 2; ++side)
                for (std::size_t s = 0; s < running[side].by_state.size(); ++s)
                    running[side].by_state[s] += steps_[i][side].by_state[s];
            intervals[i].client = running[client_side];
            intervals[i].server = running[server_side];
        }
    }

private:
    // Unsigned wrap-around is defined: a -1 step and a +1 step cancel in the sum.
    std::vector<std::array<StateCounts, 2>> steps_;
};

// What an endpoint has been in since some interval.
struct Span {
    TcpState state = TcpState::Unknown;
    std::size_t since = 0;
    std::int64_t time_wait_entered_ns = 0;
};

struct StreamTrack {
    bool seen = false;
    bool live = false;
    std::int64_t last_ns = 0;
    std::array<Span, 2> sides;
};

class Counter {
public:
    Counter(const StatesOptions &options, std::size_t interval_count)
        : options_(options), interval_count_(interval_count), differences_(interval_count)
    {
    }

    // The interval holding `time_ns`; the count of intervals for a time past the last.
    std::size_t interval_of(std::int64_t time_ns) const
    {
        if (time_ns <= options_.start_ns)
            return 0;
        const std::int64_t offset = saturating_difference(time_ns, options_.start_ns);
        const auto index = static_cast<std::uint64_t>(offset / options_.interval_ns);
        return index >= interval_count_ ? interval_count_ : static_cast<std::size_t>(index);
    }

    void close_span(std::size_t side, const Span &span, std::size_t until)
    {
        if (span.state != TcpState::TimeWait) {
            differences_.hold(side, span.state, span.since, until);
            return;
        }
        const std::size_t expires =
            std::max(span.since, interval_of(time_wait_end_ns(span.time_wait_entered_ns, options_.time_wait_ns)));
        differences_.hold(side, TcpState::TimeWait, span.since, std::min(until, expires));
        differences_.hold(side, TcpState::Closed, expires, until);
    }

    void apply(StreamTrack &track, const StateChange &change, std::vector<IntervalStates> &intervals)
    {
        std::int64_t time_ns = std::max(change.time_ns, options_.start_ns);
        if (track.seen)
            time_ns = std::max(time_ns, track.last_ns);
        const std::size_t index = std::min(interval_of(time_ns), interval_count_ - 1);
        const TcpState after[2] = {change.client, change.server};
        for (std::size_t side = 0; side < 2; ++side) {
            Span &span = track.sides[side];
            if (track.seen && span.state == after[side])
                continue;
            if (track.seen)
                close_span(side, span, index);
            span = Span{after[side], index, time_ns};
        }
        const bool live = !(is_finished(change.client) && is_finished(change.server));
        if (live && !track.live)
            ++intervals[index].opened;
        else if (!live && track.live)
            ++(change.reset ? intervals[index].reset : intervals[index].closed);
        track.seen = true;
        track.live = live;
        track.last_ns = time_ns;
    }

    void finish(const StreamTrack &track)
    {
        for (std::size_t side = 0; side < 2; ++side)
            close_span(side, track.sides[side], interval_count_);
    }

    const CountDifferences &differences() const { return differences_; }

private:
    const StatesOptions &options_;
    std::size_t interval_count_;
    CountDifferences differences_;
};

std::string interval_length_text(std::int64_t ns)
{
    std::string text = seconds_text(ns);
    while (text.back() == '0')
        text.pop_back();
    if (text.back() == '.')
        text.pop_back();
    return text;
}

std::string lower_case(std::string text)
{
    for (char &ch : text)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return text;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    return text;
}

bool is_decimal_number(std::string_view text)
{
    bool digits = false;
    bool point = false;
    for (char ch : text) {
        if (ch == '.' && !point)
            point = true;
        else if (std::isdigit(static_cast<unsigned char>(ch)))
            digits = true;
        else
            return false;
    }
    return digits;
}

// Seconds with at most microseconds, as every time in the reports is written.
bool parse_interval(std::string_view text, std::int64_t &interval_ns, std::string &error)
{
    constexpr std::int64_t max_seconds = 1'000'000'000; // about 31 years
    const std::size_t point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    const std::string_view fraction = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
    if (fraction.size() > 6) {
        error = "the interval is in seconds with at most 6 decimals (microseconds)";
        return false;
    }
    std::int64_t seconds = 0;
    for (char ch : whole) {
        seconds = seconds * 10 + (ch - '0');
        if (seconds > max_seconds) {
            error = "the interval is longer than 1000000000 seconds";
            return false;
        }
    }
    std::int64_t micros = 0;
    for (std::size_t i = 0; i < 6; ++i)
        micros = micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    interval_ns = seconds * 1'000'000'000 + micros * 1'000;
    if (interval_ns == 0) {
        error = "the interval must be longer than 0 seconds";
        return false;
    }
    return true;
}

std::vector<TcpState> occurring_states(const StatesOverTime &states)
{
    std::vector<TcpState> occurring;
    for (TcpState state : reported_states) {
        const bool occurs = std::any_of(states.intervals.begin(), states.intervals.end(),
                                        [state](const IntervalStates &i) { return i.all()[state] != 0; });
        if (occurs)
            occurring.push_back(state);
    }
    return occurring;
}

std::string aligned_line(const std::vector<std::string> &cells, const std::vector<std::size_t> &widths,
                         std::size_t left_aligned)
{
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string padding(widths[i] - cells[i].size(), ' ');
        line += i == 0 ? "" : "  ";
        line += i == left_aligned ? cells[i] + padding : padding + cells[i];
    }
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    return line + '\n';
}

} // namespace

StateCounts IntervalStates::all() const
{
    StateCounts sum;
    for (std::size_t s = 0; s < sum.by_state.size(); ++s)
        sum.by_state[s] = client.by_state[s] + server.by_state[s];
    return sum;
}

StatesOverTime count_states_over_time(const std::vector<StateChange> &changes, const StatesOptions &options)
{
    StatesOverTime states;
    states.start_ns = options.start_ns;
    states.interval_ns = options.interval_ns;
    states.time_wait_ns = options.time_wait_ns;
    if (changes.empty() || options.interval_ns <= 0)
        return states;
    const std::int64_t span_ns = elapsed_ns(options.start_ns, options.latest_ns);
    states.interval_count = static_cast<std::size_t>(span_ns / options.interval_ns) + 1;
    if (states.interval_count > max_state_intervals) {
        states.too_many_intervals = true;
        return states;
    }
    states.intervals.resize(states.interval_count);
    for (std::size_t i = 0; i < states.intervals.size(); ++i) {
        states.intervals[i].start_ns = static_cast<std::int64_t>(i) * options.interval_ns;
        states.intervals[i].end_ns = states.intervals[i].start_ns + options.interval_ns;
    }
    std::uint32_t streams = 0;
    for (const StateChange &change : changes)
        streams = std::max(streams, change.stream + 1);
    std::vector<StreamTrack> tracks(streams);
    Counter counter(options, states.interval_count);
    for (const StateChange &change : changes)
        counter.apply(tracks[change.stream], change, states.intervals);
    for (const StreamTrack &track : tracks) {
        if (!track.seen)
            continue;
        ++states.conversations;
        counter.finish(track);
    }
    counter.differences().add_to(states.intervals);
    return states;
}

StatesArgument parse_states_argument(std::string_view text)
{
    StatesArgument argument;
    const std::size_t comma = text.find(',');
    const std::string_view head = trimmed(text.substr(0, comma));
    const std::string_view rest = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (head.empty()) {
        argument.filter = std::string(rest);
    } else if (is_decimal_number(head)) {
        argument.valid = parse_interval(head, argument.interval_ns, argument.error);
        argument.filter = std::string(rest);
    } else {
        argument.filter = std::string(text);
    }
    return argument;
}

StatesArgument parse_states_fields(std::string_view interval, std::string_view filter)
{
    StatesArgument argument;
    argument.filter = std::string(trimmed(filter));
    const std::string_view head = trimmed(interval);
    if (head.empty())
        return argument;
    if (!is_decimal_number(head)) {
        argument.valid = false;
        argument.error = "the interval is a number of seconds, such as 1 or 0.25";
        return argument;
    }
    argument.valid = parse_interval(head, argument.interval_ns, argument.error);
    return argument;
}

const std::vector<std::string> states_csv_columns = [] {
    std::vector<std::string> columns = {"ts", "start", "end"};
    for (const char *side : {"client_", "server_", "all_"})
        for (TcpState state : reported_states)
            columns.push_back(side + lower_case(state_name(state)));
    for (const char *count : {"opened", "closed", "reset"})
        columns.emplace_back(count);
    return columns;
}();

std::string states_text(const StatesOverTime &states, const StatesContext &context)
{
    const std::size_t n = states.conversations;
    std::string out = rule;
    out += "TCP Lifecycle states over time: " + std::to_string(n) + " conversation" + (n == 1 ? "" : "s") + ", " +
           std::to_string(states.interval_count) + " interval" + (states.interval_count == 1 ? "" : "s") + " of " +
           interval_length_text(states.interval_ns) + " s\n";
    out += "Filter: " + (context.filter.empty() ? std::string("none") : context.filter) + '\n';
    if (states.too_many_intervals) {
        out += "More than " + std::to_string(max_state_intervals) + " intervals: choose a longer interval\n";
        return out + rule;
    }
    out += "Endpoints in each state at each interval's end; TIME_WAIT lasts " +
           interval_length_text(states.time_wait_ns) + " s, then CLOSED\n";
    out += "Start and End are seconds since the first frame; Opened, Closed (FIN) and Reset (RST) count "
           "conversations\n";

    const std::vector<TcpState> shown = occurring_states(states);
    constexpr std::size_t side_column = 5;
    std::vector<std::vector<std::string>> table;
    table.push_back({"Start", "End", "Opened", "Closed", "Reset", "Side"});
    for (TcpState state : shown)
        table.back().emplace_back(state_name(state));
    for (const IntervalStates &interval : states.intervals) {
        const StateCounts all = interval.all();
        const std::pair<const char *, const StateCounts *> sides[] = {
            {"client", &interval.client}, {"server", &interval.server}, {"all", &all}};
        for (const auto &[side, counts] : sides) {
            const bool first = counts == &interval.client;
            table.push_back({first ? seconds_text(interval.start_ns) : "", first ? seconds_text(interval.end_ns) : "",
                             first ? std::to_string(interval.opened) : "",
                             first ? std::to_string(interval.closed) : "", first ? std::to_string(interval.reset) : "",
                             side});
            for (TcpState state : shown)
                table.back().push_back(std::to_string((*counts)[state]));
        }
    }
    std::vector<std::size_t> widths(table.front().size(), 0);
    for (const auto &line : table)
        for (std::size_t i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], line[i].size());
    for (const auto &line : table)
        out += aligned_line(line, widths, side_column);
    return out + rule;
}

std::string states_csv(const StatesOverTime &states)
{
    std::string out;
    for (std::size_t i = 0; i < states_csv_columns.size(); ++i)
        out += (i == 0 ? "" : ",") + states_csv_columns[i];
    out += '\n';
    for (const IntervalStates &interval : states.intervals) {
        out += seconds_text(saturating_add(states.start_ns, interval.start_ns)) + ',' +
               seconds_text(interval.start_ns) + ',' + seconds_text(interval.end_ns);
        const StateCounts all = interval.all();
        for (const StateCounts *counts : {&interval.client, &interval.server, &all})
            for (TcpState state : reported_states)
                out += ',' + std::to_string((*counts)[state]);
        out += ',' + std::to_string(interval.opened) + ',' + std::to_string(interval.closed) + ',' +
               std::to_string(interval.reset) + '\n';
    }
    return out;
}

} // namespace tcplife
