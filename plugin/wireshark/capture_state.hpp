// Everything tcplife knows about the open capture file: the conversations and one
// result per frame. Built on the first pass, in frame order; every later pass (tshark
// -2, the GUI clicking frames in any order) only reads it, so output never depends
// on the pass.
#pragma once

#include "tcp/annotation.hpp"
#include "report/conversation_table.hpp"
#include "capture/frame_cache.hpp"
#include "capture/tracker.hpp"

#include <epan/packet.h>

#include <optional>

namespace tcplife::wireshark {

struct FrameRecord {
    enum class Kind : std::uint8_t { None, Analysed, Incomplete };
    Kind kind = Kind::None;
    Annotation annotation;
};

class CaptureState {
public:
    explicit CaptureState(TrackerOptions options) : tracker_(options) {}

    // First pass only. Never throws: a failure (out of memory) leaves the frame unannotated.
    void analyse(proto_tree *tree, packet_info *pinfo) noexcept;
    // Empty when the frame was never analysed or holds no TCP segment.
    std::optional<FrameRecord> record(guint32 frame) const noexcept;
    // The conversation of an analysed frame.
    // Valid until the next call of stream() or analyse(); rows stay valid (conversation_row).
    const StreamRecord *stream(std::uint32_t index) const noexcept { return tracker_.stream(index); }
    // May throw std::bad_alloc.
    std::optional<ConversationRow> conversation_row(std::uint32_t index) const
    {
        return tcplife::conversation_row(tracker_, index);
    }
    std::uint32_t stream_count() const noexcept { return tracker_.stream_count(); }
    // How long an endpoint stays in TIME_WAIT in this capture's analysis.
    std::int64_t time_wait_ns() const noexcept { return tracker_.options().time_wait_ns; }

private:
    Tracker tracker_;
    FrameCache frames_; // each frame's annotation, tagged with its FrameRecord::Kind
};

} // namespace tcplife::wireshark
