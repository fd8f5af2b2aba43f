#include "tcp/roles.hpp"

#include <algorithm>
#include <array>

namespace tcplife {
namespace {

// Zeek's default likely_server_ports for TCP, sorted for binary search.
constexpr std::array<std::uint16_t, 48> likely_server_ports = {
    21,   22,   25,   53,   79,   80,   81,   88,   135,  139,  143,  389,  443,
    465,  502,  514,  563,  585,  587,  614,  631,  636,  989,  990,  992,  993,
    995,  1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432,
    6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
};

} // namespace

bool is_likely_server_port(std::uint16_t port)
{
    return std::binary_search(likely_server_ports.begin(), likely_server_ports.end(), port);
}

bool first_sender_is_server(std::uint16_t source_port, std::uint16_t destination_port)
{
    if (!is_likely_server_port(source_port))
        return false;
    if (!is_likely_server_port(destination_port))
        return true;
    return source_port < destination_port;
}

bool zeek_first_sender_is_responder(const Segment &first)
{
    if (!first.has(tcp_flag::syn))
        return first_sender_is_server(first.source.port, first.destination.port);
    if (!first.has(tcp_flag::ack))
        return false;
    return is_likely_server_port(first.source.port) && !is_likely_server_port(first.destination.port);
}

const char *role_name(Role role)
{
    switch (role) {
    case Role::Client: return "client";
    case Role::Server: return "server";
    case Role::Unknown: return "unknown";
    }
    return "unknown";
}

} // namespace tcplife
