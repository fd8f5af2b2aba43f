// Turns a fuzzer's byte string into TCP segments of a few conversations, the way the
// Wireshark glue would hand them to the core: frame numbers in order, one stream index
// per conversation, each conversation's own sockets. Each record of 8 bytes picks the
// conversation and direction, the flags, the sequence and acknowledgement numbers
// (the sender's next, a retransmission, a gap, the peer's ISN + 1 or any 32 bits), the
// payload, the time step (backwards too), options and Wireshark's analysis. Records can
// start a new stream on the same sockets (port reuse) or mark a frame's header as
// truncated. ISNs sit just below 2^32 on some conversations so numbers wrap.
#pragma once

#include "tcp/segment.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace tcplife::fuzz {

struct ScriptStep {
    enum class Kind { Segment, Incomplete } kind = Kind::Segment;
    Segment segment;
};

class SegmentScript {
public:
    static constexpr std::size_t conversations = 4;
    static constexpr std::size_t record_size = 8;

    SegmentScript(const std::uint8_t *data, std::size_t size) : data_(data), size_(size)
    {
        for (std::size_t c = 0; c < conversations; ++c) {
            streams_[c] = static_cast<std::uint32_t>(c);
            start_conversation(c);
        }
    }

    // The next step, or false at the end of the input.
    bool next(ScriptStep *step)
    {
        if (size_ - offset_ < record_size)
            return false;
        const std::uint8_t *r = data_ + offset_;
        offset_ += record_size;
        const std::size_t c = r[0] & 0x03;
        const std::size_t from = (r[0] >> 2) & 1;
        if ((r[0] & 0x08) != 0) { // the 4-tuple is used again by a new stream
            streams_[c] = next_stream_++;
            start_conversation(c);
        }
        frame_ += 1;
        time_ns_ += static_cast<std::int8_t>(r[3]) * std::int64_t(1000000);
        step->kind = (r[1] & 0x20) != 0 ? ScriptStep::Kind::Incomplete : ScriptStep::Kind::Segment;
        Segment &s = step->segment;
        s = Segment{};
        s.stream = streams_[c];
        s.frame = frame_;
        s.time_ns = time_ns_;
        s.source = socket(c, from);
        s.destination = socket(c, 1 - from);
        s.flags = r[1] & 0xDF;
        s.payload_length = (r[2] & 0x7F) * 11u;
        const std::uint32_t sent = s.payload_length + (s.has(tcp_flag::syn) ? 1 : 0) + (s.has(tcp_flag::fin) ? 1 : 0);
        std::uint32_t &next_seq = next_seq_[c][from];
        switch ((r[0] >> 4) & 3) {
        case 0: s.seq = SeqNumber(next_seq); break;                                   // in order
        case 1: s.seq = SeqNumber(next_seq - (sent != 0 ? sent : 1)); break;          // sent again
        case 2: s.seq = SeqNumber(next_seq + 1000); break;                            // after a gap
        default: s.seq = SeqNumber(word(r + 4)); break;                               // anything
        }
        if (((r[0] >> 4) & 3) != 1)
            next_seq = s.seq.raw() + sent;
        switch (r[0] >> 6) {
        case 0: s.ack = SeqNumber(next_seq_[c][1 - from]); break;
        case 1: s.ack = SeqNumber(next_seq_[c][1 - from] - 1); break;
        case 2: s.ack = SeqNumber(isn_[c][1 - from] + 1); break;
        default: s.ack = SeqNumber(word(r + 4) ^ 0x5A5A5A5Au); break;
        }
        const std::uint8_t options = r[5];
        s.window = (options & 0xE0) == 0 ? 0 : static_cast<std::uint16_t>(0xFFFFu >> ((options >> 5) - 1));
        if (s.has(tcp_flag::syn)) {
            s.options.has_mss = (options & 0x01) != 0;
            s.options.mss = static_cast<std::uint16_t>(536 + r[6] * 4);
            s.options.has_window_scale = (options & 0x02) != 0;
            s.options.window_scale = r[6] & 0x1F;
            s.options.sack_permitted = (options & 0x04) != 0;
            s.options.timestamps = (options & 0x08) != 0;
            s.options.fast_open = (options & 0x10) != 0;
        }
        s.payload_digested = s.payload_length != 0 && (r[2] & 0x80) == 0;
        if (s.payload_digested)
            s.payload_digest = payload_digest_of(r[7], s.payload_length);
        const std::uint8_t analysis = r[7];
        s.analysis.flags = static_cast<std::uint16_t>(analysis & 0x1F);
        s.analysis.sack_blocks = (analysis >> 5) & 0x03;
        s.analysis.ack_rtt_ns = (analysis & 0x80) != 0 ? std::int64_t(r[6]) * 100000 - 1000000 : -1;
        s.analysis.ip_bytes = (r[6] & 0x01) != 0 ? 0 : 40 + s.payload_length;
        static const char *const protocols[] = {nullptr, "http", "tls", "smb2"};
        s.analysis.application_protocol = s.payload_length != 0 ? protocols[r[6] >> 6] : nullptr;
        return true;
    }

private:
    static std::uint32_t word(const std::uint8_t *p)
    {
        return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
    }

    // Two payloads agree on their digest when their fill byte does.
    static PayloadDigest payload_digest_of(std::uint8_t fill, std::uint32_t length)
    {
        std::array<std::uint8_t, 2 * PayloadDigest::end_length> bytes;
        bytes.fill(fill);
        return digest_payload(bytes.data(), length < bytes.size() ? length : bytes.size());
    }

    void start_conversation(std::size_t c)
    {
        // Conversations 1 and 3 start right below 2^32: their numbers wrap.
        const std::uint32_t base = (c & 1) != 0 ? 0xFFFFFF00u : 0x10000000u * std::uint32_t(c + 1);
        isn_[c] = {base + streams_[c] * 7919u, base + 0x8000u + streams_[c] * 104729u};
        next_seq_[c] = isn_[c];
    }

    static SocketAddress socket(std::size_t c, std::size_t side)
    {
        SocketAddress a;
        a.address.family = c < 2 ? 4 : 6;
        a.address.bytes[0] = 10;
        a.address.bytes[3] = static_cast<std::uint8_t>(1 + side);
        a.port = side == 0 ? static_cast<std::uint16_t>(40000 + c) : 80;
        return a;
    }

    const std::uint8_t *data_;
    std::size_t size_;
    std::size_t offset_ = 0;
    std::uint32_t frame_ = 0;
    std::int64_t time_ns_ = std::int64_t(1704067200) * 1000000000;
    std::uint32_t next_stream_ = conversations;
    std::array<std::uint32_t, conversations> streams_{};
    std::array<std::array<std::uint32_t, 2>, conversations> isn_{};
    std::array<std::array<std::uint32_t, 2>, conversations> next_seq_{};
};

} // namespace tcplife::fuzz
