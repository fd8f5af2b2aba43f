#include "conversation/anomaly.hpp"

namespace tcplife {

const char *anomaly_id(Anomaly anomaly)
{
    static constexpr const char *ids[] = {
#define TCPLIFE_ANOMALY_ID(name, id, note_bit, group, severity, summary) id,
        TCPLIFE_ANOMALIES(TCPLIFE_ANOMALY_ID)
#undef TCPLIFE_ANOMALY_ID
    };
    const auto index = static_cast<std::size_t>(anomaly);
    return index < anomaly_count ? ids[index] : "unknown";
}

AnomalySet segment_anomalies(const Annotation &a)
{
    static constexpr std::uint32_t note_bits[] = {
#define TCPLIFE_ANOMALY_NOTE(name, id, note_bit, group, severity, summary) note_bit,
        TCPLIFE_ANOMALIES(TCPLIFE_ANOMALY_NOTE)
#undef TCPLIFE_ANOMALY_NOTE
    };
    AnomalySet set;
    for (std::size_t i = 0; a.notes != 0 && i < anomaly_count; ++i) {
        if (note_bits[i] != 0 && a.has(note_bits[i]))
            set.add(static_cast<Anomaly>(i));
    }
    // The anomalies no note shows: what the segment is.
    if (a.reset == ResetKind::RefusesSyn)
        set.add(Anomaly::SynRejected);
    if (a.reset == ResetKind::OutOfWindow)
        set.add(Anomaly::RstOutOfWindow);
    if (a.is_retransmission() && !a.has(note::repeated_step_ack)) {
        if (a.handshake_step == 1)
            set.add(Anomaly::SynRetransmitted);
        else if (a.handshake_step == 2)
            set.add(Anomaly::SynAckRetransmitted);
        else if (a.has_close_step(1) || a.has_close_step(3))
            set.add(Anomaly::FinRetransmitted);
    }
    return set;
}

} // namespace tcplife
