#include "first_pass.hpp"

#include "tcp_fields.hpp"

namespace tcplife::wireshark {

std::optional<FrameRecord> analyse_frame(Capture &capture, packet_info *pinfo) noexcept
{
    Segment segment;
    const Extraction extraction = extract_segment(pinfo, &segment);
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
