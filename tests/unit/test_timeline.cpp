// Timeline (timeline.hpp) keeps moments as variable-length distances from an origin:
// whatever it is given, it must give back exactly, inline or spilled, copied or not.
#include "cmocka_cpp.hpp"

#include "conversation/timeline.hpp"

#include <climits>
#include <random>
#include <vector>

using tcplife::Moment;
using tcplife::Timeline;

namespace {

Moment moment(std::uint32_t frame, std::int64_t time_ns)
{
    Moment m;
    m.frame = frame;
    m.time_ns = time_ns;
    return m;
}

void assert_reads_back(const Timeline &timeline, const Moment &origin, const std::vector<Moment> &expected)
{
    assert_int_equal(timeline.size(), expected.size());
    std::size_t i = 0;
    for (const Moment &m : timeline.read(origin)) {
        assert_true(i < expected.size());
        assert_int_equal(m.frame, expected[i].frame);
        assert_true(m.time_ns == expected[i].time_ns);
        ++i;
    }
    assert_int_equal(i, expected.size());
}

} // namespace

static void test_timeline_empty_reads_nothing(void **)
{
    const Timeline timeline;
    assert_true(timeline.empty());
    const Timeline::Moments moments = timeline.read(moment(1, 0));
    assert_true(moments.begin() == moments.end());
}

static void test_timeline_handshake_and_close_stay_inline(void **) // 7 moments a few ms apart
{
    const Moment origin = moment(1000, 1'709'294'400'000'030'000);
    Timeline timeline;
    std::vector<Moment> pushed;
    for (std::uint32_t i = 0; i < 7; ++i) {
        pushed.push_back(moment(origin.frame + i * 300, origin.time_ns + i * 2'500'000));
        assert_true(timeline.push_back(pushed.back(), origin));
    }
    assert_reads_back(timeline, origin, pushed);
    assert_int_equal(timeline.read(origin).front().frame, 1000);
}

static void test_timeline_extremes_are_exact(void **) // times backwards and across the whole int64 range
{
    const Moment origin = moment(4'000'000'000u, INT64_MAX);
    const std::vector<Moment> pushed = {moment(1, INT64_MIN),          moment(UINT32_MAX, 0),
                                        moment(0, INT64_MAX),          moment(4'000'000'000u, INT64_MIN + 1),
                                        moment(2, -1'000'000'000'000), moment(3, INT64_MAX - 1)};
    Timeline timeline;
    for (const Moment &m : pushed)
        assert_true(timeline.push_back(m, origin));
    assert_reads_back(timeline, origin, pushed);
}

static void test_timeline_spills_grows_and_stops_at_capacity(void **)
{
    const Moment origin = moment(7, -5);
    std::mt19937_64 random(1337);
    Timeline timeline;
    std::vector<Moment> pushed;
    for (std::size_t i = 0; i < Timeline::capacity; ++i) { // random values: most take the full 15 bytes
        pushed.push_back(moment(static_cast<std::uint32_t>(random()), static_cast<std::int64_t>(random())));
        assert_true(timeline.push_back(pushed.back(), origin));
        assert_reads_back(timeline, origin, pushed); // inline, then in a small block, then in the largest
    }
    assert_false(timeline.push_back(moment(1, 1), origin));
    assert_reads_back(timeline, origin, pushed);
}

static void test_timeline_copies_are_independent(void **)
{
    const Moment origin = moment(1, 0);
    Timeline small, large;
    std::vector<Moment> small_moments, large_moments;
    for (std::uint32_t i = 0; i < 20; ++i) {
        large_moments.push_back(moment(i * 1'000'000u, std::int64_t{i} * 3'600'000'000'000));
        large.push_back(large_moments.back(), origin);
    }
    small_moments.push_back(moment(2, 5));
    small.push_back(small_moments.back(), origin);

    Timeline copy_of_large(large);
    Timeline copy_of_small;
    copy_of_small = small;
    large.push_back(moment(9, 9), origin);
    small = large; // an inline timeline takes a spilled one's block
    assert_reads_back(copy_of_large, origin, large_moments);
    assert_reads_back(copy_of_small, origin, small_moments);
    large_moments.push_back(moment(9, 9));
    assert_reads_back(small, origin, large_moments);
    copy_of_large = copy_of_small; // a spilled timeline becomes an inline one
    assert_reads_back(copy_of_large, origin, small_moments);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeline_empty_reads_nothing),
        cmocka_unit_test(test_timeline_handshake_and_close_stay_inline),
        cmocka_unit_test(test_timeline_extremes_are_exact),
        cmocka_unit_test(test_timeline_spills_grows_and_stops_at_capacity),
        cmocka_unit_test(test_timeline_copies_are_independent),
    };
    return cmocka_run_group_tests_name("timeline", tests, nullptr, nullptr);
}
