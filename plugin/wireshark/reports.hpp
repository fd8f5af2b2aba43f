// tcplife's tap and the reports that listen to it: tshark's -z tcplife,conv / csv /
// zeek / summary / ladder, and the summary under the GUI's Statistics menu. The tap
// gets one record per analysed segment, on every pass, from the per-frame cache; the
// reports take the conversations' final values from the capture state.
#pragma once

#include "first_pass.hpp"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>

#include <cstddef>
#include <cstdio>
#include <string>

namespace tcplife::wireshark {

void register_tcplife_tap();                        // with the protocol
void queue_segment(packet_info *pinfo, const FrameRecord &record);
void register_report_listeners();                   // from the tap plugin hook
void register_summary_tree();                       // summary_tree.cpp
void register_ladder_report();                      // report_ladder.cpp
void register_flow_graph(int protocol);             // report_flow.cpp, with the protocol

void register_states_report();                      // report_states.cpp
void register_report_windows();                     // window_reports.cpp, with the protocol
void register_conversations_dialog();               // report_conversations.cpp

// The open capture's state, or null between captures (registration.cpp).
const Capture *current_capture();
// Wireshark's tcp.relative_sequence_numbers as the open capture was opened with.
bool tcp_relative_sequence_numbers();

// What follows "<cli prefix>," in a -z argument: the display filter, or nothing.
std::string filter_after(const char *argument, const char *prefix);

// A -z argument tshark cannot honour: says why, and returns false for the report's
// start callback to return (compat::start_report says what each version makes of it).
bool fail_report(const char *cli, const char *reason);

// Registers one -z report per entry of `uis` (each naming its .cli and .title), all
// started by `start`, which is handed the entry; `registered` must outlive the program.
template <typename Ui, std::size_t N>
void register_cli_reports(const Ui (&uis)[N], stat_tap_ui (&registered)[N], stat_tap_init_cb start,
                          tap_param (&parameters)[1])
{
    for (std::size_t i = 0; i < N; ++i) {
        stat_tap_ui &ui = registered[i];
        ui.group = REGISTER_STAT_GROUP_GENERIC;
        ui.title = uis[i].title;
        ui.cli_string = uis[i].cli;
        ui.tap_init_cb = start;
        ui.nparams = 1;
        ui.params = parameters;
        register_stat_tap_ui(&ui, const_cast<Ui *>(&uis[i]));
    }
}

// A tap listener's finish callback: deletes the data it was registered with.
template <typename Data> void delete_listener_data(void *data)
{
    delete static_cast<Data *>(data);
}

// Where a report's text goes each time Wireshark draws its listeners: a GUI window
// (window_reports.cpp), or without `show` tshark's standard output. A report with a
// window is the window's to stop; tshark's are freed by Wireshark when the run ends.
struct ReportSink {
    void (*show)(void *target, const std::string &text) = nullptr;
    void *target = nullptr;
};

// Hands the text `build()` returns to the sink; nothing escapes into Wireshark.
template <typename Build> void deliver_report(const ReportSink &sink, Build build) noexcept
{
    try {
        const std::string text = build();
        if (sink.show != nullptr)
            sink.show(sink.target, text);
        else
            std::fwrite(text.data(), 1, text.size(), stdout);
    } catch (...) {
        if (sink.show != nullptr)
            sink.show(sink.target, "tcplife: out of memory while writing the report");
        else
            std::fprintf(stderr, "tcplife: out of memory while writing a report\n");
    }
}

template <typename Build> void print_report(Build build) noexcept
{
    deliver_report(ReportSink{}, build);
}

// A listener's finish callback: Wireshark frees tshark's reports, not a window's.
template <typename Data> tap_finish_cb finish_unless_windowed(const ReportSink &sink)
{
    return sink.show == nullptr ? delete_listener_data<Data> : nullptr;
}

// The conversation reports of -z tcplife,conv / csv / zeek / summary (reports.cpp).
enum class TableFormat { Text, Csv, Zeek, ZeekSsl, Summary };
struct TableReport;
// Registers the report's listener, or says why it cannot (a filter that does not
// compile) and returns null.
TableReport *start_table_report(TableFormat format, const std::string &filter, ReportSink sink, std::string &error);
void stop_table_report(TableReport *report);

} // namespace tcplife::wireshark
