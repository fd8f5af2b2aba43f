// The states-over-time report (report_states.cpp) as tshark's -z tcplife,states and as
// the GUI's States over time window (window_states.cpp) both run it.
#pragma once

#include "report/states_over_time.hpp"

#include <string>

namespace tcplife::wireshark {

enum class StatesFormat { Text, Csv };

// Where a report's text goes each time Wireshark draws its listeners; without `show`,
// tshark's standard output.
struct StatesSink {
    void (*show)(void *target, const std::string &text) = nullptr;
    void *target = nullptr;
};

struct StatesReport;

// Registers the report's listeners, or says why it cannot (a filter that does not
// compile) and returns null. A report with a sink is stopped by its owner; tshark's are
// freed by Wireshark when the run ends.
StatesReport *start_states_report(StatesFormat format, const StatesArgument &argument, StatesSink sink,
                                  std::string &error);
void stop_states_report(StatesReport *report);

// What the report counted so far, as text or CSV.
std::string states_output(const StatesReport &report, StatesFormat format);

} // namespace tcplife::wireshark
