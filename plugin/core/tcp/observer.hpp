// A passive observer of one TCP conversation (one Wireshark tcp.stream). It sees each
// segment once, assumes it is delivered, and reads the segment's ACK field as evidence
// of what its sender had received. README.md ("How states are inferred") explains the
// model; transitions.cpp holds the state table it drives.
#pragma once

#include "tcp/annotation.hpp"
#include "tcp/packed_optional.hpp"
#include "tcp/segment.hpp"
#include "tcp/transitions.hpp"

#include <array>
#include <cstdint>

namespace tcplife {

class Conversation {
public:
    // `sockets`: the stream's, as its ledger keeps them; unset before the first segment,
    // whose roles this decides.
    Annotation observe(const Segment &segment, const SocketPair &sockets);

    std::uint32_t client_segments() const { return endpoints_[client].segments; }
    std::uint32_t server_segments() const { return endpoints_[server].segments; }
    // Events the transition table did not expect, over the whole conversation: each is a
    // segment the observer's model cannot explain. Each endpoint's count saturates at 255.
    std::uint32_t unexpected_events() const
    {
        return std::uint32_t{endpoints_[client].unexpected_events} + endpoints_[server].unexpected_events;
    }

private:
    static constexpr std::size_t client = 0;
    static constexpr std::size_t server = 1;

    // A pure ACK that was a handshake or close step, remembered so that an identical
    // copy is reported as the same step again rather than as something new. An aggregate
    // like Endpoint: make one with `{}`.
    struct StepAck {
        SeqNumber seq;
        SeqNumber ack;
        // The peer's segments minus its step retransmissions when this ACK was sent: a
        // copy counts as a repeat only if the peer has sent nothing since but repeats of
        // its own SYN, SYN-ACK or FIN, that is while this difference stays the same.
        std::uint32_t peer_first_sendings = 0;
        std::uint16_t window = 0;
        std::uint8_t attempts = 0;
        std::uint8_t handshake_step : 2; // as in Annotation
        std::uint8_t close_steps : 4;
    };

    // Its latest data segment, to tell a copy of it from different data at the same numbers.
    struct LastData {
        SeqNumber seq;
        std::uint32_t length = 0;
        PayloadDigest digest;
    };

    // An endpoint's optional values, each present or not by one bit of `present`.
    enum Optional : std::uint8_t { Isn, FinSeq, HighestAck, NextSeq, UnacceptableAck, LastStepAck, LastDataSegment };

    // Members ordered by size, so that no padding sits between them. An aggregate, so that
    // `{}` zeroes its bit-fields (C++17 allows them no default initializers).
    struct Endpoint {
        std::array<SeqNumber, 5> seqs;   // the optional sequence numbers, by Optional index
        StepAck step_ack;                // its latest segment, if that was a step ACK
        LastData data;
        std::uint32_t segments = 0;
        std::uint32_t step_retransmissions = 0; // SYNs, SYN-ACKs and FINs sent again
        TcpState state = TcpState::Unknown;
        std::uint8_t present = 0;            // bit n: the Optional n is set
        std::uint8_t syn_attempts = 0;
        std::uint8_t synack_attempts = 0;
        std::uint8_t fin_attempts = 0;
        std::uint8_t fin_close_steps = 0;    // steps its FIN carried, repeated on retransmission
        std::uint8_t unexpected_events = 0;  // events the table did not expect; saturates (fills what was padding)
        bool sent_synack : 1;
        bool accepted_syn_data : 1;          // its SYN-ACK acknowledged data in the peer's SYN (TFO)
        bool fin_merged : 1;
        bool fin_acked : 1;                  // the peer acknowledged its FIN
        bool sent_data : 1;

        // Segments that were no step retransmission; modulo 2^32 like the counters, so
        // that comparing two of them is comparing the counters' growth.
        std::uint32_t first_sendings() const { return segments - step_retransmissions; }

        // sequence number of its SYN
        auto isn() { return packed_optional(seqs[Isn], present, Isn); }
        auto isn() const { return packed_optional(seqs[Isn], present, Isn); }
        // sequence number its FIN occupies
        auto fin_seq() { return packed_optional(seqs[FinSeq], present, FinSeq); }
        auto fin_seq() const { return packed_optional(seqs[FinSeq], present, FinSeq); }
        // highest ack number it sent
        auto highest_ack() { return packed_optional(seqs[HighestAck], present, HighestAck); }
        auto highest_ack() const { return packed_optional(seqs[HighestAck], present, HighestAck); }
        // first sequence number after all it sent
        auto next_seq() { return packed_optional(seqs[NextSeq], present, NextSeq); }
        auto next_seq() const { return packed_optional(seqs[NextSeq], present, NextSeq); }
        // ack of its latest segment the peer must refuse
        auto unacceptable_ack() { return packed_optional(seqs[UnacceptableAck], present, UnacceptableAck); }
        auto unacceptable_ack() const { return packed_optional(seqs[UnacceptableAck], present, UnacceptableAck); }
        auto last_step_ack() { return packed_optional(step_ack, present, LastStepAck); }
        auto last_step_ack() const { return packed_optional(step_ack, present, LastStepAck); }
        auto last_data() { return packed_optional(data, present, LastDataSegment); }
        auto last_data() const { return packed_optional(data, present, LastDataSegment); }
    };

    static bool acknowledges_syn(SeqNumber ack, const Endpoint &syn_sender);
    SocketPair start(const Segment &segment, Annotation &annotation);
    std::uint32_t anomaly_notes(std::size_t sender, const Segment &segment) const;
    static std::size_t sender_of(const Segment &segment, const SocketPair &sockets);
    void apply(std::size_t endpoint, EndpointEvent event, Annotation &annotation);
    bool sent_after_close(std::size_t sender, const Segment &segment) const;
    void infer_missed_handshake(std::size_t sender, const Segment &segment, Annotation &annotation);

    void observe_reset(std::size_t sender, const Segment &segment, Annotation &annotation);
    bool reset_acceptable(std::size_t receiver, const Segment &segment, Annotation &annotation) const;
    void observe_syn(std::size_t sender, const Segment &segment, Annotation &annotation);
    void observe_synack(std::size_t sender, const Segment &segment, Annotation &annotation);
    void observe_handshake_ack(std::size_t sender, const Segment &segment, Annotation &annotation);
    bool observe_ack_of_fin(std::size_t sender, const Segment &segment, bool new_fin, Annotation &annotation);
    void observe_fin(std::size_t sender, const Segment &segment, bool acked_peer_fin, Annotation &annotation);
    void observe_data(std::size_t sender, const Segment &segment, Annotation &annotation);
    bool repeats_step_ack(std::size_t sender, const Segment &segment, Annotation &annotation);
    void remember_step_ack(std::size_t sender, const Segment &segment, const Annotation &annotation);
    void compare_with_last_data(std::size_t sender, const Segment &segment, Annotation &annotation);

    bool started_ = false;
    bool roles_guessed_ = false;
    bool handshake_acked_ = false;
    std::uint8_t first_closer_ = no_closer; // endpoint index of the first FIN's sender
    static constexpr std::uint8_t no_closer = 2;
    std::array<Endpoint, 2> endpoints_{};
};

} // namespace tcplife
