// One PackedAnnotation per frame number: the per-frame cache of a capture, which
// holds millions. Kept in fixed-size chunks, so growing never copies what is there and
// memory never peaks at twice the cache, as a growing vector's would; a chunk exists
// only once one of its frames is stored.
#pragma once

#include "packed_annotation.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace tcplife {

class FrameCache {
public:
    // The slot of `frame`, zero (tag 0) until written. May throw std::bad_alloc.
    PackedAnnotation &slot(std::uint32_t frame)
    {
        const std::size_t chunk = frame >> chunk_bits;
        if (chunk >= chunks_.size())
            chunks_.resize(chunk + 1);
        if (!chunks_[chunk])
            chunks_[chunk] = std::make_unique<Chunk>();
        return (*chunks_[chunk])[frame & (chunk_size - 1)];
    }

    // Null when no frame of its chunk was ever stored.
    const PackedAnnotation *find(std::uint32_t frame) const
    {
        const std::size_t chunk = frame >> chunk_bits;
        if (chunk >= chunks_.size() || !chunks_[chunk])
            return nullptr;
        return &(*chunks_[chunk])[frame & (chunk_size - 1)];
    }

private:
    static constexpr std::size_t chunk_bits = 16;
    static constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
    using Chunk = std::array<PackedAnnotation, chunk_size>;

    std::vector<std::unique_ptr<Chunk>> chunks_;
};

} // namespace tcplife
