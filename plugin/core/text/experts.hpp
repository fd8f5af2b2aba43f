// Every expert info tcplife registers (tcplife.expert.<id>): one per named anomaly
// (conversation/anomaly.hpp), then the steps a teacher would point out, which are no
// anomaly. The glue registers them from expert_info() alone.
#pragma once

#include "conversation/anomaly.hpp"

#include <cstddef>
#include <cstdint>

namespace tcplife {

// X(name, id, expert group, severity, expert summary)
#define TCPLIFE_STEP_EXPERTS(X)                                                                                        \
    X(HandshakeSyn, "handshake_syn", Sequence, Chat, "Handshake step 1 (SYN)")                                       \
    X(HandshakeSynAck, "handshake_synack", Sequence, Chat, "Handshake step 2 (SYN-ACK)")                             \
    X(HandshakeAck, "handshake_ack", Sequence, Chat, "Handshake step 3 (ACK)")                                       \
    X(AckRetransmitted, "ack_repeated", Sequence, Note, "Handshake or close ACK sent again")                          \
    X(CloseFin, "close_fin", Sequence, Chat, "Close step (FIN)")                                                     \
    X(CloseAck, "close_ack", Sequence, Chat, "Close step (ACK)")                                                     \
    X(MergedClose, "merged_close", Sequence, Note, "FIN+ACK merged close")                                           \
    X(TimeWait, "time_wait", Sequence, Note, "TIME_WAIT expected")                                                   \
    X(SimultaneousClose, "simultaneous_close", Sequence, Note, "Simultaneous close")                                 \
    X(SynAckBeforeSyn, "synack_before_syn", Sequence, Note, "Handshake step 2 (SYN-ACK) before any SYN")             \
    X(Reset, "reset", Sequence, Warn, "Connection reset")                                                            \
    X(ResetFromClosed, "reset_from_closed", Sequence, Note, "RST from a closed side answering a stray segment")      \
    X(MidstreamStart, "midstream", Sequence, Note, "Capture began mid-stream")                                       \
    X(UnexpectedEvent, "unexpected_event", Protocol, Note, "Segment the state model did not expect: states kept") \
    X(TlsStep, "tls_step", Sequence, Chat, "TLS handshake step")                                                     \
    X(TlsAlert, "tls_alert", Sequence, Warn, "TLS handshake ended by an alert")                                      \
    X(TlsIncomplete, "tls_incomplete", Sequence, Note, "TLS handshake incomplete at the end of the capture")        \
    X(TlsUnexpected, "tls_unexpected", Protocol, Note, "TLS segment the flight model did not expect")

// The anomalies first, in their order, so that an Anomaly converts by value.
enum class ExpertKind : std::uint8_t {
#define TCPLIFE_ANOMALY_EXPERT(name, id, note_bit, group, severity, summary) name,
#define TCPLIFE_STEP_EXPERT(name, id, group, severity, summary) name,
    TCPLIFE_ANOMALIES(TCPLIFE_ANOMALY_EXPERT) TCPLIFE_STEP_EXPERTS(TCPLIFE_STEP_EXPERT)
#undef TCPLIFE_ANOMALY_EXPERT
#undef TCPLIFE_STEP_EXPERT
};

constexpr ExpertKind expert_kind(Anomaly anomaly) { return static_cast<ExpertKind>(anomaly); }

struct ExpertInfo {
    const char *name; // "tcplife.expert.syn_unanswered"
    ExpertGroup group;
    ExpertSeverity severity;
    const char *summary;
};

constexpr std::size_t expert_kind_count = anomaly_count
#define TCPLIFE_STEP_EXPERT_ONE(name, id, group, severity, summary) +1
    TCPLIFE_STEP_EXPERTS(TCPLIFE_STEP_EXPERT_ONE)
#undef TCPLIFE_STEP_EXPERT_ONE
    ;
extern const ExpertInfo expert_infos[expert_kind_count];

inline const ExpertInfo &expert_info(ExpertKind kind) { return expert_infos[static_cast<std::size_t>(kind)]; }

} // namespace tcplife
