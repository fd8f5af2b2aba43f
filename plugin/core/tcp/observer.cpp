#include "tcp/observer.hpp"

#include "tcp/roles.hpp"

namespace tcplife {
namespace {

constexpr std::uint8_t step_bit(unsigned step) { return static_cast<std::uint8_t>(1u << (step - 1)); }

bool is_pure_ack(const Segment &segment)
{
    return segment.payload_length == 0 && segment.has(tcp_flag::ack) &&
           !segment.has(tcp_flag::syn | tcp_flag::fin | tcp_flag::rst);
}

// Counters saturate: a SYN flood must not wrap an attempt back to "first attempt".
std::uint8_t bump(std::uint8_t &counter)
{
    if (counter < UINT8_MAX)
        ++counter;
    return counter;
}

} // namespace

Annotation Conversation::observe(const Segment &segment, const SocketPair &known_sockets)
{
    Annotation annotation;
    annotation.stream = segment.stream;
    const bool first_segment = !started_;
    SocketPair first_sockets;
    if (first_segment)
        first_sockets = start(segment, annotation);
    const SocketPair &sockets = first_segment ? first_sockets : known_sockets;

    const std::size_t sender = sender_of(segment, sockets);
    annotation.sender = sender == client ? Role::Client : Role::Server;
    annotation.roles_guessed = roles_guessed_;
    annotation.server_port = sockets[server].port;
    annotation.client_before = endpoints_[client].state;
    annotation.server_before = endpoints_[server].state;
    if (!segment.has(tcp_flag::rst | tcp_flag::syn))
        infer_missed_handshake(sender, segment, annotation);
    annotation.notes |= anomaly_notes(sender, segment);

    if (segment.has(tcp_flag::rst)) {
        observe_reset(sender, segment, annotation);
    } else if (segment.has(tcp_flag::syn)) {
        if (segment.has(tcp_flag::ack))
            observe_synack(sender, segment, annotation);
        else
            observe_syn(sender, segment, annotation);
    } else if (sent_after_close(sender, segment)) {
        // 3.10.7.1: a CLOSED side has no connection; what it sends is no step of the one that ended.
    } else if (!repeats_step_ack(sender, segment, annotation)) {
        observe_handshake_ack(sender, segment, annotation);
        const bool new_fin = segment.has(tcp_flag::fin) && !endpoints_[sender].fin_seq();
        const bool acked_peer_fin = observe_ack_of_fin(sender, segment, new_fin, annotation);
        if (segment.has(tcp_flag::fin))
            observe_fin(sender, segment, acked_peer_fin, annotation);
        observe_data(sender, segment, annotation);
    }

    Endpoint &from = endpoints_[sender];
    if (segment.has(tcp_flag::ack) && (!from.highest_ack() || segment.ack > *from.highest_ack()))
        from.highest_ack() = segment.ack;
    const std::uint32_t consumed = segment.payload_length + (segment.has(tcp_flag::syn) ? 1u : 0u) +
                                   (segment.has(tcp_flag::fin) ? 1u : 0u);
    if (!from.next_seq() || segment.seq + consumed > *from.next_seq())
        from.next_seq() = segment.seq + consumed;
    remember_step_ack(sender, segment, annotation);
    compare_with_last_data(sender, segment, annotation);
    ++from.segments;
    if (annotation.is_retransmission() && !annotation.has(note::repeated_step_ack))
        ++from.step_retransmissions;

    annotation.client_after = endpoints_[client].state;
    annotation.server_after = endpoints_[server].state;
    return annotation;
}

// Oddities judged by the states before the segment's own events (after what it proved of
// missed segments); they change no state themselves.
std::uint32_t Conversation::anomaly_notes(std::size_t sender, const Segment &segment) const
{
    const Endpoint &from = endpoints_[sender];
    const Endpoint &to = endpoints_[1 - sender];
    const bool rst = segment.has(tcp_flag::rst);
    const bool syn = segment.has(tcp_flag::syn);
    std::uint32_t notes = 0;
    const bool new_isn = !from.isn() || *from.isn() != segment.seq;
    if (syn && !rst && !segment.has(tcp_flag::ack) && new_isn &&
        (from.state == TcpState::TimeWait || to.state == TcpState::TimeWait))
        notes |= note::reuse_in_time_wait; // 3.6: a new incarnation while the old one waits out 2 MSL
    if (rst)
        return notes;
    if (syn && segment.options.window_scale_capped())
        notes |= note::window_scale_capped; // RFC 7323 2.3: used as 14, and worth a log line
    if (segment.payload_length != 0) {
        if (syn)
            notes |= note::data_in_syn; // RFC 7413: TCP Fast Open carries data in the SYN
        else if (from.fin_seq() && segment.seq + segment.payload_length > *from.fin_seq())
            notes |= note::data_after_fin; // 3.10.4: after CLOSE no more SENDs
        else if ((from.state == TcpState::SynSent || from.state == TcpState::SynReceived ||
                  from.state == TcpState::Listen) &&
                 !from.accepted_syn_data)
            notes |= note::data_before_established; // 3.10.7.3-4: data is queued until ESTABLISHED
                                                    // (RFC 7413: unless the server took the SYN's data)
    }
    if (!syn && sent_after_close(sender, segment) && (notes & note::data_after_fin) == 0)
        notes |= note::segment_after_close; // 3.10.7.1: a CLOSED side has no connection to send on
    return notes;
}

// A segment from a side that was in the connection and is CLOSED now, other than a copy of
// its own FIN (the passive closer's FIN repeated after its ACK, whose copy was lost).
bool Conversation::sent_after_close(std::size_t sender, const Segment &segment) const
{
    const Endpoint &from = endpoints_[sender];
    if (from.state != TcpState::Closed || from.segments == 0)
        return false;
    const bool fin_again = segment.has(tcp_flag::fin) && from.fin_seq() &&
                           segment.seq + segment.payload_length == *from.fin_seq();
    return !fin_again;
}

// Segments no state sends are evidence of the segments the capture lacks. 3.10.7.3: a side in
// SYN-SENT acknowledges nothing until a SYN-ACK arrives, and a listener acknowledges a SYN only
// with its SYN-ACK, so an ACK from either proves a SYN-ACK not captured. 3.10.7.4: a side in
// SYN-RECEIVED sends data only once the handshake's ACK made it ESTABLISHED, so its data, or
// a sequence number beyond the data it was seen to send, proves that ACK.
void Conversation::infer_missed_handshake(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    if (!segment.has(tcp_flag::ack))
        return;
    const std::size_t peer = 1 - sender;
    Endpoint &from = endpoints_[sender];
    Endpoint &to = endpoints_[peer];
    if (from.state == TcpState::SynSent && to.state == TcpState::Listen && !to.sent_synack) {
        // The SYN-ACK took the peer's ISN; this ACK is the first thing after it.
        to.isn() = SeqNumber(segment.ack.raw() - 1);
        if (!to.next_seq())
            to.next_seq() = segment.ack;
        to.sent_synack = true;
        annotation.notes |= note::synack_not_captured;
        apply(peer, EndpointEvent::SendSynAck, annotation);
        apply(sender, EndpointEvent::ReceiveSynAck, annotation);
    } else if (from.state == TcpState::Listen && to.state == TcpState::SynSent && !from.sent_synack && to.isn() &&
               acknowledges_syn(segment.ack, to)) {
        if (!from.isn())
            from.isn() = SeqNumber(segment.seq.raw() - 1);
        from.sent_synack = true;
        annotation.notes |= note::synack_not_captured;
        apply(sender, EndpointEvent::SendSynAck, annotation);
        apply(peer, EndpointEvent::ReceiveSynAck, annotation);
    }
    // Data in the segment, or before it (its number beyond ISN + 1: data the capture lacks).
    // RFC 7413: a server that accepted the SYN's data (TFO) may answer before the handshake's ACK.
    const bool sent_data = segment.payload_length != 0 || (from.isn() && segment.seq > *from.isn() + 1);
    if (from.state == TcpState::SynReceived && from.sent_synack && !from.accepted_syn_data && sent_data &&
        !handshake_acked_) {
        handshake_acked_ = true;
        annotation.notes |= note::handshake_ack_not_captured;
        apply(sender, EndpointEvent::ReceiveAckOfSyn, annotation);
    }
}

// 3.10.7.3 / 3.10.7.4 (fifth check): an acceptable ACK of a SYN covers the SYN and
// nothing its sender never sent; more than ISN + 1 only when the SYN carried data (TFO).
bool Conversation::acknowledges_syn(SeqNumber ack, const Endpoint &syn_sender)
{
    return ack >= *syn_sender.isn() + 1 && syn_sender.next_seq() && ack <= *syn_sender.next_seq();
}

// Decides the roles; returns the sockets by role (the ledger records them from the annotation).
SocketPair Conversation::start(const Segment &segment, Annotation &annotation)
{
    started_ = true;
    bool sender_is_server = false;
    FirstSegment first = FirstSegment::Other;
    if (segment.has(tcp_flag::syn) && !segment.has(tcp_flag::rst)) {
        sender_is_server = segment.has(tcp_flag::ack);
        first = sender_is_server ? FirstSegment::SynAck : FirstSegment::Syn;
    } else {
        sender_is_server = first_sender_is_server(segment.source.port, segment.destination.port);
        roles_guessed_ = true;
        annotation.notes |= note::midstream_start;
    }
    SocketPair sockets;
    sockets[client] = sender_is_server ? segment.destination : segment.source;
    sockets[server] = sender_is_server ? segment.source : segment.destination;

    // The states before any segment are no transition, so they start no path.
    const OpeningStates opening = opening_states(first);
    endpoints_[client].state = opening.client;
    endpoints_[server].state = opening.server;
    return sockets;
}

std::size_t Conversation::sender_of(const Segment &segment, const SocketPair &sockets)
{
    return segment.source.matches(sockets[client]) ? client : server;
}

// The only place an endpoint's state changes after start(), and only as the table says.
void Conversation::apply(std::size_t endpoint, EndpointEvent event, Annotation &annotation)
{
    Endpoint &target = endpoints_[endpoint];
    const Transition result = transition(target.state, event);
    if (!result.expected) {
        if (annotation.unexpected_events == 0) {
            annotation.unexpected_at = endpoint == client ? Role::Client : Role::Server;
            annotation.unexpected_state = target.state;
            annotation.unexpected_event = event;
        }
        bump(annotation.unexpected_events);
        bump(target.unexpected_events);
        return;
    }
    if (result.next == target.state && result.via_length == 0)
        return; // a row that stays on purpose
    StatePath &path = endpoint == client ? annotation.client_path : annotation.server_path;
    for (std::uint8_t i = 0; i < result.via_length; ++i)
        path.push(result.via[i]);
    path.push(result.next);
    target.state = result.next;
}

void Conversation::observe_reset(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    const std::size_t peer = 1 - sender;
    const Endpoint &from = endpoints_[sender];
    const Endpoint &to = endpoints_[peer];
    annotation.reset_in = from.state;
    annotation.number = segment.seq.raw();

    const bool answers_unacceptable = to.unacceptable_ack() && segment.seq == *to.unacceptable_ack();
    if (!from.isn() && to.isn() && !to.sent_synack)
        annotation.reset = ResetKind::RefusesSyn; // 3.10.7.1: a CLOSED port answers a SYN with RST
    else if (!from.isn() && to.sent_synack && answers_unacceptable)
        annotation.reset = ResetKind::RefusesSynAck; // 3.10.7.1: same for a SYN-ACK nobody asked for
    else if (from.state == TcpState::Closed && to.state == TcpState::Closed && from.segments != 0)
        annotation.reset = ResetKind::FromClosed; // 3.10.7.1: a CLOSED side answers whatever still arrives
    else if (answers_unacceptable)
        annotation.reset = ResetKind::AnswersUnacceptable; // 3.10.7.3-4: <SEQ=SEG.ACK><CTL=RST>, state kept
    else
        annotation.reset = ResetKind::Abort;

    const bool acceptable = reset_acceptable(peer, segment, annotation);
    if (!acceptable && (annotation.reset == ResetKind::Abort || annotation.reset == ResetKind::RefusesSyn))
        annotation.reset = ResetKind::OutOfWindow; // RFC 5961 3.2 / 3.10.7.3: a blind or stale reset
    if (acceptable && to.state == TcpState::TimeWait)
        annotation.notes |= note::rst_in_time_wait; // RFC 1337: 3.10.7.4 obeys it and cuts TIME-WAIT short
    if (annotation.reset != ResetKind::AnswersUnacceptable && annotation.reset != ResetKind::OutOfWindow)
        apply(sender, EndpointEvent::SendRst, annotation);
    if (acceptable)
        apply(peer, EndpointEvent::ReceiveRst, annotation);
}

bool Conversation::reset_acceptable(std::size_t receiver, const Segment &segment, Annotation &annotation) const
{
    const Endpoint &to = endpoints_[receiver];
    const Endpoint &from = endpoints_[1 - receiver];
    if (to.state == TcpState::SynSent) // 3.10.7.3: only if it acknowledges our SYN
        return segment.has(tcp_flag::ack) && to.isn() && acknowledges_syn(segment.ack, to);
    // RFC 5961 3.2: the RST must sit exactly at the receiver's next expected number,
    // which the observer places between what the receiver last acknowledged and
    // everything the sender has sent.
    if (to.highest_ack() && segment.seq == *to.highest_ack())
        return true;
    const bool below = to.highest_ack() && segment.seq < *to.highest_ack();
    const bool beyond = from.next_seq() && segment.seq > *from.next_seq();
    if (!below && !beyond)
        return true;
    annotation.expected_number = (to.highest_ack() ? *to.highest_ack() : *from.next_seq()).raw();
    return false;
}

void Conversation::observe_syn(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    const std::size_t peer = 1 - sender;
    Endpoint &from = endpoints_[sender];
    annotation.handshake_step = 1;
    annotation.expected_number = (segment.seq + 1).raw();
    const bool same_isn = from.isn() && *from.isn() == segment.seq;
    if (same_isn) {
        annotation.attempt = bump(from.syn_attempts); // 3.8.1: a retransmitted SYN repeats the ISN
        if (from.state != TcpState::Closed)
            return;
    } else {
        from.isn() = segment.seq;
        annotation.attempt = from.syn_attempts = 1;
        const Endpoint &to = endpoints_[peer];
        if (to.isn() && !to.sent_synack && to.state == TcpState::SynSent)
            annotation.notes |= note::simultaneous_open;
    }
    Endpoint &to = endpoints_[peer];
    if (to.sent_synack && to.state == TcpState::SynReceived && to.unacceptable_ack() &&
        *to.unacceptable_ack() == segment.seq + 1) {
        // The SYN-ACK captured before it answers exactly this SYN: the capture reordered them.
        annotation.notes |= note::syn_reordered;
        to.unacceptable_ack().reset();
        apply(sender, EndpointEvent::SendSyn, annotation);
        apply(sender, EndpointEvent::ReceiveSynAck, annotation);
        return;
    }
    // A new open, or the same SYN tried again after a RST refused it (Windows retries).
    apply(sender, EndpointEvent::SendSyn, annotation);
    apply(peer, EndpointEvent::ReceiveSyn, annotation);
}

void Conversation::observe_synack(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    const std::size_t peer = 1 - sender;
    Endpoint &from = endpoints_[sender];
    const Endpoint &to = endpoints_[peer];
    annotation.handshake_step = 2;
    annotation.number = segment.ack.raw();
    if (to.isn())
        annotation.expected_number = (*to.isn() + 1).raw();
    if (from.sent_synack && *from.isn() == segment.seq) {
        annotation.attempt = bump(from.synack_attempts);
        return;
    }
    from.isn() = segment.seq;
    from.sent_synack = true;
    annotation.attempt = from.synack_attempts = 1;
    apply(sender, EndpointEvent::SendSynAck, annotation);
    if (!to.isn()) {
        annotation.notes |= note::synack_before_syn;
        from.unacceptable_ack() = segment.ack; // 3.10.7.1: a closed port will answer RST
    } else if (!acknowledges_syn(segment.ack, to)) {
        annotation.notes |= note::handshake_ack_mismatch;
        from.unacceptable_ack() = segment.ack; // 3.10.7.3: the client will answer RST
    } else {
        from.unacceptable_ack().reset();
        from.accepted_syn_data = segment.ack > *to.isn() + 1;
        apply(peer, EndpointEvent::ReceiveSynAck, annotation);
    }
}

void Conversation::observe_handshake_ack(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    const std::size_t peer = 1 - sender;
    const Endpoint &to = endpoints_[peer];
    if (handshake_acked_ || !segment.has(tcp_flag::ack) || !to.sent_synack || endpoints_[sender].sent_synack)
        return;
    const SeqNumber expected = *to.isn() + 1;
    annotation.handshake_step = 3;
    annotation.attempt = 1;
    annotation.number = segment.ack.raw();
    annotation.expected_number = expected.raw();
    if (!acknowledges_syn(segment.ack, to)) {
        annotation.notes |= note::handshake_ack_mismatch;
        endpoints_[sender].unacceptable_ack() = segment.ack; // 3.10.7.4: the server will answer RST
        return;
    }
    handshake_acked_ = true;
    if (!endpoints_[sender].isn())
        annotation.notes |= note::syn_not_captured; // it acknowledges a SYN-ACK, so it had sent a SYN
    endpoints_[sender].unacceptable_ack().reset();
    apply(sender, EndpointEvent::SendHandshakeAck, annotation);
    apply(peer, EndpointEvent::ReceiveAckOfSyn, annotation);
}

bool Conversation::observe_ack_of_fin(std::size_t sender, const Segment &segment, bool new_fin, Annotation &annotation)
{
    const std::size_t peer = 1 - sender;
    Endpoint &to = endpoints_[peer];
    if (!segment.has(tcp_flag::ack) || !to.fin_seq() || to.fin_acked || segment.ack < *to.fin_seq() + 1)
        return false;
    to.fin_acked = true;
    annotation.number = segment.ack.raw();
    annotation.expected_number = (*to.fin_seq() + 1).raw();
    const unsigned step = first_closer_ == peer ? 2 : 4;
    if (!(step == 2 && new_fin)) // a new FIN makes this close steps 2 and 3 at once: observe_fin marks it
        annotation.close_steps |= step_bit(step);
    if (endpoints_[sender].fin_seq())
        annotation.notes |= note::time_wait; // 3.6: who acknowledges the last FIN after sending its own waits
    apply(peer, EndpointEvent::ReceiveAckOfFin, annotation);
    return true;
}

void Conversation::observe_fin(std::size_t sender, const Segment &segment, bool acked_peer_fin, Annotation &annotation)
{
    const std::size_t peer = 1 - sender;
    Endpoint &from = endpoints_[sender];
    const Endpoint &to = endpoints_[peer];
    if (from.fin_seq()) { // 3.10.7.4: a FIN is retransmitted with its original sequence number
        annotation.attempt = bump(from.fin_attempts);
        annotation.close_steps |= from.fin_close_steps;
        annotation.merged_close = from.fin_merged;
        return;
    }
    const SeqNumber fin = segment.seq + segment.payload_length;
    from.fin_seq() = fin;
    annotation.attempt = from.fin_attempts = 1;

    std::uint8_t steps = 0;
    if (first_closer_ == no_closer) { // 3.6 figure 12: the first FIN
        first_closer_ = static_cast<std::uint8_t>(sender);
        steps = step_bit(1);
        apply(sender, EndpointEvent::SendFin, annotation);
        apply(peer, EndpointEvent::ReceiveFin, annotation);
    } else if (to.fin_acked) { // 3.6 figure 12: the second FIN, after the first was acknowledged
        steps = step_bit(3);
        if (acked_peer_fin) {
            steps |= step_bit(2);
            from.fin_merged = annotation.merged_close = true;
        }
        apply(sender, EndpointEvent::SendFin, annotation);
        apply(peer, EndpointEvent::ReceiveFin, annotation);
    } else { // 3.6 figure 13: this FIN left before the peer's FIN arrived
        steps = step_bit(3);
        annotation.notes |= note::simultaneous_close;
        annotation.number = segment.ack.raw();
        annotation.expected_number = (*to.fin_seq() + 1).raw();
        apply(sender, EndpointEvent::SendCrossedFin, annotation);
        apply(peer, EndpointEvent::ReceiveFin, annotation);
    }
    from.fin_close_steps = steps;
    annotation.close_steps |= steps;

    // A capture taken off the path may show the peer's ACK of this FIN before the FIN.
    if (to.highest_ack() && *to.highest_ack() >= fin + 1) {
        from.fin_acked = true;
        apply(sender, EndpointEvent::FinAckedEarlier, annotation);
    }
}

void Conversation::observe_data(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    Endpoint &from = endpoints_[sender];
    if (segment.payload_length == 0 || from.sent_data)
        return;
    from.sent_data = true;
    // Once, when the second side first sends data: no state leads back to UNKNOWN, so
    // later data would have nothing left to tell.
    if (endpoints_[1 - sender].sent_data) {
        apply(client, EndpointEvent::BothSidesSentData, annotation);
        apply(server, EndpointEvent::BothSidesSentData, annotation);
    }
}

bool Conversation::repeats_step_ack(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    Endpoint &from = endpoints_[sender];
    const Endpoint &to = endpoints_[1 - sender];
    if (!from.last_step_ack() || !is_pure_ack(segment))
        return false;
    StepAck &last = *from.last_step_ack();
    if (segment.seq != last.seq || segment.ack != last.ack || segment.window != last.window)
        return false;
    // A keep-alive reply or a duplicate ACK answers new segments from the peer; a repeat
    // answers nothing new, or only the peer's own repeated SYN-ACK or FIN.
    if (to.first_sendings() != last.peer_first_sendings)
        return false;
    annotation.handshake_step = last.handshake_step;
    annotation.close_steps = last.close_steps;
    annotation.number = last.ack.raw();
    annotation.attempt = bump(last.attempts);
    annotation.notes |= note::repeated_step_ack;
    last.peer_first_sendings = to.first_sendings();
    return true;
}

// Zeek's rexmit_inconsistency: a segment at the sequence numbers of the sender's latest data
// segment must repeat its bytes (as far as PayloadDigest reads them) (3.10.7.4: a receiver keeps the first copy and drops the
// rest), so different bytes mean one copy was forged (an injection race) or corrupted.
// Only the latest segment is kept: an injected copy races the real one, and a
// retransmission of the tail follows it.
void Conversation::compare_with_last_data(std::size_t sender, const Segment &segment, Annotation &annotation)
{
    Endpoint &from = endpoints_[sender];
    if (segment.payload_length == 0 || segment.has(tcp_flag::rst))
        return;
    if (!segment.payload_digested) {
        from.last_data().reset();
        return;
    }
    if (from.last_data() && from.last_data()->seq == segment.seq) {
        const LastData &last = *from.last_data();
        const bool same_length = last.length == segment.payload_length;
        const bool both_long = last.length >= PayloadDigest::prefix_length &&
                               segment.payload_length >= PayloadDigest::prefix_length;
        if ((same_length && last.digest.ends != segment.payload_digest.ends) ||
            (both_long && last.digest.prefix != segment.payload_digest.prefix))
            annotation.notes |= note::rexmit_inconsistency;
    }
    from.last_data() = LastData{segment.seq, segment.payload_length, segment.payload_digest};
}

void Conversation::remember_step_ack(std::size_t sender, const Segment &segment, const Annotation &annotation)
{
    Endpoint &from = endpoints_[sender];
    if (annotation.has(note::repeated_step_ack))
        return;
    const bool step_ack = is_pure_ack(segment) && (annotation.handshake_step != 0 || annotation.close_steps != 0) &&
                          !annotation.has(note::handshake_ack_mismatch);
    if (!step_ack) {
        from.last_step_ack().reset();
        return;
    }
    const Endpoint &to = endpoints_[1 - sender];
    StepAck kept{};
    kept.seq = segment.seq;
    kept.ack = segment.ack;
    kept.peer_first_sendings = to.first_sendings();
    kept.window = segment.window;
    kept.handshake_step = annotation.handshake_step & 0x3u;
    kept.close_steps = annotation.close_steps & 0xfu;
    kept.attempts = 1;
    from.last_step_ack() = kept;
}

} // namespace tcplife
