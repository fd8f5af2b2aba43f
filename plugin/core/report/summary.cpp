#include "report/summary.hpp"

#include "text/tls_text.hpp"

#include <algorithm>
#include <cstdio>

namespace tcplife {
namespace {

constexpr const char *rule = "================================================================================\n";

std::string count_line(const char *name, std::size_t count, std::size_t total)
{
    char line[96];
    const double share = total == 0 ? 0.0 : 100.0 * static_cast<double>(count) / static_cast<double>(total);
    std::snprintf(line, sizeof line, "  %-22s %8zu  %6.1f%%\n", name, count, share);
    return line;
}

std::string seconds(std::int64_t ns)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.6f s", static_cast<double>(ns) / 1e9);
    return text;
}

// p50, p90, p99 and max of sorted values; "  none completed" without any.
std::string spread(const std::vector<std::int64_t> &sorted)
{
    if (sorted.empty())
        return "  none completed\n";
    std::string out;
    for (unsigned p : {50u, 90u, 99u})
        out += "  p" + std::to_string(p) + "  " + seconds(percentile(sorted, p)) + '\n';
    return out + "  max  " + seconds(sorted.back()) + '\n';
}

std::string plural(std::size_t count, const char *one, const char *many)
{
    return std::to_string(count) + ' ' + (count == 1 ? one : many);
}

void count_tls(Summary &s, const ConversationRow &row)
{
    s.tls_followed = s.tls_followed || row.tls_followed;
    const TlsOutcome outcome = row.tls != nullptr ? row.tls->outcome : TlsOutcome::None;
    ++s.tls_outcomes[static_cast<std::size_t>(outcome)];
    if (row.tls != nullptr && row.tls->version != 0)
        ++s.tls_versions[tls_version_name(row.tls->version)];
    if ((outcome == TlsOutcome::Complete || outcome == TlsOutcome::Resumed) && row.tls_times.ended)
        s.tls_handshake_times.push_back(row.tls_times.handshake_ns);
}

std::string tls_text(const Summary &s)
{
    if (!s.tls_followed)
        return "TLS handshake\n  not followed (the preference tcplife.tls_handshakes is off)\n";
    std::string out = "TLS handshake\n";
    for (std::size_t i = 0; i < tls_outcome_count; ++i)
        out += count_line(tls_outcome_name(static_cast<TlsOutcome>(i)), s.tls_outcomes[i], s.conversations);
    std::size_t with_version = 0;
    for (const auto &version : s.tls_versions)
        with_version += version.second;
    out += "TLS version (share of " + plural(with_version, "conversation", "conversations") +
           " with a negotiated version)\n";
    if (s.tls_versions.empty())
        out += "  none\n";
    for (const auto &version : s.tls_versions)
        out += count_line(version.first.c_str(), version.second, with_version);
    out += "TLS handshake time (first ClientHello byte to the segment ending the handshake), " +
           plural(s.tls_handshake_times.size(), "handshake", "handshakes") + '\n';
    return out + spread(s.tls_handshake_times);
}

} // namespace

Summary summarise(const std::vector<ConversationRow> &rows)
{
    Summary s;
    s.conversations = rows.size();
    for (const ConversationRow &row : rows) {
        ++s.handshakes[static_cast<std::size_t>(row.verdict.handshake)];
        ++s.closes[static_cast<std::size_t>(row.verdict.close)];
        ++s.conn_states[static_cast<std::size_t>(row.zeek->conn_state())];
        for (std::size_t i = 0; i < anomaly_count; ++i)
            s.anomalies[i] += row.anomalies.has(static_cast<Anomaly>(i)) ? 1u : 0u;
        if (row.times.has_handshake_time)
            s.handshake_times.push_back(row.times.handshake_time);
        count_tls(s, row);
    }
    std::sort(s.handshake_times.begin(), s.handshake_times.end());
    std::sort(s.tls_handshake_times.begin(), s.tls_handshake_times.end());
    return s;
}

std::int64_t percentile(const std::vector<std::int64_t> &sorted, unsigned p)
{
    // The smallest value with at least p% of the values at or below it.
    const std::size_t n = sorted.size();
    std::size_t rank = (static_cast<std::size_t>(p) * n + 99) / 100;
    rank = std::clamp<std::size_t>(rank, 1, n);
    return sorted[rank - 1];
}

std::string summary_text(const Summary &s, const TableContext &context)
{
    const std::size_t total = s.conversations;
    std::string out = rule;
    out += "TCP Lifecycle summary: " + std::to_string(total) + " conversation" + (total == 1 ? "" : "s") +
           " (final values)\n";
    out += "Filter: " + (context.filter.empty() ? std::string("none") : context.filter) + '\n';
    out += "                             Count   Share\n";
    out += "Handshake\n";
    for (std::size_t i = 0; i < handshake_verdict_count; ++i)
        out += count_line(handshake_verdict_name(static_cast<HandshakeVerdict>(i)), s.handshakes[i], total);
    out += "Close\n";
    for (std::size_t i = 0; i < close_verdict_count; ++i)
        out += count_line(close_verdict_name(static_cast<CloseVerdict>(i)), s.closes[i], total);
    out += "Zeek conn_state\n";
    for (std::size_t i = 0; i < zeek_conn_state_count; ++i) {
        if (s.conn_states[i] != 0)
            out += count_line(zeek_conn_state_name(static_cast<ZeekConnState>(i)), s.conn_states[i], total);
    }
    out += "Anomalies (conversations showing each)\n";
    bool any = false;
    for (std::size_t i = 0; i < anomaly_count; ++i) {
        if (s.anomalies[i] != 0) {
            out += count_line(anomaly_id(static_cast<Anomaly>(i)), s.anomalies[i], total);
            any = true;
        }
    }
    if (!any)
        out += "  none\n";
    out += "Handshake time (first SYN to the ACK completing the handshake), " +
           plural(s.handshake_times.size(), "handshake", "handshakes") + '\n';
    out += spread(s.handshake_times);
    out += tls_text(s);
    out += rule;
    return out;
}

} // namespace tcplife
