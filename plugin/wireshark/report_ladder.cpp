// -z tcplife,ladder[,filter]: the ladder diagram of every conversation with a segment
// that passes the filter, drawn with all of its segments (a ladder of some segments
// only would misnumber the steps).
#include "reports.hpp"

#include "core/ladder.hpp"

#include <epan/dfilter/dfilter.h>
#include <epan/epan_dissect.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include <string>
#include <vector>

namespace tcplife::wireshark {
namespace {

constexpr const char *cli = "tcplife,ladder";

struct LadderReport {
    std::string filter;
    dfilter_t *selection = nullptr; // the user's filter, applied here to every segment
    std::vector<bool> selected;     // by stream index
    std::vector<std::int64_t> times; // capture time by frame number, for the segments tapped
};

std::int64_t frame_time_ns(const packet_info *pinfo)
{
    return static_cast<std::int64_t>(pinfo->abs_ts.secs) * 1'000'000'000 + pinfo->abs_ts.nsecs;
}

void reset_ladder(void *data)
{
    auto *report = static_cast<LadderReport *>(data);
    report->selected.clear();
    report->times.clear();
}

tap_packet_status ladder_packet(void *data, packet_info *pinfo, epan_dissect_t *edt, const void *segment, tap_flags_t)
{
    auto *report = static_cast<LadderReport *>(data);
    const std::uint32_t stream = static_cast<const FrameRecord *>(segment)->annotation.stream;
    const bool matches = report->selection == nullptr || dfilter_apply_edt(report->selection, edt);
    try {
        if (pinfo->num >= report->times.size())
            report->times.resize(static_cast<std::size_t>(pinfo->num) + 1);
        report->times[pinfo->num] = frame_time_ns(pinfo);
        if (stream >= report->selected.size())
            report->selected.resize(static_cast<std::size_t>(stream) + 1);
        if (matches)
            report->selected[stream] = true;
    } catch (...) {
        return TAP_PACKET_FAILED;
    }
    return TAP_PACKET_DONT_REDRAW;
}

std::string ladder_output(const LadderReport &report)
{
    const CaptureState *capture = current_capture();
    std::vector<std::vector<LadderSegment>> segments(report.selected.size());
    for (std::uint32_t frame = 1; capture != nullptr && frame < report.times.size(); ++frame) {
        const FrameRecord *record = capture->record(frame);
        if (record == nullptr || record->kind != FrameRecord::Kind::Analysed)
            continue;
        const std::uint32_t stream = record->annotation.stream;
        if (stream >= report.selected.size() || !report.selected[stream])
            continue;
        segments[stream].push_back(LadderSegment{frame, report.times[frame], SeqNumber(record->seq),
                                                 SeqNumber(record->ack), record->flags, record->payload_length,
                                                 record->annotation});
    }
    std::string ladders;
    std::size_t drawn = 0;
    for (std::uint32_t stream = 0; stream < segments.size(); ++stream) {
        const StreamRecord *conversation = capture != nullptr ? capture->stream(stream) : nullptr;
        if (conversation == nullptr || segments[stream].empty())
            continue;
        ladders += (drawn++ == 0 ? "" : "\n") + draw_ladder(stream, conversation->ledger.facts(), segments[stream]);
    }
    const std::string rule = "================================================================================\n";
    return rule + "TCP Lifecycle ladder: " + std::to_string(drawn) + " conversation" + (drawn == 1 ? "" : "s") +
           "\nFilter: " + (report.filter.empty() ? std::string("none") : report.filter) + '\n' + rule + ladders +
           rule;
}

void draw_ladders(void *data)
{
    print_report([data] { return ladder_output(*static_cast<LadderReport *>(data)); });
}

void finish_ladder(void *data)
{
    auto *report = static_cast<LadderReport *>(data);
    dfilter_free(report->selection);
    delete report;
}

void start_ladder(const char *argument, void *)
{
    auto *report = new LadderReport;
    report->filter = filter_after(argument, cli);
    std::string listener_filter;
    if (!report->filter.empty()) {
        gchar *error = nullptr;
        if (!dfilter_compile(report->filter.c_str(), &report->selection, &error))
            fail_report(cli, error != nullptr ? error : "invalid filter");
        // The listener sees every segment, so whole conversations can be drawn; naming
        // the filter's fields here makes Wireshark fill them in for the check above.
        listener_filter = "(" + report->filter + ") || tcplife";
    }
    GString *error = register_tap_listener("tcplife", report, listener_filter.empty() ? nullptr : listener_filter.c_str(),
                                           TL_REQUIRES_NOTHING, reset_ladder, ladder_packet, draw_ladders,
                                           finish_ladder);
    if (error != nullptr)
        fail_report(cli, error->str);
}

tap_param ladder_parameters[] = {{PARAM_FILTER, "filter", "Filter", nullptr, TRUE}};

stat_tap_ui ladder_ui = {REGISTER_STAT_GROUP_GENERIC, "TCP Lifecycle ladder diagrams", cli, start_ladder,
                         std::size(ladder_parameters), ladder_parameters};

} // namespace

void register_ladder_report()
{
    register_stat_tap_ui(&ladder_ui, nullptr);
}

} // namespace tcplife::wireshark
