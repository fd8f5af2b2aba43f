#!/usr/bin/env python3
"""tools/tcplife-batch over a directory of mixed captures.

The directory holds good captures (one gzipped, one pcapng, one in a subdirectory, one
without conversations), a truncated one, a text file named .pcap, a capture nobody may
read and a file without a capture name. The expectations come from tshark run here on
each file, never from the batch itself:

- the merged CSV is every readable file's `-z tcplife,csv` rows, in argument and name
  order, behind a `capture` column; the exit status is 1 and the failure report names
  exactly the three bad files with their reasons; the other file is listed as skipped;
- the Zeek log has one header whose #fields/#types end in `capture`, and every file's
  `-z tcplife,zeek` records with their capture appended, as many fields as #fields;
- the text table has one row per CSV row, every row with all its cells;
- -j 1 and -j 4 give the same bytes; progress only with --progress; -o writes the file;
- good files alone exit 0 with no report; --filter selects as `-z tcplife,csv,FILTER`;
  a bad filter stops the batch with exit status 2;
- --tls gives every TLS capture's `-o tcplife.tls_handshakes:TRUE -z tcplife,csv` rows, and
  the text table's TLS and TLS time columns are those rows' tls_version and tls_handshake,
  and tls_time; without --tls the tls_* columns are empty;
- --states-plot writes an SVG with a panel per capture, titled with its path, whose legend
  names exactly the live states that capture's `-z tcplife,states_csv,S` counts, in RFC order.
"""
import csv
import gzip
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

import tshark_runner
from tshark_runner import columns_table

BAD = {"truncated.pcap": "truncated, its 1 conversation kept", "x.pcap": "not a capture file",
       "locked.pcap": "permission denied"}


def build_folder(captures, root):
    """(arguments, capture paths in output order, good paths) for the mixed directory."""
    def sample(name):
        return os.path.join(captures, name)

    outside = os.path.join(root, "given-first.pcap")
    mixed = os.path.join(root, "mixed")
    os.makedirs(os.path.join(mixed, "sub"))
    shutil.copy(sample("rst-abort-client.pcap"), outside)
    with open(sample("ipv6.pcap"), "rb") as plain, gzip.open(os.path.join(mixed, "a-ipv6.pcap.gz"), "wb") as packed:
        packed.write(plain.read())
    shutil.copy(sample("merged-close.pcap"), os.path.join(mixed, "b-merged-close.pcap"))
    subprocess.run(["editcap", "-F", "pcapng", sample("simultaneous-close.pcap"), os.path.join(mixed, "c.pcapng")],
                   check=True)
    with open(sample("merged-close.pcap"), "rb") as source, open(os.path.join(mixed, "empty.pcap"), "wb") as empty:
        empty.write(source.read(24))  # the pcap file header alone: a capture of no packets
    shutil.copy(sample("port-reuse.pcap"), os.path.join(mixed, "sub", "port-reuse.pcap"))
    shutil.copy(sample("truncated-file.pcap"), os.path.join(mixed, "truncated.pcap"))
    with open(os.path.join(mixed, "x.pcap"), "w") as text:
        text.write("This is a text file, not a capture.\n")  # long enough: "hello\n" passes as MP4
    with open(os.path.join(mixed, "notes.txt"), "w") as text:
        text.write("not a capture name\n")
    shutil.copy(sample("merged-close.pcap"), os.path.join(mixed, "locked.pcap"))
    for folder, _, files in os.walk(root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    os.chmod(os.path.join(mixed, "locked.pcap"), 0)  # tshark runs as nobody when we are root
    order = [outside] + [os.path.join(mixed, name) for name in (
        "a-ipv6.pcap.gz", "b-merged-close.pcap", "c.pcapng", "empty.pcap", "locked.pcap",
        os.path.join("sub", "port-reuse.pcap"), "truncated.pcap", "x.pcap")]
    good = [path for path in order if os.path.basename(path) not in BAD]
    return [outside, mixed], order, good


def quoted(path):
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([path])
    return out.getvalue()


def direct(tshark, paths, report, bad_expected=True, options=()):
    """Per path, tshark's own report text and exit status."""
    outputs = {}
    for path in paths:
        result = tshark.run("-r", path, *options, "-q", "-z", report)
        failed = result.returncode != 0
        if failed != (os.path.basename(path) in BAD and bad_expected):
            raise AssertionError("tshark on %s: exit status %d: %s" % (path, result.returncode, result.stderr))
        outputs[path] = result.stdout
    return outputs


def expected_csv(outputs, order):
    header, lines = None, []
    for path in order:
        text = outputs[path].splitlines()
        if text:
            header = header or text[0]
            lines += [quoted(path) + "," + line for line in text[1:]]
    return "\n".join(["capture," + header] + lines) + "\n"


def expected_zeek_records(outputs, order):
    return [line + "\t" + path for path in order for line in outputs[path].splitlines()
            if line and not line.startswith("#")]


class Batch:
    def __init__(self, tool, tshark):
        self.command = [tool, "--tshark", shlex.join(tshark.command([]))]

    def run(self, *args):
        return subprocess.run(self.command + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=600)


def check_failure_report(stderr, order, mixed):
    match = re.search(r"^tcplife-batch: (\d+) of (\d+) captures failed:\n((?:  .*\n)*)", stderr, re.M)
    assert match, "no failure report in:\n" + stderr
    assert (int(match.group(1)), int(match.group(2))) == (len(BAD), len(order)), match.group(0)
    reported = {}
    for line in match.group(3).splitlines():
        path, reason = line.strip().split(": ", 1)
        reported[path] = reason
    assert sorted(reported) == sorted(p for p in order if os.path.basename(p) in BAD), reported
    for path, reason in reported.items():
        name = os.path.basename(path)
        assert reason.startswith(BAD[name] + " ("), "%s: %r, expected %r (tshark's message)" % (path, reason, BAD[name])
        assert name in reason, "%s: tshark's message does not name the file: %r" % (path, reason)
    skipped = "tcplife-batch: skipped 1 file without a capture name: %s\n" % os.path.join(mixed, "notes.txt")
    assert skipped in stderr, stderr


def check_csv(batch, tshark, arguments, order, folder):
    expected = expected_csv(direct(tshark, order, "tcplife,csv"), order)
    one = batch.run("-j", "1", "--format", "csv", *arguments)
    assert one.returncode == 1, "exit status %d\n%s" % (one.returncode, one.stderr)
    assert one.stdout == expected, "merged CSV:\n%s\nexpected:\n%s" % (one.stdout, expected)
    check_failure_report(one.stderr, order, arguments[1])
    assert "[1/" not in one.stderr, "progress without --progress on a pipe:\n" + one.stderr
    target = os.path.join(folder, "merged.csv")
    four = batch.run("-j", "4", "--progress", "--format", "csv", "-o", target, *arguments)
    assert four.returncode == 1 and four.stdout == "", (four.returncode, four.stdout)
    with open(target) as written:
        assert written.read() == one.stdout, "-j 4 -o differs from -j 1"
    progress = re.findall(r"^\[(\d+)/(\d+)\] (.*?): ", four.stderr, re.M)
    assert sorted(int(done) for done, _, _ in progress) == list(range(1, len(order) + 1)), four.stderr
    assert sorted(path for _, _, path in progress) == sorted(order), four.stderr
    return list(csv.DictReader(io.StringIO(one.stdout)))


def check_zeek(batch, tshark, arguments, order):
    runs = [batch.run("-j", jobs, "--format", "zeek", *arguments) for jobs in ("1", "4")]
    assert runs[0].stdout == runs[1].stdout, "zeek output differs between -j 1 and -j 4"
    assert runs[0].returncode == 1, runs[0].stderr
    lines = runs[0].stdout.splitlines()
    meta = {line.split("\t", 1)[0]: line.split("\t")[1:] for line in lines if line.startswith("#") and "\t" in line}
    assert lines[0] == "#separator \\x09" and meta["#path"] == ["conn"], lines[:6]
    assert meta["#fields"][-1] == "capture" and meta["#fields"][:2] == ["ts", "uid"], meta["#fields"]
    assert len(meta["#types"]) == len(meta["#fields"]) and meta["#types"][-1] == "string", meta["#types"]
    assert lines[-1].startswith("#close\t") and sum(line.startswith("#fields") for line in lines) == 1, lines
    records = [line for line in lines if not line.startswith("#")]
    for record in records:
        assert len(record.split("\t")) == len(meta["#fields"]), record
    expected = expected_zeek_records(direct(tshark, order, "tcplife,zeek"), order)
    assert records == expected, "conn.log records:\n%s\nexpected:\n%s" % ("\n".join(records), "\n".join(expected))


def check_text(batch, arguments, order, rows):
    runs = [batch.run("-j", jobs, "--format", "text", *arguments) for jobs in ("1", "4")]
    assert runs[0].stdout == runs[1].stdout, "text output differs between -j 1 and -j 4"
    lines = runs[0].stdout.splitlines()
    assert lines[0] == lines[-1] == "=" * 80, lines
    assert lines[1] == "TCP Lifecycle conversations: %d from %d captures (final values)" % (
        len(rows), len(order)), lines[1]
    table = columns_table(lines, "Capture  ")
    assert len(table) == len(rows), "%d table rows, %d CSV rows" % (len(table), len(rows))
    for shown, row in zip(table, rows):
        truncated = os.path.basename(row["capture"]) == "truncated.pcap"
        assert shown["Capture"] == row["capture"] + ("!" if truncated else ""), (shown, row)
        for heading_name, column in (("Stream", "stream"), ("Server", "server"), ("Zeek", "conn_state")):
            assert shown[heading_name] == (row[column] or "-"), (heading_name, shown, row)


def check_good_only(batch, tshark, good, folder):
    clean = os.path.join(folder, "good")
    os.makedirs(clean)
    os.chmod(clean, 0o755)
    for i, path in enumerate(good):
        os.link(path, os.path.join(clean, "%02d-%s" % (i, os.path.basename(path))))
    order = [os.path.join(clean, name) for name in sorted(os.listdir(clean))]
    result = batch.run("--format", "csv", clean)
    assert result.returncode == 0 and result.stderr == "", (result.returncode, result.stderr)
    assert result.stdout == expected_csv(direct(tshark, order, "tcplife,csv"), order), result.stdout
    chosen = "tcp.stream == 1"
    result = batch.run("--format", "csv", "--filter", chosen, clean)
    expected = expected_csv(direct(tshark, order, "tcplife,csv," + chosen), order)
    assert result.returncode == 0 and result.stdout == expected, (result.stdout, expected)
    assert len(result.stdout.splitlines()) == 2, "the filter should leave port-reuse's stream 1:\n" + result.stdout
    bad = batch.run("--filter", "tcp.nonsense == 1", clean)
    assert bad.returncode == 2 and "nonsense" in bad.stderr and bad.stdout == "", (bad.returncode, bad.stderr)


def check_tls(batch, tshark, captures):
    tls = [os.path.join(captures, name) for name in ("tls12-resumed.pcap", "tls-alert.pcap", "merged-close.pcap")]
    following = ("-o", "tcplife.tls_handshakes:TRUE")
    result = batch.run("--tls", "--format", "csv", *tls)
    expected = expected_csv(direct(tshark, tls, "tcplife,csv", bad_expected=False, options=following), tls)
    assert result.returncode == 0 and result.stdout == expected, (result.stdout, expected)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["tls_handshake"] for row in rows] == ["complete", "resumed", "alert", "none"], rows
    text = batch.run("--tls", *tls)
    assert text.returncode == 0, text.stderr
    table = columns_table(text.stdout.splitlines(), "Capture  ")
    assert len(table) == len(rows), (table, rows)
    for shown, row in zip(table, rows):
        version = row["tls_version"] + " " if row["tls_version"] else ""
        assert shown["TLS"] == version + row["tls_handshake"], (shown, row)
        assert shown["TLS time"] == (row["tls_time"] or "-"), (shown, row)
    plain = list(csv.DictReader(io.StringIO(batch.run("--format", "csv", *tls).stdout)))
    assert all(row["tls_handshake"] == "" for row in plain), plain
    heading = next(line for line in batch.run(*tls).stdout.splitlines() if line.startswith("Capture  "))
    assert "TLS" not in heading, "TLS columns without --tls: " + heading


LIVE_STATES = ("LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
               "CLOSING", "LAST_ACK", "TIME_WAIT", "UNKNOWN")


def states_in(states_csv):
    """The live states some endpoint is in at some interval's end, in RFC order."""
    rows = list(csv.DictReader(io.StringIO(states_csv)))
    return [state for state in LIVE_STATES if any(int(row["all_" + state.lower()]) for row in rows)]


def check_states_plot(batch, tshark, good, folder):
    captures = [path for path in good if "port-reuse" in path or "merged-close" in path or "ipv6" in path]
    plot = os.path.join(folder, "states.svg")
    result = batch.run("--format", "csv", "--states-plot", plot, "--interval", "0.5", *captures)
    assert result.returncode == 0, (result.returncode, result.stderr)
    texts = [element.text for element in ElementTree.parse(plot).iter("{http://www.w3.org/2000/svg}text")]
    expected = direct(tshark, captures, "tcplife,states_csv,0.5", bad_expected=False)
    for path in captures:
        assert path in texts, "no panel titled %s in %s" % (path, texts)
        after = texts[texts.index(path) + 1:]
        legend = after[:next((i for i, text in enumerate(after) if text not in LIVE_STATES), len(after))]
        assert legend == states_in(expected[path]), "%s: legend %s, states_csv counts %s" % (
            path, legend, states_in(expected[path]))
        assert "TIME_WAIT" in legend, "%s: every chosen capture ends in TIME_WAIT" % path


def check_all(tshark, options, results):
    folder = tempfile.mkdtemp(prefix="tl-batch-")
    try:
        check_in_order(tshark, options, results, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_in_order(tshark, options, results, folder):
    """Each check builds on what the one before it has shown, so the first failure ends them."""
    arguments, order, good = build_folder(options.captures, folder)
    batch = Batch(options.tool, tshark)
    rows = results.check("csv: every capture's rows, 3 failures reported, -j 1 = -j 4", check_csv, batch, tshark,
                         arguments, order, folder)
    later = [("zeek", check_zeek, batch, tshark, arguments, order),
             ("text", check_text, batch, arguments, order, rows),
             ("good captures only: exit 0, --filter, bad filter", check_good_only, batch, tshark, good, folder),
             ("--tls: the TLS columns of -o tcplife.tls_handshakes:TRUE", check_tls, batch, tshark, options.captures),
             ("--states-plot: a panel per capture, its live states in the legend", check_states_plot, batch, tshark,
              good, folder)]
    for label, function, *args in later:
        if results.failed:
            return
        results.check(label, function, *args)


def add_options(parser):
    parser.add_argument("--tool", required=True, help="tools/tcplife-batch")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__, check_all, add_options))
