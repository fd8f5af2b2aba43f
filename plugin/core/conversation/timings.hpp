// The handshake's and the conversation's times, from its ledger facts.
#pragma once

#include "conversation/capture_time.hpp"
#include "conversation/ledger.hpp"

#include <cstdint>

namespace tcplife {

// In nanoseconds; `has_*` false when not measurable.
struct Timings {
    bool has_syn_synack = false;
    bool has_synack_ack = false;
    std::int64_t syn_synack = 0; // the answered SYN to its SYN-ACK
    std::int64_t synack_ack = 0; // that SYN-ACK to the ACK completing the handshake
    bool has_irtt() const { return has_syn_synack && has_synack_ack; }
    std::int64_t irtt() const { return saturating_add(syn_synack, synack_ack); }
    bool has_handshake_time = false;
    std::int64_t handshake_time = 0; // the first SYN to the handshake ACK, retransmissions included
    std::int64_t duration = 0;       // first to last segment
    bool has_close_duration = false;
    std::int64_t close_duration = 0; // first FIN to both FINs acknowledged
};

Timings timings(const LedgerFacts &facts);

} // namespace tcplife
