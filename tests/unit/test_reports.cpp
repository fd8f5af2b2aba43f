// The conversation table (people's text, CSV, Zeek conn.log) and the summary, from
// conversations a Capture watched. Expected values are worked out from the segments:
// one millisecond per segment, starting at 1 ms.
#include "cmocka_cpp.hpp"
#include "hosts.hpp"

#include "report/conversation_table.hpp"
#include "report/summary.hpp"
#include "capture/capture.hpp"

#include <string>
#include <vector>

using namespace tcplife;
using namespace tcplife::test;

namespace {

// Several conversations in one capture, as a capture holds them.
class TestCapture {
public:
    explicit TestCapture(CaptureOptions options = {}) : capture_(options) {}
    Hosts &hosts(std::uint32_t stream)
    {
        while (hosts_.size() <= stream)
            hosts_.emplace_back(static_cast<std::uint16_t>(40000 + hosts_.size()), 80,
                                static_cast<std::uint32_t>(hosts_.size()));
        return hosts_[stream];
    }
    FrameRecord step(std::uint32_t stream, Side side, std::uint16_t flags, std::uint32_t length = 0)
    {
        Segment segment = hosts(stream).exchange(side, flags, length);
        segment.frame = ++frames_;
        segment.time_ns = static_cast<std::int64_t>(frames_) * 1'000'000;
        return capture_.observe(segment);
    }
    // A segment with TLS in it, as TLS's dissection reported it.
    void tls(std::uint32_t stream, Side side, std::uint32_t length, TlsSegment segment)
    {
        step(stream, side, ACK | PSH, length);
        segment.sender = side == Side::Client ? Role::Client : Role::Server;
        segment.time_ns = static_cast<std::int64_t>(frames_) * 1'000'000;
        segment.has_payload = true;
        segment.carries_tls = true;
        capture_.observe_tls(frames_, stream, segment);
    }
    ConversationRow row(std::uint32_t stream) const { return *capture_.conversation_row(stream); }
    std::vector<ConversationRow> rows() const
    {
        std::vector<ConversationRow> all;
        for (std::uint32_t stream = 0; stream < static_cast<std::uint32_t>(hosts_.size()); ++stream)
            all.push_back(row(stream));
        return all;
    }
    const StreamRecord &record(std::uint32_t stream) const { return *capture_.stream(stream); }

private:
    std::vector<Hosts> hosts_;
    tcplife::Capture capture_;
    std::uint32_t frames_ = 0;
};

// Frames 1-9: handshake, 100 bytes up, 300 down, a merged close by the server.
void merged_close(TestCapture &capture, std::uint32_t stream)
{
    capture.step(stream, Side::Client, SYN);
    capture.step(stream, Side::Server, SYN | ACK);
    capture.step(stream, Side::Client, ACK);
    capture.step(stream, Side::Client, ACK | PSH, 100);
    capture.step(stream, Side::Server, ACK | PSH, 300);
    capture.step(stream, Side::Client, ACK);
    capture.step(stream, Side::Client, FIN | ACK);
    capture.step(stream, Side::Server, FIN | ACK);
    capture.step(stream, Side::Client, ACK);
}

TlsSegment carrying(std::initializer_list<TlsMessage> messages)
{
    TlsSegment segment;
    segment.messages = TlsMessages(messages);
    return segment;
}

// Frames 1-3 the handshake, 4-7 a full TLS 1.2 handshake (the server's Finished at 7 ms),
// 8-10 a merged close by the client.
void tls12_conversation(TestCapture &capture, std::uint32_t stream)
{
    using M = TlsMessage;
    capture.step(stream, Side::Client, SYN);
    capture.step(stream, Side::Server, SYN | ACK);
    capture.step(stream, Side::Client, ACK);
    TlsSegment hello = carrying({M::ClientHello});
    hello.server_name.assign("example.org", 11);
    capture.tls(stream, Side::Client, 200, hello);
    TlsSegment answer = carrying({M::ServerHello, M::Certificate, M::ServerHelloDone});
    answer.legacy_version = 0x0303;
    answer.cipher_suite = 0x009c;
    answer.has_cipher_suite = true;
    answer.cipher_suite_name.assign("TLS_RSA_WITH_AES_128_GCM_SHA256", 31);
    answer.alpn.assign("h2", 2);
    capture.tls(stream, Side::Server, 1200, answer);
    capture.tls(stream, Side::Client, 90, carrying({M::ClientKeyExchange, M::ChangeCipherSpec, M::EncryptedHandshake}));
    capture.tls(stream, Side::Server, 50, carrying({M::ChangeCipherSpec, M::EncryptedHandshake}));
    capture.step(stream, Side::Client, FIN | ACK);
    capture.step(stream, Side::Server, FIN | ACK);
    capture.step(stream, Side::Client, ACK);
}

// The client's ClientHello answered by an alert (frames 1-5).
void tls_refused(TestCapture &capture, std::uint32_t stream)
{
    TlsSegment alert = carrying({TlsMessage::Alert});
    alert.has_alert = true;
    alert.alert_description = 40;
    alert.alert_name.assign("Handshake Failure", 17);
    capture.step(stream, Side::Client, SYN);
    capture.step(stream, Side::Server, SYN | ACK);
    capture.step(stream, Side::Client, ACK);
    capture.tls(stream, Side::Client, 200, carrying({TlsMessage::ClientHello}));
    capture.tls(stream, Side::Server, 7, alert);
}

const CaptureOptions following_tls{seconds_ns(60), true};

std::vector<std::string> lines(const std::string &text)
{
    std::vector<std::string> result;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        result.push_back(text.substr(start, end - start));
    return result;
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

void test_csv_header_names_every_column(void **)
{
    const std::string csv = conversation_table_csv({});
    assert_string_equal(csv.c_str(),
                        "stream,client,server,roles_guessed,handshake,close,initiator,reset_by,time_wait,conn_state,"
                        "history,ts,duration,irtt,handshake_time,bytes_client,bytes_server,segments_client,"
                        "segments_server,retransmissions_client,retransmissions_server,"
                        "retransmitted_bytes_client,retransmitted_bytes_server,duplicate_acks_client,"
                        "duplicate_acks_server,zero_windows_client,zero_windows_server,out_of_order_client,"
                        "out_of_order_server,sack_segments_client,sack_segments_server,rtt_min_client,"
                        "rtt_avg_client,rtt_max_client,rtt_min_server,rtt_avg_server,rtt_max_server,"
                        "throughput_client,throughput_server,ip_bytes_client,ip_bytes_server,application,anomalies,"
                        "tls_handshake,tls_version,tls_steps,tls_time,tls_after_tcp,tls_sni,tls_alpn,tls_cipher,"
                        "tls_alert\n");
}

// The ClientHello at 4 ms, the server's Finished at 7: 3 ms of TLS, 4 ms after the ACK
// that completed TCP's handshake (3 ms).
void test_csv_tls_columns_of_a_full_handshake(void **)
{
    TestCapture capture(following_tls);
    tls12_conversation(capture, 0);
    assert_true(contains(conversation_table_csv(capture.rows()),
                         ",complete,TLS 1.2,4,0.003000,0.004000,example.org,h2,TLS_RSA_WITH_AES_128_GCM_SHA256,\n"));
}

// Followed: "none" where no TLS came; not followed: every TLS column empty.
void test_csv_tls_columns_without_tls(void **)
{
    TestCapture followed(following_tls);
    merged_close(followed, 0);
    assert_true(contains(conversation_table_csv(followed.rows()), ",none,,,,,,,,\n"));
    TestCapture unfollowed;
    tls12_conversation(unfollowed, 0);
    assert_true(contains(conversation_table_csv(unfollowed.rows()), ",,,,,,,,,\n"));
}

void test_csv_tls_alert(void **)
{
    TestCapture capture(following_tls);
    tls_refused(capture, 0);
    // Ended by the alert at 5 ms: 1 ms after the ClientHello, 2 after TCP's handshake.
    assert_true(contains(conversation_table_csv(capture.rows()), ",alert,,2,0.001000,0.002000,,,,Handshake Failure\n"));
}

void test_text_tls_column(void **)
{
    TestCapture capture(following_tls);
    tls12_conversation(capture, 0);
    tls_refused(capture, 1);
    const std::vector<std::string> table = lines(conversation_table_text(capture.rows(), TableContext{}));
    const std::string &heading = table[6];
    assert_true(contains(heading, "  TLS               TLS time  Anomalies"));
    assert_true(contains(table[7], "  TLS 1.2 complete  0.003000  -"));
    assert_true(contains(table[8], "  alert             0.001000  -"));
}

void test_csv_row_of_a_merged_close(void **)
{
    TestCapture capture;
    merged_close(capture, 0);
    const std::vector<std::string> csv = lines(conversation_table_csv(capture.rows()));
    assert_int_equal(csv.size(), 2);
    // SYN at 1 ms, SYN-ACK at 2, ACK at 3: iRTT = handshake time = 2 ms; last frame at 9 ms.
    // The test segments come without Wireshark's analysis and IP lengths: those counters
    // are empty, SACK counts 0; 100 bytes in 8 ms are 100 000 bit/s.
    const std::string history(capture.record(0).zeek.history());
    assert_string_equal(csv[1].c_str(), ("0,10.0.0.1:40000,10.0.0.2:80,no,complete,three-way,client,,client,SF," +
                                         history + ",0.001000,0.008000,0.002000,0.002000,100,300,6,3,"
                                         ",,,,,,,,,,0,0,,,,,,,100000,300000,,,,"
                                         ",,,,,,,,,") // TLS not followed
                                            .c_str());
}

void test_csv_unknown_values_are_empty(void **)
{
    TestCapture capture;
    capture.step(0, Side::Client, SYN);
    const std::vector<std::string> csv = lines(conversation_table_csv(capture.rows()));
    assert_string_equal(csv[1].c_str(),
                        "0,10.0.0.1:40000,10.0.0.2:80,no,unanswered,none,,,none,S0,S,0.001000,0.000000,,,0,0,1,0,"
                        // the server sent nothing: 0 IP bytes, known
                        ",,,,,,,,,,0,0,,,,,,,,,,0,,syn_unanswered,,,,,,,,,");
}

void test_csv_lists_every_anomaly_of_the_conversation(void **)
{
    TestCapture capture;
    capture.step(0, Side::Client, SYN);
    capture.hosts(0).rewind_seq(Side::Client, 1); // the same SYN again, then refused
    capture.step(0, Side::Client, SYN);
    capture.step(0, Side::Server, RST | ACK);
    const ConversationRow row = capture.row(0);
    assert_true(row.anomalies.has(Anomaly::SynRetransmitted));
    assert_true(row.anomalies.has(Anomaly::SynRejected));
    // The TLS columns follow, empty: the capture does not follow TLS.
    assert_true(contains(conversation_table_csv({row}), ",syn_rejected syn_retransmitted,,,,,,,,,\n") ||
                contains(conversation_table_csv({row}), ",syn_retransmitted syn_rejected,,,,,,,,,\n"));
}

void test_text_times_are_relative_to_the_capture_start(void **)
{
    TestCapture capture;
    merged_close(capture, 0);
    // A capture whose first frame came 2 ms after this conversation's first segment
    // (timestamps need not grow): the start is not negative but zero (README: time_backwards).
    const std::string text = conversation_table_text(capture.rows(), TableContext{3'000'000, ""});
    const std::vector<std::string> table = lines(text);
    assert_true(contains(text, "Filter: none\n"));
    const std::string &row = table[table.size() - 2];
    assert_false(contains(row, "-0."));
    assert_true(contains(row, "  0.000000  "));
    assert_true(contains(row, "  0.008000  "));
    assert_true(row.rfind("     0  10.0.0.1:40000  10.0.0.2:80  complete", 0) == 0);
}

void test_text_marks_guessed_roles(void **)
{
    TestCapture capture;
    capture.step(0, Side::Client, ACK | PSH, 10); // mid-stream: no SYN seen
    capture.step(0, Side::Server, ACK);
    const std::string text = conversation_table_text(capture.rows(), TableContext{});
    assert_true(contains(text, "10.0.0.1:40000*"));
    assert_true(contains(text, "not-seen"));
}

void test_zeek_log_header_and_unset_fields(void **)
{
    TestCapture capture;
    capture.step(0, Side::Client, SYN); // one packet: Zeek logs no duration or byte counts
    const std::vector<std::string> log = lines(conversation_table_zeek(capture.rows(), TableContext{1'000'000, ""}));
    assert_string_equal(log[0].c_str(), "#separator \\x09");
    assert_string_equal(log[4].c_str(), "#path\tconn");
    assert_string_equal(log[5].c_str(), "#open\t1970-01-01-00-00-00");
    const std::string &record = log[8];
    assert_true(record.rfind("0.001000\tC", 0) == 0);
    // missed_bytes 0 (Zeek's default); IP bytes unknown: the test segments carry no IP length.
    assert_true(contains(record, "\t10.0.0.1\t40000\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t-\t0\t-\t-"));
    assert_string_equal(log.back().c_str(), "#close\t1970-01-01-00-00-00");
}

void test_zeek_log_counts_a_lasting_connection(void **)
{
    TestCapture capture;
    merged_close(capture, 0);
    const std::vector<std::string> log = lines(conversation_table_zeek(capture.rows(), TableContext{}));
    assert_true(contains(log[8], "\ttcp\t-\t0.008000\t100\t300\tSF\t"));
    assert_true(contains(log[8], "\t6\t-\t3\t-\t-"));
}

void test_zeek_uids_differ_between_conversations(void **)
{
    TestCapture capture;
    merged_close(capture, 0);
    merged_close(capture, 1);
    const std::vector<std::string> log = lines(conversation_table_zeek(capture.rows(), TableContext{}));
    const std::string first = log[8].substr(log[8].find('\t') + 1, 12);
    const std::string second = log[9].substr(log[9].find('\t') + 1, 12);
    assert_int_equal(first[0], 'C');
    assert_string_not_equal(first.c_str(), second.c_str());
}

void test_percentile_is_nearest_rank(void **)
{
    const std::vector<std::int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assert_int_equal(percentile(ten, 50), 5);
    assert_int_equal(percentile(ten, 90), 9);
    assert_int_equal(percentile(ten, 99), 10);
    assert_int_equal(percentile(ten, 100), 10);
    assert_int_equal(percentile({7}, 50), 7);
}

void test_summary_counts_and_shares(void **)
{
    TestCapture capture;
    merged_close(capture, 0);
    capture.step(1, Side::Client, SYN); // unanswered
    const std::string text = summary_text(summarise(capture.rows()), TableContext{0, "tcp"});
    assert_true(contains(text, "TCP Lifecycle summary: 2 conversations"));
    assert_true(contains(text, "Filter: tcp\n"));
    assert_true(contains(text, "  complete                      1    50.0%\n"));
    assert_true(contains(text, "  unanswered                    1    50.0%\n"));
    assert_true(contains(text, "  three-way                     1    50.0%\n"));
    assert_true(contains(text, "  none                          1    50.0%\n"));
    assert_true(contains(text, "  S0                            1    50.0%\n"));
    assert_true(contains(text, "  syn_unanswered                1    50.0%\n"));
    assert_true(contains(text, "), 1 handshake\n  p50  0.002000 s\n"));
    assert_true(contains(text, "  max  0.002000 s\n"));
}

void test_summary_counts_tls(void **)
{
    TestCapture capture(following_tls);
    tls12_conversation(capture, 0);
    tls_refused(capture, 1);
    merged_close(capture, 2);
    const std::string text = summary_text(summarise(capture.rows()), TableContext{});
    assert_true(contains(text, "TLS handshake\n"
                               "  none                          1    33.3%\n"
                               "  incomplete                    0     0.0%\n"
                               "  complete                      1    33.3%\n"
                               "  resumed                       0     0.0%\n"
                               "  alert                         1    33.3%\n"
                               "TLS version (share of 1 conversation with a negotiated version)\n"
                               "  TLS 1.2                       1   100.0%\n"));
    // The alert's conversation ended its handshake, but did not complete it: not timed.
    assert_true(contains(text, "segment ending the handshake), 1 handshake\n  p50  0.003000 s\n"));
}

void test_summary_tls_not_followed(void **)
{
    TestCapture capture;
    tls12_conversation(capture, 0);
    const std::string text = summary_text(summarise(capture.rows()), TableContext{});
    assert_true(contains(text, "TLS handshake\n  not followed (the preference tcplife.tls_handshakes is off)\n"));
}

void test_summary_of_nothing(void **)
{
    const std::string text = summary_text(summarise({}), TableContext{});
    assert_true(contains(text, "TCP Lifecycle summary: 0 conversations"));
    assert_true(contains(text, "  complete                      0     0.0%\n"));
    assert_true(contains(text, "  none completed\n"));
}

} // namespace

// Streams with a SYN only are rebuilt for the asking; rows kept side by side must each
// keep their own stream's values (the CSV of a SYN flood).
static void test_rows_of_unanswered_syns_keep_their_own_values(void **)
{
    TestCapture capture;
    capture.step(0, Side::Client, SYN);
    capture.step(1, Side::Client, SYN);
    merged_close(capture, 2);
    capture.step(3, Side::Client, SYN);
    const std::vector<ConversationRow> rows = capture.rows();
    assert_int_equal(rows.size(), 4);
    for (std::uint32_t stream = 0; stream < 4; ++stream) {
        assert_int_equal(rows[stream].stream, stream);
        assert_int_equal(rows[stream].facts->client_socket().port, 40000 + stream);
    }
    assert_int_equal(rows[2].verdict.handshake, HandshakeVerdict::Complete);
}

// The glue forgets a connection's stream index at the segment that ends it: the close's
// last ACK, or an obeyed reset; not the FINs before.
void test_frame_record_ends_connection_at_last_ack_or_reset(void **)
{
    TestCapture capture;
    capture.step(0, Side::Client, SYN);
    capture.step(0, Side::Server, SYN | ACK);
    assert_false(capture.step(0, Side::Client, ACK).ends_connection());
    assert_false(capture.step(0, Side::Client, FIN | ACK).ends_connection());
    assert_false(capture.step(0, Side::Server, FIN | ACK).ends_connection());
    assert_true(capture.step(0, Side::Client, ACK).ends_connection());

    capture.step(1, Side::Client, SYN);
    capture.step(1, Side::Server, SYN | ACK);
    capture.step(1, Side::Client, ACK);
    assert_true(capture.step(1, Side::Server, RST | ACK).ends_connection());
}

// The cache keeps no stream index: the caller's comes back, except on an incomplete
// frame, which loads as mark_incomplete returned it.
void test_frame_loads_with_the_callers_stream(void **)
{
    Capture capture;
    Hosts hosts(40000, 80, 0);
    Segment syn = hosts.exchange(Side::Client, SYN);
    syn.stream = 5;
    syn.frame = 1;
    const FrameRecord observed = capture.observe(syn);
    capture.mark_incomplete(2);
    assert_int_equal(capture.frame(1, 5)->annotation.stream, 5);
    assert_int_equal(capture.frame(1, 5)->annotation.client_after, observed.annotation.client_after);
    const std::optional<FrameRecord> incomplete = capture.frame(2, 5);
    assert_true(incomplete->kind == FrameRecord::Kind::Incomplete);
    assert_int_equal(incomplete->annotation.stream, 0);
    assert_false(capture.frame(3, 5).has_value());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_record_ends_connection_at_last_ack_or_reset),
        cmocka_unit_test(test_frame_loads_with_the_callers_stream),
        cmocka_unit_test(test_csv_header_names_every_column),
        cmocka_unit_test(test_rows_of_unanswered_syns_keep_their_own_values),
        cmocka_unit_test(test_csv_row_of_a_merged_close),
        cmocka_unit_test(test_csv_unknown_values_are_empty),
        cmocka_unit_test(test_csv_lists_every_anomaly_of_the_conversation),
        cmocka_unit_test(test_text_times_are_relative_to_the_capture_start),
        cmocka_unit_test(test_text_marks_guessed_roles),
        cmocka_unit_test(test_zeek_log_header_and_unset_fields),
        cmocka_unit_test(test_zeek_log_counts_a_lasting_connection),
        cmocka_unit_test(test_zeek_uids_differ_between_conversations),
        cmocka_unit_test(test_percentile_is_nearest_rank),
        cmocka_unit_test(test_summary_counts_and_shares),
        cmocka_unit_test(test_summary_of_nothing),
        cmocka_unit_test(test_summary_counts_tls),
        cmocka_unit_test(test_summary_tls_not_followed),
        cmocka_unit_test(test_csv_tls_columns_of_a_full_handshake),
        cmocka_unit_test(test_csv_tls_columns_without_tls),
        cmocka_unit_test(test_csv_tls_alert),
        cmocka_unit_test(test_text_tls_column),
    };
    return cmocka_run_group_tests_name("reports", tests, nullptr, nullptr);
}
