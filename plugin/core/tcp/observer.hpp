// A passive observer of one TCP conversation (one Wireshark tcp.stream). It sees each
// segment once, assumes it is delivered, and reads the segment's ACK field as evidence
// of what its sender had received. README.md ("How states are inferred") explains the
// model; transitions.cpp holds the state table it drives.
#pragma once

#include "tcp/annotation.hpp"
#include "tcp/segment.hpp"
#include "tcp/transitions.hpp"

#include <array>
#include <cstdint>
#include <type_traits>

namespace tcplife {

class Conversation {
public:
    // `sockets`: the stream's, as its ledger keeps them; unset before the first segment,
    // whose roles this decides.
    Annotation observe(const Segment &segment, const SocketPair &sockets);

    TcpState client_state() const { return endpoints_[client].state; }
    TcpState server_state() const { return endpoints_[server].state; }
    std::uint32_t client_segments() const { return endpoints_[client].segments; }
    std::uint32_t server_segments() const { return endpoints_[server].segments; }

private:
    static constexpr std::size_t client = 0;
    static constexpr std::size_t server = 1;

    // A pure ACK that was a handshake or close step, remembered so that an identical
    // copy is reported as the same step again rather than as something new.
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

        StepAck() : handshake_step(0), close_steps(0) {}
    };

    // An endpoint's optional values, each present or not by one bit of `present`:
    // std::optional would pad every one of them to twice its size. Used like an
    // optional through Slot: `if (e.isn()) ... *e.isn()`, `e.isn() = seq`, `e.isn().reset()`.
    enum Optional : std::uint8_t { Isn, FinSeq, HighestAck, NextSeq, UnacceptableAck, LastStepAck };

    template <typename Value, typename Owner> class Slot {
    public:
        Slot(Owner &owner, Value &value, Optional which) : owner_(owner), value_(value), bit_(bit(which)) {}
        explicit operator bool() const { return (owner_.present & bit_) != 0; }
        Value &operator*() const { return value_; }
        Value *operator->() const { return &value_; }
        Slot &operator=(const Value &value)
        {
            value_ = value;
            owner_.present = static_cast<std::uint8_t>(owner_.present | bit_);
            return *this;
        }
        void reset() { owner_.present = static_cast<std::uint8_t>(owner_.present & ~bit_); }

    private:
        static std::uint8_t bit(Optional which) { return static_cast<std::uint8_t>(1u << which); }
        Owner &owner_;
        Value &value_;
        std::uint8_t bit_;
    };

    // Members ordered by size, so that no padding sits between them.
    struct Endpoint {
        std::array<SeqNumber, 5> seqs{}; // the optional sequence numbers, by Optional index
        StepAck step_ack;                // its latest segment, if that was a step ACK
        std::uint32_t segments = 0;
        std::uint32_t step_retransmissions = 0; // SYNs, SYN-ACKs and FINs sent again
        TcpState state = TcpState::Unknown;
        std::uint8_t present = 0;            // bit n: the Optional n is set
        std::uint8_t syn_attempts = 0;
        std::uint8_t synack_attempts = 0;
        std::uint8_t fin_attempts = 0;
        std::uint8_t fin_close_steps = 0;    // steps its FIN carried, repeated on retransmission
        bool sent_synack : 1;
        bool accepted_syn_data : 1;          // its SYN-ACK acknowledged data in the peer's SYN (TFO)
        bool fin_merged : 1;
        bool fin_acked : 1;                  // the peer acknowledged its FIN
        bool sent_data : 1;

        Endpoint() : sent_synack(false), accepted_syn_data(false), fin_merged(false), fin_acked(false), sent_data(false)
        {
        }

        // Segments that were no step retransmission; modulo 2^32 like the counters, so
        // that comparing two of them is comparing the counters' growth.
        std::uint32_t first_sendings() const { return segments - step_retransmissions; }

        template <typename Self> static auto seq_slot(Self &self, Optional which)
        {
            using Value = std::conditional_t<std::is_const_v<Self>, const SeqNumber, SeqNumber>;
            return Slot<Value, Self>(self, self.seqs[which], which);
        }
        // sequence number of its SYN
        auto isn() { return seq_slot(*this, Isn); }
        auto isn() const { return seq_slot(*this, Isn); }
        // sequence number its FIN occupies
        auto fin_seq() { return seq_slot(*this, FinSeq); }
        auto fin_seq() const { return seq_slot(*this, FinSeq); }
        // highest ack number it sent
        auto highest_ack() { return seq_slot(*this, HighestAck); }
        auto highest_ack() const { return seq_slot(*this, HighestAck); }
        // first sequence number after all it sent
        auto next_seq() { return seq_slot(*this, NextSeq); }
        auto next_seq() const { return seq_slot(*this, NextSeq); }
        // ack of its latest segment the peer must refuse
        auto unacceptable_ack() { return seq_slot(*this, UnacceptableAck); }
        auto unacceptable_ack() const { return seq_slot(*this, UnacceptableAck); }
        auto last_step_ack() { return Slot<StepAck, Endpoint>(*this, step_ack, LastStepAck); }
        auto last_step_ack() const { return Slot<const StepAck, const Endpoint>(*this, step_ack, LastStepAck); }
    };

    static bool acknowledges_syn(SeqNumber ack, const Endpoint &syn_sender);
    SocketPair start(const Segment &segment, Annotation &annotation);
    std::uint16_t anomaly_notes(std::size_t sender, const Segment &segment) const;
    static std::size_t sender_of(const Segment &segment, const SocketPair &sockets);
    void apply(std::size_t endpoint, EndpointEvent event, Annotation &annotation);

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

    bool started_ = false;
    bool roles_guessed_ = false;
    bool handshake_acked_ = false;
    std::uint8_t first_closer_ = no_closer; // endpoint index of the first FIN's sender
    static constexpr std::uint8_t no_closer = 2;
    std::array<Endpoint, 2> endpoints_{};
};

} // namespace tcplife
