"""What every tshark test here shares: a tshark that loads only the freshly built
tcplife.so, one-pass and -2 runs, the sample captures, and the loop that runs a
script's checks, reports each as ok or FAIL and gives the exit status.

Wireshark (4.0 to 4.6) ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder when the real
uid is 0, so as root tshark runs as nobody (setpriv) with a private HOME; the plugin dir
then replaces the system plugin folder, so the system's own copy can never be tested
by mistake.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import tempfile

NOBODY = 65534
# Cut off a failure's message here: a whole packet tree helps nobody read the report.
MESSAGE_LIMIT = 4000


def wireshark_version():
    """(major, minor, micro) of the tshark on the PATH."""
    first_line = subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE, universal_newlines=True,
                                check=True).stdout.splitlines()[0]
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", first_line)
    if match is None:
        raise RuntimeError("cannot read a version from %r" % first_line)
    return tuple(int(part) for part in match.groups())


def is_version_guard(text):
    """"4.2+" (Wireshark 4.2 and later) or "<4.4" (before 4.4)."""
    return re.fullmatch(r"<\d+\.\d+|\d+\.\d+\+", text) is not None


def version_applies(guard, version):
    """Whether an expectation under `guard` ("" for every version) holds on `version`."""
    if guard == "":
        return True
    major, minor = (int(part) for part in guard.strip("<+").split("."))
    at_least = version[:2] >= (major, minor)
    return at_least if guard.endswith("+") else not at_least


def give_to_nobody(folder):
    """When we are root tshark runs as nobody, who must be able to read and write there."""
    if os.geteuid() != 0:
        return
    for parent, _, files in os.walk(folder):
        os.chown(parent, NOBODY, NOBODY)
        for name in files:
            os.chown(os.path.join(parent, name), NOBODY, NOBODY)


def fail(message):
    raise AssertionError(message)


# A sanitized build's tests (TCPLIFE_SANITIZE) name the runtime to preload into tshark.
SANITIZER_PRELOAD = os.environ.get("TCPLIFE_SANITIZER_PRELOAD", "")
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")


def sanitizer_environment(no_extcaps):
    """What tshark needs to run a sanitized plugin: the runtime first, GLib's and
    Wireshark's own leaks (never freed at exit) not reported, every error fatal. The
    extcap programs tshark starts to list them would inherit the runtime, and some hang
    under it: tshark gets the empty folder `no_extcaps` instead."""
    if not SANITIZER_PRELOAD:
        return []
    return ["LD_PRELOAD=" + SANITIZER_PRELOAD, "WIRESHARK_EXTCAP_DIR=" + no_extcaps,
            "ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=86:print_summary=1",
            "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87"]


def fail_on_sanitizer_report(args, stderr):
    if SANITIZER_PRELOAD and any(report in stderr for report in SANITIZER_REPORTS):
        fail("sanitizer report from tshark %s:\n%s" % (" ".join(args), stderr))


def fail_with(problems, limit):
    """One failure for a check that collects its problems rather than stopping at the first."""
    if problems:
        more = ["... and %d more" % (len(problems) - limit)] if len(problems) > limit else []
        fail("\n".join(problems[:limit] + more))


def unified_diff(expected, actual, expected_name, actual_name):
    lines = difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                 expected_name, actual_name)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def field_options(fields, **separators):
    """tshark's -T fields options for `fields`, with -E occurrence=a, aggregator=| etc."""
    options = ["-T", "fields"]
    for name, value in separators.items():
        options += ["-E", "%s=%s" % (name, value)]
    for field in fields:
        options += ["-e", field]
    return options


def columns_table(lines, heading_start):
    """A report's table as dicts, by its heading line (the first that starts with
    `heading_start`); columns are 2+ spaces apart, and the table ends at a ==== line."""
    heading = next(i for i, line in enumerate(lines) if line.startswith(heading_start))
    names = re.split(r"  +", lines[heading].strip())
    rows = []
    for line in lines[heading + 1:]:
        if line.startswith("===="):
            break
        cells = re.split(r"  +", line.strip())
        if len(cells) != len(names):
            fail("table row has %d cells for %d columns: %r" % (len(cells), len(names), line))
        rows.append(dict(zip(names, cells)))
    return rows


# What a sample capture's file name ends in: classic pcap, or pcapng where one file needs
# what pcap cannot say (several interfaces).
CAPTURE_SUFFIXES = (".pcap", ".pcapng")


def capture_stem(name):
    """"vlan" for "vlan.pcap" or "vlan.pcapng"; None for a file that is no sample capture."""
    for suffix in CAPTURE_SUFFIXES:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return None


def sample_captures(folder, leave_out=()):
    """The .pcap and .pcapng files of `folder`, by name."""
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder))
            if capture_stem(name) is not None and name not in leave_out]


class Tshark:
    def __init__(self, plugin_path):
        """`plugin_path` None: tshark without tcplife (its plugin folder stays empty)."""
        self.root = tempfile.mkdtemp(prefix="tl-tshark-")
        os.chmod(self.root, 0o755)
        self.home = os.path.join(self.root, "home")
        self.plugins = os.path.join(self.root, "plugins")
        self.captures = os.path.join(self.root, "captures")
        self.no_extcaps = os.path.join(self.root, "no-extcaps")
        self.version = wireshark_version()
        # Wireshark looks in <plugin dir>/<major>.<minor>/epan for its own plugin ABI.
        epan = os.path.join(self.plugins, "%d.%d" % self.version[:2], "epan")
        os.makedirs(epan)
        os.makedirs(self.home)
        os.makedirs(self.captures)
        os.makedirs(self.no_extcaps)
        if plugin_path is not None:
            shutil.copy(plugin_path, os.path.join(epan, "tcplife.so"))
        give_to_nobody(self.root)

    def capture(self, path):
        """A copy the unprivileged tshark can read, wherever the checkout lives."""
        copy = os.path.join(self.captures, os.path.basename(path))
        if not os.path.exists(copy):
            shutil.copy(path, copy)
            os.chmod(copy, 0o644)
        return copy

    def command(self, args, program="tshark"):
        """`program` (tshark, or sharkd from the same installation) as the unprivileged user."""
        env = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + self.home,
               "WIRESHARK_PLUGIN_DIR=" + self.plugins, "LC_ALL=C.UTF-8"] + sanitizer_environment(self.no_extcaps)
        prefix = []
        if os.geteuid() == 0:
            prefix = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"]
        return prefix + env + [program] + list(args)

    def run(self, *args):
        result = subprocess.run(self.command(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True, timeout=300)
        fail_on_sanitizer_report(args, result.stderr)
        return result

    def passes(self, capture, *args):
        """The one-pass and the -2 run over `capture`, whatever their exit status."""
        return self.run("-r", capture, *args), self.run("-2", "-r", capture, *args)

    def stdout(self, capture, *args, two_pass=False):
        """What tshark prints over `capture`; a failure if it exits with an error."""
        result = self.run(*(["-2"] if two_pass else []), "-r", capture, *args)
        if result.returncode != 0:
            fail("tshark %s failed: %s" % (" ".join(args), result.stderr))
        return result.stdout

    def same_in_both_passes(self, capture, *args):
        """The output, once one-pass and -2 are known to print exactly the same."""
        one_pass = self.stdout(capture, *args)
        two_pass = self.stdout(capture, *args, two_pass=True)
        if one_pass != two_pass:
            fail("tshark %s differs between one-pass and -2:\n%s" %
                 (" ".join(args), unified_diff(one_pass, two_pass, "one-pass", "-2")))
        return one_pass

    def refused_report(self, capture, report, *reasons):
        """Runs `-z report` alone, which tcplife must refuse: it says why on stderr (every
        text of `reasons` in the message) and prints no report. From Wireshark 4.6 on a
        report can say it did not start, and tshark then stops with an error; before, it
        cannot, and tshark goes on without it and exits 0, because a plugin must not end
        the process it is loaded in (compat::start_report)."""
        result = self.run("-r", capture, "-q", "-z", report)
        cli = ",".join(report.split(",")[:2])
        message = "tshark: -z %s:" % cli
        if message not in result.stderr or any(reason not in result.stderr for reason in reasons):
            fail("-z %s: no refusal naming %s on stderr: %r" % (report, reasons, result.stderr))
        if result.stdout != "":
            fail("-z %s was refused but printed %r" % (report, result.stdout))
        stops = self.version[:2] >= (4, 6)
        if (result.returncode != 0) != stops:
            fail("-z %s: tshark exit status %d on Wireshark %d.%d, expected %s" % (
                report, result.returncode, self.version[0], self.version[1], "non-zero" if stops else "0"))

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


class Results:
    """Runs checks, says ok or FAIL for each, and counts them. A check fails by raising
    AssertionError (assert or fail()); any other exception is a broken test and stops the script."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, label, function, *args, says=None):
        """function(*args)'s value, or None if it failed; `says` formats the value into the ok line."""
        try:
            value = function(*args)
        except AssertionError as error:
            self.failed += 1
            self.report_failure(label, str(error))
            return None
        self.passed += 1
        print("ok   " + label + (" (%s)" % (says % value) if says else ""))
        return value

    @staticmethod
    def report_failure(label, message):
        if len(message) > MESSAGE_LIMIT:
            message = message[:MESSAGE_LIMIT] + "\n... (%d more characters)" % (len(message) - MESSAGE_LIMIT)
        print("FAIL " + label)
        for line in message.splitlines():
            print("     " + line)

    def exit_status(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


class CheckList(list):
    """A script's named checks, in order: decorate each with the list."""

    def __call__(self, function):
        self.append(function)
        return function

    def run_all(self, results, *args):
        for function in self:
            results.check(function.__name__, function, *args)


def main(description, check_all, add_options=None):
    """The command line every script shares (--plugin, --captures, then its own options):
    check_all(tshark, options, results) runs the script's checks; the exit status is 1
    if any failed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--plugin", required=True, help="the tcplife.so under test")
    parser.add_argument("--captures", required=True, help="the sample captures, sample-pcaps/")
    if add_options:
        add_options(parser)
    options = parser.parse_args()
    tshark = Tshark(options.plugin)
    results = Results()
    try:
        check_all(tshark, options, results)
    finally:
        tshark.close()
    return results.exit_status()
