// The words of one arrow in Wireshark's Flow Graph ("TCP Lifecycle"): the label says
// what the segment is in the words of the ladder and the Info column, the comment what
// it left each endpoint in.
#pragma once

#include "tcp/annotation.hpp"

#include <cstdint>
#include <string>

namespace tcplife {

// The flags as the ladder writes them, then the Info-column marks:
// "SYN [HS 1/3]", "FIN,ACK [FIN+ACK 2+3/4]", "PSH,ACK" for a segment that is no step.
std::string flow_label(std::uint16_t flags, const Annotation &annotation);

// Each endpoint's RFC 9293 state after the segment, the sender first:
// "server SYN_RECEIVED, client ESTABLISHED".
std::string flow_comment(const Annotation &annotation);

} // namespace tcplife
