// Each frame's Annotation, by frame number: the per-frame cache of a capture, which
// holds millions. Frames are kept as 12-byte PackedAnnotations (in a ChunkedArray). What
// does not fit is kept beside them: each stream's server port once, and the rest of
// the few annotations that need it.
#pragma once

#include "capture/chunked_array.hpp"
#include "capture/packed_annotation.hpp"

#include <cstdint>
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
    // Empty when nothing was stored for `frame`. `stream`: the frame's, which the cache
    // does not keep (any value for a frame marked alone).
    std::optional<Entry> load(std::uint32_t frame, std::uint32_t stream) const;

private:
    struct FrameRest {
        std::uint32_t frame;
        AnnotationRest rest;
    };

    void store_rest(std::uint32_t frame, const AnnotationRest &rest);
    const AnnotationRest *rest(std::uint32_t frame) const;

    ChunkedArray<PackedAnnotation, 16> frames_; // 65,536 a chunk
    std::vector<std::uint16_t> server_ports_; // by stream: the server port of its first annotation
    std::vector<FrameRest> rests_;            // by frame, ascending
};

} // namespace tcplife
