"""Expectations about tcplife.conv.* and tcplife.anomaly, checked by check_captures.py.

Expectation lines (tab-separated) in expected/<capture>.expect:
  conv     STREAM  FIELD  VALUE   -- the final value of tcplife.conv.FIELD (e.g. "handshake",
                                     "close.initiator", "timeline"), which the -2 run must show on
                                     every frame of the stream; "-" = absent; several values are
                                     joined with ","
  conv@    FRAME   FIELD  VALUE   -- the value a one-pass run shows on FRAME (known so far)
  anomaly  FRAME   ID[,ID...]     -- exactly these anomalies on FRAME in the -2 run; frames without
                                     such a line have none
Any line may start with a version guard cell, "4.2+" (Wireshark 4.2 and later) or "<4.2"
(before 4.2): it holds only on those versions, and a comment beside it says what Wireshark
does differently there (see version_guard()).
Booleans are written 1/0 and absolute times as "Jan  1, 2024 00:01:00.213350000 UTC", as
Wireshark 4.0 prints them in -T fields; 4.2 and later print booleans as True/False, and 4.6
absolute times in ISO 8601, which value() reads back to the 4.0 spelling (differences of
printing, not of tcplife).
Every stream must state the REQUIRED fields. Checked besides: a one-pass run shows the same
anomalies minus the end-of-capture ones, and on each stream's last frame the same
conversation values as the -2 run.
"""
import re

from tshark_runner import is_version_guard, version_applies

FIELDS = ["handshake", "close", "close.initiator", "reset_by", "time_wait", "time_wait.until", "conn_state",
          "history", "client", "server", "frame.syn", "frame.synack", "frame.ack", "frame.fin1", "frame.last",
          "rtt.syn_synack", "rtt.synack_ack", "irtt", "duration", "close_duration", "mss.client", "mss.server",
          "wscale", "wscale.client", "wscale.server", "sack", "timestamps", "ecn", "tfo", "bytes.client",
          "bytes.server", "segments.client", "segments.server", "syn_retransmissions", "timeline"] + [
              counter + "." + side for counter in ("retransmissions", "retransmitted_bytes", "dup_acks", "zero_windows",
                                                   "out_of_order", "sack_segments", "ip_bytes")
              for side in ("client", "server")] + ["missed_bytes", "application"]
TSHARK_FIELDS = ["tcplife.conv." + field for field in FIELDS] + ["tcplife.anomaly"]
REQUIRED = ["handshake", "close", "close.initiator", "reset_by", "time_wait", "conn_state", "history"]
END_OF_CAPTURE = {"syn_unanswered", "unsolicited_synack", "close_wait_at_end", "half_open"}


def version_guard(cells, version):
    """(applies, cells without the guard) for an expectation line on Wireshark `version`."""
    if is_version_guard(cells[0]):
        return version_applies(cells[0], version), cells[1:]
    return True, cells


def is_conversation_line(cells):
    return cells[0] in ("conv", "conv@", "anomaly")


def parse_line(cells, path, number):
    if cells[0] == "anomaly" and len(cells) == 3:
        return ("anomaly", int(cells[1]), None, set(cells[2].split(",")), number)
    if cells[0] in ("conv", "conv@") and len(cells) == 4:
        if cells[2] not in FIELDS:
            raise ValueError("%s:%d: unknown conversation field %r" % (path, number, cells[2]))
        return (cells[0], int(cells[1]), cells[2], cells[3], number)
    raise ValueError("%s:%d: malformed %s line" % (path, number, cells[0]))


BOOLEAN_TEXT = {"True": "1", "False": "0"}
ISO_8601 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d\.\d+)\+0000$")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def printed_as_before_4_6(text):
    """4.6 prints absolute times in -T fields as ISO 8601 (2024-01-01T00:01:00.2+0000),
    earlier releases as "Jan  1, 2024 00:01:00.2 UTC"; expectations use the latter."""
    text = BOOLEAN_TEXT.get(text, text)
    match = ISO_8601.match(text)
    if match:
        year, month, day, clock = match.groups()
        text = "%s %2d, %s %s UTC" % (MONTHS[int(month) - 1], int(day), year, clock)
    return text


def value(row, field):
    text = row.get("tcplife.conv." + field, "")
    text = ",".join(printed_as_before_4_6(part) for part in text.split("|"))
    return text if text else "-"


def anomalies(row):
    text = row.get("tcplife.anomaly", "")
    return set(text.split("|")) if text else set()


def check(one, two, entries):
    """one, two: {frame: {tshark field: text}} from the one-pass and the -2 run."""
    problems = []
    streams = {}
    for frame, row in sorted(two.items()):
        if row.get("tcplife.conv.handshake"):
            streams.setdefault(int(row["tcplife.stream"]), []).append(frame)

    stated = {}
    for kind, key, field, expected, line in entries:
        if kind == "conv":
            stated.setdefault(key, set()).add(field)
            if key not in streams:
                problems.append("line %d: stream %d has no conversation fields" % (line, key))
            for frame in streams.get(key, []):
                if value(two[frame], field) != expected:
                    problems.append("-2 frame %d %s: expected %s, got %s (line %d)" %
                                    (frame, field, expected, value(two[frame], field), line))
                    break
        elif kind == "conv@":
            if value(one.get(key, {}), field) != expected:
                problems.append("one-pass frame %d %s: expected %s, got %s (line %d)" %
                                (key, field, expected, value(one.get(key, {}), field), line))
    for stream in streams:
        missing = [field for field in REQUIRED if field not in stated.get(stream, set())]
        if missing:
            problems.append("stream %d: no conv line for %s" % (stream, ", ".join(missing)))

    expected_anomalies = {key: ids for kind, key, _, ids, _ in entries if kind == "anomaly"}
    for frame in sorted(two):
        want = expected_anomalies.get(frame, set())
        got = anomalies(two[frame])
        if got != want:
            problems.append("-2 frame %d anomalies: expected %s, got %s" %
                            (frame, ",".join(sorted(want)) or "none", ",".join(sorted(got)) or "none"))
        one_got = anomalies(one.get(frame, {}))
        if one_got != got - END_OF_CAPTURE:
            problems.append("one-pass frame %d anomalies %s, -2 run %s: they may differ only by end-of-capture ones"
                            % (frame, ",".join(sorted(one_got)) or "none", ",".join(sorted(got)) or "none"))

    for stream, frames in streams.items():
        last = frames[-1]
        for field in FIELDS:
            if value(one.get(last, {}), field) != value(two[last], field):
                problems.append("stream %d, its last frame %d: one-pass %s is %s, -2 run says %s" %
                                (stream, last, field, value(one.get(last, {}), field), value(two[last], field)))
    return problems
