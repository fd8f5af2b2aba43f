// A conversation summed up: how the handshake went, how the close went, who closed,
// who waits in TIME_WAIT, and the anomalies only the end of the capture reveals.
// Derived from LedgerFacts alone, so it can be asked after any segment.
#pragma once

#include "conversation/anomaly.hpp"
#include "conversation/ledger.hpp"

#include <cstdint>

namespace tcplife {

enum class HandshakeVerdict : std::uint8_t {
    Complete,
    Unanswered,       // SYN, no reply
    Rejected,         // a RST answered the SYN
    NoFinalAck,       // SYN and SYN-ACK, no ACK completing them
    SimultaneousOpen,
    Unsolicited,      // a SYN-ACK with no SYN, and nobody completed it
    NotSeen,          // the capture began mid-stream
};

enum class CloseVerdict : std::uint8_t {
    FourWay,
    ThreeWay,     // FIN+ACK merged
    Simultaneous, // the FINs crossed
    Reset,
    HalfClosed,   // one FIN, the other side never closed
    Open,         // nothing closed by the end
    None,         // never established
};

// Who did something: one side, both, or neither.
enum class Party : std::uint8_t { None, Client, Server, Both };

struct Verdict {
    HandshakeVerdict handshake = HandshakeVerdict::NotSeen;
    CloseVerdict close = CloseVerdict::None;
    Party initiator = Party::None; // who closed first (FIN, else RST); None while open
    Party reset_by = Party::None;
    Party time_wait = Party::None; // who is in TIME_WAIT after the latest segment
    // Only meaningful once the ledger has seen the last segment of the capture.
    AnomalySet end_of_capture;
    Party close_wait = Party::None; // who is left in CLOSE_WAIT
    Party vanished = Party::None;   // whose peer's retransmissions went unanswered
};

Verdict judge(const LedgerFacts &facts);

// One option as the SYN and SYN-ACK negotiated it.
struct OptionOffer {
    bool client = false; // offered by the client's SYN
    bool server = false; // offered (or, for TFO, accepted) by the server's SYN-ACK
    bool in_effect = false;
};

struct Negotiation {
    bool known = false; // false when no SYN or SYN-ACK was seen (options are negotiated only there),
                        // or the capture cut a SYN's options
    OptionOffer window_scaling; // RFC 7323 2.2: in effect only if both offer it
    OptionOffer sack;           // RFC 2018
    OptionOffer timestamps;     // RFC 7323 3.2
    OptionOffer ecn;            // RFC 3168 6.1.1
    OptionOffer fast_open;      // RFC 7413
};

Negotiation negotiate(const LedgerFacts &facts);

// Field values: "complete", "no-final-ack", "three-way", "half-closed", "client", "both", ...
const char *handshake_verdict_name(HandshakeVerdict verdict);
const char *close_verdict_name(CloseVerdict verdict);
const char *party_name(Party party); // "none" for Party::None

} // namespace tcplife
