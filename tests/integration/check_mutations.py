#!/usr/bin/env python3
"""Mutated captures give the same answer in one pass and with -2.

Every sample capture is mutated as Wireshark's own fuzz regime does (editcap -E, random
bytes overwritten at a given probability, with fixed seeds so that a failure can be
replayed), then tshark runs over each copy in one pass and with -2:
  1. every per-segment tcplife field, tcplife's expert messages and its Info marks must be
     the same in both runs (the conversation fields are "known so far" in one pass, by design);
  2. -z tcplife,csv (every conversation with its final values) must be byte-identical;
  3. tshark must not die of a signal;
  4. in both runs, each segment's tcplife.stream must be TCP's tcp.stream.
A failing copy is kept under --keep (default: a temporary folder, printed) with the
commands that show the difference.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import tshark_runner
from check_captures import run_fields, streams_unlike_tcps, tcplife_view
from tshark_runner import fail, sample_captures

RATES = ["0.02", "0.06"]
SEEDS = [1, 2]


def mutate(source, target, rate, seed):
    subprocess.run(["editcap", "-E", rate, "--seed", str(seed), source, target], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(target, 0o644)


def problems_of(tshark, capture):
    problems = []
    one, two = run_fields(tshark, capture)
    for name, run in (("one-pass", one), ("-2", two)):
        if run.returncode < 0:
            problems.append("%s run died of signal %d" % (name, -run.returncode))
        unlike = streams_unlike_tcps(run.stdout)
        if unlike:
            problems.append("%s run: tcplife.stream is not tcp.stream at frames %s" % (name, unlike[:10]))
    if not problems and tcplife_view(one.stdout) != tcplife_view(two.stdout):
        first = [a != b for a, b in zip(tcplife_view(one.stdout), tcplife_view(two.stdout))]
        frame = first.index(True) + 1 if True in first else None
        problems.append("per-segment fields differ between one pass and -2 (first at row %s)" % frame)
    csv_one, csv_two = tshark.passes(capture, "-q", "-z", "tcplife,csv")
    if csv_one.returncode < 0 or csv_two.returncode < 0:
        problems.append("-z tcplife,csv died of a signal")
    elif csv_one.stdout != csv_two.stdout:
        problems.append("-z tcplife,csv differs between one pass and -2")
    return problems


def check_mutation(tshark, source, rate, seed, keep):
    copy = os.path.join(tshark.captures, "mutated-%s-%d-%s" % (rate, seed, os.path.basename(source)))
    mutate(source, copy, rate, seed)
    try:
        problems = problems_of(tshark, copy)
        if problems:
            kept = os.path.join(keep, os.path.basename(copy))
            shutil.copy(copy, kept)
            fail("\n".join(["kept as " + kept] + problems +
                            ["compare: tshark -r %s -q -z tcplife,csv   and the same with -2" % kept]))
    finally:
        os.remove(copy)


def check_all(tshark, options, results):
    keep = options.keep or tempfile.mkdtemp(prefix="tcplife-mutations-")
    os.makedirs(keep, exist_ok=True)
    for path in sample_captures(options.captures):
        source = tshark.capture(path)
        for rate in RATES:
            for seed in SEEDS:
                label = "%s -E %s --seed %d" % (os.path.basename(path), rate, seed)
                results.check(label, check_mutation, tshark, source, rate, seed, keep)
    if results.failed == 0 and not options.keep:
        shutil.rmtree(keep, ignore_errors=True)


def add_options(parser):
    parser.add_argument("--keep", help="folder for the failing copies (default: a new temporary one)")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all, add_options))
