#!/usr/bin/env python3
"""The -z tcplife reports against the conversation fields, on every sample capture and
on a capture generated here (not in the repository):

- every row of `-z tcplife,csv` equals the tcplife.conv.* fields of its stream's last
  frame in a `-2` run (times to the microsecond), its anomalies are the union of
  tcplife.anomaly over the stream's frames, and its start/handshake times come from the
  frames' own timestamps;
- the people's table (`conv`) says the same as the CSV, the Zeek log (`zeek`) is a
  well-formed conn.log agreeing with the CSV, and the summary's counts, shares and
  percentiles are recomputed here from the CSV rows;
- the ladder (`ladder`) has one diagram per conversation, no line over 80 columns, and
  equals the reviewed file in expected-ladders/ where there is one;
- the Statistics-menu stats tree (`tcplife.summary,tree`) counts what the summary counts;
- every report is identical in one-pass and `-2` runs;
- a filter selects conversations, a bad filter is refused with a clear message.
"""
import csv
import io
import ipaddress
import math
import os
import re
import subprocess
import sys
import tempfile

import golden
import tshark_runner
from tshark_runner import capture_stem, columns_table, fail, field_options, sample_captures

CONV_FIELDS = {
    "client": "tcplife.conv.client",
    "server": "tcplife.conv.server",
    "handshake": "tcplife.conv.handshake",
    "close": "tcplife.conv.close",
    "initiator": "tcplife.conv.close.initiator",
    "reset_by": "tcplife.conv.reset_by",
    "time_wait": "tcplife.conv.time_wait",
    "conn_state": "tcplife.conv.conn_state",
    "history": "tcplife.conv.history",
    "duration": "tcplife.conv.duration",
    "irtt": "tcplife.conv.irtt",
    "bytes_client": "tcplife.conv.bytes.client",
    "bytes_server": "tcplife.conv.bytes.server",
    "segments_client": "tcplife.conv.segments.client",
    "segments_server": "tcplife.conv.segments.server",
}
FRAME_FIELDS = ["tcplife.stream", "frame.number", "frame.time_epoch", "tcplife.conv.frame.last",
                "tcplife.conv.frame.syn", "tcplife.conv.frame.ack", "tcplife.anomaly"]
TIMES = {"duration", "irtt", "ts", "handshake_time"}
HANDSHAKES = ["complete", "unanswered", "rejected", "no-final-ack", "simultaneous-open", "unsolicited",
              "not-seen"]
CLOSES = ["four-way", "three-way", "simultaneous", "reset", "half-closed", "open", "none"]
ZEEK_FIELDS = ("ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes "
               "conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts "
               "resp_ip_bytes tunnel_parents").split()


def report(tshark, capture, name):
    return tshark.same_in_both_passes(capture, "-q", "-z", "tcplife," + name)


def streams_from_fields(tshark, capture):
    """Per stream: the conv fields of its last frame, its anomalies and frame times."""
    names = FRAME_FIELDS + list(CONV_FIELDS.values())
    options = field_options(names, occurrence="a", aggregator=" ")
    streams = {}
    for line in tshark.stdout(capture, "-Y", "tcplife.stream", *options, two_pass=True).splitlines():
        values = dict(zip(names, line.split("\t")))
        stream = streams.setdefault(int(values["tcplife.stream"]), {"anomalies": set(), "times": {}})
        stream["anomalies"].update(values["tcplife.anomaly"].split())
        stream["times"][int(values["frame.number"])] = float(values["frame.time_epoch"])
        if values["tcplife.conv.frame.last"] == values["frame.number"]:
            stream["last"] = values
    return streams


def close_enough(a, b):
    if a == "" or b == "":
        return a == b
    return math.isclose(float(a), float(b), abs_tol=1.5e-6)


def check_csv_matches_fields(rows, streams):
    if sorted(int(row["stream"]) for row in rows) != sorted(streams):
        fail("CSV streams %s, fields streams %s" % ([r["stream"] for r in rows], sorted(streams)))
    for row in rows:
        stream = streams[int(row["stream"])]
        last = stream["last"]
        for column, field in CONV_FIELDS.items():
            expected = last[field]
            if column == "client" and row["roles_guessed"] == "yes":
                pass  # the field says "(guessed ...)" only in its label; the value is the same
            same = close_enough(row[column], expected) if column in TIMES else row[column] == expected
            if not same:
                fail("stream %s: CSV %s=%r, field %s=%r" % (row["stream"], column, row[column], field,
                                                                     expected))
        if set(row["anomalies"].split()) != stream["anomalies"]:
            fail("stream %s: CSV anomalies %r, fields %r" % (row["stream"], row["anomalies"],
                                                                     sorted(stream["anomalies"])))
        if not close_enough(row["ts"], "%.9f" % min(stream["times"].values())):
            fail("stream %s: ts %s, earliest frame time %s" % (row["stream"], row["ts"],
                                                                       min(stream["times"].values())))
        syn, ack = last["tcplife.conv.frame.syn"], last["tcplife.conv.frame.ack"]
        # A duration is never negative: time going backwards counts as zero (README).
        expected = "" if not (syn and ack) else "%.9f" % max(0.0, stream["times"][int(ack)] - stream["times"][int(syn)])
        if not close_enough(row["handshake_time"], expected):
            fail("stream %s: handshake_time %r, frame times give %r" % (row["stream"],
                                                                                row["handshake_time"], expected))


def check_table_matches_csv(text, rows):
    table = columns_table(text.splitlines(), "Stream")
    if len(table) != len(rows):
        fail("table has %d rows, CSV %d" % (len(table), len(rows)))
    pairs = {"Stream": "stream", "Server": "server", "Handshake": "handshake", "Close": "close",
             "Initiator": "initiator", "Reset by": "reset_by", "TIME_WAIT": "time_wait", "Zeek": "conn_state",
             "History": "history", "Duration": "duration", "iRTT": "irtt", "Bytes c>s": "bytes_client",
             "Bytes s>c": "bytes_server"}
    for shown, row in zip(table, rows):
        for heading, column in pairs.items():
            if shown[heading] != (row[column] or "-"):
                fail("table %s=%r, CSV %s=%r" % (heading, shown[heading], column, row[column]))
        client = row["client"] + ("*" if row["roles_guessed"] == "yes" else "")
        anomalies = ",".join(row["anomalies"].split()) or "-"
        if shown["Client"] != client or shown["Anomalies"] != anomalies:
            fail("table client/anomalies %r/%r, CSV %r/%r" % (shown["Client"], shown["Anomalies"],
                                                                      client, anomalies))


def split_socket(text):
    address, port = text.rsplit(":", 1)
    return address.strip("[]"), port


def check_zeek_log(text, rows):
    lines = text.splitlines()
    header = [line for line in lines if line.startswith("#")]
    records = [line.split("\t") for line in lines if not line.startswith("#")]
    meta = {line.split("\t", 1)[0]: line.split("\t")[1:] for line in header[1:]}
    if header[0] != "#separator \\x09" or meta["#path"] != ["conn"] or meta["#fields"] != ZEEK_FIELDS:
        fail("not a Zeek conn.log header:\n" + "\n".join(header))
    if len(meta["#types"]) != len(ZEEK_FIELDS) or not lines[-1].startswith("#close\t"):
        fail("conn.log #types or #close missing")
    if len(records) != len(rows):
        fail("conn.log has %d records, CSV %d rows" % (len(records), len(rows)))
    uids = set()
    for values, row in zip(records, rows):
        record = dict(zip(ZEEK_FIELDS, values))
        if len(values) != len(ZEEK_FIELDS):
            fail("conn.log record with %d fields: %r" % (len(values), values))
        for field, kind in zip(ZEEK_FIELDS, meta["#types"]):
            value = record[field]
            if value == "-":
                continue
            if kind in ("time", "interval"):
                float(value)
            elif kind in ("port", "count"):
                int(value)
            elif kind == "addr":
                ipaddress.ip_address(value)
        sockets = {split_socket(row["client"]), split_socket(row["server"])}
        if {(record["id.orig_h"], record["id.orig_p"]), (record["id.resp_h"], record["id.resp_p"])} != sockets:
            fail("conn.log endpoints %r, CSV %r" % (values[2:6], sockets))
        if (record["conn_state"], record["history"], record["ts"]) != (row["conn_state"], row["history"] or
                                                                      "(empty)", row["ts"]):
            fail("conn.log %r, CSV %r" % (values, row))
        uids.add(record["uid"])
    if len(uids) != len(records):
        fail("conn.log uids are not unique")


def nearest_rank(values, p):
    return sorted(values)[max(1, math.ceil(p * len(values) / 100)) - 1]


def check_summary(text, rows):
    total = len(rows)

    def counted(section, names_counts):
        body = text.split("\n" + section + "\n", 1)[1]
        for name, count in names_counts:
            share = "%.1f%%" % (100.0 * count / total if total else 0.0)
            if not re.search(r"^  %s +%d +%s$" % (re.escape(name), count, re.escape(share)), body, re.M):
                fail("summary %s: expected %s %d %s in\n%s" % (section, name, count, share, text))

    if "TCP Lifecycle summary: %d conversation" % total not in text:
        fail("summary total is not %d:\n%s" % (total, text))
    counted("Handshake", [(v, sum(r["handshake"] == v for r in rows)) for v in HANDSHAKES])
    counted("Close", [(v, sum(r["close"] == v for r in rows)) for v in CLOSES])
    states = sorted({r["conn_state"] for r in rows})
    counted("Zeek conn_state", [(v, sum(r["conn_state"] == v for r in rows)) for v in states])
    anomalies = sorted({a for r in rows for a in r["anomalies"].split()})
    counted("Anomalies (conversations showing each)",
            [(a, sum(a in r["anomalies"].split() for r in rows)) for a in anomalies])
    times = [float(r["handshake_time"]) for r in rows if r["handshake_time"]]
    for label, value in [("p50", nearest_rank(times, 50) if times else None),
                         ("p90", nearest_rank(times, 90) if times else None),
                         ("p99", nearest_rank(times, 99) if times else None),
                         ("max", max(times) if times else None)]:
        if value is None:
            continue
        match = re.search(r"^  %s +([0-9.]+) s$" % label, text, re.M)
        if not match or not math.isclose(float(match.group(1)), value, abs_tol=1.5e-6):
            fail("summary %s: expected %.6f in\n%s" % (label, value, text))


def check_stats_tree(tshark, capture, rows):
    for two_pass in (False, True):
        text = tshark.stdout(capture, "-q", "-z", "tcplife.summary,tree", two_pass=two_pass)
        counts = {}
        section = None
        for line in text.splitlines():
            match = re.match(r"^( ?)(\S[^ ]*(?: [^ ]+)*?) {2,}(\d+)", line)
            if not match:
                continue
            if match.group(1) == "":
                section = match.group(2)
                counts[(section, None)] = int(match.group(3))
            else:
                counts[(section, match.group(2))] = int(match.group(3))
        for section, column, values in (("Handshake", "handshake", HANDSHAKES), ("Close", "close", CLOSES)):
            if counts.get((section, None)) != len(rows):
                fail("stats tree %s total %r, %d conversations" % (section, counts.get((section, None)),
                                                                           len(rows)))
            for value in values:
                expected = sum(r[column] == value for r in rows)
                if counts.get((section, value), 0) != expected:
                    fail("stats tree %s/%s = %r, CSV %d (-2: %s)" % (section, value,
                                                                             counts.get((section, value)),
                                                                             expected, two_pass))


def check_ladder(capture, text, rows, expected_folder):
    streams = [int(m) for m in re.findall(r"^Stream (\d+): ", text, re.M)]
    if streams != [int(r["stream"]) for r in rows]:
        fail("ladders for streams %s, CSV rows %s" % (streams, [r["stream"] for r in rows]))
    too_long = [line for line in text.splitlines() if len(line) > 80]
    if too_long:
        fail("ladder lines over 80 columns: %r" % too_long[:3])
    expected = os.path.join(expected_folder, capture_stem(os.path.basename(capture)) + ".txt")
    if os.path.exists(expected):
        golden.compare_text(text, expected)


def check_capture(tshark, capture, expected_ladders):
    csv_text = report(tshark, capture, "csv")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    check_csv_matches_fields(rows, streams_from_fields(tshark, capture))
    check_table_matches_csv(report(tshark, capture, "conv"), rows)
    check_zeek_log(report(tshark, capture, "zeek"), rows)
    check_summary(report(tshark, capture, "summary"), rows)
    check_stats_tree(tshark, capture, rows)
    check_ladder(capture, report(tshark, capture, "ladder"), rows, expected_ladders)
    return len(rows)


def check_filters(tshark, captures, generated):
    capture = tshark.capture(os.path.join(captures, "port-reuse.pcap"))
    rows = list(csv.DictReader(io.StringIO(tshark.stdout(capture, "-q", "-z", "tcplife,csv,tcp.stream == 1"))))
    assert [r["stream"] for r in rows] == ["1"], rows
    # A conversation-field filter in a -2 run selects by final verdict.
    capture = tshark.capture(generated or os.path.join(captures, "time-wait-reuse.pcap"))
    everything = list(csv.DictReader(io.StringIO(tshark.stdout(capture, "-q", "-z", "tcplife,csv",
                                                               two_pass=True))))
    for verdict in ("complete", "rejected"):
        chosen = tshark.stdout(capture, "-q", "-z", 'tcplife,csv,tcplife.conv.handshake == "%s"' % verdict,
                     two_pass=True)
        expected = [r["stream"] for r in everything if r["handshake"] == verdict]
        assert expected or not generated, "the generated capture has no %s handshake" % verdict
        assert [r["stream"] for r in csv.DictReader(io.StringIO(chosen))] == expected, chosen
    # A ladder is drawn whole even when only one of its segments matches.
    port_reuse = tshark.capture(os.path.join(captures, "port-reuse.pcap"))
    text = tshark.stdout(port_reuse, "-q", "-z", "tcplife,ladder,tcp.stream == 1 && tcp.flags.fin == 1")
    assert re.findall(r"^Stream \d+", text, re.M) == ["Stream 1"] and "handshake 1/3" in text, text
    tshark.refused_report(port_reuse, "tcplife,ladder,tcp.nonsense == 1", "nonsense")
    text = tshark.stdout(capture, "-q", "-z", "tcplife,conv,tcp.srcport == 1")
    assert "Filter: tcp.srcport == 1" in text and "TCP Lifecycle conversations: 0" in text, text
    tshark.refused_report(capture, "tcplife,summary,tcp.nonsense == 1", "nonsense")


def generated_capture(generator, folder):
    path = os.path.join(folder, "generated.pcap")
    subprocess.run([generator, "--out", path, "--seed", "7", "--conversations", "300", "--rate", "100",
                    "--pre-window", "2", "--ipv6-share", "0.3"], check=True, stdout=subprocess.DEVNULL)
    return path


def check_all(tshark, options, results):
    with tempfile.TemporaryDirectory() as folder:
        generated = generated_capture(options.generator, folder) if options.generator else None
        paths = sample_captures(options.captures, leave_out=["truncated-file.pcap"])
        if generated:
            paths.append(generated)
        for path in paths:
            results.check(os.path.basename(path), check_capture, tshark, tshark.capture(path),
                          options.expected_ladders, says="%d conversations")
        results.check("filters", check_filters, tshark, options.captures, generated)


def add_options(parser):
    parser.add_argument("--expected-ladders", required=True, help="reviewed ladders, <capture>.txt")
    parser.add_argument("--generator", help="tcplife_corpus, for a capture that is not in the repository")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__, check_all, add_options))
