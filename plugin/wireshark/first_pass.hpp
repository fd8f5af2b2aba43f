// The first pass over a capture: each frame's TCP segment, read from TCP's own
// dissection (tcp_fields.hpp), goes into the core's Capture. Every later pass reads only
// what the Capture kept, so output never depends on the pass.
#pragma once

#include "capture/capture.hpp"

#include <epan/packet.h>

#include <optional>

namespace tcplife::wireshark {

// Empty when the frame holds no TCP segment tcplife can read. Never throws: out of
// memory leaves the frame unseen.
std::optional<FrameRecord> analyse_frame(Capture &capture, packet_info *pinfo) noexcept;

// The frame's TLS, from TLS's fields in `tree`, for a frame Capture::tls_readable takes
// (on whichever pass first brings a tree for every frame in order). Never throws.
void analyse_tls(Capture &capture, packet_info *pinfo, proto_tree *tree, const FrameRecord &record) noexcept;

} // namespace tcplife::wireshark
