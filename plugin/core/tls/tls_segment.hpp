// What TLS's own dissection found in one TCP segment, as the glue reads it from
// Wireshark's TLS fields. The core reasons about handshake flights only; it parses no
// TLS bytes.
#pragma once

#include "tcp/roles.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace tcplife {

// One record's content as TLS shows it, in the order the segment completes them.
enum class TlsMessage : std::uint8_t {
    ClientHello,
    ServerHello,
    HelloRetryRequest, // a ServerHello with RFC 8446's HelloRetryRequest random
    NewSessionTicket,
    EncryptedExtensions,
    Certificate,
    ServerKeyExchange,
    CertificateRequest,
    ServerHelloDone,
    CertificateVerify,
    ClientKeyExchange,
    Finished,           // readable only when Wireshark decrypts the handshake
    OtherHandshake,     // any other handshake type
    EncryptedHandshake, // a handshake record Wireshark cannot read (TLS 1.2's Finished)
    ChangeCipherSpec,
    Alert,
    ApplicationData,    // outwardly every encrypted TLS 1.3 record
};

// RFC 8446 section 4.1.3: a ServerHello with this random is a HelloRetryRequest.
bool is_hello_retry_random(const std::uint8_t (&random)[32]);

// TLS 1.3 (0x0304) or one of its drafts (0x7fNN, draft NN) or experiments (0x7eNN), which
// run the same handshake (RFC 8446 section 4.2.1).
bool is_tls13_version(std::uint16_t version);

// The message a handshake type number names (RFC 8446 section 4, RFC 5246 section 7.4).
TlsMessage handshake_message(std::uint8_t handshake_type);

// A segment's messages in order: plain data, so that it may live across Wireshark's calls
// (which may longjmp). Messages beyond the capacity are not kept.
class TlsMessages {
public:
    static constexpr std::size_t capacity = 24;
    TlsMessages() = default;
    TlsMessages(std::initializer_list<TlsMessage> messages)
    {
        for (const TlsMessage message : messages)
            add(message);
    }
    void add(TlsMessage message)
    {
        if (count_ < capacity)
            items_[count_++] = message;
    }
    const TlsMessage *begin() const { return items_.data(); }
    const TlsMessage *end() const { return items_.data() + count_; }
    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }

private:
    std::array<TlsMessage, capacity> items_{};
    std::size_t count_ = 0;
};

struct TlsSessionId {
    std::uint8_t length = 0;
    std::array<std::uint8_t, 32> bytes{};
    bool operator==(const TlsSessionId &other) const { return length == other.length && bytes == other.bytes; }
};

// A short text a hello names (server_name, an ALPN protocol), cut at its capacity.
template <std::size_t Capacity>
struct TlsName {
    std::array<char, Capacity> text{};
    bool empty() const { return text[0] == '\0'; }
    void assign(const char *value, std::size_t length)
    {
        const std::size_t kept = length < Capacity - 1 ? length : Capacity - 1;
        for (std::size_t i = 0; i < kept; ++i)
            text[i] = value[i];
        text[kept] = '\0';
    }
};
using TlsServerName = TlsName<256>; // RFC 6066 section 3: a host name, at most 255 bytes
using TlsProtocolName = TlsName<64>;

struct TlsSegment {
    Role sender = Role::Unknown;
    std::int64_t time_ns = 0;    // the segment's capture time
    bool has_payload = false;    // a segment without payload only keeps the frame order
    bool carries_tls = false;    // TLS dissected bytes of it: whole records or part of one
    bool retransmission = false; // TCP sent these bytes before (the core's TCP analysis)
    TlsMessages messages;
    bool lists_tls13 = false;    // a hello here names TLS 1.3 (is_tls13_version) in supported_versions
    bool psk_selected = false;   // a ServerHello here selects a pre-shared key (RFC 8446 section 4.2.11)
    TlsSessionId session_id;     // a hello's legacy_session_id, when the segment holds one
    // What a hello here says (0 or empty: not in this segment). A ServerHello names one
    // version, cipher suite and ALPN protocol; a ClientHello offers lists, of which the
    // first is kept.
    std::uint16_t legacy_version = 0;    // legacy_version (RFC 8446 section 4.1.2)
    std::uint16_t supported_version = 0; // the first of supported_versions
    std::uint16_t cipher_suite = 0;      // the first cipher suite
    bool has_cipher_suite = false;
    TlsServerName server_name;           // server_name (RFC 6066)
    TlsProtocolName alpn;                // the first application_layer_protocol_negotiation name (RFC 7301)
    std::uint8_t alert_description = 0;  // the first alert's (RFC 8446 section 6)
    bool has_alert = false;
    std::uint8_t last_alert_description = 0; // the segment's last alert's
    TlsProtocolName alert_name;          // the first alert's description, as Wireshark names it
    TlsProtocolName cipher_suite_name;   // the first cipher suite, as Wireshark names it
    TlsProtocolName group_name;          // a key share's or ServerKeyExchange's named group, as Wireshark names it
};

} // namespace tcplife
