#include "tracker.hpp"

namespace tcplife {

Annotation Tracker::observe(const Segment &segment)
{
    if (segment.stream >= conversations_.size())
        conversations_.resize(static_cast<std::size_t>(segment.stream) + 1);
    return conversations_[segment.stream].observe(segment);
}

void Tracker::clear()
{
    std::vector<Conversation>().swap(conversations_);
}

} // namespace tcplife
