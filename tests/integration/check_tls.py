#!/usr/bin/env python3
"""TLS handshake flights on the TCP timeline (tcplife.tls.step, tcplife.tls.messages, the
[TLS k/n] Info mark), against reviewed files in expected-tls/.

Each <capture>.tls is written by hand from the capture's TLS listing (tshark's own Info
column and tls.handshake.* fields, without tcplife): a flight is one side's run of
handshake records, the first is the ClientHello, and the handshake ends with the segment
holding the second Finished (or an alert). Rows, tab-separated:
  FRAME  STEP  EXPECTED  MESSAGES
EXPECTED is the flights the handshake takes as known at that segment (the ClientHello's
offered versions, then the ServerHello's choice). Frames not listed carry no step.
  conv  STREAM  FIELD  VALUE   -- tcplife.conv.tls.FIELD on the stream's last segment
                                  ("-": absent), from tshark's TLS fields and frame times
Every tcplife.conv.tls field of every TLS stream is listed.
  expert  FRAME  TEXT          -- a TLS expert message on FRAME starts with TEXT (-2 run);
                                  every TLS expert message of the capture is listed, in order

The reports must say the same as those rows: -z tcplife,csv's tls_* columns and
-z tcplife,conv's TLS column are the conv rows (times to the microsecond), -z tcplife,summary
counts their outcomes and versions, and -z tcplife,ladder (which follows TLS without the
preference) labels every listed frame "TLS STEP/N: MESSAGES", N being the stream's last
EXPECTED (the ladder is drawn after the capture), and no other frame.

expected-ssl/<capture>.ssl is the reviewed -z tcplife,ssl (Zeek ssl.log) of the capture,
which follows TLS without the preference; its uid column must be conn.log's for the
same connection (-z tcplife,zeek).

Every run sets the preference tcplife.tls_handshakes (off by default: it makes every first
pass build a tree). The same output is required of the one-pass and the -2 run, and of a
run with a display filter (-Y). Without the preference no TLS field appears.
"""
import csv
import io
import os
import re
import sys

import golden
import tshark_runner
from tshark_runner import fail, field_options

FIELDS = ["frame.number", "tcplife.tls.step", "tcplife.tls.messages", "_ws.col.Info"]
CONVERSATION = ["handshake", "version", "steps", "time", "after_tcp", "sni", "alpn", "cipher", "alert"]
CONVERSATION_FIELDS = ["tcp.stream"] + ["tcplife.conv.tls." + name for name in CONVERSATION]
FOLLOW_TLS = ("-o", "tcplife.tls_handshakes:TRUE")
TLS_MARK = re.compile(r" \[TLS (\d+)/(\d+)\]")


def observed(stdout):
    rows = []
    for line in stdout.splitlines():
        frame, step, messages, info = (line.split("\t") + ["", "", ""])[:4]
        marks = TLS_MARK.findall(info)
        if not step and not marks:
            continue
        if len(marks) != 1 or marks[0][0] != step:
            fail("frame %s: tcplife.tls.step %r but Info marks %r" % (frame, step, marks))
        rows.append("\t".join([frame, step, marks[0][1], messages]))
    return rows


def expected_rows(path):
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]


def conversation_values(stdout):
    """Each stream's tcplife.conv.tls values on its last segment, as conv rows."""
    last = {}
    for line in stdout.splitlines():
        values = (line.split("\t") + [""] * len(CONVERSATION_FIELDS))[:len(CONVERSATION_FIELDS)]
        if values[0]:
            last[int(values[0])] = values[1:]
    rows = []
    for stream, values in sorted(last.items()):
        if values[0] in ("", "none"):
            continue
        rows += ["\t".join(["conv", str(stream), name, value or "-"]) for name, value in zip(CONVERSATION, values)]
    return rows


def check_conversations(tshark, capture, wanted):
    options = field_options(CONVERSATION_FIELDS, occurrence="f", separator="/t")
    one_pass, two_pass = tshark.passes(capture, *FOLLOW_TLS, *options)
    for name, result in (("one pass", one_pass), ("-2", two_pass)):
        actual = conversation_values(result.stdout)
        if actual != wanted:
            fail("%s: conversation values differ:\n%s" % (name, tshark_runner.unified_diff(
                "\n".join(wanted) + "\n", "\n".join(actual) + "\n", "expected", "tshark")))


def check_experts(tshark, capture, wanted):
    """The -2 run's TLS expert messages, in frame order, against the expert rows."""
    stdout = tshark.stdout(capture, *FOLLOW_TLS, *field_options(["frame.number", "_ws.expert.message"],
                                                                occurrence="a", aggregator="|", separator="/t"),
                           two_pass=True)
    actual = []
    for line in stdout.splitlines():
        frame, _, messages = line.partition("\t")
        actual += [(frame, message) for message in messages.split("|") if message.startswith("TLS ")]
    expected = [tuple(row.split("\t")[1:3]) for row in wanted]
    if len(actual) != len(expected) or any(
            frame != want_frame or not message.startswith(prefix)
            for (frame, message), (want_frame, prefix) in zip(actual, expected)):
        fail("TLS expert messages differ:\n%s" % tshark_runner.unified_diff(
            "\n".join("\t".join(row) for row in expected) + "\n",
            "\n".join("\t".join(row) for row in actual) + "\n", "expected (prefixes)", "tshark"))


def check_capture(tshark, capture, expectation):
    options = field_options(FIELDS, occurrence="a", aggregator="|", separator="/t")
    one_pass, two_pass = tshark.passes(capture, *FOLLOW_TLS, *options)
    hidden = tshark.run("-r", capture, "-Y", "frame", *FOLLOW_TLS, *options)
    for name, result in (("one pass", one_pass), ("-2", two_pass), ("-Y frame", hidden)):
        if result.returncode != 0:
            fail("%s: tshark failed: %s" % (name, result.stderr))
    if two_pass.stdout != one_pass.stdout or hidden.stdout != one_pass.stdout:
        fail("one pass, -2 and -Y differ:\n%s%s" % (
            tshark_runner.unified_diff(one_pass.stdout, two_pass.stdout, "one pass", "-2"),
            tshark_runner.unified_diff(one_pass.stdout, hidden.stdout, "one pass", "-Y frame")))
    rows = expected_rows(expectation)
    check_conversations(tshark, capture, [row for row in rows if row.startswith("conv\t")])
    check_experts(tshark, capture, [row for row in rows if row.startswith("expert\t")])
    actual = observed(one_pass.stdout)
    wanted = [row for row in rows if not row.startswith(("conv\t", "expert\t"))]
    if actual != wanted:
        fail("differs from %s:\n%s" % (expectation, tshark_runner.unified_diff(
            "\n".join(wanted) + "\n", "\n".join(actual) + "\n", expectation, "tshark")))
    check_reports(tshark, capture, [row for row in rows if row.startswith("conv\t")], wanted)
    return len(actual)


def conversation_rows(rows):
    """{stream: {field: value}} of the expectation's conv rows ("-" for absent)."""
    streams = {}
    for row in rows:
        _, stream, name, value = row.split("\t", 3)
        streams.setdefault(int(stream), {})[name] = value
    return streams


def same_time(csv_value, expected):
    """A CSV time (microseconds) against an expected field value (nanoseconds) or '-'."""
    if expected == "-":
        return csv_value == ""
    return csv_value != "" and abs(float(csv_value) - float(expected)) < 0.0000005


def check_csv(tshark, capture, conversations):
    text = tshark.same_in_both_passes(capture, *FOLLOW_TLS, "-q", "-z", "tcplife,csv")
    records = list(csv.DictReader(io.StringIO(text[text.index("stream,"):])))
    for record in records:
        wanted = conversations.get(int(record["stream"]), {"handshake": "none"})
        for name in CONVERSATION:
            value, expected = record["tls_" + name], wanted.get(name, "-")
            good = same_time(value, expected) if name in ("time", "after_tcp") else \
                value == ("" if expected == "-" else expected)
            if not good:
                fail("stream %s: CSV tls_%s %r, expected %r" % (record["stream"], name, value, expected))
    return records


def check_people_table(tshark, capture, conversations):
    text = tshark.same_in_both_passes(capture, *FOLLOW_TLS, "-q", "-z", "tcplife,conv")
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("Stream  "))
    column = lines[heading].index("  TLS  ") + 2
    for line in lines[heading + 1:-1]:
        stream = int(line.split()[0])
        wanted = conversations.get(stream, {"handshake": "none"})
        version = wanted.get("version", "-")
        shown = (version + " " if version != "-" else "") + wanted["handshake"]
        if not line[column:].startswith(shown + " "):
            fail("stream %d: the conv table's TLS column reads %r, expected %r" % (stream, line[column:], shown))


def check_summary(tshark, capture, records):
    text = tshark.same_in_both_passes(capture, *FOLLOW_TLS, "-q", "-z", "tcplife,summary")
    tls = text[text.index("TLS handshake\n"):]
    for outcome in ("none", "incomplete", "complete", "resumed", "alert"):
        count = sum(record["tls_handshake"] == outcome for record in records)
        if not re.search(r"^  %s +%d " % (outcome, count), tls, re.M):
            fail("summary: %d %s TLS handshakes expected in:\n%s" % (count, outcome, tls))
    for version in sorted({record["tls_version"] for record in records if record["tls_version"]}):
        count = sum(record["tls_version"] == version for record in records)
        if not re.search(r"^  %s +%d " % (re.escape(version), count), tls, re.M):
            fail("summary: %d conversations of %s expected in:\n%s" % (count, version, tls))


LADDER_FRAME = re.compile(r"^ *(\d+) +-?\d+\.\d+ ")
LADDER_TLS = re.compile(r"TLS (\d+)/(\d+): (.*?)(?:, TLS handshake (?:complete|failed))?$")


def ladder_labels(text):
    """[(stream, frame, step, steps, messages)] of the ladder's TLS labels, in order."""
    labels, stream, frame, middle = [], None, None, []

    def close_frame():
        found = LADDER_TLS.search(" ".join(part for part in middle if part))
        if frame is not None and found:
            labels.append((stream, frame, found.group(1), found.group(2), found.group(3)))

    for line in text.splitlines():
        started = re.match(r"^Stream (\d+): ", line)
        numbered = LADDER_FRAME.match(line)
        if started or numbered or not line.strip() or line.startswith("===="):
            close_frame()
            frame, middle = None, []
        if started:
            stream = int(started.group(1))
        elif numbered:
            frame = numbered.group(1)
        elif frame is not None and len(line) > 30 and line[29] in "|:":
            middle.append(line[30:66].strip())
    close_frame()
    return labels


def check_ladder(tshark, capture, steps):
    labels = ladder_labels(tshark.same_in_both_passes(capture, "-q", "-z", "tcplife,ladder"))
    last_expected = {}
    for stream, frame, _, _, _ in labels:
        last_expected[stream] = None
    frames_of = {frame: stream for stream, frame, _, _, _ in labels}
    for row in steps:
        frame, _, expected, _ = row.split("\t")
        if frame in frames_of:
            last_expected[frames_of[frame]] = expected
    wanted = []
    for row in steps:
        frame, step, _, messages = row.split("\t")
        stream = frames_of.get(frame)
        wanted.append("\t".join([frame, step, last_expected.get(stream) or "?", messages]))
    actual = ["\t".join([frame, step, steps_shown, messages]) for _, frame, step, steps_shown, messages in labels]
    if actual != wanted:
        fail("ladder TLS labels differ:\n%s" % tshark_runner.unified_diff(
            "\n".join(wanted) + "\n", "\n".join(actual) + "\n", "expected", "ladder"))


def check_reports(tshark, capture, rows, steps):
    conversations = conversation_rows(rows)
    records = check_csv(tshark, capture, conversations)
    check_people_table(tshark, capture, conversations)
    check_summary(tshark, capture, records)
    check_ladder(tshark, capture, steps)


def conn_uids(tshark, capture):
    """conn.log's uid per (orig_h, orig_p, resp_h, resp_p)."""
    uids = {}
    for line in tshark.stdout(capture, "-q", "-z", "tcplife,zeek").splitlines():
        if line.startswith("#"):
            continue
        cells = line.split("\t")
        uids[tuple(cells[2:6])] = cells[1]
    return uids


def check_ssl_log(tshark, capture, expectation):
    log = tshark.same_in_both_passes(capture, "-q", "-z", "tcplife,ssl")
    uids = conn_uids(tshark, capture)
    lines = []
    for line in log.splitlines():
        cells = line.split("\t")
        if not line.startswith("#"):
            if uids.get(tuple(cells[2:6])) != cells[1]:
                fail("ssl.log uid %s is not conn.log's (%s)" % (cells[1], uids.get(tuple(cells[2:6]))))
            cells[1] = "(conn.log uid)"
        lines.append("\t".join(cells))
    golden.compare_text("\n".join(lines) + "\n", expectation)
    return sum(1 for line in lines if not line.startswith("#"))


def check_all(tshark, options, results):
    golden.check_expectations(results, tshark, options.captures, options.expected, ".tls", check_capture,
                              says="%d segments with a step")
    golden.check_expectations(results, tshark, options.captures, options.expected_ssl, ".ssl", check_ssl_log,
                              says="ssl.log: %d records")
    results.check("no TLS step on a capture without TLS", no_steps_without_tls, tshark, options)
    results.check("no TLS field without the preference", nothing_without_preference, tshark, options)


def no_steps_without_tls(tshark, options):
    capture = os.path.join(options.captures, "client-close-four-way.pcap")
    result = tshark.run("-r", capture, *FOLLOW_TLS,
                        *field_options(["tcplife.tls.step", "tcplife.conv.tls.handshake"]))
    if result.returncode != 0 or set(result.stdout.splitlines()) != {"\tnone"}:
        fail("tcplife.tls.step and tcplife.conv.tls.handshake on %s: %r" % (capture, result.stdout))


def nothing_without_preference(tshark, options):
    capture = os.path.join(options.captures, "tls12-ecdhe.pcap")
    result = tshark.run("-r", capture, *field_options(["tcplife.tls.step", "tcplife.conv.tls.handshake",
                                                       "tcplife.stream"]))
    lines = set(result.stdout.splitlines())
    if result.returncode != 0 or lines != {"\t\t0"}:
        fail("without tcplife.tls_handshakes, %s shows TLS fields: %r" % (capture, sorted(lines)))
    info = tshark.stdout(capture)
    if "[TLS " in info:
        fail("without tcplife.tls_handshakes, the summary lines carry TLS marks")


def add_options(parser):
    parser.add_argument("--expected", required=True, help="the reviewed expected-tls/ folder")
    parser.add_argument("--expected-ssl", required=True, help="the reviewed expected-ssl/ folder")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all, add_options))
