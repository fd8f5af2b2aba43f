#include "capture/capture.hpp"

namespace tcplife {
namespace {

// The frame cache's tags start at 1: 0 is a frame never stored.
unsigned tag_of(FrameRecord::Kind kind) { return static_cast<unsigned>(kind) + 1; }
FrameRecord::Kind kind_of(unsigned tag) { return static_cast<FrameRecord::Kind>(tag - 1); }

} // namespace

FrameRecord Capture::observe(const Segment &segment)
{
    FrameRecord record{FrameRecord::Kind::Analysed, tracker_.observe(segment)};
    frames_.store(segment.frame, tag_of(record.kind), record.annotation);
    return record;
}

FrameRecord Capture::mark_incomplete(std::uint32_t frame)
{
    frames_.mark(frame, tag_of(FrameRecord::Kind::Incomplete));
    return FrameRecord{FrameRecord::Kind::Incomplete, Annotation{}};
}

std::optional<FrameRecord> Capture::frame(std::uint32_t frame) const
{
    const std::optional<FrameCache::Entry> entry = frames_.load(frame);
    if (!entry)
        return std::nullopt;
    return FrameRecord{kind_of(entry->tag), entry->annotation};
}

} // namespace tcplife
