#include "text/ladder_labels.hpp"

#include "tcp/segment.hpp"
#include "text/ladder_text.hpp"
#include "text/tls_text.hpp"

namespace tcplife::ladder {
namespace {

std::string close_steps_text(const Annotation &a)
{
    if (a.merged_close)
        return "FIN+ACK merged (close 2+3/4)";
    std::string text = "close ";
    for (unsigned step = 1; step <= 4; ++step) {
        if (!a.has_close_step(step))
            continue;
        if (text.back() != ' ')
            text += '+';
        text += static_cast<char>('0' + step);
    }
    return text + "/4";
}

std::string reset_text(const Annotation &a)
{
    const TcpState receiver_before = a.sender == Role::Server ? a.client_before : a.server_before;
    switch (a.reset) {
    case ResetKind::None: return "";
    case ResetKind::Abort: return std::string("RST: connection reset by ") + role_name(a.sender);
    case ResetKind::RefusesSyn: return "RST: connection refused";
    case ResetKind::RefusesSynAck: return "RST: refuses the unasked SYN-ACK";
    case ResetKind::AnswersUnacceptable: return "RST answers an unacceptable ACK";
    case ResetKind::FromClosed: return "RST from a closed side";
    case ResetKind::OutOfWindow:
        // RFC 9293 3.10.7.3: in SYN_SENT only a RST acknowledging the SYN counts.
        return receiver_before == TcpState::SynSent ? "RST ignored: does not ack the SYN"
                                                     : "RST ignored: out of window";
    }
    return "";
}

} // namespace

std::string flags_text(std::uint16_t flags)
{
    static constexpr struct {
        std::uint16_t bit;
        const char *name;
    } names[] = {{tcp_flag::fin, "FIN"}, {tcp_flag::syn, "SYN"}, {tcp_flag::rst, "RST"},
                 {tcp_flag::psh, "PSH"}, {tcp_flag::ack, "ACK"}, {0x20, "URG"},
                 {tcp_flag::ece, "ECE"}, {tcp_flag::cwr, "CWR"}, {0x100, "AE"}};
    std::string text;
    for (const auto &flag : names) {
        if ((flags & flag.bit) == 0)
            continue;
        if (!text.empty())
            text += ',';
        text += flag.name;
    }
    return text.empty() ? "<None>" : text;
}

std::vector<std::string> step_labels(const Annotation &a)
{
    std::vector<std::string> items;
    const bool repeated_ack = a.has(note::repeated_step_ack);
    if (a.sender == Role::Unknown)
        items.emplace_back("sender unknown (raw seq/ack)");
    if (a.has(note::midstream_start))
        items.emplace_back("capture began mid-stream");
    // A repeat keeps its step (README: tcplife.retransmission), so it is worded on the step.
    const std::string again = a.is_retransmission() ? " again (attempt " + std::to_string(a.attempt) + ")" : "";
    if (a.handshake_step != 0)
        items.push_back("handshake " + std::to_string(a.handshake_step) + "/3" + again);
    if (a.close_steps != 0)
        items.push_back(close_steps_text(a) + (a.handshake_step == 0 ? again : ""));
    if (a.has(note::simultaneous_open))
        items.emplace_back("simultaneous open");
    if (a.has(note::rexmit_inconsistency))
        items.emplace_back("different data, same seq");
    if (a.has(note::synack_before_syn))
        items.emplace_back("no SYN seen yet");
    if (a.has(note::syn_reordered))
        items.emplace_back("captured after its SYN-ACK");
    if (a.has(note::syn_not_captured))
        items.emplace_back("its SYN not captured");
    if (a.has(note::synack_not_captured))
        items.emplace_back("SYN-ACK not captured");
    if (a.has(note::handshake_ack_not_captured))
        items.emplace_back("handshake ACK not captured");
    if (a.has(note::handshake_ack_mismatch))
        items.emplace_back("ack is not the peer's ISN + 1");
    if (a.has(note::simultaneous_close))
        items.emplace_back("simultaneous close");
    if (a.has(note::time_wait) && !repeated_ack) {
        // After a simultaneous close the first of the last two ACKs leaves its sender in
        // CLOSING: its TIME_WAIT comes with the peer's ACK.
        const TcpState sender_after = a.sender == Role::Server ? a.server_after : a.client_after;
        items.push_back(sender_after == TcpState::TimeWait ? std::string(role_name(a.sender)) + " in TIME_WAIT"
                                                           : std::string("TIME_WAIT expected on the ") +
                                                                 role_name(a.sender));
    }
    if (a.reset != ResetKind::None)
        items.push_back(reset_text(a));
    if (a.has(note::data_in_syn))
        items.emplace_back(a.handshake_step == 2 ? "data in the SYN-ACK (TFO)" : "data in the SYN (TFO)");
    if (a.has(note::data_before_established))
        items.emplace_back("data before ESTABLISHED");
    if (a.has(note::data_after_fin))
        items.emplace_back("data after its own FIN");
    if (a.has(note::segment_after_close))
        items.emplace_back("sent after its side CLOSED");
    if (a.has(note::rst_in_time_wait))
        items.emplace_back("TIME_WAIT assassinated (RFC 1337)");
    if (a.has(note::reuse_in_time_wait))
        items.emplace_back("4-tuple reused in TIME_WAIT");
    if (a.has(note::window_scale_capped))
        items.emplace_back("window scale capped at 14");
    if (a.has(note::time_backwards))
        items.emplace_back("capture time goes backwards");
    return items;
}

std::vector<std::string> tls_step_labels(const TlsStep &step)
{
    std::vector<std::string> items;
    if (step.step == 0)
        return items;
    for (const char *name : tls_message_names(step))
        items.emplace_back(name);
    items.front() = "TLS " + std::to_string(step.step) + '/' + std::to_string(step.steps_expected) + ": " +
                    items.front();
    if (step.ends_handshake)
        items.emplace_back(step.phase_after == TlsPhase::Failed ? "TLS handshake failed" : "TLS handshake complete");
    return items;
}

std::string tls_title(const TlsFacts &facts, const TlsTimes &times)
{
    std::string text = "TLS: ";
    if (facts.version != 0)
        text += std::string(tls_version_name(facts.version)) + ' ';
    text += tls_outcome_name(facts.outcome);
    if (facts.outcome == TlsOutcome::Alert && !facts.alert_name.empty())
        text += std::string(" (") + facts.alert_name.text.data() + ')';
    text += ", " + std::to_string(facts.steps) + (facts.steps == 1 ? " step" : " steps");
    if (times.ended)
        text += " in " + seconds_text(times.handshake_ns) + " s";
    if (times.has_after_tcp)
        text += " (" + seconds_text(times.after_tcp_ns) + " s after TCP's handshake)";
    return text;
}

} // namespace tcplife::ladder
