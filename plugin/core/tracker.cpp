#include "tracker.hpp"

#include <utility>

namespace tcplife {
namespace {

std::uint64_t hash_socket(const SocketAddress &socket)
{
    std::uint64_t hash = 1469598103934665603ull; // FNV-1a
    auto mix = [&hash](std::uint8_t byte) {
        hash ^= byte;
        hash *= 1099511628211ull;
    };
    mix(socket.address.family);
    for (std::uint8_t byte : socket.address.bytes)
        mix(byte);
    mix(static_cast<std::uint8_t>(socket.port >> 8));
    mix(static_cast<std::uint8_t>(socket.port));
    return hash;
}

// The same for both directions of a conversation.
std::uint64_t tuple_key(const Segment &segment)
{
    std::uint64_t a = hash_socket(segment.source);
    std::uint64_t b = hash_socket(segment.destination);
    if (a > b)
        std::swap(a, b);
    return a * 31 + b;
}

bool is_pure_syn(const Segment &segment)
{
    return segment.has(tcp_flag::syn) && !segment.has(tcp_flag::ack | tcp_flag::rst);
}

bool entered_time_wait(const Annotation &a)
{
    return (a.client_after == TcpState::TimeWait && a.client_before != TcpState::TimeWait) ||
           (a.server_after == TcpState::TimeWait && a.server_before != TcpState::TimeWait);
}

bool same_tuple(const LedgerFacts &facts, const Segment &segment)
{
    const SocketAddress &client = facts.client_socket();
    const SocketAddress &server = facts.server_socket();
    return (client == segment.source && server == segment.destination) ||
           (client == segment.destination && server == segment.source);
}

} // namespace

StreamRecord &Tracker::record(std::uint32_t index)
{
    StreamRecord &found = records_.at(index);
    if (index >= stream_count_)
        stream_count_ = index + 1;
    return found;
}

StreamRecord *Tracker::find(std::uint32_t index) const { return records_.find(index); }

Annotation Tracker::observe(const Segment &segment)
{
    StreamRecord &record = this->record(segment.stream);
    const bool first_segment = !record.ledger.facts().first.seen();
    Annotation annotation = record.observer.observe(segment, record.ledger.facts().sockets);
    if (record.ledger.goes_back_in_time(segment))
        annotation.notes |= note::time_backwards;
    if (first_segment && is_pure_syn(segment)) {
        check_reuse(segment, record, annotation);
        time_wait_streams_.erase(tuple_key(segment)); // the tuple has a new incarnation now
    }
    record.ledger.record(segment, annotation);
    record.anomalies |= segment_anomalies(annotation);
    record.zeek.observe(segment, record.ledger.facts().sockets);
    if (entered_time_wait(annotation))
        time_wait_streams_.insert_or_assign(tuple_key(segment), segment.stream);
    return annotation;
}

// Wireshark starts a new stream for a SYN on a 4-tuple whose connection has closed;
// if a side of that connection is still in TIME_WAIT, the SYN cuts into it (RFC 9293
// 3.6.1 allows that only with a higher ISN or timestamps, RFC 6191).
void Tracker::check_reuse(const Segment &segment, StreamRecord &record, Annotation &annotation) const
{
    const StreamMap::Lookup found = time_wait_streams_.find(tuple_key(segment));
    if (!found.found || found.stream == segment.stream)
        return;
    const StreamRecord *earlier_record = find(found.stream);
    if (earlier_record == nullptr)
        return;
    const LedgerFacts &earlier = earlier_record->ledger.facts();
    if (!same_tuple(earlier, segment))
        return;
    for (const SideFacts &side : earlier.sides) {
        if (side.state == TcpState::TimeWait &&
            still_in_time_wait(side.time_wait.time_ns, options_.time_wait_ns, segment.time_ns)) {
            annotation.notes |= note::reuse_in_time_wait;
            record.ledger.record_reuse_of(found.stream);
            return;
        }
    }
}

const StreamRecord *Tracker::stream(std::uint32_t index) const
{
    const StreamRecord *found = find(index);
    if (found == nullptr || !found->ledger.facts().first.seen())
        return nullptr;
    return found;
}

void Tracker::clear()
{
    records_.clear();
    stream_count_ = 0;
    time_wait_streams_.clear();
}

} // namespace tcplife
