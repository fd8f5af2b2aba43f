// Each frame's Annotation, by frame number: the per-frame cache of a capture, which
// holds millions. Frames are kept as 16-byte PackedAnnotations in fixed-size chunks, so
// growing never copies what is there and memory never peaks at twice the cache, as a
// growing vector's would; a chunk exists only once one of its frames is stored. What
// does not fit is kept beside them: each stream's server port once, and the rest of
// the few annotations that need it.
#pragma once

#include "packed_annotation.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace tcplife {

class FrameCache {
public:
    struct Entry {
        unsigned tag = 0;
        Annotation annotation;
    };

    // Stores `annotation` for `frame` under `tag` (1 to 3: the owner's mark of what the
    // frame holds). May throw std::bad_alloc.
    void store(std::uint32_t frame, unsigned tag, const Annotation &annotation);
    // Marks `frame` with `tag` alone: it loads as a default Annotation.
    void mark(std::uint32_t frame, unsigned tag);
    // Empty when nothing was stored for `frame`.
    std::optional<Entry> load(std::uint32_t frame) const;

private:
    static constexpr std::size_t chunk_bits = 16;
    static constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
    using Chunk = std::array<PackedAnnotation, chunk_size>;

    struct FrameRest {
        std::uint32_t frame;
        AnnotationRest rest;
    };

    PackedAnnotation &slot(std::uint32_t frame);
    void store_rest(std::uint32_t frame, const AnnotationRest &rest);
    const AnnotationRest *rest(std::uint32_t frame) const;

    std::vector<std::unique_ptr<Chunk>> chunks_;
    std::vector<std::uint16_t> server_ports_; // by stream: the server port of its first annotation
    std::vector<FrameRest> rests_;            // by frame, ascending
};

} // namespace tcplife
