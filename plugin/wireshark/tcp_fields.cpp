#include "tcp_fields.hpp"

#include "capture_time.hpp"
#include "compat.hpp"

#include <epan/proto.h>
#include <epan/proto_data.h>
#include <wsutil/wmem/wmem_list.h>

#include <climits>
#include <cstring>

namespace tcplife::wireshark {
namespace {

enum TcpField {
    // What a hidden tree needs primed (the order of the wanted array)
    Stream, SeqRaw, AckRaw, Flags, PayloadLength, Window,
    MssValue, WindowScaleShift, SackPermitted, Timestamps, FastOpen,
    // Never primed: keys of TCP's per-layer data, and the option list walked in a shown tree
    SourcePort, DestinationPort, Options,
    TcpFieldCount
};
constexpr int first_unwanted_field = SourcePort;

struct TcpFieldName {
    TcpField field;
    const char *name;
};

constexpr TcpFieldName tcp_field_names[] = {
    {Stream, "tcp.stream"},
    {SeqRaw, "tcp.seq_raw"},
    {AckRaw, "tcp.ack_raw"},
    {Flags, "tcp.flags"},
    {PayloadLength, "tcp.len"},
    {Window, "tcp.window_size_value"},
    {MssValue, "tcp.options.mss_val"},
    {WindowScaleShift, "tcp.options.wscale.shift"},
    {SackPermitted, "tcp.options.sack_perm"}, // the option's own item: kind 4
    {Timestamps, "tcp.options.timestamp"},    // kind 8
    {FastOpen, "tcp.options.tfo"},            // kind 34
    {SourcePort, "tcp.srcport"},
    {DestinationPort, "tcp.dstport"},
    {Options, "tcp.options"},
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
// Wireshark's marks of a frame cut short (snaplen) or malformed: wanted too, so that a
// TCP header cut before the wanted fields still makes the tree track something and the
// frame is reported as incomplete rather than skipped. They cost nothing elsewhere.
int exception_ids[2] = {-1, -1};
int ip_protocol = -1;
int ipv6_protocol = -1;
int icmp_protocol = -1;
int icmpv6_protocol = -1;
int tcp_protocol = -1;

// ---- The wanted fields ----------------------------------------------------------------

struct Wanted {
    dissector_handle_t postdissector = nullptr;
    bool for_shown_trees = false; // only tcp.stream: the tree holds everything else
};
Wanted wanted;

void update_wanted_fields()
{
    if (wanted.postdissector == nullptr)
        return;
    GArray *fields = g_array_sized_new(FALSE, FALSE, sizeof(int), TcpFieldCount + 2);
    for (int id : exception_ids) {
        if (id > 0)
            g_array_append_val(fields, id);
    }
    // tcp.stream stays wanted even for shown trees: analyse_frame() reads only frames
    // whose tree tracks wanted fields.
    const int last = wanted.for_shown_trees ? Stream : first_unwanted_field - 1;
    for (int field = 0; field <= last; ++field) {
        if (tcp_field_ids[field] > 0)
            g_array_append_val(fields, tcp_field_ids[field]);
    }
    set_postdissector_wanted_hfids(wanted.postdissector, fields);
}

// ---- The layers ---------------------------------------------------------------------

struct Layers {
    int tcp = 0;           // layer number (curr_layer_num) of the analysed TCP layer, 1-based
    int next_tcp = INT_MAX; // the next TCP layer in the frame (a tunnel's inner TCP), if any
    int carrying_ip = 0;   // ip_protocol or ipv6_protocol: the deepest IP layer before `tcp`
    bool ip_after = false; // an IP layer after the TCP one: pinfo->net_src is not its carrier's
};

// Finds the frame's TCP segment of a conversation: the first TCP layer, unless an ICMP
// or ICMPv6 layer precedes it (then it is the quoted header of a packet that failed;
// ICMP carried inside a TCP tunnel is fine). One walk over the layers, no name lookups.
bool find_layers(packet_info *pinfo, Layers *layers)
{
    int number = 0;
    for (wmem_list_frame_t *frame = wmem_list_head(pinfo->layers); frame != nullptr;
         frame = wmem_list_frame_next(frame)) {
        ++number;
        const int protocol = GPOINTER_TO_INT(wmem_list_frame_data(frame));
        if (layers->tcp == 0) {
            if (protocol == tcp_protocol)
                layers->tcp = number;
            else if (protocol == ip_protocol || protocol == ipv6_protocol)
                layers->carrying_ip = protocol;
            else if (protocol == icmp_protocol || protocol == icmpv6_protocol)
                return false;
        } else if (protocol == tcp_protocol && layers->next_tcp == INT_MAX) {
            layers->next_tcp = number;
        } else if (protocol == ip_protocol || protocol == ipv6_protocol) {
            layers->ip_after = true;
        }
    }
    return layers->tcp != 0;
}

// ---- The TCP values -----------------------------------------------------------------

struct TcpValues {
    guint32 stream = 0, seq = 0, ack = 0, flags = 0, payload = 0, window = 0;
    bool has_stream = false, has_seq = false, has_flags = false, has_payload = false, has_window = false;
    TcpOptions options;
    const proto_node *options_node = nullptr; // shown tree: TCP's option list
};

using compat::uint_value;

// A shown tree: TCP's own subtree (published per layer by TCP) holds every item.
void read_shown_tcp_tree(const proto_node *tcp_tree, TcpValues *v)
{
    for (const proto_node *node = tcp_tree->first_child; node != nullptr; node = node->next) {
        const field_info *item = node->finfo;
        if (item == nullptr)
            continue;
        const int id = item->hfinfo->id;
        if (id == tcp_field_ids[Stream]) {
            v->stream = uint_value(item);
            v->has_stream = true;
        } else if (id == tcp_field_ids[SeqRaw]) {
            v->seq = uint_value(item);
            v->has_seq = true;
        } else if (id == tcp_field_ids[AckRaw]) {
            v->ack = uint_value(item);
        } else if (id == tcp_field_ids[Flags]) {
            v->flags = uint_value(item);
            v->has_flags = true;
        } else if (id == tcp_field_ids[PayloadLength]) {
            v->payload = uint_value(item);
            v->has_payload = true;
        } else if (id == tcp_field_ids[Window]) {
            v->window = uint_value(item);
            v->has_window = true;
        } else if (id == tcp_field_ids[Options]) {
            v->options_node = node;
        }
    }
}

// The value item `field` inside one option item of a shown tree.
const field_info *option_value(const proto_node *option, int field)
{
    for (const proto_node *node = option->first_child; node != nullptr; node = node->next) {
        if (node->finfo != nullptr && node->finfo->hfinfo->id == tcp_field_ids[field])
            return node->finfo;
    }
    return nullptr;
}

// Options of a SYN or SYN-ACK, from the option list of a shown tree: one item per
// option, named by its kind (tcp.options.mss, .wscale, .sack_perm, .timestamp, .tfo).
void read_shown_options(const proto_node *options_node, TcpOptions *options)
{
    static int mss_option = -1, wscale_option = -1;
    if (mss_option < 0) {
        mss_option = proto_registrar_get_id_byname("tcp.options.mss");
        wscale_option = proto_registrar_get_id_byname("tcp.options.wscale");
    }
    for (const proto_node *node = options_node->first_child; node != nullptr; node = node->next) {
        if (node->finfo == nullptr)
            continue;
        const int id = node->finfo->hfinfo->id;
        if (id == mss_option) {
            if (const field_info *value = option_value(node, MssValue); value != nullptr && !options->has_mss) {
                options->has_mss = true;
                options->mss = static_cast<std::uint16_t>(uint_value(value));
            }
        } else if (id == wscale_option) {
            if (const field_info *value = option_value(node, WindowScaleShift);
                value != nullptr && !options->has_window_scale) {
                options->has_window_scale = true;
                options->window_scale = static_cast<std::uint8_t>(uint_value(value));
            }
        } else if (id == tcp_field_ids[SackPermitted]) {
            options->sack_permitted = true;
        } else if (id == tcp_field_ids[Timestamps]) {
            options->timestamps = true;
        } else if (id == tcp_field_ids[FastOpen]) {
            options->fast_open = true;
        }
    }
}

// A hidden tree: the first primed item of `field` added by the TCP layer (TCP's items
// carry its layer number, or that of its option dissectors, until the next TCP layer).
const field_info *primed_item(proto_tree *tree, TcpField field, const Layers &layers)
{
    GPtrArray *items = proto_get_finfo_ptr_array(tree, tcp_field_ids[field]);
    for (guint i = 0; items != nullptr && i < items->len; ++i) {
        const auto *item = static_cast<const field_info *>(g_ptr_array_index(items, i));
        if (item->total_layer_num >= layers.tcp && item->total_layer_num < layers.next_tcp)
            return item;
    }
    return nullptr;
}

bool read_primed_uint(proto_tree *tree, TcpField field, const Layers &layers, guint32 *value)
{
    const field_info *item = primed_item(tree, field, layers);
    if (item != nullptr)
        *value = uint_value(item);
    return item != nullptr;
}

void read_primed_tcp_fields(proto_tree *tree, const Layers &layers, TcpValues *v)
{
    v->has_stream = read_primed_uint(tree, Stream, layers, &v->stream);
    v->has_seq = read_primed_uint(tree, SeqRaw, layers, &v->seq);
    read_primed_uint(tree, AckRaw, layers, &v->ack);
    v->has_flags = read_primed_uint(tree, Flags, layers, &v->flags);
    v->has_payload = read_primed_uint(tree, PayloadLength, layers, &v->payload);
    v->has_window = read_primed_uint(tree, Window, layers, &v->window);
}

void read_primed_options(proto_tree *tree, const Layers &layers, TcpOptions *options)
{
    guint32 value = 0;
    if (read_primed_uint(tree, MssValue, layers, &value)) {
        options->has_mss = true;
        options->mss = static_cast<std::uint16_t>(value);
    }
    if (read_primed_uint(tree, WindowScaleShift, layers, &value)) {
        options->has_window_scale = true;
        options->window_scale = static_cast<std::uint8_t>(value);
    }
    options->sack_permitted = primed_item(tree, SackPermitted, layers) != nullptr;
    options->timestamps = primed_item(tree, Timestamps, layers) != nullptr;
    options->fast_open = primed_item(tree, FastOpen, layers) != nullptr;
}

// ---- The addresses ------------------------------------------------------------------

// pinfo->net_src/net_dst as set by the carrying IP layer, when nothing after it can
// have changed them; else the addresses stay unknown.
void read_network_addresses(packet_info *pinfo, const Layers &layers, Address *source, Address *destination)
{
    if (layers.ip_after)
        return;
    const address_type type = layers.carrying_ip == ip_protocol ? AT_IPv4 : AT_IPv6;
    const int length = type == AT_IPv4 ? 4 : 16;
    if (pinfo->net_src.type != type || pinfo->net_dst.type != type || pinfo->net_src.len != length ||
        pinfo->net_dst.len != length)
        return;
    for (Address *to : {source, destination}) {
        const address &from = to == source ? pinfo->net_src : pinfo->net_dst;
        to->family = type == AT_IPv4 ? 4 : 6;
        std::memcpy(to->bytes.data(), from.data, static_cast<std::size_t>(length));
    }
}

} // namespace

void resolve_tcp_fields()
{
    for (const TcpFieldName &entry : tcp_field_names)
        tcp_field_ids[entry.field] = proto_registrar_get_id_byname(entry.name);
    tcp_protocol = proto_get_id_by_filter_name("tcp");
    ip_protocol = proto_get_id_by_filter_name("ip");
    ipv6_protocol = proto_get_id_by_filter_name("ipv6");
    icmp_protocol = proto_get_id_by_filter_name("icmp");
    icmpv6_protocol = proto_get_id_by_filter_name("icmpv6");
    exception_ids[0] = proto_registrar_get_id_byname("_ws.short");
    exception_ids[1] = proto_registrar_get_id_byname("_ws.malformed");
}

void want_tcp_fields(dissector_handle_t postdissector)
{
    if (postdissector == nullptr) {
        if (wanted.postdissector != nullptr)
            set_postdissector_wanted_hfids(wanted.postdissector, nullptr);
        wanted = Wanted{};
        return;
    }
    wanted = Wanted{postdissector, false};
    update_wanted_fields();
}

bool read_header_numbers(proto_tree *tree, packet_info *pinfo, HeaderNumbers *out)
{
    Layers layers;
    guint32 flags = 0;
    if (tree == nullptr || !find_layers(pinfo, &layers) || !read_primed_uint(tree, SeqRaw, layers, &out->seq) ||
        !read_primed_uint(tree, Flags, layers, &flags))
        return false;
    out->flags = static_cast<std::uint16_t>(flags);
    read_primed_uint(tree, AckRaw, layers, &out->ack);
    read_primed_uint(tree, PayloadLength, layers, &out->payload_length);
    return true;
}

Extraction extract_segment(proto_tree *tree, packet_info *pinfo, Segment *out)
{
    Layers layers;
    if (!find_layers(pinfo, &layers))
        return Extraction::NotTcp;
    if (layers.carrying_ip == 0)
        return Extraction::NotTcp; // TCP over something other than IP: not ours to explain

    const bool shown = PTREE_DATA(tree)->visible;
    if (shown && !wanted.for_shown_trees) {
        wanted.for_shown_trees = true; // from the next frame on
        update_wanted_fields();
    } else if (!shown && wanted.for_shown_trees) {
        // A hidden first-pass tree after shown ones (no Wireshark program does that):
        // this frame's fields were not wanted, so it stays unanalysed.
        wanted.for_shown_trees = false;
        update_wanted_fields();
        return Extraction::NotTcp;
    }

    TcpValues v;
    if (shown) {
        const auto *tcp_tree = static_cast<const proto_node *>(p_get_proto_data(pinfo->pool, pinfo, tcp_protocol,
                                                                                static_cast<guint32>(layers.tcp)));
        if (tcp_tree == nullptr)
            return Extraction::Incomplete;
        read_shown_tcp_tree(tcp_tree, &v);
    } else {
        read_primed_tcp_fields(tree, layers, &v);
    }
    // TCP publishes the ports before it reads anything else, the stream index after the
    // fixed header: with a stream index, the ports are there (0 reads as a null pointer).
    if (!v.has_stream)
        return Extraction::Incomplete;
    if (!v.has_seq || !v.has_flags || !v.has_payload || !v.has_window)
        return Extraction::Incomplete;
    const auto layer_key = static_cast<guint32>(layers.tcp);
    out->source.port = static_cast<std::uint16_t>(
        GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, tcp_field_ids[SourcePort], layer_key)));
    out->destination.port = static_cast<std::uint16_t>(
        GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, tcp_field_ids[DestinationPort], layer_key)));

    Address &source = out->source.address;
    Address &destination = out->destination.address;
    read_network_addresses(pinfo, layers, &source, &destination);

    out->stream = v.stream;
    out->seq = SeqNumber(v.seq);
    out->ack = SeqNumber(v.ack);
    out->flags = static_cast<std::uint16_t>(v.flags);
    out->window = static_cast<std::uint16_t>(v.window);
    out->payload_length = v.payload;
    out->frame = pinfo->num;
    out->time_ns = frame_time_ns(pinfo);
    if ((v.flags & tcp_flag::syn) != 0) {
        if (shown) {
            if (v.options_node != nullptr)
                read_shown_options(v.options_node, &out->options);
        } else {
            read_primed_options(tree, layers, &out->options);
        }
    }
    return Extraction::Complete;
}

} // namespace tcplife::wireshark
