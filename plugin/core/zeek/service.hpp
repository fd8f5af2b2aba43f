// Zeek's conn.log `service`: the names of Zeek's protocol analyzers, for the application
// protocol a reader found (Wireshark's protocol filter names). Zeek confirms a protocol by
// its own dynamic protocol detection; here the reader's dissection stands in for it.
#pragma once

namespace tcplife {

// Zeek's name where one of its analyzers covers the protocol ("tls" -> "ssl", "pop" ->
// "pop3"), else the protocol's own name; null for null.
const char *zeek_service_name(const char *protocol);

} // namespace tcplife
