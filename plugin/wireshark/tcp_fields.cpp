#include "tcp_fields.hpp"

#include "capture_time.hpp"
#include "compat.hpp"
#include "tcp_streams.hpp"

#include <epan/dissectors/packet-ip.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/proto_data.h>
#include <wsutil/wmem/wmem_list.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace tcplife::wireshark {
namespace {

constexpr guint32 ip_protocol_tcp = 6;
constexpr unsigned fixed_header_length = 20;

enum class HeaderState : std::uint8_t {
    Read,      // a whole fixed header, inside the bytes IP says the segment has
    Quoted,    // a header an error packet quotes or a sampler copies: not a segment of a conversation
    Truncated, // cut by the snaplen, or a header length below 20 or beyond the segment
    NotOverIp, // handed over by something that set no IP addresses
};

// What the reader copies of a frame's first TCP layer, in the frame's pool.
struct HeaderCopy {
    HeaderState state = HeaderState::Read;
    bool tcp_declined = false; // TCP returned without dissecting (disabled, say)
    bool ports_read = false;   // the ports at least, even of a truncated header
    address_type address_kind = AT_NONE;
    std::uint8_t source_bytes[16] = {};
    std::uint8_t destination_bytes[16] = {};
    std::uint16_t source_port = 0, destination_port = 0;
    std::uint32_t seq = 0, ack = 0;
    std::uint16_t flags = 0, window = 0;
    std::uint32_t payload_length = 0;
    TcpOptions options;
    std::uint8_t sack_blocks = 0;
    std::uint32_t ip_bytes = 0; // 0: unknown
    bool payload_digested = false; // the whole payload captured, and digested (first pass)
    PayloadDigest payload_digest;
};

struct Reader {
    bool sequence_analysis = false; // TCP's tcp.analyze_sequence_numbers, read per file
    int tcplife_protocol = -1;
    int tcp_protocol = -1;
    int data_protocol = -1;
    dissector_table_t tcp_table = nullptr; // holds TCP's own handle, under ip_protocol_tcp
    dissector_table_t tcp_port_table = nullptr; // TCP's "tcp.port", for the application protocol
    bool enabled = false;
    TcpStreams *streams = nullptr; // for the open capture, while enabled
};
Reader reader;

// ---- Copying the header -----------------------------------------------------------------

// The protocol dissected right after the frame's first TCP layer; -1 for none.
int layer_after_tcp(const packet_info *pinfo)
{
    wmem_list_frame_t *frame = wmem_list_head(pinfo->layers);
    while (frame != nullptr && GPOINTER_TO_INT(wmem_list_frame_data(frame)) != reader.tcp_protocol)
        frame = wmem_list_frame_next(frame);
    frame = frame != nullptr ? wmem_list_frame_next(frame) : nullptr;
    const int layer = frame != nullptr ? GPOINTER_TO_INT(wmem_list_frame_data(frame)) : -1;
    // The post-dissector's own layer comes last: nothing was dissected above TCP.
    return layer == reader.tcplife_protocol ? -1 : layer;
}

const char *protocol_name(int protocol)
{
    if (protocol < 0 || protocol == reader.data_protocol)
        return nullptr;
    return proto_get_protocol_filter_name(protocol);
}

// The protocol TCP hands this segment's payload to by its ports (lower port first, as TCP
// tries them; Decode As included), else the one dissected right above the frame's first
// TCP layer (a heuristic or conversation dissector). The port table comes first because
// whether a layer stays in pinfo->layers can depend on the run: HTTP on port 80 keeps its
// layer for a segment it cannot parse only when no tree is built.
const char *application_protocol(const packet_info *pinfo, const HeaderCopy &copy)
{
    if (reader.tcp_port_table != nullptr) {
        const std::uint16_t low = std::min(copy.source_port, copy.destination_port);
        const std::uint16_t high = std::max(copy.source_port, copy.destination_port);
        for (std::uint16_t port : {low, high}) {
            dissector_handle_t handle = dissector_get_uint_handle(reader.tcp_port_table, port);
            if (handle != nullptr)
                return protocol_name(dissector_handle_get_protocol_index(handle));
        }
    }
    return protocol_name(layer_after_tcp(pinfo));
}

// No TCP layer before this one (the last of pinfo->layers): the layer tcplife reads.
bool first_tcp_layer(const packet_info *pinfo)
{
    int tcp_layers = 0;
    for (wmem_list_frame_t *frame = wmem_list_head(pinfo->layers); frame != nullptr;
         frame = wmem_list_frame_next(frame)) {
        if (GPOINTER_TO_INT(wmem_list_frame_data(frame)) == reader.tcp_protocol && ++tcp_layers > 1)
            return false;
    }
    return true;
}

bool copy_addresses(const packet_info *pinfo, HeaderCopy *copy)
{
    const address &source = pinfo->src;
    const address &destination = pinfo->dst;
    const int length = source.type == AT_IPv4 ? 4 : source.type == AT_IPv6 ? 16 : 0;
    if (length == 0 || destination.type != source.type || source.len != length || destination.len != length)
        return false;
    copy->address_kind = static_cast<address_type>(source.type);
    std::memcpy(copy->source_bytes, source.data, static_cast<std::size_t>(length));
    std::memcpy(copy->destination_bytes, destination.data, static_cast<std::size_t>(length));
    return true;
}

std::uint16_t read_u16(const guint8 *bytes)
{
    return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

std::uint32_t read_u32(const guint8 *bytes)
{
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
           bytes[3];
}

// The options a SYN negotiates and the SACK blocks of any segment, as TCP's option
// dissection reads them: a bad length ends the list there; the first of a repeated
// option counts. `end`: the captured part of the header.
void copy_options(const guint8 *header, unsigned end, bool syn, HeaderCopy *copy)
{
    TcpOptions *options = &copy->options;
    unsigned offset = fixed_header_length;
    while (offset < end) {
        const guint8 kind = header[offset];
        if (kind == 0) // end of option list
            return;
        if (kind == 1) { // no-operation
            ++offset;
            continue;
        }
        if (offset + 1 >= end)
            return;
        const guint8 length = header[offset + 1];
        if (length < 2 || offset + length > end)
            return;
        const guint8 *value = header + offset + 2;
        if (kind == 5) { // SACK (RFC 2018 3): 8 octets a block
            if ((length - 2) % 8 != 0 || length == 2)
                return;
            if (copy->sack_blocks == 0)
                copy->sack_blocks = static_cast<std::uint8_t>((length - 2) / 8);
            offset += length;
            continue;
        }
        if (!syn) {
            offset += length;
            continue;
        }
        switch (kind) {
        case 2: // maximum segment size (RFC 9293 3.7.1)
            if (length != 4)
                return;
            if (!options->has_mss) {
                options->has_mss = true;
                options->mss = read_u16(value);
            }
            break;
        case 3: // window scale (RFC 7323 2.2)
            if (length != 3)
                return;
            if (!options->has_window_scale) {
                options->has_window_scale = true;
                options->window_scale = value[0];
            }
            break;
        case 4: // SACK permitted (RFC 2018)
            if (length != 2)
                return;
            options->sack_permitted = true;
            break;
        case 8: // timestamps (RFC 7323 3.2)
            if (length != 10)
                return;
            options->timestamps = true;
            break;
        case 34: // TCP Fast Open cookie or cookie request (RFC 7413)
            options->fast_open = true;
            break;
        default:
            break;
        }
        offset += length;
    }
}

// The length of the IP packet carrying the segment, from what IP hands TCP (the header
// fields IP parsed, ws_ip4 or ws_ip6, which TCP reads too); 0 when IP gave none or a
// length that cannot hold the segment (TSO captures write 0).
std::uint32_t ip_packet_length(const void *ip_header, address_type kind, unsigned segment_length)
{
    if (ip_header == nullptr)
        return 0;
    if (kind == AT_IPv4) {
        const ws_ip4 *ip = WS_IP4_PTR(const_cast<void *>(ip_header));
        return ip != nullptr && ip->ip_len >= segment_length + fixed_header_length ? ip->ip_len : 0;
    }
    const ws_ip6 *ip = WS_IP6_PTR(const_cast<void *>(ip_header));
    constexpr std::uint32_t ipv6_header_length = 40;
    return ip != nullptr && ip->ip6_len >= segment_length ? ip->ip6_len + ipv6_header_length : 0;
}

// Reads only captured bytes: nothing here throws, whatever the packet.
void copy_header(tvbuff_t *tvb, packet_info *pinfo, const void *ip_header, HeaderCopy *copy)
{
    // Set by ICMP, ICMPv6, sFlow, CLNP and others while they dissect a packet they
    // quote or sample: its TCP header belongs to no conversation seen here.
    if (pinfo->flags.in_error_pkt) {
        copy->state = HeaderState::Quoted;
        return;
    }
    if (!copy_addresses(pinfo, copy)) {
        copy->state = HeaderState::NotOverIp;
        return;
    }
    const unsigned reported = tvb_reported_length(tvb);
    const unsigned captured = tvb_captured_length(tvb);
    constexpr unsigned ports_length = 4;
    if (captured >= ports_length) {
        const guint8 *ports = tvb_get_ptr(tvb, 0, static_cast<gint>(ports_length));
        copy->source_port = read_u16(ports);
        copy->destination_port = read_u16(ports + 2);
        copy->ports_read = true;
    }
    if (captured < fixed_header_length) {
        copy->state = HeaderState::Truncated;
        return;
    }
    const guint8 *header = tvb_get_ptr(tvb, 0, static_cast<gint>(fixed_header_length));
    const unsigned header_length = (header[12] >> 4) * 4u;
    if (header_length < fixed_header_length || header_length > reported) {
        copy->state = HeaderState::Truncated;
        return;
    }
    copy->seq = read_u32(header + 4);
    copy->ack = read_u32(header + 8);
    copy->flags = read_u16(header + 12) & 0x0FFF;
    copy->window = read_u16(header + 14);
    copy->payload_length = reported - header_length;
    copy->ip_bytes = ip_packet_length(ip_header, copy->address_kind, reported);
    // Only the first pass analyses; a payload cut by the snaplen cannot be compared.
    if (copy->payload_length != 0 && !PINFO_FD_VISITED(pinfo) && captured == reported) {
        copy->payload_digest =
            digest_payload(tvb_get_ptr(tvb, static_cast<gint>(header_length), static_cast<gint>(copy->payload_length)),
                           copy->payload_length);
        copy->payload_digested = true;
    }
    if (header_length == fixed_header_length)
        return;
    const unsigned options_end = std::min(header_length, captured);
    copy->options.cut = (copy->flags & tcp_flag::syn) != 0 && options_end < header_length;
    copy_options(tvb_get_ptr(tvb, 0, static_cast<gint>(options_end)), options_end,
                 (copy->flags & tcp_flag::syn) != 0, copy);
}

HeaderCopy *header_copy(packet_info *pinfo)
{
    return static_cast<HeaderCopy *>(p_get_proto_data(pinfo->pool, pinfo, reader.tcplife_protocol, 0));
}

// Registered in TCP's place in "ip.proto": copies the first TCP layer's header, then
// hands the segment to TCP as IP would have (TCP's layer is already in pinfo->layers,
// added when this handle, TCP's protocol, was called).
int read_then_dissect_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    HeaderCopy *copy = nullptr;
    if (reader.enabled && first_tcp_layer(pinfo)) {
        copy = wmem_new(pinfo->pool, HeaderCopy);
        new (copy) HeaderCopy();
        copy_header(tvb, pinfo, data, copy);
        p_add_proto_data(pinfo->pool, pinfo, reader.tcplife_protocol, 0, copy);
    }
    const int dissected = compat::dissect_through(reader.tcp_table, ip_protocol_tcp, tvb, pinfo, tree, data);
    if (copy != nullptr && dissected == 0)
        copy->tcp_declined = true;
    return dissected;
}

// The flags TCP's sequence analysis sets in a frame's struct tcp_acked (TCP_A_* in
// packet-tcp.c, the same values in 4.0 to 4.6).
namespace tcp_analysis_flag {
constexpr unsigned retransmission = 0x0001;
constexpr unsigned duplicate_ack = 0x0010;
constexpr unsigned zero_window = 0x0020;
constexpr unsigned out_of_order = 0x0200;
constexpr unsigned fast_retransmission = 0x0400;
constexpr unsigned spurious_retransmission = 0x4000;
} // namespace tcp_analysis_flag

// What TCP's sequence analysis found for this frame. TCP points its conversation's `ta`
// at the frame's record while it dissects the frame, but clears ta on every lookup of the
// conversation: a protocol above TCP that looks it up again (HTTP/2 does) leaves ta empty
// by the time TCP returns, and so may one that rejected the payload before the data
// dissector took it. With any layer above TCP, the record is looked up by the key TCP
// files it under (frame, raw seq, raw ack) instead.
const tcp_acked *sequence_record(const tcp_analysis *analysis, const packet_info *pinfo, const HeaderCopy &copy)
{
    if (layer_after_tcp(pinfo) < 0)
        return analysis->ta;
    if (analysis->acked_table == nullptr)
        return nullptr;
    guint32 frame_key = pinfo->num;
    guint32 seq_key = copy.seq;
    guint32 ack_key = copy.ack;
    wmem_tree_key_t key[4] = {{1, &frame_key}, {1, &seq_key}, {1, &ack_key}, {0, nullptr}};
    return static_cast<const tcp_acked *>(wmem_tree_lookup32_array(analysis->acked_table, key));
}

void read_sequence_analysis(const tcp_analysis *analysis, const packet_info *pinfo, const HeaderCopy &copy,
                            SegmentAnalysis *out)
{
    if (!reader.sequence_analysis || analysis == nullptr)
        return;
    out->flags |= analysis_flag::analysed;
    const tcp_acked *acked = sequence_record(analysis, pinfo, copy);
    if (acked == nullptr)
        return;
    const unsigned flags = acked->flags;
    using namespace tcp_analysis_flag;
    if ((flags & (retransmission | fast_retransmission | spurious_retransmission)) != 0)
        out->flags |= analysis_flag::retransmission;
    if ((flags & out_of_order) != 0)
        out->flags |= analysis_flag::out_of_order;
    if ((flags & duplicate_ack) != 0)
        out->flags |= analysis_flag::duplicate_ack;
    if ((flags & zero_window) != 0)
        out->flags |= analysis_flag::zero_window;
    if (acked->frame_acked != 0)
        out->ack_rtt_ns = capture_time_ns(acked->ts.secs, acked->ts.nsecs);
}

SegmentEnds ends_of(const HeaderCopy &copy)
{
    return SegmentEnds{copy.address_kind, copy.source_bytes, copy.destination_bytes, copy.source_port,
                       copy.destination_port};
}

void fill_address(const HeaderCopy &copy, const std::uint8_t *bytes, Address *to)
{
    const std::size_t length = copy.address_kind == AT_IPv4 ? 4 : 16;
    to->family = copy.address_kind == AT_IPv4 ? 4 : 6;
    std::memcpy(to->bytes.data(), bytes, length);
}

} // namespace

void install_tcp_header_reader(int protocol)
{
    reader.tcplife_protocol = protocol;
    reader.tcp_protocol = proto_get_id_by_filter_name("tcp");
    reader.data_protocol = proto_get_id_by_filter_name("data");
    reader.tcp_port_table = find_dissector_table("tcp.port");
    dissector_table_t ip_table = find_dissector_table("ip.proto");
    dissector_handle_t tcp_handle = ip_table != nullptr ? dissector_get_uint_handle(ip_table, ip_protocol_tcp) : nullptr;
    if (tcp_handle == nullptr || reader.tcp_protocol < 0)
        return; // no TCP to stand in front of: tcplife sees no segment
    reader.tcp_table = register_dissector_table("tcplife.tcp", "TCP, as tcplife hands segments to it",
                                                protocol, FT_UINT8, BASE_DEC);
    dissector_add_uint("tcplife.tcp", ip_protocol_tcp, tcp_handle);
    // Added, not changed: Decode As resets changed entries to the added ones at start-up.
    dissector_add_uint("ip.proto", ip_protocol_tcp,
                       create_dissector_handle_with_name_and_description(read_then_dissect_tcp, reader.tcp_protocol,
                                                                         "tcplife.tcp_reader",
                                                                         "TCP, read by tcplife"));
}

bool tcp_bool_preference(const char *name)
{
    module_t *tcp = prefs_find_module("tcp");
    pref_t *pref = tcp != nullptr ? prefs_find_preference(tcp, name) : nullptr;
    return pref == nullptr || prefs_get_bool_value(pref, pref_current);
}

void read_tcp_headers(bool enabled)
{
    reader.sequence_analysis = tcp_bool_preference("analyze_sequence_numbers");
    delete reader.streams;
    reader.streams = enabled ? new (std::nothrow) TcpStreams(reader.tcp_protocol) : nullptr;
    reader.enabled = enabled;
}

bool read_header_numbers(packet_info *pinfo, HeaderNumbers *out)
{
    const HeaderCopy *copy = header_copy(pinfo);
    if (copy == nullptr || copy->state != HeaderState::Read)
        return false;
    out->seq = copy->seq;
    out->ack = copy->ack;
    out->flags = copy->flags;
    out->payload_length = copy->payload_length;
    return true;
}

Extraction extract_segment(packet_info *pinfo, Segment *out)
{
    const HeaderCopy *copy = header_copy(pinfo);
    if (copy == nullptr || copy->tcp_declined || copy->state == HeaderState::Quoted ||
        copy->state == HeaderState::NotOverIp)
        return Extraction::NotTcp;
    if (reader.streams == nullptr)
        return Extraction::NotTcp; // out of memory when the capture opened
    if (copy->state == HeaderState::Truncated) {
        // TCP may have started a conversation for the pair at this segment (a SYN whose
        // header it could not finish): the pair's next segment looks its stream up again.
        if (copy->ports_read)
            reader.streams->forget(ends_of(*copy));
        return Extraction::Incomplete;
    }
    TcpStream stream;
    if (!reader.streams->find(pinfo, ends_of(*copy), (copy->flags & tcp_flag::syn) != 0, (copy->flags & tcp_flag::ack) != 0,
                              &stream))
        return Extraction::Incomplete;
    out->stream = stream.index;
    fill_address(*copy, copy->source_bytes, &out->source.address);
    fill_address(*copy, copy->destination_bytes, &out->destination.address);
    out->source.port = copy->source_port;
    out->destination.port = copy->destination_port;
    out->seq = SeqNumber(copy->seq);
    out->ack = SeqNumber(copy->ack);
    out->flags = copy->flags;
    out->window = copy->window;
    out->payload_length = copy->payload_length;
    out->options = copy->options;
    out->payload_digested = copy->payload_digested;
    out->payload_digest = copy->payload_digest;
    out->analysis.ip_bytes = copy->ip_bytes;
    out->analysis.sack_blocks = copy->sack_blocks;
    read_sequence_analysis(stream.analysis, pinfo, *copy, &out->analysis);
    if (copy->payload_length != 0)
        out->analysis.application_protocol = application_protocol(pinfo, *copy);
    out->frame = pinfo->num;
    out->time_ns = frame_time_ns(pinfo);
    return Extraction::Complete;
}

std::uint32_t tcp_stream_index(packet_info *pinfo)
{
    const HeaderCopy *copy = header_copy(pinfo);
    TcpStream stream;
    if (copy == nullptr || copy->tcp_declined || copy->state != HeaderState::Read || reader.streams == nullptr ||
        !reader.streams->look_up(pinfo, ends_of(*copy), &stream))
        return 0;
    return stream.index;
}

void forget_tcp_stream(packet_info *pinfo)
{
    const HeaderCopy *copy = header_copy(pinfo);
    if (copy == nullptr || copy->state != HeaderState::Read || reader.streams == nullptr)
        return;
    reader.streams->forget(ends_of(*copy));
}

} // namespace tcplife::wireshark
