// The words for an Annotation: expert messages that explain each step as a teacher
// would, and the short marks appended to the Info column. Plain text into fixed
// buffers, so the Wireshark glue can render it without owning C++ objects.
#pragma once

#include "tcp/annotation.hpp"
#include "conversation/ledger.hpp"
#include "conversation/verdict.hpp"
#include "text/experts.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace tcplife {

// Only the first `count` items are written; the rest stay uninitialised, so that asking
// about an ordinary data segment costs nothing.
struct ExpertMessage {
    ExpertKind kind = ExpertKind::HandshakeSyn;
    std::array<char, 240> text;
};

struct ExpertMessages {
    std::array<ExpertMessage, 8> items;
    std::size_t count = 0;
};

struct DescribeOptions {
    unsigned time_wait_seconds = 60;
    // false: only the kinds, with empty texts (for a dissection nobody reads them in:
    // each message then costs no formatting).
    bool texts = true;
    // Sequence and acknowledgement numbers relative to each side's base, the raw number
    // beside, as Wireshark's tcp.relative_sequence_numbers shows them; false: raw only.
    // Relative numbers need the conversation's facts.
    bool relative_numbers = false;
};

// Whether the segment is a step, a reset or shows a note: what gets expert messages and
// Info marks. Ordinary data segments and ACKs do not.
inline bool is_explained(const Annotation &a)
{
    return a.handshake_step != 0 || a.close_steps != 0 || a.notes != 0 || a.reset != ResetKind::None ||
           a.unexpected_events != 0;
}

// `facts`, when given, are the segment's conversation's, for messages that name
// another stream (a 4-tuple reused during TIME_WAIT).
ExpertMessages describe(const Annotation &annotation, const DescribeOptions &options,
                        const LedgerFacts *facts = nullptr);

// The anomalies only the end of the capture reveals, for the conversation's last segment.
ExpertMessages describe_end_of_capture(const Verdict &verdict, const LedgerFacts &facts);

// The sender as the tree names it: "client", or "client (guessed from ports)" while no
// handshake has told the roles, as the expert messages name it. tcplife.sender's value
// is role_name(sender) either way, so that a filter on "client" finds guessed ones too.
const char *sender_text(const Annotation &annotation);

// E.g. " [HS 2/3]", " [FIN+ACK 2+3/4]", " [ACK 4/4] [TIME_WAIT]"; empty when the
// segment is no step.
std::array<char, 64> info_marks(const Annotation &annotation);

} // namespace tcplife
