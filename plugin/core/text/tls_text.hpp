// The words for TLS handshake flights: message names, the messages a segment carries
// (tcplife.tls.messages) and its Info mark.
#pragma once

#include "text/describe.hpp"
#include "text/text.hpp"
#include "tls/tls_handshake.hpp"

#include <array>

namespace tcplife {

// "ServerHello", "Certificate", ...; "encrypted handshake" for a handshake record
// Wireshark cannot read, and for a TLS 1.3 record inside the flights.
const char *tls_message_name(TlsMessage message);

// "ServerHello, Certificate, ServerKeyExchange, ServerHelloDone"; "part of a record" for a
// segment that completes none. Repeats of a kind in a row are named once.
struct TlsMessageNames {
    std::array<const char *, TlsMessages::capacity> items{};
    std::size_t count = 0;
    const char *const *begin() const { return items.data(); }
    const char *const *end() const { return items.data() + count; }
};
TlsMessageNames tls_message_names(const TlsStep &step);
TextBuilder tls_messages_text(const TlsStep &step);

// "TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0", "SSL 3.0"; "unknown" for 0 and others.
const char *tls_version_name(std::uint16_t version);

// tcplife.conv.tls.handshake: "none", "incomplete", "complete", "resumed", "alert".
const char *tls_outcome_name(TlsOutcome outcome);

// " [TLS 2/4]"; empty when the segment is no step. The second number is the flights
// the handshake takes as known at this segment.
std::array<char, 24> tls_info_mark(const TlsStep &step);

// The expert messages of a segment's TLS step: what the flight does, once per flight (on
// its first segment whose flight is known); the alert that ends a handshake, named by
// `alert_name` when it is readable; an event the flights did not expect.
ExpertMessages describe_tls(const TlsStep &step, Role sender, const char *alert_name, bool texts);

// For the conversation's last segment: a handshake that never ended.
ExpertMessages describe_tls_end_of_capture(const TlsFacts &facts);

} // namespace tcplife
