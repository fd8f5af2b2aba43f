"""Golden files: reviewed expectations beside the tests, one per sample capture, that
tshark's output must match. The files are written by hand and reviewed, never from the
code under test, so there is no way here to regenerate them.

Where Wireshark itself prints differently between versions, the expectation says so
where it stands: a version guard ("4.2+", "<4.4", see tshark_runner.version_applies) on
the lines concerned, or a second file the script names for those versions.
"""
import os

from tshark_runner import CAPTURE_SUFFIXES, capture_stem, fail, unified_diff


def expectation_names(folder, suffix):
    """The capture names that have a <name><suffix> in `folder`."""
    return sorted(name[:-len(suffix)] for name in os.listdir(folder) if name.endswith(suffix))


def check_expectations(results, tshark, captures, folder, suffix, check_capture, says=None):
    """check_capture(tshark, capture, expectation) for every <name><suffix> in `folder`,
    the capture being <name>.pcap (or .pcapng) in `captures`."""
    for name in expectation_names(folder, suffix):
        capture = capture_path(captures, name)
        results.check(name, check_one, tshark, capture, os.path.join(folder, name + suffix), check_capture,
                      says=says)


def capture_path(captures, name):
    """<name>.pcap in `captures`, or <name>.pcapng when only that exists."""
    paths = [os.path.join(captures, name + suffix) for suffix in CAPTURE_SUFFIXES]
    return next((path for path in paths if os.path.exists(path)), paths[0])


def check_one(tshark, capture, expectation, check_capture):
    if not os.path.exists(capture):
        fail("capture %s missing" % capture)
    return check_capture(tshark, tshark.capture(capture), expectation)


def every_capture_is_expected(captures, folder, suffix):
    """A capture without its expectation would be checked by nobody."""
    named = set(expectation_names(folder, suffix))
    missing = [name for name in sorted(os.listdir(captures))
               if capture_stem(name) is not None and capture_stem(name) not in named]
    if missing:
        fail("no %s for %s" % (suffix, ", ".join(missing)))


def compare_text(actual, path):
    """tshark's whole output against the reviewed file `path`."""
    # The locale's encoding, as tshark's output is read with.
    with open(path) as reviewed:
        expected = reviewed.read()
    if actual != expected:
        fail("differs from %s:\n%s" % (path, unified_diff(expected, actual, path, "tshark")))


def compare_lines(actual, expected, what):
    """Parsed items (one line each once printed) against their expectations."""
    if actual != expected:
        fail("%s differ from the expectation:\n%s" %
             (what, unified_diff(lines_of(expected), lines_of(actual), "expected", "tshark")))


def lines_of(items):
    return "".join("%r\n" % (item,) for item in items or ())
