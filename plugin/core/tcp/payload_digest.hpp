// A segment's payload in two 32-bit digests, so that the observer can tell a copy of
// data from different data at the same sequence numbers without keeping the bytes: one
// over the whole payload, one over its first bytes (copies of different lengths).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcplife {

struct PayloadDigest {
    static constexpr std::size_t prefix_length = 16;

    std::uint32_t whole = 0;
    std::uint32_t prefix = 0; // over the first prefix_length bytes, or all of a shorter payload

    bool operator==(const PayloadDigest &o) const { return whole == o.whole && prefix == o.prefix; }
};

// `bytes`: the whole payload, `length` bytes of it.
PayloadDigest digest_payload(const std::uint8_t *bytes, std::size_t length);

} // namespace tcplife
