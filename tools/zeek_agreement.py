#!/usr/bin/env python3
"""Compares tcplife's Zeek conn.log with Zeek's own expected conn.logs on Zeek's test traces.

Zeek's repository ships its test traces (testing/btest/Traces) and, for every btest, the logs
Zeek is expected to write (testing/btest/Baseline/<test>/). This tool takes every btest whose
Baseline holds a conn log (a *conn*.log file whose #fields has id.*, proto, conn_state and
history) and whose script reads exactly one trace ($TRACES/... in its @TEST-EXEC lines), runs
`tshark -r TRACE -q -z tcplife,zeek` with the plugin on that trace (60 s timeout), and compares
the TCP records. Records are matched by the 4-tuple, either orientation (a match with orig and
resp swapped counts as a flip), and by `ts` when the Baseline has it; btest masks ts as
XXXXXXXXXX.XXXXXX, and then the duration and packet counts choose among several records with
the same 4-tuple. A test is "not comparable" when its script filters Zeek's packets or stops
analysis, or when fewer than half of Zeek's or tcplife's distinct 4-tuples are common. The
totals count each distinct set of Zeek records on a trace once (several tests share a trace).
Each disagreement gets a mechanical class (zeek-split, bad-checksum, limit-x, flip, other);
docs/real-captures.md explains them.

    tools/zeek_agreement.py --zeek-git /path/to/zeek.git --plugin-dir /path/to/plugins \\
        [--markdown report.md] [--jobs N] [--keep-dir DIR] [--tshark-arg=-o --tshark-arg=PREF]

--zeek-git is a clone or bare mirror of zeek/zeek (read with git, no work tree needed);
--plugin-dir is a folder laid out as Wireshark's personal plugin folder (it holds
<major.minor>/epan/tcplife.so) and is passed as WIRESHARK_PLUGIN_DIR. Wireshark ignores that
variable when the real uid is 0, so as root tshark runs as nobody (setpriv) with a scratch HOME;
the extracted traces are made world-readable for that. Traces that are Git LFS pointers, not
pcap/pcapng, missing from the mirror or unreadable by tshark are listed as failures.

Standard library only. Output is sorted and does not depend on --jobs.
"""
import argparse
import collections
import concurrent.futures
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import tempfile

BTEST = "testing/btest"
TRACES = BTEST + "/Traces/"
BASELINE = BTEST + "/Baseline/"
SCRIPT_EXTS = (".zeek", ".test", ".bro", ".sh", ".spicy", ".py", "")
TSHARK_TIMEOUT = 60
TS_TOLERANCE = 0.01
# A test is "not comparable" when Zeek's and tcplife's TCP record counts are this far apart
# (matched below this share of Zeek's records, or of tcplife's).
COMPARABLE_SHARE = 0.5

PCAP_MAGICS = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d",
               b"\x0a\x0d\x0d\x0a", b"\x1f\x8b")

# Things in a btest script or its zeek command line that change what conn.log holds. The
# first group changes which packets Zeek reads: such a test is never comparable.
INPUT_HINTS = [
    (re.compile(r"(?:^|\s)-f\s"), "zeek -f (BPF filter)"),
    (re.compile(r"install_pcap_filter|restrict_filters|PacketFilter::|create_packetfilter|"
                r"NetControl::DROP"), "script filters packets"),
    (re.compile(r"skip_further_processing|set_record_packets"), "script stops analysis"),
]
OTHER_HINTS = [
    (re.compile(r"Log::add_filter|Log::remove_default_filter|Log::remove_filter|\$pred\s*="),
     "log filter in script"),
    (re.compile(r"ignore_checksums_nets|ignore_checksums\s*="), "checksum option"),
    (re.compile(r"redef\s+(?:tcp_|udp_|icmp_|Conn::|table_expire|max_timer|"
                r"dpd_|likely_server_ports|ignore_keep_alive|detect_filtered)|max_timer_expires="),
     "connection/timer option"),
    (re.compile(r"disable_analyzer|Analyzer::disable"), "analyzer control in script"),
    (re.compile(r"terminate\s*\("), "script terminates early"),
]

def git(repo, *args, binary=False):
    out = subprocess.run(["git", "-C", repo] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode(errors="replace").strip())
    return out.stdout if binary else out.stdout.decode(errors="replace")


# ---------------------------------------------------------------- conn.log parsing

def parse_log(text):
    """Zeek TSV -> (fields, [dict]); None when the text has no #fields line."""
    fields, rows, sep, unset = None, [], "\t", "-"
    for line in text.splitlines():
        if line.startswith("#separator"):
            value = line.split(None, 1)[1] if " " in line else "\\x09"
            sep = value.encode().decode("unicode_escape") if value.startswith("\\x") else value
            continue
        if line.startswith("#"):
            parts = line.split(sep)
            if parts[0] == "#fields":
                fields = parts[1:]
            elif parts[0] == "#unset_field" and len(parts) > 1:
                unset = parts[1]
            continue
        if fields is None or not line.strip():
            continue
        values = line.split(sep)
        rows.append({f: (values[i] if i < len(values) else unset) for i, f in enumerate(fields)})
    if fields is None:
        return None
    return fields, rows


def norm_addr(text):
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text


def num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def tcp_records(rows):
    out = []
    for r in rows:
        if r.get("proto") != "tcp":
            continue
        out.append({
            "ts": num(r.get("ts")),
            "orig": (norm_addr(r.get("id.orig_h", "")), r.get("id.orig_p", "")),
            "resp": (norm_addr(r.get("id.resp_h", "")), r.get("id.resp_p", "")),
            "duration": num(r.get("duration")),
            "conn_state": r.get("conn_state", "-"),
            "history": r.get("history", "-"),
            "pkts": (num(r.get("orig_pkts")), num(r.get("resp_pkts"))),
            "ip_bytes": (num(r.get("orig_ip_bytes")), num(r.get("resp_ip_bytes"))),
            "missed": num(r.get("missed_bytes")),
            "service": r.get("service", "-") or "-",
        })
    return out


# ---------------------------------------------------------------- finding tests and traces

def index_scripts(names):
    index = {}
    for path in names:
        if not path.startswith(BTEST + "/") or path.startswith(BASELINE) \
                or path.startswith(TRACES) or "/Baseline." in path:
            continue
        rel = path[len(BTEST) + 1:]
        base, ext = os.path.splitext(rel)
        if ext not in SCRIPT_EXTS:
            continue
        key = base.replace("/", ".")
        # prefer .zeek over others deterministically
        if key not in index or SCRIPT_EXTS.index(ext) < SCRIPT_EXTS.index(os.path.splitext(index[key])[1]):
            index[key] = path
    return index


def find_script(test, index):
    if test in index:
        return index[test]
    m = re.match(r"^(.*)-\d+$", test)  # @TEST-START-NEXT copies are test-2, test-3, ...
    if m and m.group(1) in index:
        return index[m.group(1)]
    return None


TRACE_RE = re.compile(r"\$\{?TRACES\}?/([^\s\"';|)&<>]+)")


def exec_lines(script_text):
    lines = []
    for line in script_text.splitlines():
        m = re.search(r"@TEST-EXEC(?:-FAIL)?:\s*(.*)$", line)
        if m:
            lines.append(m.group(1).strip())
    return lines


def script_hints(script_text, execs):
    """-> (hints that make the test incomparable, other hints)."""
    zeek_execs = " ".join(e for e in execs if "TRACES" in e)
    body = "\n".join(l for l in script_text.splitlines() if not l.lstrip().startswith("#"))
    body += "\n" + zeek_execs
    hard = [label for rx, label in INPUT_HINTS if rx.search(zeek_execs if "-f" in label else body)]
    soft = [label for rx, label in OTHER_HINTS if rx.search(body)]
    if re.search(r"(?:^|\s)-[a-zA-Z]*b", zeek_execs):
        soft.append("zeek -b (likely_server_ports only from loaded scripts)")
    if not re.search(r"(?:^|\s)-[a-zA-Z]*C", zeek_execs):
        soft.append("no -C")
    return hard, soft


def classify_blob(data):
    if data.startswith(b"version https://git-lfs"):
        return "Git LFS pointer"
    if len(data) < 24:
        return "too short to be a capture (%d bytes)" % len(data)
    if not any(data.startswith(m) for m in PCAP_MAGICS):
        return "not a pcap/pcapng (magic %s)" % data[:4].hex()
    return None


# ---------------------------------------------------------------- running tshark

def tshark_command(trace, plugin_dir, home, tshark, extra):
    env = ["env", "HOME=" + home, "WIRESHARK_PLUGIN_DIR=" + plugin_dir, "LC_ALL=C", "TZ=UTC"]
    cmd = env + [tshark] + list(extra) + ["-r", trace, "-q", "-z", "tcplife,zeek"]
    if os.getuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    return cmd


def run_tshark(trace, plugin_dir, home, tshark, extra):
    """-> (rows or None, message)."""
    try:
        out = subprocess.run(tshark_command(trace, plugin_dir, home, tshark, extra), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=TSHARK_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None, "tshark timed out after %d s" % TSHARK_TIMEOUT
    stdout = out.stdout.decode(errors="replace")
    stderr = " ".join(l.strip() for l in out.stderr.decode(errors="replace").splitlines()
                      if l.strip() and "Running as user" not in l)
    parsed = parse_log(stdout[stdout.find("#separator"):] if "#separator" in stdout else "")
    if parsed is None:
        return None, "tshark exit %d, no conn.log: %s" % (out.returncode, stderr[:300] or "(no message)")
    msg = ""
    if out.returncode != 0 or stderr:
        msg = "tshark exit %d: %s" % (out.returncode, stderr[:300])
    return parsed[1], msg


# ---------------------------------------------------------------- matching

def match(zeek, mine, tolerance):
    """Greedy assignment, cheapest first. -> [(zi, ti, flipped)]."""
    by_key = collections.defaultdict(list)
    for ti, t in enumerate(mine):
        by_key[frozenset((t["orig"], t["resp"]))].append(ti)
    pairs = []
    for zi, z in enumerate(zeek):
        for ti in by_key.get(frozenset((z["orig"], z["resp"])), []):
            t = mine[ti]
            flipped = z["orig"] != t["orig"]
            if z["ts"] is not None and t["ts"] is not None:
                diff = abs(z["ts"] - t["ts"])
                if diff > tolerance:
                    continue
                cost = (0, diff)
            else:
                zp, tp = z["pkts"], t["pkts"][::-1] if flipped else t["pkts"]
                dd = abs((z["duration"] or 0.0) - (t["duration"] or 0.0))
                pd = sum(abs((a or 0) - (b or 0)) for a, b in zip(zp, tp))
                cost = (1, dd + 0.01 * pd)
            pairs.append((cost, zi, ti, flipped))
    pairs.sort()
    used_z, used_t, out = set(), set(), []
    for _, zi, ti, flipped in pairs:
        if zi in used_z or ti in used_t:
            continue
        used_z.add(zi)
        used_t.add(ti)
        out.append((zi, ti, flipped))
    return sorted(out)


def endpoint(e):
    h, p = e
    return ("[%s]:%s" % (h, p)) if ":" in h else ("%s:%s" % (h, p))


def strip_x(history):
    return history.replace("X", "").replace("x", "")


def classify(z, t, flipped, zeek_count, mine_count):
    """A first, mechanical class for a disagreement; docs/real-captures.md explains them."""
    if re.search("[cC]", z["history"]):
        return "bad-checksum"    # Zeek saw bad checksums (and ignored those packets)
    if zeek_count > mine_count:
        return "zeek-split"      # Zeek has more records for this 4-tuple than tcplife
    if strip_x(z["history"]) != z["history"] and strip_x(z["history"]) == t["history"] \
            and z["conn_state"] == t["conn_state"]:
        return "limit-x"         # only Zeek's 'x' (analysis limit reached) differs
    if flipped:
        return "flip"            # orig and resp swapped
    return "other"


def compare(z_rows, t_rows, tolerance, hard_hints):
    key = lambda r: (r["orig"], r["resp"], r["ts"] or 0, r["duration"] or 0, r["conn_state"], r["history"])
    zeek = sorted(tcp_records(z_rows), key=key)
    mine = sorted(tcp_records(t_rows), key=key)
    res = {"zeek": len(zeek), "tcplife": len(mine), "matched": 0, "flips": 0, "state_eq": 0,
           "hist_eq": 0, "hist_cmp": 0, "both_eq": 0, "zeek_hist_unset": 0,
           "dur_eq": 0, "dur_cmp": 0, "ip_eq": 0, "ip_cmp": 0, "missed_eq": 0, "missed_cmp": 0,
           "service_eq": 0, "service_in": 0, "service_cmp": 0, "service_zeek_only": 0, "service_tcplife_only": 0,
           "service_pairs": collections.Counter(),
           "disagreements": [], "zeek_only": [], "tcplife_only": [],
           "zeek_records": tuple((r["orig"], r["resp"], r["conn_state"], r["history"]) for r in zeek)}
    per_tuple_z = collections.Counter(frozenset((r["orig"], r["resp"])) for r in zeek)
    per_tuple_t = collections.Counter(frozenset((r["orig"], r["resp"])) for r in mine)
    pairs = match(zeek, mine, tolerance)
    seen_z, seen_t = set(), set()
    for zi, ti, flipped in pairs:
        z, t = zeek[zi], mine[ti]
        seen_z.add(zi)
        seen_t.add(ti)
        res["matched"] += 1
        res["flips"] += flipped
        s_eq = z["conn_state"] == t["conn_state"]
        h_unset = z["history"] in ("-", "")
        h_eq = (not h_unset) and z["history"] == t["history"]
        res["state_eq"] += s_eq
        res["zeek_hist_unset"] += h_unset
        if not h_unset:
            res["hist_cmp"] += 1
            res["hist_eq"] += h_eq
        res["both_eq"] += s_eq and h_eq
        if z["duration"] is not None and t["duration"] is not None:
            res["dur_cmp"] += 1
            res["dur_eq"] += abs(z["duration"] - t["duration"]) < 2e-6
        t_ip = t["ip_bytes"][::-1] if flipped else t["ip_bytes"]
        if None not in z["ip_bytes"] and None not in t_ip:
            res["ip_cmp"] += 1
            res["ip_eq"] += z["ip_bytes"] == t_ip
        if z["missed"] is not None and t["missed"] is not None:
            res["missed_cmp"] += 1
            res["missed_eq"] += z["missed"] == t["missed"]
        # Zeek names a service only once its analyzer confirmed the protocol; tcplife
        # names the one Wireshark decodes the payload as.
        z_service, t_service = z["service"] != "-", t["service"] != "-"
        if z_service and t_service:
            res["service_cmp"] += 1
            res["service_eq"] += z["service"] == t["service"]
            # Zeek lists every analyzer that confirmed (ldap_tcp,krb,gssapi); tcplife names one.
            res["service_in"] += t["service"] in z["service"].split(",")
            if z["service"] != t["service"]:
                res["service_pairs"][(z["service"], t["service"])] += 1
        res["service_zeek_only"] += z_service and not t_service
        res["service_tcplife_only"] += t_service and not z_service
        if not s_eq or not (h_eq or h_unset) or flipped:
            k = frozenset((z["orig"], z["resp"]))
            res["disagreements"].append({
                "tuple": "%s > %s" % (endpoint(z["orig"]), endpoint(z["resp"])),
                "zeek": (z["conn_state"], z["history"]), "tcplife": (t["conn_state"], t["history"]),
                "flipped": flipped, "class": classify(z, t, flipped, per_tuple_z[k], per_tuple_t[k])})
    for zi, z in enumerate(zeek):
        if zi not in seen_z:
            res["zeek_only"].append("%s > %s %s %s" % (endpoint(z["orig"]), endpoint(z["resp"]),
                                                       z["conn_state"], z["history"]))
    for ti, t in enumerate(mine):
        if ti not in seen_t:
            res["tcplife_only"].append("%s > %s %s %s" % (endpoint(t["orig"]), endpoint(t["resp"]),
                                                          t["conn_state"], t["history"]))
    # Comparability by distinct 4-tuples, so that Zeek splitting one conversation into several
    # records is a disagreement, not a reason to give up on the test.
    common = len(set(per_tuple_z) & set(per_tuple_t))
    res["tuples"] = (len(per_tuple_z), len(per_tuple_t), common)
    if not zeek:
        res["why_not"] = "no TCP records in Zeek's log"
    elif [h for h in hard_hints if not h.startswith("zeek -f")]:
        res["why_not"] = ", ".join(hard_hints)
    elif hard_hints and set(per_tuple_z) != set(per_tuple_t):
        res["why_not"] = ", ".join(hard_hints) + "; 4-tuples: Zeek %d, tcplife %d, common %d" % res["tuples"]
    elif common < COMPARABLE_SHARE * len(per_tuple_z) or common < COMPARABLE_SHARE * len(per_tuple_t):
        res["why_not"] = "4-tuples: Zeek %d, tcplife %d, common %d" % res["tuples"]
    else:
        res["why_not"] = ""
    res["comparable"] = not res["why_not"]
    return res


# ---------------------------------------------------------------- main

def pct(a, b):
    return "%.1f%%" % (100.0 * a / b) if b else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zeek-git", required=True, help="git directory of a zeek/zeek clone or mirror")
    ap.add_argument("--plugin-dir", required=True, help="WIRESHARK_PLUGIN_DIR holding <ver>/epan/tcplife.so")
    ap.add_argument("--rev", default="HEAD", help="zeek revision to read (default HEAD)")
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--markdown", help="write the per-test table and the disagreement list here")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--ts-tolerance", type=float, default=TS_TOLERANCE,
                    help="seconds between Zeek's and tcplife's ts for a match (default %(default)s)")
    ap.add_argument("--keep-dir", help="extract traces here and keep them (default: a temp dir)")
    ap.add_argument("--only", help="regular expression: only tests whose name matches")
    ap.add_argument("--tshark-arg", action="append", default=[],
                    help="extra tshark argument, e.g. --tshark-arg=-o --tshark-arg=teredo.heuristic_teredo:TRUE")
    args = ap.parse_args()

    repo = os.path.abspath(args.zeek_git)
    plugin_dir = os.path.abspath(args.plugin_dir)
    commit = git(repo, "rev-parse", args.rev).strip()
    names = git(repo, "ls-tree", "-r", "--name-only", commit, BTEST).splitlines()
    scripts = index_scripts(names)
    work = args.keep_dir or tempfile.mkdtemp(prefix="zeek-agreement-")
    os.makedirs(work, exist_ok=True)
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    os.chmod(work, 0o755)
    os.chmod(home, 0o777)

    skipped = collections.Counter()   # reason -> number of tests
    skipped_tests = collections.defaultdict(list)
    tests = []  # (test, logfile, script, trace, hints, exec)
    logs = sorted(n for n in names if n.startswith(BASELINE) and n.endswith(".log")
                  and n.count("/") == 4 and "conn" in n.rsplit("/", 1)[1])
    for path in logs:
        test, logname = path[len(BASELINE):].split("/")
        if args.only and not re.search(args.only, test):
            continue
        try:
            text = git(repo, "show", "%s:%s" % (commit, path))
        except RuntimeError:
            skipped["Baseline log missing from the mirror"] += 1
            skipped_tests["Baseline log missing from the mirror"].append(test)
            continue
        parsed = parse_log(text)
        if parsed is None or not {"conn_state", "history", "proto", "id.orig_h"} <= set(parsed[0]):
            continue
        script = find_script(test, scripts)
        if script is None:
            skipped["no btest script found"] += 1
            skipped_tests["no btest script found"].append(test)
            continue
        stext = git(repo, "show", "%s:%s" % (commit, script))
        execs = exec_lines(stext)
        traces = sorted({m.group(1) for e in execs for m in TRACE_RE.finditer(e)})
        if len(traces) != 1:
            reason = "script reads %s traces" % ("no" if not traces else "several")
            skipped[reason] += 1
            skipped_tests[reason].append(test)
            continue
        tests.append({"test": test, "log": logname, "script": script, "trace": traces[0],
                      "hints": script_hints(stext, execs), "zeek_rows": parsed[1],
                      "masked_ts": any(r.get("ts", "").startswith("X") for r in parsed[1]),
                      "exec": next(e for e in execs if "TRACES" in e)})

    # extract each trace once
    trace_files, trace_err = {}, {}
    for i, trace in enumerate(sorted({t["trace"] for t in tests})):
        try:
            data = git(repo, "cat-file", "blob", "%s:%s%s" % (commit, TRACES, trace), binary=True)
        except RuntimeError as e:
            trace_err[trace] = "cannot extract: " + str(e).splitlines()[-1][:160]
            continue
        why = classify_blob(data)
        if why:
            trace_err[trace] = why
            continue
        dest = os.path.join(work, "%03d-%s" % (i, trace.replace("/", "_")))
        with open(dest, "wb") as f:
            f.write(data)
        os.chmod(dest, 0o644)
        trace_files[trace] = dest

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(run_tshark, f, plugin_dir, home, args.tshark, args.tshark_arg): tr for tr, f in trace_files.items()}
        for fut in concurrent.futures.as_completed(futs):
            results[futs[fut]] = fut.result()

    rows, failed = [], []
    for t in sorted(tests, key=lambda t: (t["trace"], t["test"], t["log"])):
        name = t["test"] + ("" if t["log"] == "conn.log" else "/" + t["log"])
        if t["trace"] in trace_err:
            failed.append((t["trace"], name, trace_err[t["trace"]]))
            continue
        mine, msg = results[t["trace"]]
        if mine is None:
            failed.append((t["trace"], name, msg))
            continue
        res = compare(t["zeek_rows"], mine, args.ts_tolerance, t["hints"][0])
        res.update(test=name, trace=t["trace"], hints=t["hints"][0] + t["hints"][1], msg=msg,
                   exec=t["exec"], masked_ts=t["masked_ts"])
        rows.append(res)

    # Overall figures: comparable tests; the same trace with the same Zeek TCP records counts once.
    seen, unique = set(), []
    for r in rows:
        if not r["comparable"]:
            continue
        key = (r["trace"], r["zeek_records"])
        r["duplicate"] = key in seen
        if not r["duplicate"]:
            seen.add(key)
            unique.append(r)
    tot = collections.Counter()
    for r in unique:
        for k in ("zeek", "tcplife", "matched", "flips", "state_eq", "hist_eq", "hist_cmp", "both_eq",
                  "zeek_hist_unset", "dur_eq", "dur_cmp", "ip_eq", "ip_cmp", "missed_eq", "missed_cmp",
                  "service_eq", "service_in", "service_cmp", "service_zeek_only", "service_tcplife_only"):
            tot[k] += r[k]
    tot["zeek_only"] = sum(len(r["zeek_only"]) for r in unique)
    tot["tcplife_only"] = sum(len(r["tcplife_only"]) for r in unique)
    tot["service_pairs"] = sum((r["service_pairs"] for r in unique), collections.Counter())

    classes = collections.Counter(d["class"] for r in unique for d in r["disagreements"])
    with_tcp = [r for r in rows if r["zeek"] or r["tcplife"]]
    summary = {"commit": commit, "tests": len(tests), "traces": len({t["trace"] for t in tests}),
               "skipped": skipped, "skipped_tests": skipped_tests, "failed": failed, "rows": rows,
               "with_tcp": with_tcp, "unique": unique, "tot": tot, "classes": classes,
               "extra": args.tshark_arg}
    print(text_report(summary))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown_report(summary))
    if not args.keep_dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def totals_lines(tot, classes):
    return [
        "Zeek TCP records %d, tcplife TCP records %d, matched %d (%s of Zeek's), of them flipped %d"
        % (tot["zeek"], tot["tcplife"], tot["matched"], pct(tot["matched"], tot["zeek"]), tot["flips"]),
        "conn_state equal %d/%d (%s)" % (tot["state_eq"], tot["matched"], pct(tot["state_eq"], tot["matched"])),
        "history equal %d/%d (%s) (not counted: %d with Zeek's history unset)"
        % (tot["hist_eq"], tot["hist_cmp"], pct(tot["hist_eq"], tot["hist_cmp"]), tot["zeek_hist_unset"]),
        "both equal %d/%d (%s)" % (tot["both_eq"], tot["matched"], pct(tot["both_eq"], tot["matched"])),
        "unmatched: %d Zeek-only, %d tcplife-only" % (tot["zeek_only"], tot["tcplife_only"]),
        "(not compared above) duration equal within 2 us: %d/%d where both set"
        % (tot["dur_eq"], tot["dur_cmp"]),
        "(not compared above) orig_ip_bytes and resp_ip_bytes equal: %d/%d where both set"
        % (tot["ip_eq"], tot["ip_cmp"]),
        "(not compared above) missed_bytes equal: %d/%d where both set" % (tot["missed_eq"], tot["missed_cmp"]),
        "(not compared above) service equal: %d/%d where both set, tcplife's one of Zeek's: %d; set by Zeek only %d, "
        "by tcplife only %d" % (tot["service_eq"], tot["service_cmp"], tot["service_in"], tot["service_zeek_only"],
                                tot["service_tcplife_only"]),
        "service differences (Zeek, tcplife): " + (", ".join(
            "%s/%s %d" % (z, t, n) for (z, t), n in tot["service_pairs"].most_common()) or "none"),
        "disagreements by class: " + (", ".join("%s %d" % kv for kv in sorted(classes.items())) or "none"),
    ]


def row_note(r):
    if not r["comparable"]:
        return "not comparable: " + r["why_not"]
    if r.get("duplicate"):
        return "same Zeek records as an earlier row"
    return ""


def text_report(S):
    lines = []
    p = lines.append
    p("Zeek commit %s: %d btests with a conn log and one trace (%d traces)" % (S["commit"], S["tests"], S["traces"]))
    if S["extra"]:
        p("extra tshark arguments: %s" % " ".join(S["extra"]))
    for k, n in sorted(S["skipped"].items()):
        p("skipped, %s: %d" % (k, n))
    p("traces that failed: %d (%d tests)" % (len({f[0] for f in S["failed"]}), len(S["failed"])))
    for trace, name, msg in S["failed"]:
        p("  FAIL %s (%s): %s" % (trace, name, msg))
    for r in S["rows"]:
        if r["msg"]:
            p("  warning %s: %s" % (r["trace"], r["msg"]))
    comparable = [r for r in S["with_tcp"] if r["comparable"]]
    p("tests read: %d, with TCP records: %d, comparable: %d (%d with distinct Zeek records), "
      "not comparable: %d" % (len(S["rows"]), len(S["with_tcp"]), len(comparable), len(S["unique"]),
                              len(S["with_tcp"]) - len(comparable)))
    p("")
    p("%-44s %-58s %5s %5s %5s %4s %6s %7s %5s  %s" % (
        "trace", "test", "zeek", "tcpl", "match", "flip", "state=", "hist=", "both=", "note"))
    for r in S["with_tcp"]:
        p("%-44s %-58s %5d %5d %5d %4d %6d %7s %5d  %s" % (
            r["trace"][:44], r["test"][:58], r["zeek"], r["tcplife"], r["matched"], r["flips"],
            r["state_eq"], "%d/%d" % (r["hist_eq"], r["hist_cmp"]), r["both_eq"], row_note(r)))
    p("")
    p("TOTAL over comparable tests, each distinct set of Zeek records once:")
    for line in totals_lines(S["tot"], S["classes"]):
        p("  " + line)
    p("")
    p("disagreements:")
    for r in S["unique"]:
        for d in r["disagreements"]:
            p("  %-12s %-40s %-44s zeek %s %-14s tcplife %s %s%s" % (
                d["class"], r["trace"][:40], d["tuple"], d["zeek"][0], d["zeek"][1], d["tcplife"][0],
                d["tcplife"][1], " (flipped)" if d["flipped"] else ""))
    return "\n".join(lines)


def markdown_report(S):
    out = []
    p = out.append
    tot = S["tot"]
    p("Zeek commit `%s`: %d btests with a conn log and exactly one trace, %d distinct traces." % (
        S["commit"], S["tests"], S["traces"]))
    for k, n in sorted(S["skipped"].items()):
        p("Skipped, %s: %d (%s)." % (k, n, ", ".join(sorted(set(S["skipped_tests"][k])))))
    p("")
    p("| over comparable tests (distinct Zeek records once) | count |")
    p("|---|---:|")
    p("| Zeek TCP records | %d |" % tot["zeek"])
    p("| matched by a tcplife record | %d (%s) |" % (tot["matched"], pct(tot["matched"], tot["zeek"])))
    p("| of them with orig/resp swapped | %d |" % tot["flips"])
    p("| conn_state equal | %d (%s) |" % (tot["state_eq"], pct(tot["state_eq"], tot["matched"])))
    p("| history equal (Zeek's history set) | %d / %d (%s) |" % (
        tot["hist_eq"], tot["hist_cmp"], pct(tot["hist_eq"], tot["hist_cmp"])))
    p("| both equal | %d (%s) |" % (tot["both_eq"], pct(tot["both_eq"], tot["matched"])))
    p("| Zeek-only / tcplife-only records | %d / %d |" % (tot["zeek_only"], tot["tcplife_only"]))
    p("| duration equal within 2 us (both set) | %d / %d |" % (tot["dur_eq"], tot["dur_cmp"]))
    p("| orig_ip_bytes and resp_ip_bytes equal (both set) | %d / %d |" % (tot["ip_eq"], tot["ip_cmp"]))
    p("| missed_bytes equal (both set) | %d / %d |" % (tot["missed_eq"], tot["missed_cmp"]))
    p("| service equal (both set) | %d / %d |" % (tot["service_eq"], tot["service_cmp"]))
    p("| tcplife's service one of Zeek's (both set) | %d / %d |" % (tot["service_in"], tot["service_cmp"]))
    p("| service set by Zeek only / by tcplife only | %d / %d |" % (
        tot["service_zeek_only"], tot["service_tcplife_only"]))
    p("")
    if S["failed"]:
        p("Traces that could not be read:")
        p("")
        for trace, name, msg in S["failed"]:
            p("- `%s` (%s): %s" % (trace, name, msg))
        p("")
    p("| trace | test | Zeek | tcplife | matched | flips | conn_state = | history = | both = | note |")
    p("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in S["with_tcp"]:
        p("| `%s` | %s | %d | %d | %d | %d | %d | %d/%d | %d | %s |" % (
            r["trace"], r["test"], r["zeek"], r["tcplife"], r["matched"], r["flips"], r["state_eq"],
            r["hist_eq"], r["hist_cmp"], r["both_eq"], row_note(r)))
    p("")
    p("| class | trace | 4-tuple (Zeek's orig > resp) | Zeek | tcplife |")
    p("|---|---|---|---|---|")
    for r in S["unique"]:
        for d in r["disagreements"]:
            p("| %s | `%s` | %s | %s `%s` | %s `%s`%s |" % (
                d["class"], r["trace"], d["tuple"], d["zeek"][0], d["zeek"][1], d["tcplife"][0],
                d["tcplife"][1], " (flipped)" if d["flipped"] else ""))
    unmatched = [(r["trace"], who, s) for r in S["unique"]
                 for who, lst in (("Zeek only", r["zeek_only"]), ("tcplife only", r["tcplife_only"]))
                 for s in lst]
    if unmatched:
        p("")
        p("Unmatched records in comparable tests:")
        p("")
        for trace, who, s in unmatched:
            p("- `%s` %s: %s" % (trace, who, s))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
