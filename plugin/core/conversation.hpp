// A passive observer of one TCP conversation (one Wireshark tcp.stream). It sees each
// segment once, assumes it is delivered, and reads the segment's ACK field as evidence
// of what its sender had received. README.md ("How states are inferred") explains the
// model; transitions.cpp holds the state table it drives.
#pragma once

#include "annotation.hpp"
#include "segment.hpp"
#include "transitions.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace tcplife {

class Conversation {
public:
    Annotation observe(const Segment &segment);

    TcpState client_state() const { return endpoints_[client].state; }
    TcpState server_state() const { return endpoints_[server].state; }

private:
    static constexpr std::size_t client = 0;
    static constexpr std::size_t server = 1;

    // A pure ACK that was a handshake or close step, remembered so that an identical
    // copy is reported as the same step again rather than as something new.
    struct StepAck {
        std::uint8_t handshake_step = 0;
        std::uint8_t close_steps = 0;
        std::uint8_t attempts = 0;
        SeqNumber seq;
        SeqNumber ack;
        std::uint16_t window = 0;
        // The peer's counters when this ACK was sent: a copy counts as a repeat only if
        // the peer has sent nothing since but repeats of its own SYN, SYN-ACK or FIN.
        std::uint32_t peer_segments = 0;
        std::uint32_t peer_step_retransmissions = 0;
    };

    struct Endpoint {
        SocketAddress address;
        TcpState state = TcpState::Unknown;
        std::optional<SeqNumber> isn;        // sequence number of its SYN
        std::uint8_t syn_attempts = 0;
        bool sent_synack = false;
        bool accepted_syn_data = false;     // its SYN-ACK acknowledged data in the peer's SYN (TFO)
        std::uint8_t synack_attempts = 0;
        std::optional<SeqNumber> fin_seq;    // sequence number its FIN occupies
        std::uint8_t fin_attempts = 0;
        std::uint8_t fin_close_steps = 0;    // steps its FIN carried, repeated on retransmission
        bool fin_merged = false;
        bool fin_acked = false;              // the peer acknowledged its FIN
        bool sent_data = false;
        std::optional<SeqNumber> highest_ack; // highest ack number it sent
        std::optional<SeqNumber> next_seq;    // first sequence number after all it sent
        std::optional<StepAck> last_step_ack; // its latest segment, if that was a step ACK
        std::optional<SeqNumber> unacceptable_ack; // ack of its latest segment the peer must refuse
        std::uint32_t segments = 0;
        std::uint32_t step_retransmissions = 0; // SYNs, SYN-ACKs and FINs sent again
    };

    static bool acknowledges_syn(SeqNumber ack, const Endpoint &syn_sender);
    void start(const Segment &segment, Annotation &annotation);
    std::uint16_t anomaly_notes(std::size_t sender, const Segment &segment) const;
    std::size_t sender_of(const Segment &segment) const;
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
    std::optional<std::size_t> first_closer_;
    std::array<Endpoint, 2> endpoints_{};
};

} // namespace tcplife
