#include "tls/tls_handshake.hpp"

#include <cstring>

namespace tcplife {

bool is_hello_retry_random(const std::uint8_t (&random)[32])
{
    // SHA-256 of "HelloRetryRequest", as RFC 8446 section 4.1.3 lists it.
    static const std::uint8_t retry[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                                           0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                                           0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
    return std::memcmp(random, retry, sizeof retry) == 0;
}

bool is_tls13_version(std::uint16_t version)
{
    const unsigned high = version >> 8;
    return version == 0x0304 || high == 0x7f || high == 0x7e;
}

TlsMessage handshake_message(std::uint8_t handshake_type)
{
    switch (handshake_type) {
    case 1: return TlsMessage::ClientHello;
    case 2: return TlsMessage::ServerHello;
    case 4: return TlsMessage::NewSessionTicket;
    case 8: return TlsMessage::EncryptedExtensions;
    case 11: return TlsMessage::Certificate;
    case 12: return TlsMessage::ServerKeyExchange;
    case 13: return TlsMessage::CertificateRequest;
    case 14: return TlsMessage::ServerHelloDone;
    case 15: return TlsMessage::CertificateVerify;
    case 16: return TlsMessage::ClientKeyExchange;
    case 20: return TlsMessage::Finished;
    default: return TlsMessage::OtherHandshake;
    }
}

enum class TlsHandshake::Event : std::uint8_t {
    NoTls,          // the segment's payload is not TLS
    ClientOpens,    // the client's first TLS bytes
    ServerFirst,    // TLS from the server before any from the client
    Resent,         // a retransmission of handshake bytes
    SameFlight,     // more of the current flight, from its sender
    Answer,         // TLS from the other side: the next flight
    AfterHandshake, // anything once the handshake ended
};

TlsHandshake::Event TlsHandshake::classify(const TlsSegment &segment) const
{
    if (phase_ == TlsPhase::Complete || phase_ == TlsPhase::Failed)
        return Event::AfterHandshake;
    if (!segment.carries_tls)
        return Event::NoTls;
    if (phase_ == TlsPhase::NotStarted)
        return segment.sender == Role::Client ? Event::ClientOpens : Event::ServerFirst;
    if (segment.retransmission)
        return Event::Resent;
    return segment.sender == flight_sender_ ? Event::SameFlight : Event::Answer;
}

TlsStep TlsHandshake::observe(const TlsSegment &segment, std::uint32_t frame)
{
    TlsStep result;
    const Event event = classify(segment);
    switch (event) {
    case Event::NoTls:
        // RFC 3207 section 4: before STARTTLS (or without TLS) the payload is the application's.
        // During the flights it is not TLS that TLS dissected: reported.
        if (phase_ == TlsPhase::Flights)
            result.unexpected = TlsSurprise::NotTlsInFlights;
        break;
    case Event::ClientOpens: // RFC 8446 section 4.1.2: the client speaks first, with its ClientHello
        step_ = 1;
        flight_sender_ = Role::Client;
        phase_ = TlsPhase::Flights;
        break;
    case Event::ServerFirst: // the ClientHello was not captured: flights cannot be counted
        result.unexpected = TlsSurprise::ServerFirst;
        break;
    case Event::Resent: // RFC 9293 section 3.10.7.4: the same bytes again, in the flight they first went in
        result.step = segment.sender == Role::Client ? client_step_ : server_step_;
        break;
    case Event::SameFlight: // RFC 8446 section 2: a flight is a run of one side's messages
        break;
    case Event::Answer: // RFC 8446 section 2, RFC 5246 section 7.3: the other side answers with the next flight
        ++step_;
        flight_sender_ = segment.sender;
        break;
    case Event::AfterHandshake: // RFC 8446 section 2: application data and alerts follow the handshake
        break;
    }
    const bool in_flight = event == Event::ClientOpens || event == Event::SameFlight || event == Event::Answer;
    if (in_flight) {
        result.step = step_;
        (segment.sender == Role::Client ? client_step_ : server_step_) = step_;
        learn(segment);
        result.messages = segment.messages;
        result.ends_handshake = phase_ != TlsPhase::Flights;
        result.flight = flight(segment);
        result.explains_flight = result.flight != TlsFlight::Unknown && explained_step_ != step_;
        if (result.explains_flight)
            explained_step_ = step_;
    }
    if (result.step != 0)
        result.steps_expected = steps_expected();
    result.phase_after = phase_;
    if (event == Event::ClientOpens)
        facts_.first_hello_ns = segment.time_ns;
    if (result.ends_handshake) {
        facts_.end_ns = segment.time_ns;
        facts_.end_frame = frame;
    }
    if (segment.has_alert && phase_ != TlsPhase::NotStarted) {
        if (!facts_.has_alert) {
            facts_.alert_description = segment.alert_description;
            facts_.alert_name = segment.alert_name;
        }
        facts_.has_alert = true;
        facts_.last_alert_description = segment.last_alert_description;
    }
    facts_.steps = step_;
    facts_.outcome = outcome();
    return result;
}

TlsOutcome TlsHandshake::outcome() const
{
    switch (phase_) {
    case TlsPhase::NotStarted: return TlsOutcome::None;
    case TlsPhase::Flights: return TlsOutcome::Incomplete;
    case TlsPhase::Complete: return resumed_ ? TlsOutcome::Resumed : TlsOutcome::Complete;
    case TlsPhase::Failed: return TlsOutcome::Alert;
    }
    return TlsOutcome::None;
}

// What the messages of a flight say about the handshake's version, shape and end.
void TlsHandshake::learn(const TlsSegment &segment)
{
    const bool from_client = segment.sender == Role::Client;
    bool &cipher_changed = from_client ? client_cipher_changed_ : server_cipher_changed_;
    bool &finished = from_client ? client_finished_ : server_finished_;
    for (const TlsMessage message : segment.messages) {
        switch (message) {
        case TlsMessage::ClientHello:
            client_offers_tls13_ = segment.lists_tls13;
            client_session_id_ = segment.session_id;
            facts_.server_name = segment.server_name;
            break;
        case TlsMessage::HelloRetryRequest: // RFC 8446 section 4.1.4: two more flights, a new ClientHello first
            ++retries_;
            version_ = TlsVersion::Tls13;
            break;
        case TlsMessage::ServerHello:
            server_hello_seen_ = true;
            version_ = segment.lists_tls13 ? TlsVersion::Tls13 : TlsVersion::Tls12OrOlder;
            // RFC 5246 section 7.4.1.3 (and RFC 5077 section 3.4 for tickets): echoing the
            // client's session ID resumes that session.
            // RFC 8446 section 2.2: a TLS 1.3 server resumes by selecting a pre-shared key.
            resumed_ = version_ == TlsVersion::Tls12OrOlder
                           ? segment.session_id.length > 0 && segment.session_id == client_session_id_
                           : segment.psk_selected;
            // RFC 8446 section 4.2.1: a TLS 1.3 ServerHello names its version in
            // supported_versions; legacy_version says 1.2.
            facts_.version = segment.supported_version != 0 ? segment.supported_version : segment.legacy_version;
            facts_.cipher_suite = segment.cipher_suite;
            facts_.has_cipher_suite = segment.has_cipher_suite;
            facts_.cipher_suite_name = segment.cipher_suite_name;
            facts_.alpn = segment.alpn;
            if (!segment.group_name.empty()) // TLS 1.3: the key share
                facts_.group_name = segment.group_name;
            break;
        case TlsMessage::ServerKeyExchange: // RFC 8422 section 5.4: the ECDHE curve
            if (!segment.group_name.empty())
                facts_.group_name = segment.group_name;
            break;
        case TlsMessage::ChangeCipherSpec:
            cipher_changed = true;
            break;
        case TlsMessage::Finished:
            finished = true;
            break;
        case TlsMessage::EncryptedHandshake: // RFC 5246 section 7.4.9: Finished follows ChangeCipherSpec
            finished = finished || cipher_changed;
            break;
        case TlsMessage::ApplicationData:
            // RFC 8446 section 4.4: after ServerHello every TLS 1.3 handshake record is
            // encrypted; the server's flight ends with its Finished, the client's first
            // encrypted record after it is its Finished (without client authentication).
            finished = finished || (version_ == TlsVersion::Tls13 && server_hello_seen_);
            break;
        case TlsMessage::Alert: // RFC 8446 section 6.2: an alert during the handshake ends it
            phase_ = TlsPhase::Failed;
            break;
        default:
            break;
        }
    }
    if (phase_ == TlsPhase::Flights && client_finished_ && server_finished_)
        phase_ = TlsPhase::Complete;
}

// RFC 5246 section 7.3 and RFC 8446 section 2 name each flight; a HelloRetryRequest
// (RFC 8446 section 4.1.4) puts two before the rest.
TlsFlight TlsHandshake::flight(const TlsSegment &segment) const
{
    for (const TlsMessage message : segment.messages)
        if (message == TlsMessage::Alert)
            return TlsFlight::Alert;
    if (step_ == 1)
        return TlsFlight::ClientHello;
    const int retried = 2 * retries_;
    if (step_ <= retried + 1)
        return step_ % 2 == 0 ? TlsFlight::HelloRetry : TlsFlight::ClientHelloAgain;
    const int flight = step_ - retried; // 2, 3, 4 as without a retry
    if (version_ == TlsVersion::Tls13)
        return flight == 2 ? TlsFlight::ServerHello13 : flight == 3 ? TlsFlight::ClientFinishes13 : TlsFlight::Unknown;
    if (version_ != TlsVersion::Tls12OrOlder)
        return TlsFlight::Unknown;
    if (resumed_)
        return flight == 2 ? TlsFlight::ServerResumes12 : flight == 3 ? TlsFlight::ClientFinishesResumed12 : TlsFlight::Unknown;
    switch (flight) {
    case 2: return TlsFlight::ServerHello12;
    case 3: return TlsFlight::ClientFinishes12;
    case 4: return TlsFlight::ServerFinishes12;
    default: return TlsFlight::Unknown;
    }
}

// RFC 5246 section 7.3: a full handshake takes 4 flights, an abbreviated one 3; RFC 8446
// section 2: TLS 1.3 takes 3, and each HelloRetryRequest adds 2.
std::uint8_t TlsHandshake::steps_expected() const
{
    const int retries = 2 * retries_;
    if (version_ == TlsVersion::Tls13 || (version_ == TlsVersion::Unknown && client_offers_tls13_))
        return static_cast<std::uint8_t>(3 + retries);
    if (version_ == TlsVersion::Tls12OrOlder && resumed_)
        return 3;
    return static_cast<std::uint8_t>(4 + retries);
}

} // namespace tcplife
