#include "capture/frame_cache.hpp"

#include <algorithm>

namespace tcplife {

void FrameCache::store(std::uint32_t frame, unsigned tag, const Annotation &annotation)
{
    PackedAnnotation packed(annotation);
    packed.set_tag(tag);
    if (annotation.stream >= server_ports_.size())
        server_ports_.resize(static_cast<std::size_t>(annotation.stream) + 1, annotation.server_port);
    if (annotation.server_port != server_ports_[annotation.stream])
        packed.keep_server_port_in_rest();
    if (packed.needs_rest())
        store_rest(frame, rest_of(annotation));
    frames_.at(frame) = packed;
}

void FrameCache::mark(std::uint32_t frame, unsigned tag)
{
    store_rest(frame, AnnotationRest{});
    PackedAnnotation packed;
    packed.set_tag(tag);
    packed.keep_server_port_in_rest(); // no stream's port: the default's zero
    frames_.at(frame) = packed;
}

std::optional<FrameCache::Entry> FrameCache::load(std::uint32_t frame, std::uint32_t stream) const
{
    const PackedAnnotation *found = frames_.find(frame);
    if (found == nullptr || found->tag() == 0)
        return std::nullopt;
    const PackedAnnotation &packed = *found;
    static const AnnotationRest lost{}; // only if a store ran out of memory half-way
    const AnnotationRest *frame_rest = packed.needs_rest() ? rest(frame) : nullptr;
    if (packed.needs_rest() && frame_rest == nullptr)
        frame_rest = &lost;
    const std::uint16_t server_port = stream < server_ports_.size() ? server_ports_[stream] : 0;
    return Entry{packed.tag(), packed.unpack(stream, server_port, frame_rest)};
}

void FrameCache::store_rest(std::uint32_t frame, const AnnotationRest &rest)
{
    // Frames come in order on the first pass, so this appends; any other order still
    // keeps the order lookups rely on.
    const auto at = std::lower_bound(rests_.begin(), rests_.end(), frame,
                                     [](const FrameRest &r, std::uint32_t f) { return r.frame < f; });
    if (at != rests_.end() && at->frame == frame)
        at->rest = rest;
    else
        rests_.insert(at, FrameRest{frame, rest});
}

const AnnotationRest *FrameCache::rest(std::uint32_t frame) const
{
    const auto at = std::lower_bound(rests_.begin(), rests_.end(), frame,
                                     [](const FrameRest &r, std::uint32_t f) { return r.frame < f; });
    return at != rests_.end() && at->frame == frame ? &at->rest : nullptr;
}

} // namespace tcplife
