#!/usr/bin/env python3
"""tcplife benchmark: tshark without tcplife, with tcplife, with the Lua anchor, and with
tcplife installed but disabled, run interleaved on one synthetic corpus.

    bench/run.py                      build, generate the 1x corpus if missing, run, write results
    bench/run.py --scales 10          the scaling check against the 10x corpus (default 0.1x)
    bench/run.py --smoke              a ~2k-packet corpus, one run each (CI: proves it still works)
    bench/run.py --flood-only         only issue 17's flood checks: memory per never-answered
                                      conversation (1M SYNs), a 65k-port scan's instructions per packet

bench/README.md explains every number. Only the Python standard library is used.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
NOBODY = 65534

VARIANTS = ["baseline", "tcplife", "lua", "disabled"]
VARIANT_TEXT = {
    "baseline": "tshark alone (tcplife not installed)",
    "tcplife": "tcplife installed and enabled",
    "lua": "Lua anchor (-X lua_script:lua_handshake.lua), tcplife not installed",
    "disabled": "tcplife installed, --disable-protocol tcplife",
}
COMMANDS = ["fields", "filter", "conv"]
COMMAND_ARGS = {
    "fields": ["-T", "fields", "-e", "tcp.stream", "-e", "tcp.flags"],
    "filter": ["-Y", "tcp.flags.syn==1"],
    "conv": ["-q", "-z", "conv,tcp"],
}
COMMAND_TEXT = {
    "fields": "-T fields -e tcp.stream -e tcp.flags (+ the variant's own fields)",
    "filter": "-Y 'tcp.flags.syn==1'",
    "conv": "-q -z conv,tcp",
}
TCPLIFE_FIELDS = ["tcplife.handshake.step", "tcplife.close.step", "tcplife.client.state", "tcplife.server.state"]
LUA_FIELDS = ["luahs.step", "luahs.close"]

# Targets of issue 5, as ratios to the baseline of the same session.
TARGET_RATIO = 1.10          # -T fields and -Y: wall time and peak RSS
TARGET_OVERHEAD_SHARE = 0.10  # tcplife's overhead at most a tenth of the Lua anchor's
TARGET_DISABLED = 1.03       # "costs what the baseline costs": within 3 %, the noise of one run
TARGET_SCALING = 10.5        # the 10x corpus in at most 10.5x the time of the 1x corpus

# Issue 17: bounded under floods (bench/README.md, "Floods").
FLOOD_SYNS = 1000000         # the SYN flood whose peak RSS gives tcplife's bytes per conversation
SCAN_PORTS = 65535           # the port scan, and a SYN flood of as many conversations, under callgrind
SMOKE_FLOOD_SYNS = 2000
SMOKE_SCAN_PORTS = 200
TARGET_FLOOD_BYTES = 150     # tcplife's peak RSS per never-answered conversation
SCAN_SMALL_SHARE = 8         # the linearity reference: a scan of 1/8 of the ports
# What tcplife adds to tshark's instructions per packet: the scan / the random flood. Not
# 1.00: a closed port's RST+ACK turns the SYN kept alone into a full record, work a
# never-answered SYN never causes (measured 1.16x). A cost that grows with the entries of
# one host (a colliding hash, a linear search) would cost several times this at 65k.
TARGET_SCAN_RATIO = 1.20


def log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------
# Building and the corpus


def build(build_dir, jobs):
    log("== building in %s" % build_dir)
    subprocess.run(["cmake", "-S", REPO, "-B", build_dir, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DTCPLIFE_BUILD_TESTS=OFF", "-DTCPLIFE_BUILD_BENCH=ON"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j", str(jobs)], check=True, stdout=subprocess.DEVNULL)
    plugin = os.path.join(build_dir, "plugin", "wireshark", "tcplife.so")
    generator = os.path.join(build_dir, "bench", "tcplife_corpus")
    micro = os.path.join(build_dir, "bench", "tcplife_bench_core")
    return plugin, generator, micro if os.path.exists(micro) else None


def corpus(generator, directory, seed, conversations, pre_window):
    """The corpus for these parameters, generated once and kept (with its summary)."""
    return generate(generator, directory, "corpus-seed%d-conv%d-pre%g" % (seed, conversations, pre_window),
                    ["--seed", str(seed), "--conversations", str(conversations), "--pre-window", str(pre_window)])


def generate(generator, directory, stem, arguments):
    """The capture the generator writes with `arguments`, kept as STEM.pcap with its
    summary beside it and generated only when missing; its summary, with its path."""
    os.makedirs(directory, exist_ok=True)
    os.chmod(directory, 0o755)
    path = os.path.join(directory, stem + ".pcap")
    summary_path = os.path.join(directory, stem + ".json")
    if not (os.path.exists(path) and os.path.exists(summary_path)):
        log("== generating %s" % path)
        started = time.perf_counter()
        subprocess.run([generator, "--out", path + ".part", "--summary", summary_path] + arguments,
                       check=True, stdout=subprocess.DEVNULL)
        os.replace(path + ".part", path)
        log("   %.1f s" % (time.perf_counter() - started))
    os.chmod(path, 0o644)
    with open(summary_path) as f:
        summary = json.load(f)
    summary["path"] = path
    return summary


# ----------------------------------------------------------------------------------
# tshark in a sandbox: its own HOME and plugin folder (which replaces the system one),
# unprivileged when we are root, since Wireshark (4.0 to 4.6) ignores WIRESHARK_PLUGIN_DIR for
# uid 0 (as tests/integration/tshark_runner.py does).


def plugin_abi():
    """The plugin folder name of the tshark on the PATH: its major.minor."""
    first_line = subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE, universal_newlines=True,
                                check=True).stdout.splitlines()[0]
    return ".".join(re.search(r"(\d+)\.(\d+)\.\d+", first_line).groups())


class Sandbox:
    def __init__(self, plugin, lua, work_dir=None):
        if work_dir:
            os.makedirs(work_dir, exist_ok=True)
        self.root = tempfile.mkdtemp(prefix="tcplife-bench-", dir=work_dir)
        os.chmod(self.root, 0o755)
        self.home = os.path.join(self.root, "home")
        os.makedirs(self.home)
        self.plugin_dirs = {"none": os.path.join(self.root, "plugins-none"),
                            "tcplife": os.path.join(self.root, "plugins-tcplife")}
        abi = plugin_abi()
        for folder in self.plugin_dirs.values():
            os.makedirs(os.path.join(folder, abi, "epan"))
        shutil.copy(plugin, os.path.join(self.plugin_dirs["tcplife"], abi, "epan", "tcplife.so"))
        self.lua = os.path.join(self.root, "lua_handshake.lua")
        shutil.copy(lua, self.lua)
        self.as_nobody = os.geteuid() == 0
        for folder, dirs, files in os.walk(self.root):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        if self.as_nobody:
            os.chown(self.home, NOBODY, NOBODY)

    def prefix(self, plugin_dir):
        env = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + self.home,
               "WIRESHARK_PLUGIN_DIR=" + self.plugin_dirs[plugin_dir], "LC_ALL=C.UTF-8"]
        if self.as_nobody:
            return ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"] + env
        return env

    def readable(self, path):
        """A path to `path` that tshark can read: itself, or a link or copy in the sandbox."""
        if subprocess.run(self.prefix("none") + ["test", "-r", path]).returncode == 0:
            return path
        copy = os.path.join(self.root, os.path.basename(path))
        try:
            os.link(path, copy)
        except OSError:
            shutil.copy(path, copy)
        os.chmod(copy, 0o644)
        return copy

    def command(self, variant, command, capture, extra=(), fields=None):
        """The tshark command line of `command` for `variant`; `fields` replaces the
        -e list of the fields command."""
        plugin_dir = "tcplife" if variant in ("tcplife", "disabled") else "none"
        args = ["tshark", "-r", capture]
        if variant == "lua":
            args += ["-X", "lua_script:" + self.lua]
        if variant == "disabled":
            args += ["--disable-protocol", "tcplife"]
        if command == "fields":
            if fields is None:
                fields = ["tcp.stream", "tcp.flags"] + {"tcplife": TCPLIFE_FIELDS, "lua": LUA_FIELDS}.get(variant, [])
            args += ["-T", "fields"] + [arg for field in fields for arg in ("-e", field)]
        else:
            args += COMMAND_ARGS[command]
        return self.prefix(plugin_dir) + args + list(extra)

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def measure(argv):
    """Wall time, CPU time and peak RSS of one run; setpriv and env exec into tshark, so
    the child's rusage is tshark's."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status
        if child.returncode != 0:
            err.seek(0)
            raise RuntimeError("exit %d: %s\n%s" % (child.returncode, " ".join(argv),
                                                     err.read().decode(errors="replace")[-2000:]))
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss}


def validate(sandbox, capture):
    """Each variant loads what it should and produces its fields, before anything is timed."""
    log("== checking the variants")
    listing = subprocess.run(sandbox.prefix("tcplife") + ["tshark", "-G", "plugins"], check=True,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout
    if sandbox.plugin_dirs["tcplife"] not in listing:
        raise RuntimeError("tshark does not load the tcplife.so under test:\n" + listing)
    listing = subprocess.run(sandbox.prefix("none") + ["tshark", "-G", "plugins"], check=True,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout
    if "tcplife" in listing:
        raise RuntimeError("the baseline loads a tcplife plugin:\n" + listing)

    def columns(variant, fields):
        argv = sandbox.command(variant, "fields", capture, ["-c", "3000"], fields)
        out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True).stdout
        return [line.split("\t") for line in out.splitlines()]

    rows = columns("tcplife", ["tcp.stream"] + TCPLIFE_FIELDS)
    if not rows or not any(r[3] for r in rows) or not any(r[1] for r in rows):
        raise RuntimeError("the tcplife variant produces no tcplife fields")
    rows = columns("lua", ["tcp.stream"] + LUA_FIELDS)
    if not rows or not any(r[1] for r in rows):
        raise RuntimeError("the Lua variant produces no luahs fields (did the script load?)")
    rows = columns("disabled", ["tcp.stream", "tcplife.client.state"])
    if not rows or any(r[1] for r in rows):
        raise RuntimeError("the disabled variant still produces tcplife fields")


def interleaved(sandbox, capture, variants, commands, runs, label):
    """runs x commands x variants, the variant order rotating from one round to the next."""
    results = []
    total = runs * len(commands) * len(variants)
    done = 0
    for round_index in range(runs):
        for command in commands:
            shift = round_index % len(variants)
            for variant in variants[shift:] + variants[:shift]:
                done += 1
                sample = measure(sandbox.command(variant, command, capture))
                sample.update(round=round_index, command=command, variant=variant, corpus=label,
                              load=os.getloadavg()[0])
                results.append(sample)
                log("   [%d/%d] %-6s %-8s %-9s %7.2f s wall %7.2f s cpu %8.1f MiB" % (
                    done, total, label, command, variant, sample["wall_s"], sample["cpu_s"],
                    sample["rss_kib"] / 1024))
    return results


def medians(samples):
    table = {}
    for s in samples:
        table.setdefault((s["corpus"], s["command"], s["variant"]), []).append(s)
    result = {}
    for key, items in table.items():
        result[key] = {
            "n": len(items),
            "wall_s": statistics.median(i["wall_s"] for i in items),
            "cpu_s": statistics.median(i["cpu_s"] for i in items),
            "rss_kib": statistics.median(i["rss_kib"] for i in items),
            "wall_min": min(i["wall_s"] for i in items),
            "wall_max": max(i["wall_s"] for i in items),
        }
    return result


# ----------------------------------------------------------------------------------
# The machine


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next((int(line.split()[1]) for line in read("/proc/meminfo").splitlines()
                    if line.startswith("MemTotal:")), 0)
    os_name = next((line.split("=", 1)[1].strip().strip('"') for line in read("/etc/os-release").splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.system())
    tshark = subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            universal_newlines=True).stdout.splitlines()
    hypervisor = "yes" if "hypervisor" in read("/proc/cpuinfo") else "no"

    def git(*args):
        # A copy of the tree without git (a packaging or test root) has no commit to name.
        if shutil.which("git") is None:
            return "unknown"
        return subprocess.run(["git", "-C", REPO] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, universal_newlines=True).stdout.strip()

    return {
        "host": socket.gethostname(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "virtualised": hypervisor,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": os_name,
        "tshark": tshark[0] if tshark else "unknown",
        "python": platform.python_version(),
        "commit": git("rev-parse", "--short", "HEAD") + (" (with local changes)" if git("status", "--porcelain",
                                                                                         "--untracked-files=no") else ""),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "plugin_commit": git("log", "-1", "--format=%h %s", "--", "plugin"),
    }


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ----------------------------------------------------------------------------------
# Core micro-benchmark


def micro_benchmark(binary, smoke):
    log("== core micro-benchmark")
    argv = [binary, "--benchmark_format=json"]
    if smoke:
        argv.append("--benchmark_min_time=0.01")
    else:
        argv += ["--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true"]
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    data = json.loads(out)
    rows = []
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("items_per_second"):
            b["ns_per_segment"] = 1e9 / b["items_per_second"]
        rows.append(b)
    return rows


# ----------------------------------------------------------------------------------
# Report


def fmt_ratio(value):
    return "%.3f×" % value


def mark(ok):
    return "**met**" if ok else "**NOT met**"


def report(run, info, corpora, main_label, med, samples, scaling, micro):
    lines = []
    add = lines.append
    main = corpora[main_label]
    add("# tcplife benchmark: %s on %s" % (info["date"], info["host"]))
    add("")
    add("Written by `bench/run.py %s`%s. bench/README.md explains each number." % (
        " ".join(run["argv"]), " (%.0f min)" % (run["elapsed_s"] / 60) if run["elapsed_s"] else ""))
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("|---|---|")
    for key, title in [("cpu", "CPU"), ("cores", "cores"), ("virtualised", "virtual machine"), ("ram_gib", "RAM (GiB)"),
                       ("kernel", "kernel"), ("os", "OS"), ("tshark", "tshark"), ("commit", "tcplife commit"),
                       ("branch", "branch"), ("plugin_commit", "last commit touching plugin/")]:
        add("| %s | %s |" % (title, info.get(key, "not recorded")))
    add("| load average (1 min) at start, end | %.2f, %.2f |" % (info["load_start"], info["load_end"]))
    add("| Lua anchor | %s (sha256 %s…) |" % (os.path.basename(run["lua"]), info["lua_sha256"][:16]))
    add("")
    add("## Corpus")
    add("")
    add("| corpus | packets | conversations | IPv6 conv. | mid-stream | cut off at end | file |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for label, c in corpora.items():
        add("| %s (seed %d, %d started, %.0f s) | %s | %s | %s | %s | %s | %.0f MB |" % (
            label, c["seed"], c["conversations_started"], c["window_s"], "{:,}".format(c["packets"]),
            "{:,}".format(c["conversations"]), "{:,}".format(c["ipv6_conversations"]),
            "{:,}".format(c["midstream_conversations"]), "{:,}".format(c["cut_off_conversations"]),
            c["file_bytes"] / 1e6))
    add("")
    add("Conversation kinds in the %s corpus: %s." % (main_label, ", ".join(
        "%s %s" % (k.replace("_", " "), "{:,}".format(v["conversations"])) for k, v in main["kinds"].items())))
    add("")
    add("## Side by side (%s corpus, %d interleaved runs each, medians)" % (main_label, run["runs"]))
    add("")
    add("| command | variant | wall s | wall × base | CPU s | CPU × base | peak RSS MiB | RSS × base |")
    add("|---|---|---:|---:|---:|---:|---:|---:|")
    for command in run["commands"]:
        base = med[(main_label, command, "baseline")]
        for variant in VARIANTS:
            m = med.get((main_label, command, variant))
            if m is None:
                continue
            add("| %s | %s | %.2f | %s | %.2f | %s | %.0f | %s |" % (
                command, variant, m["wall_s"], fmt_ratio(m["wall_s"] / base["wall_s"]), m["cpu_s"],
                fmt_ratio(m["cpu_s"] / base["cpu_s"]), m["rss_kib"] / 1024, fmt_ratio(m["rss_kib"] / base["rss_kib"])))
    add("")
    add("Commands: " + "; ".join("`%s` %s" % (c, COMMAND_TEXT[c]) for c in run["commands"]) + ".")
    add("Variants: " + "; ".join("`%s` %s" % (v, VARIANT_TEXT[v]) for v in VARIANTS) + ".")
    add("")
    add("## Overheads: tcplife against the Lua anchor")
    add("")
    add("Overhead = ratio to the baseline − 1. Share = tcplife's overhead / the Lua anchor's overhead.")
    add("")
    add("| command | measure | tcplife overhead | Lua overhead | share |")
    add("|---|---|---:|---:|---:|")
    shares = {}
    for command in run["commands"]:
        base = med[(main_label, command, "baseline")]
        for measure_key, name in [("wall_s", "wall"), ("cpu_s", "CPU"), ("rss_kib", "peak RSS")]:
            t = med[(main_label, command, "tcplife")][measure_key] / base[measure_key] - 1
            l_ = med[(main_label, command, "lua")][measure_key] / base[measure_key] - 1
            share = t / l_ if l_ > 0 else float("inf")
            shares[(command, measure_key)] = share
            add("| %s | %s | %+.1f %% | %+.1f %% | %.2f |" % (command, name, 100 * t, 100 * l_, share))
    add("")
    targets = []
    for command in [c for c in ("fields", "filter") if c in run["commands"]]:
        base = med[(main_label, command, "baseline")]
        m = med[(main_label, command, "tcplife")]
        w = m["wall_s"] / base["wall_s"]
        r = m["rss_kib"] / base["rss_kib"]
        targets.append(("`%s`: wall time ≤ %.2f× baseline" % (command, TARGET_RATIO), fmt_ratio(w), w <= TARGET_RATIO))
        targets.append(("`%s`: peak RSS ≤ %.2f× baseline" % (command, TARGET_RATIO), fmt_ratio(r), r <= TARGET_RATIO))
        for measure_key, name in [("wall_s", "wall time"), ("rss_kib", "peak RSS")]:
            share = shares[(command, measure_key)]
            targets.append(("`%s`: tcplife's %s overhead ≤ %.2f of the Lua anchor's" % (
                command, name, TARGET_OVERHEAD_SHARE), "%.2f" % share, share <= TARGET_OVERHEAD_SHARE))
    for command in run["commands"]:
        base = med[(main_label, command, "baseline")]
        m = med.get((main_label, command, "disabled"))
        if m is None:
            continue
        w = m["wall_s"] / base["wall_s"]
        r = m["rss_kib"] / base["rss_kib"]
        targets.append(("`%s`, tcplife disabled: wall time and peak RSS within %d %% of the baseline" % (
            command, round((TARGET_DISABLED - 1) * 100)), "%s, %s" % (fmt_ratio(w), fmt_ratio(r)),
            w <= TARGET_DISABLED and r <= TARGET_DISABLED))
    for s in scaling:
        bound = TARGET_SCALING / 10
        targets.append(("`fields`, tcplife, %s vs %s corpus: time grows linearly, time ratio / packet ratio ≤ %.2f" % (
            s["big"], s["small"], bound),
            "%.2f× / %.2f× = %.3f" % (s["time_ratio"], s["packet_ratio"], s["time_ratio"] / s["packet_ratio"]),
            s["time_ratio"] / s["packet_ratio"] <= bound))
        if "model" in s:
            m = s["model"]
            mib = 1024 * 1024
            targets.append((
                "`fields`: tcplife's memory per packet and per conversation constant: RSS above the baseline "
                "within ±15 %% of %.1f B per frame + %.0f B per conversation (`BM_memory`) at both sizes" % (
                    m["bytes_per_frame"], m["bytes_per_conversation"]),
                "%s: %.1f MiB for %.1f predicted; %s: %.1f MiB for %.1f predicted" % (
                    s["small"], m["small_measured"] / mib, m["small_predicted"] / mib,
                    s["big"], m["big_measured"] / mib, m["big_predicted"] / mib),
                s["memory_constant"]))
        else:
            targets.append(("`fields`: tcplife's memory per packet and per conversation constant (±15 %)",
                            "%.0f → %.0f B/packet, %.0f → %.0f B/conv." % (
                                s["small_bytes_per_packet"], s["big_bytes_per_packet"],
                                s["small_bytes_per_conversation"], s["big_bytes_per_conversation"]),
                            s["memory_constant"]))
    add("## Targets of issue 5")
    add("")
    if run["smoke"]:
        add("Not checked: a smoke run is far too small to say anything about them.")
        targets = []
    else:
        add("| target | measured | |")
        add("|---|---|---|")
    for text, value, ok in targets:
        add("| %s | %s | %s |" % (text, value, mark(ok)))
    add("")
    for s in scaling:
        add("## Scaling (`fields`, %s vs %s corpus)" % (s["small"], s["big"]))
        add("")
        add("| corpus | variant | runs | wall s | peak RSS MiB | tcplife RSS above baseline | per packet | per conversation |")
        add("|---|---|---:|---:|---:|---:|---:|---:|")
        for label in (s["small"], s["big"]):
            c = corpora[label]
            base = med[(label, "fields", "baseline")]
            for variant in ("baseline", "tcplife"):
                m = med[(label, "fields", variant)]
                extra = (m["rss_kib"] - base["rss_kib"]) * 1024
                add("| %s | %s | %d | %.2f | %.0f | %s | %s | %s |" % (
                    label, variant, m["n"], m["wall_s"], m["rss_kib"] / 1024,
                    "%.1f MiB" % (extra / 2 ** 20) if variant == "tcplife" else "",
                    "%.0f B" % (extra / c["packets"]) if variant == "tcplife" else "",
                    "%.0f B" % (extra / c["conversations"]) if variant == "tcplife" else ""))
        add("")
        add("Ratio %s/%s: wall time tcplife %.2f×, baseline %.2f×; CPU time tcplife %.2f×, baseline %.2f×; "
            "for %.2f× the packets and %.2f× the conversations." % (
                s["big"], s["small"], s["time_ratio"], s["baseline_time_ratio"], s["cpu_ratio"],
                s["baseline_cpu_ratio"], s["packet_ratio"], s["conversation_ratio"]))
        add("")
        add("tshark alone takes %.3f× as long per packet on the %s corpus as on the %s one; the wall time tcplife "
            "adds to it (tcplife − baseline) grows %.2f×, i.e. %.3f× per packet." % (
                s["baseline_time_ratio"] / s["packet_ratio"], s["big"], s["small"], s["added_time_ratio"],
                s["added_time_ratio"] / s["packet_ratio"]))
        add("")
    if micro:
        add("## Core micro-benchmark (Google Benchmark, `tcplife_bench_core`)")
        add("")
        add("| benchmark | ns per segment | segments per conversation | bytes per conversation |")
        add("|---|---:|---:|---:|")
        for b in micro:
            add("| %s | %s | %s | %s |" % (
                b["name"].replace("_median", ""),
                "%.1f" % b["ns_per_segment"] if "ns_per_segment" in b else "",
                "%.0f" % b["segments_per_conversation"] if "segments_per_conversation" in b else "",
                "%.0f" % b["bytes_per_conversation"] if "bytes_per_conversation" in b else ""))
        sizes = next((b for b in micro if "sizeof_Conversation" in b), None)
        if sizes:
            add("")
            add("sizeof: " + ", ".join("%s %d B" % (k[len("sizeof_"):], v) for k, v in sorted(sizes.items())
                                       if k.startswith("sizeof_")) + ".")
            add("")
            add("tcplife's per-frame cache (FrameCache: one PackedAnnotation per frame number, in chunks of 65,536, "
                "as capture_state.cpp fills it): %.0f B per frame once grown, %.0f B per frame at its peak. Core state: "
                "%.0f B per conversation (100k conversations of the mix)." % (
                    sizes["frame_cache_bytes_per_frame"], sizes["frame_cache_peak_bytes_per_frame"],
                    sizes["bytes_per_conversation"]))
        flood = next((b for b in micro if "bytes_per_syn_only_conversation" in b), None)
        if flood:
            add("")
            add("A conversation that never gets past its SYN (a flood's, a scan's) is kept as that segment: "
                "%.0f B each (`BM_memory_syn_flood`, 100k SYNs)." % flood["bytes_per_syn_only_conversation"])
        add("")
    add("## Every run")
    add("")
    add("| # | corpus | round | command | variant | wall s | CPU s | peak RSS MiB | load |")
    add("|---:|---|---:|---|---|---:|---:|---:|---:|")
    for i, s in enumerate(samples, 1):
        add("| %d | %s | %d | %s | %s | %.2f | %.2f | %.1f | %.2f |" % (
            i, s["corpus"], s["round"] + 1, s["command"], s["variant"], s["wall_s"], s["cpu_s"],
            s["rss_kib"] / 1024, s["load"]))
    add("")
    return "\n".join(lines), targets


def print_table(med, label, commands):
    print()
    print("%-7s %-9s %9s %8s %9s %8s %10s %8s" % ("command", "variant", "wall s", "×base", "cpu s", "×base",
                                                 "RSS MiB", "×base"))
    for command in commands:
        base = med[(label, command, "baseline")]
        for variant in VARIANTS:
            m = med.get((label, command, variant))
            if m is None:
                continue
            print("%-7s %-9s %9.2f %7.3f× %9.2f %7.3f× %10.1f %7.3f×" % (
                command, variant, m["wall_s"], m["wall_s"] / base["wall_s"], m["cpu_s"],
                m["cpu_s"] / base["cpu_s"], m["rss_kib"] / 1024, m["rss_kib"] / base["rss_kib"]))
    print()


def memory_model(micro_rows):
    """tcplife's own bytes per frame (the per-frame cache) and per conversation (the
    core's state), from the micro-benchmark's BM_memory; None without it."""
    row = next((b for b in micro_rows or [] if "frame_cache_bytes_per_frame" in b), None)
    if row is None:
        return None
    return row["frame_cache_bytes_per_frame"], row["bytes_per_conversation"]


def scaling_summary(corpora, med, small_scale, big_scale, model=None):
    """The `fields` command at two corpus sizes: time ratio, and tcplife's RSS above the
    baseline per packet and per conversation at each size. With the micro-benchmark's
    costs per frame and per conversation (`model`), also the RSS they predict at each
    size: memory per packet and per conversation is constant when both sizes match it."""
    small, big = label_for(small_scale), label_for(big_scale)

    def per(label, key):
        extra = (med[(label, "fields", "tcplife")]["rss_kib"] - med[(label, "fields", "baseline")]["rss_kib"]) * 1024
        return extra / corpora[label][key]

    def added(label):  # wall time tcplife adds to tshark alone
        return med[(label, "fields", "tcplife")]["wall_s"] - med[(label, "fields", "baseline")]["wall_s"]

    def ratio(variant, measure_key):
        return med[(big, "fields", variant)][measure_key] / med[(small, "fields", variant)][measure_key]

    s = {
        "small": small, "big": big, "factor": big_scale / small_scale,
        "time_ratio": ratio("tcplife", "wall_s"), "cpu_ratio": ratio("tcplife", "cpu_s"),
        "baseline_time_ratio": ratio("baseline", "wall_s"), "baseline_cpu_ratio": ratio("baseline", "cpu_s"),
        "added_time_ratio": added(big) / added(small) if added(small) > 0 else float("nan"),
        "packet_ratio": corpora[big]["packets"] / corpora[small]["packets"],
        "conversation_ratio": corpora[big]["conversations"] / corpora[small]["conversations"],
        "small_bytes_per_packet": per(small, "packets"), "big_bytes_per_packet": per(big, "packets"),
        "small_bytes_per_conversation": per(small, "conversations"),
        "big_bytes_per_conversation": per(big, "conversations"),
    }

    def close(a, b):
        return a > 0 and abs(b - a) <= 0.15 * a

    if model:
        per_frame, per_conversation = model

        def predicted(label):
            return corpora[label]["packets"] * per_frame + corpora[label]["conversations"] * per_conversation

        def measured(label):
            return per(label, "packets") * corpora[label]["packets"]

        s["model"] = {"bytes_per_frame": per_frame, "bytes_per_conversation": per_conversation,
                      "small_predicted": predicted(small), "small_measured": measured(small),
                      "big_predicted": predicted(big), "big_measured": measured(big)}
        s["memory_constant"] = close(predicted(small), measured(small)) and close(predicted(big), measured(big))
    else:
        # The corpora differ in packets per conversation, so this stricter check holds only
        # when one of the two costs dominates.
        s["memory_constant"] = close(s["small_bytes_per_packet"], s["big_bytes_per_packet"]) and close(
            s["small_bytes_per_conversation"], s["big_bytes_per_conversation"])
    return s


def label_for(scale):
    return ("%g" % scale) + "x"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", help="tcplife.so to measure (default: build it)")
    parser.add_argument("--generator", help="tcplife_corpus binary (default: build it)")
    parser.add_argument("--micro", help="tcplife_bench_core binary (default: the one built, if Google Benchmark is found)")
    parser.add_argument("--no-micro", action="store_true", help="skip the core micro-benchmark")
    parser.add_argument("--build-dir", default=os.path.join(BENCH, "build"))
    parser.add_argument("--corpus-dir", help="where corpora are kept (default: BUILD_DIR/corpus)")
    parser.add_argument("--work-dir", help="where the tshark sandbox goes (default: the system temp dir)")
    parser.add_argument("--lua", help="the Lua anchor (default: ../shared/anchors/lua_handshake.lua, "
                                      "else bench/anchors/lua_handshake.lua)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="main corpus size: conversations started = scale x 100000 (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs per variant and command (default 3)")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="subset of %s" % ",".join(COMMANDS))
    parser.add_argument("--scales", default="0.1",
                        help="other corpus sizes for the scaling check of `fields` against the main one, "
                             "e.g. 10 or 0.1 (default 0.1); 'none' to skip")
    parser.add_argument("--scale-runs", type=int, default=None, help="runs per variant at the other sizes "
                                                                     "(default: --runs)")
    parser.add_argument("--results", help="folder for the results file (default: bench/results; "
                                          "BUILD_DIR/results for --smoke)")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny corpus (~2k packets), one run each, no scaling: proves the pipeline works")
    parser.add_argument("--tag", help="appended to the results file name")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions per packet (instructions.py, issue 13's targets) into "
                             "STEM-instructions.md")
    parser.add_argument("--report-from", metavar="JSON", help="only rewrite the .md of an earlier results .json")
    parser.add_argument("--flood", type=int, default=None,
                        help="SYNs of the flood whose peak RSS gives tcplife's bytes per never-answered "
                             "conversation (default %d, --smoke %d; 0 skips)" % (FLOOD_SYNS, SMOKE_FLOOD_SYNS))
    parser.add_argument("--scan-ports", type=int, default=None,
                        help="ports of the port scan counted under callgrind against a SYN flood of as many "
                             "conversations (default %d, --smoke %d; 0 skips; needs valgrind)" % (
                                 SCAN_PORTS, SMOKE_SCAN_PORTS))
    parser.add_argument("--flood-only", action="store_true",
                        help="only the flood checks (--flood, --scan-ports): no side-by-side benchmark, "
                             "no micro-benchmark")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    args.argv = sys.argv[1:]
    if args.report_from:
        report_from(args.report_from)
        return
    args.commands = [c for c in args.commands.split(",") if c]
    for c in args.commands:
        if c not in COMMANDS:
            parser.error("unknown command %s" % c)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.flood is None:
        args.flood = SMOKE_FLOOD_SYNS if args.smoke else FLOOD_SYNS
    if args.scan_ports is None:
        args.scan_ports = SMOKE_SCAN_PORTS if args.smoke else SCAN_PORTS
    if args.flood < 0 or not 0 <= args.scan_ports <= 65535:
        parser.error("--flood must not be negative, --scan-ports from 0 to 65535")
    if args.results is None:
        args.results = os.path.join(args.build_dir, "results") if args.smoke else os.path.join(BENCH, "results")
    started = time.perf_counter()

    plugin, generator, micro = args.plugin, args.generator, args.micro
    if plugin is None or generator is None:
        built_plugin, built_generator, built_micro = build(args.build_dir, args.jobs)
        plugin = plugin or built_plugin
        generator = generator or built_generator
        micro = micro or built_micro
    if args.no_micro:
        micro = None
    lua = args.lua
    if lua is None:
        shared = os.path.join(os.path.dirname(REPO), "shared", "anchors", "lua_handshake.lua")
        lua = shared if os.path.exists(shared) else os.path.join(BENCH, "anchors", "lua_handshake.lua")
    for path, what in [(plugin, "plugin"), (generator, "corpus generator"), (lua, "Lua anchor")]:
        if not os.path.exists(path):
            sys.exit("run.py: %s not found: %s" % (what, path))

    corpus_dir = args.corpus_dir or os.path.join(args.build_dir, "corpus")
    if args.flood_only:
        if args.smoke:
            args.runs = 1
        os.makedirs(args.results, exist_ok=True)
        floods(args, plugin, generator, lua, corpus_dir, results_stem(args, socket.gethostname()))
        return
    if args.smoke:
        args.runs = 1
        main_scale = None
        corpora = {"smoke": corpus(generator, corpus_dir, args.seed, 160, 1)}
        main_label = "smoke"
        other_scales = []
    else:
        main_label = label_for(args.scale)
        corpora = {main_label: corpus(generator, corpus_dir, args.seed, int(round(args.scale * 100000)), 30)}
        other_scales = [] if args.scales in ("", "none") else [float(s) for s in args.scales.split(",")]
        other_scales = [s for s in other_scales if s != args.scale]
        for s in other_scales:
            corpora[label_for(s)] = corpus(generator, corpus_dir, args.seed, int(round(s * 100000)), 30)
        main_scale = args.scale

    info = machine()
    info["date"] = datetime.date.today().isoformat()
    info["lua_sha256"] = sha256(lua)
    sandbox = Sandbox(plugin, lua, args.work_dir)
    try:
        captures = {label: sandbox.readable(c["path"]) for label, c in corpora.items()}
        validate(sandbox, captures[main_label])
        for path in captures.values():  # into the page cache, before anything is timed
            with open(path, "rb") as f:
                while f.read(1 << 24):
                    pass
        subprocess.run(sandbox.command("tcplife", "fields", captures[main_label], ["-c", "1000"]),
                       check=True, stdout=subprocess.DEVNULL)
        info["load_start"] = os.getloadavg()[0]
        c = corpora[main_label]
        log("== %s corpus: %s packets, %s conversations; %d runs x %d commands x %d variants" % (
            main_label, "{:,}".format(c["packets"]), "{:,}".format(c["conversations"]), args.runs,
            len(args.commands), len(VARIANTS)))
        samples = interleaved(sandbox, captures[main_label], VARIANTS, args.commands, args.runs, main_label)
        scaling = None
        if other_scales and "fields" in args.commands:
            scale_runs = args.scale_runs or args.runs
            for s in other_scales:
                label = label_for(s)
                c = corpora[label]
                log("== scaling: %s corpus: %s packets, %s conversations; %d runs x 2 variants" % (
                    label, "{:,}".format(c["packets"]), "{:,}".format(c["conversations"]), scale_runs))
                samples += interleaved(sandbox, captures[label], ["baseline", "tcplife"], ["fields"], scale_runs, label)
        info["load_end"] = os.getloadavg()[0]
    finally:
        sandbox.close()

    micro_rows = micro_benchmark(micro, args.smoke) if micro else None
    elapsed = time.perf_counter() - started
    os.makedirs(args.results, exist_ok=True)
    stem = results_stem(args, info["host"])
    run = {"argv": args.argv, "runs": args.runs, "commands": args.commands, "smoke": args.smoke,
           "main_label": main_label, "main_scale": main_scale, "other_scales": other_scales,
           "lua": lua, "elapsed_s": elapsed}
    with open(stem + ".json", "w") as f:
        json.dump({"run": run, "machine": info, "corpora": corpora, "samples": samples, "micro": micro_rows},
                  f, indent=1)
    finish(run, info, corpora, samples, micro_rows, stem)
    if args.flood or args.scan_ports:
        floods(args, plugin, generator, lua, corpus_dir, stem)
    if args.instructions:
        count_instructions(plugin, generator, stem + "-instructions.md", args.smoke)


def results_stem(args, host):
    """RESULTS/DATE-HOST[-smoke][-TAG]: the results files of a run, without suffix."""
    return os.path.join(args.results, "-".join([datetime.date.today().isoformat(), host] +
                                               (["smoke"] if args.smoke else []) + ([args.tag] if args.tag else [])))


def count_instructions(plugin, generator, out, smoke):
    """Issue 13's instruction counts beside the wall times: instructions.py on its own
    small corpus, the report next to this run's."""
    command = [sys.executable, os.path.join(BENCH, "instructions.py"), "--plugin", plugin, "--generator", generator,
               "--out", out] + (["--smoke"] if smoke else [])
    log("== instruction counts: " + " ".join(command))
    subprocess.run(command, check=True)


# ----------------------------------------------------------------------------------
# Floods (issue 17): tcplife's memory stays bounded under a SYN flood, and a port scan
# of one host costs what as many conversations from random sources cost.


def flood_captures(generator, directory, seed, syns, ports):
    """The SYN flood of the memory check, the port scan and a SYN flood of as many
    conversations for the instruction check (0: that check is skipped)."""
    captures = {}

    def flood(n):
        return generate(generator, directory, "flood-seed%d-syn%d" % (seed, n), ["--seed", str(seed), "--syn-flood", str(n)])

    if syns:
        captures["flood"] = flood(syns)
    def scan(n):
        return generate(generator, directory, "scan-seed%d-ports%d" % (seed, n), ["--seed", str(seed), "--port-scan", str(n)])

    if ports:
        captures["scan"] = scan(ports)
        captures["scan-flood"] = flood(ports)
        captures["scan-small"] = scan(max(2, ports // SCAN_SMALL_SHARE))
    return captures


def flood_memory(sandbox, flood, runs):
    """tcplife's bytes per never-answered conversation: the median peak RSS of
    `-q -z conv,tcp` on the flood with tcplife, less the same without, over its conversations."""
    log("== SYN flood: %s packets, %d runs x 2 variants" % ("{:,}".format(flood["packets"]), runs))
    samples = interleaved(sandbox, sandbox.readable(flood["path"]), ["baseline", "tcplife"], ["conv"], runs, "flood")
    med = medians(samples)
    base, tcplife = med[("flood", "conv", "baseline")], med[("flood", "conv", "tcplife")]
    return {"packets": flood["packets"], "conversations": flood["conversations"], "runs": runs, "samples": samples,
            "baseline_rss_kib": base["rss_kib"], "tcplife_rss_kib": tcplife["rss_kib"],
            "baseline_wall_s": base["wall_s"], "tcplife_wall_s": tcplife["wall_s"],
            "bytes_per_conversation": (tcplife["rss_kib"] - base["rss_kib"]) * 1024 / flood["conversations"]}


def scan_instructions(plugin, captures, work_dir):
    """Instructions per packet of `-q -z conv,tcp` (start-up subtracted) on the port scan,
    on the SYN flood of as many conversations and on the scan of 1/8 of the ports, plain
    and with tcplife, counted as instructions.py counts them. Both scans start with the
    same packet, so they share the first-packet run."""
    import instructions  # bench/instructions.py, beside this script
    names = ["scan", "scan-flood", "scan-small"]
    first = {"scan": "scan-one", "scan-flood": "scan-flood-one", "scan-small": "scan-one"}
    sandbox = None
    try:
        tools = instructions.required_tools()
        version = instructions.first_line([tools["tshark"], "--version"])
        sandbox = instructions.Sandbox(work_dir, tools, instructions.plugin_abi(version), plugin)
        paths, packets = {}, {}
        for name in names:
            paths[name] = sandbox.shareable(shutil.copy(captures[name]["path"], sandbox.path(name + ".pcap")))
            packets[name] = instructions.count_packets(tools, paths[name])
            if first[name] not in paths:
                paths[first[name]] = sandbox.path(first[name] + ".pcap")
                instructions.first_packet_corpus(tools, paths[name], paths[first[name]])
                sandbox.shareable(paths[first[name]])
        instructions.check_variants(sandbox, paths["scan"])
        runs = [instructions.Run("plain", instructions.CONV), instructions.Run("tcplife", instructions.CONV)]
        log("== port scan against a SYN flood: %s, %s and %s packets; 2 variants x %d captures under callgrind" % (
            "{:,}".format(packets["scan"]), "{:,}".format(packets["scan-flood"]), "{:,}".format(packets["scan-small"]),
            len(paths)))
        counts = instructions.count_all(sandbox, runs, paths)
    except (instructions.BenchError, subprocess.CalledProcessError, OSError) as error:
        raise RuntimeError("instruction counts of the port scan: %s%s" % (
            error, " (sandbox kept: %s)" % sandbox.root if sandbox else ""))
    sandbox.close()
    result = {"valgrind": instructions.first_line([tools["valgrind"], "--version"])}
    for name in names:
        key = name.replace("-", "_")
        result["packets_" + key] = packets[name]
        result["conversations_" + key] = captures[name]["conversations"]
        for run in runs:
            result["%s_%s" % (run.variant, key)] = instructions.per_packet(counts, run, packets[name], name, first[name])
        result["added_" + key] = result["tcplife_" + key] - result["plain_" + key]

    def ratio(variant, a, b):
        below = result["%s_%s" % (variant, b)]
        return result["%s_%s" % (variant, a)] / below if below else float("nan")

    for variant in ("plain", "tcplife", "added"):
        result["ratio_" + variant] = ratio(variant, "scan", "scan_flood")        # the scan / the random flood
        result["growth_" + variant] = ratio(variant, "scan", "scan_small")       # the scan / its 1/8
    return result


def floods(args, plugin, generator, lua, corpus_dir, stem):
    """Issue 17's flood checks; writes STEM-floods.md and STEM-floods.json."""
    captures = flood_captures(generator, corpus_dir, args.seed, args.flood, args.scan_ports)
    result = {"argv": args.argv, "smoke": args.smoke, "captures": {k: dict(v, path=os.path.basename(v["path"]))
                                                                   for k, v in captures.items()}}
    result["machine"] = machine()
    if "flood" in captures:
        sandbox = Sandbox(plugin, lua, args.work_dir)
        try:
            validate(sandbox, sandbox.readable(captures["scan" if "scan" in captures else "flood"]["path"]))
            result["memory"] = flood_memory(sandbox, captures["flood"], args.runs)
        finally:
            sandbox.close()
    if "scan" in captures:
        result["scan"] = scan_instructions(plugin, captures, args.work_dir)
    with open(stem + "-floods.json", "w") as f:
        json.dump(result, f, indent=1)
    text, verdicts = flood_report(result)
    with open(stem + "-floods.md", "w") as f:
        f.write(text)
    for line in verdicts:
        print(line)
    print("results: %s-floods.md" % stem)


def flood_report(result):
    """The Markdown report of the flood checks, and its verdict lines for the terminal."""
    info, smoke = result["machine"], result["smoke"]
    lines = ["# tcplife under floods (issue 17)%s: %s on %s" % (
        " — smoke run" if smoke else "", datetime.date.today().isoformat(), info["host"]), "",
        "Written by `bench/run.py %s`. bench/README.md (\"Floods\") explains each number." % " ".join(result["argv"]),
        ""]
    verdicts = []

    def verdict(ok):
        return "n/a (smoke)" if smoke else mark(ok)

    m = result.get("memory")
    if m:
        ok = m["bytes_per_conversation"] <= TARGET_FLOOD_BYTES
        lines += ["## Memory per never-answered conversation", "",
                  "`tshark -r FLOOD -q -z conv,tcp`, median of %d interleaved runs per variant; FLOOD = `%s`: "
                  "%s SYNs from spoofed sources, never answered." % (
                      m["runs"], result["captures"]["flood"]["path"], "{:,}".format(m["conversations"])), "",
                  "| variant | peak RSS MiB | wall s |", "|---|---:|---:|",
                  "| baseline (tcplife not installed) | %.1f | %.2f |" % (m["baseline_rss_kib"] / 1024, m["baseline_wall_s"]),
                  "| tcplife | %.1f | %.2f |" % (m["tcplife_rss_kib"] / 1024, m["tcplife_wall_s"]), "",
                  "| target | measured | |", "|---|---|---|",
                  "| tcplife's peak RSS above the baseline per never-answered conversation ≤ %d B | %.1f B "
                  "(%.1f MiB / %s) | %s |" % (
                      TARGET_FLOOD_BYTES, m["bytes_per_conversation"],
                      (m["tcplife_rss_kib"] - m["baseline_rss_kib"]) / 1024, "{:,}".format(m["conversations"]),
                      verdict(ok)), ""]
        verdicts.append("%-9s flood: %.1f B per never-answered conversation (aim <= %d B)" % (
            "smoke" if smoke else "met" if ok else "NOT MET", m["bytes_per_conversation"], TARGET_FLOOD_BYTES))
    sc = result.get("scan")
    if sc:
        ok = sc["ratio_added"] <= TARGET_SCAN_RATIO
        lines += ["## A port scan of one host against a SYN flood of as many conversations", "",
                  "Instructions per packet of `tshark -r CAPTURE -q -z conv,tcp` under callgrind, start-up "
                  "subtracted as `instructions.py` does ((capture − its first packet) / (packets − 1)). "
                  "scan = `%s`, flood = `%s`, 1/%d scan = `%s` (a reference for linearity)." % (
                      result["captures"]["scan"]["path"], result["captures"]["scan-flood"]["path"], SCAN_SMALL_SHARE,
                      result["captures"]["scan-small"]["path"]), "",
                  "| capture | packets | conversations | plain instr/packet | tcplife instr/packet | tcplife adds |",
                  "|---|---:|---:|---:|---:|---:|"]
        for name, key in [("port scan", "scan"), ("SYN flood", "scan_flood"),
                          ("port scan, 1/%d of the ports" % SCAN_SMALL_SHARE, "scan_small")]:
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                name, "{:,}".format(sc["packets_" + key]), "{:,}".format(sc["conversations_" + key]),
                "{:,.0f}".format(sc["plain_" + key]), "{:,.0f}".format(sc["tcplife_" + key]),
                "{:,.0f}".format(sc["added_" + key])))
        lines += ["", "| ratio of instructions per packet | plain (reference) | tcplife installed | what tcplife adds |",
                  "|---|---:|---:|---:|"]
        for title, key in [("scan / flood", "ratio"), ("scan / the 1/%d scan" % SCAN_SMALL_SHARE, "growth")]:
            lines.append("| %s | %.3f× | %.3f× | %.3f× |" % (title, sc[key + "_plain"], sc[key + "_tcplife"],
                                                           sc[key + "_added"]))
        lines += ["", "| target | measured | |", "|---|---|---|",
                  "| no quadratic cost: what tcplife adds per packet of the scan ≤ %.2f× what it adds per packet "
                  "of the flood | %.3f× | %s |" % (TARGET_SCAN_RATIO, sc["ratio_added"], verdict(ok)), "",
                  "The totals (tcplife installed) include Wireshark's own work, which differs between the two "
                  "captures (the plain column); the target is on tcplife's share.", "",
                  "valgrind: %s." % sc["valgrind"], ""]
        verdicts.append("%-9s port scan / SYN flood, instructions per packet tcplife adds: %.3fx (bound %.2fx); "
                        "totals with tcplife %.3fx, plain %.3fx; scan / its 1/%d: tcplife adds %.3fx, plain %.3fx" % (
                            "smoke" if smoke else "met" if ok else "NOT MET", sc["ratio_added"], TARGET_SCAN_RATIO,
                            sc["ratio_tcplife"], sc["ratio_plain"], SCAN_SMALL_SHARE, sc["growth_added"],
                            sc["growth_plain"]))
    if smoke:
        lines += ["Smoke run: the captures are far too small for the figures to mean anything; no verdicts.", ""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    for key, title in [("cpu", "CPU"), ("cores", "cores"), ("virtualised", "virtual machine"), ("ram_gib", "RAM (GiB)"),
                       ("kernel", "kernel"), ("os", "OS"), ("tshark", "tshark"), ("commit", "tcplife commit")]:
        lines.append("| %s | %s |" % (title, info.get(key, "not recorded")))
    if m:
        lines += ["", "## Every run (SYN flood)", "", "| # | round | variant | wall s | CPU s | peak RSS MiB | load |",
                  "|---:|---:|---|---:|---:|---:|---:|"]
        for i, r in enumerate(m["samples"], 1):
            lines.append("| %d | %d | %s | %.2f | %.2f | %.1f | %.2f |" % (
                i, r["round"] + 1, r["variant"], r["wall_s"], r["cpu_s"], r["rss_kib"] / 1024, r["load"]))
    lines.append("")
    return "\n".join(lines), verdicts


def finish(run, info, corpora, samples, micro_rows, stem):
    """Medians, scaling, verdicts: printed, and written to STEM.md."""
    med = medians(samples)
    scaling = []
    if "fields" in run["commands"]:
        for other in run["other_scales"]:
            scaling.append(scaling_summary(corpora, med, min(run["main_scale"], other), max(run["main_scale"], other),
                                           memory_model(micro_rows)))
    text, targets = report(run, info, corpora, run["main_label"], med, samples, scaling, micro_rows)

    print_table(med, run["main_label"], run["commands"])
    for target_text, value, ok in targets:
        print("%-9s %s: %s" % ("met" if ok else "NOT MET", target_text.replace("`", ""), value))
    for s in scaling:
        print("scaling %s/%s: tcplife time %.2f× (baseline %.2f×, packets %.2f×); tcplife RSS above baseline "
              "%.0f -> %.0f B/packet, %.0f -> %.0f B/conversation" % (
                  s["big"], s["small"], s["time_ratio"], s["baseline_time_ratio"], s["packet_ratio"],
                  s["small_bytes_per_packet"], s["big_bytes_per_packet"], s["small_bytes_per_conversation"],
                  s["big_bytes_per_conversation"]))
    if micro_rows:
        for b in micro_rows:
            if "ns_per_segment" in b:
                print("micro %-40s %7.1f ns/segment" % (b["name"].replace("_median", ""), b["ns_per_segment"]))
    with open(stem + ".md", "w") as f:
        f.write(text)
    print("results: %s.md" % stem)


def report_from(path):
    """Rewrites the .md of a results .json (e.g. after a change to the report's layout)."""
    with open(path) as f:
        data = json.load(f)
    run = data.get("run")
    if run is None:  # written before the run was recorded: the defaults of the day
        labels = sorted({s["corpus"] for s in data["samples"]})
        main_label = next(l for l in labels if any(s["corpus"] == l and s["variant"] == "lua" for s in data["samples"]))
        run = {"argv": ["--scales", ",".join(l[:-1] for l in labels if l != main_label), "--scale-runs", "2"],
               "runs": max(s["round"] for s in data["samples"] if s["corpus"] == main_label) + 1,
               "commands": [c for c in COMMANDS if any(s["command"] == c for s in data["samples"])],
               "smoke": main_label == "smoke", "main_label": main_label, "main_scale": float(main_label[:-1]),
               "other_scales": [float(l[:-1]) for l in labels if l != main_label], "lua": "lua_handshake.lua",
               "elapsed_s": None}
    for c in data["corpora"].values():
        c.pop("path", None)
    finish(run, data["machine"], data["corpora"], data["samples"], data["micro"], os.path.splitext(path)[0])


if __name__ == "__main__":
    main()
