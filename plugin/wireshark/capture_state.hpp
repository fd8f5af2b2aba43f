// Everything tcplife knows about the open capture file: the conversations and one
// result per frame. Built on the first pass, in frame order; every later pass (tshark
// -2, the GUI clicking frames in any order) only reads it, so output never depends
// on the pass.
#pragma once

#include "core/annotation.hpp"
#include "core/tracker.hpp"

#include <epan/packet.h>

#include <array>
#include <memory>
#include <vector>

namespace tcplife::wireshark {

struct FrameRecord {
    enum class Kind : std::uint8_t { None, Analysed, Incomplete };
    Kind kind = Kind::None;
    Annotation annotation;
    // The header numbers the ladder report draws (-z tcplife,ladder), which later
    // passes cannot read from the TCP dissection.
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t payload_length = 0;
    std::uint16_t flags = 0;
};

class CaptureState {
public:
    explicit CaptureState(TrackerOptions options) : tracker_(options) {}

    // First pass only. Never throws: a failure (out of memory) leaves the frame unannotated.
    void analyse(proto_tree *tree, packet_info *pinfo) noexcept;
    // Null when the frame was never analysed or holds no TCP segment.
    const FrameRecord *record(guint32 frame) const noexcept;
    // The conversation of an analysed frame.
    const StreamRecord *stream(std::uint32_t index) const noexcept { return tracker_.stream(index); }
    std::uint32_t stream_count() const noexcept { return tracker_.stream_count(); }

private:
    // Records by frame number, in fixed-size chunks: growing never copies what is
    // there, so memory never peaks at twice the cache as a growing vector would.
    static constexpr std::size_t chunk_bits = 16;
    static constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
    using Chunk = std::array<FrameRecord, chunk_size>;

    FrameRecord &slot(guint32 frame); // may throw std::bad_alloc

    Tracker tracker_;
    std::vector<std::unique_ptr<Chunk>> chunks_;
};

} // namespace tcplife::wireshark
