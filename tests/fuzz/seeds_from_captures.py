#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpus: each sample capture's TCP segments in the
record format of segment_script.hpp (8 bytes per segment), so fuzzing starts from real
handshakes, closes, resets and losses instead of noise.

    tests/fuzz/seeds_from_captures.py sample-pcaps tests/fuzz/seeds

Needs tshark (no plugin). Each stream of a capture takes conversation slot stream % 4;
a stream beyond the first four on a slot starts as a new stream on its sockets.
"""
import os
import subprocess
import sys

FIELDS = ["tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq", "tcp.ack", "tcp.len",
          "frame.time_epoch", "tcp.window_size_value", "tcp.options.mss_val", "tcp.options.wscale.shift",
          "tcp.options.sack_perm", "tcp.options.timestamp.tsval", "tcp.analysis.retransmission",
          "tcp.analysis.fast_retransmission", "tcp.analysis.spurious_retransmission",
          "tcp.analysis.out_of_order", "tcp.analysis.duplicate_ack", "tcp.analysis.zero_window",
          "tcp.options.sack_le", "tcp.analysis.ack_rtt"]


def records(capture):
    command = ["tshark", "-r", capture, "-Y", "tcp and not icmp and not icmpv6", "-T", "fields",
               "-E", "occurrence=f", "-E", "aggregator=,"]
    for field in FIELDS:
        command += ["-e", field]
    output = subprocess.run(command, capture_output=True, text=True).stdout
    slots = {}        # stream -> (slot, first sender port)
    next_seq = {}     # (stream, side) -> next relative seq
    streams_on_slot = {}
    previous_time = None
    out = bytearray()
    for line in output.splitlines():
        cells = dict(zip(FIELDS, line.split("\t")))
        if not cells["tcp.stream"] or not cells["tcp.seq"] or not cells["tcp.flags"]:  # a malformed header
            continue
        stream = int(cells["tcp.stream"])
        first = 0
        if stream not in slots:
            slot = stream % 4
            first = 0x08 if slot in streams_on_slot else 0
            streams_on_slot[slot] = stream
            slots[stream] = (slot, cells["tcp.srcport"])
        slot, side0_port = slots[stream]
        side = 0 if cells["tcp.srcport"] == side0_port else 1
        flags = int(cells["tcp.flags"], 16) & 0xDF
        seq, ack, length = int(cells["tcp.seq"]), int(cells["tcp.ack"] or 0), int(cells["tcp.len"] or 0)
        sent = length + bool(flags & 0x02) + bool(flags & 0x01)
        expected = next_seq.get((stream, side), seq)
        seq_mode = 0 if seq == expected else (1 if seq < expected else 2)
        if seq_mode != 1:
            next_seq[(stream, side)] = seq + sent
        peer_next = next_seq.get((stream, 1 - side))
        ack_mode = 0 if ack == peer_next else (2 if ack == 1 else 1)
        time = float(cells["frame.time_epoch"])
        step = 0 if previous_time is None else max(-128, min(127, round((time - previous_time) * 1000)))
        previous_time = time
        options = (bool(cells["tcp.options.mss_val"]) << 0 | bool(cells["tcp.options.wscale.shift"]) << 1
                   | bool(cells["tcp.options.sack_perm"]) << 2 | bool(cells["tcp.options.timestamp.tsval"]) << 3)
        window = 0 if cells["tcp.window_size_value"] == "0" else 1
        shift = int(cells["tcp.options.wscale.shift"] or 0) & 0x1F
        analysis = 0x01
        if any(cells[f] for f in FIELDS[13:16]):
            analysis |= 0x02
        analysis |= bool(cells["tcp.analysis.out_of_order"]) << 2
        analysis |= bool(cells["tcp.analysis.duplicate_ack"]) << 3
        analysis |= bool(cells["tcp.analysis.zero_window"]) << 4
        sack_blocks = len(cells["tcp.options.sack_le"].split(",")) if cells["tcp.options.sack_le"] else 0
        analysis |= min(sack_blocks, 3) << 5
        analysis |= bool(cells["tcp.analysis.ack_rtt"]) << 7
        out += bytes([slot | side << 2 | first | seq_mode << 4 | ack_mode << 6, flags,
                      min(127, round(length / 11)), step & 0xFF, 0, options | window << 5, shift, analysis])
    return bytes(out)


def main():
    captures, seeds = sys.argv[1], sys.argv[2]
    os.makedirs(seeds, exist_ok=True)
    for name in sorted(os.listdir(captures)):
        stem = next((name[:-len(suffix)] for suffix in (".pcap", ".pcapng") if name.endswith(suffix)), None)
        if stem is not None:
            data = records(os.path.join(captures, name))
            if data:
                with open(os.path.join(seeds, stem + ".bin"), "wb") as out:
                    out.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
