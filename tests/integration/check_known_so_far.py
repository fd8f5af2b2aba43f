#!/usr/bin/env python3
"""What "known so far" means, checked exactly: in a one-pass run, the conversation values
on frame N must be the final values (-2) of the same capture cut after frame N.

A few captures with the most changes of verdict are cut at every frame (editcap), so
the cost stays at a few dozen tshark runs."""
import argparse
import os
import subprocess
import sys

import conversation_expectations as conversation
from tshark_runner import Tshark

CAPTURES = ["refused-retry", "close-wait-leak", "time-wait-assassination", "synack-first", "data-after-fin",
            "simultaneous-open", "half-open"]
FIELDS = ["frame.number"] + ["tcplife.conv." + field for field in conversation.FIELDS]


def conversation_values(tshark, capture, *extra):
    args = list(extra) + ["-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    for field in FIELDS:
        args += ["-e", field]
    result = tshark.run(*args)
    assert result.returncode == 0, result.stderr
    rows = {}
    for line in result.stdout.splitlines():
        values = line.split("\t") + [""] * len(FIELDS)
        rows[int(values[0])] = dict(zip(FIELDS[1:], values[1:]))
    return rows


def check(tshark, capture):
    problems = []
    one_pass = conversation_values(tshark, capture)
    for frame in sorted(one_pass):
        cut = os.path.join(tshark.captures, "cut-%d.pcap" % frame)
        subprocess.run(["editcap", "-r", capture, cut, "1-%d" % frame], check=True, stdout=subprocess.DEVNULL)
        os.chmod(cut, 0o644)
        final = conversation_values(tshark, cut, "-2")[frame]
        for field, value in final.items():
            if one_pass[frame][field] != value:
                problems.append("frame %d %s: one-pass %r, -2 on the capture cut there %r" %
                                (frame, field, one_pass[frame][field], value))
        os.remove(cut)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--captures", required=True)
    args = parser.parse_args()
    tshark = Tshark(args.plugin)
    failed = 0
    try:
        for name in CAPTURES:
            problems = check(tshark, tshark.capture(os.path.join(args.captures, name + ".pcap")))
            print(("FAIL " if problems else "ok   ") + name)
            for problem in problems[:20]:
                print("     " + problem)
            failed += bool(problems)
    finally:
        tshark.close()
    print("%d passed, %d failed" % (len(CAPTURES) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
