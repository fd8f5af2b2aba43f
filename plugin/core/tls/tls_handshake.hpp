// The TLS handshake of one TCP conversation, seen by a passive observer as flights: a
// flight is the run of handshake messages one side sends before the other answers
// (RFC 8446 section 2, RFC 5246 section 7.3). Flight k is step k. Each segment's step is
// known when the segment is seen, so a one-pass run and a later pass agree.
#pragma once

#include "tls/tls_segment.hpp"

#include <cstdint>

namespace tcplife {

enum class TlsPhase : std::uint8_t {
    NotStarted, // no TLS from the client yet (plaintext before STARTTLS, or no TLS at all)
    Flights,    // between the first ClientHello byte and the handshake's last Finished
    Complete,   // both Finished messages sent
    Failed,     // an alert ended the handshake
};

enum class TlsVersion : std::uint8_t { Unknown, Tls12OrOlder, Tls13 };

enum class TlsOutcome : std::uint8_t {
    None,       // no TLS seen from the client
    Incomplete, // the handshake has not ended (at the end of the capture: never did)
    Complete,
    Resumed,    // complete, an abbreviated TLS 1.2 handshake resuming a session
    Alert,      // an alert ended it
};

// The conversation's handshake as known so far.
struct TlsFacts {
    TlsOutcome outcome = TlsOutcome::None;
    std::uint8_t steps = 0;
    std::uint16_t version = 0;            // negotiated (the ServerHello's); 0 unknown
    std::uint16_t cipher_suite = 0;       // the ServerHello's
    bool has_cipher_suite = false;
    TlsServerName server_name;            // the ClientHello's
    TlsProtocolName alpn;                 // the ServerHello's choice
    std::uint8_t alert_description = 0;   // the first alert's, during the handshake or after
    std::uint8_t last_alert_description = 0;
    TlsProtocolName alert_name;           // the first alert's description, as the glue's source names it
    bool has_alert = false;
    TlsProtocolName cipher_suite_name;    // as the glue's source names it
    TlsProtocolName group_name;           // the server's key exchange group (a curve)
    std::int64_t first_hello_ns = 0;      // the first ClientHello byte
    std::int64_t end_ns = 0;              // the segment that ended the handshake (0: none yet)
    std::uint32_t end_frame = 0;
};

// How long a TLS handshake took (README: tcplife.conv.tls.time and .after_tcp), in ns.
struct TlsTimes {
    bool ended = false;            // a Finished or an alert ended the handshake
    std::int64_t handshake_ns = 0; // the first ClientHello byte to the segment that ended it
    bool has_after_tcp = false;    // the ACK completing TCP's handshake was seen
    std::int64_t after_tcp_ns = 0; // from that ACK to the segment that ended the TLS handshake
};

// Which flight of which handshake a step is, as known at its segment: what the flight
// does, for the words that explain it (text/tls_text.hpp).
enum class TlsFlight : std::uint8_t {
    Unknown,                 // the version or shape is not known yet
    ClientHello,             // step 1
    HelloRetry,              // the server asks for another key share (TLS 1.3)
    ClientHelloAgain,        // the ClientHello that answers it
    ServerHello12,           // a full TLS 1.2 handshake's server flight
    ServerResumes12,         // an abbreviated one's: ServerHello through its Finished
    ClientFinishes12,        // key exchange, ChangeCipherSpec, Finished
    ServerFinishes12,        // ChangeCipherSpec, Finished: complete
    ClientFinishesResumed12, // ChangeCipherSpec, Finished: complete
    ServerHello13,           // ServerHello, then encrypted through the server's Finished
    ClientFinishes13,        // the client's Finished: complete
    Alert,                   // an alert ends the handshake
};

// An event no row of the table expected (reported; nothing changes).
enum class TlsSurprise : std::uint8_t {
    None,
    ServerFirst,     // TLS from the server before any from the client
    NotTlsInFlights, // payload TLS did not dissect, during the handshake
};

// What the observer concluded about one segment.
struct TlsStep {
    std::uint8_t step = 0;           // 0: the segment carries no handshake flight
    std::uint8_t steps_expected = 0; // the handshake's flights as known at this segment
    bool ends_handshake = false;     // this segment holds the Finished (or alert) that ends it
    bool explains_flight = false;    // the flight's first segment whose flight is known: it explains it
    TlsFlight flight = TlsFlight::Unknown;
    TlsSurprise unexpected = TlsSurprise::None;
    TlsPhase phase_after = TlsPhase::NotStarted;
    TlsMessages messages; // the messages the segment completes, when it has a step
};

class TlsHandshake {
public:
    TlsStep observe(const TlsSegment &segment, std::uint32_t frame); // segments with payload, in frame order
    const TlsFacts &facts() const { return facts_; }

    TlsPhase phase() const { return phase_; }
    TlsVersion version() const { return version_; }
    bool resumed() const { return resumed_; }
    std::uint8_t steps() const { return step_; }

private:
    enum class Event : std::uint8_t;
    Event classify(const TlsSegment &segment) const;
    void learn(const TlsSegment &segment);
    std::uint8_t steps_expected() const;
    TlsOutcome outcome() const;
    TlsFlight flight(const TlsSegment &segment) const;

    TlsPhase phase_ = TlsPhase::NotStarted;
    TlsVersion version_ = TlsVersion::Unknown;
    std::uint8_t step_ = 0;
    Role flight_sender_ = Role::Unknown;
    std::uint8_t client_step_ = 0, server_step_ = 0; // each side's latest flight
    std::uint8_t retries_ = 0;                         // HelloRetryRequests
    bool client_offers_tls13_ = false;
    bool resumed_ = false;
    bool client_finished_ = false, server_finished_ = false;
    bool client_cipher_changed_ = false, server_cipher_changed_ = false;
    bool server_hello_seen_ = false;
    std::uint8_t explained_step_ = 0; // the latest step a segment explained
    TlsSessionId client_session_id_;
    TlsFacts facts_;
};

} // namespace tcplife
