// StreamMap (stream_map.hpp): the flat table behind the Tracker's TIME_WAIT lookups must
// answer exactly as the std::unordered_map it replaced.
#include "cmocka_cpp.hpp"

#include "capture/stream_map.hpp"

#include <random>
#include <unordered_map>

using tcplife::StreamMap;

namespace {

void assert_holds(const StreamMap &map, std::uint64_t key, std::uint32_t stream)
{
    const StreamMap::Lookup found = map.find(key);
    assert_true(found.found);
    assert_int_equal(found.stream, stream);
}

} // namespace

static void test_stream_map_empty_finds_nothing(void **)
{
    StreamMap map;
    assert_false(map.find(0).found);
    assert_false(map.find(42).found);
    map.erase(42); // nothing to erase
    assert_int_equal(map.size(), 0);
}

static void test_stream_map_insert_then_find(void **)
{
    StreamMap map;
    map.insert_or_assign(7, 70);
    map.insert_or_assign(0, 0); // key 0 and stream 0 are ordinary values
    assert_holds(map, 7, 70);
    assert_holds(map, 0, 0);
    assert_false(map.find(8).found);
    assert_int_equal(map.size(), 2);
}

static void test_stream_map_insert_overwrites(void **)
{
    StreamMap map;
    map.insert_or_assign(7, 70);
    map.insert_or_assign(7, 71);
    assert_holds(map, 7, 71);
    assert_int_equal(map.size(), 1);
}

static void test_stream_map_grows_and_keeps_everything(void **)
{
    StreamMap map;
    const std::uint32_t entries = 100000;
    for (std::uint32_t i = 0; i < entries; ++i)
        map.insert_or_assign(std::uint64_t{i} << 32 | i, i); // keys alike in their low bits
    assert_int_equal(map.size(), entries);
    for (std::uint32_t i = 0; i < entries; ++i)
        assert_holds(map, std::uint64_t{i} << 32 | i, i);
    assert_false(map.find(std::uint64_t{entries} << 32 | entries).found);
}

static void test_stream_map_erase_keeps_the_others(void **)
{
    StreamMap map;
    for (std::uint32_t i = 0; i < 12; ++i) // 12 of 16 slots: long probe runs
        map.insert_or_assign(i, i + 100);
    map.erase(3);
    map.erase(3);
    assert_false(map.find(3).found);
    assert_int_equal(map.size(), 11);
    for (std::uint32_t i = 0; i < 12; ++i) {
        if (i != 3)
            assert_holds(map, i, i + 100);
    }
}

static void test_stream_map_matches_unordered_map(void **) // random inserts, overwrites and erases
{
    StreamMap map;
    std::unordered_map<std::uint64_t, std::uint32_t> model;
    std::mt19937_64 random(9293);
    for (int step = 0; step < 200000; ++step) {
        const std::uint64_t key = random() % 5000; // few keys: many overwrites and erases
        const std::uint32_t stream = static_cast<std::uint32_t>(random());
        if (random() % 3 == 0) {
            map.erase(key);
            model.erase(key);
        } else {
            map.insert_or_assign(key, stream);
            model[key] = stream;
        }
    }
    assert_int_equal(map.size(), model.size());
    for (std::uint64_t key = 0; key < 5000; ++key) {
        const auto expected = model.find(key);
        const StreamMap::Lookup found = map.find(key);
        assert_int_equal(found.found, expected != model.end());
        if (found.found)
            assert_int_equal(found.stream, expected->second);
    }
}

static void test_stream_map_clear_empties(void **)
{
    StreamMap map;
    map.insert_or_assign(1, 2);
    map.clear();
    assert_int_equal(map.size(), 0);
    assert_false(map.find(1).found);
    map.insert_or_assign(1, 3); // usable again
    assert_holds(map, 1, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_map_empty_finds_nothing),
        cmocka_unit_test(test_stream_map_insert_then_find),
        cmocka_unit_test(test_stream_map_insert_overwrites),
        cmocka_unit_test(test_stream_map_grows_and_keeps_everything),
        cmocka_unit_test(test_stream_map_erase_keeps_the_others),
        cmocka_unit_test(test_stream_map_matches_unordered_map),
        cmocka_unit_test(test_stream_map_clear_empties),
    };
    return cmocka_run_group_tests_name("stream_map", tests, nullptr, nullptr);
}
