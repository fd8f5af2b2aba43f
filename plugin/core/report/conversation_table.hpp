// One row per conversation, with final values, and the three ways tcplife writes the
// table: aligned columns for people, CSV, and a Zeek conn.log (TSV with Zeek's
// header lines and column names, so zeek-cut and log pipelines read it).
#pragma once

#include "conversation/anomaly.hpp"
#include "capture/tracker.hpp"
#include "conversation/verdict.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcplife {

// Handshake and conversation times, in nanoseconds; `has_*` false when not measurable.
struct Timings {
    bool has_syn_synack = false;
    bool has_synack_ack = false;
    std::int64_t syn_synack = 0; // the answered SYN to its SYN-ACK
    std::int64_t synack_ack = 0; // that SYN-ACK to the ACK completing the handshake
    bool has_irtt() const { return has_syn_synack && has_synack_ack; }
    std::int64_t irtt() const { return saturating_add(syn_synack, synack_ack); }
    bool has_handshake_time = false;
    std::int64_t handshake_time = 0; // the first SYN to the handshake ACK, retransmissions included
    std::int64_t duration = 0;       // first to last segment
    bool has_close_duration = false;
    std::int64_t close_duration = 0; // first FIN to both FINs acknowledged
};

Timings timings(const LedgerFacts &facts);

struct ConversationRow {
    std::uint32_t stream = 0;
    const LedgerFacts *facts = nullptr; // the tracker's, or `kept`'s
    const Conversation *observer = nullptr;
    const ZeekConnection *zeek = nullptr;
    // A copy of a record the tracker rebuilt for the asking (a one-segment stream).
    std::shared_ptr<const StreamRecord> kept;
    Verdict verdict;
    Timings times;
    AnomalySet anomalies; // every segment's, and the end of capture's
};

// The row of `stream`, valid as long as the tracker is and unchanged; empty when the
// stream has no segment. May throw std::bad_alloc.
std::optional<ConversationRow> conversation_row(const Tracker &tracker, std::uint32_t stream);

// What a table says about where its rows come from.
struct TableContext {
    std::int64_t capture_start_ns = 0; // times in the people's table are relative to it
    std::string filter;                // empty: no filter
};

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
