#!/usr/bin/env python3
"""What "known so far" means, checked exactly: in a one-pass run, the conversation values
on frame N must be the final values (-2) of the same capture cut after frame N.

A few captures with the most changes of verdict are cut at every frame (editcap), so
the cost stays at a few dozen tshark runs."""
import os
import subprocess
import sys

import conversation_expectations as conversation
import tshark_runner
from tshark_runner import fail_with, field_options

CAPTURES = ["refused-retry", "close-wait-leak", "time-wait-assassination", "synack-first", "data-after-fin",
            "simultaneous-open", "half-open"]
FIELDS = ["frame.number"] + ["tcplife.conv." + field for field in conversation.FIELDS]


def conversation_values(tshark, capture, two_pass=False):
    rows = {}
    options = field_options(FIELDS, occurrence="a", aggregator="|")
    for line in tshark.stdout(capture, *options, two_pass=two_pass).splitlines():
        values = line.split("\t") + [""] * len(FIELDS)
        rows[int(values[0])] = dict(zip(FIELDS[1:], values[1:]))
    return rows


def check_capture(tshark, capture):
    problems = []
    one_pass = conversation_values(tshark, capture)
    for frame in sorted(one_pass):
        cut = os.path.join(tshark.captures, "cut-%d.pcap" % frame)
        subprocess.run(["editcap", "-r", capture, cut, "1-%d" % frame], check=True, stdout=subprocess.DEVNULL)
        os.chmod(cut, 0o644)
        final = conversation_values(tshark, cut, two_pass=True)[frame]
        for field, value in final.items():
            if one_pass[frame][field] != value:
                problems.append("frame %d %s: one-pass %r, -2 on the capture cut there %r" %
                                (frame, field, one_pass[frame][field], value))
        os.remove(cut)
    fail_with(problems, limit=20)


def check_all(tshark, options, results):
    for name in CAPTURES:
        results.check(name, check_capture, tshark, tshark.capture(os.path.join(options.captures, name + ".pcap")))


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all))
