#include "report/conversation_table.hpp"
#include "report/zeek_log.hpp"

#include "text/socket_text.hpp"
#include "text/tls_text.hpp"
#include "zeek/service.hpp"

#include <algorithm>
#include <array>
#include <utility>
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

// A count Wireshark's TCP analysis decides: unknown, not 0, where it did not run.
std::string analysed_count(const Traffic &traffic, std::uint64_t count)
{
    return traffic.analysed() ? std::to_string(count) : std::string();
}

std::string rtt_text(const RttSamples &samples, std::int64_t ns)
{
    return samples.count == 0 ? std::string() : seconds_text(ns);
}

std::string ip_bytes_text(const DirectionCounters &side)
{
    return side.ip_unknown != 0 ? std::string() : std::to_string(side.ip_bytes);
}

// "TLS 1.3 complete", "alert", "none": the people's table's TLS column.
std::string tls_shown(const std::string &version, const std::string &handshake)
{
    return version.empty() ? handshake : version + ' ' + handshake;
}

// "2/0": the client's and the server's count, for the people's table.
std::string pair_text(const std::string &client, const std::string &server)
{
    if (client.empty() && server.empty())
        return std::string();
    return (client.empty() ? "-" : client) + '/' + (server.empty() ? "-" : server);
}

template <std::size_t Capacity> std::string name_or_empty(const TlsName<Capacity> &name)
{
    return name.empty() ? std::string() : std::string(name.text.data());
}

enum Column : std::size_t {
    StreamColumn, Client, Server, RolesGuessed, Handshake, Close, Initiator, ResetBy, TimeWait, ConnState, History,
    Start, Duration, Irtt, HandshakeTime, BytesClient, BytesServer, SegmentsClient, SegmentsServer,
    RetransmissionsClient, RetransmissionsServer, RetransmittedBytesClient, RetransmittedBytesServer,
    DuplicateAcksClient, DuplicateAcksServer, ZeroWindowsClient, ZeroWindowsServer, OutOfOrderClient,
    OutOfOrderServer, SackClient, SackServer, RttMinClient, RttAvgClient, RttMaxClient, RttMinServer, RttAvgServer,
    RttMaxServer, ThroughputClient, ThroughputServer, IpBytesClient, IpBytesServer, Application, Anomalies,
    TlsHandshakeColumn, TlsVersionColumn, TlsSteps, TlsTime, TlsAfterTcp, TlsSni, TlsAlpn, TlsCipher, TlsAlert,
    ColumnCount,
    // The people's table shows each pair in one column, and TLS's version and outcome in one.
    RetransmissionsPair = ColumnCount, DuplicateAcksPair, ZeroWindowsPair, OutOfOrderPair, SackPair, TlsShown,
    ShownColumnCount
};

constexpr std::size_t tls_column_count = 9; // tls_handshake to tls_alert

// The TLS columns, in csv_columns order, after `values`: all empty where the capture did
// not follow TLS (tcplife.tls_handshakes off), "none" for a conversation without TLS.
void append_tls_values(std::vector<std::string> &values, const ConversationRow &row)
{
    const TlsOutcome outcome = row.tls != nullptr ? row.tls->outcome : TlsOutcome::None;
    if (!row.tls_followed || outcome == TlsOutcome::None) {
        values.emplace_back(row.tls_followed ? tls_outcome_name(TlsOutcome::None) : "");
        values.resize(values.size() + tls_column_count - 1);
        return;
    }
    const TlsFacts &tls = *row.tls;
    const TlsTimes &times = row.tls_times;
    values.emplace_back(tls_outcome_name(tls.outcome));
    values.emplace_back(tls.version != 0 ? tls_version_name(tls.version) : "");
    values.push_back(std::to_string(tls.steps));
    values.push_back(times.ended ? seconds_text(times.handshake_ns) : std::string());
    values.push_back(times.has_after_tcp ? seconds_text(times.after_tcp_ns) : std::string());
    values.push_back(name_or_empty(tls.server_name));
    values.push_back(name_or_empty(tls.alpn));
    values.push_back(tls.has_cipher_suite ? name_or_empty(tls.cipher_suite_name) : std::string());
    values.push_back(tls.has_alert ? name_or_empty(tls.alert_name) : std::string());
}

// The values every format shares, in csv_columns order; empty means unknown.
std::vector<std::string> row_values(const ConversationRow &row)
{
    const LedgerFacts &f = *row.facts;
    const Timings &t = row.times;
    const Traffic &traffic = *row.traffic;
    const DirectionCounters &c = traffic.side(0);
    const DirectionCounters &s = traffic.side(1);
    // Room for the people's table's columns too: no value is moved again.
    std::vector<std::string> values;
    values.reserve(ShownColumnCount);
    values.insert(values.end(), {
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
        analysed_count(traffic, c.retransmissions),
        analysed_count(traffic, s.retransmissions),
        analysed_count(traffic, c.retransmitted_bytes),
        analysed_count(traffic, s.retransmitted_bytes),
        analysed_count(traffic, c.duplicate_acks),
        analysed_count(traffic, s.duplicate_acks),
        analysed_count(traffic, c.zero_windows),
        analysed_count(traffic, s.zero_windows),
        analysed_count(traffic, c.out_of_order),
        analysed_count(traffic, s.out_of_order),
        std::to_string(c.sack_segments),
        std::to_string(s.sack_segments),
        rtt_text(c.rtt, c.rtt.min_ns),
        rtt_text(c.rtt, c.rtt.average_ns()),
        rtt_text(c.rtt, c.rtt.max_ns),
        rtt_text(s.rtt, s.rtt.min_ns),
        rtt_text(s.rtt, s.rtt.average_ns()),
        rtt_text(s.rtt, s.rtt.max_ns),
        t.duration > 0 ? std::to_string(throughput_bits_per_second(f.client().bytes, t.duration)) : std::string(),
        t.duration > 0 ? std::to_string(throughput_bits_per_second(f.server().bytes, t.duration)) : std::string(),
        ip_bytes_text(c),
        ip_bytes_text(s),
        traffic.application_protocol() != nullptr ? traffic.application_protocol() : "",
        anomaly_list(row.anomalies, ' '),
    });
    append_tls_values(values, row);
    return values;
}


// RFC 4180: quote a field holding a comma, quote or line break.
void append_csv_field(std::string &out, const std::string &value)
{
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        out += value;
        return;
    }
    out += '"';
    for (char ch : value) {
        if (ch == '"')
            out += '"';
        out += ch;
    }
    out += '"';
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
    "segments_server", "retransmissions_client", "retransmissions_server", "retransmitted_bytes_client",
    "retransmitted_bytes_server", "duplicate_acks_client", "duplicate_acks_server", "zero_windows_client",
    "zero_windows_server", "out_of_order_client", "out_of_order_server", "sack_segments_client",
    "sack_segments_server", "rtt_min_client", "rtt_avg_client", "rtt_max_client", "rtt_min_server",
    "rtt_avg_server", "rtt_max_server", "throughput_client", "throughput_server", "ip_bytes_client",
    "ip_bytes_server", "application", "anomalies", "tls_handshake", "tls_version", "tls_steps", "tls_time",
    "tls_after_tcp", "tls_sni", "tls_alpn", "tls_cipher", "tls_alert",
};
const std::size_t csv_column_count = sizeof csv_columns / sizeof csv_columns[0];
static_assert(sizeof csv_columns / sizeof csv_columns[0] == ColumnCount, "one CSV name per column");
static_assert(TlsAlert + 1 - TlsHandshakeColumn == tls_column_count, "append_tls_values gives every TLS column");

namespace {

// The people's table's headings, for the columns it shows.
constexpr const char *heading(Column column)
{
    switch (column) {
    case StreamColumn: return "Stream";
    case Client: return "Client";
    case Server: return "Server";
    case Handshake: return "Handshake";
    case Close: return "Close";
    case Initiator: return "Initiator";
    case ResetBy: return "Reset by";
    case TimeWait: return "TIME_WAIT";
    case ConnState: return "Zeek";
    case History: return "History";
    case Start: return "Start";
    case Duration: return "Duration";
    case Irtt: return "iRTT";
    case BytesClient: return "Bytes c>s";
    case BytesServer: return "Bytes s>c";
    case RetransmissionsPair: return "Retrans c/s";
    case DuplicateAcksPair: return "Dup ACK c/s";
    case ZeroWindowsPair: return "Zero win c/s";
    case OutOfOrderPair: return "Out of order c/s";
    case SackPair: return "SACK c/s";
    case RttAvgClient: return "RTT c>s";
    case RttAvgServer: return "RTT s>c";
    case Anomalies: return "Anomalies";
    case TlsShown: return "TLS";
    case TlsTime: return "TLS time";
    default: return "";
    }
}

} // namespace

namespace {

// The people's table's columns: -z tcplife,conv and the GUI's Conversations dialog. The
// client's '*' stands for roles_guessed; an RTT is the average (the CSV has min and max).
constexpr Column people_shown[] = {StreamColumn, Client, Server, Handshake, Close, Initiator, ResetBy, TimeWait,
                                   ConnState, History, Start, Duration, Irtt, BytesClient, BytesServer,
                                   RetransmissionsPair, DuplicateAcksPair, ZeroWindowsPair, OutOfOrderPair, SackPair,
                                   RttAvgClient, RttAvgServer, TlsShown, TlsTime, Anomalies};

constexpr PeopleColumnKind kind_of(Column column)
{
    switch (column) {
    case StreamColumn: return PeopleColumnKind::Stream;
    case BytesClient:
    case BytesServer: return PeopleColumnKind::Count;
    case Start:
    case Duration: return PeopleColumnKind::Seconds;
    case Irtt:
    case TlsTime:
    case RttAvgClient:
    case RttAvgServer: return PeopleColumnKind::SecondsIfKnown;
    case RetransmissionsPair:
    case DuplicateAcksPair:
    case ZeroWindowsPair:
    case OutOfOrderPair:
    case SackPair: return PeopleColumnKind::Pair;
    default: return PeopleColumnKind::Text;
    }
}

template <std::size_t... I> constexpr auto make_people_columns(std::index_sequence<I...>)
{
    return std::array<PeopleColumn, sizeof...(I)>{
        PeopleColumn{heading(people_shown[I]), kind_of(people_shown[I])}...};
}

} // namespace

const std::array<PeopleColumn, people_column_count> people_columns =
    make_people_columns(std::make_index_sequence<std::size(people_shown)>{});
static_assert(std::size(people_shown) == people_column_count, "one heading per shown column");

std::vector<std::vector<std::string>> people_table_cells(const std::vector<ConversationRow> &rows,
                                                         const TableContext &context)
{
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (const ConversationRow &row : rows) {
        std::vector<std::string> values = row_values(row);
        if (row.facts->roles_guessed)
            values[Client] += '*';
        // A conversation timestamped before the capture's first frame starts at zero.
        values[Start] = seconds_text(elapsed_ns(context.capture_start_ns, row.facts->earliest_ns));
        values[Anomalies] = anomaly_list(row.anomalies, ',');
        values.resize(ShownColumnCount);
        values[RetransmissionsPair] = pair_text(values[RetransmissionsClient], values[RetransmissionsServer]);
        values[DuplicateAcksPair] = pair_text(values[DuplicateAcksClient], values[DuplicateAcksServer]);
        values[ZeroWindowsPair] = pair_text(values[ZeroWindowsClient], values[ZeroWindowsServer]);
        values[OutOfOrderPair] = pair_text(values[OutOfOrderClient], values[OutOfOrderServer]);
        values[SackPair] = pair_text(values[SackClient], values[SackServer]);
        values[TlsShown] = tls_shown(values[TlsVersionColumn], values[TlsHandshakeColumn]);
        cells.emplace_back();
        for (Column column : people_shown)
            cells.back().push_back(values[column].empty() ? "-" : values[column]);
    }
    return cells;
}

std::string conversation_table_text(const std::vector<ConversationRow> &rows, const TableContext &context)
{
    std::vector<std::vector<std::string>> table = people_table_cells(rows, context);
    std::vector<std::string> headings;
    for (const PeopleColumn &column : people_columns)
        headings.push_back(column.heading);
    table.insert(table.begin(), headings);
    std::vector<std::size_t> widths(people_column_count, 0);
    for (const auto &line : table)
        for (std::size_t i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], line[i].size());

    std::string out = "================================================================================\n";
    out += "TCP Lifecycle conversations: " + std::to_string(rows.size()) + " (final values)\n";
    out += "Filter: " + (context.filter.empty() ? std::string("none") : context.filter) + '\n';
    out += "Start is seconds since the first frame; * after the client: roles guessed from the ports "
           "(no handshake seen)\n";
    out += "c/s: the client's and the server's segments; RTT: average, of the data each side sent "
           "(- where Wireshark's TCP analysis is off)\n";
    out += "TLS: version and handshake, time from the first ClientHello byte to the end of the handshake "
           "(- where tcplife.tls_handshakes is off)\n";
    for (const auto &line : table) {
        std::string text;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const std::string padding(widths[i] - line[i].size(), ' ');
            if (i != 0)
                text += "  ";
            text += people_columns[i].kind == PeopleColumnKind::Text ? line[i] + padding : padding + line[i];
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
    out.reserve(256 * (rows.size() + 1)); // a row is about 200 characters
    for (std::size_t i = 0; i < csv_column_count; ++i)
        out += (i == 0 ? "" : ",") + std::string(csv_columns[i]);
    out += '\n';
    for (const ConversationRow &row : rows) {
        const std::vector<std::string> values = row_values(row);
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i != 0)
                out += ',';
            append_csv_field(out, values[i]);
        }
        out += '\n';
    }
    return out;
}

std::string conversation_table_zeek(const std::vector<ConversationRow> &rows, const TableContext &context)
{
    std::string out = zeek_log_header(
        "conn", context.capture_start_ns,
        "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
        "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
        "resp_pkts\tresp_ip_bytes\ttunnel_parents",
        "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
        "count\tstring\tcount\tcount\tcount\tcount\tset[string]");
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
            zeek_service_name(row.traffic->application_protocol()) != nullptr
                ? zeek_service_name(row.traffic->application_protocol())
                : "-",
            lasted ? seconds_text(duration) : "-",
            lasted ? std::to_string(zeek.originator_bytes()) : "-",
            lasted ? std::to_string(zeek.responder_bytes()) : "-",
            zeek_conn_state_name(zeek.conn_state()),
            "-", // local_orig, local_resp: no Site::local_nets here
            "-",
            std::to_string(zeek.missed_bytes()),
            history.empty() ? "(empty)" : history,
            std::to_string(zeek.originator_packets()),
            zeek.ip_bytes_known() ? std::to_string(zeek.originator_ip_bytes()) : "-",
            std::to_string(zeek.responder_packets()),
            zeek.ip_bytes_known() ? std::to_string(zeek.responder_ip_bytes()) : "-",
            "-", // tunnel_parents
        };
        append_zeek_record(out, fields);
    }
    return out + zeek_log_close(rows, context.capture_start_ns);
}

} // namespace tcplife
