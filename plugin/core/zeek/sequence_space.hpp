// Zeek's sequence arithmetic (TCP_Endpoint, TCPSessionAdapter.cc helpers), in 32 bits where
// Zeek uses 64. Relative positions are Zeek's 64-bit relative sequence numbers cut to 32
// bits, so they are ordered by signed distance like sequence numbers, which holds while
// they are less than 2 GiB apart. Internal to zeek/.
#pragma once

#include <cstdint>

namespace tcplife {

// TCPSessionAdapter.cc TOO_LARGE_SEQ_DELTA: a SYN or RST this far from what the endpoint
// sent before does not move its sequence numbers (update_last_seq, update_ack_seq).
constexpr std::int32_t too_large_seq_delta = 1048576;

inline std::int32_t seq_delta(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

inline bool rel_after(std::uint32_t a, std::uint32_t b) { return seq_delta(a, b) > 0; }
inline bool rel_before(std::uint32_t a, std::uint32_t b) { return seq_delta(a, b) < 0; }

inline std::uint32_t low32(std::uint64_t value) { return static_cast<std::uint32_t>(value); }

inline std::uint64_t full_seq(std::uint32_t seq, std::uint8_t wraps)
{
    return (static_cast<std::uint64_t>(wraps) << 32) + seq; // TCP_Endpoint::ToFullSeqSpace
}

} // namespace tcplife
