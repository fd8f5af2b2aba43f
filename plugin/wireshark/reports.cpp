#include "reports.hpp"

#include "capture_time.hpp"
#include "compat.hpp"
#include "tls_fields.hpp"

#include "report/conversation_table.hpp"
#include "report/ssl_log.hpp"
#include "report/summary.hpp"

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <wsutil/wmem/wmem.h>

#include <cstdio>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace tcplife::wireshark {

// One -z tcplife,<report>[,filter]: which conversations had a segment pass the filter.
// A conversation is reported whole, with its final values, however many of its
// segments matched.
struct TableReport {
    TableFormat format = TableFormat::Text;
    std::string filter;
    ReportSink sink{};
    std::vector<bool> selected; // by stream index
    bool started = false;
    std::int64_t start_ns = 0;
};

namespace {

int tcplife_tap = -1;

void reset_table(void *data)
{
    auto *report = static_cast<TableReport *>(data);
    report->selected.clear();
    report->started = false;
}

tap_packet_status table_packet(void *data, packet_info *pinfo, epan_dissect_t *, const void *segment,
                               tap_flags_t)
{
    auto *report = static_cast<TableReport *>(data);
    const auto *record = static_cast<const FrameRecord *>(segment);
    try {
        const std::uint32_t stream = record->annotation.stream;
        if (stream >= report->selected.size())
            report->selected.resize(static_cast<std::size_t>(stream) + 1);
        report->selected[stream] = true;
    } catch (...) {
        return TAP_PACKET_FAILED; // out of memory
    }
    if (!report->started) {
        report->start_ns = capture_start_ns(pinfo);
        report->started = true;
    }
    return TAP_PACKET_DONT_REDRAW;
}

std::string table_output(const TableReport &report)
{
    const Capture *capture = current_capture();
    std::vector<ConversationRow> rows;
    for (std::uint32_t stream = 0; capture != nullptr && stream < report.selected.size(); ++stream) {
        if (!report.selected[stream])
            continue;
        if (std::optional<ConversationRow> row = capture->conversation_row(stream))
            rows.push_back(std::move(*row));
    }
    const TableContext context{report.start_ns, report.filter};
    switch (report.format) {
    case TableFormat::Text: return conversation_table_text(rows, context);
    case TableFormat::Csv: return conversation_table_csv(rows);
    case TableFormat::Zeek: return conversation_table_zeek(rows, context);
    case TableFormat::ZeekSsl: return ssl_log(rows, context);
    case TableFormat::Summary: return summary_text(summarise(rows), context);
    }
    return {};
}

void draw_table(void *data)
{
    const auto *report = static_cast<const TableReport *>(data);
    deliver_report(report->sink, [report] { return table_output(*report); });
}

struct TableUi {
    const char *cli;
    TableFormat format;
    const char *title;
};

constexpr TableUi table_uis[] = {
    {"tcplife,conv", TableFormat::Text, "TCP Lifecycle conversations"},
    {"tcplife,csv", TableFormat::Csv, "TCP Lifecycle conversations (CSV)"},
    {"tcplife,zeek", TableFormat::Zeek, "TCP Lifecycle conversations (Zeek conn.log)"},
    {"tcplife,ssl", TableFormat::ZeekSsl, "TCP Lifecycle TLS handshakes (Zeek ssl.log)"},
    {"tcplife,summary", TableFormat::Summary, "TCP Lifecycle summary"},
};

bool start_table(const char *argument, void *ui_data)
{
    const auto *ui = static_cast<const TableUi *>(ui_data);
    std::string error;
    if (start_table_report(ui->format, filter_after(argument, ui->cli), ReportSink{}, error) == nullptr)
        return fail_report(ui->cli, error.c_str());
    return true;
}

tap_param filter_parameter[] = {{PARAM_FILTER, "filter", "Filter", nullptr, TRUE}};

stat_tap_ui table_stat_uis[std::size(table_uis)];

} // namespace

TableReport *start_table_report(TableFormat format, const std::string &filter, ReportSink sink, std::string &error)
{
    if (format == TableFormat::ZeekSsl)
        follow_tls_handshakes();
    auto *report = new TableReport;
    report->format = format;
    report->filter = filter;
    report->sink = sink;
    GString *failure = register_tap_listener("tcplife", report, filter.empty() ? nullptr : filter.c_str(),
                                             TL_REQUIRES_NOTHING, reset_table, table_packet, draw_table,
                                             finish_unless_windowed<TableReport>(sink));
    if (failure == nullptr)
        return report;
    delete report;
    error = failure->str;
    g_string_free(failure, TRUE);
    return nullptr;
}

void stop_table_report(TableReport *report)
{
    remove_tap_listener(report);
    delete report;
}

std::string filter_after(const char *argument, const char *prefix)
{
    const std::string text(argument);
    const std::string start = std::string(prefix) + ",";
    return text.compare(0, start.size(), start) == 0 ? text.substr(start.size()) : std::string();
}

bool fail_report(const char *cli, const char *reason)
{
    std::fprintf(stderr, "tshark: -z %s: %s\n", cli, reason);
    return false;
}

void register_tcplife_tap()
{
    tcplife_tap = register_tap("tcplife");
}

void queue_segment(packet_info *pinfo, const FrameRecord &record)
{
    if (record.kind != FrameRecord::Kind::Analysed || !have_tap_listener(tcplife_tap))
        return;
    // The listeners run after the frame's dissection: the copy lives as long as the frame.
    void *copy = wmem_alloc(pinfo->pool, sizeof(FrameRecord));
    tap_queue_packet(tcplife_tap, pinfo, new (copy) FrameRecord(record));
}

void register_report_listeners()
{
    register_cli_reports(table_uis, table_stat_uis, compat::start_report<start_table>, filter_parameter);
}

} // namespace tcplife::wireshark
