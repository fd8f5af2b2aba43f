#include "compat.hpp"

#include <epan/column-utils.h>

namespace tcplife::wireshark::compat {

void refresh_info_column_items(proto_tree *tree, const packet_info *pinfo)
{
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 2)
    column_info *columns = pinfo->cinfo;
    if (tree == nullptr || columns == nullptr)
        return;
    for (int i = 0; i < columns->num_cols; ++i) {
        const col_item_t &column = columns->columns[i];
        if (column.col_fmt != COL_INFO || column.hf_id <= 0 || column.col_data == nullptr)
            continue;
        // The items exist only where the field is referenced, and then the tree tracks them.
        GPtrArray *items = proto_get_finfo_ptr_array(tree, column.hf_id);
        for (guint j = 0; items != nullptr && j < items->len; ++j) {
            auto *item = static_cast<field_info *>(g_ptr_array_index(items, j));
            fvalue_set_string(field_value(item), column.col_data);
        }
    }
#else
    static_cast<void>(tree);
    static_cast<void>(pinfo);
#endif
}

// The extra dissector call lowers pinfo->can_desegment once more before TCP runs; TCP
// sets it afresh for its own payload, and nothing between IP and TCP reassembles.
int dissect_through(dissector_table_t table, guint32 value, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                    void *data)
{
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 6)
    return dissector_try_uint_with_data(table, value, tvb, pinfo, tree, false, data);
#else
    return dissector_try_uint_new(table, value, tvb, pinfo, tree, FALSE, data);
#endif
}

conversation_t *find_tcp_conversation(packet_info *pinfo, const address &source, const address &destination,
                                      guint32 source_port, guint32 destination_port)
{
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 4)
    // find_conversation_strat reads the endpoints from pinfo: lend it the segment's,
    // then give the frame its own back (nothing in between can throw).
    const address frame_source = pinfo->src;
    const address frame_destination = pinfo->dst;
    const guint32 frame_source_port = pinfo->srcport;
    const guint32 frame_destination_port = pinfo->destport;
    pinfo->src = source;
    pinfo->dst = destination;
    pinfo->srcport = source_port;
    pinfo->destport = destination_port;
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 6)
    conversation_t *conversation = find_conversation_strat(pinfo, CONVERSATION_TCP, 0, false);
#else
    conversation_t *conversation = find_conversation_strat(pinfo, CONVERSATION_TCP, 0);
#endif
    pinfo->src = frame_source;
    pinfo->dst = frame_destination;
    pinfo->srcport = frame_source_port;
    pinfo->destport = frame_destination_port;
    return conversation;
#else
    return find_conversation(pinfo->num, &source, &destination, CONVERSATION_TCP, source_port, destination_port, 0);
#endif
}

} // namespace tcplife::wireshark::compat
