// TCP's stream index for a segment, as TCP assigned it: from the conversation TCP keeps
// for the segment's socket pair. Looking a conversation up costs more than the rest of
// reading a segment, so each socket pair's index is remembered; the conversation is
// looked up again only where TCP can have started a new one for the same pair: at the
// pair's first segment and at every segment with SYN set (TCP's port-reuse rules: a SYN
// with a new sequence number starts a new conversation, and from 4.4 on so does a
// SYN-ACK after a close or with a new sequence number). First pass only, frames in order.
// A pair is remembered from its first segment that is not a pure SYN: a flood's SYNs,
// never answered, would otherwise leave a node of about 90 bytes each (bench/README.md,
// "Floods"). An answered SYN costs no lookup more: its pair's next segment, the SYN-ACK,
// is looked up anyway; a refused one's RST+ACK (a port scan's closed port) costs one.
// A pair is forgotten again when its connection is over (forget): a capture's closed
// connections outnumber its open ones, and a segment after the close, rare, costs one
// lookup more.
#pragma once

#include <epan/packet.h>

#include <cstdint>
#include <unordered_map>

struct tcp_analysis; // TCP's, in epan/dissectors/packet-tcp.h

namespace tcplife::wireshark {

struct SegmentEnds {
    address_type kind = AT_NONE; // AT_IPv4 or AT_IPv6
    const std::uint8_t *source = nullptr;
    const std::uint8_t *destination = nullptr;
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
};

// TCP's conversation data for a segment: its stream index, and TCP's analysis, which
// lives as long as the capture file (file scope).
struct TcpStream {
    std::uint32_t index = 0;
    const tcp_analysis *analysis = nullptr;
};

class TcpStreams {
public:
    explicit TcpStreams(int tcp_protocol) : tcp_protocol_(tcp_protocol) {}

    // False when TCP keeps no conversation for the segment (it gave up before making one).
    // `syn`, `ack`: the segment's flags.
    bool find(packet_info *pinfo, const SegmentEnds &ends, bool syn, bool ack, TcpStream *stream) noexcept;
    // The pair's index is looked up again at its next segment.
    void forget(const SegmentEnds &ends) noexcept;
    // Any pass, any order: TCP's conversation for the frame, looked up as TCP looks it up.
    bool look_up(packet_info *pinfo, const SegmentEnds &ends, TcpStream *stream) const;

private:
    struct Key {
        std::uint8_t bytes[40] = {}; // kind, the lower and the higher socket (16 + 2 each), zero padding
        bool operator==(const Key &o) const;
    };
    struct KeyHash {
        std::size_t operator()(const Key &key) const noexcept;
    };
    static Key key_of(const SegmentEnds &ends);

    int tcp_protocol_;
    std::unordered_map<Key, TcpStream, KeyHash> known_;
};

} // namespace tcplife::wireshark
