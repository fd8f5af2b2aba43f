// Socket addresses as text, written the way Wireshark writes them, for output that the
// core produces on its own (the ladder's title) rather than through Wireshark's fields.
#pragma once

#include "segment.hpp"

#include <array>

namespace tcplife {

// "192.0.2.1:443" or "[2001:db8::1]:443"; "?:443" when the family is unknown. IPv6 is
// RFC 5952's canonical form, as glibc's inet_ntop (and so Wireshark on Linux) prints it.
std::array<char, 64> socket_address_text(const SocketAddress &socket);

} // namespace tcplife
