// The G/g letter: data the peer acknowledged that was never seen. Zeek's reassembler
// (TCP_Reassembler) decides it; this keeps only what that decision needs.
#include "zeek/zeek_conn.hpp"

#include "zeek/sequence_space.hpp"

namespace tcplife {

// peer->AckReceived -> TCP_Reassembler::AckReceived/Undelivered: acknowledged data that
// was never seen is a content gap (G) of the acknowledged endpoint.
void ZeekConnection::ack_received(std::size_t endpoint, std::uint64_t rel_ack)
{
    ZeekEndpoint &acked = endpoints_[endpoint];
    std::uint32_t up_to = low32(rel_ack);
    if (acked.sent_fin) { // an ACK of the FIN counts only up to the data before it
        const std::uint32_t fin_end = acked.last_seq - acked.start_seq;
        if (!rel_before(up_to, fin_end))
            up_to = fin_end - 1;
    }
    if (!rel_after(up_to, acked.delivered_to))
        return;
    // A partial connection's numbering was faked from its first segment; a first ACK one
    // or two octets beyond it (a keep-alive) is no gap.
    if (up_to <= 2 && is_partial_)
        return;
    if (acked.held_from != 0 && rel_before(acked.held_from, up_to)) {
        count_gap(endpoint, acked.held_from - acked.delivered_to); // the hole below the held data
        acked.delivered_to = acked.held_from;
        deliver_held(acked);
    }
    if (rel_after(up_to, acked.delivered_to)) {
        count_gap(endpoint, up_to - acked.delivered_to);
        acked.delivered_to = up_to;
        deliver_held(acked); // held data starting right at the ACK is contiguous now
    }
}

// The held run joins the contiguous data once nothing is missing below it.
void ZeekConnection::deliver_held(ZeekEndpoint &endpoint)
{
    if (endpoint.held_from == 0 || rel_after(endpoint.held_from, endpoint.delivered_to))
        return;
    const std::uint32_t held_end = endpoint.held_data_end();
    if (rel_after(held_end, endpoint.delivered_to))
        endpoint.delivered_to = held_end;
    endpoint.held_from = 0;
}

// TCP_Endpoint::DataSent -> TCP_Reassembler::DataSent/NewBlock, reduced to what G needs:
// how far the data is contiguous, and where a run held above a hole begins. Runs above
// several holes are held as one, from the lowest to the endpoint's highest octet.
void ZeekConnection::data_sent(std::size_t sender, std::uint64_t rel_data_seq, std::uint32_t length)
{
    ZeekEndpoint &from = endpoints_[sender];
    std::uint32_t begin = low32(rel_data_seq);
    const std::uint32_t end = begin + length;
    const std::uint32_t acked = from.ack_seq - from.start_seq;
    if (rel_before(begin, acked)) { // the peer already acknowledged part of it
        if (!rel_after(end, acked))
            return;
        begin = acked;
    }
    if (!rel_after(end, from.delivered_to))
        return; // nothing new
    if (rel_after(begin, from.delivered_to)) {
        if (from.held_from == 0 || rel_before(begin, from.held_from))
            from.held_from = begin;
        return;
    }
    from.delivered_to = end;
    deliver_held(from); // the hole may be filled
}

// TCP_Reassembler::Gap: the letter, and the content_gap event that conn/main.zeek adds
// to missed_bytes, only while both endpoints are cleanly open.
void ZeekConnection::count_gap(std::size_t endpoint, std::uint32_t length)
{
    ZeekEndpoint &acked = endpoints_[endpoint];
    if (!acked.cleanly_open() || !endpoints_[1 - endpoint].cleanly_open())
        return;
    RareEvents &rare = rare_.get();
    count_event(endpoint, rare.gaps[endpoint], 'G');
    rare.missed_bytes += length;
}

} // namespace tcplife
