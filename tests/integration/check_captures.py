#!/usr/bin/env python3
"""Golden-file tests: tshark with tcplife over every sample capture.

For each expected/<capture>.expect (written by hand from the capture's packet listing
and reviewed against the RFC 9293 ladders), run tshark one-pass and two-pass (-2):
  1. both runs must print exactly the same fields, expert messages and Info column;
  2. every frame must match its expectation row.
Expectation rows, tab-separated:
  FRAMES  SENDER  HS  CLOSE  MERGED  ATTEMPT  CLIENT_PREV  CLIENT  SERVER_PREV  SERVER
FRAMES is "7" or "4-120"; "-" means the field is absent, "*" any value; SENDER "none"
means the frame carries no tcplife tree at all, "incomplete" that tcplife reports the
TCP header as too short to analyse (then the other columns are omitted).
  expert  FRAME  TEXT   -- some expert message on FRAME starts with TEXT (in the -2 run)
  stderr  TEXT          -- tshark's stderr contains TEXT (e.g. a cut-short file)
  conv / conv@ / anomaly lines, version guards ("4.2+", "<4.2"): see conversation_expectations.py
Every frame of the capture must be covered by exactly one row.
"""
import re
import sys

import conversation_expectations as conversation
import golden
import tshark_runner
from tshark_runner import fail_with, field_options

FIELDS = ["frame.number", "tcplife.sender", "tcplife.handshake.step", "tcplife.close.step",
          "tcplife.close.merged", "tcplife.retransmission", "tcplife.client.state_prev",
          "tcplife.client.state", "tcplife.server.state_prev", "tcplife.server.state",
          "tcplife.stream", "_ws.expert.message", "_ws.col.Info", "tcp.stream"] + conversation.TSHARK_FIELDS
# Conversation values are "known so far" in a one-pass run and final with -2, by design.
# TCP's own stream index is Wireshark's to keep: it is compared with tcplife's, not between passes.
PER_SEGMENT_FIELDS = [field for field in FIELDS if field not in conversation.TSHARK_FIELDS + ["tcp.stream"]]
INCOMPLETE_MESSAGE = "TCP header incomplete"
# tcplife's own Info-column marks; the rest of the Info column is Wireshark's, which may
# legitimately differ between passes (reassembly), so only these are compared.
TCPLIFE_MARK = re.compile(r"\[(?:(?:HS|FIN|ACK|FIN\+ACK) [^\]]*|TIME_WAIT|RST|REFUSED|MID-STREAM|SIMULTANEOUS)\]")
# tcplife's per-segment messages; the end-of-capture ones (SYN never answered, CLOSE_WAIT at
# the end, half-open) appear only once the whole capture is known (-2).
TCPLIFE_MESSAGE = re.compile(r"(Handshake step|Close step|FIN\+ACK merged|Simultaneous close|Connection reset by"
                             r"|Connection refused|Capture began mid-stream|TCP header incomplete"
                             r"|The SYN(-ACK)? carries data|Data from the|Segment from the|RST reaches the"
                             r"|New SYN on a 4-tuple|Window scale above|Capture time goes backwards|RST from the"
                             r"|SYN captured after|The \w+ acknowledges the|SYN-ACK not captured"
                             r"|Handshake ACK not captured)")
COLUMNS = ["sender", "hs", "close", "merged", "attempt", "client_prev", "client", "server_prev", "server"]


def run_fields(tshark, capture):
    """The one-pass and the -2 run, whatever their exit status (a cut-short file is one of the samples)."""
    return tshark.passes(capture, *field_options(FIELDS, occurrence="a", aggregator="|", separator="/t"))


def parse_output(stdout):
    frames = {}
    for line in stdout.splitlines():
        values = line.split("\t")
        values += [""] * (len(FIELDS) - len(values))
        row = dict(zip(FIELDS, values))
        frames[int(row["frame.number"])] = row
    return frames


def streams_unlike_tcps(stdout):
    """The frames whose tcplife.stream is not TCP's stream index for the frame's first TCP
    layer (the one tcplife reads): tcplife takes each segment's stream from TCP's conversation."""
    return [frame for frame, row in parse_output(stdout).items()
            if row["tcplife.stream"] and row["tcplife.stream"] != row["tcp.stream"].split("|")[0]]


def tcplife_view(stdout):
    """Every tcplife field, expert message and Info mark per frame (other dissectors'
    experts and Info text may differ between passes, e.g. ICMP request/response)."""
    view = []
    for full_row in parse_output(stdout).values():
        row = {field: full_row[field] for field in PER_SEGMENT_FIELDS}
        info = row.pop("_ws.col.Info")
        messages = [m for m in row.pop("_ws.expert.message").split("|") if TCPLIFE_MESSAGE.match(m)]
        view.append((row, messages, TCPLIFE_MARK.findall(info)))
    return view


def parse_expectations(path, version):
    rows, experts, stderr_texts, conversation_entries = [], [], [], []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            applies, cells = conversation.version_guard(line.split("\t"), version)
            if not applies:
                continue
            if conversation.is_conversation_line(cells):
                conversation_entries.append(conversation.parse_line(cells, path, number))
            elif cells[0] == "expert":
                experts.append((int(cells[1]), cells[2], number))
            elif cells[0] == "stderr":
                stderr_texts.append(cells[1])
            else:
                first, _, last = cells[0].partition("-")
                frames = range(int(first), int(last or first) + 1)
                if cells[1] in ("none", "incomplete"):
                    rows.append((frames, cells[1], number))
                elif len(cells) != 1 + len(COLUMNS):
                    raise ValueError("%s:%d: expected %d columns" % (path, number, 1 + len(COLUMNS)))
                else:
                    rows.append((frames, dict(zip(COLUMNS, cells[1:])), number))
    return rows, experts, stderr_texts, conversation_entries


def actual_columns(row):
    def value(field):
        return row[field] if row[field] != "" else "-"
    return {"sender": value("tcplife.sender"), "hs": value("tcplife.handshake.step"),
            "close": value("tcplife.close.step").replace("|", ","),
            "merged": "yes" if row["tcplife.close.merged"] else "-",
            "attempt": value("tcplife.retransmission"),
            "client_prev": value("tcplife.client.state_prev"), "client": value("tcplife.client.state"),
            "server_prev": value("tcplife.server.state_prev"), "server": value("tcplife.server.state")}


def check_capture(tshark, capture, expect_path):
    problems = []
    one, two = run_fields(tshark, capture)
    if tcplife_view(one.stdout) != tcplife_view(two.stdout):
        problems.append("one-pass and -2 outputs differ")
    for name, run in (("one-pass", one), ("-2", two)):
        unlike = streams_unlike_tcps(run.stdout)
        if unlike:
            problems.append("%s: tcplife.stream is not tcp.stream at frames %s" % (name, unlike[:10]))
    for run in (one, two):
        if "tcplife" in run.stderr.lower() or "plugin" in run.stderr.lower():
            problems.append("tshark complains about the plugin: " + run.stderr.strip())
    rows, experts, stderr_texts, conversation_entries = parse_expectations(expect_path, tshark.version)
    frames = parse_output(one.stdout)
    final_frames = parse_output(two.stdout)
    problems += conversation.check(frames, final_frames, conversation_entries)
    if not frames:
        problems.append("tshark printed no frames: " + one.stderr.strip())
    for text in stderr_texts:
        if text not in one.stderr:
            problems.append("stderr lacks %r (got %r)" % (text, one.stderr.strip()))

    covered = {}
    for frame_range, expected, line in rows:
        for frame in frame_range:
            if frame in covered:
                problems.append("frame %d listed twice (lines %d and %d)" % (frame, covered[frame], line))
            covered[frame] = line
            row = frames.get(frame)
            if row is None:
                problems.append("line %d: frame %d not in the capture" % (line, frame))
                continue
            if expected in ("none", "incomplete"):
                if row["tcplife.sender"] or row["tcplife.stream"]:
                    problems.append("frame %d: expected no per-segment fields, got sender %r" %
                                    (frame, row["tcplife.sender"]))
                reported = INCOMPLETE_MESSAGE in row["_ws.expert.message"]
                if reported != (expected == "incomplete"):
                    problems.append("frame %d: expected %s, expert messages %r" %
                                    (frame, expected, row["_ws.expert.message"]))
                continue
            actual = actual_columns(row)
            for column in COLUMNS:
                if expected[column] != "*" and expected[column] != actual[column]:
                    problems.append("frame %d %s: expected %s, got %s (line %d)" %
                                    (frame, column, expected[column], actual[column], line))
    for frame in sorted(set(frames) - set(covered)):
        problems.append("frame %d has no expectation row" % frame)
    for frame, text, line in experts:
        messages = final_frames.get(frame, {}).get("_ws.expert.message", "").split("|")
        if not any(message.startswith(text) for message in messages):
            problems.append("frame %d: no expert message starting %r (line %d); got %r" %
                            (frame, text, line, messages))
    fail_with(problems, limit=40)


def check_all(tshark, options, results):
    golden.check_expectations(results, tshark, options.captures, options.expected, ".expect", check_capture)
    results.check("every capture has its .expect", golden.every_capture_is_expected, options.captures,
                  options.expected, ".expect")


def add_options(parser):
    parser.add_argument("--expected", required=True, help="the reviewed expectations, expected/")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all, add_options))
