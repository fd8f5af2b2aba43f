// The one place the state machine's wording is tested: expert sentences, Info column marks,
// the sender's text and the state names users filter on. The state tests (test_handshake,
// test_close, test_observer_edges, test_transitions) assert states and ids only, so a
// sentence reworded here breaks nothing there.
#include "flow.hpp"

#include "report/ssl_log.hpp"
#include "text/ladder_labels.hpp"
#include "text/tls_text.hpp"

using namespace tcplife;
using namespace tcplife::test;
using S = TcpState;

// ---- State names --------------------------------------------------------------------

static void test_state_names_are_rfc_spelling(void **)
{
    assert_string_equal(state_name(S::Unknown), "UNKNOWN");
    assert_string_equal(state_name(S::SynReceived), "SYN_RECEIVED");
    assert_string_equal(state_name(S::FinWait1), "FIN_WAIT_1");
    assert_string_equal(state_name(S::CloseWait), "CLOSE_WAIT");
    assert_string_equal(state_name(S::TimeWait), "TIME_WAIT");
}

// ---- Opening --------------------------------------------------------------------------

static void test_closed_syn_wording(void **)
{
    Flow flow;
    const Annotation a = flow.step(Side::Client, SYN);
    assert_true(has_message(a, ExpertKind::HandshakeSyn,
                            "Handshake step 1 (SYN): client ISN 4294967280, so the SYN-ACK must acknowledge "
                            "4294967281"));
}

static void test_listen_rst_refuses_syn_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation a = flow.step(Side::Server, RST | ACK);
    assert_true(has_message(a, ExpertKind::SynRejected,
                            "Connection refused: the server answers the SYN with RST, nobody listens on port 80"));
}

static void test_syn_sent_synack_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation a = flow.step(Side::Server, SYN | ACK);
    assert_true(has_message(a, ExpertKind::HandshakeSynAck,
                            "Handshake step 2 (SYN-ACK): ack 4294967281 = client ISN + 1 (a SYN takes one "
                            "sequence number)"));
}

static void test_syn_sent_synack_wrong_ack_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    Segment synack = flow.exchange(Side::Server, SYN | ACK);
    synack.ack = SeqNumber(client_isn + 7);
    const Annotation a = flow.observe(synack);
    assert_true(has_message(a, ExpertKind::HandshakeAckMismatch,
                            "Handshake step 2 (SYN-ACK): ack 4294967287 does not acknowledge the client's SYN: "
                            "expected client ISN + 1 = 4294967281, actual 4294967287"));
}

static void test_syn_sent_synack_acks_syn_data_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN, 20);
    const Annotation a = flow.step(Side::Server, SYN | ACK);
    assert_true(has_message(a, ExpertKind::HandshakeSynAck,
                            "Handshake step 2 (SYN-ACK): ack 5 covers the client's SYN (ISN + 1 = 4294967281) and "
                            "data sent with it (TCP Fast Open) or before this SYN-ACK"));
}

static void test_syn_received_ack_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    const Annotation a = flow.step(Side::Client, ACK);
    assert_true(has_message(a, ExpertKind::HandshakeAck,
                            "Handshake step 3 (ACK): ack 4294967291 = server ISN + 1; the connection is "
                            "ESTABLISHED"));
}

static void test_syn_received_ack_wrong_number_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    Segment ack = flow.exchange(Side::Client, ACK);
    ack.ack = SeqNumber(server_isn + 5);
    const Annotation a = flow.observe(ack);
    assert_true(has_message(a, ExpertKind::HandshakeAckMismatch,
                            "Handshake step 3 (ACK): ack 4294967295 does not acknowledge the server's SYN: "
                            "expected server ISN + 1 = 4294967291, actual 4294967295"));
    Segment rst = flow.send(Side::Server, RST);
    rst.seq = ack.ack;
    assert_true(has_message(flow.observe(rst), ExpertKind::Reset,
                            "RST from the server in SYN_RECEIVED, answering the client's unacceptable ACK "
                            "4294967295: the server keeps its state (RFC 9293 3.10.7.4)"));
}

static void test_established_handshake_ack_repeated_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    const Segment ack = flow.exchange(Side::Client, ACK);
    flow.observe(ack);
    assert_true(has_message(flow.observe(ack), ExpertKind::AckRetransmitted,
                            "Handshake step 3 (ACK), attempt 2: the same ACK again"));
}

static void test_unknown_synack_refused_wording(void **)
{
    Flow flow(5555, 80);
    const Segment synack = flow.exchange(Side::Server, SYN | ACK);
    flow.observe(synack);
    Segment refusal = flow.send(Side::Client, RST);
    refusal.seq = synack.ack;
    assert_true(has_message(flow.observe(refusal), ExpertKind::Reset,
                            "Connection reset by client: it never sent a SYN, so it refuses the SYN-ACK (spoofed "
                            "SYN-ACK or backscatter); the server goes back to LISTEN"));
}

// ---- Mid-stream ---------------------------------------------------------------------------

static void test_unknown_data_wording(void **)
{
    Flow flow(51000, 80);
    const Annotation a = flow.step(Side::Client, ACK | PSH, 100);
    assert_string_equal(sender_text(a), "client (guessed from ports)");
    assert_true(has_message(a, ExpertKind::MidstreamStart,
                            "Capture began mid-stream: no handshake seen, so the roles are guessed from the ports "
                            "(server on port 80) and both states are UNKNOWN until a segment shows them"));
}

// ---- Closing and aborts -------------------------------------------------------------------

static void test_established_fin_wording(void **)
{
    Flow flow;
    established_with_data(flow);
    assert_true(has_message(flow.step(Side::Client, FIN | ACK), ExpertKind::CloseFin, "Close step 1 (FIN) by client"));
}

static void test_established_server_close_wording(void **)
{
    Flow flow;
    established_with_data(flow);
    flow.step(Side::Server, FIN | ACK);
    flow.step(Side::Client, ACK);
    flow.step(Side::Client, FIN | ACK);
    assert_true(has_message(flow.step(Side::Server, ACK), ExpertKind::TimeWait,
                            "Close step 4 (ACK): TIME_WAIT expected on the server for 60 s"));
}

static void test_established_rst_wording(void **)
{
    Flow server_resets;
    established_with_data(server_resets);
    assert_true(has_message(server_resets.step(Side::Server, RST | ACK), ExpertKind::Reset,
                            "Connection reset by server in ESTABLISHED"));
    Flow client_resets;
    established_with_data(client_resets);
    assert_true(has_message(client_resets.step(Side::Client, RST | ACK), ExpertKind::Reset,
                            "Connection reset by client in ESTABLISHED"));
}

static void test_established_blind_rst_wording(void **)
{
    Flow flow;
    established_with_data(flow);
    Segment rst = flow.send(Side::Client, RST);
    rst.seq = SeqNumber(rst.seq.raw() + 100000);
    const Annotation a = flow.observe(rst);
    assert_true(has_message(a, ExpertKind::RstOutOfWindow,
                            "RST from the client in ESTABLISHED is out of window (seq 100085, the server "
                            "expects 85): ignored, as RFC 5961 asks (a blind or stale reset)"));
    assert_string_equal(info_marks(a).data(), " [RST ignored]");
}

static void test_fin_wait_1_ack_wording(void **)
{
    Flow flow;
    client_fin_wait_1(flow);
    // client FIN at 0xFFFFFFF0 + 1 + 100, so the ACK wraps past zero
    assert_true(has_message(flow.step(Side::Server, ACK), ExpertKind::CloseAck,
                            "Close step 2 (ACK): ack 86 = client FIN + 1 (a FIN takes one sequence number)"));
}

static void test_fin_wait_1_finack_merged_wording(void **)
{
    Flow flow;
    client_fin_wait_1(flow);
    assert_true(has_message(flow.step(Side::Server, FIN | ACK), ExpertKind::MergedClose,
                            "FIN+ACK merged close (close steps 2 and 3 in one segment): the server acknowledges the "
                            "client's FIN (ack 86 = FIN + 1) and closes at once"));
}

static void test_fin_wait_1_same_fin_again_wording(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    flow.observe(fin);
    assert_true(has_message(flow.observe(fin), ExpertKind::FinRetransmitted,
                            "Close step 1 (FIN) by client, attempt 2: the FIN is sent again, not yet acknowledged"));
}

static void test_fin_wait_1_fin_retransmitted_with_new_ack_wording(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment client_fin = flow.send(Side::Client, FIN | ACK);
    flow.observe(client_fin); // lost on the way to the server
    flow.step(Side::Server, FIN | ACK);
    Segment again = client_fin;
    again.ack = SeqNumber(flow.send(Side::Client, ACK).ack);
    const Annotation a = flow.observe(again);
    assert_string_equal(info_marks(a).data(), " [FIN 1/4 #2] [ACK 4/4] [TIME_WAIT]");
    assert_true(has_message(a, ExpertKind::TimeWait, "Close step 4 (ACK): TIME_WAIT expected on the client for 60 s"));
}

static void test_close_wait_ack_repeated_wording(void **)
{
    Flow flow;
    established_with_data(flow);
    const Segment fin = flow.exchange(Side::Client, FIN | ACK);
    flow.observe(fin);
    const Segment step2 = flow.exchange(Side::Server, ACK);
    flow.observe(step2);
    flow.observe(fin);
    assert_string_equal(info_marks(flow.observe(step2)).data(), " [ACK 2/4 #2]");
}

static void test_fin_wait_2_fin_wording(void **)
{
    Flow flow;
    client_fin_wait_2(flow);
    assert_true(has_message(flow.step(Side::Server, FIN | ACK), ExpertKind::CloseFin, "Close step 3 (FIN) by server"));
}

static void test_last_ack_ack_wording(void **)
{
    Flow flow;
    server_last_ack(flow);
    assert_true(has_message(flow.step(Side::Client, ACK), ExpertKind::TimeWait,
                            "Close step 4 (ACK): TIME_WAIT expected on the client for 60 s"));
}

static void test_last_ack_ack_time_wait_length_is_a_setting(void **)
{
    Flow flow;
    server_last_ack(flow);
    const Annotation a = flow.step(Side::Client, ACK);
    const ExpertMessages messages = describe(a, DescribeOptions{240});
    assert_int_equal(messages.count, 1);
    assert_string_equal(messages.items[0].text.data(), "Close step 4 (ACK): TIME_WAIT expected on the client for 240 s");
}

// ---- Info column marks, a whole conversation ------------------------------------------------

static void test_info_marks(void **)
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    assert_string_equal(info_marks(flow.observe(syn)).data(), " [HS 1/3]");
    assert_string_equal(info_marks(flow.observe(syn)).data(), " [HS 1/3 #2]");
    assert_string_equal(info_marks(flow.step(Side::Server, SYN | ACK)).data(), " [HS 2/3]");
    flow.step(Side::Client, ACK);
    assert_string_equal(info_marks(flow.step(Side::Client, FIN | ACK)).data(), " [FIN 1/4]");
    assert_string_equal(info_marks(flow.step(Side::Server, FIN | ACK)).data(), " [FIN+ACK 2+3/4]");
    assert_string_equal(info_marks(flow.step(Side::Client, ACK)).data(), " [ACK 4/4] [TIME_WAIT]");
}

// ---- What the state model does not expect ------------------------------------------------

static void test_syn_sent_fin_unexpected_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    const Annotation a = flow.step(Side::Client, FIN);
    assert_true(has_message(a, ExpertKind::UnexpectedEvent,
                            "tcplife's state model did not expect this segment: SendFin (the client, in SYN_SENT) "
                            "leaves its state as it was (2 events of this segment unexplained); the capture may lack "
                            "a segment, or the model a row"));
}

// ---- Numbers as the packet list shows them ------------------------------------------------

static void test_syn_received_ack_relative_numbers_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.step(Side::Server, SYN | ACK);
    const Annotation a = flow.step(Side::Client, ACK);
    DescribeOptions relative;
    relative.relative_numbers = true;
    const ExpertMessages messages = describe(a, relative, &flow.facts());
    assert_int_equal(messages.count, 1);
    assert_string_equal(messages.items[0].text.data(),
                        "Handshake step 3 (ACK): ack 1 (raw 4294967291) = server ISN + 1; the connection is "
                        "ESTABLISHED");
}

// A sequence space that wraps past 2^32 still counts on from its base.
static void test_fin_wait_1_relative_numbers_across_wrap_wording(void **)
{
    Flow flow;
    client_fin_wait_1(flow); // the client sent 100 B from ISN 0xFFFFFFF0, and its FIN
    const Annotation a = flow.step(Side::Server, ACK);
    DescribeOptions relative;
    relative.relative_numbers = true;
    const ExpertMessages messages = describe(a, relative, &flow.facts());
    assert_int_equal(messages.count, 1);
    assert_string_equal(messages.items[0].text.data(),
                        "Close step 2 (ACK): ack 102 (raw 86) = client FIN + 1 (a FIN takes one sequence number)");
}

static void test_established_rexmit_inconsistency_wording(void **)
{
    Flow flow;
    handshake(flow);
    Segment real = flow.send(Side::Server, ACK | PSH, 4);
    real.payload_digested = true;
    real.payload_digest = PayloadDigest{1, 1};
    flow.observe(real);
    Segment other = real;
    other.payload_digest = PayloadDigest{2, 2};
    assert_true(has_message(flow.observe(other), ExpertKind::RexmitInconsistency,
                            "Data from the server at the sequence numbers of its previous segment, but different "
                            "bytes: one copy was injected (a forged segment racing the real one) or corrupted; the "
                            "client keeps the first to arrive (Zeek: rexmit_inconsistency)"));
}

// ---- What the capture lacks or reordered -------------------------------------------------

static void test_listen_synack_before_syn_wording(void **)
{
    Flow flow;
    const Segment syn = flow.exchange(Side::Client, SYN);
    assert_true(has_message(flow.step(Side::Server, SYN | ACK), ExpertKind::SynAckBeforeSyn,
                            "Handshake step 2 (SYN-ACK) before any SYN from the client: its SYN was not captured, "
                            "comes later in the capture (reordered), or nobody sent it (a spoofed SYN-ACK, "
                            "backscatter); what the client does next tells"));
    assert_true(has_message(flow.observe(syn), ExpertKind::SynReordered,
                            "SYN captured after the SYN-ACK that answers it (that SYN-ACK acknowledges this ISN + "
                            "1): the capture reordered them (two capture queues, merged captures, a mirror port), so "
                            "the SYN-ACK was solicited"));
}

static void test_unknown_synack_unsolicited_at_end_wording(void **)
{
    Flow flow;
    flow.exchange(Side::Client, SYN); // not captured
    flow.step(Side::Server, SYN | ACK);
    const ExpertMessages messages = describe_end_of_capture(flow.verdict(), flow.facts());
    assert_int_equal(messages.count, 1);
    assert_int_equal(static_cast<int>(messages.items[0].kind), static_cast<int>(ExpertKind::UnsolicitedSynAck));
    assert_string_equal(messages.items[0].text.data(),
                        "SYN-ACK without a SYN: by the end of the capture no SYN from the client matched it and the "
                        "client never acknowledged it (a spoofed SYN-ACK, backscatter from a flood with forged "
                        "sources, or a SYN and all that followed it not captured)");
}

static void test_unknown_ack_proves_syn_wording(void **)
{
    Flow flow;
    flow.exchange(Side::Client, SYN); // not captured
    flow.step(Side::Server, SYN | ACK);
    assert_true(has_message(flow.step(Side::Client, ACK), ExpertKind::SynNotCaptured,
                            "The client acknowledges the server's SYN-ACK, so it had sent a SYN, which the capture "
                            "lacks (only a side in SYN_SENT accepts a SYN-ACK, RFC 9293 3.10.7.3)"));
}

static void test_syn_sent_ack_proves_synack_wording(void **)
{
    Flow flow;
    flow.step(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK); // not captured
    assert_true(has_message(flow.step(Side::Client, ACK), ExpertKind::SynAckNotCaptured,
                            "SYN-ACK not captured: the client in SYN_SENT acknowledges nothing until a SYN-ACK "
                            "arrives (RFC 9293 3.10.7.3), so this ACK proves the server's SYN-ACK; both sides go on "
                            "from it"));
}

static void test_listen_data_proves_synack_and_ack_wording(void **)
{
    Flow flow(50000, 25);
    flow.step(Side::Client, SYN);
    flow.exchange(Side::Server, SYN | ACK); // not captured
    flow.exchange(Side::Client, ACK);       // not captured
    const Annotation banner = flow.step(Side::Server, ACK | PSH, 20);
    assert_true(has_message(banner, ExpertKind::SynAckNotCaptured,
                            "SYN-ACK not captured: the server acknowledges the client's SYN, which a listener does "
                            "only in its SYN-ACK (RFC 9293 3.10.7.2), so it had sent one"));
    assert_true(has_message(banner, ExpertKind::HandshakeAckNotCaptured,
                            "Handshake ACK not captured: the server sends data (or sent some not captured), which it "
                            "does only once the client's ACK of its SYN-ACK made it ESTABLISHED (RFC 9293 3.10.7.4)"));
}

static void test_closed_rst_answers_stray_segment_wording(void **)
{
    Flow flow;
    established_with_data(flow);
    flow.step(Side::Client, RST | ACK);
    flow.step(Side::Server, FIN | ACK);
    const Annotation answer = flow.step(Side::Client, RST);
    assert_true(has_message(answer, ExpertKind::ResetFromClosed,
                            "RST from the client, already CLOSED, answering the server's segment after the "
                            "connection ended (RFC 9293 3.10.7.1): no state changes"));
    assert_string_equal(info_marks(answer).data(), " [RST]");
}

// ---- TLS handshake flights ------------------------------------------------------------

static TlsStep tls_step(std::uint8_t number, std::uint8_t expected, TlsFlight flight, TlsMessages messages)
{
    TlsStep step;
    step.step = number;
    step.steps_expected = expected;
    step.flight = flight;
    step.explains_flight = true;
    step.messages = messages;
    return step;
}

static void test_tls_step_wording(void **)
{
    const TlsStep step = tls_step(2, 4, TlsFlight::ServerHello12,
                                  {TlsMessage::ServerKeyExchange, TlsMessage::ServerHelloDone});
    assert_string_equal(tls_messages_text(step).c_str(), "ServerKeyExchange, ServerHelloDone");
    assert_string_equal(tls_info_mark(step).data(), " [TLS 2/4]");
    const ExpertMessages messages = describe_tls(step, Role::Server, nullptr, true);
    assert_int_equal(messages.count, 1);
    assert_int_equal(static_cast<int>(messages.items[0].kind), static_cast<int>(ExpertKind::TlsStep));
    assert_string_equal(messages.items[0].text.data(),
                        "TLS step 2 (ServerKeyExchange, ServerHelloDone): the server chooses the version and cipher "
                        "suite, and sends its random, certificate and key exchange");
}

static void test_tls_messages_wording(void **)
{
    // TLS 1.3's records inside the flights, and TLS 1.2's Finished, are unreadable.
    const TlsStep step = tls_step(2, 3, TlsFlight::ServerHello13,
                                  {TlsMessage::ServerHello, TlsMessage::ChangeCipherSpec, TlsMessage::ApplicationData,
                                   TlsMessage::ApplicationData});
    assert_string_equal(tls_messages_text(step).c_str(), "ServerHello, ChangeCipherSpec, encrypted handshake");
    assert_string_equal(tls_messages_text(tls_step(2, 4, TlsFlight::Unknown, {})).c_str(), "part of a record");
    assert_string_equal(tls_info_mark(TlsStep{}).data(), "");
}

static void test_tls_alert_and_end_wording(void **)
{
    const TlsStep alert = tls_step(3, 4, TlsFlight::Alert, {TlsMessage::Alert});
    const ExpertMessages messages = describe_tls(alert, Role::Client, "Unknown CA", true);
    assert_int_equal(static_cast<int>(messages.items[0].kind), static_cast<int>(ExpertKind::TlsAlert));
    assert_string_equal(messages.items[0].text.data(),
                        "TLS handshake ended by an alert from the client in step 3: Unknown CA");
    TlsFacts cut;
    cut.outcome = TlsOutcome::Incomplete;
    cut.steps = 2;
    assert_string_equal(describe_tls_end_of_capture(cut).items[0].text.data(),
                        "TLS handshake incomplete at the end of the capture: it stopped in step 2");
    TlsStep surprise;
    surprise.unexpected = TlsSurprise::ServerFirst;
    assert_string_equal(describe_tls(surprise, Role::Server, nullptr, true).items[0].text.data(),
                        "TLS from the server before any from the client: the capture may have begun after the "
                        "ClientHello; no steps counted");
}

static void test_tls_ladder_wording(void **)
{
    using ladder::tls_step_labels;
    TlsStep alert = tls_step(3, 4, TlsFlight::Alert, {TlsMessage::Alert});
    alert.ends_handshake = true;
    alert.phase_after = TlsPhase::Failed;
    const std::vector<std::string> labels = tls_step_labels(alert);
    assert_int_equal(labels.size(), 2);
    assert_string_equal(labels[0].c_str(), "TLS 3/4: Alert");
    assert_string_equal(labels[1].c_str(), "TLS handshake failed");
    TlsStep last = tls_step(3, 3, TlsFlight::ClientFinishes13, {TlsMessage::ApplicationData});
    last.ends_handshake = true;
    last.phase_after = TlsPhase::Complete;
    assert_string_equal(tls_step_labels(last).back().c_str(), "TLS handshake complete");
    assert_true(tls_step_labels(TlsStep{}).empty());

    TlsFacts facts;
    facts.outcome = TlsOutcome::Alert;
    facts.version = 0x0303;
    facts.steps = 3;
    facts.alert_name.assign("Unknown CA", 10);
    assert_string_equal(ladder::tls_title(facts, TlsTimes{true, 2'197'000, true, 2'881'000}).c_str(),
                        "TLS: TLS 1.2 alert (Unknown CA), 3 steps in 0.002197 s (0.002881 s after TCP's handshake)");
    facts = TlsFacts{};
    facts.outcome = TlsOutcome::Incomplete;
    facts.steps = 1;
    assert_string_equal(ladder::tls_title(facts, TlsTimes{}).c_str(), "TLS: incomplete, 1 step");
}

static void test_tls_conversation_names(void **)
{
    assert_string_equal(tls_version_name(0x0304), "TLS 1.3");
    assert_string_equal(tls_version_name(0x0303), "TLS 1.2");
    assert_string_equal(tls_outcome_name(TlsOutcome::Resumed), "resumed");
    assert_string_equal(tls_outcome_name(TlsOutcome::Incomplete), "incomplete");
    // Zeek's ssl.log names
    assert_string_equal(zeek_tls_version_name(0x0303).c_str(), "TLSv12");
    assert_string_equal(zeek_tls_version_name(0x0304).c_str(), "TLSv13");
    assert_string_equal(zeek_tls_version_name(0x7f17).c_str(), "TLSv13-draft23");
    assert_string_equal(zeek_tls_version_name(0x7e01).c_str(), "unknown-32257");
    assert_string_equal(zeek_tls_version_name(0).c_str(), "-");
    assert_string_equal(tls_alert_rfc_name(48), "unknown_ca");
    assert_string_equal(tls_alert_rfc_name(40), "handshake_failure");
    assert_null(tls_alert_rfc_name(255));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_names_are_rfc_spelling),
        cmocka_unit_test(test_closed_syn_wording),
        cmocka_unit_test(test_listen_rst_refuses_syn_wording),
        cmocka_unit_test(test_syn_sent_synack_wording),
        cmocka_unit_test(test_syn_sent_synack_wrong_ack_wording),
        cmocka_unit_test(test_syn_sent_synack_acks_syn_data_wording),
        cmocka_unit_test(test_syn_received_ack_wording),
        cmocka_unit_test(test_syn_received_ack_wrong_number_wording),
        cmocka_unit_test(test_established_handshake_ack_repeated_wording),
        cmocka_unit_test(test_unknown_synack_refused_wording),
        cmocka_unit_test(test_unknown_data_wording),
        cmocka_unit_test(test_established_fin_wording),
        cmocka_unit_test(test_established_server_close_wording),
        cmocka_unit_test(test_established_rst_wording),
        cmocka_unit_test(test_established_blind_rst_wording),
        cmocka_unit_test(test_fin_wait_1_ack_wording),
        cmocka_unit_test(test_fin_wait_1_finack_merged_wording),
        cmocka_unit_test(test_fin_wait_1_same_fin_again_wording),
        cmocka_unit_test(test_fin_wait_1_fin_retransmitted_with_new_ack_wording),
        cmocka_unit_test(test_close_wait_ack_repeated_wording),
        cmocka_unit_test(test_fin_wait_2_fin_wording),
        cmocka_unit_test(test_last_ack_ack_wording),
        cmocka_unit_test(test_last_ack_ack_time_wait_length_is_a_setting),
        cmocka_unit_test(test_info_marks),
        cmocka_unit_test(test_syn_sent_fin_unexpected_wording),
        cmocka_unit_test(test_syn_received_ack_relative_numbers_wording),
        cmocka_unit_test(test_fin_wait_1_relative_numbers_across_wrap_wording),
        cmocka_unit_test(test_listen_synack_before_syn_wording),
        cmocka_unit_test(test_established_rexmit_inconsistency_wording),
        cmocka_unit_test(test_unknown_synack_unsolicited_at_end_wording),
        cmocka_unit_test(test_unknown_ack_proves_syn_wording),
        cmocka_unit_test(test_syn_sent_ack_proves_synack_wording),
        cmocka_unit_test(test_listen_data_proves_synack_and_ack_wording),
        cmocka_unit_test(test_closed_rst_answers_stray_segment_wording),
        cmocka_unit_test(test_tls_step_wording),
        cmocka_unit_test(test_tls_messages_wording),
        cmocka_unit_test(test_tls_alert_and_end_wording),
        cmocka_unit_test(test_tls_ladder_wording),
        cmocka_unit_test(test_tls_conversation_names),
    };
    return cmocka_run_group_tests_name("wording", tests, nullptr, nullptr);
}
