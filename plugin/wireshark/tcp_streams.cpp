#include "tcp_streams.hpp"

#include "compat.hpp"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>

#include <cstring>

namespace tcplife::wireshark {

bool TcpStreams::Key::operator==(const Key &o) const
{
    return std::memcmp(bytes, o.bytes, sizeof bytes) == 0;
}

// Mixes the key eight bytes at a time (the multiplier is the 64-bit golden ratio).
std::size_t TcpStreams::KeyHash::operator()(const Key &key) const noexcept
{
    std::uint64_t hash = 0;
    for (std::size_t offset = 0; offset + 8 <= sizeof key.bytes; offset += 8) {
        std::uint64_t word;
        std::memcpy(&word, key.bytes + offset, sizeof word);
        hash = (hash ^ word) * 0x9E3779B97F4A7C15ull;
        hash ^= hash >> 29;
    }
    return static_cast<std::size_t>(hash);
}

// Both directions of a pair share one key: the lower socket first.
TcpStreams::Key TcpStreams::key_of(const SegmentEnds &ends)
{
    const std::size_t length = ends.kind == AT_IPv4 ? 4 : 16;
    std::uint8_t source[18] = {};
    std::uint8_t destination[18] = {};
    std::memcpy(source, ends.source, length);
    std::memcpy(destination, ends.destination, length);
    source[16] = static_cast<std::uint8_t>(ends.source_port >> 8);
    source[17] = static_cast<std::uint8_t>(ends.source_port);
    destination[16] = static_cast<std::uint8_t>(ends.destination_port >> 8);
    destination[17] = static_cast<std::uint8_t>(ends.destination_port);
    const bool source_lower = std::memcmp(source, destination, sizeof source) <= 0;
    Key key;
    key.bytes[0] = static_cast<std::uint8_t>(ends.kind);
    std::memcpy(key.bytes + 1, source_lower ? source : destination, sizeof source);
    std::memcpy(key.bytes + 19, source_lower ? destination : source, sizeof source);
    return key;
}

bool TcpStreams::look_up(packet_info *pinfo, const SegmentEnds &ends, TcpStream *stream) const
{
    const int length = ends.kind == AT_IPv4 ? 4 : 16;
    address source;
    address destination;
    set_address(&source, ends.kind, length, ends.source);
    set_address(&destination, ends.kind, length, ends.destination);
    conversation_t *conversation =
        compat::find_tcp_conversation(pinfo, source, destination, ends.source_port, ends.destination_port);
    if (conversation == nullptr)
        return false;
    const auto *analysis = static_cast<const tcp_analysis *>(conversation_get_proto_data(conversation, tcp_protocol_));
    if (analysis == nullptr)
        return false;
    stream->index = analysis->stream;
    stream->analysis = analysis;
    return true;
}

bool TcpStreams::find(packet_info *pinfo, const SegmentEnds &ends, bool syn, bool ack, TcpStream *stream) noexcept
{
    // Conversations told apart by more than the pair (4.4's deinterlacing) are looked up
    // every time.
    if (!compat::tcp_conversations_keyed_by_sockets_alone())
        return look_up(pinfo, ends, stream);
    const Key key = key_of(ends);
    const auto known = known_.find(key);
    if (known != known_.end() && !syn) {
        *stream = known->second;
        return true;
    }
    if (!look_up(pinfo, ends, stream))
        return false;
    if (known != known_.end()) {
        known->second = *stream;
        return true;
    }
    if (syn && !ack)
        return true; // a pure SYN: most of a flood's are never answered (tcp_streams.hpp)
    try {
        known_.emplace(key, *stream);
    } catch (...) {
        // out of memory: the next segment of the pair looks its conversation up again
    }
    return true;
}

void TcpStreams::forget(const SegmentEnds &ends) noexcept
{
    if (!known_.empty())
        known_.erase(key_of(ends));
}

} // namespace tcplife::wireshark
