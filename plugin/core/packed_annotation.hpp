// One frame's Annotation in 28 fixed bytes, for the per-frame cache, which holds one
// per frame of a capture (millions of them). Annotation itself spends whole bytes, and
// padding, on values of 1 to 4 bits. The packing is exact: unpacking gives back every
// field as it was (the attempt counter is a saturating byte in Annotation already).
#pragma once

#include "annotation.hpp"

#include <cstdint>

namespace tcplife {

class PackedAnnotation {
public:
    PackedAnnotation() = default;
    explicit PackedAnnotation(const Annotation &annotation);

    Annotation unpack() const;
    std::uint32_t stream() const { return stream_; }

    // Two bits the cache that stores the annotation may use for its own bookkeeping
    // (what a slot holds), so that a slot needs no byte of its own. Zero by default.
    unsigned tag() const;
    void set_tag(unsigned tag);

private:
    std::uint32_t stream_ = 0;
    std::uint32_t number_ = 0;
    std::uint32_t expected_number_ = 0;
    std::uint32_t bits_ = 0;        // the small values: see the layout in packed_annotation.cpp
    std::uint16_t states_ = 0;      // client before, client after, server before, server after
    std::uint16_t server_port_ = 0;
    std::uint16_t client_path_ = 0; // up to four states, 4 bits each
    std::uint16_t server_path_ = 0;
    std::uint8_t attempt_ = 0;
    std::uint8_t path_lengths_ = 0; // client's in the low 4 bits, server's in the high 4
};

static_assert(sizeof(PackedAnnotation) == 28, "the per-frame cache is sized for 28-byte annotations");

} // namespace tcplife
