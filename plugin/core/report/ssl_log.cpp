#include "report/ssl_log.hpp"

#include "report/zeek_log.hpp"
#include "text/socket_text.hpp"


namespace tcplife {

std::string zeek_tls_version_name(std::uint16_t version)
{
    switch (version) {
    case 0: return "-";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv10";
    case 0x0302: return "TLSv11";
    case 0x0303: return "TLSv12";
    case 0x0304: return "TLSv13";
    default:
        // Zeek's names for TLS 1.3's drafts, and its fallback for any other version.
        if ((version >> 8) == 0x7f)
            return "TLSv13-draft" + std::to_string(version & 0xff);
        return "unknown-" + std::to_string(version);
    }
}

const char *tls_alert_rfc_name(std::uint8_t description)
{
    switch (description) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 21: return "decryption_failed";
    case 22: return "record_overflow";
    case 30: return "decompression_failure";
    case 40: return "handshake_failure";
    case 41: return "no_certificate";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 60: return "export_restriction";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 111: return "certificate_unobtainable";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 114: return "bad_certificate_hash_value";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return nullptr;
    }
}

namespace {

std::string text_or_unset(const char *text)
{
    return text != nullptr && text[0] != '\0' ? std::string(text) : std::string("-");
}

} // namespace

std::string ssl_log(const std::vector<ConversationRow> &rows, const TableContext &context)
{
    std::string out = zeek_log_header(
        "ssl", context.capture_start_ns,
        "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\t"
        "last_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\t"
        "sni_matches_cert",
        "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\t"
        "vector[string]\tvector[string]\tbool");
    for (const ConversationRow &row : rows) {
        if (row.tls == nullptr || row.tls->outcome == TlsOutcome::None)
            continue;
        const TlsFacts &tls = *row.tls;
        const SocketAddress &originator = row.zeek->originator(row.facts->sockets);
        const SocketAddress &responder = row.zeek->responder(row.facts->sockets);
        const bool established = tls.outcome == TlsOutcome::Complete || tls.outcome == TlsOutcome::Resumed;
        const std::string fields[] = {
            seconds_text(tls.first_hello_ns),
            zeek_uid(row),
            address_text(originator.address).data(),
            std::to_string(originator.port),
            address_text(responder.address).data(),
            std::to_string(responder.port),
            zeek_tls_version_name(tls.version),
            text_or_unset(tls.has_cipher_suite ? tls.cipher_suite_name.text.data() : nullptr),
            text_or_unset(tls.group_name.text.data()),
            text_or_unset(tls.server_name.text.data()),
            tls.outcome == TlsOutcome::Resumed ? "T" : "F",
            text_or_unset(tls.has_alert ? tls_alert_rfc_name(tls.last_alert_description) : nullptr),
            text_or_unset(tls.alpn.text.data()),
            established ? "T" : "F",
            "-", // ssl_history
            "-", // cert_chain_fps
            "-", // client_cert_chain_fps
            "-", // sni_matches_cert
        };
        append_zeek_record(out, fields);
    }
    return out + zeek_log_close(rows, context.capture_start_ns);
}

} // namespace tcplife
