// A segment's payload in two 32-bit digests, so that the observer can tell a copy of
// data from different data at the same sequence numbers without keeping the bytes: one
// over the payload's ends, one over its first bytes (copies of different lengths).
//
// Every data segment is digested, so the digest reads at most its first and last
// `end_length` bytes (all of a shorter payload): a forged or corrupted copy that differs
// only in between goes unnoticed. Injected responses differ from their first bytes on.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcplife {

struct PayloadDigest {
    static constexpr std::size_t prefix_length = 16;
    static constexpr std::size_t end_length = 64;

    std::uint32_t ends = 0;   // over the first and last end_length bytes, and the length
    std::uint32_t prefix = 0; // over the first prefix_length bytes, or all of a shorter payload

    bool operator==(const PayloadDigest &o) const { return ends == o.ends && prefix == o.prefix; }
};

// `bytes`: the whole payload, `length` bytes of it.
PayloadDigest digest_payload(const std::uint8_t *bytes, std::size_t length);

} // namespace tcplife
