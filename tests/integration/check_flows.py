#!/usr/bin/env python3
"""The Flow Graph's "TCP Lifecycle" flow as tshark prints it (-z flow,tcplife,network),
against the reviewed files in expected-flows/: one arrow per analysed segment, with its
time, its ports in the direction it went, its label and its comment; the node addresses
at the top. One-pass and -2 runs must print the same. A filter keeps only the segments
that pass it.

An expectation file holds, tab-separated:
  nodes[ VERSIONS]<TAB>addresses   the graph's columns, left to right, space-separated;
                                   VERSIONS "<4.4" or "4.4+" where Wireshark draws them differently
  TIME<TAB>FROM>TO<TAB>LABEL<TAB>COMMENT   one arrow, in frame order
tshark's text graph cuts a label to the width between two columns (LABEL_WIDTH); the
files hold the whole label and the check compares what tshark can show of it.
"""
import os
import re
import sys

import golden
import tshark_runner
from tshark_runner import fail, version_applies

LABEL_WIDTH = 20
ARROW = re.compile(r"\((\d+)\)\s*(<-+|-+>)\s*\((\d+)\)")
FILTERED = "merged-close"


def read_expectation(path, version):
    nodes, arrows = None, []
    with open(path) as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if fields[0].startswith("nodes"):
                if version_applies(fields[0][len("nodes"):].strip(), version):
                    nodes = fields[1].split()
                continue
            time, ports, label, comment = fields
            source, destination = ports.split(">")
            arrows.append((time, source, destination, label[:LABEL_WIDTH], comment))
    return nodes, arrows


def parse_flow(text):
    """(nodes, arrows) of tshark's text flow graph."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    first_row = next((i for i, line in enumerate(lines) if re.match(r"\|\d", line)), len(lines))
    positioned = []
    for line in lines[:first_row]:
        for match in re.finditer(r"[^|\s]+", line):
            if match.group() != "Time":
                positioned.append((match.start(), match.group()))
    nodes = [node for _, node in sorted(positioned)]
    arrows = []
    rows = lines[first_row:]
    if len(rows) % 2:
        fail("a row without its arrow line: %r" % rows[-1])
    for label_line, arrow_line in zip(rows[::2], rows[1::2]):
        cells = [cell.strip() for cell in label_line.strip("|").split("|")]
        time, label, comment = cells[0], cells[1], cells[-1]
        match = ARROW.search(arrow_line)
        if match is None:
            fail("no arrow in %r" % arrow_line)
        left, direction, right = match.groups()
        source, destination = (left, right) if direction.endswith(">") else (right, left)
        arrows.append((time, source, destination, label, comment))
    return nodes, arrows


def check_capture(tshark, capture, expected_path):
    nodes, arrows = parse_flow(tshark.same_in_both_passes(capture, "-q", "-z", "flow,tcplife,network"))
    want_nodes, want_arrows = read_expectation(expected_path, tshark.version)
    golden.compare_lines(nodes, want_nodes, "nodes")
    golden.compare_lines(arrows, want_arrows, "arrows")
    return len(arrows)


def check_filter(tshark, capture, expected_path):
    """A filter keeps the arrows of the segments that pass it: here the handshake's."""
    _, want_arrows = read_expectation(expected_path, tshark.version)
    text = tshark.stdout(capture, "-q", "-z", "flow,tcplife,network,tcplife.handshake.step", two_pass=True)
    _, arrows = parse_flow(text)
    golden.compare_lines(arrows, [arrow for arrow in want_arrows if "[HS " in arrow[3]], "filtered arrows")


def check_all(tshark, options, results):
    golden.check_expectations(results, tshark, options.captures, options.expected, ".flow", check_capture,
                              says="%d arrows")
    results.check("filter: handshake arrows only", golden.check_one, tshark,
                  os.path.join(options.captures, FILTERED + ".pcap"),
                  os.path.join(options.expected, FILTERED + ".flow"), check_filter)


def add_options(parser):
    parser.add_argument("--expected", required=True, help="the reviewed flows, expected-flows/")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all, add_options))
