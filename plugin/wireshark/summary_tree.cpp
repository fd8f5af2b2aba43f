// The summary under the GUI's Statistics menu (and tshark -z tcplife.summary,tree): a
// stats tree counting conversations by handshake, close, conn_state and anomaly.
// Stats trees count packets, so each conversation's contribution is replaced every
// time one of its segments comes by: the counts always hold each conversation's
// latest verdicts, which after the first pass (the GUI, tshark -2) are the final ones.
// Order and columns are Wireshark's: no release's stats tree API (4.0 to 4.6) lets a
// plugin keep its items in an order (every level is sorted by a column, ties by name)
// or drop the Rate and burst columns (the burst ones follow a user preference); the
// TCP Lifecycle Summary window (window_reports.cpp) shows them in the order of a
// connection's life.
#include "reports.hpp"

#include "report/conversation_table.hpp"
#include "report/summary.hpp"

#include <epan/stats_tree.h>

#include <climits>
#include <memory>
#include <unordered_map>
#include <vector>

namespace tcplife::wireshark {
namespace {

const char *const handshake_node = "Handshake";
const char *const close_node = "Close";
const char *const conn_state_node = "Zeek conn_state";
const char *const anomaly_node = "Anomalies";
const char *const handshake_time_node = "Handshake time (\xc2\xb5s, first SYN to handshake ACK)";

// What one conversation adds to the counts.
struct Contribution {
    bool counted = false;
    bool timed = false;
    HandshakeVerdict handshake = HandshakeVerdict::NotSeen;
    CloseVerdict close = CloseVerdict::None;
    ZeekConnState conn_state = ZeekConnState::OTH;
    AnomalySet anomalies;
};

struct Tally {
    int handshake_id = -1;
    int close_id = -1;
    int conn_state_id = -1;
    int anomaly_id = -1;
    int time_id = -1;
    std::vector<Contribution> streams;
    Summary counts;
};

std::unordered_map<stats_tree *, std::unique_ptr<Tally>> tallies;

void set_node(stats_tree *st, const char *name, int parent, std::size_t count)
{
    stats_tree_manip_node_int(MN_SET, st, name, parent, FALSE, static_cast<gint>(count));
}

void set_parents(stats_tree *st, const Tally &t)
{
    const std::size_t total = t.counts.conversations;
    for (const char *parent : {handshake_node, close_node, conn_state_node, anomaly_node})
        stats_tree_manip_node_int(MN_SET, st, parent, 0, TRUE, static_cast<gint>(total));
}

void apply(stats_tree *st, Tally &t, const Contribution &c, int sign)
{
    auto adjust = [sign](std::size_t &count) { count = sign > 0 ? count + 1 : count - 1; };
    Summary &s = t.counts;
    adjust(s.handshakes[static_cast<std::size_t>(c.handshake)]);
    set_node(st, handshake_verdict_name(c.handshake), t.handshake_id, s.handshakes[static_cast<std::size_t>(c.handshake)]);
    adjust(s.closes[static_cast<std::size_t>(c.close)]);
    set_node(st, close_verdict_name(c.close), t.close_id, s.closes[static_cast<std::size_t>(c.close)]);
    adjust(s.conn_states[static_cast<std::size_t>(c.conn_state)]);
    set_node(st, zeek_conn_state_name(c.conn_state), t.conn_state_id,
             s.conn_states[static_cast<std::size_t>(c.conn_state)]);
    for (std::size_t i = 0; i < anomaly_count; ++i) {
        if (c.anomalies.has(static_cast<Anomaly>(i))) {
            adjust(s.anomalies[i]);
            set_node(st, anomaly_id(static_cast<Anomaly>(i)), t.anomaly_id, s.anomalies[i]);
        }
    }
}

void init_tree(stats_tree *st)
{
    try {
        auto tally = std::make_unique<Tally>();
        tally->handshake_id = stats_tree_create_node(st, handshake_node, 0, STAT_DT_INT, TRUE);
        tally->close_id = stats_tree_create_node(st, close_node, 0, STAT_DT_INT, TRUE);
        // Every verdict listed, in the text summary's order, even at zero.
        for (std::size_t i = 0; i < handshake_verdict_count; ++i)
            stats_tree_create_node(st, handshake_verdict_name(static_cast<HandshakeVerdict>(i)), tally->handshake_id,
                                   STAT_DT_INT, FALSE);
        for (std::size_t i = 0; i < close_verdict_count; ++i)
            stats_tree_create_node(st, close_verdict_name(static_cast<CloseVerdict>(i)), tally->close_id, STAT_DT_INT,
                                   FALSE);
        tally->conn_state_id = stats_tree_create_node(st, conn_state_node, 0, STAT_DT_INT, TRUE);
        tally->anomaly_id = stats_tree_create_node(st, anomaly_node, 0, STAT_DT_INT, TRUE);
        tally->time_id = stats_tree_create_range_node(st, handshake_time_node, 0, "0-999", "1000-9999", "10000-99999",
                                                      "100000-999999", "1000000-", nullptr);
        tallies[st] = std::move(tally);
    } catch (...) {
        tallies.erase(st);
    }
}

void cleanup_tree(stats_tree *st)
{
    tallies.erase(st);
}

tap_packet_status tree_packet(stats_tree *st, packet_info *, epan_dissect_t *, const void *segment, tap_flags_t)
{
    const auto found = tallies.find(st);
    const Capture *capture = current_capture();
    if (found == tallies.end() || capture == nullptr)
        return TAP_PACKET_DONT_REDRAW;
    Tally &t = *found->second;
    const std::uint32_t stream = static_cast<const FrameRecord *>(segment)->annotation.stream;
    std::optional<ConversationRow> found_row;
    try {
        found_row = capture->conversation_row(stream);
        if (found_row && stream >= t.streams.size())
            t.streams.resize(static_cast<std::size_t>(stream) + 1);
    } catch (...) {
        return TAP_PACKET_FAILED;
    }
    if (!found_row)
        return TAP_PACKET_DONT_REDRAW;
    const ConversationRow &row = *found_row;
    Contribution now;
    now.counted = true;
    now.handshake = row.verdict.handshake;
    now.close = row.verdict.close;
    now.conn_state = row.zeek->conn_state();
    now.anomalies = row.anomalies;
    Contribution &before = t.streams[stream];
    if (before.counted)
        apply(st, t, before, -1);
    else
        ++t.counts.conversations;
    apply(st, t, now, +1);
    set_parents(st, t);
    // A completed handshake's time never changes afterwards: counted once.
    now.timed = before.timed;
    if (!now.timed && row.times.has_handshake_time) {
        const std::int64_t us = row.times.handshake_time / 1000;
        const int value = us < 0 ? 0 : us > INT_MAX ? INT_MAX : static_cast<int>(us);
        stats_tree_manip_node_int(MN_INCREASE, st, handshake_time_node, 0, TRUE, 1);
        stats_tree_tick_range(st, handshake_time_node, 0, value);
        now.timed = true;
    }
    before = now;
    return TAP_PACKET_REDRAW;
}

} // namespace

void register_summary_tree()
{
    stats_tree_register_plugin("tcplife", "tcplife.summary", "TCP Lifecycle/Conversation summary", 0, tree_packet,
                               init_tree, cleanup_tree);
}

} // namespace tcplife::wireshark
