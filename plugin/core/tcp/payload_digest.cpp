#include "tcp/payload_digest.hpp"

#include <cstring>

namespace tcplife {
namespace {

// 64-bit multiply-xorshift over 8 bytes at a time: a few instructions per word. Not cryptographic: an attacker who wants two
// payloads with one digest gets them, but two copies on the wire that differ by
// accident or injection do not collide but by chance (2^-32).
constexpr std::uint64_t multiplier = 0x9E3779B97F4A7C15ull;

std::uint64_t mix(std::uint64_t state, std::uint64_t word)
{
    state ^= word;
    state *= multiplier;
    return state ^ (state >> 29);
}

std::uint64_t digest(const std::uint8_t *bytes, std::size_t length, std::uint64_t state)
{
    std::size_t at = 0;
    for (; at + 8 <= length; at += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes + at, 8);
        state = mix(state, word);
    }
    if (at < length) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes + at, length - at);
        state = mix(state, word);
    }
    return mix(state, state >> 32);
}

} // namespace

PayloadDigest digest_payload(const std::uint8_t *bytes, std::size_t length)
{
    constexpr std::size_t end = PayloadDigest::end_length;
    const std::uint64_t seed = length * multiplier;
    PayloadDigest out;
    if (length <= 2 * end)
        out.ends = static_cast<std::uint32_t>(digest(bytes, length, seed));
    else
        out.ends = static_cast<std::uint32_t>(digest(bytes + length - end, end, digest(bytes, end, seed)));
    out.prefix = length <= PayloadDigest::prefix_length
                     ? out.ends
                     : static_cast<std::uint32_t>(digest(bytes, PayloadDigest::prefix_length, multiplier));
    return out;
}

} // namespace tcplife
