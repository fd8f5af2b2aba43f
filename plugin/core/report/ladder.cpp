#include "report/ladder.hpp"

#include "text/socket_text.hpp"
#include "text/ladder_labels.hpp"
#include "report/ladder_numbering.hpp"
#include "text/ladder_text.hpp"
#include "conversation/capture_time.hpp"
#include "conversation/verdict.hpp"

#include <algorithm>
#include <array>

namespace tcplife {
namespace {

using namespace ladder;

constexpr std::size_t state_width = 12; // "SYN_RECEIVED"
constexpr std::size_t min_arrow_width = 12;
constexpr std::uint16_t step_flags = tcp_flag::syn | tcp_flag::fin | tcp_flag::rst;

std::size_t side_index(Role role) { return role == Role::Server ? 1 : 0; }

struct Layout {
    std::size_t width = 80;
    std::size_t frame_width = 5; // "frame"
    std::size_t time_width = 8;  // "time (s)"
    std::size_t arrow_width = min_arrow_width;
};

// One line of the diagram: frame, time, the client's state, its lane, what passes
// between the lanes, the server's lane and state.
struct Row {
    std::string frame;
    std::string time;
    std::string client;
    std::string middle; // centred between the lanes
    std::string server;
    char lane = '|';
};

class Drawing {
public:
    explicit Drawing(const Layout &layout) : layout_(layout) {}

    // Every line is cut to the width: with a width too small for the columns the
    // contract (no line longer) wins over completeness.
    void line(std::string text)
    {
        if (text.size() > layout_.width)
            text.resize(layout_.width);
        text.erase(text.find_last_not_of(' ') + 1);
        out_ += text;
        out_ += '\n';
    }

    void paragraph(const std::string &text)
    {
        for (const std::string &part : wrap(text, layout_.width))
            line(part);
    }

    void row(const Row &r)
    {
        const std::string lane(1, r.lane);
        line(padded(r.frame, layout_.frame_width, true) + ' ' + padded(r.time, layout_.time_width, true) + "  " +
             padded(r.client, state_width) + ' ' + lane + centered(r.middle, layout_.arrow_width) + lane + ' ' +
             r.server);
    }

    const Layout &layout() const { return layout_; }
    std::string take() { return std::move(out_); }

private:
    Layout layout_;
    std::string out_;
};

Layout make_layout(const std::vector<LadderSegment> &segments, const LadderOptions &options)
{
    Layout layout;
    layout.width = options.width;
    const std::int64_t start = segments.front().time_ns;
    for (const LadderSegment &s : segments) {
        layout.frame_width = std::max(layout.frame_width, std::to_string(s.frame).size());
        layout.time_width =
            std::max(layout.time_width, seconds_text(elapsed_ns(start, s.time_ns)).size());
    }
    const std::size_t fixed = layout.frame_width + 1 + layout.time_width + 2 + state_width + 1 + 2 + 1 + state_width;
    if (options.width >= fixed + min_arrow_width)
        layout.arrow_width = options.width - fixed;
    return layout;
}

// "------ SYN seq=0 ----->" from the client, "<--- SYN,ACK seq=0 ack=1 ---" from the
// server, "?--- ACK seq=... ---?" when the sender is unknown; a folded run's arrows are
// drawn with '='. The text must fit.
std::string arrow(Role sender, const std::string &text, std::size_t width, char shaft = '-')
{
    const std::string body = text.empty() ? "" : " " + text + " ";
    const std::size_t dashes = width - 1 - body.size();
    const std::string left(dashes / 2, shaft);
    const std::string right(dashes - dashes / 2, shaft);
    switch (sender) {
    case Role::Client: return left + body + right + ">";
    case Role::Server: return "<" + right + body + left;
    case Role::Unknown: break;
    }
    return "?" + left + body + right.substr(1) + "?";
}

bool fits_on_arrow(const std::string &text, std::size_t width) { return text.size() + 5 <= width; }

// The states one side passed through with this segment, top to bottom.
Lines states_passed(TcpState before, TcpState after, const StatePath &path)
{
    Lines states;
    for (std::uint8_t i = 0; i < path.length; ++i)
        states.emplace_back(state_name(path.states[i]));
    if (states.empty() && after != before)
        states.emplace_back(state_name(after));
    return states;
}

bool unremarkable(const LadderSegment &s)
{
    const Annotation &a = s.annotation;
    return a.sender != Role::Unknown && (s.flags & step_flags) == 0 && a.handshake_step == 0 &&
           a.close_steps == 0 && !a.merged_close && !a.is_retransmission() && a.notes == 0 &&
           a.reset == ResetKind::None && !a.changes_state() &&
           a.client_before == a.client_after && a.server_before == a.server_after && !(s.tls && s.tls->step != 0);
}

class Ladder {
public:
    Ladder(const std::vector<LadderSegment> &segments, const LadderOptions &options)
        : segments_(segments), options_(options), drawing_(make_layout(segments, options)), numbering_(segments, options.relative_numbers)
    {
    }

    std::string draw(std::uint32_t stream, const LedgerFacts &facts, const std::optional<LadderTls> &tls)
    {
        title(stream, facts);
        if (tls && tls->facts.outcome != TlsOutcome::None)
            drawing_.paragraph(tls_title(tls->facts, tls->times));
        drawing_.line("");
        Row header{"frame", "time (s)", "client", "", "server", ' '};
        drawing_.row(header);
        const Annotation &first = segments_.front().annotation;
        drawing_.row(Row{"", "", state_name(first.client_before), "", state_name(first.server_before)});
        for (std::size_t i = 0; i < segments_.size();) {
            std::size_t run = 0;
            while (i + run < segments_.size() && unremarkable(segments_[i + run]))
                ++run;
            if (options_.fold_at != 0 && run >= options_.fold_at) {
                fold(i, run);
                i += run;
                continue;
            }
            for (const std::size_t end = i + std::max<std::size_t>(run, 1); i < end; ++i)
                segment(segments_[i]);
        }
        const Annotation &last = segments_.back().annotation;
        drawing_.row(Row{"", "", state_name(last.client_after), "", state_name(last.server_after)});
        return drawing_.take();
    }

private:
    std::string time_of(const LadderSegment &s) const
    {
        return seconds_text(elapsed_ns(segments_.front().time_ns, s.time_ns));
    }

    // One fact a line, so that a pasted ladder reads as a small report.
    void title(std::uint32_t stream, const LedgerFacts &facts)
    {
        drawing_.paragraph("Stream " + std::to_string(stream) + ": client " +
                           socket_text(facts.client_socket()).data() + ", server " +
                           socket_text(facts.server_socket()).data());
        if (facts.roles_guessed)
            drawing_.paragraph("Roles: guessed from the ports (no SYN or SYN-ACK seen)");
        const Verdict verdict = judge(facts);
        drawing_.paragraph(std::string("Handshake: ") + handshake_verdict_name(verdict.handshake) +
                           handshake_gloss(verdict.handshake));
        std::string close = std::string("Close: ") + close_verdict_name(verdict.close) + close_gloss(verdict.close);
        if (verdict.initiator == Party::Both)
            close += ", started by both sides";
        else if (verdict.initiator != Party::None)
            close += std::string(", started by the ") + party_name(verdict.initiator);
        drawing_.paragraph(close);
        drawing_.paragraph(std::string("TIME_WAIT: ") + party_name(verdict.time_wait));
        std::int64_t earliest = segments_.front().time_ns;
        std::int64_t latest = earliest;
        for (const LadderSegment &s : segments_) {
            earliest = std::min(earliest, s.time_ns);
            latest = std::max(latest, s.time_ns);
        }
        const std::size_t count = segments_.size();
        drawing_.paragraph(with_commas(count) + (count == 1 ? " segment" : " segments") + ", frames " +
                           std::to_string(segments_.front().frame) + "-" + std::to_string(segments_.back().frame) +
                           ", " + seconds_text(elapsed_ns(earliest, latest)) + " s");
    }

    static const char *handshake_gloss(HandshakeVerdict verdict)
    {
        switch (verdict) {
        case HandshakeVerdict::Complete: return "";
        case HandshakeVerdict::Unanswered: return " (SYN, no reply)";
        case HandshakeVerdict::Rejected: return " (a RST answered the SYN)";
        case HandshakeVerdict::NoFinalAck: return " (SYN-ACK never acknowledged)";
        case HandshakeVerdict::SimultaneousOpen: return " (the SYNs crossed)";
        case HandshakeVerdict::Unsolicited: return " (SYN-ACK without SYN)";
        case HandshakeVerdict::NotSeen: return " (began mid-stream)";
        }
        return "";
    }

    static const char *close_gloss(CloseVerdict verdict)
    {
        switch (verdict) {
        case CloseVerdict::FourWay: return "";
        case CloseVerdict::ThreeWay: return " (FIN+ACK merged)";
        case CloseVerdict::Simultaneous: return " (the FINs crossed)";
        case CloseVerdict::Reset: return " (a RST before both FINs)";
        case CloseVerdict::HalfClosed: return " (one FIN only)";
        case CloseVerdict::Open: return " (nothing closed yet)";
        case CloseVerdict::None: return " (never established)";
        }
        return "";
    }

    void segment(const LadderSegment &s)
    {
        const Annotation &a = s.annotation;
        const std::size_t width = drawing_.layout().arrow_width;
        const std::string flags = flags_text(s.flags);
        const std::string numbers = numbering_.text(s);
        std::string on_arrow = flags + " " + numbers;
        Lines labels = step_labels(a);
        if (s.tls)
            for (std::string &label : tls_step_labels(finally_known(*s.tls)))
                labels.push_back(std::move(label));
        if (!fits_on_arrow(on_arrow, width)) {
            on_arrow = flags;
            labels.insert(labels.begin(), numbers);
        }
        if (!fits_on_arrow(on_arrow, width)) {
            labels.front() = flags + " " + numbers;
            on_arrow.clear();
        }
        const Lines below = pack(labels, width - 2);
        const Lines client = states_passed(a.client_before, a.client_after, a.client_path);
        const Lines server = states_passed(a.server_before, a.server_after, a.server_path);
        const std::size_t rows = std::max({below.size() + 1, client.size(), server.size()});
        for (std::size_t i = 0; i < rows; ++i) {
            Row row;
            if (i == 0) {
                row.frame = std::to_string(s.frame);
                row.time = time_of(s);
                row.middle = arrow(a.sender, on_arrow, width);
            } else if (i - 1 < below.size()) {
                row.middle = below[i - 1];
            }
            row.client = i < client.size() ? client[i] : "";
            row.server = i < server.size() ? server[i] : "";
            drawing_.row(row);
        }
    }

    // A run of segments that change nothing: one arrow per direction with its count
    // and payload, between dotted lanes; the first and last frame mark where it lies.
    void fold(std::size_t from, std::size_t count)
    {
        const std::size_t width = drawing_.layout().arrow_width;
        std::array<std::uint64_t, 2> segments{};
        std::array<std::uint64_t, 2> bytes{};
        for (std::size_t i = from; i < from + count; ++i) {
            const std::size_t side = side_index(segments_[i].annotation.sender);
            ++segments[side];
            bytes[side] += segments_[i].payload_length;
        }
        Lines middle{"... " + with_commas(count) + " segments ..."};
        for (std::size_t side = 0; side < 2; ++side) {
            if (segments[side] == 0)
                continue;
            const Role sender = side == 0 ? Role::Client : Role::Server;
            const std::string how_many = with_commas(segments[side]) + (segments[side] == 1 ? " segment" : " segments");
            const std::string payload = with_commas(bytes[side]) + (bytes[side] == 1 ? " byte" : " bytes");
            if (fits_on_arrow(how_many + ", " + payload, width)) {
                middle.push_back(arrow(sender, how_many + ", " + payload, width, '='));
            } else {
                middle.push_back(fits_on_arrow(how_many, width) ? arrow(sender, how_many, width, '=') : how_many);
                middle.push_back(payload);
            }
        }
        for (std::size_t i = 0; i < middle.size(); ++i) {
            Row row;
            row.lane = ':';
            row.middle = middle[i];
            const LadderSegment *shown = i == 0 ? &segments_[from]
                                         : i + 1 == middle.size() && count > 1 ? &segments_[from + count - 1]
                                                                               : nullptr;
            if (shown != nullptr) {
                row.frame = std::to_string(shown->frame);
                row.time = time_of(*shown);
            }
            drawing_.row(row);
        }
    }

    // The ladder is drawn after the capture: every step counts the flights as the last
    // one knew them, where each segment knew them only so far (a ClientHello offering
    // TLS 1.3 expects 3 until a TLS 1.2 ServerHello says 4).
    TlsStep finally_known(TlsStep step) const
    {
        step.steps_expected = last_steps_expected_;
        return step;
    }

    static std::uint8_t last_steps_expected(const std::vector<LadderSegment> &segments)
    {
        std::uint8_t expected = 0;
        for (const LadderSegment &s : segments)
            if (s.tls && s.tls->step != 0)
                expected = s.tls->steps_expected;
        return expected;
    }

    const std::vector<LadderSegment> &segments_;
    std::uint8_t last_steps_expected_ = last_steps_expected(segments_);
    LadderOptions options_;
    Drawing drawing_;
    Numbering numbering_;
};

} // namespace

std::string draw_ladder(std::uint32_t stream, const LedgerFacts &facts, const std::vector<LadderSegment> &segments,
                        const LadderOptions &options, const std::optional<LadderTls> &tls)
{
    if (segments.empty())
        return "Stream " + std::to_string(stream) + ": no segments to draw.\n";
    return Ladder(segments, options).draw(stream, facts, tls);
}

} // namespace tcplife
