#!/usr/bin/env python3
"""Instructions per packet of tshark with tcplife installed versus the same tshark
without it (issue 13: "tcplife costs nothing where nobody asks for it").

    bench/instructions.py --plugin BUILD/plugin/wireshark/tcplife.so --generator BUILD/bench/tcplife_corpus
    bench/instructions.py --plugin tcplife.so --corpus FILE.pcap --out result.md
    bench/instructions.py --smoke --plugin ... --generator ...     (CI: a tiny corpus, no verdicts)

Every tshark runs under `valgrind --tool=callgrind`, which counts the instructions it
executes: wall time on a shared VM varies by 10 %, instruction counts by well under 0.1 %.
Each command is counted on the corpus and on its first packet alone; the difference,
divided by the packets after the first, is the cost per packet without start-up.
bench/README.md ("Instruction counts") explains the commands and the targets.
Only the Python standard library is used.
"""
import argparse
import collections
import concurrent.futures
import datetime
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

NOBODY = 65534
PARALLEL_RUNS = 2            # the benchmark machine has 2 cores; callgrind is single-threaded
PRE_WINDOW_S = 3             # the corpus generator's --pre-window: a short capture stays busy
DEFAULT_SEED = 77
DEFAULT_CONVERSATIONS = 1500  # about 15k packets: seconds of callgrind per command, not minutes
SMOKE_CONVERSATIONS = 20

TARGET_NOTHING_ASKED = 1.10  # group A: tcplife installed, nothing asked of it
TARGET_OWN_OUTPUT = 1.20     # group B: tcplife's own output vs the nearest plain-tshark output

# A run is one tshark command line in one variant: "plain" (an empty plugin folder) or
# "tcplife" (a plugin folder holding only the tcplife.so under test). Its arguments are a
# tuple, so that a run can key the counts.
Run = collections.namedtuple("Run", "variant args")
# A comparison divides the candidate's instructions per packet by the baseline's.
Comparison = collections.namedtuple("Comparison", "group name baseline candidate target")

GROUP_NOTHING = "A"
GROUP_OWN = "B"
GROUP_REFERENCE = "ref"
GROUP_TEXT = {
    GROUP_NOTHING: "asks nothing of tcplife: the same command, tcplife installed vs not",
    GROUP_OWN: "tcplife's own output (tcplife installed) vs the nearest plain-tshark output",
    GROUP_REFERENCE: "reference: Wireshark's own TCP analysis, on vs off, tcplife not installed",
}

SUMMARY = ()
CONV = ("-q", "-z", "conv,tcp")
TCP_ANALYSIS_ON = ("-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.calculate_timestamps:TRUE")
TCP_ANALYSIS_OFF = ("-o", "tcp.analyze_sequence_numbers:FALSE", "-o", "tcp.calculate_timestamps:FALSE")


def fields(*names):
    return ("-T", "fields") + tuple(arg for name in names for arg in ("-e", name))


def same_command(name, args):
    return Comparison(GROUP_NOTHING, name, Run("plain", args), Run("tcplife", args), TARGET_NOTHING_ASKED)


def own_output(name, plain_args, tcplife_args):
    return Comparison(GROUP_OWN, name, Run("plain", plain_args), Run("tcplife", tcplife_args), TARGET_OWN_OUTPUT)


COMPARISONS = [
    # The summary lines carry tcplife's Info-column marks ("[HS 1/3]"): the one thing
    # tcplife shows unasked.
    same_command("summary", SUMMARY),
    same_command("conv", CONV),
    same_command("fields", fields("ip.src", "tcp.stream")),
    same_command("filter", ("-Y", "tcp.flags.syn==1")),
    # Colouring runs the colour filters on every packet whether or not stdout is a
    # terminal; only the escape codes depend on it, so /dev/null measures the work.
    same_command("color", ("--color",)),
    # Four tcplife fields against five TCP header fields: the columns a user would
    # otherwise read to follow a connection's state by hand.
    own_output("fields4",
               fields("tcp.stream", "tcp.flags", "tcp.seq", "tcp.ack", "tcp.window_size"),
               fields("tcp.stream", "tcplife.handshake.step", "tcplife.close.step", "tcplife.client.state",
                      "tcplife.server.state")),
    own_output("anomaly", ("-Y", "tcp.analysis.flags"), ("-Y", "tcplife.anomaly")),
    own_output("csv", CONV, ("-q", "-z", "tcplife,csv")),
    Comparison(GROUP_REFERENCE, "tcp-analysis", Run("plain", SUMMARY + TCP_ANALYSIS_OFF),
               Run("plain", SUMMARY + TCP_ANALYSIS_ON), None),
]
# The smoke run counts one comparison of groups A and B: enough to prove the pipeline
# (both variants, both captures, the parsing, the report), while every callgrind run
# costs 10-20 s of start-up on the 2-core VM. Every command line is still tried once
# without valgrind (check_commands).
SMOKE_COMPARISONS = ["summary", "csv"]


def log(message):
    print(message, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ----------------------------------------------------------------------------------
# Tools and the corpus


def required_tools():
    """Absolute paths of the tools, so that the cleared environment of each run finds them."""
    tools = {}
    for name in ["valgrind", "tshark", "editcap", "capinfos"] + (["setpriv"] if os.geteuid() == 0 else []):
        tools[name] = shutil.which(name)
    if tools["valgrind"] is None:
        raise BenchError("valgrind not found: instructions are counted with valgrind --tool=callgrind. "
                         "Install it with tools/install-deps.sh (or: apt-get install valgrind).")
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        raise BenchError("not found on PATH: %s (tools/install-deps.sh installs them)" % ", ".join(missing))
    return tools


def first_line(argv):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          universal_newlines=True).stdout.splitlines()[0].strip()


def plugin_abi(tshark_version):
    """The plugin folder name of this tshark: its major.minor (4.0.17 -> 4.0)."""
    return ".".join(re.search(r"(\d+)\.(\d+)\.\d+", tshark_version).groups())


def generate_corpus(generator, path, seed, conversations):
    log("== generating the corpus: seed %d, %d conversations" % (seed, conversations))
    subprocess.run([generator, "--out", path, "--seed", str(seed), "--conversations", str(conversations),
                    "--pre-window", str(PRE_WINDOW_S)], check=True, stdout=subprocess.DEVNULL)


def first_packet_corpus(tools, corpus, path):
    """The corpus cut to its first packet: what tshark costs to start, read a file and stop."""
    subprocess.run([tools["editcap"], "-r", corpus, path, "1"], check=True, stdout=subprocess.DEVNULL)


def count_packets(tools, path):
    out = subprocess.run([tools["capinfos"], "-c", "-M", path], check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    match = re.search(r"Number of packets:\s*(\d+)", out)
    if not match:
        raise BenchError("capinfos gave no packet count for %s:\n%s" % (path, out))
    return int(match.group(1))


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ----------------------------------------------------------------------------------
# The sandbox: a private HOME and one plugin folder per variant, which replaces the
# system's. Wireshark ignores WIRESHARK_PLUGIN_DIR when the real uid is 0, so as root
# every tshark runs as nobody, and everything it reads or writes must be open to nobody.


class Sandbox:
    def __init__(self, parent, tools, abi, plugin):
        if parent:
            os.makedirs(parent, exist_ok=True)
        self.root = tempfile.mkdtemp(prefix="tcplife-instructions-", dir=parent)
        self.tools = tools
        self.as_nobody = os.geteuid() == 0
        self.home = self.subdir("home", writable=True)
        self.callgrind_dir = self.subdir("callgrind", writable=True)
        self.logs_dir = self.subdir("logs")
        self.plugin_dirs = {"plain": self.subdir("plugins-plain"), "tcplife": self.subdir("plugins-tcplife")}
        for folder in self.plugin_dirs.values():
            os.makedirs(os.path.join(folder, abi, "epan"))
            for level in (os.path.join(folder, abi), os.path.join(folder, abi, "epan")):
                os.chmod(level, 0o755)  # whatever the caller's umask: nobody must reach the plugin
        self.plugin = os.path.join(self.plugin_dirs["tcplife"], abi, "epan", "tcplife.so")
        shutil.copy(plugin, self.plugin)
        os.chmod(self.plugin, 0o644)
        os.chmod(self.root, 0o755)

    def subdir(self, name, writable=False):
        path = os.path.join(self.root, name)
        os.mkdir(path)
        os.chmod(path, 0o755)
        if writable and self.as_nobody:
            os.chown(path, NOBODY, NOBODY)
        return path

    def path(self, name):
        return os.path.join(self.root, name)

    def shareable(self, path):
        """Makes a file of the sandbox readable by the unprivileged tshark."""
        os.chmod(path, 0o644)
        return path

    def prefix(self, variant):
        """The start of every command line: who runs it, and in what environment (cleared,
        so that runs do not differ by what the caller happened to export)."""
        env = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + self.home,
               "WIRESHARK_PLUGIN_DIR=" + self.plugin_dirs[variant], "LC_ALL=C.UTF-8"]
        if self.as_nobody:
            return [self.tools["setpriv"], "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"] + env
        return env

    def tshark(self, run, capture):
        return self.prefix(run.variant) + [self.tools["tshark"], "-r", capture] + list(run.args)

    def callgrind(self, run, capture, out_file):
        return (self.prefix(run.variant) + [self.tools["valgrind"], "--tool=callgrind",
                                            "--callgrind-out-file=" + out_file, self.tools["tshark"], "-r", capture]
                + list(run.args))

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def listed_plugins(sandbox, variant):
    return subprocess.run(sandbox.prefix(variant) + [sandbox.tools["tshark"], "-G", "plugins"], check=True,
                          stdout=subprocess.PIPE, universal_newlines=True).stdout


def check_variants(sandbox, corpus):
    """The tcplife variant loads the tcplife.so under test and dissects with it, the plain
    one loads no tcplife: otherwise the counts would compare nothing."""
    listing = listed_plugins(sandbox, "tcplife")
    if sandbox.plugin not in listing:
        raise BenchError("tshark does not load the tcplife.so under test (%s); tshark -G plugins:\n%s"
                         % (sandbox.plugin, listing))
    listing = listed_plugins(sandbox, "plain")
    if "tcplife" in listing:
        raise BenchError("the plain variant loads a tcplife plugin; tshark -G plugins:\n" + listing)
    run = Run("tcplife", ("-c", "500") + fields("tcplife.client.state"))
    states = subprocess.run(sandbox.tshark(run, corpus), check=True, stdout=subprocess.PIPE,
                            universal_newlines=True).stdout.split()
    if not states:
        raise BenchError("the tcplife variant loads tcplife.so but produces no tcplife.client.state")


def check_commands(sandbox, runs, capture):
    """Every command line once, without valgrind, on one packet: a mistyped option or
    field fails here in a second instead of after minutes of counting."""
    for run in runs:
        result = subprocess.run(sandbox.tshark(run, capture), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                universal_newlines=True)
        if result.returncode != 0:
            raise BenchError("tshark fails (exit %d) in the %s variant: tshark -r CORPUS %s\n%s" % (
                result.returncode, run.variant, " ".join(map(shlex.quote, run.args)), result.stderr[-2000:]))


# ----------------------------------------------------------------------------------
# Counting


def callgrind_total(out_file):
    """The total instruction count (event Ir) of a callgrind output file: the "totals:"
    line at its end, else the "summary:" line (not every version writes both)."""
    found = {}
    with open(out_file) as f:
        for line in f:
            match = re.match(r"(totals|summary):\s*(\d+)", line)
            if match:
                found[match.group(1)] = int(match.group(2))
    total = found.get("totals", found.get("summary"))
    if total is None:
        raise BenchError("no totals: or summary: line in %s" % out_file)
    return total


def count_instructions(sandbox, run, capture, label):
    """Instructions of one run under callgrind, and the seconds it took."""
    out_file = os.path.join(sandbox.callgrind_dir, label + ".out")
    log_file = os.path.join(sandbox.logs_dir, label + ".log")
    argv = sandbox.callgrind(run, capture, out_file)
    started = time.perf_counter()
    with open(log_file, "w") as err:
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=err)
    if result.returncode != 0:
        with open(log_file) as f:
            raise BenchError("exit %d under callgrind: %s\n%s" % (result.returncode, " ".join(argv), f.read()[-2000:]))
    return callgrind_total(out_file), time.perf_counter() - started


def count_all(sandbox, runs, captures):
    """Instructions of every run on every capture, at most PARALLEL_RUNS at a time.
    Returns {(run, capture name): instructions}."""
    jobs = [(run, name) for name in captures for run in runs]  # the full corpus first: the long ones
    counts = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        futures = {pool.submit(count_instructions, sandbox, run, captures[name], "%s-%02d" % (name, runs.index(run))):
                   (run, name) for run, name in jobs}
        try:
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                run, name = futures[future]
                counts[(run, name)], seconds = future.result()
                log("   [%d/%d] %4.0f s  %-4s %-7s %15s Ir  tshark -r CORPUS %s" % (
                    done, len(jobs), seconds, name, run.variant, "{:,}".format(counts[(run, name)]),
                    " ".join(map(shlex.quote, run.args))))
        except BaseException:
            for future in futures:  # one failure fails the benchmark: do not wait for the rest
                future.cancel()
            raise
    return counts


def per_packet(counts, run, packets, full="full", one="one"):
    """Instructions per packet with start-up subtracted: (full - first packet) / (packets - 1).
    `full`, `one`: the names of the capture and of its first packet in count_all's captures."""
    return (counts[(run, full)] - counts[(run, one)]) / (packets - 1)


def unique_runs(comparisons):
    runs = []
    for comparison in comparisons:
        for run in (comparison.baseline, comparison.candidate):
            if run not in runs:
                runs.append(run)
    return runs


# ----------------------------------------------------------------------------------
# The report


def number(value):
    return "{:,.0f}".format(value)


def verdict(ratio, target, smoke):
    if target is None:
        return "info"
    if smoke:
        return "n/a (smoke)"
    return "met" if ratio <= target else "missed"


def result_rows(comparisons, counts, packets, smoke):
    rows = []
    for c in comparisons:
        base = per_packet(counts, c.baseline, packets)
        cand = per_packet(counts, c.candidate, packets)
        rows.append({"comparison": c, "baseline": base, "candidate": cand, "ratio": cand / base,
                     "verdict": verdict(cand / base, c.target, smoke)})
    return rows


def args_text(run):
    return "`%s`" % " ".join(map(shlex.quote, run.args)) if run.args else "(none: the packet summary lines)"


def results_table(rows):
    lines = ["| group | command | plain instr/packet | tcplife instr/packet | added/packet | ratio | target | verdict |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        c = r["comparison"]
        if c.group == GROUP_REFERENCE:
            continue
        lines.append("| %s | %s | %s | %s | %s | %.3f× | ≤ %.2f× | %s |" % (
            c.group, c.name, number(r["baseline"]), number(r["candidate"]), number(r["candidate"] - r["baseline"]),
            r["ratio"], c.target, r["verdict"]))
    return lines


def reference_table(rows):
    lines = ["| reference | analysis off instr/packet | analysis on instr/packet | added/packet | ratio |",
             "|---|---:|---:|---:|---:|"]
    for r in rows:
        if r["comparison"].group == GROUP_REFERENCE:
            lines.append("| %s | %s | %s | %s | %.3f× |" % (
                r["comparison"].name, number(r["baseline"]), number(r["candidate"]),
                number(r["candidate"] - r["baseline"]), r["ratio"]))
    return lines


def commands_table(comparisons):
    lines = ["| command | plain (baseline) | measured |", "|---|---|---|"]
    for c in comparisons:
        lines.append("| %s | %s | %s: %s |" % (c.name, args_text(c.baseline), c.candidate.variant,
                                               args_text(c.candidate)))
    return lines


def startup_line(counts):
    """Start-up (the one-packet run of the summary command), where tcplife's registration shows."""
    plain, tcplife = counts[(Run("plain", SUMMARY), "one")], counts[(Run("tcplife", SUMMARY), "one")]
    return "Start-up (one-packet run, summary command): plain %s, tcplife %s instructions (%s%s)." % (
        number(plain), number(tcplife), "+" if tcplife >= plain else "", number(tcplife - plain))


def repeatability_line(counts, packets):
    """The summary command with TCP analysis explicitly on does what the default does:
    the two differ only by the run-to-run spread (wmem seeds its hash maps at random),
    a measure of the noise in every other number of the run."""
    default, explicit = Run("plain", SUMMARY), Run("plain", SUMMARY + TCP_ANALYSIS_ON)
    if (explicit, "one") not in counts:
        return None
    startup = abs(counts[(default, "one")] - counts[(explicit, "one")])
    a, b = per_packet(counts, default, packets), per_packet(counts, explicit, packets)
    return ("Repeatability: plain summary with TCP analysis on by default and by `-o` do the same work; "
            "they differ by %s instructions at start-up and %s per packet (%.2f %%)." % (
                number(startup), number(abs(a - b)), 100.0 * abs(a - b) / min(a, b)))


def report(rows, comparisons, counts, info, smoke, packets):
    met = [r for r in rows if r["verdict"] == "met"]
    judged = [r for r in rows if r["verdict"] in ("met", "missed")]
    lines = ["# tcplife: instructions per packet (issue 13)%s" % (" — smoke run" if smoke else ""), ""]
    lines += results_table(rows) + [""]
    if judged:
        lines += ["%d of %d targets met." % (len(met), len(judged)), ""]
    if smoke:
        lines += ["Smoke run: the corpus is too small for the ratios to mean anything; no verdicts.", ""]
    if any(r["comparison"].group == GROUP_REFERENCE for r in rows):
        lines += reference_table(rows) + [""]
    lines += ["Instructions counted by `valgrind --tool=callgrind` (event Ir), per packet = "
              "(instructions on the corpus − instructions on its first packet) / (packets − 1). "
              "plain = tshark with an empty plugin folder; tcplife = a plugin folder holding only the "
              "tcplife.so under test. Groups: " + "; ".join("%s — %s" % (g, t) for g, t in GROUP_TEXT.items()) + ".",
              ""]
    lines += [startup_line(counts), ""]
    repeatability = repeatability_line(counts, packets)
    if repeatability:
        lines += [repeatability, ""]
    lines += ["## Commands", "", "Each `tshark -r CORPUS` plus these arguments, output to /dev/null.", ""]
    lines += commands_table(comparisons) + [""]
    lines += ["## Machine", ""] + ["- %s: %s" % (key, value) for key, value in info] + [""]
    return "\n".join(lines)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine_info(tools, tshark_version, plugin, corpus_text, packets):
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("uname", " ".join(os.uname())),
        # glibc picks its string and memory routines by CPU, which moves instruction counts.
        ("CPU", cpu_model()),
        ("tshark", tshark_version),
        ("valgrind", first_line([tools["valgrind"], "--version"])),
        ("plugin", "%s (sha256 %s)" % (os.path.abspath(plugin), sha256(plugin)[:16])),
        ("corpus", corpus_text),
        ("packets", "{:,}".format(packets)),
        ("command", "`%s`" % " ".join(map(shlex.quote, [sys.argv[0]] + sys.argv[1:]))),
    ]


# ----------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", required=True, help="the tcplife.so to measure")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", help="a capture to measure on")
    source.add_argument("--generator", help="tcplife_corpus, to generate the corpus")
    parser.add_argument("--conversations", type=int,
                        help="conversations of the generated corpus (default %d, --smoke %d)" % (
                            DEFAULT_CONVERSATIONS, SMOKE_CONVERSATIONS))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="seed of the generated corpus (default %d)" % DEFAULT_SEED)
    parser.add_argument("--out", help="also write the Markdown report to this file")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny corpus, one command per group, no verdicts: proves the pipeline works")
    parser.add_argument("--work-dir", help="parent of the run's sandbox (default: the system temp dir); "
                                           "the sandbox is removed on success, kept on failure")
    args = parser.parse_args()
    if args.corpus and args.conversations is not None:
        parser.error("--conversations goes with --generator")
    if args.conversations is None:
        args.conversations = SMOKE_CONVERSATIONS if args.smoke else DEFAULT_CONVERSATIONS
    for path, what in [(args.plugin, "--plugin"), (args.corpus or args.generator, "--corpus/--generator")]:
        if not os.path.isfile(path):
            parser.error("%s: no such file: %s" % (what, path))
    return args


def prepare_corpus(args, tools, sandbox):
    """The corpus and its first packet inside the sandbox, readable by the tshark runs,
    and a description of where the corpus came from."""
    corpus = sandbox.path("corpus.pcap")
    if args.generator:
        generate_corpus(args.generator, corpus, args.seed, args.conversations)
        text = "`tcplife_corpus --seed %d --conversations %d --pre-window %g`" % (
            args.seed, args.conversations, PRE_WINDOW_S)
    else:
        shutil.copy(args.corpus, corpus)  # a copy: the original may be closed to nobody
        text = "%s (sha256 %s)" % (os.path.abspath(args.corpus), sha256(args.corpus)[:16])
    one = sandbox.path("first-packet.pcap")
    first_packet_corpus(tools, corpus, one)
    return {"full": sandbox.shareable(corpus), "one": sandbox.shareable(one)}, text


def main():
    args = parse_args()
    sandbox = None
    try:
        tools = required_tools()
        tshark_version = first_line([tools["tshark"], "--version"])
        sandbox = Sandbox(args.work_dir, tools, plugin_abi(tshark_version), args.plugin)
        captures, corpus_text = prepare_corpus(args, tools, sandbox)
        packets = count_packets(tools, captures["full"])
        if packets < 2:
            raise BenchError("the corpus has %d packet(s); at least 2 are needed" % packets)
        comparisons = [c for c in COMPARISONS if not args.smoke or c.name in SMOKE_COMPARISONS]
        runs = unique_runs(comparisons)
        check_variants(sandbox, captures["full"])
        check_commands(sandbox, unique_runs(COMPARISONS), captures["one"])
        log("== %s packets; %d command lines x 2 captures under callgrind, %d at a time" % (
            "{:,}".format(packets), len(runs), PARALLEL_RUNS))
        counts = count_all(sandbox, runs, captures)
        rows = result_rows(comparisons, counts, packets, args.smoke)
        info = machine_info(tools, tshark_version, args.plugin, corpus_text, packets)
        text = report(rows, comparisons, counts, info, args.smoke, packets)
    except (BenchError, subprocess.CalledProcessError, OSError) as error:
        where = " (sandbox kept: %s)" % sandbox.root if sandbox else ""
        sys.exit("instructions.py: %s%s" % (error, where))
    sandbox.close()
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
