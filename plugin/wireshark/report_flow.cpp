// Statistics -> Flow Graph, flow type "TCP Lifecycle" (tshark -z flow,tcplife,...): one
// arrow per segment tcplife analysed, between the segment's endpoints as Wireshark's own
// TCP flow draws them, labelled with the flags and the step marks, the endpoints' states
// after it as the comment, one conversation per stream.
//
// The label's TCP flags are not in the per-frame cache: they come from the header
// tcplife's reader copied for the frame, which exists on every pass.
#include "compat.hpp"
#include "reports.hpp"
#include "tcp_fields.hpp"

#include "text/flow_text.hpp"

#include <epan/epan_dissect.h>
#include <epan/tap.h>

#include <string>

namespace tcplife::wireshark {
namespace {

tap_packet_status flow_packet(void *list, packet_info *pinfo, epan_dissect_t *, const void *segment, tap_flags_t)
{
    const auto *record = static_cast<const FrameRecord *>(segment);
    HeaderNumbers numbers;
    if (!read_header_numbers(pinfo, &numbers))
        return TAP_PACKET_DONT_REDRAW;
    char *label = nullptr;
    char *comment = nullptr;
    try {
        label = g_strdup(flow_label(numbers.flags, record->annotation).c_str());
        comment = g_strdup(flow_comment(record->annotation).c_str());
    } catch (...) {
        g_free(label);
        return TAP_PACKET_FAILED; // out of memory
    }
    auto *flow = static_cast<compat::FlowList *>(list);
    compat::FlowItem *item = compat::sequence_analysis_create_sai_with_addresses(pinfo, flow);
    if (item == nullptr) { // an address type the graph cannot draw
        g_free(label);
        g_free(comment);
        return TAP_PACKET_DONT_REDRAW;
    }
    item->frame_number = pinfo->num;
    item->source_port = static_cast<guint16>(pinfo->srcport);
    item->destination_port = static_cast<guint16>(pinfo->destport);
    item->label = label;
    item->comment = comment;
    item->conversation = static_cast<guint16>(record->annotation.stream);
    item->line_width = 1;
    item->display = true;
    g_queue_push_tail(flow->items, item);
    return TAP_PACKET_REDRAW;
}

} // namespace

void register_flow_graph(int protocol)
{
#if TCPLIFE_HAS_FLOW_GRAPH
    compat::register_seq_analysis("tcplife", "TCP Lifecycle", protocol, "tcplife", TL_REQUIRES_NOTHING,
                                  flow_packet);
#else
    static_cast<void>(protocol);
    static_cast<void>(flow_packet);
#endif
}

} // namespace tcplife::wireshark
