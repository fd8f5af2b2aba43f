// Every difference between the Wireshark plugin ABIs tcplife supports (4.0, 4.2, 4.4,
// 4.6; CMakeLists.txt lists them), and nothing else: the rest of the glue is written
// once, against what this header offers. Each difference names the release it came in,
// as read from that release's installed headers.
#pragma once

#include <epan/address.h>
#include <epan/column-info.h>
#include <epan/conversation.h>
#include <epan/funnel.h>
#include <epan/packet.h>
#include <epan/ftypes/ftypes.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <ws_version.h>

#include <cstdint>
#include <type_traits>

// True when the Wireshark built against is major.minor or newer (5.0 included).
#define TCPLIFE_WIRESHARK_AT_LEAST(major, minor)                                                                     \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if TCPLIFE_WIRESHARK_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
#endif

namespace tcplife::wireshark::compat {

// 4.2: field_info holds its value behind a pointer.
inline fvalue_t *field_value(const field_info *item)
{
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 2)
    return item->value;
#else
    return const_cast<fvalue_t *>(&item->value);
#endif
}

inline std::uint32_t uint_value(const field_info *item)
{
    return fvalue_get_uinteger(field_value(item));
}

// 4.4: boolean preferences are C bools.
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 4)
using pref_bool = bool;
#else
using pref_bool = gboolean;
#endif

// 4.6 (and no later than it): a GUI text window's button callback returns a C bool, a
// gboolean before. Taken from the header, whichever release it is.
using funnel_button_result = std::invoke_result_t<funnel_bt_cb_t, funnel_text_window_t *, void *>;

// 4.6: a stat tap's start callback says whether it started, and tshark stops with an
// error when one did not. Before, the callback cannot say so: Wireshark's own
// command-line taps end the program, but a plugin must not end the process it is
// loaded in (the GUI takes -z too), so the report says why and does not start, and the
// rest of the run goes on (tshark's exit status stays 0).
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 6)
using report_start_result = bool;
#else
using report_start_result = void;
#endif

// Adapts `bool start(argument, ui_data)` (false: it printed why it could not start) to
// this release's stat_tap_init_cb.
template <bool (*start)(const char *, void *)>
report_start_result start_report(const char *argument, void *ui_data)
{
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 6)
    return start(argument, ui_data);
#else
    start(argument, ui_data);
#endif
}

// 4.2: the _ws.col.* fields are added to the tree (when a filter, colouring rule or
// -e field references them) before the post-dissectors run, so text a post-dissector
// appends to a column is missing from them. Brings the frame's Info-column items up
// to date with the column; 4.0 reads the column itself and needs nothing.
void refresh_info_column_items(proto_tree *tree, const packet_info *pinfo);

// 4.6: dissector_try_uint_new is deprecated for dissector_try_uint_with_data. Hands the
// segment to the dissector `table` holds for `value`, adding no layer of its own.
int dissect_through(dissector_table_t table, guint32 value, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                    void *data);

// 4.4: TCP finds its conversation with find_conversation_strat, which honours the
// conversation deinterlacing preference. The conversation TCP used for the frame's
// segment from `source` to `destination`, whatever the frame's own addresses are now.
conversation_t *find_tcp_conversation(packet_info *pinfo, const address &source, const address &destination,
                                      guint32 source_port, guint32 destination_port);

// Whether TCP's conversations are told apart by their socket pair alone: always before
// 4.4, and from 4.4 on unless the deinterlacing preference adds the interface or VLAN.
inline bool tcp_conversations_keyed_by_sockets_alone()
{
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 4)
    return prefs.conversation_deinterlacing_key == 0;
#else
    return true;
#endif
}

// 4.4: plugins say what they are, so that `tshark -G plugins` and the About dialog
// list tcplife as a dissector with tap listeners instead of "unknown".
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 4)
constexpr std::uint32_t plugin_description = WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
#define TCPLIFE_PLUGIN_DESCRIBES_ITSELF 1
#else
#define TCPLIFE_PLUGIN_DESCRIBES_ITSELF 0
#endif

// ---- The Flow Graph (Statistics -> Flow Graph, tshark -z flow,...) -------------------------
// No release's wireshark-dev installs epan/sequence_analysis.h, though libwireshark
// exports its functions. tcplife declares what it uses, laid out as each release's
// libwireshark has it: read from the machine code of its exported sequence_analysis_*
// functions (the size they allocate, the offsets they write) for 4.0, 4.4 and 4.6.
// 4.2's layout could not be read (no 4.2 library where tcplife is tested): writing a
// guessed one into Wireshark's allocation could corrupt it, so 4.2 has no TCP Lifecycle
// flow (TCPLIFE_HAS_FLOW_GRAPH); the layout below is 4.4's, for 4.4 and later.
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 2) && !TCPLIFE_WIRESHARK_AT_LEAST(4, 4)
#define TCPLIFE_HAS_FLOW_GRAPH 0
#else
#define TCPLIFE_HAS_FLOW_GRAPH 1
#endif

// One arrow of the graph. Wireshark allocates it, owns it and frees its strings and
// addresses with g_free.
struct FlowItem {
    guint32 frame_number;
    address source;
    guint16 source_port;
    address destination;
    guint16 destination_port;
    char *label;      // above the arrow
    char *time_text;  // filled in by Wireshark
    char *comment;    // right of the graph
    guint16 conversation;
    unsigned foreground;
    unsigned background;
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 2)
    bool has_colour_rule;
    bool display;
#else
    gboolean has_colour_rule;
    gboolean display;
#endif
    unsigned source_node;      // Wireshark's own bookkeeping
    unsigned destination_node;
    guint16 line_width;
    int extra_kind;            // tcplife attaches nothing
    void *extra;
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 6)
    void (*free_extra)(void *);
#endif
};
static_assert(sizeof(FlowItem) == (TCPLIFE_WIRESHARK_AT_LEAST(4, 6) ? 144 : TCPLIFE_WIRESHARK_AT_LEAST(4, 2) ? 136 : 144),
              "the size libwireshark allocates for a flow item");

// The start of the list a flow graph's tap listener is given; tcplife touches no more.
struct FlowList {
    const char *name;
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 2)
    bool any_address;
#else
    gboolean any_address;
#endif
    int conversations;
    GQueue *items;
};

extern "C" {
void register_seq_analysis(const char *name, const char *ui_name, const int proto_id, const char *tap_listener,
                           guint tap_flags, tap_packet_cb tap_func);
// A new item with the frame's addresses (network or any, as the list asks) and time.
FlowItem *sequence_analysis_create_sai_with_addresses(packet_info *pinfo, FlowList *list);
}

} // namespace tcplife::wireshark::compat
