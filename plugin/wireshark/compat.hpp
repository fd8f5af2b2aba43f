// Every difference between the Wireshark plugin ABIs tcplife supports (4.0, 4.2, 4.4,
// 4.6; CMakeLists.txt lists them), and nothing else: the rest of the glue is written
// once, against what this header offers. Each difference names the release it came in,
// as read from that release's installed headers.
#pragma once

#include <epan/column-info.h>
#include <epan/ftypes/ftypes.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/stat_tap_ui.h>
#include <ws_version.h>

#include <cstdint>
#include <cstdlib>

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

// 4.6: a stat tap's start callback says whether it started; before, a start that
// fails can only end the program, as Wireshark's own command-line taps do.
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
    if (!start(argument, ui_data))
        std::exit(1);
#endif
}

// 4.2: the _ws.col.* fields are added to the tree (when a filter, colouring rule or
// -e field references them) before the post-dissectors run, so text a post-dissector
// appends to a column is missing from them. Brings the frame's Info-column items up
// to date with the column; 4.0 reads the column itself and needs nothing.
void refresh_info_column_items(proto_tree *tree, const packet_info *pinfo);

// 4.4: plugins say what they are, so that `tshark -G plugins` and the About dialog
// list tcplife as a dissector with tap listeners instead of "unknown".
#if TCPLIFE_WIRESHARK_AT_LEAST(4, 4)
constexpr std::uint32_t plugin_description = WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
#define TCPLIFE_PLUGIN_DESCRIBES_ITSELF 1
#else
#define TCPLIFE_PLUGIN_DESCRIBES_ITSELF 0
#endif

} // namespace tcplife::wireshark::compat
