// All conversations of one capture, found in O(1) by Wireshark's dense tcp.stream index.
#pragma once

#include "tcp/annotation.hpp"
#include "conversation/anomaly.hpp"
#include "capture/chunked_array.hpp"
#include "tcp/observer.hpp"
#include "conversation/ledger.hpp"
#include "conversation/traffic.hpp"
#include "tcp/segment.hpp"
#include "capture/stream_map.hpp"
#include "zeek/zeek_conn.hpp"

#include <cstdint>
#include <vector>

namespace tcplife {

struct TrackerOptions {
    std::int64_t time_wait_ns = 60'000'000'000; // how long a side stays in TIME_WAIT
};

// Everything known about one tcp.stream.
// The observer (4-byte aligned, 140 bytes) and the anomalies fill 8-byte words together.
struct StreamRecord {
    Conversation observer;
    AnomalySet anomalies; // every anomaly its segments showed (not the end-of-capture ones)
    Ledger ledger;
    Traffic traffic; // each direction's counters
    ZeekConnection zeek; // Zeek's conn_state and history, as Zeek would log them
};

class Tracker {
public:
    explicit Tracker(TrackerOptions options = {}) : options_(options) {}

    // A segment without addresses (a tunnel's frame, see recall_addresses) gets its
    // stream's.
    Annotation observe(const Segment &segment);
    // Null for a stream no segment was observed on. A stream that has shown one segment
    // only is kept as that segment (a SYN flood's or a port scan's streams, most of them
    // never answered) and rebuilt here on demand: its record stays valid until the next
    // call of stream() or observe().
    const StreamRecord *stream(std::uint32_t index) const;
    // True when stream(index) rebuilds the record: whoever keeps it past the next call
    // must keep a copy (conversation_row does).
    bool rebuilds(std::uint32_t index) const;
    const TrackerOptions &options() const { return options_; }
    void clear();

private:
    // A stream's first segment, and what its SYN found in the TIME_WAIT table then (the
    // table changes later, so a rebuild must not look again).
    struct FirstSegment {
        Segment segment;
        std::uint32_t reused_stream = 0;
        bool reuses_time_wait = false;
    };
    // Where a stream's record is: 0 nowhere yet; otherwise a pool index + 1, in the pool
    // of first segments when the top bit is set, else in the pool of full records.
    using Slot = std::uint32_t;
    static constexpr Slot first_segment_slot = 0x8000'0000u;

    bool recall_addresses(Segment &segment) const;
    Annotation observe_known(const Segment &segment);
    Annotation observe_stream(StreamRecord &record, const Segment &segment, const FirstSegment *rebuilt);
    void rebuild(StreamRecord &record, const FirstSegment &first) const;
    FirstSegment find_reuse(const Segment &segment) const;

    TrackerOptions options_;
    ChunkedArray<Slot, 12> slots_;                  // by stream index
    ChunkedArray<StreamRecord, 8> records_;         // streams with two segments or more, 256 a chunk
    ChunkedArray<FirstSegment, 10> first_segments_; // streams with one; a slot freed on the second
    std::uint32_t records_used_ = 0;
    std::uint32_t first_segments_used_ = 0;
    std::vector<std::uint32_t> free_first_segments_;
    // The latest stream on each 4-tuple that entered TIME_WAIT, by a hash of the tuple.
    StreamMap time_wait_streams_;
    // The one-segment stream stream() rebuilt last.
    mutable StreamRecord rebuilt_;
    mutable std::uint32_t rebuilt_stream_ = 0;
    mutable bool has_rebuilt_ = false;
};

} // namespace tcplife
