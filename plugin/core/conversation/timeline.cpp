#include "conversation/timeline.hpp"

#include <algorithm>

namespace tcplife {
namespace {

// LEB128: 7 bits a byte, low first; the high bit says another byte follows.
std::size_t put_varint(std::uint64_t value, std::uint8_t *out)
{
    std::size_t length = 0;
    while (value >= 0x80) {
        out[length++] = static_cast<std::uint8_t>(value | 0x80);
        value >>= 7;
    }
    out[length++] = static_cast<std::uint8_t>(value);
    return length;
}

std::size_t varint_length(std::uint64_t value)
{
    return value < 0x80 ? 1 : static_cast<std::size_t>(64 - __builtin_clzll(value) + 6) / 7;
}

std::uint64_t get_varint(const std::uint8_t *&in)
{
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
        const std::uint8_t byte = *in++;
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return value;
    }
}

// Zigzag: a time before the origin (capture times may go backwards) takes as few bytes
// as one after it. Computed on the wrapped unsigned difference, so every pair of
// int64 times has one, and adding it back to the origin gives the time exactly.
std::uint64_t zigzag(std::uint64_t difference) { return (difference << 1) ^ (0 - (difference >> 63)); }
std::uint64_t unzigzag(std::uint64_t value) { return (value >> 1) ^ (0 - (value & 1)); }

std::uint64_t bits(std::int64_t time_ns) { return static_cast<std::uint64_t>(time_ns); }

} // namespace

// Two sizes, so that one spill costs little and no capacity needs to be kept: the
// block's size follows from how many bytes are used.
std::size_t Timeline::block_size(std::size_t bytes) { return bytes <= 128 ? 128 : max_bytes; }

Timeline &Timeline::operator=(const Timeline &other)
{
    if (this == &other)
        return *this;
    std::uint8_t *more = nullptr;
    if (other.more_ != nullptr) {
        more = new std::uint8_t[block_size(other.used_)];
        std::copy(other.more_, other.more_ + other.used_, more);
    }
    delete[] more_;
    more_ = more;
    first_ = other.first_;
    used_ = other.used_;
    size_ = other.size_;
    return *this;
}

bool Timeline::push_back(const Moment &moment, const Moment &origin)
{
    if (size_ == capacity)
        return false;
    const std::uint64_t frame_distance = static_cast<std::uint32_t>(moment.frame - origin.frame);
    const std::uint64_t time_distance = zigzag(bits(moment.time_ns) - bits(origin.time_ns));
    const std::size_t needed = used_ + varint_length(frame_distance) + varint_length(time_distance);
    std::uint8_t *out = (more_ == nullptr && needed <= inline_bytes ? first_.data() : block_for(needed)) + used_;
    out += put_varint(frame_distance, out);
    put_varint(time_distance, out);
    used_ = static_cast<std::uint16_t>(needed);
    ++size_;
    return true;
}

// The block that holds `total` bytes (more than fit inline): allocated, or grown. The
// bytes kept (used_ < total) always fit the new block; the copy says so, so that no
// compiler has to prove it from the callers.
std::uint8_t *Timeline::block_for(std::size_t total)
{
    const std::size_t size = block_size(total);
    if (more_ != nullptr && size == block_size(used_))
        return more_;
    auto *block = new std::uint8_t[size];
    std::copy_n(bytes(), std::min<std::size_t>(used_, size), block);
    delete[] more_;
    more_ = block;
    return more_;
}

Timeline::Moments Timeline::read(const Moment &origin) const { return Moments(bytes(), size_, origin); }

Timeline::Moments::const_iterator::const_iterator(const std::uint8_t *next, std::size_t left, const Moment &origin)
    : next_(next), left_(left), origin_(origin)
{
    if (left_ != 0)
        decode();
}

Timeline::Moments::const_iterator &Timeline::Moments::const_iterator::operator++()
{
    if (--left_ != 0)
        decode();
    return *this;
}

void Timeline::Moments::const_iterator::decode()
{
    current_.frame = static_cast<std::uint32_t>(origin_.frame + get_varint(next_));
    current_.time_ns = static_cast<std::int64_t>(bits(origin_.time_ns) + unzigzag(get_varint(next_)));
}

} // namespace tcplife
