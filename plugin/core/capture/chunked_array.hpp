// Values by a dense index (a frame number, a stream index), in fixed-size chunks:
// growing never copies what is there, so memory never peaks at twice the values as a
// growing vector's would, and a chunk exists only once one of its values is written.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace tcplife {

template <typename Value, std::size_t ChunkBits> class ChunkedArray {
public:
    // The value at `index`, default-constructed until written. May throw std::bad_alloc.
    Value &at(std::uint32_t index)
    {
        const std::size_t chunk = index >> ChunkBits;
        if (chunk >= chunks_.size())
            chunks_.resize(chunk + 1);
        if (!chunks_[chunk])
            chunks_[chunk] = std::make_unique<Chunk>();
        return (*chunks_[chunk])[index & (chunk_size - 1)];
    }

    // Null when no value of its chunk was ever written.
    Value *find(std::uint32_t index) const
    {
        const std::size_t chunk = index >> ChunkBits;
        if (chunk >= chunks_.size() || !chunks_[chunk])
            return nullptr;
        return &(*chunks_[chunk])[index & (chunk_size - 1)];
    }

    void clear() { std::vector<std::unique_ptr<Chunk>>().swap(chunks_); }

private:
    static constexpr std::size_t chunk_size = std::size_t{1} << ChunkBits;
    using Chunk = std::array<Value, chunk_size>;

    std::vector<std::unique_ptr<Chunk>> chunks_;
};

} // namespace tcplife
