// The facade of the core: everything tcplife knows about one open capture file. The
// Wireshark glue talks to this class only (and to text/ and report/ for what it shows).
//
// The first pass feeds it every frame's TCP segment, in frame order; every later pass
// (tshark -2, the GUI clicking frames in any order) only reads it, so what a frame shows
// never depends on the pass. docs/architecture.md follows one segment through it.
#pragma once

#include "capture/conversation_row.hpp"
#include "capture/frame_cache.hpp"
#include "capture/tracker.hpp"
#include "conversation/capture_time.hpp"
#include "conversation/time_wait.hpp"
#include "tcp/annotation.hpp"
#include "tcp/segment.hpp"
#include "tcp/tcp_state.hpp"
#include "tls/tls_handshake.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace tcplife {

// What tcplife holds for one frame that carried a TCP segment.
struct FrameRecord {
    enum class Kind : std::uint8_t {
        Analysed,   // `annotation` explains the segment
        Incomplete, // its TCP header was too short to read: nothing was concluded
    };
    Kind kind = Kind::Analysed;
    Annotation annotation;

    // Both endpoints are CLOSED or in TIME_WAIT after the segment: its connection is over.
    bool ends_connection() const
    {
        return kind == Kind::Analysed && is_finished(annotation.client_after) && is_finished(annotation.server_after);
    }
};

struct CaptureOptions {
    std::int64_t time_wait_ns = seconds_ns(60); // how long a side stays in TIME_WAIT
    bool tls = false;                           // TLS handshakes are followed (observe_tls)
};

class Capture {
public:
    explicit Capture(CaptureOptions options = {})
        : tracker_(TrackerOptions{options.time_wait_ns}), follows_tls_(options.tls)
    {
    }

    // First pass, in frame order. Both may throw std::bad_alloc, which leaves the frame
    // as if never seen.
    FrameRecord observe(const Segment &segment); // stored under segment.frame
    FrameRecord mark_incomplete(std::uint32_t frame);

    // Any pass: empty when the frame was never seen or held no TCP segment. `stream`:
    // TCP's stream index for the frame, which the cache does not keep (TCP's conversation
    // for the frame tells it on every pass); ignored for an incomplete frame.
    std::optional<FrameRecord> frame(std::uint32_t frame, std::uint32_t stream) const;
    // The conversation of an observed stream. Valid until the next call of stream() or
    // observe(); rows stay valid (conversation_row.hpp). Null for an unseen stream.
    const StreamRecord *stream(std::uint32_t index) const { return tracker_.stream(index); }
    // May throw std::bad_alloc.
    std::optional<ConversationRow> conversation_row(std::uint32_t index) const
    {
        std::optional<ConversationRow> row = tcplife::conversation_row(tracker_, index);
        const TlsHandshake *handshake = tls_handshake(index);
        if (row) {
            row->tls_followed = follows_tls_;
            if (handshake != nullptr) {
                row->tls = &handshake->facts();
                row->tls_times = tls_times(*row->tls, *row->facts);
            }
        }
        return row;
    }
    // How long an endpoint stays in TIME_WAIT in this capture's analysis.
    std::int64_t time_wait_ns() const { return tracker_.options().time_wait_ns; }

    // First pass, in frame order, after observe(): what TLS's dissection found in the
    // frame's segment, when the capture follows TLS (CaptureOptions::tls). May throw
    // std::bad_alloc.
    TlsStep observe_tls(std::uint32_t frame, std::uint32_t stream, const TlsSegment &segment);
    // Any pass: the step observe_tls concluded for the frame, empty when it has none.
    std::optional<TlsStep> tls_step(std::uint32_t frame) const;
    const TlsHandshake *tls_handshake(std::uint32_t stream) const;
    // Whether TLS facts are taken: a conversation without a TlsHandshake then carried no TLS.
    bool follows_tls() const { return follows_tls_; }
    // From now on, for a report that needs TLS. Refused (false) once a frame has been
    // observed: the conversations before it would read as carrying no TLS.
    bool follow_tls()
    {
        if (observed_any_)
            return follows_tls_;
        follows_tls_ = true;
        return true;
    }

private:
    Tracker tracker_;
    FrameCache frames_; // each frame's annotation, tagged with tag_of(its Kind)
    std::unordered_map<std::uint32_t, TlsHandshake> tls_streams_; // streams that carried TLS
    std::unordered_map<std::uint32_t, TlsStep> tls_frames_;       // frames with a step or a report
    bool follows_tls_ = false;
    bool observed_any_ = false;
};

} // namespace tcplife
