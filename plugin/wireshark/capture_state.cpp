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
            record.seq = segment.seq.raw();
            record.ack = segment.ack.raw();
            record.payload_length = segment.payload_length;
            record.flags = segment.flags;
        } else {
            record.kind = FrameRecord::Kind::Incomplete;
        }
        slot(pinfo->num) = record;
    } catch (...) {
        // Out of memory: this frame stays unannotated rather than taking Wireshark down.
    }
}

FrameRecord &CaptureState::slot(guint32 frame)
{
    const std::size_t chunk = frame >> chunk_bits;
    if (chunk >= chunks_.size())
        chunks_.resize(chunk + 1);
    if (!chunks_[chunk])
        chunks_[chunk] = std::make_unique<Chunk>();
    return (*chunks_[chunk])[frame & (chunk_size - 1)];
}

const FrameRecord *CaptureState::record(guint32 frame) const noexcept
{
    const std::size_t chunk = frame >> chunk_bits;
    if (chunk >= chunks_.size() || !chunks_[chunk])
        return nullptr;
    const FrameRecord &found = (*chunks_[chunk])[frame & (chunk_size - 1)];
    return found.kind == FrameRecord::Kind::None ? nullptr : &found;
}

} // namespace tcplife::wireshark
