#include "text/tls_text.hpp"

#include <cstring>

namespace tcplife {

const char *tls_message_name(TlsMessage message)
{
    switch (message) {
    case TlsMessage::ClientHello: return "ClientHello";
    case TlsMessage::ServerHello: return "ServerHello";
    case TlsMessage::HelloRetryRequest: return "HelloRetryRequest";
    case TlsMessage::NewSessionTicket: return "NewSessionTicket";
    case TlsMessage::EncryptedExtensions: return "EncryptedExtensions";
    case TlsMessage::Certificate: return "Certificate";
    case TlsMessage::ServerKeyExchange: return "ServerKeyExchange";
    case TlsMessage::CertificateRequest: return "CertificateRequest";
    case TlsMessage::ServerHelloDone: return "ServerHelloDone";
    case TlsMessage::CertificateVerify: return "CertificateVerify";
    case TlsMessage::ClientKeyExchange: return "ClientKeyExchange";
    case TlsMessage::Finished: return "Finished";
    case TlsMessage::OtherHandshake: return "handshake message";
    case TlsMessage::EncryptedHandshake: return "encrypted handshake";
    case TlsMessage::ChangeCipherSpec: return "ChangeCipherSpec";
    case TlsMessage::Alert: return "Alert";
    case TlsMessage::ApplicationData: return "encrypted handshake";
    }
    return "handshake message";
}

TlsMessageNames tls_message_names(const TlsStep &step)
{
    TlsMessageNames names;
    for (const TlsMessage message : step.messages) {
        const char *name = tls_message_name(message);
        if (names.count == 0 || std::strcmp(names.items[names.count - 1], name) != 0)
            names.items[names.count++] = name;
    }
    if (names.count == 0)
        names.items[names.count++] = "part of a record";
    return names;
}

TextBuilder tls_messages_text(const TlsStep &step)
{
    TextBuilder text;
    const TlsMessageNames names = tls_message_names(step);
    for (const char *name : names) {
        if (!text.empty())
            text.add(", ");
        text.add(name);
    }
    return text;
}

const char *tls_version_name(std::uint16_t version)
{
    switch (version) {
    case 0x0304: return "TLS 1.3";
    case 0x0303: return "TLS 1.2";
    case 0x0302: return "TLS 1.1";
    case 0x0301: return "TLS 1.0";
    case 0x0300: return "SSL 3.0";
    default: return is_tls13_version(version) ? "TLS 1.3 (a draft)" : "unknown";
    }
}

const char *tls_outcome_name(TlsOutcome outcome)
{
    switch (outcome) {
    case TlsOutcome::None: return "none";
    case TlsOutcome::Incomplete: return "incomplete";
    case TlsOutcome::Complete: return "complete";
    case TlsOutcome::Resumed: return "resumed";
    case TlsOutcome::Alert: return "alert";
    }
    return "none";
}

namespace {

// What each flight does, after "TLS step N (messages): ".
const char *flight_purpose(TlsFlight flight)
{
    switch (flight) {
    case TlsFlight::ClientHello:
        return "the client opens the TLS handshake, offering its versions, cipher suites and random";
    case TlsFlight::HelloRetry:
        return "the server asks the client for a new ClientHello, with another key share";
    case TlsFlight::ClientHelloAgain:
        return "the client offers the key share the server asked for";
    case TlsFlight::ServerHello12:
        return "the server chooses the version and cipher suite, and sends its random, certificate and key exchange";
    case TlsFlight::ServerResumes12:
        return "the server resumes the client's session, switches to its keys and sends its Finished (encrypted)";
    case TlsFlight::ClientFinishes12:
        return "the client sends its key exchange, switches to the new keys and sends its Finished (encrypted)";
    case TlsFlight::ServerFinishes12:
        return "the server switches to the new keys and sends its Finished (encrypted): handshake complete";
    case TlsFlight::ClientFinishesResumed12:
        return "the client switches to the resumed session's keys and sends its Finished (encrypted): handshake "
               "complete";
    case TlsFlight::ServerHello13:
        return "the server chooses TLS 1.3, a cipher suite and a key share; all after its ServerHello is "
               "encrypted, through its Finished";
    case TlsFlight::ClientFinishes13:
        return "the client sends its Finished (encrypted): handshake complete";
    case TlsFlight::Alert:
    case TlsFlight::Unknown:
        break;
    }
    return nullptr;
}

void add_message(ExpertMessages &messages, ExpertKind kind, const TextBuilder &text, bool texts)
{
    if (messages.count == messages.items.size())
        return;
    ExpertMessage &message = messages.items[messages.count++];
    message.kind = kind;
    message.text[0] = '\0';
    if (texts) {
        const std::size_t length = text.size() < message.text.size() - 1 ? text.size() : message.text.size() - 1;
        std::memcpy(message.text.data(), text.c_str(), length);
        message.text[length] = '\0';
    }
}

} // namespace

ExpertMessages describe_tls(const TlsStep &step, Role sender, const char *alert_name, bool texts)
{
    ExpertMessages messages;
    TextBuilder text;
    if (step.unexpected != TlsSurprise::None) {
        if (texts) {
            text.add("TLS from the ").add(role_name(sender));
            text.add(step.unexpected == TlsSurprise::ServerFirst
                         ? " before any from the client: the capture may have begun after the ClientHello; no "
                           "steps counted"
                         : " during the handshake that TLS did not dissect: no step");
        }
        add_message(messages, ExpertKind::TlsUnexpected, text, texts);
        return messages;
    }
    if (step.flight == TlsFlight::Alert) {
        if (texts) {
            text.add("TLS handshake ended by an alert from the ").add(role_name(sender)).add(" in step ");
            text.add_uint(step.step);
            if (alert_name != nullptr)
                text.add(": ").add(alert_name);
        }
        add_message(messages, ExpertKind::TlsAlert, text, texts);
        return messages;
    }
    if (!step.explains_flight)
        return messages;
    if (texts) {
        text.add("TLS step ").add_uint(step.step).add(" (").add(tls_messages_text(step).c_str()).add("): ");
        text.add(flight_purpose(step.flight));
    }
    add_message(messages, ExpertKind::TlsStep, text, texts);
    return messages;
}

ExpertMessages describe_tls_end_of_capture(const TlsFacts &facts)
{
    ExpertMessages messages;
    if (facts.outcome != TlsOutcome::Incomplete)
        return messages;
    TextBuilder text;
    text.add("TLS handshake incomplete at the end of the capture: it stopped in step ").add_uint(facts.steps);
    add_message(messages, ExpertKind::TlsIncomplete, text, true);
    return messages;
}

std::array<char, 24> tls_info_mark(const TlsStep &step)
{
    std::array<char, 24> out{};
    if (step.step == 0)
        return out;
    TextBuilder mark;
    mark.add(" [TLS ").add_uint(step.step).add_char('/').add_uint(step.steps_expected).add_char(']');
    std::memcpy(out.data(), mark.c_str(), mark.size() + 1 < out.size() ? mark.size() + 1 : out.size() - 1);
    return out;
}

} // namespace tcplife
