// TLS handshake flights (tls/tls_handshake.hpp), as the transition table reads: one test
// per (phase, event), fixtures that reach each phase, segment builders per message run.
#include "cmocka_cpp.hpp"
#include "flow.hpp"

#include "tls/tls_handshake.hpp"

#include <initializer_list>

using namespace tcplife;
using namespace tcplife::test;
using M = TlsMessage;

namespace {

// The observer, fed frames numbered 1, 2, ...
class Observed : public TlsHandshake {
public:
    TlsStep observe_at(const TlsSegment &segment) { return observe(segment, ++frame_); }

private:
    std::uint32_t frame_ = 0;
};

TlsSegment tls(Role sender, std::initializer_list<TlsMessage> messages)
{
    TlsSegment segment;
    segment.sender = sender;
    segment.has_payload = true;
    segment.carries_tls = true;
    segment.messages = TlsMessages(messages);
    return segment;
}
TlsSegment client(std::initializer_list<TlsMessage> messages) { return tls(Role::Client, messages); }
TlsSegment server(std::initializer_list<TlsMessage> messages) { return tls(Role::Server, messages); }
TlsSegment offering_tls13(TlsSegment segment)
{
    segment.lists_tls13 = true;
    return segment;
}
TlsSegment with_session_id(TlsSegment segment, std::uint8_t first_byte)
{
    segment.session_id.length = 32;
    segment.session_id.bytes[0] = first_byte;
    return segment;
}
TlsSegment plaintext(Role sender)
{
    TlsSegment segment;
    segment.sender = sender;
    segment.has_payload = true;
    return segment;
}

void assert_step(const TlsStep &step, int number, int expected)
{
    assert_int_equal(step.step, number);
    assert_int_equal(step.steps_expected, expected);
    assert_true(step.unexpected == TlsSurprise::None);
}

// Fixtures, each built from the previous one like the phases they reach.
void tls12_client_hello(Observed &tls) { tls.observe_at(with_session_id(client({M::ClientHello}), 7)); }
void tls12_server_flight(Observed &tls)
{
    tls12_client_hello(tls);
    tls.observe_at(with_session_id(server({M::ServerHello}), 9));
    tls.observe_at(server({M::Certificate}));
    tls.observe_at(server({M::ServerKeyExchange, M::ServerHelloDone}));
}
void tls12_complete(Observed &tls)
{
    tls12_server_flight(tls);
    tls.observe_at(client({M::ClientKeyExchange, M::ChangeCipherSpec, M::EncryptedHandshake}));
    tls.observe_at(server({M::NewSessionTicket, M::ChangeCipherSpec, M::EncryptedHandshake}));
}
void tls13_client_hello(Observed &tls) { tls.observe_at(offering_tls13(client({M::ClientHello}))); }
void tls13_server_flight(Observed &tls)
{
    tls13_client_hello(tls);
    tls.observe_at(offering_tls13(server({M::ServerHello, M::ChangeCipherSpec, M::ApplicationData})));
    tls.observe_at(server({M::ApplicationData, M::ApplicationData}));
}

} // namespace

// ---- NotStarted ---------------------------------------------------------------------

static void test_not_started_client_opens(void **)
{
    Observed tls;
    assert_step(tls.observe_at(client({M::ClientHello})), 1, 4); // TLS 1.2 offered: a full handshake is 4
    Observed tls13;
    const TlsStep step = tls13.observe_at(offering_tls13(client({M::ClientHello})));
    assert_step(step, 1, 3);
    assert_int_equal(step.messages.size(), 1);
    assert_int_equal(static_cast<int>(tls13.phase()), static_cast<int>(TlsPhase::Flights));
}

static void test_not_started_client_opens_with_part_of_a_record(void **) // a ClientHello over two segments
{
    Observed tls;
    const TlsStep first = tls.observe_at(client({}));
    assert_step(first, 1, 4);
    assert_true(first.messages.empty());
    assert_step(tls.observe_at(client({M::ClientHello})), 1, 4);
}

static void test_not_started_no_tls(void **) // plaintext before STARTTLS
{
    Observed tls;
    const TlsStep step = tls.observe_at(plaintext(Role::Client));
    assert_step(step, 0, 0);
    assert_int_equal(static_cast<int>(tls.phase()), static_cast<int>(TlsPhase::NotStarted));
    assert_step(tls.observe_at(plaintext(Role::Server)), 0, 0);
    assert_step(tls.observe_at(client({M::ClientHello})), 1, 4);
}

static void test_not_started_server_first(void **) // the capture began after the ClientHello
{
    Observed tls;
    const TlsStep step = tls.observe_at(server({M::Certificate}));
    assert_int_equal(step.step, 0);
    assert_true(step.unexpected != TlsSurprise::None);
    assert_int_equal(static_cast<int>(tls.phase()), static_cast<int>(TlsPhase::NotStarted));
}

// ---- Flights --------------------------------------------------------------------------

static void test_flights_same_flight(void **)
{
    Observed tls;
    tls12_client_hello(tls);
    assert_step(tls.observe_at(server({M::ServerHello})), 2, 4);
    assert_step(tls.observe_at(server({})), 2, 4); // the first part of the Certificate record
    assert_step(tls.observe_at(server({M::Certificate})), 2, 4);
}

static void test_flights_answer_tls12_full(void **)
{
    Observed tls;
    tls12_server_flight(tls);
    const TlsStep third = tls.observe_at(client({M::ClientKeyExchange, M::ChangeCipherSpec, M::EncryptedHandshake}));
    assert_step(third, 3, 4);
    assert_false(third.ends_handshake);
    const TlsStep fourth = tls.observe_at(server({M::NewSessionTicket, M::ChangeCipherSpec, M::EncryptedHandshake}));
    assert_step(fourth, 4, 4);
    assert_true(fourth.ends_handshake);
    assert_int_equal(static_cast<int>(tls.phase()), static_cast<int>(TlsPhase::Complete));
    assert_int_equal(static_cast<int>(tls.version()), static_cast<int>(TlsVersion::Tls12OrOlder));
    assert_false(tls.resumed());
    assert_int_equal(tls.steps(), 4);
}

static void test_flights_answer_tls12_resumed(void **) // the ServerHello echoes the session ID
{
    Observed tls;
    tls12_client_hello(tls);
    const TlsStep second =
        tls.observe_at(with_session_id(server({M::ServerHello, M::ChangeCipherSpec, M::EncryptedHandshake}), 7));
    assert_step(second, 2, 3);
    assert_true(tls.resumed());
    const TlsStep third = tls.observe_at(client({M::ChangeCipherSpec, M::EncryptedHandshake}));
    assert_step(third, 3, 3);
    assert_true(third.ends_handshake);
}

static void test_flights_answer_tls13(void **)
{
    Observed tls;
    tls13_client_hello(tls);
    assert_step(tls.observe_at(offering_tls13(server({M::ServerHello, M::ChangeCipherSpec, M::ApplicationData}))), 2,
                3);
    assert_step(tls.observe_at(server({M::ApplicationData})), 2, 3);
    const TlsStep third = tls.observe_at(client({M::ChangeCipherSpec, M::ApplicationData}));
    assert_step(third, 3, 3);
    assert_true(third.ends_handshake);
    assert_int_equal(static_cast<int>(tls.version()), static_cast<int>(TlsVersion::Tls13));
}

static void test_flights_answer_tls13_session_id_is_no_resumption(void **) // RFC 8446 echoes it always
{
    Observed tls;
    tls.observe_at(with_session_id(offering_tls13(client({M::ClientHello})), 5));
    tls.observe_at(with_session_id(offering_tls13(server({M::ServerHello, M::ApplicationData})), 5));
    assert_false(tls.resumed());
}

static void test_flights_answer_tls13_resumed_by_psk(void **) // RFC 8446 section 2.2
{
    Observed tls;
    tls13_client_hello(tls);
    TlsSegment answer = offering_tls13(server({M::ServerHello, M::ApplicationData}));
    answer.psk_selected = true;
    assert_step(tls.observe_at(answer), 2, 3);
    tls.observe_at(client({M::ApplicationData}));
    assert_int_equal(static_cast<int>(tls.facts().outcome), static_cast<int>(TlsOutcome::Resumed));
}

static void test_flights_answer_tls13_draft(void **) // a draft's version still runs TLS 1.3's flights
{
    assert_true(is_tls13_version(0x7f17));
    assert_true(is_tls13_version(0x7e01));
    assert_false(is_tls13_version(0x0303));
}

static void test_flights_answer_hello_retry_request(void **)
{
    Observed tls;
    tls13_client_hello(tls);
    const TlsStep retry = tls.observe_at(offering_tls13(server({M::HelloRetryRequest, M::ChangeCipherSpec})));
    assert_step(retry, 2, 5);
    assert_false(retry.ends_handshake);
    assert_step(tls.observe_at(offering_tls13(client({M::ChangeCipherSpec, M::ClientHello}))), 3, 5);
    assert_step(tls.observe_at(offering_tls13(server({M::ServerHello, M::ApplicationData}))), 4, 5);
    const TlsStep last = tls.observe_at(client({M::ApplicationData}));
    assert_step(last, 5, 5);
    assert_true(last.ends_handshake);
}

static void test_flights_answer_with_alert(void **) // the client rejects the certificate
{
    Observed tls;
    tls12_server_flight(tls);
    const TlsStep alert = tls.observe_at(client({M::Alert}));
    assert_step(alert, 3, 4);
    assert_true(alert.ends_handshake);
    assert_int_equal(static_cast<int>(tls.phase()), static_cast<int>(TlsPhase::Failed));
}

static void test_flights_resent(void **) // the ClientHello again, after the server answered
{
    Observed tls;
    tls12_client_hello(tls);
    tls.observe_at(server({M::ServerHello}));
    TlsSegment again = client({M::ClientHello});
    again.retransmission = true;
    assert_step(tls.observe_at(again), 1, 4);
    assert_step(tls.observe_at(server({M::Certificate})), 2, 4); // the server's flight goes on
}

static void test_flights_no_tls(void **) // bytes TLS did not dissect, mid-handshake
{
    Observed tls;
    tls12_client_hello(tls);
    const TlsStep step = tls.observe_at(plaintext(Role::Server));
    assert_int_equal(step.step, 0);
    assert_true(step.unexpected != TlsSurprise::None);
    assert_int_equal(static_cast<int>(tls.phase()), static_cast<int>(TlsPhase::Flights));
}

// ---- Complete and Failed ------------------------------------------------------------------

static void test_complete_after_handshake(void **)
{
    Observed tls;
    tls12_complete(tls);
    assert_step(tls.observe_at(client({M::ApplicationData})), 0, 0);
    assert_step(tls.observe_at(server({M::Alert})), 0, 0); // close_notify
    assert_int_equal(static_cast<int>(tls.phase()), static_cast<int>(TlsPhase::Complete));
}

static void test_complete_tls13_session_ticket_after_handshake(void **)
{
    Observed tls;
    tls13_server_flight(tls);
    tls.observe_at(client({M::ChangeCipherSpec, M::ApplicationData}));
    assert_step(tls.observe_at(server({M::ApplicationData})), 0, 0);
}

static void test_failed_after_handshake(void **)
{
    Observed tls;
    tls12_server_flight(tls);
    tls.observe_at(client({M::Alert}));
    assert_step(tls.observe_at(server({M::ApplicationData})), 0, 0);
}

// ---- Which flight a step is ------------------------------------------------------------

static void test_flights_named_tls12_full(void **)
{
    Observed tls;
    assert_int_equal(static_cast<int>(tls.observe_at(client({M::ClientHello})).flight),
                     static_cast<int>(TlsFlight::ClientHello));
    const TlsStep hello = tls.observe_at(server({M::ServerHello}));
    assert_int_equal(static_cast<int>(hello.flight), static_cast<int>(TlsFlight::ServerHello12));
    assert_true(hello.explains_flight);
    const TlsStep more = tls.observe_at(server({M::Certificate}));
    assert_int_equal(static_cast<int>(more.flight), static_cast<int>(TlsFlight::ServerHello12));
    assert_false(more.explains_flight); // once per flight
    assert_int_equal(static_cast<int>(tls.observe_at(client({M::ClientKeyExchange, M::ChangeCipherSpec})).flight),
                     static_cast<int>(TlsFlight::ClientFinishes12));
    assert_int_equal(static_cast<int>(tls.observe_at(server({M::ChangeCipherSpec, M::EncryptedHandshake})).flight),
                     static_cast<int>(TlsFlight::ServerFinishes12));
}

static void test_flights_named_when_the_server_hello_completes(void **) // a ServerHello over two segments
{
    Observed tls;
    tls12_client_hello(tls);
    const TlsStep part = tls.observe_at(server({}));
    assert_int_equal(static_cast<int>(part.flight), static_cast<int>(TlsFlight::Unknown));
    assert_false(part.explains_flight);
    const TlsStep rest = tls.observe_at(server({M::ServerHello}));
    assert_int_equal(static_cast<int>(rest.flight), static_cast<int>(TlsFlight::ServerHello12));
    assert_true(rest.explains_flight);
}

static void test_flights_named_hello_retry_and_tls13(void **)
{
    Observed tls;
    tls13_client_hello(tls);
    assert_int_equal(static_cast<int>(tls.observe_at(offering_tls13(server({M::HelloRetryRequest}))).flight),
                     static_cast<int>(TlsFlight::HelloRetry));
    assert_int_equal(static_cast<int>(tls.observe_at(offering_tls13(client({M::ClientHello}))).flight),
                     static_cast<int>(TlsFlight::ClientHelloAgain));
    assert_int_equal(
        static_cast<int>(tls.observe_at(offering_tls13(server({M::ServerHello, M::ApplicationData}))).flight),
        static_cast<int>(TlsFlight::ServerHello13));
    assert_int_equal(static_cast<int>(tls.observe_at(client({M::ApplicationData})).flight),
                     static_cast<int>(TlsFlight::ClientFinishes13));
}

static void test_flights_named_resumed_and_alert(void **)
{
    Observed tls;
    tls12_client_hello(tls);
    assert_int_equal(
        static_cast<int>(tls.observe_at(with_session_id(server({M::ServerHello, M::ChangeCipherSpec}), 7)).flight),
        static_cast<int>(TlsFlight::ServerResumes12));
    assert_int_equal(static_cast<int>(tls.observe_at(client({M::Alert})).flight), static_cast<int>(TlsFlight::Alert));
}

// ---- What the conversation learns ----------------------------------------------------

static void test_complete_facts(void **)
{
    Observed tls;
    TlsSegment hello = offering_tls13(client({M::ClientHello}));
    hello.time_ns = 1'000;
    hello.server_name.assign("example.org", 11);
    hello.alpn.assign("h2", 2);
    tls.observe_at(hello);
    TlsSegment answer = server({M::ServerHello, M::Certificate});
    answer.time_ns = 2'000;
    answer.legacy_version = 0x0303;
    answer.cipher_suite = 0xc030;
    answer.has_cipher_suite = true;
    answer.alpn.assign("http/1.1", 8);
    tls.observe_at(answer);
    TlsSegment client_finished = client({M::ClientKeyExchange, M::ChangeCipherSpec, M::EncryptedHandshake});
    client_finished.time_ns = 3'000;
    assert_int_equal(static_cast<int>(tls.observe_at(client_finished).step), 3);
    assert_int_equal(static_cast<int>(tls.facts().outcome), static_cast<int>(TlsOutcome::Incomplete));
    TlsSegment server_finished = server({M::ChangeCipherSpec, M::EncryptedHandshake});
    server_finished.time_ns = 4'500;
    tls.observe_at(server_finished);
    const TlsFacts &facts = tls.facts();
    assert_int_equal(static_cast<int>(facts.outcome), static_cast<int>(TlsOutcome::Complete));
    assert_int_equal(facts.steps, 4);
    assert_int_equal(facts.version, 0x0303); // no supported_versions in the ServerHello: its legacy_version
    assert_int_equal(facts.cipher_suite, 0xc030);
    assert_string_equal(facts.server_name.text.data(), "example.org");
    assert_string_equal(facts.alpn.text.data(), "http/1.1"); // the server's choice, not the client's offer
    assert_int_equal(facts.first_hello_ns, 1'000);
    assert_int_equal(facts.end_ns, 4'500);
    assert_int_equal(facts.end_frame, 4);
}

static void test_complete_tls13_version_from_supported_versions(void **)
{
    Observed tls;
    tls13_client_hello(tls);
    TlsSegment answer = offering_tls13(server({M::ServerHello, M::ApplicationData}));
    answer.legacy_version = 0x0303;
    answer.supported_version = 0x0304;
    tls.observe_at(answer);
    assert_int_equal(tls.facts().version, 0x0304);
}

static void test_complete_resumed_outcome(void **)
{
    Observed tls;
    tls12_client_hello(tls);
    tls.observe_at(with_session_id(server({M::ServerHello, M::ChangeCipherSpec, M::EncryptedHandshake}), 7));
    tls.observe_at(client({M::ChangeCipherSpec, M::EncryptedHandshake}));
    assert_int_equal(static_cast<int>(tls.facts().outcome), static_cast<int>(TlsOutcome::Resumed));
    assert_int_equal(tls.facts().steps, 3);
}

static void test_failed_facts(void **)
{
    Observed tls;
    tls12_server_flight(tls);
    TlsSegment alert = client({M::Alert});
    alert.has_alert = true;
    alert.alert_description = 48; // unknown_ca
    alert.time_ns = 9'000;
    tls.observe_at(alert);
    assert_int_equal(static_cast<int>(tls.facts().outcome), static_cast<int>(TlsOutcome::Alert));
    assert_true(tls.facts().has_alert);
    assert_int_equal(tls.facts().alert_description, 48);
    assert_int_equal(tls.facts().end_ns, 9'000);
}

// ---- The facade -------------------------------------------------------------------------

static void test_capture_tls_followed(void **)
{
    Capture capture(CaptureOptions{seconds_ns(60), true});
    TlsSegment pure_ack;
    assert_int_equal(capture.observe_tls(3, 0, pure_ack).step, 0);
    assert_int_equal(capture.observe_tls(4, 0, client({M::ClientHello})).step, 1);
    assert_int_equal(capture.tls_step(4)->step, 1);
    assert_false(capture.tls_step(3).has_value());
    assert_int_equal(capture.tls_handshake(0)->steps(), 1);
    assert_null(capture.tls_handshake(1)); // a stream that carried no TLS
    assert_true(capture.follows_tls());
}

// A report asking for TLS after frames were observed would make every earlier
// conversation read as carrying no TLS: refused.
static void test_capture_follows_tls_only_from_the_start(void **)
{
    Capture fresh;
    assert_true(fresh.follow_tls());
    assert_true(fresh.follows_tls());
    Capture started;
    started.mark_incomplete(1);
    assert_false(started.follow_tls());
    assert_false(started.follows_tls());
}

static void test_capture_tls_not_followed(void **) // the preference is off
{
    Capture capture;
    assert_int_equal(capture.observe_tls(4, 0, client({M::ClientHello})).step, 0);
    assert_false(capture.tls_step(4).has_value());
    assert_null(capture.tls_handshake(0));
    assert_false(capture.follows_tls());
}

int main()
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_started_client_opens),
        cmocka_unit_test(test_not_started_client_opens_with_part_of_a_record),
        cmocka_unit_test(test_not_started_no_tls),
        cmocka_unit_test(test_not_started_server_first),
        cmocka_unit_test(test_flights_same_flight),
        cmocka_unit_test(test_flights_answer_tls12_full),
        cmocka_unit_test(test_flights_answer_tls12_resumed),
        cmocka_unit_test(test_flights_answer_tls13),
        cmocka_unit_test(test_flights_answer_tls13_session_id_is_no_resumption),
        cmocka_unit_test(test_flights_answer_tls13_resumed_by_psk),
        cmocka_unit_test(test_flights_answer_tls13_draft),
        cmocka_unit_test(test_flights_answer_hello_retry_request),
        cmocka_unit_test(test_flights_answer_with_alert),
        cmocka_unit_test(test_flights_resent),
        cmocka_unit_test(test_flights_no_tls),
        cmocka_unit_test(test_complete_after_handshake),
        cmocka_unit_test(test_complete_tls13_session_ticket_after_handshake),
        cmocka_unit_test(test_failed_after_handshake),
        cmocka_unit_test(test_flights_named_tls12_full),
        cmocka_unit_test(test_flights_named_when_the_server_hello_completes),
        cmocka_unit_test(test_flights_named_hello_retry_and_tls13),
        cmocka_unit_test(test_flights_named_resumed_and_alert),
        cmocka_unit_test(test_complete_facts),
        cmocka_unit_test(test_complete_tls13_version_from_supported_versions),
        cmocka_unit_test(test_complete_resumed_outcome),
        cmocka_unit_test(test_failed_facts),
        cmocka_unit_test(test_capture_tls_followed),
        cmocka_unit_test(test_capture_tls_not_followed),
        cmocka_unit_test(test_capture_follows_tls_only_from_the_start),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
