// Addresses as people and log tools write them, without Wireshark: "192.0.2.1",
// "2001:db8::1", and with a port "192.0.2.1:443" or "[2001:db8::1]:443". Written by
// TextBuilder, as the packet details write them, into arrays that outlive it.
#pragma once

#include "tcp/segment.hpp"

#include <array>

namespace tcplife {

using AddressText = std::array<char, 48>;
using SocketText = std::array<char, 56>;

AddressText address_text(const Address &address); // "?" when the family is unknown
SocketText socket_text(const SocketAddress &socket);

} // namespace tcplife
