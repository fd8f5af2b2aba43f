// Zeek's ssl.log for the conversations that carried a TLS handshake: Zeek's columns, types
// and order (base/protocols/ssl/main.zeek), with the uid of the conversation's conn.log
// record. Columns tcplife does not know (ssl_history, certificate fingerprints,
// sni_matches_cert) are unset.
#pragma once

#include "report/conversation_table.hpp"

#include <string>
#include <vector>

namespace tcplife {

std::string ssl_log(const std::vector<ConversationRow> &rows, const TableContext &context);

// Zeek's names: "TLSv12", "TLSv13", "SSLv3", "TLSv13-draft23", "unknown-32257"; "-" for 0
// (no ServerHello seen).
std::string zeek_tls_version_name(std::uint16_t version);
// RFC 8446 section 6's (and RFC 5246's) alert names, as Zeek logs them: "unknown_ca".
const char *tls_alert_rfc_name(std::uint8_t description);

} // namespace tcplife
