#include "capture/stream_map.hpp"

#include <utility>

namespace tcplife {
namespace {

constexpr unsigned initial_capacity_bits = 4;

// At most 3/4 full: linear probing stays short, and a table that just doubled is 3/8 full.
bool over_load(std::size_t entries, std::size_t capacity) { return entries * 4 > capacity * 3; }

std::size_t occupancy_words(std::size_t capacity) { return (capacity + 63) / 64; }

} // namespace

// Fibonacci hashing: the top bits of key * 2^64/phi, so that keys differing only in
// their low bits still spread over the table.
std::size_t StreamMap::home(std::uint64_t key) const
{
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - capacity_bits_));
}

StreamMap::Probe StreamMap::probe(std::uint64_t key) const
{
    const std::size_t mask = capacity() - 1;
    std::size_t slot = home(key);
    while (occupied(slot)) {
        if (slots_[slot].key == key)
            return {slot, true};
        slot = (slot + 1) & mask;
    }
    return {slot, false};
}

void StreamMap::set_occupied(std::size_t slot, bool value)
{
    const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
    if (value)
        occupied_[slot / 64] |= bit;
    else
        occupied_[slot / 64] &= ~bit;
}

StreamMap::Lookup StreamMap::find(std::uint64_t key) const
{
    if (size_ == 0)
        return {};
    const Probe found = probe(key);
    if (!found.found)
        return {};
    return {true, slots_[found.slot].stream};
}

void StreamMap::insert_or_assign(std::uint64_t key, std::uint32_t stream)
{
    if (size_ != 0) {
        const Probe found = probe(key);
        if (found.found) {
            slots_[found.slot].stream = stream;
            return;
        }
    }
    if (!slots_ || over_load(size_ + 1, capacity()))
        grow();
    const Probe empty = probe(key);
    slots_[empty.slot] = Slot{key, stream};
    set_occupied(empty.slot, true);
    ++size_;
}

// Backward-shift deletion: entries after the hole that probed past it move back into
// it, so that no tombstone is needed and every probe still ends at an empty slot.
void StreamMap::erase(std::uint64_t key)
{
    if (size_ == 0)
        return;
    const Probe found = probe(key);
    if (!found.found)
        return;
    const std::size_t mask = capacity() - 1;
    std::size_t hole = found.slot;
    for (std::size_t next = (hole + 1) & mask; occupied(next); next = (next + 1) & mask) {
        const std::size_t distance_from_home = (next - home(slots_[next].key)) & mask;
        if (distance_from_home >= ((next - hole) & mask)) {
            slots_[hole] = slots_[next];
            hole = next;
        }
    }
    set_occupied(hole, false);
    --size_;
}

void StreamMap::grow()
{
    const std::size_t old_capacity = capacity();
    std::unique_ptr<Slot[]> old_slots = std::move(slots_);
    std::unique_ptr<std::uint64_t[]> old_occupied = std::move(occupied_);
    capacity_bits_ = old_capacity == 0 ? initial_capacity_bits : capacity_bits_ + 1;
    const std::size_t new_capacity = std::size_t{1} << capacity_bits_;
    slots_ = std::make_unique<Slot[]>(new_capacity);
    occupied_ = std::make_unique<std::uint64_t[]>(occupancy_words(new_capacity));
    for (std::size_t slot = 0; slot < old_capacity; ++slot) {
        if ((old_occupied[slot / 64] >> (slot % 64) & 1u) == 0)
            continue;
        const Probe empty = probe(old_slots[slot].key);
        slots_[empty.slot] = old_slots[slot];
        set_occupied(empty.slot, true);
    }
}

void StreamMap::clear()
{
    slots_.reset();
    occupied_.reset();
    size_ = 0;
    capacity_bits_ = 0;
}

} // namespace tcplife
