// One conversation's moments: a frame and its capture time, and the list of the
// segments that changed a state, kept compact because every conversation has one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tcplife {

// A frame and its capture time; frame 0 means "not seen". Packed to 12 bytes: a
// conversation keeps several of them.
struct __attribute__((packed, aligned(4))) Moment {
    std::uint32_t frame = 0;
    std::int64_t time_ns = 0;

    bool seen() const { return frame != 0; }
};
static_assert(sizeof(Moment) == 12, "Moment is packed");

// The segments that changed a state, in order, up to `capacity`. Each is kept as its
// distance from an origin (the conversation's first moment, which the caller passes
// in, always the same one): frame and time as variable-length integers, about 5 bytes
// where a Moment takes 12, and exact for any values (differences wrap, as the stored
// frame and time do). The first `inline_bytes` sit inside the conversation, more in a
// block allocated when needed; most conversations change states at most 7 times
// (3 handshake, 4 close segments), which fits inline.
class Timeline {
public:
    static constexpr std::size_t capacity = 32;

    class Moments; // the moments, read back from an origin

    Timeline() = default;
    Timeline(const Timeline &other) { *this = other; }
    Timeline &operator=(const Timeline &other);
    ~Timeline() { delete[] more_; }

    // Returns false (and keeps nothing) when full. May throw std::bad_alloc.
    bool push_back(const Moment &moment, const Moment &origin);
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    Moments read(const Moment &origin) const;

private:
    static constexpr std::size_t inline_bytes = 45;
    static constexpr std::size_t max_moment_bytes = 5 + 10; // varints of 32 and 64 bits
    static constexpr std::size_t max_bytes = capacity * max_moment_bytes;

    static std::size_t block_size(std::size_t bytes);
    std::uint8_t *block_for(std::size_t total);
    const std::uint8_t *bytes() const { return more_ != nullptr ? more_ : first_.data(); }

    std::uint8_t *more_ = nullptr; // every byte, once they outgrew first_ (block_size(used_) of them)
    std::array<std::uint8_t, inline_bytes> first_{};
    std::uint8_t size_ = 0;  // moments
    std::uint16_t used_ = 0; // bytes
};
static_assert(sizeof(Timeline) == 56, "Timeline has no padding");

class Timeline::Moments {
public:
    class const_iterator {
    public:
        const_iterator(const std::uint8_t *next, std::size_t left, const Moment &origin);
        const Moment &operator*() const { return current_; }
        const Moment *operator->() const { return &current_; }
        const_iterator &operator++();
        bool operator==(const const_iterator &o) const { return left_ == o.left_; }
        bool operator!=(const const_iterator &o) const { return left_ != o.left_; }

    private:
        void decode();

        const std::uint8_t *next_;
        std::size_t left_; // moments not yet passed, the current one included
        Moment origin_;
        Moment current_;
    };

    Moments(const std::uint8_t *bytes, std::size_t size, const Moment &origin)
        : bytes_(bytes), size_(size), origin_(origin)
    {
    }
    const_iterator begin() const { return {bytes_, size_, origin_}; }
    const_iterator end() const { return {bytes_, 0, origin_}; }
    Moment front() const { return *begin(); } // not on an empty timeline

private:
    const std::uint8_t *bytes_;
    std::size_t size_;
    Moment origin_;
};

} // namespace tcplife
