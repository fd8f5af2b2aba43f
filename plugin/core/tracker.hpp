// All conversations of one capture, found in O(1) by Wireshark's dense tcp.stream index.
#pragma once

#include "annotation.hpp"
#include "anomaly.hpp"
#include "chunked_array.hpp"
#include "conversation.hpp"
#include "ledger.hpp"
#include "segment.hpp"
#include "stream_map.hpp"
#include "zeek_conn.hpp"

#include <cstdint>

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
    const TrackerOptions &options() const { return options_; }
    void clear();

private:
    StreamRecord &record(std::uint32_t index); // may throw std::bad_alloc
    StreamRecord *find(std::uint32_t index) const;
    void check_reuse(const Segment &segment, StreamRecord &record, Annotation &annotation) const;

    TrackerOptions options_;
    ChunkedArray<StreamRecord, 10> records_; // by stream index, 1,024 a chunk
    std::uint32_t stream_count_ = 0;
    // The latest stream on each 4-tuple that entered TIME_WAIT, by a hash of the tuple.
    StreamMap time_wait_streams_;
};

} // namespace tcplife
