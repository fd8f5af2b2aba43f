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
    observed_any_ = true;
    return record;
}

FrameRecord Capture::mark_incomplete(std::uint32_t frame)
{
    frames_.mark(frame, tag_of(FrameRecord::Kind::Incomplete));
    observed_any_ = true;
    return FrameRecord{FrameRecord::Kind::Incomplete, Annotation{}};
}

std::optional<FrameRecord> Capture::frame(std::uint32_t frame, std::uint32_t stream) const
{
    const std::optional<FrameCache::Entry> entry = frames_.load(frame, stream);
    if (!entry)
        return std::nullopt;
    FrameRecord record{kind_of(entry->tag), entry->annotation};
    if (record.kind == FrameRecord::Kind::Incomplete)
        record.annotation = Annotation{}; // as mark_incomplete returned it
    return record;
}

TlsStep Capture::observe_tls(std::uint32_t frame, std::uint32_t stream, const TlsSegment &segment)
{
    if (!follows_tls_ || !segment.has_payload)
        return TlsStep{};
    auto known = tls_streams_.find(stream);
    if (known == tls_streams_.end()) {
        if (!segment.carries_tls)
            return TlsStep{};
        known = tls_streams_.emplace(stream, TlsHandshake{}).first;
    }
    TlsStep step = known->second.observe(segment, frame);
    if (step.step != 0 || step.unexpected != TlsSurprise::None)
        tls_frames_.emplace(frame, step);
    return step;
}

std::optional<TlsStep> Capture::tls_step(std::uint32_t frame) const
{
    const auto found = tls_frames_.find(frame);
    if (found == tls_frames_.end())
        return std::nullopt;
    return found->second;
}

const TlsHandshake *Capture::tls_handshake(std::uint32_t stream) const
{
    const auto found = tls_streams_.find(stream);
    return found == tls_streams_.end() ? nullptr : &found->second;
}

} // namespace tcplife
