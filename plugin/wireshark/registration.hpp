// The ids Wireshark hands out when tcplife registers its protocol, fields, subtrees and
// expert infos, and the preferences' current values.
#pragma once

#include "text/describe.hpp"

#include <epan/expert.h>
#include <epan/packet.h>

namespace tcplife::wireshark {

// tcplife.conv.<counter>.client and .server: what one side sent.
struct DirectionIds {
    int subtree = -1;
    int retransmissions = -1;
    int retransmitted_bytes = -1;
    int duplicate_acks = -1;
    int zero_windows = -1;
    int out_of_order = -1;
    int sack_segments = -1;
    int rtt_min = -1;
    int rtt_avg = -1;
    int rtt_max = -1;
    int throughput = -1;
    int ip_bytes = -1;
};

// tcplife.conv.*: the conversation the segment belongs to.
struct ConversationIds {
    int subtree = -1;
    int timeline_subtree = -1;
    int conversation = -1;
    int client = -1;
    int server = -1;
    int handshake = -1;
    int close = -1;
    int close_initiator = -1;
    int reset_by = -1;
    int time_wait = -1;
    int time_wait_until = -1;
    int conn_state = -1;
    int history = -1;
    int frame_syn = -1;
    int frame_synack = -1;
    int frame_ack = -1;
    int frame_fin1 = -1;
    int frame_last = -1;
    int rtt_syn_synack = -1;
    int rtt_synack_ack = -1;
    int irtt = -1;
    int duration = -1;
    int close_duration = -1;
    int mss_client = -1;
    int mss_server = -1;
    int wscale = -1;
    int wscale_client = -1;
    int wscale_server = -1;
    int sack = -1;
    int timestamps = -1;
    int ecn = -1;
    int tfo = -1;
    int bytes_client = -1;
    int bytes_server = -1;
    int segments_client = -1;
    int segments_server = -1;
    int syn_retransmissions = -1;
    DirectionIds sent[2]; // [0] by the client, [1] by the server
    int missed_bytes = -1;
    int application = -1;
    int timeline = -1;
    int details = -1;
    int tls_subtree = -1;
    int tls = -1;
    int tls_version = -1;
    int tls_handshake = -1;
    int tls_steps = -1;
    int tls_time = -1;
    int tls_after_tcp = -1;
    int tls_sni = -1;
    int tls_alpn = -1;
    int tls_cipher = -1;
    int tls_alert = -1;
};

struct RegisteredIds {
    int protocol = -1;
    int subtree = -1;
    int stream = -1;
    int sender = -1;
    int roles_guessed = -1;
    int handshake_step = -1;
    int close_step = -1;
    int close_merged = -1;
    int client_state = -1;
    int server_state = -1;
    int client_state_prev = -1;
    int server_state_prev = -1;
    int retransmission = -1;
    int anomaly = -1;
    int tls_step = -1;
    int tls_messages = -1;
    ConversationIds conv;
    expert_field experts[expert_kind_count];
    expert_field incomplete_header;
};

extern RegisteredIds ids;

constexpr char protocol_name[] = "TCP Lifecycle";

void register_protocol();
void register_handoff();

// conversation_fields.cpp
void register_conversation_fields(int protocol);
// Whether a tcplife.conv.* field is primed (a filter, a colouring rule, a custom column,
// or from 4.4 on a -e field): Wireshark marks primed fields globally, for every
// dissection alive, which for tshark and the GUI is the one at hand.
bool conversation_field_asked_for();

} // namespace tcplife::wireshark
