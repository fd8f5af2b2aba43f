#include "conversation/traffic.hpp"

#include "conversation/capture_time.hpp"

namespace tcplife {
namespace {

std::size_t side_index(Role role) { return role == Role::Server ? 1 : 0; }

} // namespace

void Traffic::add_rtt_sample(std::size_t side, std::int64_t rtt_ns)
{
    Common &samples = common_[side];
    if (samples.rtt_count == 0 || rtt_ns < samples.rtt_min_ns)
        samples.rtt_min_ns = rtt_ns;
    if (samples.rtt_count == 0 || rtt_ns > samples.rtt_max_ns)
        samples.rtt_max_ns = rtt_ns;
    samples.rtt_sum_ns = saturating_add(samples.rtt_sum_ns, rtt_ns);
    ++samples.rtt_count;
}

void Traffic::record(const Segment &segment, const Annotation &annotation)
{
    const std::size_t sender = side_index(annotation.sender);
    const SegmentAnalysis &analysis = segment.analysis;
    if (analysis.ip_bytes != 0)
        common_[sender].ip_bytes += analysis.ip_bytes;
    else
        ++rare(sender).ip_unknown;
    if (analysis.sack_blocks != 0)
        ++rare(sender).sack_segments;
    if (application_protocol_ == nullptr)
        application_protocol_ = analysis.application_protocol;
    if (!analysis.has(analysis_flag::analysed))
        return;
    analysed_ = true;
    if (analysis.has(analysis_flag::retransmission)) {
        Rare &from = rare(sender);
        ++from.retransmissions;
        from.retransmitted_bytes += segment.payload_length;
    }
    if (analysis.has(analysis_flag::out_of_order))
        ++rare(sender).out_of_order;
    if (analysis.has(analysis_flag::duplicate_ack))
        ++rare(sender).duplicate_acks;
    if (analysis.has(analysis_flag::zero_window))
        ++rare(sender).zero_windows;
    // The handshake's own round trips are the iRTT's; an ACK's RTT belongs to the data
    // it acknowledges, which the peer sent. A negative one (the capture's clock went
    // backwards) measures nothing.
    if (analysis.ack_rtt_ns >= 0 && annotation.handshake_step == 0 && !segment.has(tcp_flag::syn))
        add_rtt_sample(1 - sender, analysis.ack_rtt_ns);
}

DirectionCounters Traffic::side(std::size_t index) const
{
    DirectionCounters counters;
    const Common &common = common_[index];
    counters.ip_bytes = common.ip_bytes;
    counters.rtt = RttSamples{common.rtt_min_ns, common.rtt_max_ns, common.rtt_sum_ns, common.rtt_count};
    if (const std::array<Rare, 2> *rare_sides = rare_.find()) {
        const Rare &rare = (*rare_sides)[index];
        counters.retransmitted_bytes = rare.retransmitted_bytes;
        counters.retransmissions = rare.retransmissions;
        counters.duplicate_acks = rare.duplicate_acks;
        counters.zero_windows = rare.zero_windows;
        counters.out_of_order = rare.out_of_order;
        counters.sack_segments = rare.sack_segments;
        counters.ip_unknown = rare.ip_unknown;
    }
    return counters;
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
