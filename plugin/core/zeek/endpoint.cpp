#include "zeek/endpoint.hpp"

#include "zeek/sequence_space.hpp"

#include <limits>

namespace tcplife {

// init_endpoint: where an endpoint's sequence numbering starts, or starts again.
void ZeekEndpoint::init_from_segment(bool syn, std::uint32_t seq, std::uint32_t end)
{
    using S = ZeekEndpointState;
    switch (state) {
    case S::Inactive:
        if (syn)
            restart(seq, end);
        else
            restart(seq - 1, seq); // as though a SYN came just before; the first octet is no repeat
        break;
    case S::SynSent:
    case S::SynAckSent:
        if (syn && seq != start_seq) // SYN_seq_jump: the newer SYN counts
            restart(seq, end);
        break;
    case S::Established:
    case S::Partial:
        if (syn) // "this SYN will be the one that actually sets it up"
            restart(seq, end);
        break;
    case S::Reset:
        if (syn && prev_state == S::Inactive) // the RST that set the numbers may have been spoofed
            restart(seq, end);
        break;
    case S::Closed:
        break;
    }
}

// InitStartSeq + InitAckSeq + InitLastSeq; Zeek leaves the wrap counters as they are.
void ZeekEndpoint::restart(std::uint32_t start, std::uint32_t last)
{
    start_seq = start;
    ack_seq = start;
    last_seq = last;
}

// get_relative_seq: a sequence number relative to the endpoint's start, counting wraps
// of the 32-bit space. Below the start without a wrap, Zeek's signed result is
// converted to 64 bits unsigned, and the caller learns of the underflow.
std::uint64_t ZeekEndpoint::relative(std::uint32_t value, std::uint32_t last, unsigned wraps, bool &underflow) const
{
    const std::int32_t delta = seq_delta(value, last);
    if (delta < 0 && wraps != 0 && value > last)
        --wraps; // part of the previous 32-bit space
    else if (delta > 0 && value < last)
        ++wraps; // the space wrapped
    if (wraps == 0) {
        const std::int32_t from_start = seq_delta(value, start_seq);
        underflow = from_start < 0;
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(from_start));
    }
    return (static_cast<std::uint64_t>(wraps) << 32) + value - start_seq;
}

// UpdateLastSeq / UpdateAckSeq: a smaller number after a forward move means a wrap.
void ZeekEndpoint::advance_last(std::uint32_t end)
{
    if (end < last_seq && seq_wraps < std::numeric_limits<std::uint8_t>::max())
        ++seq_wraps;
    last_seq = end;
}

// update_ack_seq: only forward, and not to 0 from far away (more likely a broken ACK).
void ZeekEndpoint::advance_ack(std::uint32_t ack)
{
    const std::int32_t delta = seq_delta(ack, ack_seq);
    if (delta <= 0 || (ack == 0 && delta > too_large_seq_delta))
        return;
    if (ack < ack_seq && ack_wraps < std::numeric_limits<std::uint8_t>::max())
        ++ack_wraps;
    ack_seq = ack;
}

// TCP_Endpoint::NoDataAcked: the peer acknowledged at most the SYN.
bool ZeekEndpoint::no_data_acked() const
{
    const std::uint64_t acked = full_seq(ack_seq, ack_wraps);
    return acked == start_seq || acked == std::uint64_t{start_seq} + 1;
}

// TCP_Reassembler is_clean: content gaps count only in an established connection or
// one closing from ESTABLISHED; elsewhere they arise from RSTs or unseen starts.
bool ZeekEndpoint::cleanly_open() const
{
    return state == ZeekEndpointState::Established ||
           (state == ZeekEndpointState::Closed && prev_state == ZeekEndpointState::Established);
}

// Relative end of the data it sent: its highest sequence number, less the FIN's octet.
std::uint32_t ZeekEndpoint::held_data_end() const
{
    return last_seq - start_seq - (sent_fin ? 1u : 0u);
}

} // namespace tcplife
