#include "text/text.hpp"

#include <cstdio>
#include <cstring>

namespace tcplife {

TextBuilder &TextBuilder::add(std::string_view text)
{
    const std::size_t room = capacity - 1 - used_;
    const std::size_t length = text.size() < room ? text.size() : room;
    std::memcpy(buffer_.data() + used_, text.data(), length);
    used_ += length;
    buffer_[used_] = '\0';
    return *this;
}

TextBuilder &TextBuilder::add_char(char c)
{
    if (used_ + 1 < capacity) {
        buffer_[used_++] = c;
        buffer_[used_] = '\0';
    }
    return *this;
}

TextBuilder &TextBuilder::add_uint(std::uint64_t value)
{
    char digits[20];
    std::size_t count = 0;
    do {
        digits[sizeof digits - 1 - count++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return add(std::string_view(digits + sizeof digits - count, count));
}

TextBuilder &TextBuilder::add_ipv4(const std::uint8_t *bytes)
{
    for (int i = 0; i < 4; ++i) {
        if (i != 0)
            add_char('.');
        add_uint(bytes[i]);
    }
    return *this;
}

// glibc's inet_ntop6 (resolv/inet_ntop.c, after BIND), step by step.
TextBuilder &TextBuilder::add_ipv6(const std::uint8_t *bytes)
{
    unsigned words[8];
    for (int i = 0; i < 8; ++i)
        words[i] = static_cast<unsigned>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
    int best_base = -1, best_length = 0, run_base = -1, run_length = 0;
    for (int i = 0; i < 8; ++i) {
        if (words[i] == 0) {
            if (run_base == -1) {
                run_base = i;
                run_length = 1;
            } else {
                ++run_length;
            }
        } else if (run_base != -1) {
            if (best_base == -1 || run_length > best_length) {
                best_base = run_base;
                best_length = run_length;
            }
            run_base = -1;
        }
    }
    if (run_base != -1 && (best_base == -1 || run_length > best_length)) {
        best_base = run_base;
        best_length = run_length;
    }
    if (best_base != -1 && best_length < 2)
        best_base = -1;

    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) {
        if (best_base != -1 && i >= best_base && i < best_base + best_length) {
            if (i == best_base)
                add_char(':');
            continue;
        }
        if (i != 0)
            add_char(':');
        if (i == 6 && best_base == 0 && (best_length == 6 || (best_length == 5 && words[5] == 0xffff))) {
            add_ipv4(bytes + 12);
            return *this;
        }
        char digits[4];
        std::size_t count = 0;
        unsigned word = words[i];
        do {
            digits[sizeof digits - 1 - count++] = hex[word & 0xf];
            word >>= 4;
        } while (word != 0);
        add(std::string_view(digits + sizeof digits - count, count));
    }
    if (best_base != -1 && best_base + best_length == 8)
        add_char(':');
    return *this;
}

TextBuilder &TextBuilder::add_address(const Address &address)
{
    if (address.family == 4)
        return add_ipv4(address.bytes.data());
    if (address.family == 6)
        return add_ipv6(address.bytes.data());
    return add_char('?');
}

TextBuilder &TextBuilder::add_socket(const SocketAddress &socket)
{
    if (socket.address.family == 6)
        add_char('[').add_address(socket.address).add_char(']');
    else
        add_address(socket.address);
    return add_char(':').add_uint(socket.port);
}

TextBuilder &TextBuilder::add_signed_seconds(std::int64_t ns)
{
    // Integer rounding to microseconds gives printf's digits as long as the double
    // ns / 1e9 is off by less than the 1 ns that separates an integer nanosecond count
    // from a rounding boundary: true below 2^50 ns (13 days) unless the count sits
    // exactly on the boundary (500 ns past a microsecond). Anything else goes to printf.
    constexpr std::int64_t exact_limit = std::int64_t{1} << 50;
    const bool negative = ns < 0;
    const std::uint64_t magnitude =
        negative ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
    if (magnitude >= static_cast<std::uint64_t>(exact_limit) || magnitude % 1000 == 500) {
        char text[48];
        std::snprintf(text, sizeof text, "%+.6f", static_cast<double>(ns) / 1e9);
        return add(text);
    }
    const std::uint64_t micros = (magnitude + 500) / 1000;
    add_char(negative ? '-' : '+'); // printf keeps the sign of a negative value that rounds to zero
    add_uint(micros / 1'000'000);
    add_char('.');
    char fraction[6];
    std::uint64_t rest = micros % 1'000'000;
    for (int i = 5; i >= 0; --i) {
        fraction[i] = static_cast<char>('0' + rest % 10);
        rest /= 10;
    }
    return add(std::string_view(fraction, sizeof fraction));
}

} // namespace tcplife
