// Zeek's conn.log summary of one TCP conversation (one Wireshark tcp.stream):
// conn_state, history, orig/resp bytes and packets, as defined in
// Zeek's documentation of conn.log (base/protocols/conn/main.zeek). Where it is silent, this follows
// Zeek's own code (TCPSessionAdapter.cc, TCP_Endpoint.*, TCP_Reassembler.cc,
// Session.h, Conn.cc, base/protocols/conn/main.zeek); each function names the Zeek
// function its rule comes from. The layer's one public header; the implementation reads:
//   zeek_conn.cpp      one segment, in the order of TCPSessionAdapter::Process; the roles
//   endpoint.*         what Zeek keeps per endpoint (TCP_Endpoint), its sequence bookkeeping
//   state_machine.cpp  the endpoint states' transitions
//   history.*          the history letters
//   content_gaps.cpp   the G/g letter, from what Zeek's reassembler would have delivered
//   conn_state.cpp     the summary: conn_state, bytes, packets
//
// Differences from Zeek that are deliberate:
//  - Zeek splits a 4-tuple into several connections by timers and on reuse (for
//    example a SYN with a new ISN); this class sees one tcp.stream as one connection.
//  - No C/c (bad checksum) letter: Wireshark does not verify TCP checksums by default,
//    so every segment counts as valid; Zeek would drop a bad one and log C/c instead.
//  - Zeek's TCP reassembler is modelled by what the G/g letter needs: the contiguous
//    end of each direction's data plus one run held above a hole (see data_sent). Zeek
//    reassembles from the first packet (dpd_reassemble_first_packets); this assumes it
//    keeps doing so for the whole connection.
// It matches current Zeek: the lone-SYN-ACK flip ("^h") exists since Zeek 5.1 (zeek
// PR #2191), and packet counts follow a flip since zeek PR #5047 (Zeek 8.0 still
// counted the segment that caused a flip for its old role).
#pragma once

#include "tcp/rare_block.hpp"
#include "tcp/segment.hpp"
#include "zeek/endpoint.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tcplife {

enum class ZeekConnState : std::uint8_t { S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH };

const char *zeek_conn_state_name(ZeekConnState state); // "S0", "RSTOS0", ...

class ZeekConnection { // one per Wireshark tcp.stream
public:
    // Letters kept inline; Zeek's histories stay short because most letters are written
    // once per direction and T/W/G only at the 1st, 10th, 100th... occurrence.
    static constexpr std::size_t history_capacity = 23;

    ZeekConnection()
        : originator_index_(0), first_sender_side_(0), started_(false), is_partial_(false), history_truncated_(false),
          ip_bytes_unknown_(false)
    {
    }

    // Segments in capture order; `sockets`: the stream's, as its ledger keeps them. May
    // throw std::bad_alloc (the first of its rare events).
    void observe(const Segment &segment, const SocketPair &sockets);

    ZeekConnState conn_state() const;
    std::string_view history() const;
    // True when the history outgrew its inline buffer: history() is then the first
    // history_capacity letters of Zeek's history. conn_state() stays exact.
    bool history_truncated() const { return history_truncated_; }

    // As Zeek's roles stand now (after flips), taken from the stream's `sockets`.
    const SocketAddress &originator(const SocketPair &sockets) const;
    const SocketAddress &responder(const SocketPair &sockets) const;

    // Zeek's orig_bytes / resp_bytes: taken from sequence numbers (TCP_Endpoint::Size),
    // so bytes acknowledged but never captured count too. Zeek logs them only when the
    // connection lasted longer than 0 s; that choice is the caller's.
    std::uint64_t originator_bytes() const;
    std::uint64_t responder_bytes() const;
    std::uint32_t originator_packets() const; // orig_pkts / resp_pkts
    std::uint32_t responder_packets() const;
    // orig_ip_bytes / resp_ip_bytes: the IP lengths of each role's packets; known when
    // the reader knew every packet's (Segment::analysis.ip_bytes).
    bool ip_bytes_known() const { return !ip_bytes_unknown_; }
    std::uint64_t originator_ip_bytes() const { return originator_endpoint().ip_bytes; }
    std::uint64_t responder_ip_bytes() const { return responder_endpoint().ip_bytes; }
    // missed_bytes: the octets of every content gap (the G/g events), both directions.
    // Runs of data above several holes are held as one (data_sent), so the holes between
    // them are not counted: a lower bound where Zeek's reassembler sees several.
    std::uint64_t missed_bytes() const { return rare_.find() != nullptr ? rare_.find()->missed_bytes : 0; }

private:
    enum class Event : std::uint8_t;
    static bool next_state(ZeekEndpointState state, Event event, ZeekEndpointState &next);

    // zeek_conn.cpp: one segment, and the roles
    void start(const Segment &segment, const SocketPair &sockets);
    void flip_roles();
    void flip_after_lone_synack();
    std::size_t sender_of(const Segment &segment, const SocketPair &sockets) const;
    // endpoints_[endpoint]'s socket: the first segment's sender is sockets[first_sender_side_].
    const SocketAddress &socket_of(std::size_t endpoint, const SocketPair &sockets) const
    {
        return sockets[endpoint ^ first_sender_side_];
    }
    bool is_originator(std::size_t endpoint) const { return endpoint == originator_index_; }
    const ZeekEndpoint &originator_endpoint() const { return endpoints_[originator_index_]; }
    const ZeekEndpoint &responder_endpoint() const { return endpoints_[1 - originator_index_]; }
    void note_partial_status(std::size_t sender, const Segment &segment);
    void update_last_seq(std::size_t sender, std::uint32_t end, const Segment &segment);

    // history.cpp
    void record_history(std::size_t sender, const Segment &segment, std::uint64_t rel_seq);
    bool seen_once(std::size_t sender, std::uint16_t mask, char code);
    template <typename Counter> void count_event(std::size_t endpoint, Counter &counter, char code);
    void add_letter(std::size_t endpoint, char code);
    void append_history(char letter);
    void clear_history();
    bool history_matches_rstos0() const;

    // state_machine.cpp
    void run_state_machine(std::size_t sender, ZeekEndpointState handler, const Segment &segment,
                           bool syn_at_implied_start);
    void apply(ZeekEndpoint &endpoint, Event event);

    // content_gaps.cpp
    void ack_received(std::size_t endpoint, std::uint64_t rel_ack);
    void data_sent(std::size_t sender, std::uint64_t rel_data_seq, std::uint32_t length);
    static void deliver_held(ZeekEndpoint &endpoint);
    void count_gap(std::size_t endpoint, std::uint32_t length);

    // conn_state.cpp
    std::uint64_t size_of(const ZeekEndpoint &endpoint, const ZeekEndpoint &peer) const;

    // The counts behind the T, W and G letters, by endpoint, and missed_bytes: 0 in most
    // connections.
    struct RareEvents {
        std::array<std::uint32_t, 2> retransmissions{};
        std::array<std::uint16_t, 2> zero_windows{}; // saturating
        std::array<std::uint16_t, 2> gaps{};         // saturating
        std::uint64_t missed_bytes = 0;
    };

    std::array<ZeekEndpoint, 2> endpoints_{}; // [0] sent the first segment, [1] received it
    RareBlock<RareEvents> rare_;
    std::uint16_t letters_seen_ = 0;     // Zeek's hist_seen: once-per-direction letters, by role
    std::uint8_t history_length_ = 0;
    std::uint8_t rstos0_match_ = 0;      // where the history stands in /\^?S[^HAFGIQ]*R.*/
    std::uint8_t originator_index_ : 1;  // which of endpoints_ originates, as the roles stand now
    std::uint8_t first_sender_side_ : 1; // which of the stream's sockets sent the first segment
    bool started_ : 1;
    bool is_partial_ : 1;                // Zeek's TCPSessionAdapter::is_partial
    bool history_truncated_ : 1;
    bool ip_bytes_unknown_ : 1;          // a segment came without its IP length
    std::array<char, history_capacity> history_{};
};

} // namespace tcplife
