#include "report/ladder_numbering.hpp"

namespace tcplife::ladder {
namespace {

std::size_t side_index(Role role) { return role == Role::Server ? 1 : 0; }

bool is_syn(const LadderSegment &s)
{
    return (s.flags & tcp_flag::syn) != 0 && (s.flags & tcp_flag::rst) == 0;
}

std::string relative(SeqNumber number, const std::optional<SeqNumber> &base)
{
    if (!base)
        return std::to_string(number.raw());
    // A little before the base (a segment reordered ahead of the first one seen) reads
    // better negative; further back it is a transfer past 2 GiB, shown unsigned as
    // Wireshark does.
    const std::int32_t distance = number.distance_from(*base);
    if (distance < 0 && distance >= -(1 << 30))
        return std::to_string(distance);
    return std::to_string(static_cast<std::uint32_t>(number.raw() - base->raw()));
}

} // namespace

Numbering::Numbering(const std::vector<LadderSegment> &segments, bool relative) : relative_(relative)
{
    std::array<std::optional<SeqNumber>, 2> syn, first_seq, first_ack;
    for (const LadderSegment &s : segments) {
        if (s.annotation.sender == Role::Unknown)
            continue;
        const std::size_t side = side_index(s.annotation.sender);
        if (is_syn(s) && !syn[side])
            syn[side] = s.seq;
        if (!first_seq[side])
            first_seq[side] = SeqNumber(s.seq.raw() - 1u);
        if ((s.flags & tcp_flag::ack) != 0 && !first_ack[1 - side])
            first_ack[1 - side] = SeqNumber(s.ack.raw() - 1u);
    }
    for (std::size_t side = 0; side < 2; ++side)
        base_[side] = syn[side] ? syn[side] : first_seq[side] ? first_seq[side] : first_ack[side];
}

std::string Numbering::text(const LadderSegment &s)
{
    const Role sender = s.annotation.sender;
    std::optional<SeqNumber> own, peer;
    if (sender != Role::Unknown && relative_) {
        const std::size_t side = side_index(sender);
        if (is_syn(s))
            base_[side] = s.seq;
        own = base_[side];
        peer = base_[1 - side];
    }
    std::string text = "seq=" + relative(s.seq, own);
    if ((s.flags & tcp_flag::ack) != 0)
        text += " ack=" + relative(s.ack, peer);
    if (s.payload_length != 0)
        text += " len=" + std::to_string(s.payload_length);
    return text;
}

} // namespace tcplife::ladder
