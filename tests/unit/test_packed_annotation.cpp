// The per-frame cache: FrameCache gives back every field of every Annotation stored,
// whether it fits the 16-byte PackedAnnotation or needs its rest kept beside it.
#include "flow.hpp"

#include "capture/frame_cache.hpp"
#include "capture/packed_annotation.hpp"

#include <iterator>
#include <optional>
#include <vector>

using namespace tcplife;
using namespace tcplife::test;
using S = TcpState;

static void assert_same_path(const StatePath &expected, const StatePath &actual)
{
    assert_int_equal(expected.length, actual.length);
    for (std::size_t i = 0; i < expected.length; ++i)
        assert_int_equal(static_cast<int>(expected.states[i]), static_cast<int>(actual.states[i]));
}

static void assert_same(const Annotation &expected, const Annotation &actual)
{
    assert_int_equal(expected.stream, actual.stream);
    assert_int_equal(static_cast<int>(expected.sender), static_cast<int>(actual.sender));
    assert_int_equal(expected.roles_guessed, actual.roles_guessed);
    assert_int_equal(expected.handshake_step, actual.handshake_step);
    assert_int_equal(expected.close_steps, actual.close_steps);
    assert_int_equal(expected.merged_close, actual.merged_close);
    assert_int_equal(expected.attempt, actual.attempt);
    assert_int_equal(expected.notes, actual.notes);
    assert_int_equal(static_cast<int>(expected.client_before), static_cast<int>(actual.client_before));
    assert_int_equal(static_cast<int>(expected.client_after), static_cast<int>(actual.client_after));
    assert_int_equal(static_cast<int>(expected.server_before), static_cast<int>(actual.server_before));
    assert_int_equal(static_cast<int>(expected.server_after), static_cast<int>(actual.server_after));
    assert_same_path(expected.client_path, actual.client_path);
    assert_same_path(expected.server_path, actual.server_path);
    assert_int_equal(static_cast<int>(expected.reset), static_cast<int>(actual.reset));
    assert_int_equal(static_cast<int>(expected.reset_in), static_cast<int>(actual.reset_in));
    assert_int_equal(expected.number, actual.number);
    assert_int_equal(expected.expected_number, actual.expected_number);
    assert_int_equal(expected.server_port, actual.server_port);
    assert_int_equal(expected.unexpected_events, actual.unexpected_events);
    if (expected.unexpected_events != 0) {
        assert_int_equal(static_cast<int>(expected.unexpected_at), static_cast<int>(actual.unexpected_at));
        assert_int_equal(static_cast<int>(expected.unexpected_state), static_cast<int>(actual.unexpected_state));
        assert_int_equal(static_cast<int>(expected.unexpected_event), static_cast<int>(actual.unexpected_event));
    }
}

// Through a cache of its own, and through the packed form with its rest and port.
static void assert_round_trip(const Annotation &annotation)
{
    Annotation in_cache = annotation; // streams are dense indices: the cache keeps one port per stream
    in_cache.stream %= 1024;
    FrameCache cache;
    cache.store(7, 1, in_cache);
    const std::optional<FrameCache::Entry> entry = cache.load(7, in_cache.stream);
    assert_true(entry.has_value());
    assert_int_equal(entry->tag, 1);
    assert_same(in_cache, entry->annotation);

    const PackedAnnotation packed(annotation);
    const AnnotationRest rest = rest_of(annotation);
    assert_same(annotation, packed.unpack(annotation.stream, annotation.server_port, packed.needs_rest() ? &rest : nullptr));
}

// Every field at its largest value at once: no field may spill into its neighbour.
static Annotation widest()
{
    Annotation a;
    a.stream = 0xffffffffu;
    a.sender = Role::Server;
    a.roles_guessed = true;
    a.handshake_step = 3;
    a.close_steps = 0xf;
    a.merged_close = true;
    a.attempt = 255;
    a.notes = static_cast<std::uint16_t>((note::time_backwards << 1) - 1);
    a.client_before = S::TimeWait;
    a.client_after = S::TimeWait;
    a.server_before = S::TimeWait;
    a.server_after = S::TimeWait;
    for (int i = 0; i < 4; ++i) {
        a.client_path.push(S::TimeWait);
        a.server_path.push(S::TimeWait);
    }
    a.reset = ResetKind::OutOfWindow;
    a.reset_in = S::TimeWait;
    a.number = 0xffffffffu;
    a.expected_number = 0xfffffffeu;
    a.server_port = 0xffff;
    return a;
}

// Each way the number and the expected one can relate: equal, no number, both apart.
static void test_packed_every_number_shape(void **)
{
    const std::uint32_t values[] = {0, 1, 1001, 0xfffffffeu, 0xffffffffu};
    for (const std::uint32_t number : values) {
        for (const std::uint32_t expected : values) {
            Annotation a;
            a.number = number;
            a.expected_number = expected;
            assert_round_trip(a);
        }
    }
}

static void test_packed_default(void **)
{
    assert_round_trip(Annotation{});
    assert_int_equal(PackedAnnotation().tag(), 0);
    assert_false(PackedAnnotation(Annotation{}).needs_rest());
}

// The common frame fits in 16 bytes: a step whose numbers agree, each path straight to
// the state after, or no change at all.
static void test_packed_common_frames_need_no_rest(void **)
{
    Annotation a;
    a.handshake_step = 2;
    a.number = a.expected_number = 1001;
    a.client_after = S::Established;
    a.client_path.push(S::Established);
    a.server_after = S::SynReceived;
    a.server_path.push(S::SynReceived);
    assert_false(PackedAnnotation(a).needs_rest());

    Annotation syn;
    syn.handshake_step = 1;
    syn.expected_number = 4000000001u; // the ISN + 1 the SYN-ACK must acknowledge; no number
    assert_false(PackedAnnotation(syn).needs_rest());
    assert_round_trip(syn);

    Annotation mismatch = a;
    mismatch.expected_number = 1002;
    assert_true(PackedAnnotation(mismatch).needs_rest());
    Annotation via = a;
    via.client_path.push(S::FinWait2); // a path that does not end where the state is
    assert_true(PackedAnnotation(via).needs_rest());
}

// A rare note (time_backwards, window_scale_capped) alone sends the frame's rest beside
// it; the common notes do not.
static void test_packed_rare_notes_in_rest(void **)
{
    for (const std::uint32_t rare : {note::window_scale_capped, note::time_backwards, note::syn_reordered,
                                     note::syn_not_captured, note::synack_not_captured,
                                     note::handshake_ack_not_captured, note::rexmit_inconsistency}) {
        Annotation a;
        a.notes = rare | note::midstream_start;
        assert_true(PackedAnnotation(a).needs_rest());
        assert_round_trip(a);
    }
    Annotation common;
    common.notes = note::reuse_in_time_wait;
    assert_false(PackedAnnotation(common).needs_rest());
}

// Events the transition table did not expect are rare too: they wait in the rest.
static void test_packed_unexpected_events_in_rest(void **)
{
    Annotation a;
    a.unexpected_events = 255;
    a.unexpected_at = Role::Server;
    a.unexpected_state = TcpState::TimeWait;
    a.unexpected_event = EndpointEvent::SendSynAck;
    assert_true(PackedAnnotation(a).needs_rest());
    assert_round_trip(a);
}

static void test_packed_widest_values(void **)
{
    assert_round_trip(widest());
}

// Each field alone at its widest, the rest zero, and each field alone zero, the rest at
// their widest: a field packed into the wrong bits shows in one of the two.
static void test_packed_each_field_alone(void **)
{
    using Set = void (*)(Annotation &, const Annotation &);
    const Set fields[] = {
        [](Annotation &a, const Annotation &w) { a.stream = w.stream; },
        [](Annotation &a, const Annotation &w) { a.sender = w.sender; },
        [](Annotation &a, const Annotation &w) { a.roles_guessed = w.roles_guessed; },
        [](Annotation &a, const Annotation &w) { a.handshake_step = w.handshake_step; },
        [](Annotation &a, const Annotation &w) { a.close_steps = w.close_steps; },
        [](Annotation &a, const Annotation &w) { a.merged_close = w.merged_close; },
        [](Annotation &a, const Annotation &w) { a.attempt = w.attempt; },
        [](Annotation &a, const Annotation &w) { a.notes = w.notes; },
        [](Annotation &a, const Annotation &w) { a.client_before = w.client_before; },
        [](Annotation &a, const Annotation &w) { a.client_after = w.client_after; },
        [](Annotation &a, const Annotation &w) { a.server_before = w.server_before; },
        [](Annotation &a, const Annotation &w) { a.server_after = w.server_after; },
        [](Annotation &a, const Annotation &w) { a.client_path = w.client_path; },
        [](Annotation &a, const Annotation &w) { a.server_path = w.server_path; },
        [](Annotation &a, const Annotation &w) { a.reset = w.reset; },
        [](Annotation &a, const Annotation &w) { a.reset_in = w.reset_in; },
        [](Annotation &a, const Annotation &w) { a.number = w.number; },
        [](Annotation &a, const Annotation &w) { a.expected_number = w.expected_number; },
        [](Annotation &a, const Annotation &w) { a.server_port = w.server_port; },
    };
    const Annotation wide = widest();
    for (const Set set : fields) {
        Annotation alone;
        set(alone, wide);
        assert_round_trip(alone);
        Annotation all_but = wide;
        set(all_but, Annotation{});
        assert_round_trip(all_but);
    }
}

static void test_packed_every_state_in_every_place(void **)
{
    for (unsigned value = 0; value <= static_cast<unsigned>(S::TimeWait); ++value) {
        const auto state = static_cast<S>(value);
        Annotation a;
        a.client_before = state;
        a.client_after = static_cast<S>(static_cast<unsigned>(S::TimeWait) - value);
        a.server_before = state;
        a.server_after = state;
        a.reset_in = state;
        a.client_path.push(state);
        a.client_path.push(S::Closing);
        a.server_path.push(S::Listen);
        a.server_path.push(state);
        a.server_path.push(S::FinWait2);
        assert_round_trip(a);
    }
}

static void test_packed_every_path_length(void **)
{
    const S states[] = {S::FinWait1, S::FinWait2, S::Closing, S::TimeWait};
    for (std::size_t client = 0; client <= 4; ++client) {
        for (std::size_t server = 0; server <= 4; ++server) {
            Annotation a;
            for (std::size_t i = 0; i < client; ++i)
                a.client_path.push(states[i]);
            for (std::size_t i = 0; i < server; ++i)
                a.server_path.push(states[3 - i]);
            assert_round_trip(a);
        }
    }
}

static void test_packed_every_reset_kind_and_role(void **)
{
    for (unsigned reset = 0; reset <= static_cast<unsigned>(ResetKind::OutOfWindow); ++reset) {
        for (unsigned role = 0; role <= static_cast<unsigned>(Role::Server); ++role) {
            Annotation a = widest();
            a.reset = static_cast<ResetKind>(reset);
            a.sender = static_cast<Role>(role);
            assert_round_trip(a);
        }
    }
}

// The tag is the cache's own: it changes nothing else, and nothing else changes it.
static void test_packed_tag_is_independent(void **)
{
    for (unsigned tag = 0; tag < 4; ++tag) {
        for (const Annotation &a : {Annotation{}, widest()}) {
            PackedAnnotation packed(a);
            assert_int_equal(packed.tag(), 0);
            packed.set_tag(tag);
            assert_int_equal(packed.tag(), tag);
            const AnnotationRest rest = rest_of(a);
            assert_same(a, packed.unpack(a.stream, a.server_port, &rest));
        }
    }
}

// What the observer really produces: every segment of a handshake, data, a merged close
// (a path through FIN_WAIT_2), a simultaneous close and a refused SYN.
static void test_packed_annotations_of_real_flows(void **)
{
    std::vector<Annotation> seen;
    {
        Flow flow;
        handshake(flow);
        seen.push_back(flow.step(Side::Client, ACK | PSH, 100));
        seen.push_back(flow.step(Side::Client, FIN | ACK));
        seen.push_back(flow.step(Side::Server, FIN | ACK));
        seen.push_back(flow.step(Side::Client, ACK));
        seen.push_back(flow.step(Side::Client, ACK)); // repeated final ACK
    }
    {
        Flow flow;
        established_with_data(flow);
        const Segment client_fin = flow.send(Side::Client, FIN | ACK);
        const Segment server_fin = flow.send(Side::Server, FIN | ACK);
        seen.push_back(flow.observe(client_fin));
        seen.push_back(flow.observe(server_fin));
    }
    {
        Flow flow;
        seen.push_back(flow.step(Side::Client, SYN));
        seen.push_back(flow.step(Side::Server, RST | ACK));
    }
    bool saw_path_with_a_stop = false;
    for (const Annotation &a : seen) {
        assert_round_trip(a);
        saw_path_with_a_stop |= a.client_path.length >= 2 || a.server_path.length >= 2;
    }
    assert_true(saw_path_with_a_stop);
}

static void test_frame_cache_frames_start_empty(void **)
{
    FrameCache cache;
    assert_false(cache.load(1, 0).has_value());
    Annotation a = widest();
    a.stream = 0;
    cache.store(1, 1, a);
    assert_false(cache.load(2, 0).has_value());     // the same chunk, never stored
    assert_false(cache.load(70000, 0).has_value()); // a chunk never written
    cache.mark(3, 2);
    assert_int_equal(cache.load(3, 0)->tag, 2);
    assert_same(Annotation{}, cache.load(3, 0)->annotation);
}

// Frames in every chunk position, streams sharing a server port or not, frames that need
// their rest and frames that do not, stored out of order and once overwritten.
static void test_frame_cache_keeps_each_frame(void **)
{
    FrameCache cache;
    const std::uint32_t frames[] = {5, 1, 65535, 65536, 0, 65537, 200000, 0xffffffffu, 3};
    std::vector<Annotation> stored;
    for (std::size_t i = 0; i < std::size(frames); ++i) {
        Annotation a = i % 2 == 0 ? widest() : Annotation{};
        a.stream = static_cast<std::uint32_t>(i % 3);
        a.number = frames[i];
        a.server_port = static_cast<std::uint16_t>(i == 4 ? 8080 : 80 + a.stream); // frame 0: another port
        stored.push_back(a);
        cache.store(frames[i], 1, a);
    }
    stored[0].notes = note::time_wait;
    cache.store(frames[0], 1, stored[0]);
    for (std::size_t i = 0; i < std::size(frames); ++i)
        assert_same(stored[i], cache.load(frames[i], stored[i].stream)->annotation);
}

int main()
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packed_default),
        cmocka_unit_test(test_packed_common_frames_need_no_rest),
        cmocka_unit_test(test_packed_rare_notes_in_rest),
        cmocka_unit_test(test_packed_unexpected_events_in_rest),
        cmocka_unit_test(test_packed_widest_values),
        cmocka_unit_test(test_packed_every_number_shape),
        cmocka_unit_test(test_packed_each_field_alone),
        cmocka_unit_test(test_packed_every_state_in_every_place),
        cmocka_unit_test(test_packed_every_path_length),
        cmocka_unit_test(test_packed_every_reset_kind_and_role),
        cmocka_unit_test(test_packed_tag_is_independent),
        cmocka_unit_test(test_packed_annotations_of_real_flows),
        cmocka_unit_test(test_frame_cache_frames_start_empty),
        cmocka_unit_test(test_frame_cache_keeps_each_frame),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
