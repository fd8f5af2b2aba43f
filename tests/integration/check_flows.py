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
import argparse
import os
import re
import sys

from tshark_runner import Tshark

LABEL_WIDTH = 20
ARROW = re.compile(r"\((\d+)\)\s*(<-+|-+>)\s*\((\d+)\)")


def fail(name, message):
    raise AssertionError("%s: %s" % (name, message))


def version_applies(guard, version):
    if guard == "":
        return True
    major, minor = (int(part) for part in guard.strip("<+").split("."))
    at_least = version[:2] >= (major, minor)
    return at_least if guard.endswith("+") else not at_least


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


def parse_flow(name, text):
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
        fail(name, "a row without its arrow line: %r" % rows[-1])
    for label_line, arrow_line in zip(rows[::2], rows[1::2]):
        cells = [cell.strip() for cell in label_line.strip("|").split("|")]
        time, label, comment = cells[0], cells[1], cells[-1]
        match = ARROW.search(arrow_line)
        if match is None:
            fail(name, "no arrow in %r" % arrow_line)
        left, direction, right = match.groups()
        source, destination = (left, right) if direction.endswith(">") else (right, left)
        arrows.append((time, source, destination, label, comment))
    return nodes, arrows


def flow(tshark, capture, *options, argument="flow,tcplife,network"):
    result = tshark.run(*options, "-r", tshark.capture(capture), "-q", "-z", argument)
    if result.returncode != 0:
        fail(os.path.basename(capture), "tshark failed: %s" % result.stderr)
    return result.stdout


def check_capture(tshark, capture, expected_path):
    name = os.path.basename(capture)
    one_pass = flow(tshark, capture)
    two_pass = flow(tshark, capture, "-2")
    if one_pass != two_pass:
        fail(name, "one pass and -2 differ:\n%s\n---\n%s" % (one_pass, two_pass))
    nodes, arrows = parse_flow(name, one_pass)
    want_nodes, want_arrows = read_expectation(expected_path, tshark.version)
    if nodes != want_nodes:
        fail(name, "nodes %r, expected %r" % (nodes, want_nodes))
    for index, (got, want) in enumerate(zip(arrows, want_arrows)):
        if got != want:
            fail(name, "arrow %d: %r, expected %r" % (index + 1, got, want))
    if len(arrows) != len(want_arrows):
        fail(name, "%d arrows, expected %d" % (len(arrows), len(want_arrows)))
    return want_arrows


def check_filter(tshark, capture, expected_path):
    """A filter keeps the arrows of the segments that pass it: here the handshake's."""
    name = os.path.basename(capture)
    _, want_arrows = read_expectation(expected_path, tshark.version)
    text = flow(tshark, capture, "-2", argument="flow,tcplife,network,tcplife.handshake.step")
    _, arrows = parse_flow(name, text)
    want = [arrow for arrow in want_arrows if "[HS " in arrow[3]]
    if arrows != want:
        fail(name, "filtered arrows %r, expected %r" % (arrows, want))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--captures", required=True)
    parser.add_argument("--expected", required=True)
    args = parser.parse_args()
    tshark = Tshark(args.plugin)
    failures = 0
    try:
        names = sorted(f[:-len(".flow")] for f in os.listdir(args.expected) if f.endswith(".flow"))
        for name in names:
            capture = os.path.join(args.captures, name + ".pcap")
            expected = os.path.join(args.expected, name + ".flow")
            try:
                arrows = check_capture(tshark, capture, expected)
                print("ok %s: %d arrows" % (name, len(arrows)))
            except AssertionError as error:
                failures += 1
                print("FAIL %s" % error)
        try:
            check_filter(tshark, os.path.join(args.captures, "merged-close.pcap"),
                         os.path.join(args.expected, "merged-close.flow"))
            print("ok filter: handshake arrows only")
        except AssertionError as error:
            failures += 1
            print("FAIL %s" % error)
    finally:
        tshark.close()
    print("%d passed, %d failed" % (len(names) + 1 - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
