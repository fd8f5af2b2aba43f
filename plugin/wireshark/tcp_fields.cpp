#include "tcp_fields.hpp"

#include <epan/address.h>
#include <epan/proto.h>

#include <cstring>

namespace tcplife::wireshark {
namespace {

enum TcpField { Stream, SourcePort, DestinationPort, SeqRaw, AckRaw, Flags, PayloadLength, Window, TcpFieldCount };

struct TcpFieldName {
    TcpField field;
    const char *name;
};

constexpr TcpFieldName tcp_field_names[] = {
    {Stream, "tcp.stream"},          {SourcePort, "tcp.srcport"}, {DestinationPort, "tcp.dstport"},
    {SeqRaw, "tcp.seq_raw"},         {AckRaw, "tcp.ack_raw"},     {Flags, "tcp.flags"},
    {PayloadLength, "tcp.len"},      {Window, "tcp.window_size_value"},
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

bool copy_address(const address &from, Address *to)
{
    if (from.type == AT_IPv4 && from.len == 4)
        to->family = 4;
    else if (from.type == AT_IPv6 && from.len == 16)
        to->family = 6;
    else
        return false;
    std::memcpy(to->bytes.data(), from.data, static_cast<std::size_t>(from.len));
    return true;
}

bool inside_icmp_error(packet_info *pinfo)
{
    return proto_is_frame_protocol(pinfo->layers, "icmp") || proto_is_frame_protocol(pinfo->layers, "icmpv6");
}

} // namespace

void resolve_tcp_fields()
{
    for (const TcpFieldName &entry : tcp_field_names)
        tcp_field_ids[entry.field] = proto_registrar_get_id_byname(entry.name);
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
    if (!proto_is_frame_protocol(pinfo->layers, "tcp"))
        return Extraction::NotTcp;
    // A TCP header quoted in an ICMP error belongs to the packet that failed, not to
    // the conversation's own sequence of segments.
    if (inside_icmp_error(pinfo))
        return Extraction::NotTcp;

    GPtrArray *streams = proto_get_finfo_ptr_array(tree, tcp_field_ids[Stream]);
    if (streams == nullptr || streams->len == 0)
        return Extraction::Incomplete;
    auto *stream_item = static_cast<field_info *>(g_ptr_array_index(streams, 0));
    const int layer = stream_item->proto_layer_num;

    guint32 source_port = 0, destination_port = 0, seq = 0, flags = 0, payload = 0, window = 0, ack = 0;
    const bool complete = read_uint(tree, SourcePort, layer, &source_port) &&
                          read_uint(tree, DestinationPort, layer, &destination_port) &&
                          read_uint(tree, SeqRaw, layer, &seq) && read_uint(tree, Flags, layer, &flags) &&
                          read_uint(tree, PayloadLength, layer, &payload) &&
                          read_uint(tree, Window, layer, &window) && copy_address(pinfo->net_src, &out->source.address) &&
                          copy_address(pinfo->net_dst, &out->destination.address);
    if (!complete)
        return Extraction::Incomplete;
    read_uint(tree, AckRaw, layer, &ack); // absent when the ACK flag is clear

    out->stream = fvalue_get_uinteger(&stream_item->value);
    out->source.port = static_cast<std::uint16_t>(source_port);
    out->destination.port = static_cast<std::uint16_t>(destination_port);
    out->seq = SeqNumber(seq);
    out->ack = SeqNumber(ack);
    out->flags = static_cast<std::uint16_t>(flags);
    out->window = static_cast<std::uint16_t>(window);
    out->payload_length = payload;
    return Extraction::Complete;
}

} // namespace tcplife::wireshark
