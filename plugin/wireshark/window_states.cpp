// Statistics → TCP Lifecycle → States over time: the -z tcplife,states report in a text
// window of the GUI, after a dialog asks for its interval and display filter. Wireshark's
// "funnel" menus and windows are what its Lua reports use; a table UI cannot show this
// report, since each interval's counts are known only once every segment has been seen.
#include "compat.hpp"
#include "report_states.hpp"
#include "reports.hpp"

#include <epan/funnel.h>
#include <glib.h>

#include <string>

namespace tcplife::wireshark {
namespace {

constexpr const char *window_title = "TCP Lifecycle states over time";
constexpr const char *dialog_title = "TCP Lifecycle states over time: interval and filter";

struct StatesWindow {
    const funnel_ops_t *ops;
    funnel_text_window_t *window;
    StatesReport *report = nullptr;
};

void show_text(void *target, const std::string &text)
{
    auto *window = static_cast<StatesWindow *>(target);
    window->ops->set_text(window->window, text.c_str());
}

void window_closed(void *data)
{
    auto *window = static_cast<StatesWindow *>(data);
    if (window->report != nullptr)
        stop_states_report(window->report);
    delete window;
}

compat::funnel_button_result copy_csv(funnel_text_window_t *, void *data)
{
    const auto *window = static_cast<const StatesWindow *>(data);
    try {
        const std::string csv = states_output(*window->report, StatesFormat::Csv);
        GString *text = g_string_new_len(csv.data(), static_cast<gssize>(csv.size()));
        window->ops->copy_to_clipboard(text);
        g_string_free(text, TRUE);
    } catch (...) {
    }
    return FALSE; // nothing further to do
}

void open_window(const funnel_ops_t *ops, const StatesArgument &argument)
{
    auto *window = new StatesWindow{ops, ops->new_text_window(ops->ops_id, window_title)};
    ops->set_close_cb(window->window, window_closed, window);
    if (!argument.valid) {
        ops->set_text(window->window, ("The interval is not valid: " + argument.error + ".").c_str());
        return;
    }
    std::string error;
    window->report = start_states_report(StatesFormat::Text, argument, StatesSink{show_text, window}, error);
    if (window->report == nullptr) {
        ops->set_text(window->window, ("The display filter is not valid: " + error).c_str());
        return;
    }
    ops->set_text(window->window, "Counting...");
    // The button's data is the window, which frees itself when closed.
    auto *copy = g_new0(funnel_bt_t, 1);
    copy->tw = window->window;
    copy->func = copy_csv;
    copy->data = window;
    copy->free_fcn = g_free;
    ops->add_button(window->window, copy, "Copy as CSV");
    ops->retap_packets(ops->ops_id);
}

void dialog_done(gchar **input, void *)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    try {
        if (ops != nullptr && input != nullptr && input[0] != nullptr && input[1] != nullptr)
            open_window(ops, parse_states_fields(input[0], input[1]));
    } catch (...) {
    }
    for (gchar **field = input; field != nullptr && *field != nullptr; ++field)
        g_free(*field); // the dialog hands its answers over
    g_free(input);
}

void open_dialog(gpointer)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    if (ops == nullptr)
        return;
    static const gchar *names[] = {"Interval (seconds)", "Display filter (a conversation counts whole "
                                                         "when one of its segments matches)", nullptr};
    static const gchar *values[] = {"1", "", nullptr};
    ops->new_dialog(ops->ops_id, dialog_title, names, values, dialog_done, nullptr, nullptr);
}

} // namespace

void register_states_window()
{
    // Beside "TCP Lifecycle Conversations": 4.0 makes no submenu of a "/" in this group.
    funnel_register_menu("TCP Lifecycle States over time", REGISTER_PACKET_STAT_GROUP_UNSORTED, open_dialog, nullptr,
                         nullptr, FALSE);
}

} // namespace tcplife::wireshark
