// Labels built by concatenation into a fixed buffer: no printf, no allocation. The
// Wireshark glue builds every item text it shows this way, because a visible tree
// (the packet details, -V, and also -T fields) formats labels for every segment.
// The output is the same as the printf formats it replaces (tests/unit/test_text.cpp).
#pragma once

#include "tcp/segment.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tcplife {

class TextBuilder {
public:
    static constexpr std::size_t capacity = 240; // Wireshark's ITEM_LABEL_LENGTH

    TextBuilder() { buffer_[0] = '\0'; }

    TextBuilder &add(std::string_view text);
    TextBuilder &add(const char *text) { return add(std::string_view(text)); }
    TextBuilder &add_char(char c);
    TextBuilder &add_uint(std::uint64_t value); // "%u"
    // An IPv4 address in network byte order, as inet_ntop writes it: "192.0.2.1".
    TextBuilder &add_ipv4(const std::uint8_t *bytes);
    // An IPv6 address as glibc's inet_ntop writes it (longest zero run as "::",
    // "::ffff:192.0.2.1" for IPv4-mapped and "::192.0.2.1" for IPv4-compatible addresses).
    TextBuilder &add_ipv6(const std::uint8_t *bytes);
    // "192.0.2.1" or "2001:db8::1"; "?" for an address of no known family.
    TextBuilder &add_address(const Address &address);
    // "192.0.2.1:443" or "[2001:db8::1]:443"; "?:0" for a socket never seen.
    TextBuilder &add_socket(const SocketAddress &socket);
    // A duration in seconds from nanoseconds, as printf("%+.6f", ns / 1e9) writes it.
    TextBuilder &add_signed_seconds(std::int64_t ns);

    const char *c_str() const { return buffer_.data(); }
    std::size_t size() const { return used_; }
    bool empty() const { return used_ == 0; }

private:
    std::array<char, capacity> buffer_;
    std::size_t used_ = 0;
};

} // namespace tcplife
