// The history string (Zeek's documentation of conn.log, field history): which letter a
// segment writes, once per role or at a new sequence number, and the scaled letters.
#include "zeek/zeek_conn.hpp"

#include "zeek/sequence_space.hpp"

#include <limits>

namespace tcplife {
namespace {

// Zeek's hist_seen bits (TCP_Endpoint::HistoryMasks). They belong to the connection and
// are chosen by the sender's role when the letter is written, so after a flip they stay
// with the role, not with the endpoint (Connection::FlipRoles leaves hist_seen alone).
namespace seen {
constexpr std::uint16_t syn = 0x01; // S and H share one record
constexpr std::uint16_t fin = 0x02;
constexpr std::uint16_t rst = 0x04;
constexpr std::uint16_t fin_rst = 0x08;
constexpr std::uint16_t data = 0x10;
constexpr std::uint16_t ack = 0x20;
constexpr std::uint16_t multi_flag = 0x40;
constexpr unsigned responder_shift = 8; // Zeek shifts by 16 in 32 bits; 8 suffices for 7 bits
} // namespace seen

// Where the history stands in Zeek's RSTOS0 pattern /\^?S[^HAFGIQ]*R.*/, which
// main.zeek matches against the whole history. Tracking it letter by letter keeps
// conn_state exact even when the history buffer overflows.
namespace rstos0 {
constexpr std::uint8_t at_start = 0;
constexpr std::uint8_t after_caret = 1;
constexpr std::uint8_t after_syn = 2;
constexpr std::uint8_t matched = 3;
constexpr std::uint8_t failed = 4;

std::uint8_t step(std::uint8_t state, char letter)
{
    switch (state) {
    case at_start:
        return letter == '^' ? after_caret : letter == 'S' ? after_syn : failed;
    case after_caret:
        return letter == 'S' ? after_syn : failed;
    case after_syn:
        if (letter == 'R')
            return matched; // the rest is .*
        return std::string_view("HAFGIQ").find(letter) == std::string_view::npos ? after_syn : failed;
    default:
        return state;
    }
}
} // namespace rstos0

char responder_case(char code) { return code >= 'A' && code <= 'Z' ? static_cast<char>(code - 'A' + 'a') : code; }

// Session::ScaledHistoryEntry writes its letter when the count reaches 1, 10, 100, ...
bool is_power_of_ten(std::uint32_t count)
{
    if (count == 0)
        return false;
    while (count % 10 == 0)
        count /= 10;
    return count == 1;
}

} // namespace

// update_history: only SYN, FIN and RST choose the letter; the ACK bit alone gives A.
void ZeekConnection::record_history(std::size_t sender, const Segment &segment, std::uint64_t rel_seq)
{
    ZeekEndpoint &from = endpoints_[sender];
    const auto [syn, fin, rst, ack] = control_flags(segment);
    const int letter_flags = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (letter_flags > 1) {
        if (fin && rst)
            seen_once(sender, seen::fin_rst, 'I'); // inconsistent
        else
            seen_once(sender, seen::multi_flag, 'Q'); // SYN with FIN or RST
        return;
    }
    if (letter_flags == 0) {
        if (segment.payload_length > 0)
            seen_once(sender, seen::data, 'D');
        else if (ack)
            seen_once(sender, seen::ack, 'A');
        return; // a segment with no flags at all leaves no letter
    }
    // S, H, F and R: the first from each role always; a repeat only at a new relative
    // sequence number of that endpoint's (the FIN's counted at the end of its data).
    const std::uint32_t at = low32(rel_seq);
    if (syn) {
        const char code = segment.has(tcp_flag::ack) ? 'H' : 'S';
        if (seen_once(sender, seen::syn, code) && at != from.last_syn_at)
            add_letter(sender, code);
        from.last_syn_at = at;
    } else if (fin) {
        const std::uint32_t fin_end = low32(rel_seq + segment.payload_length);
        if (seen_once(sender, seen::fin, 'F') && fin_end != from.last_fin_end)
            add_letter(sender, 'F');
        from.last_fin_end = fin_end;
    } else {
        if (seen_once(sender, seen::rst, 'R') && at != from.last_rst_at)
            add_letter(sender, 'R');
        from.last_rst_at = at;
    }
}

// Session::CheckHistory: writes the letter the first time its role sends it; returns
// whether it had been written before.
bool ZeekConnection::seen_once(std::size_t sender, std::uint16_t mask, char code)
{
    const auto bit = static_cast<std::uint16_t>(is_originator(sender) ? mask : mask << seen::responder_shift);
    if ((letters_seen_ & bit) != 0)
        return true;
    letters_seen_ = static_cast<std::uint16_t>(letters_seen_ | bit);
    add_letter(sender, code);
    return false;
}

// Session::ScaledHistoryEntry: T, W and G are written at the 1st, 10th, 100th... event.
// Counters saturate: at most 1 000 000 000 for T, 10 000 for W and G.
template <typename Counter> void ZeekConnection::count_event(std::size_t endpoint, Counter &counter, char code)
{
    if (counter == std::numeric_limits<Counter>::max())
        return;
    ++counter;
    if (is_power_of_ten(counter))
        add_letter(endpoint, code);
}

// Uppercase from the originator, lowercase from the responder, as the roles stand now.
void ZeekConnection::add_letter(std::size_t endpoint, char code)
{
    append_history(is_originator(endpoint) ? code : responder_case(code));
}

// Zeek's history has no limit. Past the inline buffer the letters are dropped (the
// history is then a prefix of Zeek's), but still fed to the RSTOS0 matcher.
void ZeekConnection::append_history(char letter)
{
    rstos0_match_ = rstos0::step(rstos0_match_, letter);
    if (history_length_ < history_capacity)
        history_[history_length_++] = letter;
    else
        history_truncated_ = true;
}

// Defined here, counted elsewhere (zeek_conn.cpp, content_gaps.cpp): T in 32 bits, W and G in 16.
template void ZeekConnection::count_event(std::size_t endpoint, std::uint32_t &counter, char code);
template void ZeekConnection::count_event(std::size_t endpoint, std::uint16_t &counter, char code);

// For the flip after a lone SYN-ACK, which rewrites the history from its start.
void ZeekConnection::clear_history()
{
    history_length_ = 0;
    rstos0_match_ = rstos0::at_start;
}

bool ZeekConnection::history_matches_rstos0() const { return rstos0_match_ == rstos0::matched; }

std::string_view ZeekConnection::history() const { return std::string_view(history_.data(), history_length_); }

} // namespace tcplife
