#include "conversation/verdict.hpp"

namespace tcplife {
namespace {

// Two unanswered retransmissions in a row: one can be a lost ACK, two mean silence.
constexpr std::uint32_t vanished_after_retransmissions = 2;

Party party_of(Role role)
{
    switch (role) {
    case Role::Client: return Party::Client;
    case Role::Server: return Party::Server;
    case Role::Unknown: return Party::None;
    }
    return Party::None;
}

Party parties(bool client, bool server)
{
    if (client && server)
        return Party::Both;
    if (client)
        return Party::Client;
    return server ? Party::Server : Party::None;
}

HandshakeVerdict judge_handshake(const LedgerFacts &f)
{
    if (f.midstream)
        return HandshakeVerdict::NotSeen;
    if (f.simultaneous_open)
        return HandshakeVerdict::SimultaneousOpen;
    if (f.handshake_ack.seen() || f.handshake_ack_inferred)
        return HandshakeVerdict::Complete;
    // The latest attempt decides: a refused SYN tried again is no refusal (yet).
    if (f.refusal_frame != 0 && f.refusal_frame > f.latest_syn_frame)
        return HandshakeVerdict::Rejected;
    if (f.unsolicited_synack && !f.syn.seen())
        return HandshakeVerdict::Unsolicited;
    if (f.synack.seen() || f.synack_inferred)
        return HandshakeVerdict::NoFinalAck;
    if (f.syn.seen())
        return HandshakeVerdict::Unanswered;
    return HandshakeVerdict::NotSeen;
}

CloseVerdict judge_close(const LedgerFacts &f)
{
    if (!f.ever_open)
        return CloseVerdict::None;
    const bool client_fin = f.client().sent_fin;
    const bool server_fin = f.server().sent_fin;
    if (client_fin && server_fin) {
        if (f.simultaneous_close)
            return CloseVerdict::Simultaneous;
        return f.merged_close ? CloseVerdict::ThreeWay : CloseVerdict::FourWay;
    }
    if (f.aborted)
        return CloseVerdict::Reset; // a RST before both FINs: after them it changes nothing (Zeek: SF)
    if (client_fin || server_fin)
        return CloseVerdict::HalfClosed;
    return CloseVerdict::Open;
}

Party judge_initiator(const LedgerFacts &f, CloseVerdict close)
{
    switch (close) {
    case CloseVerdict::Simultaneous: return Party::Both;
    case CloseVerdict::Reset: return f.first_fin.seen() ? party_of(f.first_closer) : party_of(f.reset_by);
    case CloseVerdict::FourWay:
    case CloseVerdict::ThreeWay:
    case CloseVerdict::HalfClosed: return party_of(f.first_closer);
    case CloseVerdict::Open:
    case CloseVerdict::None: return Party::None;
    }
    return Party::None;
}

} // namespace

Verdict judge(const LedgerFacts &f)
{
    Verdict v;
    v.handshake = judge_handshake(f);
    v.close = judge_close(f);
    v.initiator = judge_initiator(f, v.close);
    // A SYN after the RST started the connection over: that RST is history.
    const bool reset_current = f.reset_frame != 0 && f.reset_frame > f.latest_syn_frame;
    v.reset_by = reset_current ? party_of(f.reset_by) : Party::None;
    v.time_wait = parties(f.client().state == TcpState::TimeWait, f.server().state == TcpState::TimeWait);

    // A client that reset its own SYN gave up; nobody failed to answer it.
    if (v.handshake == HandshakeVerdict::Unanswered && !(reset_current && f.reset_by == Role::Client))
        v.end_of_capture.add(Anomaly::SynUnanswered);
    if (f.unsolicited_synack)
        v.end_of_capture.add(Anomaly::UnsolicitedSynAck);
    v.close_wait = parties(f.client().state == TcpState::CloseWait, f.server().state == TcpState::CloseWait);
    if (v.close_wait != Party::None)
        v.end_of_capture.add(Anomaly::CloseWaitAtEnd);
    if (v.close == CloseVerdict::Open || v.close == CloseVerdict::HalfClosed) {
        v.vanished = parties(f.server().unanswered_retransmissions >= vanished_after_retransmissions,
                             f.client().unanswered_retransmissions >= vanished_after_retransmissions);
        if (v.vanished != Party::None)
            v.end_of_capture.add(Anomaly::HalfOpen);
    }
    return v;
}

namespace {

OptionOffer both_offer(bool client, bool server) { return {client, server, client && server}; }

} // namespace

Negotiation negotiate(const LedgerFacts &f)
{
    const SideFacts &client = f.client();
    const SideFacts &server = f.server();
    Negotiation n;
    // A SYN whose options the snaplen cut offered something nobody saw.
    n.known = (client.sent_syn || server.sent_syn) && !client.offered.cut && !server.offered.cut;
    n.window_scaling = both_offer(client.offered.has_window_scale, server.offered.has_window_scale);
    n.sack = both_offer(client.offered.sack_permitted, server.offered.sack_permitted);
    n.timestamps = both_offer(client.offered.timestamps, server.offered.timestamps);
    // An ECN-setup SYN carries ECE and CWR; an ECN-setup SYN-ACK carries ECE alone.
    constexpr std::uint16_t ece_cwr = tcp_flag::ece | tcp_flag::cwr;
    n.ecn = both_offer((client.syn_flags & ece_cwr) == ece_cwr, (server.syn_flags & ece_cwr) == tcp_flag::ece);
    // The server takes part in TFO by returning a cookie or by acknowledging the SYN's data.
    n.fast_open = both_offer(client.offered.fast_open, server.offered.fast_open || f.synack_acked_syn_data);
    return n;
}

const char *handshake_verdict_name(HandshakeVerdict verdict)
{
    switch (verdict) {
    case HandshakeVerdict::Complete: return "complete";
    case HandshakeVerdict::Unanswered: return "unanswered";
    case HandshakeVerdict::Rejected: return "rejected";
    case HandshakeVerdict::NoFinalAck: return "no-final-ack";
    case HandshakeVerdict::SimultaneousOpen: return "simultaneous-open";
    case HandshakeVerdict::Unsolicited: return "unsolicited";
    case HandshakeVerdict::NotSeen: return "not-seen";
    }
    return "not-seen";
}

const char *close_verdict_name(CloseVerdict verdict)
{
    switch (verdict) {
    case CloseVerdict::FourWay: return "four-way";
    case CloseVerdict::ThreeWay: return "three-way";
    case CloseVerdict::Simultaneous: return "simultaneous";
    case CloseVerdict::Reset: return "reset";
    case CloseVerdict::HalfClosed: return "half-closed";
    case CloseVerdict::Open: return "open";
    case CloseVerdict::None: return "none";
    }
    return "none";
}

const char *party_name(Party party)
{
    switch (party) {
    case Party::None: return "none";
    case Party::Client: return "client";
    case Party::Server: return "server";
    case Party::Both: return "both";
    }
    return "none";
}

} // namespace tcplife
