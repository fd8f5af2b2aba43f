// What each direction of a conversation sent, counted the way tcptrace, Zeek's conn.log
// and Wireshark's Conversations dialog count it: retransmissions, duplicate ACKs,
// zero-window advertisements, out-of-order segments, SACK blocks, IP bytes and the ACK
// round-trip times after the handshake. Which segment is a retransmission or a
// duplicate ACK is Wireshark's TCP analysis's call (Segment::analysis); this only adds up.
#pragma once

#include "conversation/ledger.hpp"
#include "tcp/annotation.hpp"
#include "tcp/rare_block.hpp"
#include "tcp/segment.hpp"

#include <array>
#include <cstdint>

namespace tcplife {

// Round-trip times of one direction's data: from a data segment to the peer's ACK of it.
struct RttSamples {
    std::int64_t min_ns = 0;
    std::int64_t max_ns = 0;
    std::int64_t sum_ns = 0; // saturating
    std::uint32_t count = 0;

    std::int64_t average_ns() const { return count == 0 ? 0 : sum_ns / count; }
};

// One direction, by the side that sent its segments.
struct DirectionCounters {
    Count64 retransmitted_bytes = 0; // payload of its retransmitted segments
    Count64 ip_bytes = 0;            // IP packet lengths of its segments, where known
    RttSamples rtt;                  // of the data it sent
    std::uint32_t retransmissions = 0;
    std::uint32_t duplicate_acks = 0;
    std::uint32_t zero_windows = 0;  // segments advertising a zero window
    std::uint32_t out_of_order = 0;
    std::uint32_t sack_segments = 0; // segments carrying SACK blocks
    std::uint32_t ip_unknown = 0;    // segments whose IP length was not known
};

class Traffic {
public:
    // May throw std::bad_alloc (the first count of a rare event).
    void record(const Segment &segment, const Annotation &annotation);

    // [0] client, [1] server, as the ledger's sides.
    DirectionCounters side(std::size_t index) const;
    // Whether Wireshark's TCP analysis ran on its segments: without it (the
    // tcp.analyze_sequence_numbers preference off) the counters it decides are unknown,
    // not zero.
    bool analysed() const { return analysed_; }
    // The first application protocol its segments carried (SegmentAnalysis), or null.
    const char *application_protocol() const { return application_protocol_; }

private:
    // What every conversation with data has; 4-byte aligned, so that the two sides
    // need no padding.
    struct __attribute__((packed, aligned(4))) Common {
        std::int64_t rtt_min_ns = 0;
        std::int64_t rtt_max_ns = 0;
        std::int64_t rtt_sum_ns = 0; // saturating
        std::uint32_t rtt_count = 0;
        Count64 ip_bytes = 0;
    };
    // Counts that stay 0 in most conversations.
    struct Rare {
        Count64 retransmitted_bytes = 0;
        std::uint32_t retransmissions = 0;
        std::uint32_t duplicate_acks = 0;
        std::uint32_t zero_windows = 0;
        std::uint32_t out_of_order = 0;
        std::uint32_t sack_segments = 0;
        std::uint32_t ip_unknown = 0;
    };

    Rare &rare(std::size_t index) { return rare_.get()[index]; }
    void add_rtt_sample(std::size_t side, std::int64_t rtt_ns);

    std::array<Common, 2> common_{};
    RareBlock<std::array<Rare, 2>> rare_;
    const char *application_protocol_ = nullptr;
    bool analysed_ = false;
};

// Bits per second of `bytes` over `duration_ns`; 0 when the duration is 0.
std::uint64_t throughput_bits_per_second(std::uint64_t bytes, std::int64_t duration_ns);

} // namespace tcplife
