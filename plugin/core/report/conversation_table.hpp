// One row per conversation, with final values, and the three ways tcplife writes the
// table: aligned columns for people, CSV, and a Zeek conn.log (TSV with Zeek's
// header lines and column names, so zeek-cut and log pipelines read it).
#pragma once

#include "capture/conversation_row.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tcplife {

// What a table says about where its rows come from.
struct TableContext {
    std::int64_t capture_start_ns = 0; // times in the people's table are relative to it
    std::string filter;                // empty: no filter
};

// The people's table (-z tcplife,conv, and the GUI's Conversations dialog): its columns,
// how each sorts and aligns, and every row's cells as shown ("-" where unknown).
enum class PeopleColumnKind {
    Stream,         // Wireshark's stream index: below 2^32, always known
    Count,          // a whole number (bytes: 64 bits), always known
    Seconds,        // seconds with microseconds, always known
    SecondsIfKnown, // seconds, or "-"
    Pair,           // "client/server" counts, "-" for an unknown side
    Text,
};
struct PeopleColumn {
    const char *heading;
    PeopleColumnKind kind;
};
constexpr std::size_t people_column_count = 25;
extern const std::array<PeopleColumn, people_column_count> people_columns;
std::vector<std::vector<std::string>> people_table_cells(const std::vector<ConversationRow> &rows,
                                                         const TableContext &context);

// Rows in the order given (the caller sorts them by stream).
std::string conversation_table_text(const std::vector<ConversationRow> &rows, const TableContext &context);
std::string conversation_table_csv(const std::vector<ConversationRow> &rows);
std::string conversation_table_zeek(const std::vector<ConversationRow> &rows, const TableContext &context);

// "12.000345": seconds with microseconds, as Wireshark's tables and Zeek's logs write them.
std::string seconds_text(std::int64_t ns);

// The column names of the CSV, in order (tcplife-batch and the tests read them).
extern const char *const csv_columns[];
extern const std::size_t csv_column_count;

} // namespace tcplife
