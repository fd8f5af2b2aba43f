#include "address_text.hpp"

#include <cstdio>
#include <string>

namespace tcplife {
namespace {

std::string ipv4_text(const std::uint8_t *b)
{
    char text[16];
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return text;
}

std::string ipv6_text(const std::array<std::uint8_t, 16> &bytes)
{
    std::array<unsigned, 8> words{};
    for (std::size_t i = 0; i < 8; ++i)
        words[i] = static_cast<unsigned>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
    // RFC 5952 4.2: the longest run of two or more zero words becomes "::", the first on a tie.
    std::size_t best = 8;
    std::size_t best_length = 1;
    for (std::size_t i = 0; i < 8; ++i) {
        std::size_t end = i;
        while (end < 8 && words[end] == 0)
            ++end;
        if (end - i > best_length) {
            best = i;
            best_length = end - i;
        }
    }
    // glibc keeps the dotted quad of IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible
    // (::a.b.c.d) addresses.
    const bool embedded_ipv4 = best == 0 && (best_length == 6 || (best_length == 5 && words[5] == 0xffff));
    std::string text;
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == best) {
            text += "::";
            i += best_length - 1;
            continue;
        }
        if (i != 0 && i != best + best_length)
            text += ':';
        if (embedded_ipv4 && i == 6)
            return text + ipv4_text(bytes.data() + 12);
        char word[8];
        std::snprintf(word, sizeof word, "%x", words[i]);
        text += word;
    }
    return text;
}

} // namespace

std::array<char, 64> socket_address_text(const SocketAddress &socket)
{
    std::string address = "?";
    if (socket.address.family == 4)
        address = ipv4_text(socket.address.bytes.data());
    else if (socket.address.family == 6)
        address = ipv6_text(socket.address.bytes);
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), socket.address.family == 6 ? "[%s]:%u" : "%s:%u", address.c_str(),
                  socket.port);
    return text;
}

} // namespace tcplife
