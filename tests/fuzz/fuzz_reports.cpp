// libFuzzer target for the words and reports: what the core concluded about the
// decoded segments (segment_script.hpp) goes through every text tcplife prints: expert
// messages, Info-column and Flow Graph labels, each stream's ladder, the conversation
// table in text, CSV and Zeek form, the summary and the states over time. A CSV row
// must have the header's columns, a ladder no line wider than asked for, and every text
// must be NUL-terminated within its buffer.
#include "invariants.hpp"
#include "segment_script.hpp"

#include "report/conversation_table.hpp"
#include "report/ladder.hpp"
#include "report/states_over_time.hpp"
#include "report/summary.hpp"
#include "text/describe.hpp"
#include "text/flow_text.hpp"

#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace tcplife;

namespace {

// RFC 4180 fields per line; a quoted field may hold commas and line breaks.
std::vector<std::size_t> csv_fields_per_record(const std::string &csv)
{
    std::vector<std::size_t> counts;
    std::size_t fields = 1;
    bool quoted = false;
    for (char c : csv) {
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            ++fields;
        else if (c == '\n' && !quoted) {
            counts.push_back(fields);
            fields = 1;
        }
    }
    return counts;
}

void check_csv(const std::string &csv, const char *what)
{
    const std::vector<std::size_t> counts = csv_fields_per_record(csv);
    fuzz::check(!counts.empty(), what);
    for (std::size_t n : counts)
        fuzz::check(n == counts.front(), what);
}

void check_lines_within(const std::string &text, std::size_t width, const char *what)
{
    std::size_t line = 0;
    for (char c : text) {
        if (c == '\n') {
            fuzz::check(line <= width, what);
            line = 0;
        } else {
            ++line;
        }
    }
}

void check_messages(const ExpertMessages &messages)
{
    fuzz::check(messages.count <= messages.items.size(), "more expert messages than room");
    for (std::size_t i = 0; i < messages.count; ++i)
        fuzz::check(std::memchr(messages.items[i].text.data(), '\0', messages.items[i].text.size()) != nullptr,
                    "an expert text without its NUL");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Capture capture;
    fuzz::SegmentScript script(data, size);
    fuzz::ScriptStep step;
    std::map<std::uint32_t, std::vector<LadderSegment>> ladders;
    std::vector<StateChange> changes;
    std::int64_t earliest = 0, latest = 0;
    while (script.next(&step)) {
        const Segment &s = step.segment;
        if (changes.empty() && ladders.empty())
            earliest = latest = s.time_ns;
        earliest = std::min(earliest, s.time_ns);
        latest = std::max(latest, s.time_ns);
        if (step.kind == fuzz::ScriptStep::Kind::Incomplete) {
            capture.mark_incomplete(s.frame);
            continue;
        }
        const Annotation a = capture.observe(s).annotation;
        DescribeOptions options;
        options.relative_numbers = (s.frame & 1) != 0;
        check_messages(describe(a, options, &capture.stream(a.stream)->ledger.facts()));
        fuzz::check(!flow_label(s.flags, a).empty(), "an empty Flow Graph label");
        flow_comment(a);
        ladders[s.stream].push_back(LadderSegment{s.frame, s.time_ns, s.seq, s.ack, s.flags, s.payload_length, a});
        if (a.changes_state())
            changes.push_back(StateChange{s.time_ns, a.stream, a.client_after, a.server_after,
                                          a.reset != ResetKind::None});
    }
    std::vector<ConversationRow> rows;
    for (const auto &[stream, segments] : ladders) {
        std::optional<ConversationRow> row = capture.conversation_row(stream);
        fuzz::check(row.has_value(), "a stream with segments has no row");
        check_messages(describe_end_of_capture(row->verdict, *row->facts));
        for (unsigned width : {80u, 50u}) {
            LadderOptions options;
            options.width = width;
            options.relative_numbers = width == 80;
            check_lines_within(draw_ladder(stream, *row->facts, segments, options), width,
                               "a ladder line wider than asked for");
        }
        rows.push_back(std::move(*row));
    }
    const TableContext context{earliest, "tcp.port == 80"};
    conversation_table_text(rows, context);
    check_csv(conversation_table_csv(rows), "a conversation CSV row without the header's columns");
    conversation_table_zeek(rows, context);
    summary_text(summarise(rows), context);
    StatesOptions options;
    options.start_ns = earliest;
    options.latest_ns = latest;
    options.interval_ns = 1'000'000'000;
    const StatesOverTime states = count_states_over_time(changes, options);
    states_text(states, StatesContext{});
    if (!states.too_many_intervals && !states.intervals.empty())
        check_csv(states_csv(states), "a states CSV row without the header's columns");
    return 0;
}
