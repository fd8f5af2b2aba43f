// A Flow (flow.hpp) that also keeps each segment it observed as the ladder takes it,
// so ladders are drawn from real annotations and facts.
#pragma once

#include "flow.hpp"

#include "report/ladder.hpp"

#include <string>
#include <vector>

namespace tcplife::test {

class LadderFlow : public Flow {
public:
    using Flow::Flow;

    // Flow's observe() and step(), keeping the segment for the ladder too. (They hide
    // Flow's: flow.hpp's fixtures, which take a Flow, would not keep their segments.)
    Annotation observe(const Segment &segment)
    {
        const Annotation annotation = Flow::observe(segment);
        LadderSegment s;
        s.frame = last_frame();
        s.time_ns = last_time_ns();
        s.seq = segment.seq;
        s.ack = segment.ack;
        s.flags = segment.flags;
        s.payload_length = segment.payload_length;
        s.annotation = annotation;
        segments_.push_back(s);
        return annotation;
    }

    Annotation step(Side side, std::uint16_t flags, std::uint32_t length = 0)
    {
        return observe(exchange(side, flags, length));
    }

    // The TLS step the capture concluded for the segment observed last.
    void give_last_tls(const TlsStep &step) { segments_.back().tls = step; }

    std::string ladder(const LadderOptions &options = {}, const std::optional<LadderTls> &tls = std::nullopt) const
    {
        return draw_ladder(0, facts(), segments_, options, tls);
    }

    const std::vector<LadderSegment> &segments() const { return segments_; }

private:
    std::vector<LadderSegment> segments_;
};

} // namespace tcplife::test
