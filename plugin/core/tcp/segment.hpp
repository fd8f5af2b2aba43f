// What the observer needs to know about one TCP segment: plain data, filled in by
// whoever reads packets (the Wireshark glue, or a unit test's segment builder).
#pragma once

#include "tcp/payload_digest.hpp"
#include "tcp/seq_number.hpp"

#include <array>
#include <cstdint>

namespace tcplife {

struct Address {
    std::uint8_t family = 0; // 4 or 6; 0 when unknown
    std::array<std::uint8_t, 16> bytes{};

    bool operator==(const Address &o) const { return family == o.family && bytes == o.bytes; }
};

struct SocketAddress {
    Address address;
    std::uint16_t port = 0;

    bool operator==(const SocketAddress &o) const { return port == o.port && address == o.address; }

    // The same endpoint as `o`. An unknown address stands for any: a tunnel's segment that
    // opens its stream comes without the carrying IP layer's addresses, which the stream's
    // later segments fill in (Ledger::record).
    bool matches(const SocketAddress &o) const
    {
        return port == o.port && (address == o.address || address.family == 0 || o.address.family == 0);
    }
};

// A conversation's two sockets by role, [0] client and [1] server. A stream keeps them
// once, in its ledger; the observers that need them are handed them.
using SocketPair = std::array<SocketAddress, 2>;

namespace tcp_flag {
constexpr std::uint16_t fin = 0x01;
constexpr std::uint16_t syn = 0x02;
constexpr std::uint16_t rst = 0x04;
constexpr std::uint16_t psh = 0x08;
constexpr std::uint16_t ack = 0x10;
constexpr std::uint16_t ece = 0x40;
constexpr std::uint16_t cwr = 0x80;
} // namespace tcp_flag

// RFC 7323 2.3: a receiver uses 14 for any larger shift count, and logs the error.
constexpr std::uint8_t max_window_shift = 14;

// The options a SYN or SYN-ACK offers (RFC 9293 3.2, RFC 7323, RFC 2018, RFC 7413);
// read only from segments with SYN set, where they are negotiated.
struct TcpOptions {
    std::uint16_t mss = 0;
    std::uint8_t window_scale = 0;   // shift count as offered, possibly above max_window_shift
    bool has_mss : 1;
    bool has_window_scale : 1;
    bool sack_permitted : 1;
    bool timestamps : 1;
    bool fast_open : 1;              // a TFO cookie or cookie request
    bool cut : 1;                    // the capture cut the option bytes (a snaplen): what was offered is unknown

    TcpOptions()
        : has_mss(false), has_window_scale(false), sack_permitted(false), timestamps(false), fast_open(false),
          cut(false)
    {
    }

    // The shift count its peer uses: the offered one, capped (RFC 7323 2.3).
    std::uint8_t window_shift() const { return window_scale > max_window_shift ? max_window_shift : window_scale; }
    bool window_scale_capped() const { return has_window_scale && window_scale > max_window_shift; }
};

// What Wireshark's own TCP sequence analysis concluded about a segment: the core takes it
// as given, because Wireshark's rules for retransmissions, duplicate ACKs and ACK RTTs are
// the ones the reader compares against. A reader without that analysis leaves it empty.
namespace analysis_flag {
constexpr std::uint16_t analysed = 1u << 0;       // the analysis ran for this segment
constexpr std::uint16_t retransmission = 1u << 1; // of any kind: plain, fast or spurious
constexpr std::uint16_t out_of_order = 1u << 2;
constexpr std::uint16_t duplicate_ack = 1u << 3;
constexpr std::uint16_t zero_window = 1u << 4;    // it advertises a zero window
} // namespace analysis_flag

struct SegmentAnalysis {
    std::int64_t ack_rtt_ns = -1;   // since the data segment it acknowledges (Wireshark's ACK RTT); -1 none
    std::uint32_t ip_bytes = 0;     // the carrying IP packet's length, as its header gives it; 0 unknown
    std::uint16_t flags = 0;        // analysis_flag:: bits
    std::uint8_t sack_blocks = 0;   // SACK blocks in its options (RFC 2018), read from the header
    // The protocol the reader dissected above TCP in this segment's frame, by its filter
    // name ("http", "tls"; Wireshark's names), which lives as long as the program; null
    // for none.
    const char *application_protocol = nullptr;

    bool has(std::uint16_t flag) const { return (flags & flag) != 0; }
};

struct Segment {
    std::uint32_t stream = 0; // Wireshark's tcp.stream: one conversation, port reuse already split
    std::uint32_t frame = 0;  // capture frame number, 1-based
    std::int64_t time_ns = 0; // capture time, nanoseconds since the epoch
    SocketAddress source;
    SocketAddress destination;
    SeqNumber seq;
    SeqNumber ack;
    std::uint16_t flags = 0;
    std::uint16_t window = 0; // raw header value, unscaled
    std::uint32_t payload_length = 0;
    TcpOptions options;
    // Set when the capture holds the whole payload (no snaplen cut).
    bool payload_digested = false;
    PayloadDigest payload_digest;
    SegmentAnalysis analysis;

    bool has(std::uint16_t flag) const { return (flags & flag) != 0; }
};

} // namespace tcplife
