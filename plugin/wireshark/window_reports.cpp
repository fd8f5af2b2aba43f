// The text reports in GUI windows, under the Statistics menu: TCP Lifecycle Summary (what
// -z tcplife,summary prints: verdicts in the order of a connection's life, without the
// stats tree's sorting and Rate/Burst columns) and TCP Lifecycle States over time (-z
// tcplife,states). A dialog asks for the report's parameters first, the display filter
// filled in with the main window's. Wireshark's "funnel" menus, dialogs and text windows
// are what its Lua reports use; its table UI cannot show these reports, whose counts are
// known only once every segment has been seen.
#include "compat.hpp"
#include "report_states.hpp"
#include "reports.hpp"

#include <epan/funnel.h>
#include <glib.h>

#include <string>
#include <vector>

namespace tcplife::wireshark {
namespace {

struct ReportWindow {
    const funnel_ops_t *ops;
    funnel_text_window_t *window;
    void *report = nullptr;
    void (*stop)(void *report) = nullptr;
};

void show_text(void *target, const std::string &text)
{
    auto *window = static_cast<ReportWindow *>(target);
    window->ops->set_text(window->window, text.c_str());
}

void window_closed(void *data)
{
    auto *window = static_cast<ReportWindow *>(data);
    if (window->report != nullptr)
        window->stop(window->report);
    delete window;
}

// A window for a report; its text says why when the report could not start.
ReportWindow *open_window(const funnel_ops_t *ops, const char *title)
{
    auto *window = new ReportWindow{ops, ops->new_text_window(ops->ops_id, title)};
    ops->set_close_cb(window->window, window_closed, window);
    ops->set_text(window->window, "Counting...");
    return window;
}

void add_button(ReportWindow *window, const char *label, funnel_bt_cb_t clicked)
{
    // The button's data is the window, which frees itself when closed.
    auto *button = g_new0(funnel_bt_t, 1);
    button->tw = window->window;
    button->func = clicked;
    button->data = window;
    button->free_fcn = g_free;
    window->ops->add_button(window->window, button, label);
}

// The dialog's answers, which it hands over; null when there are fewer than `count`.
std::vector<std::string> take_answers(gchar **input, std::size_t count)
{
    std::vector<std::string> answers;
    for (gchar **field = input; field != nullptr && *field != nullptr; ++field) {
        answers.emplace_back(*field);
        g_free(*field);
    }
    g_free(input);
    if (answers.size() < count)
        answers.clear();
    return answers;
}

void ask(const char *title, const std::vector<const gchar *> &names, std::vector<const gchar *> values,
         funnel_dlg_cb_t done)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    if (ops == nullptr)
        return;
    std::vector<const gchar *> fields = names;
    fields.push_back(nullptr);
    values.push_back(nullptr);
    ops->new_dialog(ops->ops_id, title, fields.data(), values.data(), done, nullptr, nullptr);
}

const char *main_window_filter(const funnel_ops_t *ops)
{
    const char *filter = ops->get_filter(ops->ops_id);
    return filter != nullptr ? filter : "";
}

constexpr const char *filter_field = "Display filter (a conversation counts whole when one of its segments matches)";

// ---- TCP Lifecycle Summary ----

constexpr const char *summary_title = "TCP Lifecycle summary";

void stop_summary(void *report)
{
    stop_table_report(static_cast<TableReport *>(report));
}

void summary_answered(gchar **input, void *)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    try {
        const std::vector<std::string> answers = take_answers(input, 1);
        if (ops == nullptr || answers.empty())
            return;
        ReportWindow *window = open_window(ops, summary_title);
        std::string error;
        window->report = start_table_report(TableFormat::Summary, answers[0], ReportSink{show_text, window}, error);
        window->stop = stop_summary;
        if (window->report == nullptr) {
            ops->set_text(window->window, ("The display filter is not valid: " + error).c_str());
            return;
        }
        ops->retap_packets(ops->ops_id);
    } catch (...) {
    }
}

void open_summary(gpointer)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    if (ops != nullptr)
        ask("TCP Lifecycle summary: filter", {filter_field}, {main_window_filter(ops)}, summary_answered);
}

// ---- TCP Lifecycle States over time ----

constexpr const char *states_title = "TCP Lifecycle states over time";

void stop_states(void *report)
{
    stop_states_report(static_cast<StatesReport *>(report));
}

compat::funnel_button_result copy_states_csv(funnel_text_window_t *, void *data)
{
    const auto *window = static_cast<const ReportWindow *>(data);
    try {
        const std::string csv = states_output(*static_cast<const StatesReport *>(window->report), StatesFormat::Csv);
        GString *text = g_string_new_len(csv.data(), static_cast<gssize>(csv.size()));
        window->ops->copy_to_clipboard(text);
        g_string_free(text, TRUE);
    } catch (...) {
    }
    return FALSE; // nothing further to do
}

void states_answered(gchar **input, void *)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    try {
        const std::vector<std::string> answers = take_answers(input, 2);
        if (ops == nullptr || answers.empty())
            return;
        const StatesArgument argument = parse_states_fields(answers[0], answers[1]);
        ReportWindow *window = open_window(ops, states_title);
        if (!argument.valid) {
            ops->set_text(window->window, ("The interval is not valid: " + argument.error + ".").c_str());
            return;
        }
        std::string error;
        window->report = start_states_report(StatesFormat::Text, argument, ReportSink{show_text, window}, error);
        window->stop = stop_states;
        if (window->report == nullptr) {
            ops->set_text(window->window, ("The display filter is not valid: " + error).c_str());
            return;
        }
        add_button(window, "Copy as CSV", copy_states_csv);
        ops->retap_packets(ops->ops_id);
    } catch (...) {
    }
}

void open_states(gpointer)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    if (ops != nullptr)
        ask("TCP Lifecycle states over time: interval and filter", {"Interval (seconds)", filter_field},
            {"1", main_window_filter(ops)}, states_answered);
}

} // namespace

void register_report_windows()
{
    // Beside "TCP Lifecycle Conversations": 4.0 makes no submenu of a "/" in this group.
    funnel_register_menu("TCP Lifecycle Summary", REGISTER_PACKET_STAT_GROUP_UNSORTED, open_summary, nullptr, nullptr,
                         FALSE);
    funnel_register_menu("TCP Lifecycle States over time", REGISTER_PACKET_STAT_GROUP_UNSORTED, open_states, nullptr,
                         nullptr, FALSE);
}

} // namespace tcplife::wireshark
