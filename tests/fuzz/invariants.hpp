// What must hold for whatever segments the core is given; a fuzz target aborts when
// one does not (check() prints which, so the crash report says it).
#pragma once

#include "capture/capture.hpp"
#include "tcp/transitions.hpp"

#include <cstdio>
#include <cstdlib>

namespace tcplife::fuzz {

inline void check(bool holds, const char *what)
{
    if (!holds) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

// Whether `to` follows `from` in one row of the transition table (a row standing for
// several RFC steps passes through its `via` states first).
inline bool table_allows(TcpState from, TcpState to)
{
    for (int e = 0; e <= static_cast<int>(EndpointEvent::BothSidesSentData); ++e) {
        const Transition t = transition(from, static_cast<EndpointEvent>(e));
        if (!t.expected)
            continue;
        const TcpState first = t.via_length != 0 ? t.via[0] : t.next;
        if (first == to)
            return true;
    }
    return false;
}

// Also a step inside a multi-step row: via[0] -> via[1] -> next.
inline bool table_continues(TcpState from, TcpState to)
{
    if (table_allows(from, to))
        return true;
    for (int s = 0; s <= static_cast<int>(TcpState::TimeWait); ++s) {
        for (int e = 0; e <= static_cast<int>(EndpointEvent::BothSidesSentData); ++e) {
            const Transition t = transition(static_cast<TcpState>(s), static_cast<EndpointEvent>(e));
            if (!t.expected || t.via_length == 0)
                continue;
            for (std::uint8_t i = 0; i < t.via_length; ++i) {
                const TcpState after = i + 1 < t.via_length ? t.via[i + 1] : t.next;
                if (t.via[i] == from && after == to)
                    return true;
            }
        }
    }
    return false;
}

inline void check_path(TcpState before, const StatePath &path, TcpState after)
{
    if (path.length == 0) {
        check(before == after, "a side changed state without a path");
        return;
    }
    check(path.states[path.length - 1] == after, "a path does not end in the state after");
    TcpState from = before;
    for (std::uint8_t i = 0; i < path.length; ++i) {
        check(table_continues(from, path.states[i]), "a state change the transition table does not have");
        from = path.states[i];
    }
}

inline void check_annotation(const Annotation &a)
{
    check(a.handshake_step <= 3, "handshake step above 3");
    check(a.close_steps < 16, "close step above 4");
    check(!a.merged_close || (a.has_close_step(2) && a.has_close_step(3)), "merged close is not steps 2 and 3");
    check_path(a.client_before, a.client_path, a.client_after);
    check_path(a.server_before, a.server_path, a.server_after);
}

inline bool same(const StatePath &a, const StatePath &b)
{
    if (a.length != b.length)
        return false;
    for (std::uint8_t i = 0; i < a.length; ++i)
        if (a.states[i] != b.states[i])
            return false;
    return true;
}

// The per-frame cache gives back what the first pass concluded.
inline void check_cached(const FrameRecord &seen, const std::optional<FrameRecord> &cached)
{
    check(cached.has_value(), "an observed frame is not in the cache");
    check(cached->kind == seen.kind, "the cache changed a frame's kind");
    if (seen.kind != FrameRecord::Kind::Analysed)
        return;
    const Annotation &a = seen.annotation;
    const Annotation &b = cached->annotation;
    check(a.stream == b.stream && a.sender == b.sender && a.roles_guessed == b.roles_guessed &&
              a.handshake_step == b.handshake_step && a.close_steps == b.close_steps &&
              a.merged_close == b.merged_close && a.attempt == b.attempt && a.notes == b.notes,
          "the cache changed a frame's steps or notes");
    check(a.client_before == b.client_before && a.client_after == b.client_after &&
              a.server_before == b.server_before && a.server_after == b.server_after &&
              same(a.client_path, b.client_path) && same(a.server_path, b.server_path),
          "the cache changed a frame's states");
    check(a.reset == b.reset && a.reset_in == b.reset_in && a.number == b.number &&
              a.expected_number == b.expected_number && a.server_port == b.server_port &&
              a.unexpected_events == b.unexpected_events,
          "the cache changed a frame's reset, numbers or unexpected events");
}

} // namespace tcplife::fuzz
