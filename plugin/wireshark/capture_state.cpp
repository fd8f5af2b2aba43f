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
        FrameRecord::Kind kind = FrameRecord::Kind::Incomplete;
        PackedAnnotation packed;
        if (extraction == Extraction::Complete) {
            kind = FrameRecord::Kind::Analysed;
            packed = PackedAnnotation(tracker_.observe(segment));
        }
        packed.set_tag(static_cast<unsigned>(kind));
        frames_.slot(pinfo->num) = packed;
    } catch (...) {
        // Out of memory: this frame stays unannotated rather than taking Wireshark down.
    }
}

std::optional<FrameRecord> CaptureState::record(guint32 frame) const noexcept
{
    const PackedAnnotation *found = frames_.find(frame);
    const auto kind = found != nullptr ? static_cast<FrameRecord::Kind>(found->tag()) : FrameRecord::Kind::None;
    if (kind == FrameRecord::Kind::None)
        return std::nullopt;
    return FrameRecord{kind, found->unpack()};
}

} // namespace tcplife::wireshark
