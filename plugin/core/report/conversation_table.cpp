#include "report/conversation_table.hpp"

#include "text/socket_text.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace tcplife {
namespace {


std::string anomaly_list(AnomalySet anomalies, char separator)
{
    std::string list;
    for (std::size_t i = 0; i < anomaly_count; ++i) {
        const auto anomaly = static_cast<Anomaly>(i);
        if (!anomalies.has(anomaly))
            continue;
        if (!list.empty())
            list += separator;
        list += anomaly_id(anomaly);
    }
    return list;
}

// Fields absent from the conversation tree when nobody did it.
std::string party_or_empty(Party party)
{
    return party == Party::None ? std::string() : party_name(party);
}

std::string history_of(const ZeekConnection &zeek)
{
    return std::string(zeek.history());
}

// The values every format shares, in csv_columns order; empty means unknown.
std::vector<std::string> row_values(const ConversationRow &row)
{
    const LedgerFacts &f = *row.facts;
    const Timings &t = row.times;
    return {
        std::to_string(row.stream),
        socket_text(f.client_socket()).data(),
        socket_text(f.server_socket()).data(),
        f.roles_guessed ? "yes" : "no",
        handshake_verdict_name(row.verdict.handshake),
        close_verdict_name(row.verdict.close),
        party_or_empty(row.verdict.initiator),
        party_or_empty(row.verdict.reset_by),
        party_name(row.verdict.time_wait),
        zeek_conn_state_name(row.zeek->conn_state()),
        history_of(*row.zeek),
        seconds_text(f.earliest_ns),
        seconds_text(t.duration),
        t.has_irtt() ? seconds_text(t.irtt()) : std::string(),
        t.has_handshake_time ? seconds_text(t.handshake_time) : std::string(),
        std::to_string(f.client().bytes),
        std::to_string(f.server().bytes),
        std::to_string(row.observer->client_segments()),
        std::to_string(row.observer->server_segments()),
        anomaly_list(row.anomalies, ' '),
    };
}

enum Column : std::size_t {
    StreamColumn, Client, Server, RolesGuessed, Handshake, Close, Initiator, ResetBy, TimeWait, ConnState, History,
    Start, Duration, Irtt, HandshakeTime, BytesClient, BytesServer, SegmentsClient, SegmentsServer, Anomalies,
    ColumnCount
};

// RFC 4180: quote a field holding a comma, quote or line break.
std::string csv_field(const std::string &value)
{
    if (value.find_first_of(",\"\r\n") == std::string::npos)
        return value;
    std::string quoted = "\"";
    for (char ch : value) {
        if (ch == '"')
            quoted += '"';
        quoted += ch;
    }
    return quoted + '"';
}

// Zeek's log header time: "2026-11-21-14-05-09", UTC here so output does not depend on the machine.
std::string zeek_header_time(std::int64_t ns)
{
    const std::time_t seconds = static_cast<std::time_t>(ns / ns_per_second);
    std::tm utc{};
    char text[32] = "-";
    if (gmtime_r(&seconds, &utc) != nullptr)
        std::strftime(text, sizeof text, "%Y-%m-%d-%H-%M-%S", &utc);
    return text;
}

// Zeek's uids are random; these are derived from the conversation instead, so the same
// capture always gives the same ids and ids from different captures do not collide.
std::string zeek_uid(const ConversationRow &row)
{
    std::uint64_t hash = 1469598103934665603ull; // FNV-1a
    auto mix = [&hash](std::uint64_t value) {
        for (int i = 0; i < 8; ++i) {
            hash ^= (value >> (8 * i)) & 0xff;
            hash *= 1099511628211ull;
        }
    };
    mix(static_cast<std::uint64_t>(row.facts->earliest_ns));
    mix(row.stream);
    const SocketPair &sockets = row.facts->sockets;
    for (const SocketAddress *socket : {&row.zeek->originator(sockets), &row.zeek->responder(sockets)}) {
        for (std::uint8_t byte : socket->address.bytes)
            mix(byte);
        mix(socket->port);
    }
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string uid = "C";
    for (int i = 0; i < 11; ++i, hash /= 62)
        uid += digits[hash % 62];
    return uid;
}

} // namespace

std::string seconds_text(std::int64_t ns)
{
    const bool negative = ns < 0;
    const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    const std::uint64_t micros = (magnitude + 500) / 1000;
    char text[40];
    std::snprintf(text, sizeof text, "%s%" PRIu64 ".%06" PRIu64, negative ? "-" : "", micros / 1'000'000,
                  micros % 1'000'000);
    return text;
}

const char *const csv_columns[] = {
    "stream",    "client",        "server",       "roles_guessed", "handshake",    "close",
    "initiator", "reset_by",      "time_wait",    "conn_state",    "history",      "ts",
    "duration",  "irtt",          "handshake_time", "bytes_client", "bytes_server", "segments_client",
    "segments_server", "anomalies",
};
const std::size_t csv_column_count = sizeof csv_columns / sizeof csv_columns[0];
static_assert(sizeof csv_columns / sizeof csv_columns[0] == ColumnCount, "one CSV name per column");

std::string conversation_table_text(const std::vector<ConversationRow> &rows, const TableContext &context)
{
    static const char *const headings[ColumnCount] = {
        "Stream", "Client", "Server", "Guessed", "Handshake", "Close", "Initiator", "Reset by", "TIME_WAIT",
        "Zeek", "History", "Start", "Duration", "iRTT", "HS time", "Bytes c>s", "Bytes s>c", "Segs c>s",
        "Segs s>c", "Anomalies"};
    // Columns a person reads; roles_guessed shows as a '*' after the client instead.
    static const Column shown[] = {StreamColumn, Client,   Server,    Handshake,   Close,       Initiator,
                                   ResetBy,      TimeWait, ConnState, History,     Start,       Duration,
                                   Irtt,         BytesClient, BytesServer, Anomalies};
    static const Column right_aligned[] = {StreamColumn, Start, Duration, Irtt, BytesClient, BytesServer};

    std::vector<std::vector<std::string>> table;
    table.emplace_back();
    for (Column column : shown)
        table.back().push_back(headings[column]);
    for (const ConversationRow &row : rows) {
        std::vector<std::string> values = row_values(row);
        if (row.facts->roles_guessed)
            values[Client] += '*';
        // A conversation timestamped before the capture's first frame starts at zero.
        values[Start] = seconds_text(elapsed_ns(context.capture_start_ns, row.facts->earliest_ns));
        values[Anomalies] = anomaly_list(row.anomalies, ',');
        table.emplace_back();
        for (Column column : shown)
            table.back().push_back(values[column].empty() ? "-" : values[column]);
    }
    std::vector<std::size_t> widths(std::size(shown), 0);
    for (const auto &line : table)
        for (std::size_t i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], line[i].size());

    std::string out = "================================================================================\n";
    out += "TCP Lifecycle conversations: " + std::to_string(rows.size()) + " (final values)\n";
    out += "Filter: " + (context.filter.empty() ? std::string("none") : context.filter) + '\n';
    out += "Start is seconds since the first frame; * after the client: roles guessed from the ports "
           "(no handshake seen)\n";
    for (const auto &line : table) {
        std::string text;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const bool right =
                std::find(std::begin(right_aligned), std::end(right_aligned), shown[i]) != std::end(right_aligned);
            const std::string padding(widths[i] - line[i].size(), ' ');
            if (i != 0)
                text += "  ";
            text += right ? padding + line[i] : line[i] + padding;
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out += text + '\n';
    }
    out += "================================================================================\n";
    return out;
}

std::string conversation_table_csv(const std::vector<ConversationRow> &rows)
{
    std::string out;
    for (std::size_t i = 0; i < csv_column_count; ++i)
        out += (i == 0 ? "" : ",") + std::string(csv_columns[i]);
    out += '\n';
    for (const ConversationRow &row : rows) {
        const std::vector<std::string> values = row_values(row);
        for (std::size_t i = 0; i < values.size(); ++i)
            out += (i == 0 ? "" : ",") + csv_field(values[i]);
        out += '\n';
    }
    return out;
}

std::string conversation_table_zeek(const std::vector<ConversationRow> &rows, const TableContext &context)
{
    std::int64_t closed_ns = context.capture_start_ns;
    for (const ConversationRow &row : rows)
        closed_ns = std::max(closed_ns, row.facts->latest_ns);
    std::string out = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n";
    out += "#open\t" + zeek_header_time(context.capture_start_ns) + '\n';
    out += "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
           "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
           "resp_pkts\tresp_ip_bytes\ttunnel_parents\n";
    out += "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
           "count\tstring\tcount\tcount\tcount\tcount\tset[string]\n";
    for (const ConversationRow &row : rows) {
        const ZeekConnection &zeek = *row.zeek;
        const SocketAddress &originator = zeek.originator(row.facts->sockets);
        const SocketAddress &responder = zeek.responder(row.facts->sockets);
        const std::int64_t duration = row.times.duration;
        // Zeek logs duration and byte counts only for a connection that lasted (conn/main.zeek).
        const bool lasted = duration > 0;
        const std::string history = history_of(zeek);
        const std::vector<std::string> fields = {
            seconds_text(row.facts->earliest_ns),
            zeek_uid(row),
            address_text(originator.address).data(),
            std::to_string(originator.port),
            address_text(responder.address).data(),
            std::to_string(responder.port),
            "tcp",
            "-", // service: tcplife does no protocol detection
            lasted ? seconds_text(duration) : "-",
            lasted ? std::to_string(zeek.originator_bytes()) : "-",
            lasted ? std::to_string(zeek.responder_bytes()) : "-",
            zeek_conn_state_name(zeek.conn_state()),
            "-", // local_orig, local_resp: no Site::local_nets here
            "-",
            "-", // missed_bytes: not measured
            history.empty() ? "(empty)" : history,
            std::to_string(zeek.originator_packets()),
            "-", // orig_ip_bytes: IP lengths are not read
            std::to_string(zeek.responder_packets()),
            "-",
            "-", // tunnel_parents
        };
        for (std::size_t i = 0; i < fields.size(); ++i)
            out += (i == 0 ? "" : "\t") + fields[i];
        out += '\n';
    }
    out += "#close\t" + zeek_header_time(closed_ns) + '\n';
    return out;
}

} // namespace tcplife
