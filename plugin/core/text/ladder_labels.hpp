// The words on a ladder's arrows: flags as Wireshark lists them and what each segment
// is, in the vocabulary of the expert messages and Info marks (describe.hpp).
#pragma once

#include "tcp/annotation.hpp"
#include "tls/tls_handshake.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tcplife::ladder {

// "SYN", "SYN,ACK", "FIN,PSH,ACK": Wireshark's order (low bit first); "<None>" without flags.
std::string flags_text(std::uint16_t flags);

// What the segment is, one item each: "handshake 2/3", "FIN+ACK merged (close 2+3/4)",
// "handshake 1/3 again (attempt 2)", "client in TIME_WAIT", "RST: connection refused",
// ... Empty for a segment that is no step and carries no note.
std::vector<std::string> step_labels(const Annotation &annotation);

// A segment's TLS step as items for pack(): "TLS 2/4: ServerHello", "Certificate", ...,
// then "TLS handshake complete" (or "TLS handshake failed") on the segment that ends it.
// Empty for a segment that is no step.
std::vector<std::string> tls_step_labels(const TlsStep &step);

// The title's TLS line of a conversation that carried TLS: "TLS: TLS 1.2 complete, 4 steps
// in 0.012345 s (0.010211 s after TCP's handshake)".
std::string tls_title(const TlsFacts &facts, const TlsTimes &times);

} // namespace tcplife::ladder
