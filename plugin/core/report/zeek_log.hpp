// What every Zeek log tcplife writes shares: the header lines, the uid that ties a
// conversation's records across logs (conn.log, ssl.log), the header times.
#pragma once

#include "capture/conversation_row.hpp"

#include <cstdint>
#include <string>

namespace tcplife {

// Zeek's log header time: "2026-11-21-14-05-09", UTC so output does not depend on the machine.
std::string zeek_header_time(std::int64_t ns);

// Zeek's uids are random; tcplife derives them from the conversation, so that the same
// capture always gives the same ids and its conn.log and ssl.log agree.
std::string zeek_uid(const ConversationRow &row);

// "#separator \x09" through "#types ...", for the log `path` opened at `open_ns`.
std::string zeek_log_header(const char *path, std::int64_t open_ns, const char *fields, const char *types);

} // namespace tcplife
