// tcplife_bench_core: the pure C++ core under Google Benchmark.
//
//   ns per segment through Tracker::observe for typical conversation shapes;
//   bytes per tracked conversation (the Tracker's heap, growth slack included);
//   bytes per frame of the plugin's per-frame cache (FrameCache, as capture_state.cpp uses it);
//   the render-side core work per segment (describe, info_marks).
//
// bench/README.md explains the numbers; bench/run.py puts them in the results file.

#include "heap_accounting.hpp"
#include "shapes.hpp"

#include "text/describe.hpp"
#include "capture/frame_cache.hpp"
#include "capture/tracker.hpp"

#include <benchmark/benchmark.h>


// ---------------------------------------------------------------------------------
namespace {

using tcplife::Segment;
using tcplife::Tracker;
using Shape = std::vector<Segment> (*)(std::uint32_t stream);

// `conversations` conversations of `shape`, one after the other (sequential) or
// interleaved one segment at a time, the worst case of a busy link for the cache.
std::vector<Segment> corpus(Shape shape, std::uint32_t conversations, bool interleave)
{
    std::vector<std::vector<Segment>> each;
    each.reserve(conversations);
    std::size_t total = 0;
    for (std::uint32_t i = 0; i < conversations; ++i) {
        each.push_back(shape(i));
        total += each.back().size();
    }
    std::vector<Segment> out;
    out.reserve(total);
    if (!interleave) {
        for (const auto &list : each)
            out.insert(out.end(), list.begin(), list.end());
        return out;
    }
    for (std::size_t k = 0; out.size() < total; ++k) {
        for (const auto &list : each) {
            if (k < list.size())
                out.push_back(list[k]);
        }
    }
    return out;
}

// Segments through a fresh Tracker, as the plugin's first pass does; the Tracker's
// growth is part of the cost. Reports ns per segment and heap bytes per conversation.
void observe(benchmark::State &state, Shape shape, std::uint32_t conversations, bool interleave)
{
    const std::vector<Segment> segments = corpus(shape, conversations, interleave);
    std::size_t heap_after = 0;
    for (auto _ : state) {
        const std::size_t before = tcplife::test::live_heap_bytes();
        Tracker tracker;
        for (const Segment &segment : segments) {
            tcplife::Annotation annotation = tracker.observe(segment);
            benchmark::DoNotOptimize(annotation);
        }
        heap_after = tcplife::test::live_heap_bytes() - before;
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(segments.size()));
    state.counters["ns_per_segment"] = benchmark::Counter(
        static_cast<double>(segments.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["segments_per_conversation"] = static_cast<double>(segments.size()) / conversations;
    state.counters["bytes_per_conversation"] = static_cast<double>(heap_after) / conversations;
}

void BM_observe_four_way_close(benchmark::State &s) { observe(s, tcplife::bench::four_way_close, 1000, false); }
void BM_observe_merged_close(benchmark::State &s) { observe(s, tcplife::bench::merged_close, 1000, false); }
void BM_observe_simultaneous_close(benchmark::State &s) { observe(s, tcplife::bench::simultaneous_close, 1000, false); }
void BM_observe_reset(benchmark::State &s) { observe(s, tcplife::bench::reset_by_server, 1000, false); }
void BM_observe_refused_syn(benchmark::State &s) { observe(s, tcplife::bench::refused_syn, 1000, false); }
void BM_observe_unanswered_syn(benchmark::State &s) { observe(s, tcplife::bench::unanswered_syn, 1000, false); }
void BM_observe_midstream(benchmark::State &s) { observe(s, tcplife::bench::midstream, 1000, false); }
void BM_observe_bulk_transfer(benchmark::State &s) { observe(s, tcplife::bench::bulk_transfer, 100, false); }
void BM_observe_mix_100k_interleaved(benchmark::State &s) { observe(s, tcplife::bench::mixed, 100000, true); }

BENCHMARK(BM_observe_four_way_close);
BENCHMARK(BM_observe_merged_close);
BENCHMARK(BM_observe_simultaneous_close);
BENCHMARK(BM_observe_reset);
BENCHMARK(BM_observe_refused_syn);
BENCHMARK(BM_observe_unanswered_syn);
BENCHMARK(BM_observe_midstream);
BENCHMARK(BM_observe_bulk_transfer);
BENCHMARK(BM_observe_mix_100k_interleaved)->Unit(benchmark::kMillisecond);

// What the render side of the core costs per segment when a tree is shown: the expert
// texts (describe) and the Info-column marks, for every segment of the mix.
void BM_describe_and_marks_mix(benchmark::State &state)
{
    const std::vector<Segment> segments = corpus(tcplife::bench::mixed, 1000, false);
    std::vector<tcplife::Annotation> annotations;
    Tracker tracker;
    for (const Segment &segment : segments)
        annotations.push_back(tracker.observe(segment));
    for (auto _ : state) {
        for (const tcplife::Annotation &a : annotations) {
            tcplife::ExpertMessages messages = tcplife::describe(a, tcplife::DescribeOptions{});
            std::array<char, 64> marks = tcplife::info_marks(a);
            benchmark::DoNotOptimize(messages);
            benchmark::DoNotOptimize(marks);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(annotations.size()));
    state.counters["ns_per_segment"] = benchmark::Counter(
        static_cast<double>(annotations.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_describe_and_marks_mix);

// Memory: the core's per-conversation state for 100k conversations of the mix, and the
// plugin's per-frame cache filled one frame at a time as capture_state.cpp does, with
// its peak while it grows.
void BM_memory(benchmark::State &state)
{
    const std::uint32_t conversations = 100000;
    const std::vector<Segment> segments = corpus(tcplife::bench::mixed, conversations, true);
    std::size_t tracker_bytes = 0, frame_bytes = 0, frame_peak = 0;
    std::vector<tcplife::Annotation> annotations; // what the frame cache stores, one per segment
    annotations.reserve(segments.size());
    for (auto _ : state) {
        annotations.clear();
        const std::size_t before = tcplife::test::live_heap_bytes();
        {
            Tracker tracker;
            for (const Segment &segment : segments)
                annotations.push_back(tracker.observe(segment));
            tracker_bytes = tcplife::test::live_heap_bytes() - before;
        }
        const std::size_t base = tcplife::test::live_heap_bytes();
        tcplife::test::reset_peak_heap_bytes();
        {
            tcplife::FrameCache frames;
            for (std::uint32_t num = 1; num <= annotations.size(); ++num)
                frames.store(num, 1, annotations[num - 1]);
            frame_bytes = tcplife::test::live_heap_bytes() - base;
            frame_peak = tcplife::test::peak_heap_bytes() - base;
        }
    }
    state.counters["segments"] = static_cast<double>(segments.size());
    state.counters["bytes_per_conversation"] = static_cast<double>(tracker_bytes) / conversations;
    const auto frames = static_cast<double>(segments.size());
    state.counters["frame_cache_bytes_per_frame"] = static_cast<double>(frame_bytes) / frames;
    state.counters["frame_cache_peak_bytes_per_frame"] = static_cast<double>(frame_peak) / frames;
    state.counters["sizeof_StreamRecord"] = sizeof(tcplife::StreamRecord);
    state.counters["sizeof_Conversation"] = sizeof(tcplife::Conversation);
    state.counters["sizeof_LedgerFacts"] = sizeof(tcplife::LedgerFacts);
    state.counters["sizeof_ZeekConnection"] = sizeof(tcplife::ZeekConnection);
    state.counters["sizeof_Annotation"] = sizeof(tcplife::Annotation);
    state.counters["sizeof_PackedAnnotation"] = sizeof(tcplife::PackedAnnotation);
    state.counters["sizeof_Segment"] = sizeof(tcplife::Segment);
    state.counters["sizeof_ExpertMessages"] = sizeof(tcplife::ExpertMessages);
}
BENCHMARK(BM_memory)->Iterations(1)->Unit(benchmark::kMillisecond);

// A SYN flood: 100,000 streams that never get past their SYN (issue 18: they are kept
// as that segment alone).
void BM_memory_syn_flood(benchmark::State &state)
{
    const std::uint32_t conversations = 100000;
    std::vector<Segment> syns;
    syns.reserve(conversations);
    for (std::uint32_t stream = 0; stream < conversations; ++stream) {
        tcplife::test::Hosts hosts(static_cast<std::uint16_t>(1024 + stream % 60000), 80, stream);
        Segment syn = hosts.exchange(tcplife::test::Side::Client, tcplife::test::SYN);
        syn.frame = stream + 1;
        syns.push_back(syn);
    }
    std::size_t tracker_bytes = 0;
    for (auto _ : state) {
        const std::size_t before = tcplife::test::live_heap_bytes();
        Tracker tracker;
        for (const Segment &syn : syns)
            benchmark::DoNotOptimize(tracker.observe(syn));
        tracker_bytes = tcplife::test::live_heap_bytes() - before;
    }
    state.counters["bytes_per_syn_only_conversation"] = static_cast<double>(tracker_bytes) / conversations;
}
BENCHMARK(BM_memory_syn_flood)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
