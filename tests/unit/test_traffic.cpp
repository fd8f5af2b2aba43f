// Traffic (conversation/traffic.hpp) adds up what Wireshark's TCP analysis said of each
// segment, per direction: these check which side each count goes to, that unknown stays
// unknown, and the few rules of its own (RTTs after the handshake, bytes of
// retransmissions, throughput's rounding).
#include "cmocka_cpp.hpp"

#include "conversation/traffic.hpp"

using namespace tcplife;

namespace {

Segment analysed(std::uint16_t flags, std::uint32_t payload = 0, std::int64_t ack_rtt_ns = -1)
{
    Segment segment;
    segment.flags = tcp_flag::ack;
    segment.payload_length = payload;
    segment.analysis.flags = static_cast<std::uint16_t>(analysis_flag::analysed | flags);
    segment.analysis.ack_rtt_ns = ack_rtt_ns;
    segment.analysis.ip_bytes = 52 + payload;
    return segment;
}

Annotation from(Role sender, std::uint8_t handshake_step = 0)
{
    Annotation annotation;
    annotation.sender = sender;
    annotation.handshake_step = handshake_step;
    return annotation;
}

} // namespace

static void test_retransmission_counts_segments_and_payload_of_its_sender(void **)
{
    Traffic traffic;
    traffic.record(analysed(analysis_flag::retransmission, 1448), from(Role::Server));
    traffic.record(analysed(analysis_flag::retransmission, 100), from(Role::Server));
    traffic.record(analysed(0, 500), from(Role::Client));
    assert_true(traffic.analysed());
    assert_int_equal(traffic.side(1).retransmissions, 2);
    assert_int_equal(traffic.side(1).retransmitted_bytes, 1548);
    assert_int_equal(traffic.side(0).retransmissions, 0);
    assert_int_equal(traffic.side(0).ip_bytes, 552);
    assert_int_equal(traffic.side(1).ip_bytes, 52 * 2 + 1548);
}

static void test_duplicate_ack_zero_window_out_of_order_count_per_sender(void **)
{
    Traffic traffic;
    traffic.record(analysed(analysis_flag::duplicate_ack), from(Role::Client));
    traffic.record(analysed(analysis_flag::duplicate_ack | analysis_flag::zero_window), from(Role::Client));
    traffic.record(analysed(analysis_flag::out_of_order, 10), from(Role::Server));
    assert_int_equal(traffic.side(0).duplicate_acks, 2);
    assert_int_equal(traffic.side(0).zero_windows, 1);
    assert_int_equal(traffic.side(1).out_of_order, 1);
    assert_int_equal(traffic.side(1).duplicate_acks, 0);
}

static void test_ack_rtt_belongs_to_the_data_of_the_peer(void **)
{
    Traffic traffic;
    traffic.record(analysed(0, 0, 3'000'000), from(Role::Client)); // the client acknowledges server data
    traffic.record(analysed(0, 0, 1'000'000), from(Role::Client));
    traffic.record(analysed(0, 0, 2'000'000), from(Role::Client));
    const RttSamples &server_data = traffic.side(1).rtt;
    assert_int_equal(server_data.count, 3);
    assert_true(server_data.min_ns == 1'000'000);
    assert_true(server_data.max_ns == 3'000'000);
    assert_true(server_data.average_ns() == 2'000'000);
    assert_int_equal(traffic.side(0).rtt.count, 0);
}

static void test_ack_rtt_of_handshake_steps_and_negative_ones_are_left_out(void **)
{
    Traffic traffic;
    Segment synack = analysed(0, 0, 5'000'000);
    synack.flags = tcp_flag::syn | tcp_flag::ack;
    traffic.record(synack, from(Role::Server, 2));
    traffic.record(analysed(0, 0, 4'000'000), from(Role::Client, 3)); // the handshake's ACK: the iRTT's
    traffic.record(analysed(0, 0, -300'000'000), from(Role::Client)); // the clock went backwards
    assert_int_equal(traffic.side(0).rtt.count, 0);
    assert_int_equal(traffic.side(1).rtt.count, 0);
}

static void test_without_wireshark_analysis_counts_are_unknown_but_sack_and_ip_bytes_known(void **)
{
    Traffic traffic;
    Segment segment;
    segment.flags = tcp_flag::ack;
    segment.analysis.sack_blocks = 2;
    segment.analysis.ip_bytes = 64;
    traffic.record(segment, from(Role::Client));
    Segment no_ip_length;
    traffic.record(no_ip_length, from(Role::Server));
    assert_false(traffic.analysed());
    assert_int_equal(traffic.side(0).sack_segments, 1);
    assert_int_equal(traffic.side(0).ip_bytes, 64);
    assert_int_equal(traffic.side(0).ip_unknown, 0);
    assert_int_equal(traffic.side(1).ip_unknown, 1);
}

// The rare counts live in a block of their own: a copy has its own, and keeps counting
// apart from the original.
static void test_copy_keeps_its_own_rare_counts(void **)
{
    Traffic traffic;
    traffic.record(analysed(analysis_flag::duplicate_ack), from(Role::Client));
    Traffic copy = traffic;
    copy.record(analysed(analysis_flag::duplicate_ack), from(Role::Client));
    assert_int_equal(traffic.side(0).duplicate_acks, 1);
    assert_int_equal(copy.side(0).duplicate_acks, 2);
    traffic = copy;
    assert_int_equal(traffic.side(0).duplicate_acks, 2);
    traffic = Traffic{};
    assert_int_equal(traffic.side(0).duplicate_acks, 0);
    assert_int_equal(copy.side(0).ip_bytes, 104);
}

static void test_throughput_is_bits_per_second_rounded(void **)
{
    assert_true(throughput_bits_per_second(100, 8'000'000) == 100'000);
    assert_true(throughput_bits_per_second(1, 3'000'000'000) == 3); // 2.67 rounds up
    assert_true(throughput_bits_per_second(1000, 0) == 0);
    assert_true(throughput_bits_per_second(UINT64_MAX / 16, 1'000'000'000) == UINT64_MAX / 16 * 8);
}

int main()
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retransmission_counts_segments_and_payload_of_its_sender),
        cmocka_unit_test(test_duplicate_ack_zero_window_out_of_order_count_per_sender),
        cmocka_unit_test(test_ack_rtt_belongs_to_the_data_of_the_peer),
        cmocka_unit_test(test_ack_rtt_of_handshake_steps_and_negative_ones_are_left_out),
        cmocka_unit_test(test_without_wireshark_analysis_counts_are_unknown_but_sack_and_ip_bytes_known),
        cmocka_unit_test(test_copy_keeps_its_own_rare_counts),
        cmocka_unit_test(test_throughput_is_bits_per_second_rounded),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
