// Who is the server when a conversation's first segment is all there is to go by. Two
// rules answer it, because they answer for two vocabularies (Zeek's documentation of
// conn.log, "Who is the originator", describes the second):
//  - tcplife's client and server are TCP's roles (tcp/observer): a SYN's sender is the
//    client and a SYN-ACK's the server, whatever the ports; only a first segment without
//    a handshake to go by (no SYN, or a SYN with RST) is left to first_sender_is_server.
//  - Zeek's originator (zeek/) is the first sender unless the ports say otherwise, even
//    for a SYN-ACK: zeek_first_sender_is_responder. A lone SYN-ACK between two likely
//    server ports may answer a stealth scan, so there it keeps the first sender.
// Both read the ports through the one list below, so that on a mid-stream capture
// tcplife's client is Zeek's originator.
#pragma once

#include "tcp/segment.hpp"

#include <cstdint>

namespace tcplife {

enum class Role : std::uint8_t { Unknown, Client, Server };

const char *role_name(Role role); // "client", "server", "unknown"

// Zeek's default likely_server_ports for TCP.
bool is_likely_server_port(std::uint16_t port);

// The port rule, for a first segment with no handshake to go by: its sender is the
// server when it sends from a likely server port to one that is not, or from the lower
// of two likely server ports.
bool first_sender_is_server(std::uint16_t source_port, std::uint16_t destination_port);

// Zeek's roles at a connection's creation (WantConnection, then Connection::FlipRoles):
// true when the receiver of `first` originates. A pure SYN's sender always originates.
bool zeek_first_sender_is_responder(const Segment &first);

} // namespace tcplife
