// The textbook ladder diagram of one conversation, drawn in plain text: the client on
// the left, the server on the right, one arrow per segment with its flags, relative
// seq/ack and length, the step it is, and each side's state written where it changes.
// Long runs of segments that change nothing are folded into one line.
#pragma once

#include "annotation.hpp"
#include "ledger.hpp"
#include "seq_number.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tcplife {

// One segment of the conversation, as the ladder needs it: the raw header numbers
// and what the observer concluded (sender, steps, states before and after).
struct LadderSegment {
    std::uint32_t frame = 0;
    std::int64_t time_ns = 0; // capture time, nanoseconds since the epoch
    SeqNumber seq;            // raw, as on the wire
    SeqNumber ack;            // raw; meaningful only with the ACK flag
    std::uint16_t flags = 0;  // tcp_flag:: bits
    std::uint32_t payload_length = 0;
    Annotation annotation;
};

struct LadderOptions {
    unsigned width = 80;   // no line is longer than this
    unsigned fold_at = 4;  // runs of at least this many unremarkable segments fold into one line
};

// `segments` in capture order (frame order); `facts` are the conversation's final facts
// (addresses, roles, verdicts for the title). Returns the diagram, lines ending in '\n'.
std::string draw_ladder(std::uint32_t stream, const LedgerFacts &facts, const std::vector<LadderSegment> &segments,
                        const LadderOptions &options = {});

} // namespace tcplife
