#!/usr/bin/env python3
"""Writes everything tcplife shows for every sample capture, one pass and -2, into one folder.

A refactoring that promises "behaviour unchanged" runs this before and after and diffs the two
folders: the packet tree, expert info, Info marks, every -z report and the Flow Graph.

    tools/snapshot_outputs.py build-tests/plugin/wireshark/tcplife.so /tmp/before
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from tshark_runner import Tshark  # noqa: E402

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
    tshark = Tshark(plugin)
    try:
        for name in sorted(os.listdir(captures)):
            if not name.endswith(".pcap"):
                continue
            capture = tshark.capture(os.path.join(captures, name))
            for passes in ([], ["-2"]):
                suffix = "-2pass" if passes else ""
                runs = dict(VIEWS)
                for report in REPORTS:
                    runs[report.replace(",", "_")] = ["-q", "-z", report]
                for view, args in runs.items():
                    result = tshark.run("-r", capture, *passes, *args)
                    with open(os.path.join(out, "%s.%s%s" % (name[:-5], view, suffix)), "w") as f:
                        f.write(result.stdout)
                        if result.stderr:
                            f.write("--- stderr\n" + result.stderr)
    finally:
        tshark.close()


if __name__ == "__main__":
    main()
