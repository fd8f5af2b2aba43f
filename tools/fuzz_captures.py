#!/usr/bin/env python3
"""The body of tools/fuzz-captures.sh: capture mutation, as Wireshark fuzzes its dissectors."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from tshark_runner import SANITIZER_REPORTS, Tshark, capture_stem, sample_captures  # noqa: E402

# Every way tcplife is used: the packet details in one pass and two, every report, the
# Flow Graph, the expert infos.
RUNS = [["-V"], ["-2", "-V"]] + [["-q", "-z", report] for report in (
    "tcplife,conv", "tcplife,csv", "tcplife,zeek", "tcplife,summary", "tcplife,ladder", "tcplife,states",
    "flow,tcplife,network", "expert")]
TIMEOUT = 120


def failure_of(tshark, capture, args):
    """Why this run failed, or None: a signal, a hang, or a sanitizer report."""
    try:
        result = subprocess.run(tshark.command(["-r", capture] + args), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, universal_newlines=True, errors="replace",
                                timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "no answer after %d s" % TIMEOUT
    report = next((line for line in result.stderr.splitlines() if any(r in line for r in SANITIZER_REPORTS)), None)
    if report is not None:
        return "sanitizer: " + report.strip()
    if result.returncode < 0:
        return "died of signal %d" % -result.returncode
    return None


def wireshark_fails_alone(plain, capture):
    """Whether tshark without tcplife fails on the same input (its own bug, not ours)."""
    return any(failure_of(plain, capture, args) for args in (["-V"], ["-2", "-V"], ["-q", "-z", "expert"]))


def mutate(source, target, rate, seed):
    subprocess.run(["editcap", "-E", rate, "--seed", str(seed), source, target], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(target, 0o644)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("plugin", help="the tcplife.so to fuzz")
    parser.add_argument("--captures", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                           "sample-pcaps"))
    parser.add_argument("--rates", default="0.01,0.03,0.1", help="editcap -E probabilities, comma-separated")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 1..N per rate and capture")
    parser.add_argument("--keep", help="folder for failing inputs (default: a new temporary one)")
    options = parser.parse_args()
    keep = options.keep or tempfile.mkdtemp(prefix="tcplife-fuzz-")
    os.makedirs(keep, exist_ok=True)
    tshark, plain = Tshark(options.plugin), Tshark(None)
    copies = runs = ours = theirs = 0
    try:
        for path in sample_captures(options.captures):
            source = tshark.capture(path)
            for rate in options.rates.split(","):
                for seed in range(1, options.seeds + 1):
                    name = "%s-E%s-seed%d.pcap" % (capture_stem(os.path.basename(path)), rate, seed)
                    copy = os.path.join(tshark.captures, name)
                    mutate(source, copy, rate, seed)
                    copies += 1
                    for args in RUNS:
                        runs += 1
                        why = failure_of(tshark, copy, args)
                        if why is None:
                            continue
                        kept = os.path.join(keep, name)
                        shutil.copy(copy, kept)
                        plain_copy = plain.capture(kept)
                        whose = "Wireshark's own" if wireshark_fails_alone(plain, plain_copy) else "tcplife's"
                        theirs, ours = (theirs + 1, ours) if whose == "Wireshark's own" else (theirs, ours + 1)
                        print("FAIL %s (%s): tshark -r %s %s: %s" % (name, whose, kept, " ".join(args), why),
                              flush=True)
                    os.remove(copy)
    finally:
        tshark.close()
        plain.close()
    print("%d mutated copies of %s, %d tshark runs: %d tcplife failures, %d Wireshark's own%s" % (
        copies, options.captures, runs, ours, theirs, "; kept in " + keep if ours or theirs else ""))
    if not (ours or theirs) and not options.keep:
        shutil.rmtree(keep, ignore_errors=True)
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
