// The states-over-time report (report_states.cpp) as tshark's -z tcplife,states and as
// the GUI's States over time window (window_reports.cpp) both run it.
#pragma once

#include "reports.hpp"

#include "report/states_over_time.hpp"

#include <string>

namespace tcplife::wireshark {

enum class StatesFormat { Text, Csv };

struct StatesReport;

// Registers the report's listeners, or says why it cannot (a filter that does not
// compile) and returns null.
StatesReport *start_states_report(StatesFormat format, const StatesArgument &argument, ReportSink sink,
                                  std::string &error);
void stop_states_report(StatesReport *report);

// What the report counted so far, as text or CSV.
std::string states_output(const StatesReport &report, StatesFormat format);

} // namespace tcplife::wireshark
