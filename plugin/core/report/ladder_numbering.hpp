// Relative sequence and acknowledgement numbers for the ladder's arrows, numbered the
// way Wireshark numbers them so that the ladder and the packet list agree.
#pragma once

#include "report/ladder.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace tcplife::ladder {

// Each side is numbered from its ISN (its SYN shows seq=0) or, with no SYN from that
// side, from its first seen seq - 1 (that segment shows seq=1); a side that sent nothing
// is numbered from the first ack sent to it, minus 1. The whole list is read first, so a
// SYN-ACK captured before its SYN is numbered from that SYN too. A later SYN with a new
// ISN (an open tried again) starts its side over, from where it appears in the list.
class Numbering {
public:
    // relative false: every number raw.
    Numbering(const std::vector<LadderSegment> &segments, bool relative);

    // "seq=1 ack=1 len=100" (ack only with the ACK flag, len only with payload); raw
    // numbers when the sender is unknown. Call it for the segments in list order.
    std::string text(const LadderSegment &segment);

private:
    std::array<std::optional<SeqNumber>, 2> base_; // [0] client, [1] server
    bool relative_;
};

} // namespace tcplife::ladder
