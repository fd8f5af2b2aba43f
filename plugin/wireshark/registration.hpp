// The ids Wireshark hands out when tcplife registers its protocol, fields, subtree and
// expert infos, and the preferences' current values.
#pragma once

#include "core/describe.hpp"

#include <epan/expert.h>
#include <epan/packet.h>

namespace tcplife::wireshark {

struct RegisteredIds {
    int protocol = -1;
    int subtree = -1;
    int stream = -1;
    int sender = -1;
    int handshake_step = -1;
    int close_step = -1;
    int close_merged = -1;
    int client_state = -1;
    int server_state = -1;
    int client_state_prev = -1;
    int server_state_prev = -1;
    int retransmission = -1;
    expert_field experts[expert_kind_count];
    expert_field incomplete_header;
};

extern RegisteredIds ids;

void register_protocol();
void register_handoff();

} // namespace tcplife::wireshark
