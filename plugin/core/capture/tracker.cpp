#include "capture/tracker.hpp"

#include "conversation/time_wait.hpp"

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

Annotation Tracker::observe(const Segment &segment)
{
    if (segment.source.address.family == 0 && segment.destination.address.family == 0) {
        Segment recalled = segment;
        if (recall_addresses(recalled))
            return observe_known(recalled);
    }
    return observe_known(segment);
}

// A tunnel's frame: an IP layer inside the TCP payload has set the frame's addresses
// since, so the segment comes without those of the IP layer carrying it. The stream's
// two sockets are known from its earlier segments, and distinct ports tell which is
// which. A stream that a tunnel's frame opens starts with unknown addresses, which its
// later segments fill in (SocketAddress::matches, Ledger::record).
bool Tracker::recall_addresses(Segment &segment) const
{
    const StreamRecord *record = stream(segment.stream);
    if (record == nullptr || segment.source.port == segment.destination.port)
        return false;
    const SocketPair &sockets = record->ledger.facts().sockets;
    for (std::size_t side = 0; side < sockets.size(); ++side) {
        const SocketAddress &from = sockets[side];
        const SocketAddress &to = sockets[1 - side];
        if (from.port == segment.source.port && to.port == segment.destination.port) {
            segment.source.address = from.address;
            segment.destination.address = to.address;
            return true;
        }
    }
    return false;
}

Annotation Tracker::observe_known(const Segment &segment)
{
    Slot &slot = slots_.at(segment.stream);
    if (slot == 0) {
        // Kept as its first segment; the record it gives is the one stream() rebuilds.
        const FirstSegment first = find_reuse(segment);
        std::uint32_t index = first_segments_used_;
        if (!free_first_segments_.empty())
            index = free_first_segments_.back();
        first_segments_.at(index) = first;
        if (!free_first_segments_.empty())
            free_first_segments_.pop_back();
        else
            ++first_segments_used_;
        slot = first_segment_slot | (index + 1);
        has_rebuilt_ = false;
        rebuilt_ = StreamRecord{};
        const Annotation annotation = observe_stream(rebuilt_, segment, nullptr);
        rebuilt_stream_ = segment.stream;
        has_rebuilt_ = true;
        return annotation;
    }
    if ((slot & first_segment_slot) != 0) {
        // The second segment: the stream gets a full record, rebuilt from its first.
        const std::uint32_t first_index = (slot & ~first_segment_slot) - 1;
        StreamRecord &record = records_.at(records_used_);
        free_first_segments_.reserve(free_first_segments_.size() + 1);
        rebuild(record, first_segments_.at(first_index));
        free_first_segments_.push_back(first_index);
        slot = ++records_used_;
        if (free_first_segments_.size() == first_segments_used_) {
            // No stream waits on its second segment: give the pool's memory back (a burst
            // of openings would otherwise keep it at its highest).
            first_segments_.clear();
            first_segments_used_ = 0;
            std::vector<std::uint32_t>().swap(free_first_segments_);
        }
        if (rebuilt_stream_ == segment.stream)
            has_rebuilt_ = false;
    }
    return observe_stream(records_.at(slot - 1), segment, nullptr);
}

// One segment on one stream. `rebuilt`: the stream's first segment observed again, with
// what its SYN found then; only the record changes.
Annotation Tracker::observe_stream(StreamRecord &record, const Segment &segment, const FirstSegment *rebuilt)
{
    const bool first_segment = !record.ledger.facts().first.seen();
    Annotation annotation = record.observer.observe(segment, record.ledger.facts().sockets);
    if (record.ledger.goes_back_in_time(segment))
        annotation.notes |= note::time_backwards;
    if (first_segment && is_pure_syn(segment)) {
        const FirstSegment found = rebuilt != nullptr ? *rebuilt : find_reuse(segment);
        if (found.reuses_time_wait) {
            annotation.notes |= note::reuse_in_time_wait;
            record.ledger.record_reuse_of(found.reused_stream);
        }
        if (rebuilt == nullptr)
            time_wait_streams_.erase(tuple_key(segment)); // the tuple has a new incarnation now
    }
    record.ledger.record(segment, annotation);
    record.traffic.record(segment, annotation);
    record.anomalies |= segment_anomalies(annotation);
    record.zeek.observe(segment, record.ledger.facts().sockets);
    if (rebuilt == nullptr && entered_time_wait(annotation))
        time_wait_streams_.insert_or_assign(tuple_key(segment), segment.stream);
    return annotation;
}

void Tracker::rebuild(StreamRecord &record, const FirstSegment &first) const
{
    record = StreamRecord{};
    // observe_stream changes the tracker itself only when it is not rebuilding.
    const_cast<Tracker *>(this)->observe_stream(record, first.segment, &first);
}

// Wireshark starts a new stream for a SYN on a 4-tuple whose connection has closed;
// if a side of that connection is still in TIME_WAIT, the SYN cuts into it (RFC 9293
// 3.6.1 allows that only with a higher ISN or timestamps, RFC 6191).
Tracker::FirstSegment Tracker::find_reuse(const Segment &segment) const
{
    FirstSegment first{segment, 0, false};
    if (!is_pure_syn(segment))
        return first;
    const StreamMap::Lookup found = time_wait_streams_.find(tuple_key(segment));
    if (!found.found || found.stream == segment.stream)
        return first;
    // A stream in the table entered TIME_WAIT, so it has a full record.
    const Slot *earlier_slot = slots_.find(found.stream);
    if (earlier_slot == nullptr || *earlier_slot == 0 || (*earlier_slot & first_segment_slot) != 0)
        return first;
    const StreamRecord *earlier_record = records_.find(*earlier_slot - 1);
    if (earlier_record == nullptr)
        return first;
    const LedgerFacts &earlier = earlier_record->ledger.facts();
    if (!same_tuple(earlier, segment))
        return first;
    for (const SideFacts &side : earlier.sides) {
        if (side.state == TcpState::TimeWait &&
            still_in_time_wait(side.time_wait.time_ns, options_.time_wait_ns, segment.time_ns)) {
            first.reused_stream = found.stream;
            first.reuses_time_wait = true;
            return first;
        }
    }
    return first;
}

const StreamRecord *Tracker::stream(std::uint32_t index) const
{
    const Slot *slot = slots_.find(index);
    if (slot == nullptr || *slot == 0)
        return nullptr;
    if ((*slot & first_segment_slot) == 0)
        return records_.find(*slot - 1);
    if (!has_rebuilt_ || rebuilt_stream_ != index) {
        const FirstSegment *first = first_segments_.find((*slot & ~first_segment_slot) - 1);
        if (first == nullptr)
            return nullptr;
        has_rebuilt_ = false;
        rebuild(rebuilt_, *first);
        rebuilt_stream_ = index;
        has_rebuilt_ = true;
    }
    return &rebuilt_;
}

bool Tracker::rebuilds(std::uint32_t index) const
{
    const Slot *slot = slots_.find(index);
    return slot != nullptr && (*slot & first_segment_slot) != 0;
}

void Tracker::clear()
{
    slots_.clear();
    records_.clear();
    first_segments_.clear();
    records_used_ = first_segments_used_ = 0;
    std::vector<std::uint32_t>().swap(free_first_segments_);
    time_wait_streams_.clear();
    rebuilt_ = StreamRecord{};
    has_rebuilt_ = false;
}

} // namespace tcplife
