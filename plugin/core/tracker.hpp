// All conversations of one capture, found in O(1) by Wireshark's dense tcp.stream index.
#pragma once

#include "annotation.hpp"
#include "anomaly.hpp"
#include "conversation.hpp"
#include "ledger.hpp"
#include "segment.hpp"
#include "stream_map.hpp"
#include "zeek_conn.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace tcplife {

struct TrackerOptions {
    std::int64_t time_wait_ns = 60'000'000'000; // how long a side stays in TIME_WAIT
};

// Everything known about one tcp.stream.
struct StreamRecord {
    Conversation observer;
    Ledger ledger;
    ZeekConnection zeek; // Zeek's conn_state and history, as Zeek would log them
    AnomalySet anomalies; // every anomaly its segments showed (not the end-of-capture ones)
};

class Tracker {
public:
    explicit Tracker(TrackerOptions options = {}) : options_(options) {}

    Annotation observe(const Segment &segment);
    // Null for a stream no segment was observed on.
    const StreamRecord *stream(std::uint32_t index) const;
    // One more than the highest stream index observed.
    std::uint32_t stream_count() const { return stream_count_; }
    void clear();

private:
    // Records by stream index, in fixed-size chunks: growing never copies what is there,
    // so memory never peaks at twice the records as a growing vector would, and at most
    // one chunk is allocated ahead of need.
    static constexpr std::size_t chunk_bits = 10;
    static constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
    using Chunk = std::array<StreamRecord, chunk_size>;

    StreamRecord &record(std::uint32_t index); // may throw std::bad_alloc
    StreamRecord *find(std::uint32_t index) const;
    void check_reuse(const Segment &segment, StreamRecord &record, Annotation &annotation) const;

    TrackerOptions options_;
    std::vector<std::unique_ptr<Chunk>> chunks_;
    std::uint32_t stream_count_ = 0;
    // The latest stream on each 4-tuple that entered TIME_WAIT, by a hash of the tuple.
    StreamMap time_wait_streams_;
};

} // namespace tcplife
