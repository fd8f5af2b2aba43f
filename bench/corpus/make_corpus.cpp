// tcplife_corpus: writes a deterministic synthetic capture of a busy link for the
// benchmark (bench/README.md). Same seed and sizes, same bytes, on any machine.
//
//   tcplife_corpus --out FILE [--seed N] [--conversations N | --scale X] [--rate N]
//                  [--pre-window S] [--snaplen N] [--ipv6-share F] [--summary FILE]
//   tcplife_corpus --out FILE (--syn-flood N | --port-scan N) [--seed N] [--rate N] [--summary FILE]
//
// Conversations start as a Poisson process (--rate per second) over a capture window
// of conversations / rate seconds; each one follows a script drawn from a weighted mix
// (closes of every kind, resets, refused and unanswered SYNs, persistent connections,
// conversations still open at the end). Packets of all conversations are merged by
// time. Conversations that started before the window show up mid-stream; those still
// running when it ends are cut off, as in a real capture. Sequence and acknowledgement
// numbers follow what real stacks send (slow start, delayed ACKs, SYN back-off), so
// Wireshark's TCP analysis stays quiet except for the retransmitted SYNs and SYN-ACKs.
//
// Payload bytes look like TLS application-data records, one record per segment: what
// most of a busy link carries, and cheap for Wireshark to dissect, so the baseline is
// not inflated by heavy application-layer dissection.
//
// The two flood modes write something else: conversations that never get past their
// opening, which is what a SYN flood or a port scan leaves a passive observer with
// (issue 17: tcplife's memory stays bounded under them). See "Floods" below.

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <string>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------
// Randomness: xoshiro256** seeded through splitmix64, and distributions written out
// here (the standard library's are implementation-defined, so not reproducible).

std::uint64_t splitmix64(std::uint64_t &state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed)
    {
        for (std::uint64_t &word : s_)
            word = splitmix64(seed);
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0, 1)
    // An integer in [lo, hi].
    std::uint32_t range(std::uint32_t lo, std::uint32_t hi)
    {
        const std::uint64_t span = static_cast<std::uint64_t>(hi) - lo + 1;
        return lo + static_cast<std::uint32_t>((next() >> 32) * span >> 32);
    }
    std::uint32_t u32() { return static_cast<std::uint32_t>(next() >> 32); }
    bool chance(double p) { return uniform() < p; }
    double exponential(double mean) { return -mean * std::log1p(-uniform()); }
    double normal()
    {
        const double u1 = 1.0 - uniform(); // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
    // A geometric count >= 1 with the given mean, capped.
    std::uint32_t geometric(double mean, std::uint32_t cap)
    {
        std::uint32_t n = 1;
        while (n < cap && chance(1.0 - 1.0 / mean))
            ++n;
        return n;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<std::uint64_t, 4> s_{};
};

double clamp(double v, double lo, double hi) { return std::min(std::max(v, lo), hi); }

// ---------------------------------------------------------------------------------
// The conversation mix.

enum class Kind : std::uint8_t {
    CloseFourWayClient,   // client FIN, server ACK, server FIN, client ACK
    CloseFourWayServer,   // the same, server closes first
    CloseThreeWayClient,  // client FIN, server FIN+ACK merged, client ACK
    CloseThreeWayServer,  // the same, server closes first
    SimultaneousClose,    // the FINs cross
    HalfClose,            // client FIN right after its request; the server still answers
    ResetByClient,        // data, then the client aborts (RST or RST+ACK)
    ResetByServer,        // data, then the server aborts
    ResetAfterFin,        // the server closes, the client answers with a RST
    Refused,              // SYN answered by RST+ACK: nothing listens
    Unanswered,           // SYN sent 1 to 5 times, never answered
    SynRetryAnswered,     // first SYN lost after the capture point, the second answered
    SynAckRetransmitted,  // SYN-ACK lost, SYN and SYN-ACK both sent again
    LongLived,            // persistent connection: idle gaps, small exchanges, then a close
    OpenAtEnd,            // data, no close (idle keep-alive connection)
    KindCount
};

struct KindSpec {
    Kind kind;
    const char *name;
    unsigned weight; // per mille of conversations started
};

constexpr KindSpec kind_specs[] = {
    {Kind::CloseFourWayClient, "close_four_way_client", 220},
    {Kind::CloseFourWayServer, "close_four_way_server", 100},
    {Kind::CloseThreeWayClient, "close_three_way_client", 150},
    {Kind::CloseThreeWayServer, "close_three_way_server", 90},
    {Kind::SimultaneousClose, "simultaneous_close", 20},
    {Kind::HalfClose, "half_close", 30},
    {Kind::ResetByClient, "reset_by_client", 60},
    {Kind::ResetByServer, "reset_by_server", 50},
    {Kind::ResetAfterFin, "reset_after_fin", 20},
    {Kind::Refused, "refused_syn", 50},
    {Kind::Unanswered, "unanswered_syn", 40},
    {Kind::SynRetryAnswered, "syn_retry_answered", 20},
    {Kind::SynAckRetransmitted, "synack_retransmitted", 10},
    {Kind::LongLived, "long_lived", 70},
    {Kind::OpenAtEnd, "open_at_end", 70},
};
constexpr std::size_t kind_count = static_cast<std::size_t>(Kind::KindCount);
static_assert(sizeof kind_specs / sizeof kind_specs[0] == kind_count, "one spec per kind");

Kind draw_kind(Rng &rng)
{
    unsigned total = 0;
    for (const KindSpec &spec : kind_specs)
        total += spec.weight;
    unsigned pick = rng.range(0, total - 1);
    for (const KindSpec &spec : kind_specs) {
        if (pick < spec.weight)
            return spec.kind;
        pick -= spec.weight;
    }
    return Kind::CloseFourWayClient;
}

// ---------------------------------------------------------------------------------
// Packets and conversations.

constexpr std::uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
enum Options : std::uint8_t { NoOptions, Timestamps, SynOptions };
constexpr int client = 0, server = 1;

struct Packet {
    double t = 0;            // seconds since the capture window opened
    std::uint32_t conv = 0;  // index into the conversation table
    std::uint32_t order = 0; // generation order within the conversation (tie-break)
    std::uint32_t seq = 0, ack = 0, len = 0, tsval = 0, tsecr = 0;
    std::uint16_t window = 0;
    std::uint8_t flags = 0;
    std::uint8_t dir = client; // the sender
    std::uint8_t options = Timestamps;
};

struct Later {
    bool operator()(const Packet &a, const Packet &b) const
    {
        if (a.t != b.t)
            return a.t > b.t;
        if (a.conv != b.conv)
            return a.conv > b.conv;
        return a.order > b.order;
    }
};

struct ConversationInfo {
    std::array<std::uint8_t, 16> address[2]{}; // client, server
    std::uint16_t port[2]{};
    std::uint16_t ip_id[2]{};
    std::uint32_t flow_label = 0;
    std::uint8_t family = 4;
    Kind kind = Kind::CloseFourWayClient;
    std::uint32_t emitted = 0;   // packets written
    bool first_written = false;  // its first packet is in the capture (not mid-stream)
    bool last_written = false;   // its last packet is in the capture (not cut off)
};

struct Params {
    std::uint64_t seed = 1;
    std::uint64_t conversations = 100000;
    double rate = 1800;        // conversation starts per second (floods: SYNs per second)
    bool rate_given = false;
    double pre_window = 30;    // seconds of conversations started before the capture
    double ipv6_share = 0.3;
    std::uint32_t snaplen = 0; // 0: whole packets
    std::string out;
    std::string summary;
    std::uint64_t syn_flood = 0; // --syn-flood N: N SYNs from spoofed sources instead of the busy link
    std::uint32_t port_scan = 0; // --port-scan N: a SYN scan of N ports instead of the busy link
};

// One conversation's script, written as the two stacks would act; packets carry the
// time they pass the capture point, which sits in the middle of the path, so a reply
// passes it half a round trip after what it answers.
class Script {
public:
    Script(Rng &rng, std::uint32_t conv, double start, bool ipv6) : rng_(rng), conv_(conv), now_(start)
    {
        rtt_ = clamp(rng.lognormal(0.03, 1.0), 0.0004, 0.6);
        const double bandwidth = clamp(rng.lognormal(100e6, 1.0), 5e6, 10e9); // bits per second
        seconds_per_byte_ = 8.0 / bandwidth;
        for (int side : {client, server}) {
            Side &s = side_(side);
            s.isn = rng.u32();
            s.next = s.isn;
            s.ts_base = rng.u32();
            s.mss = ipv6 ? 1428 : 1448; // MSS less the timestamps option
        }
        side_(client).syn_window = ipv6 ? 64800 : 64240;
        side_(server).syn_window = ipv6 ? 64260 : 65160;
        side_(client).window = static_cast<std::uint16_t>(rng.range(1500, 4000)); // x 128
        side_(server).window = static_cast<std::uint16_t>(rng.range(400, 1000));  // x 512
    }

    std::vector<Packet> &packets() { return packets_; }
    double now() const { return now_; }

    void run(Kind kind)
    {
        switch (kind) {
        case Kind::CloseFourWayClient:
            handshake();
            exchanges(rounds());
            close_four_way(client);
            break;
        case Kind::CloseFourWayServer:
            handshake();
            exchanges(rounds());
            close_four_way(server);
            break;
        case Kind::CloseThreeWayClient:
            handshake();
            exchanges(rounds());
            close_three_way(client);
            break;
        case Kind::CloseThreeWayServer:
            handshake();
            exchanges(rounds());
            close_three_way(server);
            break;
        case Kind::SimultaneousClose:
            handshake();
            exchanges(rounds());
            simultaneous_close();
            break;
        case Kind::HalfClose:
            handshake();
            exchanges(rounds() - 1);
            half_close();
            break;
        case Kind::ResetByClient:
            handshake();
            exchanges(rounds());
            reset(client);
            break;
        case Kind::ResetByServer:
            handshake();
            exchanges(rounds());
            reset(server);
            break;
        case Kind::ResetAfterFin:
            handshake();
            exchanges(rounds());
            reset_after_fin();
            break;
        case Kind::Refused:
            refused();
            break;
        case Kind::Unanswered:
            unanswered();
            break;
        case Kind::SynRetryAnswered:
            syn_retry_answered();
            exchanges(rounds());
            close_any();
            break;
        case Kind::SynAckRetransmitted:
            synack_retransmitted();
            exchanges(rounds());
            close_any();
            break;
        case Kind::LongLived:
            long_lived();
            break;
        case Kind::OpenAtEnd:
            handshake();
            exchanges(rounds());
            flush_delayed_ack(now_ + 10);
            break;
        case Kind::KindCount:
            break;
        }
        flush_delayed_ack(now_ + 10);
        std::stable_sort(packets_.begin(), packets_.end(),
                         [](const Packet &a, const Packet &b) { return a.t < b.t; });
    }

private:
    struct Side {
        std::uint32_t isn = 0;
        std::uint32_t next = 0;     // next sequence number it sends
        std::uint32_t received = 0; // everything the peer sent up to here has arrived
        std::uint32_t ts_base = 0;
        std::uint16_t syn_window = 0;
        std::uint16_t window = 0;
        std::uint32_t mss = 0;
    };

    static int peer(int side) { return 1 - side; }
    Side &side_(int side) { return sides_[static_cast<std::size_t>(side)]; }

    // Half a round trip with a little jitter: how long after a packet its answer passes.
    double half_rtt() { return rtt_ * (0.5 + 0.05 * rng_.uniform()); }
    double serialisation(std::uint32_t bytes) const { return (bytes + 66) * seconds_per_byte_; }

    // A packet from `side` at time t; ack is the peer data it has received, unless given.
    Packet &emit(int side, double t, std::uint8_t flags, std::uint32_t len, std::uint8_t options = Timestamps,
                 const std::uint32_t *ack = nullptr)
    {
        Side &from = side_(side);
        const Side &to = side_(peer(side));
        Packet p;
        p.t = t;
        p.conv = conv_;
        p.order = static_cast<std::uint32_t>(packets_.size());
        p.seq = from.next;
        p.ack = (flags & ACK) != 0 ? (ack != nullptr ? *ack : from.received) : 0;
        p.len = len;
        p.flags = flags;
        p.dir = static_cast<std::uint8_t>(side);
        p.options = options;
        p.window = options == SynOptions ? from.syn_window : from.window;
        const auto ms = static_cast<std::uint32_t>(std::max(0.0, t + 1000.0) * 1000.0);
        p.tsval = from.ts_base + ms;
        p.tsecr = (flags & ACK) != 0 ? to.ts_base + ms - static_cast<std::uint32_t>(rtt_ * 500.0) : 0;
        from.next += len + ((flags & SYN) != 0 ? 1u : 0u) + ((flags & FIN) != 0 ? 1u : 0u);
        packets_.push_back(p);
        now_ = std::max(now_, t);
        return packets_.back();
    }

    // The peer has now received everything `side` sent.
    void deliver(int side) { side_(peer(side)).received = side_(side).next; }

    // A packet sent and delivered.
    void send(int side, double t, std::uint8_t flags, std::uint32_t len = 0, std::uint8_t options = Timestamps)
    {
        settle_delayed_ack(side, t);
        emit(side, t, flags, len, options);
        deliver(side);
    }

    // Before `side` sends at time t: a delayed ACK due earlier goes out on its own; one
    // due later at the same side is carried by the new packet instead.
    void settle_delayed_ack(int side, double t)
    {
        if (delayed_.side < 0)
            return;
        if (delayed_.at < t)
            flush_delayed_ack(t);
        else if (delayed_.side == side)
            delayed_.side = -1;
    }

    void flush_delayed_ack(double before)
    {
        if (delayed_.side < 0)
            return;
        const int side = delayed_.side;
        delayed_.side = -1;
        if (delayed_.at < before)
            emit(side, delayed_.at, ACK, 0, Timestamps, &delayed_.ack);
    }

    std::uint32_t rounds() { return rng_.geometric(1.15, 8); }

    // The next segment of a message of `bytes`: full-sized, but never leaving a tail
    // too short to start a TLS record (5 bytes of header and at least one of data).
    static std::uint32_t segment_length(std::uint32_t bytes, std::uint32_t mss)
    {
        if (bytes <= mss)
            return bytes;
        return bytes - mss < 6 ? mss - 6 : mss;
    }

    std::uint32_t response_bytes()
    {
        const double pick = rng_.uniform();
        const std::uint32_t mss = side_(server).mss;
        if (pick < 0.80)
            return rng_.range(60, mss);
        if (pick < 0.95)
            return rng_.range(mss + 1, 4 * mss);
        if (pick < 0.993)
            return rng_.range(4 * mss + 1, 30 * mss);
        return rng_.range(30 * mss + 1, 100 * mss);
    }

    void handshake()
    {
        send(client, now_, SYN, 0, SynOptions);
        send(server, now_ + half_rtt(), SYN | ACK, 0, SynOptions);
        send(client, now_ + half_rtt(), ACK);
    }

    // `side` sends `bytes` as a burst of segments; the last carries PSH.
    void message(int side, std::uint32_t bytes, double t)
    {
        const std::uint32_t mss = side_(side).mss;
        while (bytes > 0) {
            const std::uint32_t len = segment_length(bytes, mss);
            bytes -= len;
            send(side, t, static_cast<std::uint8_t>(ACK | (bytes == 0 ? PSH : 0)), len);
            t += serialisation(len);
        }
    }

    // The server's answer under slow start: bursts of cwnd segments, one per round trip;
    // the client ACKs every second segment and delays the ACK of an odd last one.
    void response(std::uint32_t bytes, double t)
    {
        const std::uint32_t mss = side_(server).mss;
        std::uint32_t cwnd = 10;
        std::uint32_t unacked = 0;
        double burst_start = t;
        const double ack_delay = half_rtt(); // one value, so the ACKs keep their order
        while (bytes > 0) {
            double seg_time = burst_start;
            for (std::uint32_t i = 0; i < cwnd && bytes > 0; ++i) {
                const std::uint32_t len = segment_length(bytes, mss);
                bytes -= len;
                settle_delayed_ack(server, seg_time);
                emit(server, seg_time, static_cast<std::uint8_t>(ACK | (bytes == 0 ? PSH : 0)), len);
                const std::uint32_t acked = side_(server).next;
                if (++unacked == 2) {
                    unacked = 0;
                    emit(client, seg_time + ack_delay, ACK, 0, Timestamps, &acked);
                } else if (bytes == 0) {
                    delayed_ = DelayedAck{client, seg_time + ack_delay + 0.04, acked};
                }
                seg_time += serialisation(len);
            }
            deliver(server);
            burst_start = std::max(burst_start + rtt_ * (1.0 + 0.05 * rng_.uniform()), seg_time);
            cwnd = std::min(cwnd * 2, 44u);
        }
    }

    void exchange(std::uint32_t request, std::uint32_t reply)
    {
        message(client, request, now_ + rng_.exponential(0.005));
        const double think = clamp(rng_.lognormal(0.004, 1.3), 0.00005, 2.0);
        const double arrival = now_ + half_rtt();
        if (think > 0.04 || request > 2 * side_(client).mss)
            send(server, arrival + std::min(think * 0.5, 0.04), ACK);
        response(reply, std::max(arrival + think, now_ + 0.00001));
    }

    void exchanges(std::uint32_t n)
    {
        for (std::uint32_t i = 0; i < n; ++i)
            exchange(static_cast<std::uint32_t>(clamp(rng_.lognormal(350, 0.9), 40, 5000)), response_bytes());
    }

    // `closer` closes first; the other side takes a moment before it closes too.
    void close_four_way(int closer)
    {
        const int other = peer(closer);
        send(closer, now_ + rng_.exponential(0.02), FIN | ACK);
        send(other, now_ + half_rtt(), ACK);
        send(other, now_ + clamp(rng_.lognormal(0.005, 1.5), 0.0002, 1.0), FIN | ACK);
        send(closer, now_ + half_rtt(), ACK);
    }

    void close_three_way(int closer)
    {
        send(closer, now_ + rng_.exponential(0.02), FIN | ACK);
        send(peer(closer), now_ + half_rtt(), FIN | ACK);
        send(closer, now_ + half_rtt(), ACK);
    }

    void close_any()
    {
        const double pick = rng_.uniform();
        if (pick < 0.35)
            close_four_way(client);
        else if (pick < 0.55)
            close_four_way(server);
        else if (pick < 0.85)
            close_three_way(client);
        else
            close_three_way(server);
    }

    // Both FINs pass the capture point before either side has seen the other's.
    void simultaneous_close()
    {
        flush_delayed_ack(now_ + 10);
        const double t = now_ + rng_.exponential(0.02);
        const double crossing = t + rtt_ * 0.4 * rng_.uniform();
        emit(client, t, FIN | ACK, 0);
        emit(server, crossing, FIN | ACK, 0);
        deliver(client);
        deliver(server);
        send(server, t + half_rtt(), ACK);
        send(client, std::max(crossing + half_rtt(), now_), ACK);
    }

    // The client sends its request and shuts down writing at once; the server answers,
    // then closes.
    void half_close()
    {
        const std::uint32_t request = static_cast<std::uint32_t>(clamp(rng_.lognormal(350, 0.9), 40, 5000));
        message(client, request, now_ + rng_.exponential(0.005));
        send(client, now_ + serialisation(0), FIN | ACK);
        const double think = clamp(rng_.lognormal(0.004, 1.3), 0.00005, 2.0);
        const double arrival = now_ + half_rtt();
        send(server, arrival, ACK);
        response(response_bytes(), arrival + think);
        flush_delayed_ack(now_ + 10);
        send(server, now_ + rng_.exponential(0.002), FIN | ACK);
        send(client, now_ + half_rtt(), ACK);
    }

    void reset(int side)
    {
        const double t = now_ + rng_.exponential(0.5);
        if (rng_.chance(0.6))
            send(side, t, RST | ACK, 0, NoOptions);
        else
            send(side, t, RST, 0, NoOptions);
    }

    void reset_after_fin()
    {
        send(server, now_ + rng_.exponential(0.05), FIN | ACK);
        send(client, now_ + half_rtt(), RST | ACK, 0, NoOptions);
    }

    void refused()
    {
        send(client, now_, SYN, 0, SynOptions);
        // Linux answers a SYN to a closed port with seq 0, ACK of the SYN, no options.
        side_(server).next = 0;
        send(server, now_ + half_rtt(), RST | ACK, 0, NoOptions);
    }

    // Linux backs off 1, 2, 4, 8 s from the first SYN; the SYN keeps its ISN.
    void syn_attempts(std::uint32_t n)
    {
        double t = now_;
        double rto = 1.0;
        for (std::uint32_t i = 0; i < n; ++i) {
            side_(client).next = side_(client).isn;
            send(client, t, SYN, 0, SynOptions);
            t += rto;
            rto *= 2;
        }
    }

    void unanswered() { syn_attempts(rng_.range(1, 5)); }

    void syn_retry_answered()
    {
        syn_attempts(2);
        send(server, now_ + half_rtt(), SYN | ACK, 0, SynOptions);
        send(client, now_ + half_rtt(), ACK);
    }

    // The SYN-ACK is lost after the capture point: the client sends its SYN again after
    // a second, the server repeats its SYN-ACK, and the client completes the handshake.
    void synack_retransmitted()
    {
        send(client, now_, SYN, 0, SynOptions);
        send(server, now_ + half_rtt(), SYN | ACK, 0, SynOptions);
        side_(client).next = side_(client).isn;
        send(client, now_ + 1.0, SYN, 0, SynOptions);
        side_(server).next = side_(server).isn;
        send(server, now_ + half_rtt(), SYN | ACK, 0, SynOptions);
        send(client, now_ + half_rtt(), ACK);
    }

    // A persistent connection (HTTP/2, IMAP IDLE, a database pool): small exchanges with
    // idle gaps for tens of seconds, then a close, or nothing if it outlives the capture.
    void long_lived()
    {
        handshake();
        const double end = now_ + rng_.range(15, 90);
        while (now_ < end) {
            exchange(rng_.range(40, 600), rng_.range(40, 2 * side_(server).mss));
            flush_delayed_ack(now_ + 10);
            now_ += rng_.exponential(6.0);
        }
        if (rng_.chance(0.8))
            close_any();
    }

    Rng &rng_;
    std::uint32_t conv_;
    double now_;
    double rtt_ = 0.03;
    double seconds_per_byte_ = 0;
    std::array<Side, 2> sides_{};
    std::vector<Packet> packets_;
    struct DelayedAck {
        int side = -1; // none when negative
        double at = 0;
        std::uint32_t ack = 0;
    } delayed_;
};

// ---------------------------------------------------------------------------------
// Addresses: one client host per few conversations, servers with skewed popularity.
// Each client host counts its ephemeral ports up, so no 4-tuple is ever reused.

struct AddressPlan {
    std::uint32_t client_hosts = 1;
    std::uint32_t server_hosts = 1;
    std::vector<std::uint16_t> next_port; // per client host

    explicit AddressPlan(std::uint64_t conversations, Rng &rng)
    {
        client_hosts = static_cast<std::uint32_t>(std::max<std::uint64_t>(1000, conversations / 3));
        server_hosts = static_cast<std::uint32_t>(std::max<std::uint64_t>(200, conversations / 25));
        next_port.resize(client_hosts);
        for (std::uint16_t &port : next_port)
            port = static_cast<std::uint16_t>(rng.range(32768, 60999));
    }
};

void host_address(ConversationInfo &c, int side, std::uint32_t host)
{
    std::array<std::uint8_t, 16> &a = c.address[side];
    a.fill(0);
    if (c.family == 4) {
        // 10.0.0.0/8 for clients, 198.18.0.0/15 (the benchmarking range) for servers;
        // the last octet skips 0 and 255.
        const std::uint32_t rest = host / 254;
        a[0] = side == client ? 10 : 198;
        a[1] = static_cast<std::uint8_t>(side == client ? rest >> 8 : 18 + (rest >> 8));
        a[2] = static_cast<std::uint8_t>(rest);
        a[3] = static_cast<std::uint8_t>(host % 254 + 1);
    } else { // 2001:db8::/32, the documentation range
        const std::uint8_t prefix[] = {0x20, 0x01, 0x0d, 0xb8, 0x00, static_cast<std::uint8_t>(side == client ? 0xc : 0x5)};
        std::memcpy(a.data(), prefix, sizeof prefix);
        a[12] = static_cast<std::uint8_t>(host >> 24);
        a[13] = static_cast<std::uint8_t>(host >> 16);
        a[14] = static_cast<std::uint8_t>(host >> 8);
        a[15] = static_cast<std::uint8_t>(host);
    }
}

std::uint16_t draw_server_port(Rng &rng)
{
    const double pick = rng.uniform();
    if (pick < 0.80)
        return 443;
    if (pick < 0.95)
        return 80;
    if (pick < 0.98)
        return 8080;
    return 993;
}

ConversationInfo draw_conversation(Rng &rng, AddressPlan &plan, double ipv6_share, Kind kind)
{
    ConversationInfo c;
    c.kind = kind;
    c.family = rng.chance(ipv6_share) ? 6 : 4;
    const std::uint32_t client_host = rng.range(0, plan.client_hosts - 1);
    // Popular servers get most conversations (a cube skews the uniform draw).
    const double u = rng.uniform();
    const auto server_host = static_cast<std::uint32_t>(u * u * u * plan.server_hosts);
    host_address(c, client, client_host + 1);
    host_address(c, server, server_host + 1);
    std::uint16_t &port = plan.next_port[client_host];
    c.port[client] = port;
    port = static_cast<std::uint16_t>(port >= 60999 ? 32768 : port + 1);
    c.port[server] = draw_server_port(rng);
    c.ip_id[client] = static_cast<std::uint16_t>(rng.u32());
    c.ip_id[server] = static_cast<std::uint16_t>(rng.u32());
    c.flow_label = rng.u32() & 0xFFFFF;
    return c;
}

// ---------------------------------------------------------------------------------
// pcap output: Ethernet, IPv4 or IPv6, TCP with Linux-like options, checksums right.

class PcapWriter {
public:
    PcapWriter(const std::string &path, std::uint32_t snaplen) : snaplen_(snaplen)
    {
        file_ = std::fopen(path.c_str(), "wb");
        if (file_ == nullptr) {
            std::fprintf(stderr, "tcplife_corpus: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
            std::exit(1);
        }
        std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
        const std::uint32_t header[] = {0xa1b2c3d4u, 2u | (4u << 16), 0, 0, snaplen != 0 ? snaplen : 262144u, 1};
        put(header, sizeof header);
        frame_.resize(65600);
    }

    ~PcapWriter()
    {
        if (file_ != nullptr && std::fclose(file_) != 0) {
            std::fprintf(stderr, "tcplife_corpus: write failed: %s\n", std::strerror(errno));
            std::exit(1);
        }
    }

    PcapWriter(const PcapWriter &) = delete;
    PcapWriter &operator=(const PcapWriter &) = delete;

    std::uint64_t bytes_written() const { return bytes_; }

    void write(const Packet &p, ConversationInfo &c, double epoch)
    {
        std::uint8_t *f = frame_.data();
        const int from = p.dir, to = 1 - p.dir;
        // Ethernet between two routers; the direction decides which is the source.
        static const std::uint8_t mac[2][6] = {{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}, {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02}};
        std::memcpy(f, mac[to], 6);
        std::memcpy(f + 6, mac[from], 6);
        const bool v6 = c.family == 6;
        put16(f + 12, v6 ? 0x86DD : 0x0800);
        std::uint8_t *ip = f + 14;
        const std::uint32_t option_bytes = p.options == SynOptions ? 20 : p.options == Timestamps ? 12 : 0;
        const std::uint32_t tcp_len = 20 + option_bytes + p.len;
        const std::uint32_t ip_header = v6 ? 40 : 20;
        std::uint8_t *tcp = ip + ip_header;
        const std::uint8_t ttl = from == client ? 64 : 52;
        if (v6) {
            put32(ip, 0x60000000u | c.flow_label);
            put16(ip + 4, static_cast<std::uint16_t>(tcp_len));
            ip[6] = 6;
            ip[7] = ttl;
            std::memcpy(ip + 8, c.address[from].data(), 16);
            std::memcpy(ip + 24, c.address[to].data(), 16);
        } else {
            ip[0] = 0x45;
            ip[1] = 0;
            put16(ip + 2, static_cast<std::uint16_t>(20 + tcp_len));
            put16(ip + 4, (p.flags & RST) != 0 && p.options == NoOptions ? 0 : c.ip_id[from]++);
            put16(ip + 6, 0x4000); // DF
            ip[8] = ttl;
            ip[9] = 6;
            put16(ip + 10, 0);
            std::memcpy(ip + 12, c.address[from].data(), 4);
            std::memcpy(ip + 16, c.address[to].data(), 4);
            put16(ip + 10, fold(sum(ip, 20, 0)));
        }
        put16(tcp, c.port[from]);
        put16(tcp + 2, c.port[to]);
        put32(tcp + 4, p.seq);
        put32(tcp + 8, p.ack);
        tcp[12] = static_cast<std::uint8_t>(((20 + option_bytes) / 4) << 4);
        tcp[13] = p.flags;
        put16(tcp + 14, p.window);
        put16(tcp + 16, 0);
        put16(tcp + 18, 0);
        std::uint8_t *o = tcp + 20;
        if (p.options == SynOptions) { // MSS, SACK permitted, timestamps, NOP, window scale
            o[0] = 2; o[1] = 4; put16(o + 2, static_cast<std::uint16_t>(v6 ? 1440 : 1460));
            o[4] = 4; o[5] = 2;
            o[6] = 8; o[7] = 10; put32(o + 8, p.tsval); put32(o + 12, p.tsecr);
            o[16] = 1;
            o[17] = 3; o[18] = 3; o[19] = from == client ? 7 : 9;
        } else if (p.options == Timestamps) {
            o[0] = 1; o[1] = 1;
            o[2] = 8; o[3] = 10; put32(o + 4, p.tsval); put32(o + 8, p.tsecr);
        }
        fill_payload(o + option_bytes, p);
        std::uint32_t pseudo = 0;
        if (v6) {
            pseudo = sum(ip + 8, 32, 0) + tcp_len + 6;
        } else {
            pseudo = sum(ip + 12, 8, 0) + tcp_len + 6;
        }
        put16(tcp + 16, fold(sum(tcp, tcp_len, pseudo)));

        const std::uint32_t frame_len = 14 + ip_header + tcp_len;
        const std::uint32_t captured = snaplen_ != 0 ? std::min(frame_len, snaplen_) : frame_len;
        const double when = epoch + p.t;
        auto seconds = static_cast<std::uint32_t>(when);
        auto micros = static_cast<std::uint32_t>(std::llround((when - seconds) * 1e6));
        if (micros >= 1000000) {
            ++seconds;
            micros -= 1000000;
        }
        const std::uint32_t record[] = {seconds, micros, captured, frame_len};
        put(record, sizeof record);
        put(f, captured);
    }

private:
    static void put16(std::uint8_t *at, std::uint32_t v)
    {
        at[0] = static_cast<std::uint8_t>(v >> 8);
        at[1] = static_cast<std::uint8_t>(v);
    }
    static void put32(std::uint8_t *at, std::uint32_t v)
    {
        put16(at, v >> 16);
        put16(at + 2, v & 0xFFFF);
    }
    static std::uint32_t sum(const std::uint8_t *data, std::uint32_t len, std::uint32_t acc)
    {
        std::uint64_t total = acc;
        for (std::uint32_t i = 0; i + 1 < len; i += 2)
            total += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
        if ((len & 1) != 0)
            total += static_cast<std::uint32_t>(data[len - 1] << 8);
        while ((total >> 16) != 0)
            total = (total & 0xFFFF) + (total >> 16);
        return static_cast<std::uint32_t>(total);
    }
    static std::uint16_t fold(std::uint32_t s)
    {
        while ((s >> 16) != 0)
            s = (s & 0xFFFF) + (s >> 16);
        return static_cast<std::uint16_t>(~s & 0xFFFF);
    }

    // A TLS 1.2 application-data record header, then bytes that look encrypted.
    static void fill_payload(std::uint8_t *at, const Packet &p)
    {
        if (p.len == 0)
            return;
        std::uint64_t state = (static_cast<std::uint64_t>(p.conv) << 32) ^ p.seq ^ (static_cast<std::uint64_t>(p.dir) << 63);
        std::uint32_t i = 0;
        for (; i + 8 <= p.len; i += 8) {
            const std::uint64_t word = splitmix64(state);
            std::memcpy(at + i, &word, 8);
        }
        const std::uint64_t word = splitmix64(state);
        std::memcpy(at + i, &word, p.len - i);
        if (p.len >= 6) {
            at[0] = 0x17;
            at[1] = 0x03;
            at[2] = 0x03;
            put16(at + 3, p.len - 5);
        }
    }

    void put(const void *data, std::size_t len)
    {
        if (std::fwrite(data, 1, len, file_) != len) {
            std::fprintf(stderr, "tcplife_corpus: write failed: %s\n", std::strerror(errno));
            std::exit(1);
        }
        bytes_ += len;
    }

    std::FILE *file_ = nullptr;
    std::uint32_t snaplen_;
    std::vector<std::uint8_t> frame_;
    std::uint64_t bytes_ = 24;
};

// ---------------------------------------------------------------------------------
// Floods: conversations that never get past their opening, from one attacker's view of
// the world rather than a busy link's. Every segment is IPv4 and carries no TCP options.

constexpr double flood_rate = 100000;                          // SYNs per second unless --rate
constexpr std::uint8_t flood_server[4] = {198, 18, 0, 1};       // the flooded server, the scanned target
constexpr std::uint16_t flood_server_port = 80;
constexpr std::uint8_t scanner[4] = {203, 0, 113, 7};           // TEST-NET-3
constexpr std::uint16_t open_ports[] = {22, 25, 53, 80, 443, 3306, 8080};
constexpr double scan_rtt = 0.0005; // the capture point sits beside the scanner, the target on its LAN

// A bijection of 32-bit words (xor, odd multipliers and xor-shifts are each invertible):
// successive counters give random-looking words that never repeat.
std::uint32_t permute32(std::uint32_t x, std::uint32_t key)
{
    x ^= key;
    x *= 0x9E3779B1u;
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return x;
}

// A source a flood tool would forge and a router would pass: not 0/8, 127/8, multicast
// or reserved, and not the flooded server.
bool spoofable(std::uint32_t address)
{
    const std::uint32_t first = address >> 24;
    const std::uint32_t target = static_cast<std::uint32_t>(flood_server[0]) << 24 | flood_server[1] << 16 |
                                 flood_server[2] << 8 | flood_server[3];
    return first != 0 && first != 127 && first < 224 && address != target;
}

ConversationInfo ipv4_conversation(const std::uint8_t (&from)[4], std::uint16_t from_port,
                                   const std::uint8_t (&to)[4], std::uint16_t to_port, Rng &rng)
{
    ConversationInfo c;
    c.family = 4;
    std::memcpy(c.address[client].data(), from, 4);
    std::memcpy(c.address[server].data(), to, 4);
    c.port[client] = from_port;
    c.port[server] = to_port;
    c.ip_id[client] = static_cast<std::uint16_t>(rng.u32());
    c.ip_id[server] = static_cast<std::uint16_t>(rng.u32());
    return c;
}

Packet bare_segment(double t, std::uint32_t conv, int dir, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                    std::uint16_t window)
{
    Packet p;
    p.t = t;
    p.conv = conv;
    p.dir = static_cast<std::uint8_t>(dir);
    p.flags = flags;
    p.seq = seq;
    p.ack = ack;
    p.window = window;
    p.options = NoOptions;
    return p;
}

struct FloodCounts {
    std::uint64_t packets = 0;
    std::uint64_t conversations = 0;
    std::uint64_t unanswered = 0; // SYN only
    std::uint64_t refused = 0;    // SYN, RST+ACK: a closed port
    std::uint64_t open = 0;       // SYN, SYN-ACK, the scanner's RST: an open port
};

// --syn-flood: N SYNs to one server port, at --rate per second, each from a spoofed
// source of its own (address random, never twice; port random in 1024-65535), as
// hping3 --flood --rand-source sends them; nothing answers. N conversations of one SYN.
FloodCounts syn_flood(const Params &params, Rng &rng, PcapWriter &writer, double epoch)
{
    FloodCounts counts;
    const std::uint32_t key = rng.u32();
    std::uint32_t counter = 0;
    for (std::uint64_t i = 0; i < params.syn_flood; ++i) {
        std::uint32_t source = 0;
        do
            source = permute32(counter++, key);
        while (!spoofable(source));
        const std::uint8_t address[4] = {static_cast<std::uint8_t>(source >> 24), static_cast<std::uint8_t>(source >> 16),
                                         static_cast<std::uint8_t>(source >> 8), static_cast<std::uint8_t>(source)};
        ConversationInfo c = ipv4_conversation(address, static_cast<std::uint16_t>(rng.range(1024, 65535)),
                                               flood_server, flood_server_port, rng);
        const double t = static_cast<double>(i) / params.rate;
        writer.write(bare_segment(t, static_cast<std::uint32_t>(i), client, SYN, rng.u32(), 0, 1024), c, epoch);
        ++counts.packets;
        ++counts.conversations;
        ++counts.unanswered;
    }
    return counts;
}

// --port-scan: what nmap -sS sends and gets back. One scanner host, from one source port
// (as nmap keeps it), sends a SYN to ports 1 to N of one target at --rate per second; the
// target's answers pass the capture point 0.5 ms later. A closed port answers RST+ACK
// (seq 0, ACK of the SYN, as Linux does); an open one (22, 25, 53, 80, 443, 3306, 8080)
// answers SYN-ACK, which the scanner's own stack resets (RST, seq = the ACK it got), since
// none of its sockets sent the SYN.
FloodCounts port_scan(const Params &params, Rng &rng, PcapWriter &writer, double epoch)
{
    FloodCounts counts;
    const auto source_port = static_cast<std::uint16_t>(rng.range(33000, 65000));
    std::vector<ConversationInfo> conversations;
    conversations.reserve(params.port_scan);
    std::priority_queue<Packet, std::vector<Packet>, Later> pending;
    auto write_until = [&](double t) {
        while (!pending.empty() && pending.top().t <= t) {
            writer.write(pending.top(), conversations[pending.top().conv], epoch);
            pending.pop();
            ++counts.packets;
        }
    };
    for (std::uint32_t i = 0; i < params.port_scan; ++i) {
        const auto port = static_cast<std::uint16_t>(i + 1);
        conversations.push_back(ipv4_conversation(scanner, source_port, flood_server, port, rng));
        const double t = static_cast<double>(i) / params.rate;
        const std::uint32_t isn = rng.u32();
        write_until(t);
        pending.push(bare_segment(t, i, client, SYN, isn, 0, 1024));
        const bool open = std::find(std::begin(open_ports), std::end(open_ports), port) != std::end(open_ports);
        if (open) {
            const std::uint32_t server_isn = rng.u32();
            pending.push(bare_segment(t + scan_rtt, i, server, SYN | ACK, server_isn, isn + 1, 64240));
            pending.push(bare_segment(t + scan_rtt + 0.00005, i, client, RST, isn + 1, 0, 0));
            ++counts.open;
        } else {
            pending.push(bare_segment(t + scan_rtt, i, server, RST | ACK, 0, isn + 1, 0));
            ++counts.refused;
        }
        ++counts.conversations;
    }
    write_until(static_cast<double>(params.port_scan) / params.rate + 1);
    return counts;
}

std::uint64_t file_size(const std::string &path)
{
    std::uint64_t bytes = 0;
    if (std::FILE *f = std::fopen(path.c_str(), "rb")) {
        std::fseek(f, 0, SEEK_END);
        bytes = static_cast<std::uint64_t>(std::ftell(f));
        std::fclose(f);
    }
    return bytes;
}

// The JSON summary on stdout, and into --summary's file when given.
int emit_summary(const std::string &json, const Params &params)
{
    std::fputs(json.c_str(), stdout);
    if (!params.summary.empty()) {
        std::FILE *f = std::fopen(params.summary.c_str(), "w");
        if (f == nullptr || std::fputs(json.c_str(), f) < 0 || std::fclose(f) != 0) {
            std::fprintf(stderr, "tcplife_corpus: cannot write %s\n", params.summary.c_str());
            return 1;
        }
    }
    return 0;
}

int write_flood(const Params &params)
{
    Rng rng(params.seed);
    const double epoch = 1709294400.0; // 2024-03-01 12:00:00 UTC, as the busy link's
    FloodCounts counts;
    {
        PcapWriter writer(params.out, 0);
        counts = params.syn_flood != 0 ? syn_flood(params, rng, writer, epoch) : port_scan(params, rng, writer, epoch);
    }
    const std::uint64_t sent = params.syn_flood != 0 ? params.syn_flood : params.port_scan;
    char json[1024];
    std::snprintf(json, sizeof json,
                  "{\n  \"generator\": \"tcplife_corpus 1\",\n  \"mode\": \"%s\",\n  \"seed\": %llu,\n"
                  "  \"rate_per_s\": %g,\n  \"window_s\": %.3f,\n  \"packets\": %llu,\n  \"conversations\": %llu,\n"
                  "  \"unanswered_conversations\": %llu,\n  \"refused_conversations\": %llu,\n"
                  "  \"open_port_conversations\": %llu,\n  \"file_bytes\": %llu\n}\n",
                  params.syn_flood != 0 ? "syn_flood" : "port_scan", static_cast<unsigned long long>(params.seed),
                  params.rate, static_cast<double>(sent) / params.rate, static_cast<unsigned long long>(counts.packets),
                  static_cast<unsigned long long>(counts.conversations),
                  static_cast<unsigned long long>(counts.unanswered), static_cast<unsigned long long>(counts.refused),
                  static_cast<unsigned long long>(counts.open), static_cast<unsigned long long>(file_size(params.out)));
    return emit_summary(json, params);
}

// ---------------------------------------------------------------------------------

[[noreturn]] void usage(const char *message)
{
    std::fprintf(stderr,
                 "tcplife_corpus: %s\n"
                 "usage: tcplife_corpus --out FILE [--seed N] [--conversations N | --scale X] [--rate N]\n"
                 "                      [--pre-window S] [--snaplen N] [--ipv6-share F] [--summary FILE]\n"
                 "       tcplife_corpus --out FILE (--syn-flood N | --port-scan N) [--seed N] [--rate N] [--summary FILE]\n"
                 "  --conversations N  conversations started inside the capture window (default 100000)\n"
                 "  --scale X          the same as --conversations X*100000\n"
                 "  --rate N           conversations started per second (default 1800): the window is N/rate s\n"
                 "  --pre-window S     conversations also start during S s before the window (default 30);\n"
                 "                     those still running inside it appear mid-stream\n"
                 "  --snaplen N        cut packets to N bytes (default 0: whole packets)\n"
                 "  --summary FILE     also write the JSON summary printed on stdout to FILE\n"
                 "floods (issue 17), instead of the busy link; IPv4, no TCP options, --rate default 100000:\n"
                 "  --syn-flood N      N SYNs at --rate per second to 198.18.0.1:80, each from a spoofed\n"
                 "                     source of its own (random address, never twice; random port), never\n"
                 "                     answered: N conversations of one SYN (hping3 --flood --rand-source)\n"
                 "  --port-scan N      nmap -sS from 203.0.113.7 (one source port) to ports 1..N of 198.18.0.1\n"
                 "                     (N <= 65535): closed ports answer RST+ACK (2 packets); the open ones\n"
                 "                     among 22, 25, 53, 80, 443, 3306, 8080 answer SYN-ACK, which the scanner\n"
                 "                     resets (3 packets)\n",
                 message);
    std::exit(2);
}

Params parse(int argc, char **argv)
{
    Params params;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(("missing value for " + arg).c_str());
            return argv[++i];
        };
        if (arg == "--out")
            params.out = value();
        else if (arg == "--summary")
            params.summary = value();
        else if (arg == "--seed")
            params.seed = std::strtoull(value().c_str(), nullptr, 10);
        else if (arg == "--conversations")
            params.conversations = std::strtoull(value().c_str(), nullptr, 10);
        else if (arg == "--scale")
            params.conversations = static_cast<std::uint64_t>(std::llround(std::strtod(value().c_str(), nullptr) * 100000));
        else if (arg == "--rate") {
            params.rate = std::strtod(value().c_str(), nullptr);
            params.rate_given = true;
        } else if (arg == "--syn-flood")
            params.syn_flood = std::strtoull(value().c_str(), nullptr, 10);
        else if (arg == "--port-scan")
            params.port_scan = static_cast<std::uint32_t>(std::strtoul(value().c_str(), nullptr, 10));
        else if (arg == "--pre-window")
            params.pre_window = std::strtod(value().c_str(), nullptr);
        else if (arg == "--snaplen")
            params.snaplen = static_cast<std::uint32_t>(std::strtoul(value().c_str(), nullptr, 10));
        else if (arg == "--ipv6-share")
            params.ipv6_share = std::strtod(value().c_str(), nullptr);
        else if (arg == "-h" || arg == "--help")
            usage("writes a synthetic capture");
        else
            usage(("unknown argument " + arg).c_str());
    }
    if (params.out.empty())
        usage("--out is required");
    if (params.syn_flood != 0 && params.port_scan != 0)
        usage("--syn-flood and --port-scan are alternatives");
    if (params.syn_flood > 1000000000 || params.port_scan > 65535)
        usage("--syn-flood takes at most 1000000000 SYNs, --port-scan at most 65535 ports");
    if ((params.syn_flood != 0 || params.port_scan != 0) && !params.rate_given)
        params.rate = flood_rate;
    if (params.conversations == 0 || !(params.rate > 0) || !(params.pre_window >= 0))
        usage("--conversations and --rate must be positive, --pre-window not negative");
    if (params.snaplen != 0 && params.snaplen < 100)
        usage("--snaplen must be 0 (whole packets) or at least 100");
    return params;
}

} // namespace

int main(int argc, char **argv)
{
    const Params params = parse(argc, argv);
    if (params.syn_flood != 0 || params.port_scan != 0)
        return write_flood(params);
    Rng rng(params.seed);
    AddressPlan plan(params.conversations, rng);
    const double window = static_cast<double>(params.conversations) / params.rate;
    const double epoch = 1709294400.0; // 2024-03-01 12:00:00 UTC

    std::vector<ConversationInfo> conversations;
    std::priority_queue<Packet, std::vector<Packet>, Later> pending;
    std::array<std::uint64_t, kind_count> kind_packets{};
    std::uint64_t packets = 0, ipv4_packets = 0;
    {
        PcapWriter writer(params.out, params.snaplen);
        auto write_until = [&](double t) {
            while (!pending.empty() && pending.top().t <= t) {
                const Packet p = pending.top();
                pending.pop();
                if (p.t < 0 || p.t > window)
                    continue;
                ConversationInfo &c = conversations[p.conv];
                writer.write(p, c, epoch);
                ++c.emitted;
                ++packets;
                ipv4_packets += c.family == 4 ? 1 : 0;
                ++kind_packets[static_cast<std::size_t>(c.kind)];
            }
        };
        // Starts before the window (its packets inside it appear mid-stream), then
        // `conversations` starts inside it.
        double t = -params.pre_window;
        std::uint64_t started_inside = 0;
        while (started_inside < params.conversations) {
            t += rng.exponential(1.0 / params.rate);
            if (t >= 0)
                ++started_inside;
            const Kind kind = draw_kind(rng);
            conversations.push_back(draw_conversation(rng, plan, params.ipv6_share, kind));
            const auto index = static_cast<std::uint32_t>(conversations.size() - 1);
            Script script(rng, index, t, conversations.back().family == 6);
            script.run(kind);
            std::vector<Packet> &list = script.packets();
            ConversationInfo &c = conversations.back();
            c.first_written = list.front().t >= 0 && list.front().t <= window;
            c.last_written = list.back().t >= 0 && list.back().t <= window;
            write_until(t);
            for (const Packet &p : list)
                pending.push(p);
        }
        write_until(window);
    }

    std::uint64_t seen = 0, midstream = 0, cut_off = 0, ipv6_conversations = 0;
    std::array<std::uint64_t, kind_count> kind_conversations{};
    for (const ConversationInfo &c : conversations) {
        if (c.emitted == 0)
            continue;
        ++seen;
        midstream += c.first_written ? 0 : 1;
        cut_off += c.last_written ? 0 : 1;
        ipv6_conversations += c.family == 6 ? 1 : 0;
        ++kind_conversations[static_cast<std::size_t>(c.kind)];
    }
    const std::uint64_t file_bytes = file_size(params.out);

    std::string json = "{\n";
    char line[512];
    std::snprintf(line, sizeof line,
                  "  \"generator\": \"tcplife_corpus 1\",\n  \"seed\": %llu,\n  \"conversations_started\": %llu,\n"
                  "  \"rate_per_s\": %g,\n  \"pre_window_s\": %g,\n  \"window_s\": %.3f,\n  \"snaplen\": %u,\n  \"ipv6_share\": %g,\n"
                  "  \"packets\": %llu,\n  \"ipv4_packets\": %llu,\n  \"ipv6_packets\": %llu,\n"
                  "  \"conversations\": %llu,\n  \"ipv6_conversations\": %llu,\n"
                  "  \"midstream_conversations\": %llu,\n  \"cut_off_conversations\": %llu,\n  \"file_bytes\": %llu,\n",
                  static_cast<unsigned long long>(params.seed), static_cast<unsigned long long>(params.conversations),
                  params.rate, params.pre_window, window, params.snaplen, params.ipv6_share, static_cast<unsigned long long>(packets),
                  static_cast<unsigned long long>(ipv4_packets),
                  static_cast<unsigned long long>(packets - ipv4_packets), static_cast<unsigned long long>(seen),
                  static_cast<unsigned long long>(ipv6_conversations), static_cast<unsigned long long>(midstream),
                  static_cast<unsigned long long>(cut_off), static_cast<unsigned long long>(file_bytes));
    json += line;
    json += "  \"kinds\": {\n";
    for (std::size_t i = 0; i < kind_count; ++i) {
        std::snprintf(line, sizeof line, "    \"%s\": {\"conversations\": %llu, \"packets\": %llu}%s\n",
                      kind_specs[i].name, static_cast<unsigned long long>(kind_conversations[i]),
                      static_cast<unsigned long long>(kind_packets[i]), i + 1 < kind_count ? "," : "");
        json += line;
    }
    json += "  }\n}\n";
    return emit_summary(json, params);
}
