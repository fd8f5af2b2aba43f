#include "packed_annotation.hpp"

#include <array>

namespace tcplife {
namespace {

// A value of `width` bits at bit `shift` of an unsigned word.
struct BitField {
    unsigned shift;
    unsigned width;

    template <typename Word> unsigned get(Word word) const
    {
        return static_cast<unsigned>((word >> shift) & ((1u << width) - 1u));
    }
    template <typename Word> void put(Word &word, unsigned value) const
    {
        const auto mask = static_cast<Word>(((1u << width) - 1u) << shift);
        word = static_cast<Word>((word & ~mask) | ((value << shift) & mask));
    }
};

// bits_: every value that needs fewer than 8 bits, and the owner's tag.
constexpr BitField notes_bits{0, 13};
constexpr BitField reset_bits{13, 3};
constexpr BitField handshake_step_bits{16, 2};
constexpr BitField close_steps_bits{18, 4};
constexpr BitField merged_close_bit{22, 1};
constexpr BitField roles_guessed_bit{23, 1};
constexpr BitField sender_bits{24, 2};
constexpr BitField reset_in_bits{26, 4};
constexpr BitField tag_bits{30, 2};

// A TcpState in 4 bits; states_ holds four, a path up to four.
constexpr unsigned state_width = 4;
constexpr BitField state_at(unsigned index) { return BitField{index * state_width, state_width}; }
constexpr BitField client_before_bits = state_at(0);
constexpr BitField client_after_bits = state_at(1);
constexpr BitField server_before_bits = state_at(2);
constexpr BitField server_after_bits = state_at(3);
constexpr BitField client_length_bits{0, 4};
constexpr BitField server_length_bits{4, 4};

static_assert(static_cast<unsigned>(TcpState::TimeWait) < (1u << state_width), "a TcpState fits in 4 bits");
static_assert(note::reuse_in_time_wait < (1u << 13), "the notes fit in 13 bits");
static_assert(static_cast<unsigned>(ResetKind::OutOfWindow) < (1u << 3), "a ResetKind fits in 3 bits");
static_assert(std::tuple_size<decltype(StatePath::states)>::value == 4, "a path packs into 16 bits");

template <typename Enum> unsigned raw(Enum value) { return static_cast<unsigned>(value); }

std::uint16_t pack_path(const StatePath &path)
{
    std::uint16_t packed = 0;
    for (unsigned i = 0; i < path.length; ++i)
        state_at(i).put(packed, raw(path.states[i]));
    return packed;
}

StatePath unpack_path(std::uint16_t packed, unsigned length)
{
    StatePath path;
    for (unsigned i = 0; i < length; ++i)
        path.push(static_cast<TcpState>(state_at(i).get(packed)));
    return path;
}

} // namespace

PackedAnnotation::PackedAnnotation(const Annotation &a)
    : stream_(a.stream), number_(a.number), expected_number_(a.expected_number), server_port_(a.server_port),
      client_path_(pack_path(a.client_path)), server_path_(pack_path(a.server_path)), attempt_(a.attempt)
{
    notes_bits.put(bits_, a.notes);
    reset_bits.put(bits_, raw(a.reset));
    handshake_step_bits.put(bits_, a.handshake_step);
    close_steps_bits.put(bits_, a.close_steps);
    merged_close_bit.put(bits_, a.merged_close ? 1 : 0);
    roles_guessed_bit.put(bits_, a.roles_guessed ? 1 : 0);
    sender_bits.put(bits_, raw(a.sender));
    reset_in_bits.put(bits_, raw(a.reset_in));
    client_before_bits.put(states_, raw(a.client_before));
    client_after_bits.put(states_, raw(a.client_after));
    server_before_bits.put(states_, raw(a.server_before));
    server_after_bits.put(states_, raw(a.server_after));
    client_length_bits.put(path_lengths_, a.client_path.length);
    server_length_bits.put(path_lengths_, a.server_path.length);
}

Annotation PackedAnnotation::unpack() const
{
    Annotation a;
    a.stream = stream_;
    a.sender = static_cast<Role>(sender_bits.get(bits_));
    a.roles_guessed = roles_guessed_bit.get(bits_) != 0;
    a.handshake_step = static_cast<std::uint8_t>(handshake_step_bits.get(bits_));
    a.close_steps = static_cast<std::uint8_t>(close_steps_bits.get(bits_));
    a.merged_close = merged_close_bit.get(bits_) != 0;
    a.attempt = attempt_;
    a.notes = static_cast<std::uint16_t>(notes_bits.get(bits_));
    a.client_before = static_cast<TcpState>(client_before_bits.get(states_));
    a.client_after = static_cast<TcpState>(client_after_bits.get(states_));
    a.server_before = static_cast<TcpState>(server_before_bits.get(states_));
    a.server_after = static_cast<TcpState>(server_after_bits.get(states_));
    a.client_path = unpack_path(client_path_, client_length_bits.get(path_lengths_));
    a.server_path = unpack_path(server_path_, server_length_bits.get(path_lengths_));
    a.reset = static_cast<ResetKind>(reset_bits.get(bits_));
    a.reset_in = static_cast<TcpState>(reset_in_bits.get(bits_));
    a.number = number_;
    a.expected_number = expected_number_;
    a.server_port = server_port_;
    return a;
}

unsigned PackedAnnotation::tag() const { return tag_bits.get(bits_); }

void PackedAnnotation::set_tag(unsigned tag) { tag_bits.put(bits_, tag); }

} // namespace tcplife
