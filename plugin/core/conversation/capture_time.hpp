// Capture times: nanoseconds since the epoch in an int64. The one place they are made
// from seconds and nanoseconds and the one place they are added and subtracted, because
// far-future or corrupt timestamps (pcapng allows times no int64 holds) must saturate,
// never overflow.
#pragma once

#include <climits>
#include <cstdint>

namespace tcplife {

constexpr std::int64_t ns_per_second = 1'000'000'000;

inline std::int64_t saturating_add(std::int64_t a, std::int64_t b)
{
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

inline std::int64_t saturating_difference(std::int64_t a, std::int64_t b)
{
    std::int64_t difference = 0;
    if (__builtin_sub_overflow(a, b, &difference))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return difference;
}

// A timestamp as capture files and Wireshark hold it (seconds, and nanoseconds within).
inline std::int64_t capture_time_ns(std::int64_t seconds, std::int64_t nanoseconds)
{
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(seconds, ns_per_second, &ns))
        return seconds > 0 ? INT64_MAX : INT64_MIN;
    return saturating_add(ns, nanoseconds);
}

// A length given in whole seconds (a preference, a report's interval).
inline std::int64_t seconds_ns(std::uint32_t seconds)
{
    return static_cast<std::int64_t>(seconds) * ns_per_second;
}

// The length of time from `from_ns` to `to_ns`, two capture times: the one place that
// subtracts them for a duration, an offset or a handshake leg. Never negative: when the
// capture's clock went backwards between the two (the time_backwards anomaly), zero.
inline std::int64_t elapsed_ns(std::int64_t from_ns, std::int64_t to_ns)
{
    const std::int64_t difference = saturating_difference(to_ns, from_ns);
    return difference > 0 ? difference : 0;
}

} // namespace tcplife
