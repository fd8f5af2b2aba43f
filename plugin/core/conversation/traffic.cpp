#include "conversation/traffic.hpp"

#include "conversation/capture_time.hpp"

namespace tcplife {
namespace {

std::size_t side_index(Role role) { return role == Role::Server ? 1 : 0; }

void add_sample(RttSamples &samples, std::int64_t rtt_ns)
{
    if (samples.count == 0 || rtt_ns < samples.min_ns)
        samples.min_ns = rtt_ns;
    if (samples.count == 0 || rtt_ns > samples.max_ns)
        samples.max_ns = rtt_ns;
    samples.sum_ns = saturating_add(samples.sum_ns, rtt_ns);
    ++samples.count;
}

} // namespace

void Traffic::record(const Segment &segment, const Annotation &annotation)
{
    const std::size_t sender = side_index(annotation.sender);
    DirectionCounters &from = sides_[sender];
    const SegmentAnalysis &analysis = segment.analysis;
    if (analysis.ip_bytes != 0)
        from.ip_bytes += analysis.ip_bytes;
    else
        ++from.ip_unknown;
    if (analysis.sack_blocks != 0)
        ++from.sack_segments;
    if (application_protocol_ == nullptr)
        application_protocol_ = analysis.application_protocol;
    if (!analysis.has(analysis_flag::analysed))
        return;
    analysed_ = true;
    if (analysis.has(analysis_flag::retransmission)) {
        ++from.retransmissions;
        from.retransmitted_bytes += segment.payload_length;
    }
    if (analysis.has(analysis_flag::out_of_order))
        ++from.out_of_order;
    if (analysis.has(analysis_flag::duplicate_ack))
        ++from.duplicate_acks;
    if (analysis.has(analysis_flag::zero_window))
        ++from.zero_windows;
    // The handshake's own round trips are the iRTT's; an ACK's RTT belongs to the data
    // it acknowledges, which the peer sent. A negative one (the capture's clock went
    // backwards) measures nothing.
    if (analysis.ack_rtt_ns >= 0 && annotation.handshake_step == 0 && !segment.has(tcp_flag::syn))
        add_sample(sides_[1 - sender].rtt, analysis.ack_rtt_ns);
}

std::uint64_t throughput_bits_per_second(std::uint64_t bytes, std::int64_t duration_ns)
{
    if (duration_ns <= 0)
        return 0;
    // bytes * 8 * 1e9 / ns, in long double so that neither a large byte count nor a
    // short duration overflows.
    const long double bits = static_cast<long double>(bytes) * 8.0L * ns_per_second;
    return static_cast<std::uint64_t>(bits / static_cast<long double>(duration_ns) + 0.5L);
}

} // namespace tcplife
