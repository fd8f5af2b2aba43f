#include "first_pass.hpp"

#include "tcp_fields.hpp"
#include "tls_fields.hpp"

namespace tcplife::wireshark {

std::optional<FrameRecord> analyse_frame(Capture &capture, packet_info *pinfo) noexcept
{
    Segment segment;
    const Extraction extraction = extract_segment(pinfo, &segment);
    if (extraction == Extraction::NotTcp)
        return std::nullopt;
    try {
        if (extraction == Extraction::Complete) {
            const FrameRecord record = capture.observe(segment);
            if (record.ends_connection())
                forget_tcp_stream(pinfo);
            return record;
        }
        return capture.mark_incomplete(pinfo->num);
    } catch (...) {
        return std::nullopt; // out of memory: unannotated rather than taking Wireshark down
    }
}

void analyse_tls(Capture &capture, packet_info *pinfo, proto_tree *tree, const FrameRecord &record) noexcept
{
    HeaderNumbers numbers;
    const bool analysed = record.kind == FrameRecord::Kind::Analysed && read_header_numbers(pinfo, &numbers);
    try {
        TlsSegment segment;
        if (analysed)
            segment = read_tls_segment(pinfo, tree, record.annotation.sender, numbers.payload_length);
        capture.observe_tls(pinfo->num, record.annotation.stream, segment);
    } catch (...) {
        // out of memory: the frame keeps no TLS step
    }
}

} // namespace tcplife::wireshark
