// The textbook ladder diagram of one conversation, drawn in plain text: the client on
// the left, the server on the right, one arrow per segment with its flags, relative
// seq/ack and length, the step it is, and each side's state written where it changes.
// Long runs of segments that change nothing fold into a count and bytes per direction.
#pragma once

#include "tcp/annotation.hpp"
#include "conversation/ledger.hpp"
#include "tcp/seq_number.hpp"
#include "tls/tls_handshake.hpp"

#include <cstdint>
#include <optional>
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
    std::optional<TlsStep> tls; // its TLS step, where the capture follows TLS and it has one
};

// The conversation's TLS handshake, for the title, where the capture follows TLS.
struct LadderTls {
    TlsFacts facts;
    TlsTimes times;
};

struct LadderOptions {
    // No line is longer than this. 80 columns leave 36 between the lanes; below about 60
    // the numbers move under the arrows, and a width too small even for the columns cuts
    // lines short rather than break the promise.
    unsigned width = 80;
    // Runs of at least this many consecutive segments that are no step, change no state
    // and carry no note, reset or retransmission fold into one line per direction with a
    // count and payload bytes; shorter runs are drawn in full. 0 never folds.
    unsigned fold_at = 4;
    // seq/ack relative to each side's base, as Wireshark's tcp.relative_sequence_numbers
    // shows them; false: raw.
    bool relative_numbers = true;
};

// `segments`: the conversation's segments in capture order (frame order), each with the
// annotation the observer gave it. Pass every segment of the stream: the ladder numbers
// seq/ack from each side's SYN (Wireshark's relative numbers, see ladder_numbering.hpp),
// draws the states the annotations report and counts what it folds, so a filtered subset
// still draws but numbers and counts describe only what it was given. Times are relative
// to the first segment given.
// `facts`: the conversation's facts after its last segment (Ledger::facts()), for the
// title: addresses, verdicts (judge()), who closed, who waits in TIME_WAIT; `tls`, where
// given, adds the TLS handshake's outcome and times to it, and segments' TLS steps are
// labelled between the TCP ones.
// Returns the diagram in plain ASCII, lines ending in '\n'; "Stream N: no segments to
// draw." for an empty list. Time and memory grow linearly with the segments.
std::string draw_ladder(std::uint32_t stream, const LedgerFacts &facts, const std::vector<LadderSegment> &segments,
                        const LadderOptions &options = {}, const std::optional<LadderTls> &tls = std::nullopt);

} // namespace tcplife
