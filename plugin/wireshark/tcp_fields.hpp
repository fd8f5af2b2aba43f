// Reads what the TCP dissector already decoded for a frame into a core Segment. The
// plugin never parses packet bytes itself.
#pragma once

#include "core/segment.hpp"

#include <epan/packet.h>

namespace tcplife::wireshark {

enum class Extraction {
    NotTcp,      // no TCP segment of a conversation in this frame
    Complete,    // `out` holds the segment
    Incomplete,  // a TCP header too short to read (truncated capture or malformed)
};

// Resolves the TCP field names to ids; call at hand-off, once the TCP dissector exists.
void resolve_tcp_fields();

// A new array of the field ids to prime on the first pass; epan takes ownership.
GArray *new_wanted_tcp_fields();

Extraction extract_segment(proto_tree *tree, packet_info *pinfo, Segment *out);

} // namespace tcplife::wireshark
