// Stream indices by a 64-bit key, in one flat table (open addressing, linear probing):
// 12 bytes a slot plus one bit, where a node-based std::unordered_map spends a node of
// 24 bytes (and its allocator's overhead) plus a bucket pointer per entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tcplife {

class StreamMap {
public:
    struct Lookup {
        bool found = false;
        std::uint32_t stream = 0;
    };

    Lookup find(std::uint64_t key) const;
    void insert_or_assign(std::uint64_t key, std::uint32_t stream); // may throw std::bad_alloc
    void erase(std::uint64_t key);
    std::size_t size() const { return size_; }
    void clear(); // releases the table

private:
    // Packed: an 8-byte key and a 4-byte stream without 4 bytes of padding.
    struct __attribute__((packed, aligned(4))) Slot {
        std::uint64_t key;
        std::uint32_t stream;
    };
    static_assert(sizeof(Slot) == 12, "Slot is packed");

    struct Probe {
        std::size_t slot = 0;
        bool found = false; // else `slot` is the empty one the key would go to
    };

    std::size_t capacity() const { return slots_ ? std::size_t{1} << capacity_bits_ : 0; }
    std::size_t home(std::uint64_t key) const;
    Probe probe(std::uint64_t key) const;
    bool occupied(std::size_t slot) const { return (occupied_[slot / 64] >> (slot % 64) & 1u) != 0; }
    void set_occupied(std::size_t slot, bool value);
    void grow();

    std::unique_ptr<Slot[]> slots_;
    std::unique_ptr<std::uint64_t[]> occupied_; // bit n: slots_[n] holds an entry
    std::size_t size_ = 0;
    unsigned capacity_bits_ = 0;
};

} // namespace tcplife
