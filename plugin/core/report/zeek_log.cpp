#include "report/zeek_log.hpp"

#include "conversation/capture_time.hpp"

#include <algorithm>
#include <ctime>

namespace tcplife {

std::string zeek_header_time(std::int64_t ns)
{
    const std::time_t seconds = static_cast<std::time_t>(ns / ns_per_second);
    std::tm utc{};
    char text[32] = "-";
    if (gmtime_r(&seconds, &utc) != nullptr)
        std::strftime(text, sizeof text, "%Y-%m-%d-%H-%M-%S", &utc);
    return text;
}

std::string zeek_uid(const ConversationRow &row)
{
    std::uint64_t hash = 1469598103934665603ull; // FNV-1a
    auto mix = [&hash](std::uint64_t value) {
        for (int i = 0; i < 8; ++i) {
            hash ^= (value >> (8 * i)) & 0xff;
            hash *= 1099511628211ull;
        }
    };
    mix(static_cast<std::uint64_t>(row.facts->earliest_ns));
    mix(row.stream);
    const SocketPair &sockets = row.facts->sockets;
    for (const SocketAddress *socket : {&row.zeek->originator(sockets), &row.zeek->responder(sockets)}) {
        for (std::uint8_t byte : socket->address.bytes)
            mix(byte);
        mix(socket->port);
    }
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string uid = "C";
    for (int i = 0; i < 11; ++i, hash /= 62)
        uid += digits[hash % 62];
    return uid;
}

std::string zeek_log_header(const char *path, std::int64_t open_ns, const char *fields, const char *types)
{
    std::string out = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t";
    out += path;
    out += "\n#open\t" + zeek_header_time(open_ns) + "\n#fields\t" + fields + "\n#types\t" + types + '\n';
    return out;
}

std::string zeek_log_close(const std::vector<ConversationRow> &rows, std::int64_t open_ns)
{
    std::int64_t closed_ns = open_ns;
    for (const ConversationRow &row : rows)
        closed_ns = std::max(closed_ns, row.facts->latest_ns);
    return "#close\t" + zeek_header_time(closed_ns) + '\n';
}

} // namespace tcplife
