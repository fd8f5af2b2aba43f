// RFC 9293 3.6: an endpoint that enters TIME_WAIT waits there for a length the
// tcplife.time_wait_seconds preference gives (2 x MSL in the RFC, 60 s on Linux), then
// is CLOSED. The one rule for when that wait ends, shared by the 4-tuple reuse check,
// the conversation fields and the states-over-time report.
#pragma once

#include "conversation/capture_time.hpp"
#include "conversation/ledger.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace tcplife {

inline std::int64_t time_wait_end_ns(std::int64_t entered_ns, std::int64_t length_ns)
{
    return saturating_add(entered_ns, length_ns);
}

inline bool still_in_time_wait(std::int64_t entered_ns, std::int64_t length_ns, std::int64_t now_ns)
{
    return now_ns < time_wait_end_ns(entered_ns, length_ns);
}

// A side that is in TIME_WAIT after its conversation's latest segment.
struct TimeWaitSpan {
    std::uint32_t since_frame = 0;
    std::int64_t until_ns = 0;
};

// By side ([0] client, [1] server): empty for a side not in TIME_WAIT.
inline std::array<std::optional<TimeWaitSpan>, 2> time_wait_spans(const LedgerFacts &facts, std::int64_t length_ns)
{
    std::array<std::optional<TimeWaitSpan>, 2> spans;
    for (std::size_t side = 0; side < spans.size(); ++side) {
        const SideFacts &s = facts.sides[side];
        if (s.state == TcpState::TimeWait)
            spans[side] = TimeWaitSpan{s.time_wait.frame, time_wait_end_ns(s.time_wait.time_ns, length_ns)};
    }
    return spans;
}

} // namespace tcplife
