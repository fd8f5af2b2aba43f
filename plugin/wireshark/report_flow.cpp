// Statistics -> Flow Graph, flow type "TCP Lifecycle" (tshark -z flow,tcplife,...): one
// arrow per segment tcplife analysed, between the segment's endpoints as Wireshark's own
// TCP flow draws them, labelled with the flags and the step marks, the endpoints' states
// after it as the comment, one conversation per stream.
//
// The label needs the TCP flags, which the per-frame cache does not keep, and which a
// hidden tree holds only when a filter names them: the postdissector's wanted fields
// are primed on the first pass alone, and the Flow Graph's listener is registered by
// Wireshark with the user's filter. So a primer, a listener of a tap nobody feeds, names
// the header fields in its filter whenever some listener of the tcplife tap runs: a
// filter on any listener is primed on every frame of every pass. It is set when a
// capture opens and when Wireshark resets the listeners before a retap (the GUI's
// Flow Graph registers its listener just before), and kept in step on every segment.
#include "compat.hpp"
#include "reports.hpp"
#include "tcp_fields.hpp"

#include "text/flow_text.hpp"

#include <epan/epan_dissect.h>
#include <epan/tap.h>

#include <string>

namespace tcplife::wireshark {
namespace {

int primer_data; // only its address matters: it names the primer's listener
bool primer_registered = false;
bool primer_filtering = false;

void prime_header_numbers(bool wanted)
{
    if (!primer_registered || wanted == primer_filtering)
        return;
    GString *error = set_tap_dfilter(&primer_data, wanted ? header_number_fields : nullptr);
    if (error != nullptr) {
        g_string_free(error, TRUE);
        return;
    }
    primer_filtering = wanted;
}

tap_packet_status flow_packet(void *list, packet_info *pinfo, epan_dissect_t *edt, const void *segment, tap_flags_t)
{
    const auto *record = static_cast<const FrameRecord *>(segment);
    HeaderNumbers numbers;
    if (edt == nullptr || !read_header_numbers(edt->tree, pinfo, &numbers))
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

void reset_primer(void *)
{
    keep_header_numbers_primed(have_tcplife_listener());
}

tap_packet_status primer_packet(void *, packet_info *, epan_dissect_t *, const void *, tap_flags_t)
{
    return TAP_PACKET_DONT_REDRAW; // nobody feeds its tap
}

} // namespace

void register_flow_graph(int protocol)
{
    register_tap("tcplife.primer");
#if TCPLIFE_HAS_FLOW_GRAPH
    compat::register_seq_analysis("tcplife", "TCP Lifecycle", protocol, "tcplife", TL_REQUIRES_PROTO_TREE,
                                  flow_packet);
#else
    static_cast<void>(protocol);
    static_cast<void>(flow_packet);
#endif
}

void register_header_number_primer()
{
    // A dissector helper, so that tshark does not dissect every frame for its sake.
    GString *error = register_tap_listener("tcplife.primer", &primer_data, nullptr, TL_IS_DISSECTOR_HELPER,
                                           reset_primer, primer_packet, nullptr, nullptr);
    if (error != nullptr) {
        g_string_free(error, TRUE);
        return;
    }
    primer_registered = true;
}

void keep_header_numbers_primed(bool tcplife_listened)
{
    prime_header_numbers(tcplife_listened);
}

} // namespace tcplife::wireshark
