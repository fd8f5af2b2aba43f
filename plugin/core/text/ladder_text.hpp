// Plain-text helpers for the ladder: wrapping, centring, numbers as people read them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tcplife::ladder {

using Lines = std::vector<std::string>;

// Greedy word wrap; a word longer than a line is cut.
Lines wrap(const std::string &text, std::size_t width);

// Items separated by commas, as many to a line as fit: a line breaks between items
// rather than inside one, unless an item is longer than a line.
Lines pack(const Lines &items, std::size_t width);

std::string centered(const std::string &text, std::size_t width); // cut when longer
std::string padded(const std::string &text, std::size_t width, bool right_aligned = false);

std::string with_commas(std::uint64_t n); // "36,500"

// "0.000176": seconds with microseconds, like Wireshark's relative times; from 1000 s
// on milliseconds ("4000.001"), from 10^6 s whole seconds, so the column stays narrow.
std::string seconds_text(std::int64_t ns);

} // namespace tcplife::ladder
