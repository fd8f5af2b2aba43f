// TCP sequence numbers live in a 2^32 circle (RFC 9293 section 3.4): every comparison
// must be made on the signed distance, or a connection whose numbers wrap past zero
// would look like it went backwards.
#pragma once

#include <cstdint>

namespace tcplife {

class SeqNumber {
public:
    constexpr SeqNumber() = default;
    constexpr explicit SeqNumber(std::uint32_t raw) : raw_(raw) {}

    constexpr std::uint32_t raw() const { return raw_; }

    constexpr SeqNumber operator+(std::uint32_t n) const
    {
        return SeqNumber(static_cast<std::uint32_t>(raw_ + n));
    }

    // Signed distance from `from` to this number, valid while the two are less
    // than 2^31 apart (always true within one TCP window).
    constexpr std::int32_t distance_from(SeqNumber from) const
    {
        return static_cast<std::int32_t>(raw_ - from.raw_);
    }

    constexpr bool operator==(SeqNumber o) const { return raw_ == o.raw_; }
    constexpr bool operator!=(SeqNumber o) const { return raw_ != o.raw_; }
    constexpr bool operator<(SeqNumber o) const { return distance_from(o) < 0; }
    constexpr bool operator<=(SeqNumber o) const { return distance_from(o) <= 0; }
    constexpr bool operator>(SeqNumber o) const { return distance_from(o) > 0; }
    constexpr bool operator>=(SeqNumber o) const { return distance_from(o) >= 0; }

private:
    std::uint32_t raw_ = 0;
};

} // namespace tcplife
