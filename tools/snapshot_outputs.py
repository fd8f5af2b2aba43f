#!/usr/bin/env python3
"""Writes everything tcplife shows for every sample capture, one pass and -2, into one folder.

A refactoring that promises "behaviour unchanged" runs this before and after and diffs the two
folders: the packet tree, expert info, Info marks, every -z report and the Flow Graph.

    tools/snapshot_outputs.py build-tests/plugin/wireshark/tcplife.so /tmp/before
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from tshark_runner import Tshark, capture_stem, sample_captures  # noqa: E402

REPORTS = ["tcplife,conv", "tcplife,csv", "tcplife,zeek", "tcplife,summary", "tcplife,ladder",
           "tcplife,states", "tcplife,states_csv", "flow,tcplife,network", "expert,note"]
VIEWS = {
    "tree": ["-O", "tcplife", "-V"],
    "info": ["-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info", "-e", "tcplife.client.state", "-e", "tcplife.server.state", "-e", "tcplife.sender"],
}


def main():
    plugin, out = sys.argv[1], sys.argv[2]
    captures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sample-pcaps")
    os.makedirs(out, exist_ok=True)
    runs = dict(VIEWS)
    for report in REPORTS:
        runs[report.replace(",", "_")] = ["-q", "-z", report]
    tshark = Tshark(plugin)
    try:
        for path in sample_captures(captures):
            capture = tshark.capture(path)
            for view, args in runs.items():
                one_pass, two_pass = tshark.passes(capture, *args)
                stem = os.path.join(out, "%s.%s" % (capture_stem(os.path.basename(path)), view))
                write(stem, one_pass)
                write(stem + "-2pass", two_pass)
    finally:
        tshark.close()


def write(path, result):
    with open(path, "w") as f:
        f.write(result.stdout)
        if result.stderr:
            f.write("--- stderr\n" + result.stderr)


if __name__ == "__main__":
    main()
