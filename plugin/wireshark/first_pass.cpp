#include "first_pass.hpp"

#include "tcp_fields.hpp"

namespace tcplife::wireshark {

std::optional<FrameRecord> analyse_frame(Capture &capture, proto_tree *tree, packet_info *pinfo) noexcept
{
    // No tree, or one that does not track the TCP fields (the GUI can run a first pass
    // like that right after the protocol is enabled): nothing can be read, so nothing
    // is kept, rather than a wrong "incomplete" verdict.
    if (tree == nullptr || !proto_tracking_interesting_fields(tree))
        return std::nullopt;
    Segment segment;
    const Extraction extraction = extract_segment(tree, pinfo, &segment);
    if (extraction == Extraction::NotTcp)
        return std::nullopt;
    try {
        if (extraction == Extraction::Complete)
            return capture.observe(segment);
        return capture.mark_incomplete(pinfo->num);
    } catch (...) {
        return std::nullopt; // out of memory: unannotated rather than taking Wireshark down
    }
}

} // namespace tcplife::wireshark
