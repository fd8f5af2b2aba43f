// Statistics → TCP Lifecycle → Conversations: the people's conversation table of
// -z tcplife,conv in Wireshark's stat tap table UI, the mechanism behind its own simple
// statistics tables. The GUI gives it sorting by any column, a display filter box and
// copying as CSV or YAML; tshark prints it with -z tcplife,conversations[,filter].
#include "reports.hpp"

#include "capture_time.hpp"

#include "report/conversation_table.hpp"

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <glib.h>

#include <array>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

namespace tcplife::wireshark {
namespace {

constexpr const char *table_title = "Conversations";

// Numbers sort as numbers; a column that can say "-" is text (every cell of a column
// must have the column's type: tshark and the GUI print each with the column's format).
// Byte counts need 64 bits, which only a float holds exactly (up to 2^53) among the types.
stat_tap_table_item_enum item_type(PeopleColumnKind kind)
{
    switch (kind) {
    case PeopleColumnKind::Stream: return TABLE_ITEM_UINT;
    case PeopleColumnKind::Count:
    case PeopleColumnKind::Seconds: return TABLE_ITEM_FLOAT;
    default: return TABLE_ITEM_STRING;
    }
}

const char *item_format(PeopleColumnKind kind)
{
    switch (kind) {
    case PeopleColumnKind::Stream: return "%u";
    case PeopleColumnKind::Count: return "%.0f";
    case PeopleColumnKind::Seconds: return "%.6f";
    default: return "%s";
    }
}

std::array<stat_tap_table_item, people_column_count> table_fields()
{
    std::array<stat_tap_table_item, people_column_count> fields{};
    for (std::size_t i = 0; i < people_column_count; ++i) {
        const PeopleColumn &column = people_columns[i];
        fields[i] = stat_tap_table_item{item_type(column.kind),
                                        column.kind == PeopleColumnKind::Text ? TAP_ALIGN_LEFT : TAP_ALIGN_RIGHT,
                                        column.heading, item_format(column.kind)};
    }
    return fields;
}

// Wireshark keeps one set of tables per table UI, shared by every dialog showing it; the
// rows' index by stream lives beside it and is emptied whenever the rows are.
std::unordered_map<std::uint32_t, guint> row_of_stream;

void free_cell(stat_tap_table_item_type &cell)
{
    if (cell.type == TABLE_ITEM_STRING)
        g_free(const_cast<char *>(cell.value.string_value));
    cell = stat_tap_table_item_type{};
}

void reset_rows(stat_tap_table *table)
{
    for (guint row = 0; row < table->num_elements; ++row) {
        for (guint column = 0; column < table->num_fields; ++column)
            free_cell(table->elements[row][column]);
        g_free(table->elements[row]);
    }
    g_free(table->elements);
    table->elements = nullptr;
    table->num_elements = 0;
    row_of_stream.clear();
}

void free_item(stat_tap_table *, guint, guint, stat_tap_table_item_type *cell)
{
    free_cell(*cell);
}

void init_table(stat_tap_table_ui *ui)
{
    if (ui->tables != nullptr && ui->tables->len != 0)
        return; // the GUI fills a dialog again with the table it made before
    stat_tap_add_table(ui, stat_tap_init_table(table_title, static_cast<int>(people_column_count), 0, nullptr));
    row_of_stream.clear();
}

stat_tap_table_item_type cell_of(PeopleColumnKind kind, const std::string &text)
{
    stat_tap_table_item_type cell{};
    cell.type = item_type(kind);
    if (cell.type == TABLE_ITEM_UINT)
        cell.value.uint_value = static_cast<guint>(std::strtoul(text.c_str(), nullptr, 10));
    else if (cell.type == TABLE_ITEM_FLOAT)
        cell.value.float_value = std::strtod(text.c_str(), nullptr);
    else
        cell.value.string_value = g_strdup(text.c_str());
    return cell;
}

// A conversation's row, added the first time one of its segments passes the filter (rows
// are only ever appended: the GUI holds on to each row it has shown) and refreshed on
// each of its segments, so the values are final once the tap has seen the last one.
void refresh_row(stat_tap_table *table, std::uint32_t stream, const std::vector<std::string> &cells)
{
    const auto known = row_of_stream.find(stream);
    const guint row = known != row_of_stream.end() ? known->second : table->num_elements;
    if (known == row_of_stream.end()) {
        std::array<stat_tap_table_item_type, people_column_count> empty{};
        stat_tap_init_table_row(table, row, static_cast<guint>(people_column_count), empty.data());
        row_of_stream.emplace(stream, row);
    }
    for (std::size_t column = 0; column < people_column_count; ++column) {
        stat_tap_table_item_type *cell = stat_tap_get_field_data(table, row, static_cast<guint>(column));
        free_cell(*cell);
        *cell = cell_of(people_columns[column].kind, cells[column]);
    }
}

tap_packet_status table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *, const void *segment,
                               tap_flags_t)
{
    const auto *stat_data = static_cast<const stat_data_t *>(tapdata);
    const GArray *tables = stat_data->stat_tap_data->tables;
    const Capture *capture = current_capture();
    if (capture == nullptr || tables == nullptr || tables->len == 0)
        return TAP_PACKET_DONT_REDRAW;
    stat_tap_table *table = g_array_index(tables, stat_tap_table *, 0);
    const std::uint32_t stream = static_cast<const FrameRecord *>(segment)->annotation.stream;
    try {
        std::optional<ConversationRow> row = capture->conversation_row(stream);
        if (!row)
            return TAP_PACKET_DONT_REDRAW;
        std::vector<ConversationRow> rows;
        rows.push_back(std::move(*row));
        refresh_row(table, stream, people_table_cells(rows, TableContext{capture_start_ns(pinfo), ""}).front());
    } catch (...) {
        return TAP_PACKET_FAILED; // out of memory
    }
    return TAP_PACKET_REDRAW;
}

tap_param filter_parameter[] = {{PARAM_FILTER, "filter", "Display filter", nullptr, TRUE}};

} // namespace

void register_conversations_dialog()
{
    static std::array<stat_tap_table_item, people_column_count> fields = table_fields();
    static stat_tap_table_ui ui;
    ui.group = REGISTER_PACKET_STAT_GROUP_UNSORTED; // the Statistics menu, beside the stats tree
    // 4.0 makes no submenu of a "/" in a table's title, as it does for a stats tree's.
    ui.title = "TCP Lifecycle Conversations";
    ui.tap_name = "tcplife";
    ui.cli_string = "tcplife,conversations";
    ui.stat_tap_init_cb = init_table;
    ui.packet_func = table_packet;
    ui.stat_tap_reset_table_cb = reset_rows;
    ui.stat_tap_free_table_item_cb = free_item;
    ui.stat_filter_check_cb = nullptr;
    ui.nfields = fields.size();
    ui.fields = fields.data();
    ui.nparams = std::size(filter_parameter);
    ui.params = filter_parameter;
    register_stat_tap_table_ui(&ui);
}

} // namespace tcplife::wireshark
