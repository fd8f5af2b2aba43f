// The symbols Wireshark's plugin loader looks up, and nothing else exported
// (exports.map): the ABI wanted is the one of the headers built against. Declared before they are defined: a C++ const defined inside
// extern "C" { } alone would get internal linkage and be invisible to the loader.
#include "compat.hpp"
#include "registration.hpp"
#include "reports.hpp"

#include <epan/proto.h>
#include <epan/tap.h>
#include <ws_symbol_export.h>

extern "C" {
WS_DLL_PUBLIC const char plugin_version[];
WS_DLL_PUBLIC const int plugin_want_major;
WS_DLL_PUBLIC const int plugin_want_minor;
WS_DLL_PUBLIC void plugin_register(void);
#if TCPLIFE_PLUGIN_DESCRIBES_ITSELF
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif
}

const char plugin_version[] = TCPLIFE_VERSION;
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

#if TCPLIFE_PLUGIN_DESCRIBES_ITSELF
uint32_t plugin_describe(void)
{
    return tcplife::wireshark::compat::plugin_description;
}
#endif

void plugin_register(void)
{
    static proto_plugin plugin;
    plugin.register_protoinfo = tcplife::wireshark::register_protocol;
    plugin.register_handoff = tcplife::wireshark::register_handoff;
    proto_register_plugin(&plugin);

    static tap_plugin reports;
    reports.register_tap_listener = [] {
        tcplife::wireshark::register_report_listeners();
        tcplife::wireshark::register_summary_tree();
        tcplife::wireshark::register_ladder_report();
        tcplife::wireshark::register_states_report();
        tcplife::wireshark::register_conversations_dialog();
    };
    tap_register_plugin(&reports);
}
