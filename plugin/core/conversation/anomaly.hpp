// The named anomalies tcplife reports, in one catalogue: a stable id each (the value of
// tcplife.anomaly, and the expert info tcplife.expert.<id>), the observer's note that
// shows it on a segment, and how Wireshark files its expert info.
//
// A new anomaly is a row here (and, if the observer raises it, its note bit in
// tcp/annotation.hpp); the Anomaly enum, the ids, the expert registration and the
// anomalies a segment shows are all derived from the rows. Its sentence in the
// packet details is written in text/describe.cpp.
#pragma once

#include "tcp/annotation.hpp"

#include <cstddef>
#include <cstdint>

namespace tcplife {

// How Wireshark's expert system files an expert info (its PI_ groups and severities).
enum class ExpertGroup : std::uint8_t { Sequence, Protocol, Security, Malformed };
enum class ExpertSeverity : std::uint8_t { Chat, Note, Warn, Error };

// X(name, id, note bit showing it on a segment or 0, expert group, severity, expert summary)
// Rows in the order anomalies are listed in (fields, reports, the CSV).
#define TCPLIFE_ANOMALIES(X)                                                                                           \
    /* end of capture: SYNs and no answer at all */                                                                    \
    X(SynUnanswered, "syn_unanswered", 0, Sequence, Warn, "SYN never answered")                                      \
    /* a RST answers the SYN: port closed */                                                                           \
    X(SynRejected, "syn_rejected", 0, Sequence, Warn, "Connection refused: RST answers the SYN")                     \
    /* end of capture: a SYN-ACK that no SYN asked for and nobody answered (spoofing, backscatter) */                  \
    X(UnsolicitedSynAck, "unsolicited_synack", 0, Sequence, Warn, "SYN-ACK without a SYN")                           \
    X(HandshakeAckMismatch, "handshake_ack_mismatch", note::handshake_ack_mismatch, Protocol, Warn,                  \
      "Handshake ACK does not acknowledge the peer's ISN + 1")                                                         \
    X(SynRetransmitted, "syn_retransmitted", 0, Sequence, Note, "SYN retransmitted")                                 \
    X(SynAckRetransmitted, "synack_retransmitted", 0, Sequence, Note, "SYN-ACK retransmitted")                       \
    /* payload from a side still opening */                                                                            \
    X(DataBeforeEstablished, "data_before_established", note::data_before_established, Protocol, Warn,               \
      "Data before the handshake completed")                                                                           \
    /* TCP Fast Open */                                                                                                \
    X(DataInSyn, "data_in_syn", note::data_in_syn, Sequence, Note, "Data in SYN (TCP Fast Open)")                    \
    X(SimultaneousOpen, "simultaneous_open", note::simultaneous_open, Sequence, Note, "Simultaneous open")           \
    /* sent by a side already CLOSED */                                                                                \
    X(SegmentAfterClose, "segment_after_close", note::segment_after_close, Sequence, Warn,                           \
      "Segment after the connection closed")                                                                           \
    /* a new SYN on a 4-tuple still in TIME_WAIT */                                                                    \
    X(ReuseInTimeWait, "reuse_in_time_wait", note::reuse_in_time_wait, Sequence, Warn,                               \
      "New SYN on a 4-tuple still in TIME_WAIT")                                                                       \
    /* RFC 1337 TIME-WAIT assassination */                                                                             \
    X(RstInTimeWait, "rst_in_time_wait", note::rst_in_time_wait, Security, Warn,                                     \
      "RST in TIME_WAIT (TIME-WAIT assassination, RFC 1337)")                                                          \
    /* RFC 5961 blind reset */                                                                                         \
    X(RstOutOfWindow, "rst_out_of_window", 0, Security, Warn, "RST out of window, ignored (RFC 5961)")               \
    X(FinRetransmitted, "fin_retransmitted", 0, Sequence, Note, "FIN retransmitted")                                 \
    X(DataAfterFin, "data_after_fin", note::data_after_fin, Protocol, Error, "Data after FIN")                       \
    /* RFC 7323 2.3: a shift above 14 is used as 14 */                                                                 \
    X(WindowScaleCapped, "window_scale_capped", note::window_scale_capped, Protocol, Warn,                           \
      "Window scale above 14, used as 14 (RFC 7323 2.3)")                                                              \
    /* capture timestamps decrease: durations across them count as zero */                                             \
    X(TimeBackwards, "time_backwards", note::time_backwards, Sequence, Warn, "Capture time goes backwards")          \
    /* end of capture: a side got a FIN and never closed */                                                            \
    X(CloseWaitAtEnd, "close_wait_at_end", 0, Sequence, Warn, "CLOSE_WAIT at the end of the capture")                \
    /* end of capture: one side's retransmissions went unanswered */                                                   \
    X(HalfOpen, "half_open", 0, Sequence, Warn, "Half-open connection: one side vanished")                           \
    /* Zeek's rexmit_inconsistency: two different payloads for one sequence range, a classic injection */             \
    X(RexmitInconsistency, "rexmit_inconsistency", note::rexmit_inconsistency, Security, Warn,                       \
      "Retransmitted data differs from the original")                                                                  \
    /* inferences: a segment the capture lacks or reordered, proven by what the peers did next */                     \
    X(SynReordered, "syn_reordered", note::syn_reordered, Sequence, Note, "SYN captured after its SYN-ACK")           \
    X(SynNotCaptured, "syn_not_captured", note::syn_not_captured, Sequence, Note, "SYN not captured")                \
    X(SynAckNotCaptured, "synack_not_captured", note::synack_not_captured, Sequence, Note, "SYN-ACK not captured")   \
    X(HandshakeAckNotCaptured, "handshake_ack_not_captured", note::handshake_ack_not_captured, Sequence, Note,       \
      "Handshake ACK not captured")

enum class Anomaly : std::uint8_t {
#define TCPLIFE_ANOMALY_NAME(name, id, note_bit, group, severity, summary) name,
    TCPLIFE_ANOMALIES(TCPLIFE_ANOMALY_NAME)
#undef TCPLIFE_ANOMALY_NAME
};
constexpr std::size_t anomaly_count = 0
#define TCPLIFE_ANOMALY_ONE(name, id, note_bit, group, severity, summary) +1
    TCPLIFE_ANOMALIES(TCPLIFE_ANOMALY_ONE)
#undef TCPLIFE_ANOMALY_ONE
    ;

// A set of anomalies, one bit per Anomaly.
class AnomalySet {
public:
    void add(Anomaly anomaly) { bits_ |= bit(anomaly); }
    bool has(Anomaly anomaly) const { return (bits_ & bit(anomaly)) != 0; }
    bool empty() const { return bits_ == 0; }
    AnomalySet &operator|=(AnomalySet other)
    {
        bits_ |= other.bits_;
        return *this;
    }

private:
    static std::uint32_t bit(Anomaly anomaly) { return 1u << static_cast<unsigned>(anomaly); }
    std::uint32_t bits_ = 0;
};
static_assert(anomaly_count <= 32, "an AnomalySet holds 32");

// "syn_unanswered", "rst_in_time_wait", ...: the id used in field values and expert names.
const char *anomaly_id(Anomaly anomaly);

// The anomalies one segment shows by itself (end-of-capture ones come from the verdict).
AnomalySet segment_anomalies(const Annotation &annotation);

} // namespace tcplife
