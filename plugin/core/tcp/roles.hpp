// Who is client and who is server when no SYN tells. Follows Zeek's rule
// (Zeek's conn.log documentation, "Who is the originator") so that later
// conn_state/history agree with Zeek on mid-stream captures.
#pragma once

#include <cstdint>

namespace tcplife {

bool is_likely_server_port(std::uint16_t port);

// For the first segment of a conversation that is not a pure SYN: true when its
// sender should be taken as the server.
bool first_sender_is_server(std::uint16_t source_port, std::uint16_t destination_port);

} // namespace tcplife
