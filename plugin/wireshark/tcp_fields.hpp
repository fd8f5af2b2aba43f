// Reads what the TCP dissector already decoded for a frame into a core Segment. The
// plugin never parses packet bytes itself.
//
// Where each value comes from, cheapest first:
//  - the ports: TCP publishes them per layer (p_add_proto_data under tcp.srcport and
//    tcp.dstport), whatever the tree;
//  - the addresses: pinfo->net_src/net_dst, which the IP layer carrying the TCP layer
//    set last when no IP layer follows the TCP one; in a frame with IP inside the TCP
//    payload (a tunnel) none: the Capture recalls the stream's (Tracker::recall_addresses);
//  - everything else (stream, seq, ack, flags, length, window, SYN options): in a
//    shown tree, TCP's own subtree holds every item, so it is walked; in a hidden tree
//    only wanted fields exist, so they are primed (set_postdissector_wanted_hfids).
// Every wanted field costs tshark a pointer array per frame it occurs in (and in a
// hidden tree makes TCP build the item), so the wanted set is kept to what the tree at
// hand needs: it shrinks once a first-pass frame comes with a shown tree (tshark -V,
// -T fields).
#pragma once

#include "capture/capture.hpp"

#include <epan/packet.h>

namespace tcplife::wireshark {

enum class Extraction {
    NotTcp,      // no TCP segment of a conversation in this frame (or none tcplife can read)
    Complete,    // `out` holds the segment
    Incomplete,  // a TCP header too short to read (truncated capture or malformed)
};

// Resolves the TCP and IP field names to ids; call at hand-off, once those dissectors exist.
void resolve_tcp_fields();

// Starts asking for the fields a hidden tree needs, on behalf of `postdissector`. Null
// stops asking.
void want_tcp_fields(dissector_handle_t postdissector);

// First pass only (the wanted fields are those of the first pass).
Extraction extract_segment(proto_tree *tree, packet_info *pinfo, Segment *out);

// The header numbers of the frame's analysed TCP layer, for a report that needs them
// on any pass (the ladder): its tap listener's filter names header_number_fields, which
// makes Wireshark fill those fields in whenever the listener runs.
struct HeaderNumbers {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t payload_length = 0;
    std::uint16_t flags = 0;
};
constexpr const char *header_number_fields = "tcp.seq_raw || tcp.ack_raw || tcp.flags || tcp.len";
bool read_header_numbers(proto_tree *tree, packet_info *pinfo, HeaderNumbers *out);

} // namespace tcplife::wireshark
