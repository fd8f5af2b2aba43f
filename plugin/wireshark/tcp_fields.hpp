// Reads a frame's TCP segment into a core Segment from the bytes TCP itself dissects.
//
// tcplife stands in TCP's place in the "ip.proto" table (install_tcp_header_reader):
// every TCP layer an IP or IPv6 layer hands over reaches tcplife's reader first, with
// the very tvb TCP is given. For the frame's first TCP layer the reader copies the
// fixed header, the SYN options and the carrying IP layer's addresses into the frame's
// pool, then calls TCP unchanged. So tcplife reads TCP where TCP reads it, never walks
// link or IP layers, and needs no tree: it adds nothing to what a run builds. The
// stream index is TCP's own, from the conversation TCP keeps for the segment.
//
// The copy exists on every pass, so the reports that need header numbers on later
// passes (the ladder, the Flow Graph) read it too.
#pragma once

#include "capture/capture.hpp"

#include <epan/packet.h>

namespace tcplife::wireshark {

enum class Extraction {
    NotTcp,      // no TCP segment of a conversation in this frame (or none tcplife can read)
    Complete,    // `out` holds the segment
    Incomplete,  // a TCP header too short to read (truncated capture or malformed)
};

// At hand-off, once TCP is registered: puts the reader in front of TCP for `protocol`.
void install_tcp_header_reader(int protocol);

// Whether the reader copies headers: only while tcplife is enabled, so that a disabled
// tcplife costs one call per TCP segment. Reads TCP's preferences for the file.
void read_tcp_headers(bool enabled);

// A boolean preference of TCP's, true when TCP has no such preference (its default for
// the two tcplife reads: relative_sequence_numbers, analyze_sequence_numbers).
bool tcp_bool_preference(const char *name);

// First pass only: the stream index comes from TCP's conversation as it stands while
// the frame is dissected.
Extraction extract_segment(packet_info *pinfo, Segment *out);
// First pass, after the core observed the segment extract_segment read: its connection
// is over, so the reader need not remember its stream index any longer.
void forget_tcp_stream(packet_info *pinfo);

// Later passes: TCP's stream index for the frame, as extract_segment read it on the
// first pass; 0 where it read none.
std::uint32_t tcp_stream_index(packet_info *pinfo);

// The header numbers of the frame's analysed TCP layer, on any pass.
struct HeaderNumbers {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t payload_length = 0;
    std::uint16_t flags = 0;
};
bool read_header_numbers(packet_info *pinfo, HeaderNumbers *out);

} // namespace tcplife::wireshark
