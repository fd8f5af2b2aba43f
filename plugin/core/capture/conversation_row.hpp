// One conversation as the reports and the conversation subtree read it: its facts and
// what is judged from them.
#pragma once

#include "capture/tracker.hpp"
#include "conversation/anomaly.hpp"
#include "conversation/timings.hpp"
#include "conversation/verdict.hpp"
#include "tls/tls_handshake.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace tcplife {

// From the TLS facts and TCP's (the ACK completing its handshake).
TlsTimes tls_times(const TlsFacts &tls, const LedgerFacts &facts);

struct ConversationRow {
    std::uint32_t stream = 0;
    const LedgerFacts *facts = nullptr; // the tracker's, or `kept`'s
    const Conversation *observer = nullptr;
    const ZeekConnection *zeek = nullptr;
    const Traffic *traffic = nullptr;
    // A copy of a record the tracker rebuilt for the asking (a one-segment stream).
    std::shared_ptr<const StreamRecord> kept;
    Verdict verdict;
    Timings times;
    AnomalySet anomalies; // every segment's, and the end of capture's
    bool tls_followed = false;     // the capture follows TLS: a null `tls` means it carried none
    const TlsFacts *tls = nullptr; // its TLS handshake, when the capture follows TLS and it had one
    TlsTimes tls_times;            // of `tls`
};

// The row of `stream`, valid as long as the tracker is and unchanged; empty when the
// stream has no segment. May throw std::bad_alloc.
std::optional<ConversationRow> conversation_row(const Tracker &tracker, std::uint32_t stream);

} // namespace tcplife
