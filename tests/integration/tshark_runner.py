"""Runs tshark with a freshly built tcplife.so and nothing else from the user's setup.

Wireshark (4.0 to 4.6) ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder when the real
uid is 0, so as root tshark runs as nobody (setpriv) with a private HOME; the plugin dir
then replaces the system plugin folder, so the system's own copy can never be tested
by mistake.
"""
import os
import re
import shutil
import subprocess
import tempfile

NOBODY = 65534


def wireshark_version():
    """(major, minor, micro) of the tshark on the PATH."""
    first_line = subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE, universal_newlines=True,
                                check=True).stdout.splitlines()[0]
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", first_line)
    if match is None:
        raise RuntimeError("cannot read a version from %r" % first_line)
    return tuple(int(part) for part in match.groups())


class Tshark:
    def __init__(self, plugin_path):
        self.root = tempfile.mkdtemp(prefix="tl-tshark-")
        os.chmod(self.root, 0o755)
        self.home = os.path.join(self.root, "home")
        self.plugins = os.path.join(self.root, "plugins")
        self.captures = os.path.join(self.root, "captures")
        self.version = wireshark_version()
        # Wireshark looks in <plugin dir>/<major>.<minor>/epan for its own plugin ABI.
        epan = os.path.join(self.plugins, "%d.%d" % self.version[:2], "epan")
        os.makedirs(epan)
        os.makedirs(self.home)
        os.makedirs(self.captures)
        shutil.copy(plugin_path, os.path.join(epan, "tcplife.so"))
        if os.geteuid() == 0:
            for folder, _, files in os.walk(self.root):
                os.chown(folder, NOBODY, NOBODY)
                for name in files:
                    os.chown(os.path.join(folder, name), NOBODY, NOBODY)

    def capture(self, path):
        """A copy the unprivileged tshark can read, wherever the checkout lives."""
        copy = os.path.join(self.captures, os.path.basename(path))
        if not os.path.exists(copy):
            shutil.copy(path, copy)
            os.chmod(copy, 0o644)
        return copy

    def command(self, args):
        env = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + self.home,
               "WIRESHARK_PLUGIN_DIR=" + self.plugins, "LC_ALL=C.UTF-8"]
        prefix = []
        if os.geteuid() == 0:
            prefix = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"]
        return prefix + env + ["tshark"] + list(args)

    def run(self, *args):
        return subprocess.run(self.command(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=300)

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)
