#!/usr/bin/env python3
"""Any order gives the same answer: frames dissected as the GUI dissects them.

The GUI reads a capture once, in order, and then dissects a frame again whenever someone
clicks it or scrolls it into the packet list, in whatever order that happens. sharkd,
Wireshark's own headless front end, links libwireshark the same way (a capture file, its
frame list, one dissection per request), so it is the test program here. For every
sample capture:
  1. a session loads the capture and asks for every frame's packet details (a shown tree)
     and its packet-list row (a hidden tree with every tcplife field as a custom column),
     in order: the reference;
  2. the same session asks again in a random order, then a fresh session asks for a
     random half of the frames, each twice, details and rows interleaved, and another
     asks for every frame from the last to the first;
  3. each answer must equal the reference: tcplife's subtree (labels, filters, expert
     infos, links), tcplife's Info marks and every tcplife field of the row.
The orders come from --seed (default: fixed), printed with a failure so it can be replayed.
"""
import json
import random
import subprocess
import sys
import zlib

import tshark_runner
from check_captures import TCPLIFE_MARK
from tshark_runner import fail, fail_with, sample_captures, unified_diff

PROBLEM_LIMIT = 6
# sharkd parses a request into a fixed number of JSON tokens: 40 columns fit in one.
COLUMNS_PER_REQUEST = 40


def tcplife_fields(tshark):
    """Every field tcplife registers, as sharkd custom columns ("field:0": all occurrences)."""
    listing = tshark.run("-G", "fields").stdout
    names = [cells[2] for cells in (line.split("\t") for line in listing.splitlines())
             if len(cells) > 3 and cells[0] == "F" and cells[2].startswith("tcplife.")]
    if not names:
        fail("tshark -G fields lists no tcplife field: the plugin did not load")
    return names


class Session:
    """One sharkd process: requests are written at once, answers read by id."""

    def __init__(self, tshark, capture, columns):
        self.tshark, self.columns = tshark, columns
        self.requests = []
        self.request("load", file=capture)

    def request(self, method, **params):
        self.requests.append({"jsonrpc": "2.0", "id": len(self.requests) + 1, "method": method, "params": params})
        return len(self.requests)

    def details(self, frame):
        return self.request("frame", frame=frame, proto=True, columns=True)

    def row(self, frame):
        """The frame's packet-list row, one request per COLUMNS_PER_REQUEST columns."""
        ids = []
        for start in range(0, len(self.columns), COLUMNS_PER_REQUEST):
            # sharkd takes no "skip" of 0.
            params = {"skip": frame - 1, "limit": 1} if frame > 1 else {"limit": 1}
            params.update(("column%d" % i, name + ":0")
                          for i, name in enumerate(self.columns[start:start + COLUMNS_PER_REQUEST]))
            ids.append(self.request("frames", **params))
        return ids

    def answers(self):
        stdin = "".join(json.dumps(request) + "\n" for request in self.requests)
        command = self.tshark.command(["-"], program="sharkd")
        result = subprocess.run(command, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True, timeout=600)
        tshark_runner.fail_on_sanitizer_report(["sharkd"], result.stderr)
        if result.returncode != 0:
            fail("sharkd exited with status %d: %s" % (result.returncode, result.stderr[-2000:]))
        answers = {}
        for line in result.stdout.splitlines():
            if line.startswith("{"):
                answer = json.loads(line)
                if "error" in answer:
                    fail("sharkd refused request %d: %s" % (answer["id"], answer["error"]))
                answers[answer["id"]] = answer["result"]
        # A cut-short capture loads with a message on stderr and no answer to the load.
        missing = [request["id"] for request in self.requests[1:] if request["id"] not in answers]
        if missing:
            fail("sharkd gave no answer to requests %s: %s" % (missing[:5], result.stderr[-2000:]))
        return answers


def tcplife_nodes(nodes):
    """tcplife's items in a tree, nested as sharkd prints them, ett ids left out."""
    found = []
    for node in nodes:
        if node.get("f", "").split(" ")[0].startswith("tcplife"):
            found.append(normalised(node))
        else:
            found.extend(tcplife_nodes(node.get("n", [])))
    return found


def normalised(node):
    fields = {key: value for key, value in node.items() if key not in ("e", "n")}
    return [fields, [normalised(child) for child in node.get("n", [])]]


def details_view(answer):
    info = answer["col"][-1] if answer.get("col") else ""
    return {"tree": tcplife_nodes(answer["tree"]), "marks": TCPLIFE_MARK.findall(info)}


def row_view(answers, columns):
    cells = []
    for answer in answers:
        if len(answer) != 1:
            fail("a one-frame row request returned %d rows" % len(answer))
        cells += answer[0]["c"]
    return dict(zip(columns, cells))


def collect(session, orders):
    """{(kind, frame): [view, ...]} for the requests made by `orders` [(kind, frame)]."""
    ids = [(kind, frame, session.details(frame) if kind == "details" else session.row(frame))
           for kind, frame in orders]
    answers = session.answers()
    views = {}
    for kind, frame, request_id in ids:  # a row's request_id: one id per part of its columns
        view = (details_view(answers[request_id]) if kind == "details"
                else row_view([answers[part] for part in request_id], session.columns))
        views.setdefault((kind, frame), []).append(view)
    return views


def frame_count(tshark, capture):
    # The frame numbers tshark reads (a cut-short capture keeps what it has).
    return len(tshark.run("-r", capture, "-T", "fields", "-e", "frame.number").stdout.split())


def lines(view):
    """A view as indented lines, for a readable difference."""
    if "tree" not in view:
        return ["%s: %s" % item for item in sorted(view.items())]
    result = ["Info marks: %s" % " ".join(view["marks"])]

    def add(nodes, depth):
        for fields, children in nodes:
            result.append("  " * depth + " | ".join("%s=%s" % item for item in sorted(fields.items())))
            add(children, depth + 1)
    add(view["tree"], 0)
    return result


def differences(reference, views, order_name):
    problems = []
    for key, answers in sorted(views.items()):
        for answer in answers:
            if answer != reference[key]:
                diff = unified_diff("\n".join(lines(reference[key])) + "\n", "\n".join(lines(answer)) + "\n",
                                    "in order", order_name)
                problems.append("%s: frame %d's %s differ from the in-order ones:\n%s" % (
                    order_name, key[1], "packet details" if key[0] == "details" else "packet-list row", diff))
    return problems


def check_capture(tshark, capture, columns, seed):
    count = frame_count(tshark, capture)
    if count == 0:
        fail("tshark reads no frame")
    frames = list(range(1, count + 1))
    generator = random.Random(seed)
    in_order = [("details", frame) for frame in frames] + [("row", frame) for frame in frames]
    shuffled = in_order[:]
    generator.shuffle(shuffled)
    first = collect(Session(tshark, capture, columns), in_order + shuffled)
    reference = {key: answers[0] for key, answers in first.items()}
    # Nothing to compare would compare equal: the reference must hold tcplife's answers.
    if not any(view["tree"] for (kind, _), view in reference.items() if kind == "details"):
        fail("no frame has a tcplife subtree in sharkd's packet details")
    if not any(any(view.values()) for (kind, _), view in reference.items() if kind == "row"):
        fail("no frame has a tcplife field in sharkd's packet-list rows")
    problems = differences(reference, {key: answers[1:] for key, answers in first.items()},
                           "the same session, shuffled")
    some = generator.sample(frames, max(1, count // 2))
    half = [(kind, frame) for frame in some for kind in ("details", "row")] * 2
    generator.shuffle(half)
    problems += differences(reference, collect(Session(tshark, capture, columns), half),
                            "a fresh session, half the frames")
    backwards = [(kind, frame) for frame in reversed(frames) for kind in ("row", "details")]
    problems += differences(reference, collect(Session(tshark, capture, columns), backwards),
                            "a fresh session, last frame first")
    if problems:
        problems.insert(0, "orders from --seed %d" % seed)
    fail_with(problems, PROBLEM_LIMIT)
    return count


def check_all(tshark, options, results):
    columns = results.check("tcplife's fields are listed", tcplife_fields, tshark)
    if columns is None:
        return
    for capture in sample_captures(options.captures):
        name = capture.rsplit("/", 1)[-1]
        seed = options.seed if options.seed is not None else zlib.crc32(name.encode())
        results.check(name, check_capture, tshark, tshark.capture(capture), columns, seed,
                      says="%d frames in four orders")


def add_options(parser):
    parser.add_argument("--seed", type=int, help="the orders' seed (default: one per capture, fixed)")


if __name__ == "__main__":
    sys.exit(tshark_runner.main(__doc__.splitlines()[0], check_all, add_options))
