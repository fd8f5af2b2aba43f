// All conversations of one capture, found in O(1) by Wireshark's dense tcp.stream index.
#pragma once

#include "annotation.hpp"
#include "conversation.hpp"
#include "segment.hpp"

#include <vector>

namespace tcplife {

class Tracker {
public:
    Annotation observe(const Segment &segment);
    void clear();

private:
    std::vector<Conversation> conversations_;
};

} // namespace tcplife
