// The conversations of a capture counted: by handshake verdict, close kind, Zeek
// conn_state, anomaly and TLS handshake, with shares, and the spread of handshake times.
#pragma once

#include "report/conversation_table.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tcplife {

constexpr std::size_t handshake_verdict_count = static_cast<std::size_t>(HandshakeVerdict::NotSeen) + 1;
constexpr std::size_t close_verdict_count = static_cast<std::size_t>(CloseVerdict::None) + 1;
constexpr std::size_t zeek_conn_state_count = static_cast<std::size_t>(ZeekConnState::OTH) + 1;
constexpr std::size_t tls_outcome_count = static_cast<std::size_t>(TlsOutcome::Alert) + 1;

struct Summary {
    std::size_t conversations = 0;
    std::array<std::size_t, handshake_verdict_count> handshakes{};
    std::array<std::size_t, close_verdict_count> closes{};
    std::array<std::size_t, zeek_conn_state_count> conn_states{};
    std::array<std::size_t, anomaly_count> anomalies{}; // conversations showing each
    std::vector<std::int64_t> handshake_times;          // ns, sorted; completed handshakes with a SYN seen
    bool tls_followed = false;                          // the rows' capture followed TLS
    std::array<std::size_t, tls_outcome_count> tls_outcomes{};
    std::map<std::string, std::size_t> tls_versions;    // by name, of conversations with a known version
    std::vector<std::int64_t> tls_handshake_times;      // ns, sorted; complete and resumed TLS handshakes
};

Summary summarise(const std::vector<ConversationRow> &rows);

// Nearest-rank percentile (0 < p <= 100) of sorted, non-empty values.
std::int64_t percentile(const std::vector<std::int64_t> &sorted, unsigned p);

std::string summary_text(const Summary &summary, const TableContext &context);

} // namespace tcplife
