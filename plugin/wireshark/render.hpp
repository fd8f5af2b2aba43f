// Turns a cached FrameRecord into the tcplife subtree, expert info and Info-column
// marks. Runs on every pass; only plain data lives across Wireshark calls here,
// because those calls may longjmp.
//
// What it costs depends on the tree it is given:
//  - a tree that is shown (the packet details, -V, -O, PDML, and -T fields, for which
//    tshark builds a visible tree): every item is added, and each label Wireshark
//    cannot derive from the field's value is built once, by concatenation (TextBuilder),
//    never by appending to an item's label;
//  - a hidden tree (display filters, taps, the GUI's first pass): items only when some
//    tcplife field is referenced (a filter, a tap, a custom column), expert texts only
//    when someone collects them (-z expert, the Expert Information dialog, a filter on
//    _ws.expert.message).
#pragma once

#include "first_pass.hpp"

#include <epan/packet.h>

namespace tcplife::wireshark {

// Item texts are formatted only for a tree someone will read (the packet details, -V,
// -O, PDML, -T fields): in a hidden tree an unreferenced item is a stand-in for its
// parent, so text added to it would land on the parent anyway.
inline bool tree_is_shown(proto_tree *tree)
{
    return tree != nullptr && PTREE_DATA(tree)->visible;
}

// Every tcplife item is derived, not read from the packet's bytes.
inline void mark_generated(proto_item *item)
{
    proto_item_set_generated(item);
}

struct RenderOptions {
    bool info_column = true;
    unsigned time_wait_seconds = 60;
    bool final = false; // the whole capture has been analysed (a later pass)
    bool relative_numbers = true; // Wireshark's tcp.relative_sequence_numbers
};

void render(const FrameRecord &record, const TlsStep *tls, const Capture &capture, tvbuff_t *tvb, packet_info *pinfo,
            proto_tree *tree, const RenderOptions &options);

// How much of the conversation a shown tree gives. The whole subtree where it says
// something new: the conversation's first segment, every segment that changes a state,
// and (known on later passes) its last one. Elsewhere a summary line and a link to the
// first segment, the fields staying, hidden, for whoever may ask for them.
enum class ConversationView { Full, Summary };

// render_conversation.cpp: the tcplife.conv subtree of the segment's conversation.
void render_conversation(std::uint32_t index, const StreamRecord &stream, const Verdict &verdict, const Capture &capture,
                         tvbuff_t *tvb, proto_tree *tree, const RenderOptions &options, ConversationView view);

} // namespace tcplife::wireshark
