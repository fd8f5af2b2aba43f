#include "zeek/service.hpp"

#include <cstring>

namespace tcplife {
namespace {

struct Rename {
    const char *protocol; // Wireshark's filter name
    const char *service;  // Zeek's analyzer, as conn.log writes it
};

// Only names that differ; Zeek's http, ssh, ftp, ftp-data, smtp, imap, irc, mysql, xmpp,
// modbus, redis, dns, sip, socks and rdp are spelled as Wireshark spells them.
constexpr Rename renames[] = {
    {"tls", "ssl"},     {"ssl", "ssl"},           {"pop", "pop3"},       {"smb2", "smb"},
    {"dcerpc", "dce_rpc"}, {"kerberos", "krb_tcp"}, {"ldap", "ldap_tcp"}, {"dnp3", "dnp3_tcp"},
    {"mbtcp", "modbus"}, {"resp", "redis"},      {"vnc", "rfb"},        {"http2", "http2"},
};

} // namespace

const char *zeek_service_name(const char *protocol)
{
    if (protocol == nullptr)
        return nullptr;
    for (const Rename &rename : renames) {
        if (std::strcmp(rename.protocol, protocol) == 0)
            return rename.service;
    }
    return protocol;
}

} // namespace tcplife
