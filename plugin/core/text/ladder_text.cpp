#include "text/ladder_text.hpp"

#include <algorithm>
#include <cstdio>

namespace tcplife::ladder {

Lines wrap(const std::string &text, std::size_t width)
{
    width = std::max<std::size_t>(width, 1);
    Lines lines;
    std::string line;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t start = text.find_first_not_of(' ', at);
        if (start == std::string::npos)
            break;
        const std::size_t end = std::min(text.find(' ', start), text.size());
        std::string word = text.substr(start, end - start);
        at = end;
        if (!line.empty() && line.size() + 1 + word.size() <= width) {
            line += ' ' + word;
            continue;
        }
        if (!line.empty())
            lines.push_back(line);
        for (; word.size() > width; word.erase(0, width))
            lines.push_back(word.substr(0, width));
        line = word;
    }
    if (!line.empty())
        lines.push_back(line);
    return lines;
}

Lines pack(const Lines &items, std::size_t width)
{
    Lines lines;
    std::string line;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string item = items[i] + (i + 1 < items.size() ? "," : "");
        if (!line.empty() && line.size() + 1 + item.size() <= width) {
            line += ' ' + item;
            continue;
        }
        if (!line.empty())
            lines.push_back(line);
        Lines parts = wrap(item, width);
        line = parts.empty() ? "" : parts.back();
        if (!parts.empty())
            parts.pop_back();
        lines.insert(lines.end(), parts.begin(), parts.end());
    }
    if (!line.empty())
        lines.push_back(line);
    return lines;
}

std::string centered(const std::string &text, std::size_t width)
{
    if (text.size() >= width)
        return text.substr(0, width);
    const std::size_t left = (width - text.size()) / 2;
    return std::string(left, ' ') + text + std::string(width - left - text.size(), ' ');
}

std::string padded(const std::string &text, std::size_t width, bool right_aligned)
{
    if (text.size() >= width)
        return text;
    const std::string fill(width - text.size(), ' ');
    return right_aligned ? fill + text : text + fill;
}

std::string with_commas(std::uint64_t n)
{
    std::string digits = std::to_string(n);
    for (std::size_t at = digits.size(); at > 3; at -= 3)
        digits.insert(at - 3, 1, ',');
    return digits;
}

std::string seconds_text(std::int64_t ns)
{
    const std::uint64_t magnitude = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    const unsigned long long seconds = magnitude / 1'000'000'000u;
    const unsigned long long fraction = magnitude % 1'000'000'000u;
    const char *sign = ns < 0 ? "-" : "";
    char text[40];
    if (seconds < 1000)
        std::snprintf(text, sizeof text, "%s%llu.%06llu", sign, seconds, fraction / 1000u);
    else if (seconds < 1'000'000)
        std::snprintf(text, sizeof text, "%s%llu.%03llu", sign, seconds, fraction / 1'000'000u);
    else
        std::snprintf(text, sizeof text, "%s%llu", sign, seconds);
    return text;
}

} // namespace tcplife::ladder
