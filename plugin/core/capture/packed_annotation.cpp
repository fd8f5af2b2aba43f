#include "capture/packed_annotation.hpp"

namespace tcplife {
namespace {

// A value of `width` bits at bit `shift` of an unsigned word.
struct BitField {
    unsigned shift;
    unsigned width;

    template <typename Word> unsigned get(Word word) const
    {
        return (static_cast<unsigned>(word) >> shift) & ((1u << width) - 1u);
    }
    template <typename Word> void put(Word &word, unsigned value) const
    {
        const auto mask = static_cast<Word>(((1u << width) - 1u) << shift);
        word = static_cast<Word>((word & ~mask) | ((value << shift) & mask));
    }
};

// bits_: every value that needs fewer than 8 bits, and the owner's tag. The notes
// above the 13 bits kept here are rare ones: they wait in the rest.
constexpr BitField notes_bits{0, 13};
constexpr std::uint32_t packed_notes = (1u << 13) - 1;
constexpr BitField reset_bits{13, 3};
constexpr BitField handshake_step_bits{16, 2};
constexpr BitField close_steps_bits{18, 4};
constexpr BitField merged_close_bit{22, 1};
constexpr BitField roles_guessed_bit{23, 1};
constexpr BitField sender_bits{24, 2};
constexpr BitField reset_in_bits{26, 4};
constexpr BitField tag_bits{30, 2};

// A TcpState in 4 bits; states_ holds four.
constexpr unsigned state_width = 4;
constexpr BitField state_at(unsigned index) { return BitField{index * state_width, state_width}; }
constexpr BitField client_before_bits = state_at(0);
constexpr BitField client_after_bits = state_at(1);
constexpr BitField server_before_bits = state_at(2);
constexpr BitField server_after_bits = state_at(3);

// shape_: each path as it relates to the state after the segment, how the number and
// the expected number relate, and where the server port is.
enum PathShape : unsigned { NoChange, StraightToAfter, InRest };
// A step's number is what it should be, or only the expected one exists (a SYN: the
// ISN + 1 its answer must acknowledge); number_ holds whichever is not implied.
enum NumberShape : unsigned { ExpectedIsNumber, OnlyExpected, ExpectedInRest };
constexpr BitField client_shape_bits{0, 2};
constexpr BitField server_shape_bits{2, 2};
constexpr BitField number_shape_bits{4, 2};
constexpr BitField server_port_in_rest_bit{6, 1};
constexpr BitField rare_in_rest_bit{7, 1}; // rare notes or unexpected events

static_assert(static_cast<unsigned>(TcpState::TimeWait) < (1u << state_width), "a TcpState fits in 4 bits");
static_assert(note::reuse_in_time_wait <= packed_notes, "the common notes fit in 13 bits");
static_assert((note::window_scale_capped & packed_notes) == 0 && (note::time_backwards & packed_notes) == 0,
              "the rare notes lie above the 13 packed bits");
static_assert(static_cast<unsigned>(ResetKind::FromClosed) < (1u << 3), "a ResetKind fits in 3 bits");

template <typename Enum> unsigned raw(Enum value) { return static_cast<unsigned>(value); }

NumberShape number_shape_of(const Annotation &a)
{
    if (a.expected_number == a.number)
        return ExpectedIsNumber;
    return a.number == 0 ? OnlyExpected : ExpectedInRest;
}

PathShape shape_of(const StatePath &path, TcpState after)
{
    if (path.length == 0)
        return NoChange;
    return path.length == 1 && path.states[0] == after ? StraightToAfter : InRest;
}

StatePath path_of(PathShape shape, TcpState after, const StatePath *rest)
{
    StatePath path;
    if (shape == StraightToAfter)
        path.push(after);
    else if (shape == InRest)
        path = *rest;
    return path;
}

} // namespace

PackedAnnotation::PackedAnnotation(const Annotation &a)
    : number_(number_shape_of(a) == OnlyExpected ? a.expected_number : a.number),
      attempt_(a.attempt)
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
    client_shape_bits.put(shape_, shape_of(a.client_path, a.client_after));
    server_shape_bits.put(shape_, shape_of(a.server_path, a.server_after));
    number_shape_bits.put(shape_, number_shape_of(a));
    rare_in_rest_bit.put(shape_, (a.notes & ~packed_notes) != 0 || a.unexpected_events != 0 ? 1 : 0);
}

void PackedAnnotation::keep_server_port_in_rest() { server_port_in_rest_bit.put(shape_, 1); }

bool PackedAnnotation::needs_rest() const
{
    return client_shape_bits.get(shape_) == InRest || server_shape_bits.get(shape_) == InRest ||
           number_shape_bits.get(shape_) == ExpectedInRest || server_port_in_rest_bit.get(shape_) != 0 ||
           rare_in_rest_bit.get(shape_) != 0;
}

AnnotationRest rest_of(const Annotation &a)
{
    return AnnotationRest{a.expected_number,
                          a.client_path,
                          a.server_path,
                          a.server_port,
                          a.notes & ~packed_notes,
                          a.unexpected_events,
                          a.unexpected_at,
                          a.unexpected_state,
                          a.unexpected_event};
}

Annotation PackedAnnotation::unpack(std::uint32_t stream, std::uint16_t stream_server_port,
                                    const AnnotationRest *rest) const
{
    Annotation a;
    a.stream = stream;
    a.sender = static_cast<Role>(sender_bits.get(bits_));
    a.roles_guessed = roles_guessed_bit.get(bits_) != 0;
    a.handshake_step = static_cast<std::uint8_t>(handshake_step_bits.get(bits_));
    a.close_steps = static_cast<std::uint8_t>(close_steps_bits.get(bits_));
    a.merged_close = merged_close_bit.get(bits_) != 0;
    a.attempt = attempt_;
    a.notes = notes_bits.get(bits_);
    if (rare_in_rest_bit.get(shape_) != 0) {
        a.notes |= rest->rare_notes;
        a.unexpected_events = rest->unexpected_events;
        a.unexpected_at = rest->unexpected_at;
        a.unexpected_state = rest->unexpected_state;
        a.unexpected_event = rest->unexpected_event;
    }
    a.client_before = static_cast<TcpState>(client_before_bits.get(states_));
    a.client_after = static_cast<TcpState>(client_after_bits.get(states_));
    a.server_before = static_cast<TcpState>(server_before_bits.get(states_));
    a.server_after = static_cast<TcpState>(server_after_bits.get(states_));
    const StatePath *client_rest = rest != nullptr ? &rest->client_path : nullptr;
    const StatePath *server_rest = rest != nullptr ? &rest->server_path : nullptr;
    a.client_path = path_of(static_cast<PathShape>(client_shape_bits.get(shape_)), a.client_after, client_rest);
    a.server_path = path_of(static_cast<PathShape>(server_shape_bits.get(shape_)), a.server_after, server_rest);
    a.reset = static_cast<ResetKind>(reset_bits.get(bits_));
    a.reset_in = static_cast<TcpState>(reset_in_bits.get(bits_));
    switch (static_cast<NumberShape>(number_shape_bits.get(shape_))) {
    case ExpectedIsNumber:
        a.number = a.expected_number = number_;
        break;
    case OnlyExpected:
        a.expected_number = number_;
        break;
    case ExpectedInRest:
        a.number = number_;
        a.expected_number = rest->expected_number;
        break;
    }
    a.server_port = server_port_in_rest_bit.get(shape_) != 0 ? rest->server_port : stream_server_port;
    return a;
}

unsigned PackedAnnotation::tag() const { return tag_bits.get(bits_); }

void PackedAnnotation::set_tag(unsigned tag) { tag_bits.put(bits_, tag); }

} // namespace tcplife
