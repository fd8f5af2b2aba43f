// The four symbols Wireshark's plugin loader looks up, and nothing else exported
// (exports.map). Declared before they are defined: a C++ const defined inside
// extern "C" { } alone would get internal linkage and be invisible to the loader.
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
}

const char plugin_version[] = TCPLIFE_VERSION;
const int plugin_want_major = TCPLIFE_WIRESHARK_MAJOR;
const int plugin_want_minor = TCPLIFE_WIRESHARK_MINOR;

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
    };
    tap_register_plugin(&reports);
}
