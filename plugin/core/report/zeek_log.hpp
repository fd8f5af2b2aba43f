// What every Zeek log tcplife writes shares: the header lines, the uid that ties a
// conversation's records across logs (conn.log, ssl.log), the header times.
#pragma once

#include "capture/conversation_row.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tcplife {

// Zeek's log header time: "2026-11-21-14-05-09", UTC so output does not depend on the machine.
std::string zeek_header_time(std::int64_t ns);

// Zeek's uids are random; tcplife derives them from the conversation, so that the same
// capture always gives the same ids and its conn.log and ssl.log agree.
std::string zeek_uid(const ConversationRow &row);

// "#separator \x09" through "#types ...", for the log `path` opened at `open_ns`.
std::string zeek_log_header(const char *path, std::int64_t open_ns, const char *fields, const char *types);

// One record: the fields joined by tabs, and a line break.
template <typename Fields> void append_zeek_record(std::string &out, const Fields &fields)
{
    bool first = true;
    for (const std::string &field : fields) {
        if (!first)
            out += '\t';
        out += field;
        first = false;
    }
    out += '\n';
}

// "#close ...": the log closes with its latest conversation's last segment, or at `open_ns`.
std::string zeek_log_close(const std::vector<ConversationRow> &rows, std::int64_t open_ns);

} // namespace tcplife
