// Turns a cached FrameRecord into the tcplife subtree, expert info and Info-column
// marks. Runs on every pass; only plain data lives across Wireshark calls here,
// because those calls may longjmp.
#pragma once

#include "capture_state.hpp"

#include <epan/packet.h>

namespace tcplife::wireshark {

struct RenderOptions {
    bool info_column = true;
    unsigned time_wait_seconds = 60;
};

void render(const FrameRecord &record, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
            const RenderOptions &options);

} // namespace tcplife::wireshark
