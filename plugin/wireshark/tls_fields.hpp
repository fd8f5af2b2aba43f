// Reads what TLS's own dissection found in a frame, from TLS's fields (no TLS parsing
// of tcplife's own), into a core TlsSegment.
//
// TLS's fields exist only in a protocol tree, and only where they are primed (a hidden
// tree fakes the rest). So tcplife follows TLS only when its preference says so
// (tcplife.tls_handshakes): it then names these fields as wanted, and every first pass
// builds a tree and primes them. Other passes render what the first one found.
#pragma once

#include "capture/capture.hpp"

#include <epan/packet.h>

namespace tcplife::wireshark {

// At hand-off, once TLS and TCP registered their fields.
void find_tls_fields();

// The fields read_tls_segment reads, for set_postdissector_wanted_hfids (which owns
// the array): Wireshark then builds a tree on the first pass and keeps them in it.
GArray *tls_wanted_fields();

// registration.cpp: follow TLS in this run whatever the preference says (-z tcplife,ssl,
// which tshark starts after opening the file and before reading it).
void follow_tls_handshakes();

// TLS's view of the frame's segment. Without a tree the segment carries nothing known.
TlsSegment read_tls_segment(packet_info *pinfo, proto_tree *tree, Role sender, std::uint32_t payload_length);

// Wireshark's names for a cipher suite and an alert description ("Unknown" when it has none).
const char *tls_cipher_suite_name(std::uint16_t cipher_suite);
const char *tls_alert_name(std::uint8_t description);

} // namespace tcplife::wireshark
