#!/usr/bin/env python3
"""The GUI's Statistics → TCP Lifecycle → Conversations table, as tshark prints it.

The dialog is Wireshark's stat tap table UI; `-z tcplife,conversations[,filter]` prints
the same table (tshark's simple-table format). For every sample capture:
  1. one pass and -2 print the same table;
  2. it has exactly the rows of `-z tcplife,conv` (whose values the golden files and
     check_reports.py check), with the same cell in every column, numbers printed as
     numbers (the dialog sorts them as numbers);
  3. with a display filter, exactly the conversations `-z tcplife,conv,<filter>` lists.
"""
import re
import sys

import tshark_runner
from tshark_runner import columns_table, fail, sample_captures, unified_diff

TABLE_TITLE = "Conversations"
# A filter that chooses some conversations of most captures and none of others.
FILTER = "tcp.flags.reset == 1 || tcplife.close.step == 4"


def dialog_rows(output):
    """The simple table's heading and rows: "cell |cell |...", after the table's title."""
    lines = output.splitlines()
    try:
        heading = next(i for i, line in enumerate(lines) if line.startswith("Stream |"))
    except StopIteration:
        fail("no table heading in:\n" + output)
    if lines[heading + 1] != TABLE_TITLE:
        fail("the table's title is %r, not %r" % (lines[heading + 1], TABLE_TITLE))
    names = [cell.strip() for cell in lines[heading].split(" |")[:-1]]
    rows = []
    for line in lines[heading + 2:]:
        if line.startswith("===="):
            return names, rows
        cells = line.split(" |")[:-1]
        if len(cells) != len(names):
            fail("row has %d cells for %d columns: %r" % (len(cells), len(names), line))
        rows.append(dict(zip(names, cells)))
    fail("the table does not end")


def report(tshark, capture, argument, two_pass=True):
    """A -z report's output; a capture cut short still reports what it holds."""
    result = tshark.run(*(["-2"] if two_pass else []), "-r", capture, "-q", "-z", argument)
    if result.returncode != 0 and "cut short" not in result.stderr:
        fail("tshark -z %s failed: %s" % (argument, result.stderr))
    return result.stdout


def people_rows(tshark, capture, argument):
    return columns_table(report(tshark, capture, argument).splitlines(), "Stream")


NUMBER_COLUMNS = {"Stream": r"\d+", "Bytes c>s": r"\d+", "Bytes s>c": r"\d+",
                  "Start": r"\d+\.\d{6}", "Duration": r"\d+\.\d{6}"}


def check_capture(tshark, capture):
    table = report(tshark, capture, "tcplife,conversations", two_pass=False)
    if report(tshark, capture, "tcplife,conversations") != table:
        fail("-z tcplife,conversations differs between one pass and -2")
    names, rows = dialog_rows(table)
    expected = people_rows(tshark, capture, "tcplife,conv")
    if expected and names != list(expected[0].keys()):
        fail("columns %s, -z tcplife,conv has %s" % (names, list(expected[0].keys())))
    for row in rows:
        for name, pattern in NUMBER_COLUMNS.items():
            if not re.fullmatch(pattern, row[name]):
                fail("column %s holds %r, not a number" % (name, row[name]))
    # The dialog adds a row when a conversation's first segment passes; Wireshark sorts it.
    rows.sort(key=lambda row: int(row["Stream"]))
    if rows != expected:
        fail("the dialog's rows differ from -z tcplife,conv:\n" + unified_diff(
            "".join("%s\n" % row for row in expected), "".join("%s\n" % row for row in rows),
            "-z tcplife,conv", "-z tcplife,conversations"))
    _, filtered = dialog_rows(report(tshark, capture, "tcplife,conversations," + FILTER))
    wanted = [row["Stream"] for row in people_rows(tshark, capture, "tcplife,conv," + FILTER)]
    if sorted(row["Stream"] for row in filtered) != sorted(wanted):
        fail("with %r the dialog lists streams %s, -z tcplife,conv %s" % (
            FILTER, [row["Stream"] for row in filtered], wanted))
    return len(rows), len(filtered)


def check_all(tshark, options, results):
    listed = chosen = 0
    for capture in sample_captures(options.captures):
        counts = results.check(capture.rsplit("/", 1)[-1], check_capture, tshark, tshark.capture(capture),
                               says="%d conversations, %d chosen by the filter")
        listed += counts[0] if counts else 0
        chosen += counts[1] if counts else 0
    # Empty tables everywhere, or a filter that chose nothing anywhere, would check nothing.
    results.check("some conversations listed and some chosen",
                  lambda: (listed > 0 and chosen > 0) or fail("%d listed, %d chosen" % (listed, chosen)))


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all))
