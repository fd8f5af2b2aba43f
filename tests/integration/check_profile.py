#!/usr/bin/env python3
"""Checks the "tcplife" configuration profile (profile/tcplife) as tshark sees it once
tools/install-profile.sh has put it in a private HOME: its columns show the expected
steps and states, every colouring rule compiles and matches the frames it is meant for,
rows take the first matching rule, Wireshark's defaults last, and the filter button names
every tcplife expert info."""
import csv
import os
import pty
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import tshark_runner
from tshark_runner import give_to_nobody

COLUMNS = ["No.", "Time", "Source", "Destination", "Protocol", "Sender", "HS", "Close", "TLS", "Client state",
           "Server state", "Conversation", "Info"]

# For each of our colouring rules, a capture and the frames it matches there with -2
# (the GUI shows final values). A new rule needs an entry here.
RULE_MATCHES = {
    "tcplife: RST in TIME_WAIT or ignored RST": ("time-wait-assassination.pcap", [14]),
    "tcplife: connection refused (RST answers SYN)": ("syn-closed-port.pcap", [1, 2]),
    "tcplife: connection reset": ("rst-abort-client.pcap", [8]),
    "tcplife: SYN never answered": ("syn-unanswered.pcap", [1, 2, 3, 4]),
    "tcplife: other anomaly": ("time-wait-assassination.pcap", [12, 14]),
    "tcplife: merged FIN+ACK (close steps 2+3)": ("merged-close.pcap", [9]),
    "tcplife: close complete, TIME_WAIT begins": ("simultaneous-close.pcap", [10, 11]),
    "tcplife: handshake step": ("merged-close.pcap", [1, 2, 3]),
    "tcplife: close step": ("merged-close.pcap", [8, 9, 10]),
}

# The rule that colours each frame: the first match wins, and frames none of ours
# matches fall through to Wireshark's defaults ("TCP", "Bad TCP").
ROW_COLOURS = {
    "merged-close.pcap": {1: "tcplife: handshake step", 4: "TCP", 8: "tcplife: close step",
                          9: "tcplife: merged FIN+ACK (close steps 2+3)",
                          10: "tcplife: close complete, TIME_WAIT begins"},
    "syn-closed-port.pcap": {1: "tcplife: connection refused (RST answers SYN)",
                             2: "tcplife: connection refused (RST answers SYN)"},
    "time-wait-assassination.pcap": {12: "tcplife: other anomaly", 13: "Bad TCP",
                                     14: "tcplife: RST in TIME_WAIT or ignored RST"},
    "syn-unanswered.pcap": {2: "tcplife: SYN never answered"},
}

check = tshark_runner.CheckList()


def read_rules(path):
    """(name, filter, (background, foreground)) per rule; colours as 8-bit triples."""
    rules = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("@"):
                continue
            _, name, display_filter, colours = line.rstrip("\n").split("@")
            values = [int(v) >> 8 for v in re.findall(r"\d+", colours)]
            rules.append((name, display_filter, (tuple(values[:3]), tuple(values[3:]))))
    return rules


def psml_rows(tshark, *args):
    """Each frame's columns, by title, as tshark prints them with -T psml."""
    result = tshark.run(*args, "-T", "psml")
    assert result.returncode == 0, result.stderr
    root = ElementTree.fromstring(result.stdout)
    titles = [section.text for section in root.find("structure")]
    assert titles == COLUMNS, titles
    rows = {}
    for packet in root.findall("packet"):
        values = dict(zip(titles, (section.text or "" for section in packet)))
        rows[int(values["No."])] = values
    return rows


def assert_steps(rows, expected):
    for frame, (sender, handshake, close, client, server) in expected.items():
        got = rows[frame]
        actual = (got["Sender"], got["HS"], got["Close"], got["Client state"], got["Server state"])
        assert actual == (sender, handshake, close, client, server), (frame, actual)


@check
def columns_on_merged_close(tshark, captures, profile):
    capture = tshark.capture(os.path.join(captures, "merged-close.pcap"))
    rows = psml_rows(tshark, "-C", "tcplife", "-r", capture)
    assert_steps(rows, {
        1: ("client", "1", "", "SYN_SENT", "LISTEN"),
        2: ("server", "2", "", "ESTABLISHED", "SYN_RECEIVED"),
        3: ("client", "3", "", "ESTABLISHED", "ESTABLISHED"),
        4: ("client", "", "", "ESTABLISHED", "ESTABLISHED"),
        8: ("client", "", "1", "FIN_WAIT_1", "CLOSE_WAIT"),
        9: ("server", "", "2,3", "TIME_WAIT", "LAST_ACK"),
        10: ("client", "", "4", "TIME_WAIT", "CLOSED"),
    })
    assert rows[9]["Info"].endswith("[FIN+ACK 2+3/4]"), rows[9]["Info"]
    # The verdict is final on every row with -2 (as in the GUI), known so far without.
    final = psml_rows(tshark, "-2", "-C", "tcplife", "-r", capture)
    assert {row["Conversation"] for row in final.values()} == {"complete,three-way"}
    assert rows[8]["Conversation"] == "complete,half-closed", rows[8]


@check
def tls_column_on_a_tls_handshake(tshark, captures, profile):
    """The profile follows TLS: its TLS column is each flight's step (expected-tls/tls13.tls)."""
    capture = tshark.capture(os.path.join(captures, "tls13.pcap"))
    rows = psml_rows(tshark, "-C", "tcplife", "-r", capture)
    steps = {frame: row["TLS"] for frame, row in rows.items() if row["TLS"]}
    assert steps == {4: "1", 6: "2", 8: "2", 10: "2", 12: "3"}, steps
    assert rows[1]["TLS"] == "" and rows[1]["HS"] == "1", rows[1]


@check
def columns_on_refused_and_reset(tshark, captures, profile):
    refused = tshark.capture(os.path.join(captures, "syn-closed-port.pcap"))
    rows = psml_rows(tshark, "-2", "-C", "tcplife", "-r", refused)
    assert_steps(rows, {1: ("client", "1", "", "SYN_SENT", "LISTEN"), 2: ("server", "", "", "CLOSED", "CLOSED")})
    assert rows[2]["Conversation"] == "rejected,none", rows[2]
    reset = tshark.capture(os.path.join(captures, "rst-abort-client.pcap"))
    rows = psml_rows(tshark, "-2", "-C", "tcplife", "-r", reset)
    assert_steps(rows, {8: ("client", "", "", "CLOSED", "CLOSED")})
    assert rows[8]["Conversation"] == "complete,reset", rows[8]


@check
def every_rule_compiles_and_matches(tshark, captures, profile):
    rules = read_rules(os.path.join(profile, "colorfilters"))
    names = [name for name, _, _ in rules]
    assert sorted(names) == sorted(RULE_MATCHES), "rules without a test case, or gone: %s" % names
    for name, display_filter, _ in rules:
        capture_name, frames = RULE_MATCHES[name]
        capture = tshark.capture(os.path.join(captures, capture_name))
        result = tshark.run("-2", "-r", capture, "-Y", display_filter, "-T", "fields", "-e", "frame.number")
        assert result.returncode == 0 and not result.stderr, (name, result.stderr)
        assert [int(n) for n in result.stdout.split()] == frames, (name, result.stdout)


def coloured_lines(tshark, capture):
    """frame number -> (background, foreground) of tshark --color's line. It colours only
    a terminal that says it takes 24-bit colour, hence the pty and COLORTERM."""
    command = tshark.command(["-2", "-C", "tcplife", "--color", "-r", capture])
    at = command.index("tshark")
    command[at:at] = ["COLORTERM=truecolor"]
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: tshark closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0 and not stderr, stderr
    colours = {}
    pattern = r"\x1b\[38;2;(\d+);(\d+);(\d+)m\x1b\[48;2;(\d+);(\d+);(\d+)m\s*(\d+) "
    for match in re.finditer(pattern, output.decode()):
        values = [int(v) for v in match.groups()]
        colours[values[6]] = (tuple(values[3:6]), tuple(values[0:3]))
    return colours


@check
def rows_take_the_first_matching_rule(tshark, captures, profile):
    installed = read_rules(os.path.join(tshark.home, ".config", "wireshark", "profiles", "tcplife", "colorfilters"))
    names_by_colour = {}
    for name, _, colours in installed:
        names_by_colour.setdefault(colours, []).append(name)
    assert "TCP" in names_by_colour.get(((231, 230, 255), (18, 39, 46)), []), "Wireshark's defaults not appended"
    for capture_name, expected in ROW_COLOURS.items():
        colours = coloured_lines(tshark, tshark.capture(os.path.join(captures, capture_name)))
        for frame, name in expected.items():
            assert name in names_by_colour.get(colours.get(frame), []), (capture_name, frame, name, colours.get(frame))


def read_buttons(path):
    """label -> filter of each filter button (Wireshark's "enabled","label","filter","comment")."""
    buttons = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            enabled, label, display_filter, comment = next(csv.reader([line], escapechar="\\"))
            assert enabled == "TRUE" and comment, line
            buttons[label] = display_filter
    return buttons


@check
def expert_button_names_every_tcplife_expert_info(tshark, captures, profile):
    buttons = read_buttons(os.path.join(tshark.home, ".config", "wireshark", "profiles", "tcplife",
                                        "dfilter_buttons"))
    assert list(buttons) == ["tcplife expert"], list(buttons)
    named = buttons["tcplife expert"].split(" || ")
    fields = tshark.run("-G", "fields")
    assert fields.returncode == 0, fields.stderr
    registered = [line.split("\t")[2] for line in fields.stdout.splitlines()
                  if line.split("\t")[2:3] and line.split("\t")[2].startswith("tcplife.expert.")]
    assert len(registered) > 30 and sorted(named) == sorted(registered), (
        "missing: %s; not registered: %s" % (sorted(set(registered) - set(named)), sorted(set(named) - set(registered))))
    # The handshake's three steps, the FIN, the merged FIN+ACK and the ACK before TIME_WAIT.
    capture = tshark.capture(os.path.join(captures, "merged-close.pcap"))
    result = tshark.run("-2", "-r", capture, "-Y", buttons["tcplife expert"], "-T", "fields", "-e", "frame.number")
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert [int(n) for n in result.stdout.split()] == [1, 2, 3, 8, 9, 10], result.stdout


def install_profile(tshark, source):
    profiles = os.path.join(tshark.home, ".config", "wireshark", "profiles")
    subprocess.run([os.path.join(source, "tools", "install-profile.sh"), profiles], check=True,
                   stdout=subprocess.DEVNULL)
    give_to_nobody(os.path.join(tshark.home, ".config"))


def check_all(tshark, options, results):
    install_profile(tshark, options.source)
    check.run_all(results, tshark, options.captures, os.path.join(options.source, "profile", "tcplife"))


def add_options(parser):
    parser.add_argument("--source", required=True, help="the project's top folder (profile/, tools/)")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all, add_options))
