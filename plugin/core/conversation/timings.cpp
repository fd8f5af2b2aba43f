#include "conversation/timings.hpp"

namespace tcplife {

Timings timings(const LedgerFacts &f)
{
    Timings t;
    t.has_syn_synack = f.synack.seen() && f.has_syn_answered;
    t.has_synack_ack = f.handshake_ack.seen() && f.has_synack_answered;
    if (t.has_syn_synack)
        t.syn_synack = elapsed_ns(f.syn_answered_ns, f.synack.time_ns);
    if (t.has_synack_ack)
        t.synack_ack = elapsed_ns(f.synack_answered_ns, f.handshake_ack.time_ns);
    t.has_handshake_time = f.syn.seen() && f.handshake_ack.seen();
    if (t.has_handshake_time)
        t.handshake_time = elapsed_ns(f.syn.time_ns, f.handshake_ack.time_ns);
    t.duration = elapsed_ns(f.earliest_ns, f.latest_ns);
    t.has_close_duration = f.has_close_done && f.first_fin.seen();
    if (t.has_close_duration)
        t.close_duration = elapsed_ns(f.first_fin.time_ns, f.close_done_ns);
    return t;
}

} // namespace tcplife
