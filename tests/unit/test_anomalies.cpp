// The anomaly catalogue (anomaly.hpp): each named anomaly on the segment that shows it.
#include "flow.hpp"

#include "conversation/anomaly.hpp"
#include "report/conversation_table.hpp"
#include "capture/tracker.hpp"
#include "text/experts.hpp"

#include <cstring>
#include <set>
#include <string>

using namespace tcplife;
using namespace tcplife::test;

namespace {

bool shows(const Annotation &annotation, Anomaly anomaly) { return segment_anomalies(annotation).has(anomaly); }

// A segment from `flow` as frame `frame` at `seconds` into the capture.
Segment at(Segment segment, std::uint32_t frame, std::int64_t seconds)
{
    segment.frame = frame;
    segment.time_ns = seconds * 1'000'000'000;
    return segment;
}

} // namespace

// ---- Opening --------------------------------------------------------------------

static void test_syn_sent_data_before_established(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation a = flow.step(Side::Client, PSH, 32);
    assert_true(shows(a, Anomaly::DataBeforeEstablished));
    assert_true(has_message(a, ExpertKind::DataBeforeEstablished,
                            "Data from the client before its handshake completed (it is in SYN_SENT): the receiver "
                            "must queue it until ESTABLISHED, or drop it"));
}

static void test_syn_sent_data_in_syn(void **)
{
    Flow flow;
    const Annotation a = flow.step(Side::Client, SYN, 32);
    assert_true(shows(a, Anomaly::DataInSyn));
    assert_false(shows(a, Anomaly::DataBeforeEstablished));
}

static void test_syn_received_data_after_accepting_syn_data(void **) // RFC 7413: allowed
{
    Flow flow;
    flow.step(Side::Client, SYN, 32);
    flow.step(Side::Server, SYN | ACK);
    const Annotation a = flow.step(Side::Server, ACK | PSH, 44);
    assert_true(segment_anomalies(a).empty());
}

// 3.10.7.4: without TFO a server sends data only once ESTABLISHED: the data proves the
// handshake's ACK, which the capture lacks.
static void test_syn_received_data_without_syn_data(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    flow.exchange(Side::Client, ACK); // not captured
    const Annotation a = flow.step(Side::Server, ACK | PSH, 44);
    assert_false(shows(a, Anomaly::DataBeforeEstablished));
    assert_true(shows(a, Anomaly::HandshakeAckNotCaptured));
    assert_states(a, TcpState::Established, TcpState::Established);
}

static void test_handshake_retransmissions(void **)
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    flow.observe(syn);
    assert_true(shows(flow.observe(syn), Anomaly::SynRetransmitted));
    const Segment synack = flow.exchange(Side::Server, SYN | ACK);
    flow.observe(synack);
    const Annotation again = flow.observe(synack);
    assert_true(shows(again, Anomaly::SynAckRetransmitted));
    assert_false(shows(again, Anomaly::SynRetransmitted));
}

static void test_syn_sent_rejected(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    assert_true(shows(flow.step(Side::Server, RST | ACK), Anomaly::SynRejected));
}

// Only the end of the capture tells a SYN-ACK nobody asked for from one whose SYN comes later.
static void test_listen_unsolicited_synack(void **)
{
    Flow flow;
    flow.exchange(Side::Client, SYN);
    assert_false(shows(flow.step(Side::Server, SYN | ACK), Anomaly::UnsolicitedSynAck));
    assert_true(flow.verdict().end_of_capture.has(Anomaly::UnsolicitedSynAck));
}

// ---- Closing --------------------------------------------------------------------

static void test_fin_wait_2_data_after_fin(void **)
{
    Flow flow;
    client_fin_wait_2(flow);
    const Annotation a = flow.step(Side::Client, ACK | PSH, 20);
    assert_true(shows(a, Anomaly::DataAfterFin));
    assert_false(shows(a, Anomaly::SegmentAfterClose));
}

static void test_fin_wait_1_fin_retransmitted(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    flow.observe(fin);
    const Annotation again = flow.observe(fin);
    assert_true(shows(again, Anomaly::FinRetransmitted));
    assert_false(shows(again, Anomaly::DataAfterFin));
}

static void test_closed_segment_after_reset(void **)
{
    Flow flow;
    established_with_data(flow);
    flow.step(Side::Client, RST | ACK);
    const Annotation late = flow.step(Side::Client, ACK | PSH, 20);
    assert_true(shows(late, Anomaly::SegmentAfterClose));
    assert_false(shows(flow.step(Side::Server, RST), Anomaly::SegmentAfterClose)); // the answer is normal
}

static void test_closed_fin_retransmitted_is_no_segment_after_close(void **)
{
    Flow flow;
    client_fin_wait_2(flow);
    const Segment fin = flow.exchange(Side::Server, FIN | ACK);
    flow.observe(fin);
    flow.step(Side::Client, ACK); // the server is CLOSED, but the ACK may not have reached it
    const Annotation again = flow.observe(fin);
    assert_true(shows(again, Anomaly::FinRetransmitted));
    assert_false(shows(again, Anomaly::SegmentAfterClose));
}

static void test_time_wait_rst(void **)
{
    Flow flow;
    server_last_ack(flow);
    flow.step(Side::Client, ACK);
    const Annotation a = flow.step(Side::Server, RST);
    assert_true(shows(a, Anomaly::RstInTimeWait));
    assert_true(has_message(a, ExpertKind::RstInTimeWait,
                            "RST reaches the client in TIME_WAIT: TIME-WAIT assassination (RFC 1337). Obeying it "
                            "ends TIME_WAIT early, so an old duplicate segment could corrupt a new connection on "
                            "this 4-tuple"));
}

static void test_time_wait_rst_out_of_window_assassinates_nothing(void **)
{
    Flow flow;
    server_last_ack(flow);
    flow.step(Side::Client, ACK);
    Segment blind = flow.send(Side::Server, RST);
    blind.seq = blind.seq + 100000;
    const Annotation a = flow.observe(blind);
    assert_true(shows(a, Anomaly::RstOutOfWindow));
    assert_false(shows(a, Anomaly::RstInTimeWait));
    assert_states(a, TcpState::TimeWait, TcpState::Closed);
}

static void test_syn_sent_rst_without_ack_is_ignored(void **) // RFC 9293 3.10.7.3: not a refusal
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation a = flow.step(Side::Server, RST);
    assert_false(shows(a, Anomaly::SynRejected));
    assert_true(shows(a, Anomaly::RstOutOfWindow));
    assert_states(a, TcpState::SynSent, TcpState::Listen);
    assert_string_equal(handshake_verdict_name(flow.verdict().handshake), "unanswered");
}

static void test_established_rst_out_of_window(void **)
{
    Flow flow;
    established_with_data(flow);
    Segment blind = flow.send(Side::Server, RST);
    blind.seq = blind.seq + 100000;
    assert_true(shows(flow.observe(blind), Anomaly::RstOutOfWindow));
}

// ---- Reuse of a 4-tuple in TIME_WAIT (across Wireshark streams) -------------------

static void reuse_after(std::int64_t seconds_later, bool expect_reuse)
{
    Tracker tracker(TrackerOptions{60'000'000'000});
    Flow first(40000, 80, 0);
    std::uint32_t frame = 0;
    auto step = [&](Flow &flow, Side side, std::uint16_t flags, std::int64_t seconds) {
        return tracker.observe(at(flow.exchange(side, flags), ++frame, seconds));
    };
    step(first, Side::Client, SYN, 0);
    step(first, Side::Server, SYN | ACK, 0);
    step(first, Side::Client, ACK, 0);
    step(first, Side::Client, FIN | ACK, 1);
    step(first, Side::Server, FIN | ACK, 1);
    step(first, Side::Client, ACK, 1); // the client waits from second 1
    Flow second(40000, 80, 1);
    const Annotation syn = step(second, Side::Client, SYN, 1 + seconds_later);
    assert_int_equal(shows(syn, Anomaly::ReuseInTimeWait), expect_reuse);
    const StreamRecord *record = tracker.stream(1);
    assert_non_null(record);
    assert_int_equal(record->ledger.facts().reused_stream_plus_one, expect_reuse ? 1 : 0);
}

static void test_time_wait_new_syn_on_the_tuple(void **) { reuse_after(2, true); }

static void test_time_wait_reused_tuple_is_not_waiting_any_more(void **)
{
    Tracker tracker(TrackerOptions{60'000'000'000});
    std::uint32_t frame = 0;
    auto step = [&](Flow &flow, Side side, std::uint16_t flags) {
        return tracker.observe(at(flow.exchange(side, flags), ++frame, 1));
    };
    Flow first(40000, 80, 0);
    step(first, Side::Client, SYN);
    step(first, Side::Server, SYN | ACK);
    step(first, Side::Client, ACK);
    step(first, Side::Client, FIN | ACK);
    step(first, Side::Server, FIN | ACK);
    step(first, Side::Client, ACK); // stream 0's client waits
    Flow second(40000, 80, 1);
    assert_true(shows(step(second, Side::Client, SYN), Anomaly::ReuseInTimeWait));
    step(second, Side::Server, RST | ACK);
    Flow third(40000, 80, 2);
    assert_false(shows(step(third, Side::Client, SYN), Anomaly::ReuseInTimeWait)); // stream 0 was replaced
}

static void test_time_wait_over_before_the_new_syn(void **) { reuse_after(61, false); }

// The SYN that cut into TIME_WAIT is kept alone until its stream's second segment; by
// then the TIME_WAIT table has moved on, and the record rebuilt from the SYN still
// knows which stream it reused.
static void test_time_wait_reuse_survives_until_the_second_segment(void **)
{
    Tracker tracker(TrackerOptions{60'000'000'000});
    std::uint32_t frame = 0;
    auto step = [&](Flow &flow, Side side, std::uint16_t flags, std::int64_t seconds) {
        return tracker.observe(at(flow.exchange(side, flags), ++frame, seconds));
    };
    Flow first(40000, 80, 0);
    step(first, Side::Client, SYN, 0);
    step(first, Side::Server, SYN | ACK, 0);
    step(first, Side::Client, ACK, 0);
    step(first, Side::Client, FIN | ACK, 1);
    step(first, Side::Server, FIN | ACK, 1);
    step(first, Side::Client, ACK, 1);
    Flow second(40000, 80, 1);
    assert_true(shows(step(second, Side::Client, SYN, 2), Anomaly::ReuseInTimeWait));
    const Annotation synack = step(second, Side::Server, SYN | ACK, 100); // long after TIME_WAIT
    assert_false(shows(synack, Anomaly::ReuseInTimeWait));
    const StreamRecord *record = tracker.stream(1);
    assert_non_null(record);
    assert_int_equal(record->ledger.facts().reused_stream_plus_one, 1);
    assert_true(record->anomalies.has(Anomaly::ReuseInTimeWait));
}

// ---- Window scale above 14 (RFC 7323 2.3) ----------------------------------------

static Segment offering_window_shift(Segment segment, std::uint8_t shift)
{
    segment.options.has_window_scale = true;
    segment.options.window_scale = shift;
    return segment;
}

static void test_listen_syn_window_scale_over_14(void **)
{
    Flow flow;
    const Annotation syn = flow.observe(offering_window_shift(flow.exchange(Side::Client, SYN), 15));
    assert_true(shows(syn, Anomaly::WindowScaleCapped));
    assert_true(has_message(syn, ExpertKind::WindowScaleCapped,
                            "Window scale above 14 in the client's SYN: RFC 7323 2.3 says to use 14 instead and log "
                            "it, so tcplife shows and uses 14"));
    const TcpOptions &offered = flow.facts().client().offered;
    assert_int_equal(offered.window_scale, 15); // the raw offer stays known
    assert_int_equal(offered.window_shift(), 14);
}

static void test_syn_sent_synack_window_scale_over_14(void **)
{
    Flow flow;
    assert_false(shows(flow.observe(offering_window_shift(flow.exchange(Side::Client, SYN), 14)),
                       Anomaly::WindowScaleCapped)); // 14 is the largest allowed
    const Annotation synack = flow.observe(offering_window_shift(flow.exchange(Side::Server, SYN | ACK), 255));
    assert_true(shows(synack, Anomaly::WindowScaleCapped));
    assert_int_equal(flow.facts().server().offered.window_shift(), 14);
    assert_int_equal(flow.facts().client().offered.window_shift(), 14);
    assert_false(shows(flow.step(Side::Client, ACK), Anomaly::WindowScaleCapped));
}

// ---- Capture time going backwards ---------------------------------------------------

// Segments of one conversation through a Tracker, each at the capture time given.
class Clocked {
public:
    Annotation step(Side side, std::uint16_t flags, std::int64_t ms, std::uint32_t length = 0)
    {
        Segment segment = flow_.exchange(side, flags, length);
        segment.frame = ++frame_;
        segment.time_ns = ms * 1'000'000;
        return tracker_.observe(segment);
    }
    const LedgerFacts &facts() const { return tracker_.stream(0)->ledger.facts(); }

private:
    Flow flow_;
    Tracker tracker_;
    std::uint32_t frame_ = 0;
};

static void test_syn_sent_synack_before_the_syn_in_time(void **)
{
    Clocked capture;
    assert_false(shows(capture.step(Side::Client, SYN, 10), Anomaly::TimeBackwards));
    const Annotation synack = capture.step(Side::Server, SYN | ACK, 9);
    assert_true(shows(synack, Anomaly::TimeBackwards));
    assert_true(has_message(synack, ExpertKind::TimeBackwards,
                            "Capture time goes backwards: this segment is timestamped before the previous segment "
                            "of its conversation (a clock stepped back, or captures merged out of order); tcplife "
                            "counts the time between them as zero"));
    assert_true(shows(capture.step(Side::Client, ACK, 8), Anomaly::TimeBackwards));
    const Timings t = timings(capture.facts());
    assert_true(t.has_irtt() && t.has_handshake_time);
    assert_int_equal(t.syn_synack, 0);
    assert_int_equal(t.synack_ack, 0);
    assert_int_equal(t.irtt(), 0);
    assert_int_equal(t.handshake_time, 0);
    assert_int_equal(t.duration, 2'000'000); // earliest to latest, whatever the order
}

static void test_established_time_backwards_against_the_previous_segment(void **)
{
    Clocked capture;
    capture.step(Side::Client, SYN, 1);
    capture.step(Side::Server, SYN | ACK, 2);
    capture.step(Side::Client, ACK, 3);
    assert_false(shows(capture.step(Side::Client, ACK | PSH, 30, 10), Anomaly::TimeBackwards));
    assert_true(shows(capture.step(Side::Server, ACK, 20), Anomaly::TimeBackwards));
    // Later than the previous segment, though not than the one before it: time went on.
    assert_false(shows(capture.step(Side::Client, FIN | ACK, 25), Anomaly::TimeBackwards));
    capture.step(Side::Server, FIN | ACK, 26);
    assert_true(shows(capture.step(Side::Client, ACK, 24), Anomaly::TimeBackwards));
    const Timings t = timings(capture.facts());
    assert_true(t.has_close_duration);
    assert_int_equal(t.close_duration, 0); // the last ACK is timestamped before the first FIN
    assert_int_equal(t.syn_synack, 1'000'000);
}

// A data segment as captured whole, its payload given.
Segment with_payload(Segment segment, const char *payload)
{
    segment.payload_length = static_cast<std::uint32_t>(std::strlen(payload));
    segment.payload_digest = digest_payload(reinterpret_cast<const std::uint8_t *>(payload), segment.payload_length);
    segment.payload_digested = true;
    return segment;
}

static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n";
static const char injected[] = "HTTP/1.1 302 Found\r\nLocation: http://evil/\r\n\r\n";
static const char forged[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nevil!\n";

// 3.10.7.4: a copy of data repeats its bytes; different bytes at the same numbers are Zeek's
// rexmit_inconsistency, whatever the lengths.
static void test_established_data_differs_from_its_copy(void **)
{
    Flow flow;
    handshake(flow);
    const Segment real = with_payload(flow.send(Side::Server, ACK | PSH), response);
    assert_false(shows(flow.observe(real), Anomaly::RexmitInconsistency));
    Segment same_length = with_payload(real, forged);
    assert_true(shows(flow.observe(same_length), Anomaly::RexmitInconsistency));
    Segment other_length = with_payload(real, injected);
    assert_true(shows(flow.observe(other_length), Anomaly::RexmitInconsistency));
}

static void test_established_identical_retransmission_is_consistent(void **)
{
    Flow flow;
    handshake(flow);
    const Segment real = with_payload(flow.send(Side::Server, ACK | PSH), response);
    flow.observe(real);
    assert_false(shows(flow.observe(real), Anomaly::RexmitInconsistency));
    // Data cut by the snaplen cannot be compared, and is no evidence either way.
    Segment cut = with_payload(real, forged);
    cut.payload_digested = false;
    assert_false(shows(flow.observe(cut), Anomaly::RexmitInconsistency));
    assert_false(shows(flow.observe(with_payload(real, forged)), Anomaly::RexmitInconsistency));
}

// The digest reads a payload's first and last 64 bytes: what differs there is seen, what
// differs only in between is not (the price of digesting every data segment cheaply).
static void test_payload_digest_reads_the_ends(void **)
{
    std::uint8_t payload[1460];
    for (std::size_t i = 0; i < sizeof payload; ++i)
        payload[i] = static_cast<std::uint8_t>(i * 7);
    const PayloadDigest original = digest_payload(payload, sizeof payload);
    assert_true(digest_payload(payload, sizeof payload) == original);
    for (const std::size_t at : {std::size_t{0}, std::size_t{63}, sizeof payload - 64, sizeof payload - 1}) {
        payload[at] ^= 1;
        assert_false(digest_payload(payload, sizeof payload).ends == original.ends);
        payload[at] ^= 1;
    }
    payload[700] ^= 1;
    assert_true(digest_payload(payload, sizeof payload) == original);
    payload[700] ^= 1;
    // The first 16 bytes alone decide between copies of different lengths.
    assert_true(digest_payload(payload, 100).prefix == original.prefix);
    payload[15] ^= 1;
    assert_false(digest_payload(payload, 100).prefix == original.prefix);
}

static void test_anomaly_ids_are_stable(void **)
{
    assert_string_equal(anomaly_id(Anomaly::SynUnanswered), "syn_unanswered");
    assert_string_equal(anomaly_id(Anomaly::ReuseInTimeWait), "reuse_in_time_wait");
    assert_string_equal(anomaly_id(Anomaly::CloseWaitAtEnd), "close_wait_at_end");
    assert_string_equal(anomaly_id(Anomaly::HalfOpen), "half_open");
    assert_string_equal(anomaly_id(Anomaly::WindowScaleCapped), "window_scale_capped");
    assert_string_equal(anomaly_id(Anomaly::TimeBackwards), "time_backwards");
}

// The catalogue's derived tables: each anomaly's expert info is tcplife.expert.<its id>,
// and no two expert infos share a name (Wireshark refuses a duplicate registration).
static void test_catalogue_expert_names(void **)
{
    for (std::size_t i = 0; i < anomaly_count; ++i) {
        const auto anomaly = static_cast<Anomaly>(i);
        const std::string name = expert_info(expert_kind(anomaly)).name;
        assert_string_equal(name.c_str(), (std::string("tcplife.expert.") + anomaly_id(anomaly)).c_str());
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < expert_kind_count; ++i) {
        const ExpertInfo &info = expert_info(static_cast<ExpertKind>(i));
        assert_true(names.insert(info.name).second);
        assert_non_null(info.summary);
    }
    assert_int_equal(names.size(), expert_kind_count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_expert_names),
        cmocka_unit_test(test_syn_sent_data_before_established),
        cmocka_unit_test(test_syn_sent_data_in_syn),
        cmocka_unit_test(test_syn_received_data_after_accepting_syn_data),
        cmocka_unit_test(test_syn_received_data_without_syn_data),
        cmocka_unit_test(test_handshake_retransmissions),
        cmocka_unit_test(test_syn_sent_rejected),
        cmocka_unit_test(test_listen_unsolicited_synack),
        cmocka_unit_test(test_fin_wait_2_data_after_fin),
        cmocka_unit_test(test_fin_wait_1_fin_retransmitted),
        cmocka_unit_test(test_closed_segment_after_reset),
        cmocka_unit_test(test_closed_fin_retransmitted_is_no_segment_after_close),
        cmocka_unit_test(test_time_wait_rst),
        cmocka_unit_test(test_established_rst_out_of_window),
        cmocka_unit_test(test_time_wait_new_syn_on_the_tuple),
        cmocka_unit_test(test_time_wait_reused_tuple_is_not_waiting_any_more),
        cmocka_unit_test(test_time_wait_reuse_survives_until_the_second_segment),
        cmocka_unit_test(test_time_wait_rst_out_of_window_assassinates_nothing),
        cmocka_unit_test(test_syn_sent_rst_without_ack_is_ignored),
        cmocka_unit_test(test_time_wait_over_before_the_new_syn),
        cmocka_unit_test(test_listen_syn_window_scale_over_14),
        cmocka_unit_test(test_syn_sent_synack_window_scale_over_14),
        cmocka_unit_test(test_syn_sent_synack_before_the_syn_in_time),
        cmocka_unit_test(test_established_time_backwards_against_the_previous_segment),
        cmocka_unit_test(test_anomaly_ids_are_stable),
        cmocka_unit_test(test_established_data_differs_from_its_copy),
        cmocka_unit_test(test_established_identical_retransmission_is_consistent),
        cmocka_unit_test(test_payload_digest_reads_the_ends),
    };
    return cmocka_run_group_tests_name("anomalies", tests, nullptr, nullptr);
}
