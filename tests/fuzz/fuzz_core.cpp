// libFuzzer target for the core: segments decoded from the input (segment_script.hpp)
// go through the facade the plugin uses (Capture), and every invariant of
// invariants.hpp is checked on each frame; at the end, each stream's row must count the
// segments it was given.
#include "invariants.hpp"
#include "segment_script.hpp"

#include <map>

using namespace tcplife;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Capture capture;
    fuzz::SegmentScript script(data, size);
    fuzz::ScriptStep step;
    std::map<std::uint32_t, std::uint32_t> segments_per_stream;
    while (script.next(&step)) {
        const Segment &segment = step.segment;
        if (step.kind == fuzz::ScriptStep::Kind::Incomplete) {
            const FrameRecord record = capture.mark_incomplete(segment.frame);
            fuzz::check(record.kind == FrameRecord::Kind::Incomplete, "an incomplete frame was analysed");
            fuzz::check_cached(record, capture.frame(segment.frame, segment.stream));
            continue;
        }
        const FrameRecord record = capture.observe(segment);
        fuzz::check(record.kind == FrameRecord::Kind::Analysed, "a complete segment was not analysed");
        fuzz::check(record.annotation.stream == segment.stream, "a segment annotated under another stream");
        fuzz::check_annotation(record.annotation);
        fuzz::check_cached(record, capture.frame(segment.frame, segment.stream));
        ++segments_per_stream[segment.stream];
    }
    for (const auto &[stream, segments] : segments_per_stream) {
        const std::optional<ConversationRow> row = capture.conversation_row(stream);
        fuzz::check(row.has_value(), "a stream with segments has no row");
        fuzz::check(row->observer->client_segments() + row->observer->server_segments() == segments,
                    "a row counts other segments than it was given");
        const DirectionCounters &client = row->traffic->side(0);
        const DirectionCounters &server = row->traffic->side(1);
        fuzz::check(client.retransmissions + server.retransmissions <= segments &&
                        client.sack_segments + server.sack_segments <= segments &&
                        client.rtt.count + server.rtt.count <= segments,
                    "a counter above the segments");
        fuzz::check(client.rtt.count == 0 || client.rtt.min_ns <= client.rtt.max_ns, "RTT min above max");
    }
    return 0;
}
