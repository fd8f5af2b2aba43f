// A value that most conversations never need (a count of retransmissions, say), kept in
// a block allocated at its first use: a capture keeps hundreds of thousands of
// conversations, most of them clean, and an empty block costs one pointer. Copies are
// deep, so a copied conversation counts on by itself.
#pragma once

#include <memory>

namespace tcplife {

template <typename Value> class RareBlock {
public:
    RareBlock() = default;
    RareBlock(const RareBlock &other) : value_(copy_of(other)) {}
    RareBlock &operator=(const RareBlock &other)
    {
        if (this != &other)
            value_ = copy_of(other);
        return *this;
    }
    RareBlock(RareBlock &&) noexcept = default;
    RareBlock &operator=(RareBlock &&) noexcept = default;

    // The value, allocated (value-initialized) at the first call. May throw std::bad_alloc.
    Value &get()
    {
        if (value_ == nullptr)
            value_ = std::make_unique<Value>();
        return *value_;
    }
    // Null while get() was never called: every member still at its initial value.
    const Value *find() const { return value_.get(); }

private:
    static std::unique_ptr<Value> copy_of(const RareBlock &other)
    {
        return other.value_ != nullptr ? std::make_unique<Value>(*other.value_) : nullptr;
    }

    std::unique_ptr<Value> value_;
};

} // namespace tcplife
