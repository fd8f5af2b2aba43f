#include "text/describe.hpp"

#include "text/text.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace tcplife {

namespace {

Role peer_of(Role role)
{
    switch (role) {
    case Role::Client: return Role::Server;
    case Role::Server: return Role::Client;
    case Role::Unknown: return Role::Unknown;
    }
    return Role::Unknown;
}

// "client", or "client (guessed from ports)" while no handshake has told the roles.
const char *role_text(const Annotation &a, Role role)
{
    if (!a.roles_guessed)
        return role_name(role);
    return role == Role::Client ? "client (guessed from ports)" : "server (guessed from ports)";
}

// Appends printf-style text to a fixed buffer, truncating rather than overflowing.
class TextWriter {
public:
    TextWriter(char *buffer, std::size_t capacity) : buffer_(buffer), capacity_(capacity)
    {
        if (capacity_ != 0)
            buffer_[0] = '\0';
    }

    __attribute__((format(printf, 2, 3))) void add(const char *format, ...)
    {
        if (capacity_ == 0 || used_ + 1 >= capacity_)
            return;
        va_list args;
        va_start(args, format);
        const int written = std::vsnprintf(buffer_ + used_, capacity_ - used_, format, args);
        va_end(args);
        if (written > 0)
            used_ = std::min(capacity_ - 1, used_ + static_cast<std::size_t>(written));
    }

private:
    char *buffer_;
    std::size_t capacity_;
    std::size_t used_ = 0;
};

// A sequence or acknowledgement number as the packet list shows it: under Wireshark's
// tcp.relative_sequence_numbers relative to its side's base, with the raw number beside
// ("1 (raw 2731733082)"); otherwise raw.
struct NumberText {
    std::array<char, 32> chars{};
    const char *c_str() const { return chars.data(); }
};

class Numbers {
public:
    Numbers(bool relative, const LedgerFacts *facts, Role sender) : relative_(relative), facts_(facts), sender_(sender)
    {
    }

    NumberText in_sender_space(std::uint32_t raw) const { return text(raw, sender_); }
    NumberText in_peer_space(std::uint32_t raw) const { return text(raw, peer_of(sender_)); }

private:
    NumberText text(std::uint32_t raw, Role owner) const
    {
        NumberText out;
        const SideFacts *side = nullptr;
        if (relative_ && facts_ != nullptr && owner != Role::Unknown)
            side = &facts_->sides[owner == Role::Server ? 1 : 0];
        if (side != nullptr && side->has_sequence_base)
            std::snprintf(out.chars.data(), out.chars.size(), "%u (raw %u)",
                          static_cast<std::uint32_t>(raw - side->sequence_base.raw()), raw);
        else
            std::snprintf(out.chars.data(), out.chars.size(), "%u", raw);
        return out;
    }

    bool relative_;
    const LedgerFacts *facts_;
    Role sender_;
};

class MessageList {
public:
    MessageList(ExpertMessages &out, bool texts, const Numbers &numbers) : out_(out), texts_(texts), numbers_(numbers)
    {
    }
    explicit MessageList(ExpertMessages &out) : out_(out), texts_(true), numbers_(raw_numbers) {}

    // Formatted only for a text someone reads.
    NumberText sender_number(std::uint32_t raw) const { return texts_ ? numbers_.in_sender_space(raw) : NumberText{}; }
    NumberText peer_number(std::uint32_t raw) const { return texts_ ? numbers_.in_peer_space(raw) : NumberText{}; }

    // Starts a new message of this kind; its text is written through the returned writer,
    // which discards it once the list is full.
    TextWriter add(ExpertKind kind)
    {
        if (out_.count == out_.items.size())
            return TextWriter(nullptr, 0);
        ExpertMessage &message = out_.items[out_.count++];
        message.kind = kind;
        if (!texts_) {
            message.text[0] = '\0';
            return TextWriter(nullptr, 0);
        }
        return TextWriter(message.text.data(), message.text.size());
    }

private:
    static const Numbers raw_numbers;
    ExpertMessages &out_;
    bool texts_;
    const Numbers &numbers_;
};

const Numbers MessageList::raw_numbers{false, nullptr, Role::Unknown};

void describe_ack_mismatch(const Annotation &a, const char *segment_name, MessageList &messages)
{
    const char *peer = role_text(a, peer_of(a.sender));
    messages.add(ExpertKind::HandshakeAckMismatch)
        .add("Handshake step %u (%s): ack %s does not acknowledge the %s's SYN: expected %s ISN + 1 = %s, actual %s",
             a.handshake_step, segment_name, messages.peer_number(a.number).c_str(), peer, peer,
             messages.peer_number(a.expected_number).c_str(), messages.peer_number(a.number).c_str());
}

void describe_handshake(const Annotation &a, MessageList &messages)
{
    const char *sender = role_text(a, a.sender);
    const char *peer = role_text(a, peer_of(a.sender));
    const unsigned step = a.handshake_step;
    if (a.is_retransmission()) {
        static constexpr ExpertKind kinds[] = {ExpertKind::SynRetransmitted, ExpertKind::SynAckRetransmitted,
                                               ExpertKind::AckRetransmitted};
        static constexpr const char *what[] = {"the SYN is sent again with the same ISN",
                                               "the SYN-ACK is sent again: the ACK of step 3 has not arrived",
                                               "the same ACK again"};
        static constexpr const char *names[] = {"SYN", "SYN-ACK", "ACK"};
        messages.add(kinds[step - 1]).add("Handshake step %u (%s), attempt %u: %s", step, names[step - 1], a.attempt,
                                           what[step - 1]);
        return;
    }
    switch (step) {
    case 1:
        if (a.has(note::simultaneous_open)) {
            messages.add(ExpertKind::SimultaneousOpen)
                .add("Handshake step 1 (SYN) from the %s as well: simultaneous open, the two SYNs crossed "
                     "(ISN %u)",
                     sender, a.expected_number - 1);
        } else {
            messages.add(ExpertKind::HandshakeSyn)
                .add("Handshake step 1 (SYN): %s ISN %u, so the SYN-ACK must acknowledge %s", sender,
                     a.expected_number - 1, messages.sender_number(a.expected_number).c_str());
        }
        return;
    case 2:
        if (a.has(note::synack_before_syn)) {
            messages.add(ExpertKind::SynAckBeforeSyn)
                .add("Handshake step 2 (SYN-ACK) before any SYN from the %s: its SYN was not captured, comes later "
                     "in the capture (reordered), or nobody sent it (a spoofed SYN-ACK, backscatter); what the %s "
                     "does next tells",
                     peer, peer);
        } else if (a.has(note::handshake_ack_mismatch)) {
            describe_ack_mismatch(a, "SYN-ACK", messages);
        } else if (a.number == a.expected_number) {
            messages.add(ExpertKind::HandshakeSynAck)
                .add("Handshake step 2 (SYN-ACK): ack %s = %s ISN + 1 (a SYN takes one sequence number)",
                     messages.peer_number(a.number).c_str(), peer);
        } else {
            messages.add(ExpertKind::HandshakeSynAck)
                .add("Handshake step 2 (SYN-ACK): ack %s covers the %s's SYN (ISN + 1 = %s) and data sent with it "
                     "(TCP Fast Open) or before this SYN-ACK",
                     messages.peer_number(a.number).c_str(), peer, messages.peer_number(a.expected_number).c_str());
        }
        return;
    case 3:
        if (a.has(note::handshake_ack_mismatch)) {
            describe_ack_mismatch(a, "ACK", messages);
        } else if (a.number == a.expected_number) {
            messages.add(ExpertKind::HandshakeAck)
                .add("Handshake step 3 (ACK): ack %s = %s ISN + 1; the connection is ESTABLISHED",
                     messages.peer_number(a.number).c_str(), peer);
        } else {
            messages.add(ExpertKind::HandshakeAck)
                .add("Handshake step 3 (ACK): ack %s covers the %s's SYN (ISN + 1 = %s) and its first data; the "
                     "connection is ESTABLISHED",
                     messages.peer_number(a.number).c_str(), peer, messages.peer_number(a.expected_number).c_str());
        }
        return;
    default:
        return;
    }
}

void describe_ack_of_fin(const Annotation &a, unsigned step, const DescribeOptions &options, MessageList &messages)
{
    const char *sender = role_text(a, a.sender);
    const char *fin_owner = role_text(a, peer_of(a.sender));
    if (a.has(note::repeated_step_ack)) {
        messages.add(ExpertKind::AckRetransmitted).add("Close step %u (ACK), attempt %u: the same ACK again", step,
                                                        a.attempt);
    } else if (a.has(note::time_wait)) {
        messages.add(ExpertKind::TimeWait)
            .add("Close step %u (ACK): TIME_WAIT expected on the %s for %u s", step, sender,
                 options.time_wait_seconds);
    } else if (a.number == a.expected_number) {
        messages.add(ExpertKind::CloseAck)
            .add("Close step %u (ACK): ack %s = %s FIN + 1 (a FIN takes one sequence number)", step,
                 messages.peer_number(a.number).c_str(), fin_owner);
    } else {
        messages.add(ExpertKind::CloseAck)
            .add("Close step %u (ACK): ack %s covers the %s's FIN (FIN + 1 = %s)", step,
                 messages.peer_number(a.number).c_str(), fin_owner, messages.peer_number(a.expected_number).c_str());
    }
}

void describe_close(const Annotation &a, const DescribeOptions &options, MessageList &messages)
{
    const char *sender = role_text(a, a.sender);
    const char *peer = role_text(a, peer_of(a.sender));
    if (a.merged_close) {
        if (a.is_retransmission()) {
            messages.add(ExpertKind::FinRetransmitted)
                .add("FIN+ACK merged close (close steps 2 and 3 in one segment), attempt %u: the FIN is sent again",
                     a.attempt);
        } else {
            messages.add(ExpertKind::MergedClose)
                .add("FIN+ACK merged close (close steps 2 and 3 in one segment): the %s acknowledges the %s's FIN "
                     "(ack %s = FIN + 1) and closes at once",
                     sender, peer, messages.peer_number(a.number).c_str());
        }
        return;
    }
    for (unsigned step = 1; step <= 4; ++step) {
        if (!a.has_close_step(step))
            continue;
        if (step == 2 || step == 4) {
            describe_ack_of_fin(a, step, options, messages);
        } else if (a.is_retransmission()) {
            messages.add(ExpertKind::FinRetransmitted)
                .add("Close step %u (FIN) by %s, attempt %u: the FIN is sent again, not yet acknowledged", step,
                     sender, a.attempt);
        } else {
            messages.add(ExpertKind::CloseFin).add("Close step %u (FIN) by %s", step, sender);
        }
    }
    if (a.has(note::simultaneous_close)) {
        messages.add(ExpertKind::SimultaneousClose)
            .add("Simultaneous close: the %s's FIN does not acknowledge the %s's FIN (ack %s, FIN + 1 = %s): the "
                 "two FINs crossed, both sides went FIN_WAIT_1 then CLOSING",
                 sender, peer, messages.peer_number(a.number).c_str(), messages.peer_number(a.expected_number).c_str());
    }
}

void describe_reset(const Annotation &a, MessageList &messages)
{
    const char *sender = role_text(a, a.sender);
    const char *peer = role_text(a, peer_of(a.sender));
    const char *state = state_name(a.reset_in);
    const TcpState peer_after = a.sender == Role::Client ? a.server_after : a.client_after;
    switch (a.reset) {
    case ResetKind::None:
        return;
    case ResetKind::RefusesSyn:
        messages.add(ExpertKind::SynRejected)
            .add("Connection refused: the %s answers the SYN with RST, nobody listens on port %u", sender,
                 a.server_port);
        return;
    case ResetKind::RefusesSynAck:
        messages.add(ExpertKind::Reset)
            .add("Connection reset by %s: it never sent a SYN, so it refuses the SYN-ACK (spoofed SYN-ACK or "
                 "backscatter); the %s goes back to %s",
                 sender, peer, state_name(peer_after));
        return;
    case ResetKind::AnswersUnacceptable:
        messages.add(ExpertKind::Reset)
            .add("RST from the %s in %s, answering the %s's unacceptable ACK %s: the %s keeps its state "
                 "(RFC 9293 3.10.7.4)",
                 sender, state, peer, messages.sender_number(a.number).c_str(), sender);
        return;
    case ResetKind::FromClosed:
        messages.add(ExpertKind::ResetFromClosed)
            .add("RST from the %s, already CLOSED, answering the %s's segment after the connection ended "
                 "(RFC 9293 3.10.7.1): no state changes",
                 sender, peer);
        return;
    case ResetKind::OutOfWindow:
        if ((a.sender == Role::Server ? a.client_before : a.server_before) == TcpState::SynSent) {
            messages.add(ExpertKind::RstOutOfWindow)
                .add("RST from the %s ignored: it does not acknowledge the %s's SYN, and in SYN_SENT only a RST that "
                     "does may end the open (RFC 9293 3.10.7.3; a blind or stale reset)",
                     sender, peer);
            return;
        }
        messages.add(ExpertKind::RstOutOfWindow)
            .add("RST from the %s in %s is out of window (seq %s, the %s expects %s): ignored, as RFC 5961 asks (a "
                 "blind or stale reset)",
                 sender, state, messages.sender_number(a.number).c_str(), peer,
                 messages.sender_number(a.expected_number).c_str());
        return;
    case ResetKind::Abort:
        messages.add(ExpertKind::Reset).add("Connection reset by %s in %s", sender, state);
        return;
    }
}

const char *sender_state(const Annotation &a)
{
    return state_name(a.sender == Role::Server ? a.server_before : a.client_before);
}

void describe_anomaly_notes(const Annotation &a, const LedgerFacts *facts, MessageList &messages)
{
    const char *sender = role_text(a, a.sender);
    const char *peer = role_text(a, peer_of(a.sender));
    if (a.has(note::data_in_syn)) {
        messages.add(ExpertKind::DataInSyn)
            .add("The %s carries data: TCP Fast Open (RFC 7413); the data reaches the application at once only "
                 "if the peer accepts it",
                 a.handshake_step == 2 ? "SYN-ACK" : "SYN");
    }
    if (a.has(note::data_before_established)) {
        messages.add(ExpertKind::DataBeforeEstablished)
            .add("Data from the %s before its handshake completed (it is in %s): the receiver must queue it until "
                 "ESTABLISHED, or drop it",
                 sender, sender_state(a));
    }
    if (a.has(note::data_after_fin)) {
        messages.add(ExpertKind::DataAfterFin)
            .add("Data from the %s after its own FIN: it had closed its direction (RFC 9293 3.10.4), so this data "
                 "is beyond the end of its stream and the %s must not deliver it",
                 sender, peer);
    }
    if (a.has(note::segment_after_close)) {
        messages.add(ExpertKind::SegmentAfterClose)
            .add("Segment from the %s after its connection ended (it is CLOSED): a late or reordered segment, or a "
                 "side that missed the close; the %s answers such segments with RST",
                 sender, peer);
    }
    if (a.has(note::rst_in_time_wait)) {
        messages.add(ExpertKind::RstInTimeWait)
            .add("RST reaches the %s in TIME_WAIT: TIME-WAIT assassination (RFC 1337). Obeying it ends TIME_WAIT "
                 "early, so an old duplicate segment could corrupt a new connection on this 4-tuple",
                 peer);
    }
    if (a.has(note::reuse_in_time_wait)) {
        TextWriter text = messages.add(ExpertKind::ReuseInTimeWait);
        text.add("New SYN on a 4-tuple still in TIME_WAIT");
        if (facts != nullptr && facts->reused_stream_plus_one != 0)
            text.add(" (stream %u)", facts->reused_stream_plus_one - 1);
        text.add(": the port was reused before TIME_WAIT ended; the waiting side accepts it only with a higher ISN "
                 "or newer timestamps (RFC 9293 3.6.1, RFC 6191)");
    }
    if (a.has(note::window_scale_capped)) {
        TextWriter text = messages.add(ExpertKind::WindowScaleCapped);
        text.add("Window scale above %u in the %s's %s", max_window_shift, sender,
                 a.handshake_step == 2 ? "SYN-ACK" : "SYN");
        const TcpOptions *offered = facts != nullptr ? &facts->sides[a.sender == Role::Server ? 1 : 0].offered : nullptr;
        if (offered != nullptr && offered->window_scale_capped())
            text.add(" (shift %u)", offered->window_scale);
        text.add(": RFC 7323 2.3 says to use %u instead and log it, so tcplife shows and uses %u", max_window_shift,
                 max_window_shift);
    }
    if (a.has(note::rexmit_inconsistency)) {
        messages.add(ExpertKind::RexmitInconsistency)
            .add("Data from the %s at the sequence numbers of its previous segment, but different bytes: one copy "
                 "was injected (a forged segment racing the real one) or corrupted; the %s keeps the first to "
                 "arrive (Zeek: rexmit_inconsistency)",
                 sender, peer);
    }
    if (a.has(note::syn_reordered)) {
        messages.add(ExpertKind::SynReordered)
            .add("SYN captured after the SYN-ACK that answers it (that SYN-ACK acknowledges this ISN + 1): the "
                 "capture reordered them (two capture queues, merged captures, a mirror port), so the SYN-ACK "
                 "was solicited");
    }
    if (a.has(note::syn_not_captured)) {
        messages.add(ExpertKind::SynNotCaptured)
            .add("The %s acknowledges the %s's SYN-ACK, so it had sent a SYN, which the capture lacks (only a side "
                 "in SYN_SENT accepts a SYN-ACK, RFC 9293 3.10.7.3)",
                 sender, peer);
    }
    if (a.has(note::synack_not_captured)) {
        const TcpState sender_before = a.sender == Role::Client ? a.client_before : a.server_before;
        if (sender_before == TcpState::SynSent) {
            messages.add(ExpertKind::SynAckNotCaptured)
                .add("SYN-ACK not captured: the %s in SYN_SENT acknowledges nothing until a SYN-ACK arrives "
                     "(RFC 9293 3.10.7.3), so this ACK proves the %s's SYN-ACK; both sides go on from it",
                     sender, peer);
        } else {
            messages.add(ExpertKind::SynAckNotCaptured)
                .add("SYN-ACK not captured: the %s acknowledges the %s's SYN, which a listener does only in its "
                     "SYN-ACK (RFC 9293 3.10.7.2), so it had sent one",
                     sender, peer);
        }
    }
    if (a.has(note::handshake_ack_not_captured)) {
        messages.add(ExpertKind::HandshakeAckNotCaptured)
            .add("Handshake ACK not captured: the %s sends data (or sent some not captured), which it does only "
                 "once the %s's ACK of its SYN-ACK made it ESTABLISHED (RFC 9293 3.10.7.4)",
                 sender, peer);
    }
    if (a.has(note::time_backwards)) {
        messages.add(ExpertKind::TimeBackwards)
            .add("Capture time goes backwards: this segment is timestamped before the previous segment of its "
                 "conversation (a clock stepped back, or captures merged out of order); tcplife counts the time "
                 "between them as zero");
    }
}

} // namespace

const char *sender_text(const Annotation &annotation) { return role_text(annotation, annotation.sender); }

ExpertMessages describe_end_of_capture(const Verdict &verdict, const LedgerFacts &facts)
{
    ExpertMessages out;
    MessageList messages(out);
    if (verdict.end_of_capture.has(Anomaly::SynUnanswered)) {
        messages.add(ExpertKind::SynUnanswered)
            .add("SYN never answered: %u attempt%s, and no SYN-ACK or RST came back by the end of the capture (host "
                 "down, a firewall dropping it, or the answer took another path)",
                 facts.syn_retransmissions + 1, facts.syn_retransmissions == 0 ? "" : "s");
    }
    if (verdict.end_of_capture.has(Anomaly::UnsolicitedSynAck)) {
        messages.add(ExpertKind::UnsolicitedSynAck)
            .add("SYN-ACK without a SYN: by the end of the capture no SYN from the client matched it and the client "
                 "never acknowledged it (a spoofed SYN-ACK, backscatter from a flood with forged sources, or a SYN "
                 "and all that followed it not captured)");
    }
    if (verdict.end_of_capture.has(Anomaly::CloseWaitAtEnd)) {
        const bool both = verdict.close_wait == Party::Both;
        messages.add(ExpertKind::CloseWaitAtEnd)
            .add("The %s received a FIN but never closed %s side: still CLOSE_WAIT at the end of the capture (the "
                 "application has not called close(): a classic socket leak, or the capture stopped too soon)",
                 both ? "client and the server" : party_name(verdict.close_wait), both ? "their" : "its");
    }
    if (verdict.end_of_capture.has(Anomaly::HalfOpen)) {
        const Party talker = verdict.vanished == Party::Client ? Party::Server : Party::Client;
        const SideFacts &side = talker == Party::Client ? facts.client() : facts.server();
        messages.add(ExpertKind::HalfOpen)
            .add("Half-open: the %s's last %u retransmissions went unanswered to the end of the capture; the %s "
                 "vanished (crashed, rebooted or lost its route) and the connection is open on one side only",
                 party_name(talker), side.unanswered_retransmissions, party_name(verdict.vanished));
    }
    return out;
}

ExpertMessages describe(const Annotation &annotation, const DescribeOptions &options, const LedgerFacts *facts)
{
    ExpertMessages out;
    const Numbers numbers{options.relative_numbers, facts, annotation.sender};
    MessageList messages(out, options.texts, numbers);
    if (annotation.has(note::midstream_start)) {
        messages.add(ExpertKind::MidstreamStart)
            .add("Capture began mid-stream: no handshake seen, so the roles are guessed from the ports (server on "
                 "port %u) and both states are UNKNOWN until a segment shows them",
                 annotation.server_port);
    }
    if (annotation.handshake_step != 0)
        describe_handshake(annotation, messages);
    if (annotation.close_steps != 0)
        describe_close(annotation, options, messages);
    describe_reset(annotation, messages);
    describe_anomaly_notes(annotation, facts, messages);
    if (annotation.unexpected_events != 0) {
        messages.add(ExpertKind::UnexpectedEvent)
            .add("tcplife's state model did not expect this segment: %s (the %s, in %s) leaves its state as it "
                 "was (%u event%s of this segment unexplained); the capture may lack a segment, or the model a row",
                 event_name(annotation.unexpected_event), role_name(annotation.unexpected_at),
                 state_name(annotation.unexpected_state), annotation.unexpected_events,
                 annotation.unexpected_events == 1 ? "" : "s");
    }
    return out;
}

std::array<char, 64> info_marks(const Annotation &a)
{
    std::array<char, 64> out{};
    if (!is_explained(a))
        return out;
    TextBuilder marks;
    const bool repeated_ack = a.has(note::repeated_step_ack);
    // " #2" after the mark of a repeated step
    auto attempt = [&marks, &a](bool repeated) {
        if (repeated)
            marks.add(" #").add_uint(a.attempt);
    };

    if (a.has(note::midstream_start))
        marks.add(" [MID-STREAM]");
    if (a.handshake_step != 0) {
        marks.add(" [HS ").add_uint(a.handshake_step).add("/3");
        attempt(a.is_retransmission());
        marks.add_char(']');
    }
    if (a.merged_close) {
        marks.add(" [FIN+ACK 2+3/4");
        attempt(a.is_retransmission());
        marks.add_char(']');
    } else {
        for (unsigned step = 1; step <= 4; ++step) {
            if (!a.has_close_step(step))
                continue;
            const bool fin_step = step % 2 == 1;
            // A retransmitted FIN may carry a new ACK: the repeat mark belongs to the FIN.
            marks.add(fin_step ? " [FIN " : " [ACK ").add_uint(step).add("/4");
            attempt(fin_step ? a.is_retransmission() : repeated_ack && a.is_retransmission());
            marks.add_char(']');
        }
    }
    if (a.has(note::simultaneous_open) || a.has(note::simultaneous_close))
        marks.add(" [SIMULTANEOUS]");
    if (a.has(note::time_wait) && !repeated_ack)
        marks.add(" [TIME_WAIT]");
    switch (a.reset) {
    case ResetKind::None: break;
    case ResetKind::RefusesSyn: marks.add(" [REFUSED]"); break;
    case ResetKind::OutOfWindow: marks.add(" [RST ignored]"); break;
    case ResetKind::Abort:
    case ResetKind::RefusesSynAck:
    case ResetKind::AnswersUnacceptable:
    case ResetKind::FromClosed: marks.add(" [RST]"); break;
    }
    const std::size_t length = marks.size() < out.size() - 1 ? marks.size() : out.size() - 1;
    std::memcpy(out.data(), marks.c_str(), length);
    return out;
}

} // namespace tcplife
