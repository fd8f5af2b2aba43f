#!/usr/bin/env python3
"""-z tcplife,states and tcplife,states_csv:

- reviewed files in expected-states/, written by hand from each capture's listing and
  its per-segment tcplife.client.state / tcplife.server.state fields, equal the report
  in one-pass and -2 runs;
- on every sample capture, the CSV equals counts recomputed here from those per-segment
  fields (-2 -T fields), by the rules the README gives, and the people's table says the
  same as the CSV; one-pass and -2 print the same.
"""
import csv
import io
import os
import sys

import golden
import tshark_runner
from tshark_runner import fail, field_options, sample_captures

STATES = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
          "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "UNKNOWN"]
SIDES = ["client", "server", "all"]
NS = 1_000_000_000

# (reviewed file, capture, -z argument, tshark options)
GOLDEN = [
    ("client-close-four-way.txt", "client-close-four-way.pcap", "tcplife,states,0.05", []),
    ("port-reuse.txt", "port-reuse.pcap", "tcplife,states,1", ["-o", "tcplife.time_wait_seconds:1"]),
    ("port-reuse-stream-1.txt", "port-reuse.pcap", "tcplife,states,1,tcp.stream == 1", []),
    ("port-reuse-stream-1.csv", "port-reuse.pcap", "tcplife,states_csv,,tcp.stream == 1", []),
    ("time-wait-reuse.txt", "time-wait-reuse.pcap", "tcplife,states,0.5", ["-o", "tcplife.time_wait_seconds:2"]),
    ("rst-abort-client.txt", "rst-abort-client.pcap", "tcplife,states,0.05", []),
    ("syn-unanswered.txt", "syn-unanswered.pcap", "tcplife,states,2", []),
    ("lossy-transfer.txt", "lossy-transfer.pcap", "tcplife,states", []),
    ("refused-retry.txt", "refused-retry.pcap", "tcplife,states,0.5", []),
]
# Wireshark 4.2 gives a SYN after a RST on the same ports a new tcp.stream (README).
SINCE_4_2 = {"refused-retry.txt": "refused-retry-4.2.txt"}
# Intervals and TIME_WAIT lengths (s) every capture is recomputed with.
RECOMPUTED = [("0.1", 1), ("1", 60)]


def report(tshark, capture, argument, options=()):
    return tshark.same_in_both_passes(capture, *options, "-q", "-z", argument)


def epoch_ns(text):
    whole, _, fraction = text.partition(".")
    return int(whole) * NS + int((fraction + "000000000")[:9])


def segments(tshark, capture):
    """The capture's first frame time, and per analysed segment (time, stream, client, server, rst)."""
    fields = ["frame.time_epoch", "tcplife.stream", "tcplife.client.state", "tcplife.server.state",
              "tcp.flags.reset"]
    start, found = None, []
    for line in tshark.stdout(capture, *field_options(fields, occurrence="l"), two_pass=True).splitlines():
        time, stream, client, server, rst = line.split("\t")
        start = epoch_ns(time) if start is None else start
        if stream:
            found.append((epoch_ns(time), int(stream), client, server, rst in ("1", "True")))
    return start, found


def recompute(start, found, interval_ns, time_wait_ns):
    """The README's rules, written again from the fields: a list of CSV rows as dicts."""
    latest = max(t for t, *_ in found)
    count = (latest - start) // interval_ns + 1 if latest > start else 1
    histories = {}  # stream -> [(effective time, client, server)]
    events = [{"opened": 0, "closed": 0, "reset": 0} for _ in range(count)]

    def interval_of(time):
        return 0 if time <= start else min((time - start) // interval_ns, count)

    finished = ("CLOSED", "TIME_WAIT")
    for time, stream, client, server, rst in found:
        history = histories.setdefault(stream, [])
        if history and history[-1][1:] == (client, server):
            continue
        effective = max(time, start, history[-1][0] if history else start)
        live = not (client in finished and server in finished)
        was_live = bool(history) and not (history[-1][1] in finished and history[-1][2] in finished)
        if live and not was_live:
            events[min(interval_of(effective), count - 1)]["opened"] += 1
        elif was_live and not live:
            events[min(interval_of(effective), count - 1)]["reset" if rst else "closed"] += 1
        history.append((effective, client, server))

    rows = []
    for k in range(count):
        end = start + (k + 1) * interval_ns
        counts = {side: dict.fromkeys(STATES, 0) for side in SIDES}
        for history in histories.values():
            before = [h for h in history if h[0] < end]
            if not before:
                continue
            for index, side in ((1, "client"), (2, "server")):
                state = before[-1][index]
                if state == "TIME_WAIT":
                    # Entered at the first change of the run of TIME_WAIT that ends the list.
                    entered = before[-1][0]
                    for h in reversed(before):
                        if h[index] != "TIME_WAIT":
                            break
                        entered = h[0]
                    if entered + time_wait_ns < end:
                        state = "CLOSED"  # the wait ended within or before this interval
                counts[side][state] += 1
                counts["all"][state] += 1
        row = {"ts": seconds(start + k * interval_ns), "start": seconds(k * interval_ns),
               "end": seconds((k + 1) * interval_ns)}
        for side in SIDES:
            for state in STATES:
                row["%s_%s" % (side, state.lower())] = str(counts[side][state])
        for name, value in events[k].items():
            row[name] = str(value)
        rows.append(row)
    return rows


def seconds(ns):
    micros = (ns + 500) // 1000
    return "%d.%06d" % (micros // 1_000_000, micros % 1_000_000)


def interval_table_rows(text):
    """The people's table as CSV-like dicts, cells found by the heading's column ends."""
    lines = text.splitlines()
    heading_at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Start"] and "Side" in line.split())
    heading = lines[heading_at]
    names = heading.split()
    ends, position = [], 0
    for name in names:
        position = heading.index(name, position) + len(name)
        ends.append(position)
    side_column = names.index("Side")
    rows, current = [], None
    for line in lines[heading_at + 1:]:
        if line.startswith("===="):
            break
        cells = {}
        begin = 0
        for i, (name, end) in enumerate(zip(names, ends)):
            if i == side_column:
                cells[name] = line[begin:begin + 8].strip()
                end = begin + 6
            else:
                cells[name] = line[begin:end].strip()
            begin = end + 2
        if cells["Start"]:
            current = {"start": cells["Start"], "end": cells["End"], "opened": cells["Opened"],
                       "closed": cells["Closed"], "reset": cells["Reset"]}
            rows.append(current)
        for state in names[side_column + 1:]:
            current["%s_%s" % (cells["Side"], state.lower())] = cells[state]
    return rows, names[side_column + 1:]


def check_table_matches_csv(text, csv_rows):
    shown, states = interval_table_rows(text)
    if len(shown) != len(csv_rows):
        fail("table has %d intervals, CSV %d" % (len(shown), len(csv_rows)))
    occurring = [s for s in STATES if any(r["all_" + s.lower()] != "0" for r in csv_rows)]
    if states != occurring:
        fail("table columns %s, states occurring %s" % (states, occurring))
    for table_row, csv_row in zip(shown, csv_rows):
        for key, value in table_row.items():
            if csv_row[key] != value:
                fail("table %s=%r, CSV %r" % (key, value, csv_row[key]))


def check_capture(tshark, capture):
    start, found = segments(tshark, capture)
    for interval, time_wait in RECOMPUTED:
        options = ["-o", "tcplife.time_wait_seconds:%d" % time_wait]
        time_wait_ns = time_wait * NS
        argument = "tcplife,states_csv," + interval
        rows = list(csv.DictReader(io.StringIO(report(tshark, capture, argument, options))))
        expected = recompute(start, found, int(float(interval) * NS), time_wait_ns) if found else []
        if rows != expected:
            for number, (got, wanted) in enumerate(zip(rows, expected)):
                if got != wanted:
                    diff = {k: (got.get(k), wanted.get(k)) for k in wanted if got.get(k) != wanted.get(k)}
                    fail("%s: interval %d: report, recomputed %s" % (argument, number, diff))
            fail("%s: %d intervals, recomputed %d" % (argument, len(rows), len(expected)))
        text = report(tshark, capture, "tcplife,states," + interval, options)
        check_table_matches_csv(text, rows)
    return len({stream for _, stream, *_ in found})


def check_golden(tshark, capture, expected, argument, options):
    golden.compare_text(report(tshark, capture, argument, options), expected)


def check_zero_interval_refused(tshark, capture):
    tshark.refused_report(capture, "tcplife,states,0", "longer than 0")


def check_all(tshark, options, results):
    for expected, capture, argument, tshark_options in GOLDEN:
        if tshark.version[:2] >= (4, 2):
            expected = SINCE_4_2.get(expected, expected)
        results.check(expected, check_golden, tshark, tshark.capture(os.path.join(options.captures, capture)),
                      os.path.join(options.expected, expected), argument, tshark_options)
    results.check("interval 0 refused", check_zero_interval_refused, tshark,
                  tshark.capture(os.path.join(options.captures, "port-reuse.pcap")))
    for path in sample_captures(options.captures, leave_out=["truncated-file.pcap"]):
        results.check(os.path.basename(path), check_capture, tshark, tshark.capture(path), says="%d conversations")


def add_options(parser):
    parser.add_argument("--expected", required=True, help="reviewed reports, expected-states/")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__, check_all, add_options))
