#!/usr/bin/env python3
"""The per-direction counters (tcplife.conv.retransmissions.*, dup_acks.*, zero_windows.*,
out_of_order.*, sack_segments.*, rtt.min/avg/max.*, ip_bytes.*, throughput.*) and their CSV
columns, on every sample capture, against counts recomputed here from Wireshark's own
per-segment fields (-2 -T fields): its TCP analysis flags (tcp.analysis.*), its ACK RTT
(tcp.analysis.ack_rtt, on segments that are no handshake step, where not negative), the SACK blocks it dissects
(tcp.options.sack_le) and the IP lengths (ip.len, ipv6.plen + 40). A stream with a frame that
holds more or fewer than one IP and one TCP layer (tunnels, ICMP errors quoting TCP) is left
out, because which layer's value counts is then not what these fields say.

With tcp.analyze_sequence_numbers off, the counters Wireshark's analysis decides are absent
from the tree and empty in the CSV, never 0.
"""
import collections
import csv
import io
import os
import sys

import tshark_runner
from tshark_runner import fail, field_options, sample_captures

NS = 1_000_000_000
FLAGS = ["tcp.analysis.retransmission", "tcp.analysis.fast_retransmission", "tcp.analysis.spurious_retransmission",
         "tcp.analysis.out_of_order", "tcp.analysis.duplicate_ack", "tcp.analysis.zero_window"]
SEGMENT_FIELDS = ["tcplife.stream", "tcplife.sender", "tcplife.handshake.step", "tcp.flags.syn", "tcp.len",
                  "tcp.analysis.ack_rtt", "tcp.options.sack_le", "ip.len", "ipv6.plen", "tcp.srcport"] + FLAGS
COUNTERS = ["retransmissions", "retransmitted_bytes", "dup_acks", "zero_windows", "out_of_order", "sack_segments",
            "rtt.min", "rtt.avg", "rtt.max", "ip_bytes", "throughput"]
CONVERSATION_FIELDS = ["tcplife.conv.%s.%s" % (counter, side) for counter in COUNTERS
                       for side in ("client", "server")] + ["tcplife.conv.bytes.client", "tcplife.conv.bytes.server",
                                                            "tcplife.conv.duration"]
# CSV column for each tree counter.
CSV_NAMES = {"retransmissions": "retransmissions", "retransmitted_bytes": "retransmitted_bytes",
             "dup_acks": "duplicate_acks", "zero_windows": "zero_windows", "out_of_order": "out_of_order",
             "sack_segments": "sack_segments", "rtt.min": "rtt_min", "rtt.avg": "rtt_avg", "rtt.max": "rtt_max",
             "ip_bytes": "ip_bytes", "throughput": "throughput"}


def ns(text):
    sign = -1 if text.startswith("-") else 1
    whole, _, fraction = text.lstrip("-").partition(".")
    return sign * (int(whole) * NS + int((fraction + "000000000")[:9]))


def seconds(value):
    """As the CSV writes times: microseconds, rounded half up."""
    micros = (value + 500) // 1000
    return "%d.%06d" % (micros // 1_000_000, micros % 1_000_000)


def recompute(lines):
    """{stream: {side: {counter: value}}} from Wireshark's fields; streams with tunnels left out."""
    per_stream = {}
    skipped = set()
    for line in lines:
        cells = dict(zip(SEGMENT_FIELDS, line.split("\t")))
        stream = cells["tcplife.stream"]
        if not stream:
            continue
        if "," in stream or "," in cells["tcp.len"] or len([c for c in (cells["ip.len"], cells["ipv6.plen"]) if c]) != 1 \
                or "," in cells["ip.len"] + cells["ipv6.plen"]:
            skipped.add(stream)
            continue
        side = 0 if cells["tcplife.sender"] == "client" else 1
        sides = per_stream.setdefault(stream, [collections.Counter(), collections.Counter()])
        sent, peer = sides[side], sides[1 - side]
        length = int(cells["tcp.len"])
        if any(cells[flag] for flag in FLAGS[:3]):
            sent["retransmissions"] += 1
            sent["retransmitted_bytes"] += length
        sent["out_of_order"] += bool(cells["tcp.analysis.out_of_order"])
        sent["dup_acks"] += bool(cells["tcp.analysis.duplicate_ack"])
        sent["zero_windows"] += bool(cells["tcp.analysis.zero_window"])
        sent["sack_segments"] += bool(cells["tcp.options.sack_le"])
        sent["ip_bytes"] += int(cells["ip.len"]) if cells["ip.len"] else int(cells["ipv6.plen"]) + 40
        rtt = cells["tcp.analysis.ack_rtt"]
        # A negative RTT (the capture's clock went backwards) measures nothing.
        if rtt and not rtt.startswith("-") and not cells["tcplife.handshake.step"] \
                and cells["tcp.flags.syn"] not in ("1", "True"):
            peer.setdefault("rtts", []).append(ns(rtt))
    for stream in skipped:
        per_stream.pop(stream, None)
    expected = {}
    for stream, sides in per_stream.items():
        expected[stream] = []
        for counts in sides:
            values = {counter: str(counts[counter]) for counter in COUNTERS[:6] + ["ip_bytes"]}
            rtts = counts.get("rtts", [])
            if rtts:
                values.update({"rtt.min": seconds(min(rtts)), "rtt.avg": seconds(sum(rtts) // len(rtts)),
                               "rtt.max": seconds(max(rtts))})
            expected[stream].append(values)
    return expected


def tree_values(tshark, capture, options=()):
    """{stream: {field: value}} on each stream's last frame (-2: final values)."""
    found = {}
    fields = ["tcplife.stream"] + CONVERSATION_FIELDS
    for line in tshark.stdout(capture, *options, *field_options(fields, occurrence="f"), two_pass=True).splitlines():
        cells = line.split("\t")
        if cells[0] and "," not in cells[0]:
            found[cells[0]] = dict(zip(fields, cells))
    return found


def throughput(byte_count, duration):
    duration_ns = ns(duration)
    return str((int(byte_count) * 8 * NS * 2 + duration_ns) // (2 * duration_ns)) if duration_ns > 0 else ""


def check_capture(tshark, capture, exercised):
    lines = tshark.stdout(capture, *field_options(SEGMENT_FIELDS, occurrence="a", aggregator=","),
                          two_pass=True).splitlines()
    expected = recompute(lines)
    tree = tree_values(tshark, capture)
    rows = {row["stream"]: row for row in csv.DictReader(io.StringIO(
        tshark.stdout(capture, "-q", "-z", "tcplife,csv", two_pass=True)))}
    problems = []
    for stream, sides in sorted(expected.items()):
        for side, name in enumerate(("client", "server")):
            values = dict(sides[side])
            exercised.update(counter for counter, value in values.items() if value not in ("", "0"))
            values["throughput"] = throughput(tree[stream]["tcplife.conv.bytes." + name],
                                              tree[stream]["tcplife.conv.duration"])
            for counter in COUNTERS:
                want = values.get(counter, "")
                field = "tcplife.conv.%s.%s" % (counter, name)
                shown = tree[stream][field]
                if counter.startswith("rtt.") and shown:
                    shown = seconds(ns(shown))
                if shown != want:
                    problems.append("stream %s %s: %r, recomputed %r" % (stream, field, shown, want))
                column = "%s_%s" % (CSV_NAMES[counter], name)
                if rows[stream][column] != want:
                    problems.append("stream %s CSV %s: %r, recomputed %r" % (stream, column, rows[stream][column], want))
    if problems:
        fail("\n".join(problems))
    return len(expected)


def check_analysis_off(tshark, capture):
    """Without Wireshark's sequence analysis, its counters are unknown: absent and empty."""
    off = ["-o", "tcp.analyze_sequence_numbers:FALSE"]
    for stream, values in tree_values(tshark, capture, off).items():
        for counter in ("retransmissions", "dup_acks", "rtt.avg"):
            if values["tcplife.conv.%s.client" % counter]:
                fail("stream %s shows %s with the analysis off" % (stream, counter))
        if not values["tcplife.conv.sack_segments.client"]:
            fail("stream %s lost its SACK count, which tcplife reads itself" % stream)
    for row in csv.DictReader(io.StringIO(tshark.stdout(capture, *off, "-q", "-z", "tcplife,csv", two_pass=True))):
        if row["retransmissions_client"] or row["rtt_avg_server"]:
            fail("CSV stream %s has analysis counters with the analysis off" % row["stream"])


def check_exercised(exercised):
    """A counter that is zero on every sample capture is compared with nothing."""
    never = [counter for counter in COUNTERS if counter != "throughput" and not exercised[counter]]
    if never:
        fail("no sample capture has a non-zero " + ", ".join(never))


def check_all(tshark, options, results):
    exercised = collections.Counter()
    for path in sample_captures(options.captures, leave_out=["truncated-file.pcap"]):
        results.check(os.path.basename(path), check_capture, tshark, tshark.capture(path), exercised,
                      says="%d streams")
    results.check("every counter exercised", check_exercised, exercised)
    results.check("analysis off", check_analysis_off, tshark,
                  tshark.capture(os.path.join(options.captures, "lossy-transfer.pcap")))


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__, check_all))
