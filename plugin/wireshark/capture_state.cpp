#include "capture_state.hpp"

#include "tcp_fields.hpp"

namespace tcplife::wireshark {

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
        FrameRecord record;
        if (extraction == Extraction::Complete) {
            record.kind = FrameRecord::Kind::Analysed;
            record.annotation = tracker_.observe(segment);
        } else {
            record.kind = FrameRecord::Kind::Incomplete;
        }
        if (pinfo->num >= frames_.size())
            frames_.resize(static_cast<std::size_t>(pinfo->num) + 1);
        frames_[pinfo->num] = record;
    } catch (...) {
        // Out of memory: this frame stays unannotated rather than taking Wireshark down.
    }
}

const FrameRecord *CaptureState::record(guint32 frame) const noexcept
{
    if (frame >= frames_.size() || frames_[frame].kind == FrameRecord::Kind::None)
        return nullptr;
    return &frames_[frame];
}

} // namespace tcplife::wireshark
