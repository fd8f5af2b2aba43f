// One frame's Annotation in 12 fixed bytes, for the per-frame cache, which holds one
// per frame of a capture (millions of them). Annotation itself spends whole bytes, and
// padding, on values of 1 to 4 bits, and carries values that are the same on most
// frames. Those go elsewhere: the stream index, which whoever loads the frame knows
// (TCP's conversation for the frame tells it on every pass); the server port, kept once
// per stream (FrameCache); and, for the few frames where they say something, the
// expected number (when it differs from the number), a state path that went through
// more than one state, the rare notes (note:: bits from window_scale_capped up) and the
// events the transition table did not expect. Packing is exact: unpacking with them
// gives back every field as it was.
#pragma once

#include "tcp/annotation.hpp"

#include <cstdint>

namespace tcplife {

// What PackedAnnotation leaves out of its 12 bytes.
struct AnnotationRest {
    std::uint32_t expected_number = 0;
    StatePath client_path;
    StatePath server_path;
    std::uint16_t server_port = 0;
    std::uint32_t rare_notes = 0; // the note:: bits above those the 12 bytes hold
    std::uint8_t unexpected_events = 0; // and the first of them, as in Annotation
    Role unexpected_at = Role::Unknown;
    TcpState unexpected_state = TcpState::Unknown;
    EndpointEvent unexpected_event = EndpointEvent::SendSyn;
};

class PackedAnnotation {
public:
    PackedAnnotation() = default;
    explicit PackedAnnotation(const Annotation &annotation);

    // The stream and its server port are given to unpack(); an annotation with another
    // server port takes it from its rest.
    void keep_server_port_in_rest();
    // Whether unpacking needs the annotation's AnnotationRest.
    bool needs_rest() const;
    // `rest` may be null when needs_rest() is false.
    Annotation unpack(std::uint32_t stream, std::uint16_t stream_server_port, const AnnotationRest *rest) const;

    // Two bits the cache that stores the annotation may use for its own bookkeeping
    // (what a slot holds), so that a slot needs no byte of its own. Zero by default.
    unsigned tag() const;
    void set_tag(unsigned tag);

private:
    std::uint32_t number_ = 0;
    std::uint32_t bits_ = 0;   // the small values: see the layout in packed_annotation.cpp
    std::uint16_t states_ = 0; // client before, client after, server before, server after
    std::uint8_t attempt_ = 0;
    std::uint8_t shape_ = 0;   // how each path and the expected number relate to the rest
};

static_assert(sizeof(PackedAnnotation) == 12, "the per-frame cache is sized for 12-byte annotations");

AnnotationRest rest_of(const Annotation &annotation);

} // namespace tcplife
