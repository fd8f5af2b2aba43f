#include "conversation/anomaly.hpp"

namespace tcplife {

const char *anomaly_id(Anomaly anomaly)
{
    switch (anomaly) {
    case Anomaly::SynUnanswered: return "syn_unanswered";
    case Anomaly::SynRejected: return "syn_rejected";
    case Anomaly::UnsolicitedSynAck: return "unsolicited_synack";
    case Anomaly::HandshakeAckMismatch: return "handshake_ack_mismatch";
    case Anomaly::SynRetransmitted: return "syn_retransmitted";
    case Anomaly::SynAckRetransmitted: return "synack_retransmitted";
    case Anomaly::DataBeforeEstablished: return "data_before_established";
    case Anomaly::DataInSyn: return "data_in_syn";
    case Anomaly::SimultaneousOpen: return "simultaneous_open";
    case Anomaly::SegmentAfterClose: return "segment_after_close";
    case Anomaly::ReuseInTimeWait: return "reuse_in_time_wait";
    case Anomaly::RstInTimeWait: return "rst_in_time_wait";
    case Anomaly::RstOutOfWindow: return "rst_out_of_window";
    case Anomaly::FinRetransmitted: return "fin_retransmitted";
    case Anomaly::DataAfterFin: return "data_after_fin";
    case Anomaly::WindowScaleCapped: return "window_scale_capped";
    case Anomaly::TimeBackwards: return "time_backwards";
    case Anomaly::CloseWaitAtEnd: return "close_wait_at_end";
    case Anomaly::HalfOpen: return "half_open";
    }
    return "unknown";
}

AnomalySet segment_anomalies(const Annotation &a)
{
    struct NoteAnomaly {
        std::uint16_t note_bit;
        Anomaly anomaly;
    };
    static constexpr NoteAnomaly from_notes[] = {
        {note::unsolicited_synack, Anomaly::UnsolicitedSynAck},
        {note::handshake_ack_mismatch, Anomaly::HandshakeAckMismatch},
        {note::simultaneous_open, Anomaly::SimultaneousOpen},
        {note::data_before_established, Anomaly::DataBeforeEstablished},
        {note::data_in_syn, Anomaly::DataInSyn},
        {note::segment_after_close, Anomaly::SegmentAfterClose},
        {note::reuse_in_time_wait, Anomaly::ReuseInTimeWait},
        {note::rst_in_time_wait, Anomaly::RstInTimeWait},
        {note::data_after_fin, Anomaly::DataAfterFin},
        {note::window_scale_capped, Anomaly::WindowScaleCapped},
        {note::time_backwards, Anomaly::TimeBackwards},
    };
    AnomalySet set;
    for (const NoteAnomaly &entry : from_notes) {
        if (a.has(entry.note_bit))
            set.add(entry.anomaly);
    }
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
