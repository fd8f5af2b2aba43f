#include "capture_state.hpp"

#include "tcp_fields.hpp"

namespace tcplife::wireshark {
namespace {

// The cache's tag of a frame: its Kind (None, the tag 0, is a frame never stored).
unsigned tag_of(FrameRecord::Kind kind) { return static_cast<unsigned>(kind); }

} // namespace

void CaptureState::analyse(proto_tree *tree, packet_info *pinfo) noexcept
{
    // No tree, or one that does not track the TCP fields (the GUI can run a first pass
    // like that right after the protocol is enabled): nothing can be read, so nothing
    // is cached, rather than a wrong "incomplete" verdict.
    if (tree == nullptr || !proto_tracking_interesting_fields(tree))
        return;
    Segment segment;
    const Extraction extraction = extract_segment(tree, pinfo, &segment);
    if (extraction == Extraction::NotTcp)
        return;
    try {
        if (extraction == Extraction::Complete)
            frames_.store(pinfo->num, tag_of(FrameRecord::Kind::Analysed), tracker_.observe(segment));
        else
            frames_.mark(pinfo->num, tag_of(FrameRecord::Kind::Incomplete));
    } catch (...) {
        // Out of memory: this frame stays unannotated rather than taking Wireshark down.
    }
}

std::optional<FrameRecord> CaptureState::record(guint32 frame) const noexcept
{
    const std::optional<FrameCache::Entry> entry = frames_.load(frame);
    if (!entry)
        return std::nullopt;
    return FrameRecord{static_cast<FrameRecord::Kind>(entry->tag), entry->annotation};
}

} // namespace tcplife::wireshark
