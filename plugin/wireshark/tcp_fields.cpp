#include "tcp_fields.hpp"

#include <epan/proto.h>
#include <wsutil/wmem/wmem_list.h>

#include <climits>
#include <cstring>

#include "core/ledger.hpp"

namespace tcplife::wireshark {
namespace {

enum TcpField {
    Stream, SourcePort, DestinationPort, SeqRaw, AckRaw, Flags, PayloadLength, Window,
    Ipv4Source, Ipv4Destination, Ipv6Source, Ipv6Destination, OptionKind, MssValue, WindowScaleShift,
    TcpFieldCount
};

struct TcpFieldName {
    TcpField field;
    const char *name;
};

constexpr TcpFieldName tcp_field_names[] = {
    {Stream, "tcp.stream"},          {SourcePort, "tcp.srcport"}, {DestinationPort, "tcp.dstport"},
    {SeqRaw, "tcp.seq_raw"},         {AckRaw, "tcp.ack_raw"},     {Flags, "tcp.flags"},
    {PayloadLength, "tcp.len"},      {Window, "tcp.window_size_value"},
    {Ipv4Source, "ip.src"},          {Ipv4Destination, "ip.dst"},
    {Ipv6Source, "ipv6.src"},        {Ipv6Destination, "ipv6.dst"},
    {OptionKind, "tcp.option_kind"}, {MssValue, "tcp.options.mss_val"},
    {WindowScaleShift, "tcp.options.wscale.shift"},
};

constexpr bool names_follow_enum_order()
{
    for (int i = 0; i < TcpFieldCount; ++i) {
        if (tcp_field_names[i].field != i)
            return false;
    }
    return sizeof tcp_field_names / sizeof tcp_field_names[0] == TcpFieldCount;
}
static_assert(names_follow_enum_order(), "tcp_field_names must list every TcpField in enum order");

int tcp_field_ids[TcpFieldCount];

// The value of `field` added by the same TCP layer as the stream index, so that a
// frame carrying two TCP headers (a tunnel) never mixes them.
bool read_uint(proto_tree *tree, TcpField field, int layer, guint32 *value)
{
    GPtrArray *items = proto_get_finfo_ptr_array(tree, tcp_field_ids[field]);
    if (items == nullptr)
        return false;
    for (guint i = 0; i < items->len; ++i) {
        auto *item = static_cast<field_info *>(g_ptr_array_index(items, i));
        if (item->proto_layer_num == layer) {
            *value = fvalue_get_uinteger(&item->value);
            return true;
        }
    }
    return false;
}

// The address field of the IP layer that carries the TCP layer `tcp_depth` (the
// deepest IPv4 or IPv6 header before it in the frame), so a tunnel never mixes the
// outer header's ports with the inner header's addresses.
const field_info *carrying_ip_field(proto_tree *tree, TcpField ipv4_field, TcpField ipv6_field, int tcp_depth)
{
    const field_info *best = nullptr;
    for (TcpField field : {ipv4_field, ipv6_field}) {
        GPtrArray *items = proto_get_finfo_ptr_array(tree, tcp_field_ids[field]);
        for (guint i = 0; items != nullptr && i < items->len; ++i) {
            const auto *item = static_cast<const field_info *>(g_ptr_array_index(items, i));
            if (item->total_layer_num < tcp_depth && (best == nullptr || item->total_layer_num > best->total_layer_num))
                best = item;
        }
    }
    return best;
}

bool read_address(proto_tree *tree, TcpField ipv4_field, TcpField ipv6_field, int tcp_depth, Address *to)
{
    const field_info *item = carrying_ip_field(tree, ipv4_field, ipv6_field, tcp_depth);
    if (item == nullptr)
        return false;
    auto *value = const_cast<fvalue_t *>(&item->value);
    if (item->hfinfo->id == tcp_field_ids[ipv4_field]) {
        const guint32 network_order = fvalue_get_uinteger(value); // FT_IPv4 keeps the wire byte order
        to->family = 4;
        std::memcpy(to->bytes.data(), &network_order, sizeof network_order);
    } else {
        to->family = 6;
        std::memcpy(to->bytes.data(), fvalue_get_bytes(value), to->bytes.size());
    }
    return true;
}

// Option kinds (IANA "TCP Option Kind Numbers").
constexpr guint32 option_sack_permitted = 4;
constexpr guint32 option_timestamps = 8;
constexpr guint32 option_fast_open = 34;

// The options of a SYN or SYN-ACK, from the same TCP layer as the stream index.
TcpOptions read_options(proto_tree *tree, int layer)
{
    TcpOptions options;
    guint32 value = 0;
    if (read_uint(tree, MssValue, layer, &value)) {
        options.has_mss = true;
        options.mss = static_cast<std::uint16_t>(value);
    }
    if (read_uint(tree, WindowScaleShift, layer, &value)) {
        options.has_window_scale = true;
        options.window_scale = static_cast<std::uint8_t>(value);
    }
    GPtrArray *kinds = proto_get_finfo_ptr_array(tree, tcp_field_ids[OptionKind]);
    for (guint i = 0; kinds != nullptr && i < kinds->len; ++i) {
        auto *item = static_cast<field_info *>(g_ptr_array_index(kinds, i));
        if (item->proto_layer_num != layer)
            continue;
        switch (fvalue_get_uinteger(&item->value)) {
        case option_sack_permitted: options.sack_permitted = true; break;
        case option_timestamps: options.timestamps = true; break;
        case option_fast_open: options.fast_open = true; break;
        default: break;
        }
    }
    return options;
}

// Nanoseconds since the epoch, saturated: pcapng allows times no int64 can hold.
std::int64_t capture_time_ns(const nstime_t &time)
{
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(static_cast<std::int64_t>(time.secs), std::int64_t{1'000'000'000}, &ns))
        return time.secs > 0 ? INT64_MAX : INT64_MIN;
    return saturating_add(ns, time.nsecs);
}

int icmp_protocol = -1;
int icmpv6_protocol = -1;
int tcp_protocol = -1;

// Whether the frame holds a TCP segment of a conversation: a TCP layer, not preceded
// by an ICMP or ICMPv6 layer (then it is the quoted header of a packet that failed;
// ICMP carried inside a TCP tunnel is fine). One walk over the layers, no name lookups.
bool carries_conversation_segment(packet_info *pinfo)
{
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer != nullptr;
         layer = wmem_list_frame_next(layer)) {
        const int protocol = GPOINTER_TO_INT(wmem_list_frame_data(layer));
        if (protocol == tcp_protocol)
            return true;
        if (protocol == icmp_protocol || protocol == icmpv6_protocol)
            return false;
    }
    return false;
}

} // namespace

void resolve_tcp_fields()
{
    for (const TcpFieldName &entry : tcp_field_names)
        tcp_field_ids[entry.field] = proto_registrar_get_id_byname(entry.name);
    tcp_protocol = proto_get_id_by_filter_name("tcp");
    icmp_protocol = proto_get_id_by_filter_name("icmp");
    icmpv6_protocol = proto_get_id_by_filter_name("icmpv6");
}

GArray *new_wanted_tcp_fields()
{
    GArray *wanted = g_array_sized_new(FALSE, FALSE, sizeof(int), TcpFieldCount);
    for (int id : tcp_field_ids) {
        if (id > 0)
            g_array_append_val(wanted, id);
    }
    return wanted;
}

Extraction extract_segment(proto_tree *tree, packet_info *pinfo, Segment *out)
{
    if (!carries_conversation_segment(pinfo))
        return Extraction::NotTcp;

    GPtrArray *streams = proto_get_finfo_ptr_array(tree, tcp_field_ids[Stream]);
    if (streams == nullptr || streams->len == 0)
        return Extraction::Incomplete;
    auto *stream_item = static_cast<field_info *>(g_ptr_array_index(streams, 0));
    const int layer = stream_item->proto_layer_num;

    guint32 source_port = 0, destination_port = 0, seq = 0, flags = 0, payload = 0, window = 0, ack = 0;
    const bool header_complete = read_uint(tree, SourcePort, layer, &source_port) &&
                                 read_uint(tree, DestinationPort, layer, &destination_port) &&
                                 read_uint(tree, SeqRaw, layer, &seq) && read_uint(tree, Flags, layer, &flags) &&
                                 read_uint(tree, PayloadLength, layer, &payload) &&
                                 read_uint(tree, Window, layer, &window);
    if (!header_complete)
        return Extraction::Incomplete;
    const int depth = stream_item->total_layer_num;
    if (!read_address(tree, Ipv4Source, Ipv6Source, depth, &out->source.address) ||
        !read_address(tree, Ipv4Destination, Ipv6Destination, depth, &out->destination.address))
        return Extraction::NotTcp; // TCP over something other than IP: not ours to explain
    read_uint(tree, AckRaw, layer, &ack); // absent when the ACK flag is clear

    out->stream = fvalue_get_uinteger(&stream_item->value);
    out->source.port = static_cast<std::uint16_t>(source_port);
    out->destination.port = static_cast<std::uint16_t>(destination_port);
    out->seq = SeqNumber(seq);
    out->ack = SeqNumber(ack);
    out->flags = static_cast<std::uint16_t>(flags);
    out->window = static_cast<std::uint16_t>(window);
    out->payload_length = payload;
    out->frame = pinfo->num;
    out->time_ns = capture_time_ns(pinfo->abs_ts);
    if ((flags & tcp_flag::syn) != 0)
        out->options = read_options(tree, layer);
    return Extraction::Complete;
}

} // namespace tcplife::wireshark
