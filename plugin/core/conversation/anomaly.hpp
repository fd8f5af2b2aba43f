// The named anomalies tcplife reports: a stable id each (tcplife.anomaly, and the
// expert info tcplife.expert.<id>), on the segment where the anomaly shows.
#pragma once

#include "tcp/annotation.hpp"

#include <cstdint>

namespace tcplife {

enum class Anomaly : std::uint8_t {
    SynUnanswered,         // end of capture: SYNs and no answer at all
    SynRejected,           // a RST answers the SYN: port closed
    UnsolicitedSynAck,     // a SYN-ACK with no SYN: spoofing, backscatter, or a missed SYN
    HandshakeAckMismatch,  // a handshake ACK that does not acknowledge the peer's SYN
    SynRetransmitted,
    SynAckRetransmitted,
    DataBeforeEstablished, // payload from a side still opening
    DataInSyn,             // TCP Fast Open
    SimultaneousOpen,
    SegmentAfterClose,     // sent by a side already CLOSED
    ReuseInTimeWait,       // new SYN on a 4-tuple still in TIME_WAIT
    RstInTimeWait,         // RFC 1337 TIME-WAIT assassination
    RstOutOfWindow,        // RFC 5961 blind reset
    FinRetransmitted,
    DataAfterFin,
    WindowScaleCapped,     // RFC 7323 2.3: a shift above 14 is used as 14
    TimeBackwards,         // capture timestamps decrease: durations across them count as zero
    CloseWaitAtEnd,        // end of capture: a side got a FIN and never closed
    HalfOpen,              // end of capture: one side's retransmissions went unanswered
};
constexpr std::size_t anomaly_count = static_cast<std::size_t>(Anomaly::HalfOpen) + 1;

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

// "syn_unanswered", "rst_in_time_wait", ...: the id used in field values and expert names.
const char *anomaly_id(Anomaly anomaly);

// The anomalies one segment shows by itself (end-of-capture ones come from the verdict).
AnomalySet segment_anomalies(const Annotation &annotation);

} // namespace tcplife
