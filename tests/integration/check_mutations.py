#!/usr/bin/env python3
"""Mutated captures give the same answer in one pass and with -2.

Every sample capture is mutated as Wireshark's own fuzz regime does (editcap -E, random
bytes overwritten at a given probability, with fixed seeds so that a failure can be
replayed), then tshark runs over each copy in one pass and with -2:
  1. every per-segment tcplife field, tcplife's expert messages and its Info marks must be
     the same in both runs (the conversation fields are "known so far" in one pass, by design);
  2. -z tcplife,csv (every conversation with its final values) must be byte-identical;
  3. tshark must not die of a signal.
A failing copy is kept under --keep (default: a temporary folder, printed) with the
commands that show the difference.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from check_captures import run_fields, tcplife_view
from tshark_runner import Tshark

RATES = ["0.02", "0.06"]
SEEDS = [1, 2]


def mutate(source, target, rate, seed):
    subprocess.run(["editcap", "-E", rate, "--seed", str(seed), source, target], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(target, 0o644)


def problems_of(tshark, capture):
    problems = []
    one = run_fields(tshark, capture, two_pass=False)
    two = run_fields(tshark, capture, two_pass=True)
    for name, run in (("one-pass", one), ("-2", two)):
        if run.returncode < 0:
            problems.append("%s run died of signal %d" % (name, -run.returncode))
    if not problems and tcplife_view(one.stdout) != tcplife_view(two.stdout):
        first = [a != b for a, b in zip(tcplife_view(one.stdout), tcplife_view(two.stdout))]
        frame = first.index(True) + 1 if True in first else None
        problems.append("per-segment fields differ between one pass and -2 (first at row %s)" % frame)
    csv_one = tshark.run("-r", capture, "-q", "-z", "tcplife,csv")
    csv_two = tshark.run("-2", "-r", capture, "-q", "-z", "tcplife,csv")
    if csv_one.returncode < 0 or csv_two.returncode < 0:
        problems.append("-z tcplife,csv died of a signal")
    elif csv_one.stdout != csv_two.stdout:
        problems.append("-z tcplife,csv differs between one pass and -2")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--captures", required=True)
    parser.add_argument("--keep", help="folder for the failing copies (default: a new temporary one)")
    args = parser.parse_args()

    keep = args.keep or tempfile.mkdtemp(prefix="tcplife-mutations-")
    os.makedirs(keep, exist_ok=True)
    tshark = Tshark(args.plugin)
    passed = failed = 0
    try:
        for name in sorted(os.listdir(args.captures)):
            if not name.endswith(".pcap"):
                continue
            source = tshark.capture(os.path.join(args.captures, name))
            for rate in RATES:
                for seed in SEEDS:
                    label = "%s -E %s --seed %d" % (name, rate, seed)
                    copy = os.path.join(tshark.captures, "mutated-%s-%d-%s" % (rate, seed, name))
                    mutate(source, copy, rate, seed)
                    problems = problems_of(tshark, copy)
                    if problems:
                        failed += 1
                        kept = os.path.join(keep, os.path.basename(copy))
                        shutil.copy(copy, kept)
                        print("FAIL %s (kept as %s)" % (label, kept))
                        for problem in problems:
                            print("     " + problem)
                        print("     compare: tshark -r %s -q -z tcplife,csv   and the same with -2" % kept)
                    else:
                        passed += 1
                    os.remove(copy)
    finally:
        tshark.close()
    if failed == 0 and not args.keep:
        shutil.rmtree(keep, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
