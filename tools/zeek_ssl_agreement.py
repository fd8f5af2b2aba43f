#!/usr/bin/env python3
"""Compares tcplife's Zeek ssl.log with Zeek's own expected ssl.logs on Zeek's test traces.

Every btest whose Baseline holds an ssl.log and whose script reads exactly one trace (found
as tools/zeek_agreement.py finds them) is run as `tshark -r TRACE -q -z tcplife,ssl`
(60 s timeout). Records are matched by the 4-tuple, either orientation, and each field
tcplife writes (version, cipher, curve, server_name, resumed, last_alert, next_protocol,
established) is compared; the columns tcplife leaves unset (ssl_history and the
certificate ones) are not. A Zeek record over UDP (DTLS) or without a tcplife record is
listed as unmatched. Each distinct set of Zeek records on a trace counts once.

    tools/zeek_ssl_agreement.py --zeek-git /path/to/zeek.git --plugin-dir /path/to/plugins [--markdown F]

Standard library only.
"""
import argparse
import collections
import concurrent.futures
import os
import subprocess
import sys
import tempfile

import zeek_agreement as za

FIELDS = ["version", "cipher", "curve", "server_name", "resumed", "last_alert", "next_protocol", "established"]


def run_ssl(trace, plugin_dir, home, tshark):
    cmd = za.tshark_command(trace, plugin_dir, home, tshark, [])
    cmd[-1] = "tcplife,ssl"
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=za.TSHARK_TIMEOUT,
                             check=False)
    except subprocess.TimeoutExpired:
        return None
    stdout = out.stdout.decode(errors="replace")
    parsed = za.parse_log(stdout[stdout.find("#separator"):] if "#separator" in stdout else "")
    return parsed[1] if parsed else None


def key(row):
    return (za.norm_addr(row.get("id.orig_h", "")), row.get("id.orig_p", ""),
            za.norm_addr(row.get("id.resp_h", "")), row.get("id.resp_p", ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zeek-git", required=True)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    repo, plugin_dir = os.path.abspath(args.zeek_git), os.path.abspath(args.plugin_dir)
    commit = za.git(repo, "rev-parse", "HEAD").strip()
    names = za.git(repo, "ls-tree", "-r", "--name-only", commit, za.BTEST).splitlines()
    scripts = za.index_scripts(names)
    work = tempfile.mkdtemp(prefix="zeek-ssl-")
    home = os.path.join(work, "home")
    os.makedirs(home)
    os.chmod(work, 0o755)
    os.chmod(home, 0o777)

    by_trace = {}  # trace -> (test, Zeek rows), the first test of each distinct record set
    for path in sorted(n for n in names if n.startswith(za.BASELINE) and n.endswith("/ssl.log")
                       and n.count("/") == 4):
        test = path[len(za.BASELINE):].split("/")[0]
        parsed = za.parse_log(za.git(repo, "show", "%s:%s" % (commit, path)))
        script = za.find_script(test, scripts)
        if parsed is None or script is None:
            continue
        execs = za.exec_lines(za.git(repo, "show", "%s:%s" % (commit, script)))
        traces = sorted({m.group(1) for e in execs for m in za.TRACE_RE.finditer(e)})
        if len(traces) != 1:
            continue
        rows = [r for r in parsed[1] if "id.orig_h" in r]
        signature = tuple(sorted(tuple(sorted(r.items())) for r in rows))
        by_trace.setdefault((traces[0], signature), (test, rows))

    files = {}
    for trace in sorted({trace for trace, _ in by_trace}):
        try:
            data = za.git(repo, "cat-file", "blob", "%s:%s%s" % (commit, za.TRACES, trace), binary=True)
        except RuntimeError:
            continue
        if za.classify_blob(data):
            continue
        dest = os.path.join(work, trace.replace("/", "_"))
        with open(dest, "wb") as handle:
            handle.write(data)
        os.chmod(dest, 0o644)
        files[trace] = dest
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        mine = dict(zip(files, pool.map(lambda f: run_ssl(f, plugin_dir, home, args.tshark), files.values())))

    agree, compared = collections.Counter(), 0
    unmatched, differences = [], []
    for (trace, _), (test, rows) in sorted(by_trace.items()):
        ours = {key(r): r for r in (mine.get(trace) or [])}
        for zeek in rows:
            k = key(zeek)
            found = ours.get(k) or ours.get((k[2], k[3], k[0], k[1]))
            if found is None:
                unmatched.append("%s %s:%s -> %s:%s" % ((test,) + k))
                continue
            compared += 1
            for field in FIELDS:
                if zeek.get(field, "-") == found.get(field, "-"):
                    agree[field] += 1
                else:
                    differences.append("%s %s: Zeek %r, tcplife %r" % (test, field, zeek.get(field), found.get(field)))
    lines = ["Zeek ssl.log records on %d traces: %d matched by a tcplife record, %d unmatched" %
             (len({t for t, _ in by_trace}), compared, len(unmatched))]
    lines += ["  %-14s %d/%d agree" % (field, agree[field], compared) for field in FIELDS]
    lines += ["unmatched: " + u for u in unmatched] + ["differs: " + d for d in differences]
    print("\n".join(lines))
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write("```\n" + "\n".join(lines) + "\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
