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

} // namespace tcplife::wireshark::compat
