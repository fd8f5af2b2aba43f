// Optional values that share one byte of presence bits: std::optional would pad each of
// them to twice its size, and the observer keeps two endpoints' worth per conversation.
// Used like an optional: `if (e.isn()) ... *e.isn()`, `e.isn() = seq`, `e.isn().reset()`.
#pragma once

#include <cstdint>

namespace tcplife {

// A view of one value and its bit; `Flags` is const for a read-only view, so that only
// reading compiles.
template <typename Value, typename Flags> class PackedOptional {
public:
    PackedOptional(Value &value, Flags &present, unsigned bit)
        : value_(value), present_(present), mask_(static_cast<std::uint8_t>(1u << bit))
    {
    }
    explicit operator bool() const { return (present_ & mask_) != 0; }
    Value &operator*() const { return value_; }
    Value *operator->() const { return &value_; }
    PackedOptional &operator=(const Value &value)
    {
        value_ = value;
        present_ = static_cast<std::uint8_t>(present_ | mask_);
        return *this;
    }
    void reset() { present_ = static_cast<std::uint8_t>(present_ & ~mask_); }

private:
    Value &value_;
    Flags &present_;
    std::uint8_t mask_;
};

template <typename Value, typename Flags>
PackedOptional<Value, Flags> packed_optional(Value &value, Flags &present, unsigned bit)
{
    static_assert(sizeof(Flags) == 1, "one byte of presence bits");
    return PackedOptional<Value, Flags>(value, present, bit);
}

} // namespace tcplife
