// -z tcplife,states[,interval[,filter]] and tcplife,states_csv: endpoints in each state
// interval by interval. The glue only collects each conversation's state changes from
// the tap and prints what the core counts (core/states_over_time.hpp).
#include "report_states.hpp"

#include "capture_time.hpp"
#include "compat.hpp"
#include "reports.hpp"

#include "report/states_over_time.hpp"

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include <string>
#include <vector>

namespace tcplife::wireshark {

struct StatesReport;

struct StatesSelection {
    StatesReport *report;
};

// Two listeners fill it, as for the ladder: one sees every segment (the changes to
// count), the other only the segments that pass the user's filter (the conversations
// to count), so a conversation is counted whole.
struct StatesReport {
    StatesFormat format = StatesFormat::Text;
    std::int64_t interval_ns = 0;
    std::string filter;
    std::vector<StateChange> changes; // in frame order
    std::vector<bool> seen;           // by stream index: its first segment is in `changes`
    std::vector<bool> selected;       // by stream index; unused without a filter
    bool started = false;
    std::int64_t start_ns = 0;
    std::int64_t latest_ns = 0;
    ReportSink sink{};
    StatesSelection *selection = nullptr; // the filtered listener's data, with a filter
};

namespace {

void mark(std::vector<bool> &streams, std::uint32_t stream)
{
    if (stream >= streams.size())
        streams.resize(static_cast<std::size_t>(stream) + 1);
    streams[stream] = true;
}

void reset_states(void *data)
{
    auto *report = static_cast<StatesReport *>(data);
    report->changes.clear();
    report->seen.clear();
    report->selected.clear();
    report->started = false;
}

tap_packet_status states_packet(void *data, packet_info *pinfo, epan_dissect_t *, const void *segment, tap_flags_t)
{
    auto *report = static_cast<StatesReport *>(data);
    const Annotation &a = static_cast<const FrameRecord *>(segment)->annotation;
    const std::int64_t time_ns = frame_time_ns(pinfo);
    if (!report->started) {
        report->start_ns = capture_start_ns(pinfo);
        report->latest_ns = time_ns;
        report->started = true;
    }
    report->latest_ns = std::max(report->latest_ns, time_ns);
    const bool first = a.stream >= report->seen.size() || !report->seen[a.stream];
    if (!first && a.client_after == a.client_before && a.server_after == a.server_before)
        return TAP_PACKET_DONT_REDRAW;
    try {
        mark(report->seen, a.stream);
        report->changes.push_back(
            StateChange{time_ns, a.stream, a.client_after, a.server_after, a.reset != ResetKind::None});
    } catch (...) {
        return TAP_PACKET_FAILED; // out of memory
    }
    return TAP_PACKET_DONT_REDRAW;
}

tap_packet_status selection_packet(void *data, packet_info *, epan_dissect_t *, const void *segment, tap_flags_t)
{
    StatesReport *report = static_cast<StatesSelection *>(data)->report;
    try {
        mark(report->selected, static_cast<const FrameRecord *>(segment)->annotation.stream);
    } catch (...) {
        return TAP_PACKET_FAILED;
    }
    return TAP_PACKET_DONT_REDRAW;
}

} // namespace

std::string states_output(const StatesReport &report, StatesFormat format)
{
    const Capture *capture = current_capture();
    std::vector<StateChange> chosen;
    for (const StateChange &change : report.changes) {
        const bool selected = report.filter.empty() ||
                              (change.stream < report.selected.size() && report.selected[change.stream]);
        if (selected)
            chosen.push_back(change);
    }
    StatesOptions options;
    options.start_ns = report.start_ns;
    options.latest_ns = report.latest_ns;
    options.interval_ns = report.interval_ns;
    if (capture != nullptr)
        options.time_wait_ns = capture->time_wait_ns();
    // Every interval of the capture is shown, even when the filter chose nothing.
    if (chosen.empty() && report.started)
        return format == StatesFormat::Csv
                   ? states_csv(count_states_over_time({}, options))
                   : states_text(count_states_over_time({}, options), StatesContext{report.filter});
    const StatesOverTime states = count_states_over_time(chosen, options);
    return format == StatesFormat::Csv ? states_csv(states) : states_text(states, StatesContext{report.filter});
}

namespace {

void draw_states(void *data)
{
    const auto *report = static_cast<const StatesReport *>(data);
    deliver_report(report->sink, [report] { return states_output(*report, report->format); });
}

} // namespace

StatesReport *start_states_report(StatesFormat format, const StatesArgument &argument, ReportSink sink,
                                  std::string &error)
{
    auto *report = new StatesReport;
    report->format = format;
    report->interval_ns = argument.interval_ns;
    report->filter = argument.filter;
    report->sink = sink;
    GString *failure = register_tap_listener("tcplife", report, nullptr, TL_REQUIRES_NOTHING, reset_states,
                                             states_packet, draw_states, finish_unless_windowed<StatesReport>(sink));
    if (failure != nullptr) {
        delete report;
    } else if (!report->filter.empty()) {
        report->selection = new StatesSelection{report};
        failure = register_tap_listener("tcplife", report->selection, report->filter.c_str(), TL_REQUIRES_NOTHING,
                                        nullptr, selection_packet, nullptr, delete_listener_data<StatesSelection>);
        if (failure != nullptr) {
            delete report->selection;
            const bool windowed = sink.show != nullptr;
            remove_tap_listener(report); // which deletes tshark's
            if (windowed)
                delete report;
        }
    }
    if (failure == nullptr)
        return report;
    error = failure->str;
    g_string_free(failure, TRUE);
    return nullptr;
}

void stop_states_report(StatesReport *report)
{
    if (report->selection != nullptr)
        remove_tap_listener(report->selection); // deletes the selection
    remove_tap_listener(report);
    delete report;
}

namespace {

struct StatesUi {
    const char *cli;
    StatesFormat format;
    const char *title;
};

constexpr StatesUi states_uis[] = {
    {"tcplife,states", StatesFormat::Text, "TCP Lifecycle states over time"},
    {"tcplife,states_csv", StatesFormat::Csv, "TCP Lifecycle states over time (CSV)"},
};

bool start_states(const char *argument, void *ui_data)
{
    const auto *ui = static_cast<const StatesUi *>(ui_data);
    const StatesArgument parsed = parse_states_argument(filter_after(argument, ui->cli));
    if (!parsed.valid)
        return fail_report(ui->cli, parsed.error.c_str());
    std::string error;
    if (start_states_report(ui->format, parsed, ReportSink{}, error) == nullptr)
        return fail_report(ui->cli, error.c_str());
    return true;
}

// The interval and the filter share one text parameter: "5", "5,tcp.port == 80" or a filter.
tap_param states_parameters[] = {{PARAM_FILTER, "interval_filter", "[Interval (s),] filter", nullptr, TRUE}};

stat_tap_ui states_stat_uis[std::size(states_uis)];

} // namespace

void register_states_report()
{
    register_cli_reports(states_uis, states_stat_uis, compat::start_report<start_states>, states_parameters);
}

} // namespace tcplife::wireshark
