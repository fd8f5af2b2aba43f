// -z tcplife,ladder[,filter]: the ladder diagram of every conversation with a segment
// that passes the filter, drawn with all of its segments (a ladder of some segments
// only would misnumber the steps), TLS steps included: the report follows TLS.
#include "capture_time.hpp"
#include "compat.hpp"
#include "reports.hpp"
#include "tcp_fields.hpp"
#include "tls_fields.hpp"

#include "report/ladder.hpp"

#include <epan/epan_dissect.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include <string>
#include <vector>

namespace tcplife::wireshark {
namespace {

constexpr const char *cli = "tcplife,ladder";

// What the ladder draws of a frame besides its annotation. The per-frame cache keeps
// only annotations, so the ladder reads these itself, and pays for them only when drawn.
struct TappedFrame {
    std::int64_t time_ns = 0;
    HeaderNumbers numbers;
    std::uint32_t stream = 0;
    bool tapped = false;
};

// Two listeners fill it: one sees every segment (the frames to draw), the other only
// the segments that pass the user's filter (the conversations to draw), so Wireshark
// applies the filter, as for every other report.
struct LadderReport {
    std::string filter;
    std::vector<bool> selected;      // by stream index; unused without a filter
    std::vector<TappedFrame> frames; // by frame number
};

struct LadderSelection {
    LadderReport *report;
};

void reset_ladder(void *data)
{
    auto *report = static_cast<LadderReport *>(data);
    report->selected.clear();
    report->frames.clear();
}

tap_packet_status ladder_packet(void *data, packet_info *pinfo, epan_dissect_t *, const void *segment, tap_flags_t)
{
    auto *report = static_cast<LadderReport *>(data);
    TappedFrame frame{frame_time_ns(pinfo), {}, static_cast<const FrameRecord *>(segment)->annotation.stream, true};
    if (!read_header_numbers(pinfo, &frame.numbers))
        return TAP_PACKET_FAILED;
    try {
        if (pinfo->num >= report->frames.size())
            report->frames.resize(static_cast<std::size_t>(pinfo->num) + 1);
        report->frames[pinfo->num] = frame;
    } catch (...) {
        return TAP_PACKET_FAILED;
    }
    return TAP_PACKET_DONT_REDRAW;
}

tap_packet_status selection_packet(void *data, packet_info *, epan_dissect_t *, const void *segment, tap_flags_t)
{
    LadderReport *report = static_cast<LadderSelection *>(data)->report;
    const std::uint32_t stream = static_cast<const FrameRecord *>(segment)->annotation.stream;
    try {
        if (stream >= report->selected.size())
            report->selected.resize(static_cast<std::size_t>(stream) + 1);
        report->selected[stream] = true;
    } catch (...) {
        return TAP_PACKET_FAILED;
    }
    return TAP_PACKET_DONT_REDRAW;
}

bool selected(const LadderReport &report, std::uint32_t stream)
{
    return report.filter.empty() || (stream < report.selected.size() && report.selected[stream]);
}

std::string ladder_output(const LadderReport &report)
{
    const Capture *capture = current_capture();
    std::vector<std::vector<LadderSegment>> segments;
    for (std::uint32_t frame = 1; capture != nullptr && frame < report.frames.size(); ++frame) {
        const TappedFrame &tapped = report.frames[frame];
        const std::optional<FrameRecord> record = tapped.tapped ? capture->frame(frame, tapped.stream) : std::nullopt;
        if (!record || record->kind != FrameRecord::Kind::Analysed)
            continue;
        const std::uint32_t stream = record->annotation.stream;
        if (!selected(report, stream))
            continue;
        if (stream >= segments.size())
            segments.resize(static_cast<std::size_t>(stream) + 1);
        const HeaderNumbers &n = tapped.numbers;
        segments[stream].push_back(LadderSegment{frame, tapped.time_ns, SeqNumber(n.seq), SeqNumber(n.ack), n.flags,
                                                 n.payload_length, record->annotation, capture->tls_step(frame)});
    }
    std::string ladders;
    std::size_t drawn = 0;
    for (std::uint32_t stream = 0; stream < segments.size(); ++stream) {
        const StreamRecord *conversation = capture != nullptr ? capture->stream(stream) : nullptr;
        if (conversation == nullptr || segments[stream].empty())
            continue;
        std::optional<LadderTls> tls;
        if (capture->follows_tls()) {
            const TlsHandshake *handshake = capture->tls_handshake(stream);
            tls = LadderTls{handshake != nullptr ? handshake->facts() : TlsFacts{}, {}};
            tls->times = tls_times(tls->facts, conversation->ledger.facts());
        }
        ladders += (drawn++ == 0 ? "" : "\n") + draw_ladder(stream, conversation->ledger.facts(), segments[stream],
                                                                 LadderOptions{80, 4, tcp_relative_sequence_numbers()},
                                                                 tls);
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

bool failed(GString *error)
{
    const bool started = fail_report(cli, error->str);
    g_string_free(error, TRUE);
    return started;
}

bool start_ladder(const char *argument, void *)
{
    follow_tls_handshakes();
    auto *report = new LadderReport;
    report->filter = filter_after(argument, cli);
    // The frame listener sees every segment, so whole conversations can be drawn.
    GString *error = register_tap_listener("tcplife", report, nullptr, TL_REQUIRES_NOTHING,
                                           reset_ladder, ladder_packet, draw_ladders,
                                           delete_listener_data<LadderReport>);
    if (error != nullptr) {
        delete report;
        return failed(error);
    }
    if (report->filter.empty())
        return true;
    auto *selection = new LadderSelection{report};
    error = register_tap_listener("tcplife", selection, report->filter.c_str(), TL_REQUIRES_NOTHING, nullptr,
                                  selection_packet, nullptr, delete_listener_data<LadderSelection>);
    if (error != nullptr) {
        delete selection;
        remove_tap_listener(report);
        return failed(error);
    }
    return true;
}

tap_param ladder_parameters[] = {{PARAM_FILTER, "filter", "Filter", nullptr, TRUE}};

stat_tap_ui ladder_ui = {REGISTER_STAT_GROUP_GENERIC, "TCP Lifecycle ladder diagrams", cli,
                         compat::start_report<start_ladder>,
                         std::size(ladder_parameters), ladder_parameters};

} // namespace

void register_ladder_report()
{
    register_stat_tap_ui(&ladder_ui, nullptr);
}

} // namespace tcplife::wireshark
