#include "capture/conversation_row.hpp"

#include "conversation/capture_time.hpp"

namespace tcplife {

TlsTimes tls_times(const TlsFacts &tls, const LedgerFacts &facts)
{
    TlsTimes times;
    if (tls.end_ns == 0)
        return times;
    times.ended = true;
    times.handshake_ns = saturating_difference(tls.end_ns, tls.first_hello_ns);
    if (facts.handshake_ack.frame != 0) {
        times.has_after_tcp = true;
        times.after_tcp_ns = saturating_difference(tls.end_ns, facts.handshake_ack.time_ns);
    }
    return times;
}

std::optional<ConversationRow> conversation_row(const Tracker &tracker, std::uint32_t stream)
{
    const StreamRecord *found = tracker.stream(stream);
    if (found == nullptr)
        return std::nullopt;
    ConversationRow row;
    if (tracker.rebuilds(stream))
        row.kept = std::make_shared<const StreamRecord>(*found);
    const StreamRecord &record = row.kept ? *row.kept : *found;
    row.stream = stream;
    row.facts = &record.ledger.facts();
    row.observer = &record.observer;
    row.zeek = &record.zeek;
    row.traffic = &record.traffic;
    row.verdict = judge(*row.facts);
    row.times = timings(*row.facts);
    row.anomalies = record.anomalies;
    row.anomalies |= row.verdict.end_of_capture;
    return row;
}

} // namespace tcplife
