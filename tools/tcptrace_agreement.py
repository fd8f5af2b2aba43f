#!/usr/bin/env python3
"""tcplife's per-direction counters against tcptrace's on the same captures.

For every capture given (files or folders, searched recursively), runs
`tcptrace -l -n --csv` and `tshark -2 -q -z tcplife,csv` (tshark as an unprivileged
user, with the plugin folder given), pairs the connections by their two sockets and
the first segment's time, and counts, for each counter both tools define the same
way, how many directions agree:

  SACK segments   tcptrace sack_pkts_sent     tcplife sack_segments_*
  zero windows    tcptrace zero_win_adv       tcplife zero_windows_*   (Wireshark: not on SYN/FIN/RST)
  retransmissions tcptrace rexmt_data_pkts    tcplife retransmissions_*
  retransmitted   tcptrace rexmt_data_bytes   tcplife retransmitted_bytes_*
  out of order    tcptrace outoforder_pkts    tcplife out_of_order_*
  throughput      tcptrace throughput (B/s)   tcplife throughput_* / 8, both over first to last segment

Retransmissions and out-of-order segments are Wireshark's call in tcplife and
tcptrace's own in tcptrace; the two are known to decide some segments differently
(docs/real-captures.md lists how). Needs tcptrace (apt-get install tcptrace).

    tools/tcptrace_agreement.py --plugin-dir /tmp/pd CAPTURE_OR_FOLDER...
"""
import argparse
import collections
import concurrent.futures
import csv
import io
import ipaddress
import os
import subprocess
import sys
import tempfile

SUFFIXES = (".pcap", ".pcapng", ".trace", ".dump", ".cap")
# counter: (tcptrace column stem, tcplife CSV column stem)
COUNTERS = {
    "SACK segments": ("sack_pkts_sent", "sack_segments"),
    "zero windows": ("zero_win_adv", "zero_windows"),
    "retransmissions": ("rexmt_data_pkts", "retransmissions"),
    "retransmitted bytes": ("rexmt_data_bytes", "retransmitted_bytes"),
    "out of order": ("outoforder_pkts", "out_of_order"),
    "throughput": ("throughput", "throughput"),
}


def captures(paths):
    for path in paths:
        if os.path.isdir(path):
            for folder, _, names in sorted(os.walk(path)):
                for name in sorted(names):
                    if name.endswith(SUFFIXES):
                        yield os.path.join(folder, name)
        else:
            yield path


def socket_key(host, port):
    try:
        host = str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    return host, int(port)


def split_socket(text):
    host, _, port = text.rpartition(":")
    return socket_key(host, port)


def tcptrace_connections(path):
    result = subprocess.run(["tcptrace", "-l", "-n", "--csv", path], capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    if not lines:
        return []
    rows = []
    for row in csv.DictReader(io.StringIO("\n".join(lines)), skipinitialspace=True):
        row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        rows.append(row)
    return rows


def tcplife_connections(path, plugin_dir, home):
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=" + home,
               "WIRESHARK_PLUGIN_DIR=" + plugin_dir, "tshark", "-2", "-r", path, "-q", "-z", "tcplife,csv"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    lines = [line for line in result.stdout.splitlines() if not line.startswith("=")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def pair(trace_rows, life_rows):
    """(tcptrace row, tcplife row, tcptrace a is tcplife's client) for connections both saw."""
    by_sockets = collections.defaultdict(list)
    for row in life_rows:
        by_sockets[frozenset((split_socket(row["client"]), split_socket(row["server"])))].append(row)
    pairs = []
    for row in trace_rows:
        a, b = socket_key(row["host_a"], row["port_a"]), socket_key(row["host_b"], row["port_b"])
        candidates = by_sockets.get(frozenset((a, b)), [])
        if not candidates:
            continue
        first = float(row["first_packet"])
        best = min(candidates, key=lambda life: abs(float(life["ts"] or 0) - first))
        if abs(float(best["ts"] or 0) - first) > 1e-3:
            continue
        candidates.remove(best)
        pairs.append((row, best, split_socket(best["client"]) == a))
    return pairs


def agrees(counter, mine, theirs):
    if counter == "throughput":
        # tcplife: bits per second, rounded; tcptrace: bytes per second, rounded.
        return abs(int(mine) / 8 - int(theirs)) <= 1
    return int(mine) == int(theirs)


def compare(path, plugin_dir, home):
    life = tcplife_connections(path, plugin_dir, home)
    trace = tcptrace_connections(path)
    totals = collections.Counter()
    differences = []
    pairs = pair(trace, life)
    totals["connections"] = len(pairs)
    for row, mine, a_is_client in pairs:
        for counter, (theirs_stem, mine_stem) in COUNTERS.items():
            for my_side, their_side in (("client", "a2b" if a_is_client else "b2a"),
                                        ("server", "b2a" if a_is_client else "a2b")):
                mine_value, their_value = mine.get("%s_%s" % (mine_stem, my_side), ""), row.get(
                    "%s_%s" % (theirs_stem, their_side), "")
                if mine_value == "" or their_value in ("", "NA"):
                    continue
                totals[counter + " compared"] += 1
                if agrees(counter, mine_value, their_value):
                    totals[counter + " equal"] += 1
                else:
                    differences.append("%s stream %s %s %s: tcplife %s, tcptrace %s" % (
                        path, mine["stream"], my_side, counter, mine_value, their_value))
    return totals, differences


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin-dir", required=True, help="WIRESHARK_PLUGIN_DIR holding X.Y/epan/tcplife.so")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--differences", help="write every differing direction to this file")
    parser.add_argument("paths", nargs="+")
    options = parser.parse_args()
    home = tempfile.mkdtemp(prefix="tcptrace-agreement-")
    os.chmod(home, 0o777)
    totals, differences = collections.Counter(), []
    files = list(captures(options.paths))
    with concurrent.futures.ThreadPoolExecutor(options.jobs) as pool:
        for file_totals, file_differences in pool.map(lambda path: compare(path, options.plugin_dir, home), files):
            totals.update(file_totals)
            differences += file_differences
    print("%d captures, %d connections seen by both tools" % (len(files), totals["connections"]))
    print("| counter | directions compared | equal | share |")
    print("|---|---:|---:|---:|")
    for counter in COUNTERS:
        compared, equal = totals[counter + " compared"], totals[counter + " equal"]
        print("| %s | %d | %d | %s |" % (counter, compared, equal,
                                         "%.1f %%" % (100.0 * equal / compared) if compared else "-"))
    if options.differences:
        with open(options.differences, "w") as out:
            out.write("\n".join(differences) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
