#!/usr/bin/env bash
# Tests tcplife on another Debian release, as a new user there would meet it: makes a
# fresh minimal root of SUITE with mmdebstrap (bookworm: Wireshark 4.0, trixie: 4.4, sid: 4.6), copies
# this tree into it, and inside it runs the README's two commands (tools/install.sh, then
# tests/run-all.sh), opens the GUI's windows under Xvfb (tools/screenshots.sh; trixie and
# sid), then builds the .deb (tools/build-deb.sh), installs it with apt-get,
# checks that tshark loads it from the system folder and that removing it removes the
# plugin and the profile. Needs root (chroot, mounts); the root is deleted afterwards.
#   tests/debian-root.sh SUITE [WORK_DIR]
# Prints "SUITE (Wireshark X.Y.Z): passed" or "... failed at <step>" last; exits non-zero
# when a step fails.
set -euo pipefail
suite=${1:?usage: tests/debian-root.sh SUITE [WORK_DIR]}
work=${2:-/var/tmp}
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
  echo "tcplife: $0 needs root (mmdebstrap, chroot and mounts)" >&2
  exit 2
fi
command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null

root=$(mktemp -d "$work/tcplife-$suite.XXXXXX")
log="$root.log"
mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT

step=""
version="Wireshark ?"
fail() {
  echo "---- last lines of the $step log ($log)"
  tail -n 40 "$log"
  echo "$suite ($version): failed at $step"
  exit 1
}
run() { # step name, command...
  step=$1
  shift
  echo "== $suite: $step"
  "$@" >>"$log" 2>&1 || fail
}
inside() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@"; }

: >"$log"
# sid's Release file can be past its Valid-Until against this machine's clock.
no_valid_until='Acquire::Check-Valid-Until "false";'
run "mmdebstrap $suite" mmdebstrap --variant=apt --aptopt="$no_valid_until" --include=ca-certificates "$suite" "$root"
echo "$no_valid_until" >"$root/etc/apt/apt.conf.d/99tcplife-no-valid-until"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 && mounted+=("$root/dev/pts")

# The tree as it is here (tracked and new files, nothing ignored such as build folders).
mkdir "$root/src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$root/src"

run "tools/install.sh" inside /src/tools/install.sh
version=$(inside tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\.[0-9]*\).*/Wireshark \1/p')
abi=$(echo "$version" | sed 's/^Wireshark \([0-9]*\.[0-9]*\).*/\1/')
system_plugin="/usr/lib/$(inside dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/wireshark/plugins/$abi/epan/tcplife.so"
run "the demo shows the marks" grep -q "FIN+ACK 2+3/4" "$log"
run "tests/run-all.sh" inside /src/tests/run-all.sh
# The GUI's windows and dialogs under Xvfb, where this machine's own run (CI's host leg,
# Debian 12) cannot see them: each release has its own menus.
if [ "$suite" != bookworm ]; then
  run "tools/screenshots.sh (the GUI under Xvfb)" inside /src/tools/screenshots.sh --out /tmp/tcplife-shots
fi
run "tools/install.sh --uninstall" inside /src/tools/install.sh --uninstall
run "tools/build-deb.sh" inside /src/tools/build-deb.sh
package=$(ls "$root"/src/build-deb/tcplife_*_wireshark"$abi"_*.deb | sed "s|^$root||")
run "apt-get install $(basename "$package")" inside env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"
packaged_plugin_is_listed() { inside tshark -G plugins | grep -F "$system_plugin"; }
packaged_plugin_annotates() { inside tshark -r /src/sample-pcaps/merged-close.pcap | grep -F "[FIN+ACK 2+3/4]"; }
removal_removes_plugin_and_profile() {
  ! test -e "$root$system_plugin" && ! test -e "$root/usr/share/wireshark/profiles/tcplife"
}
run "tshark -G plugins lists the packaged plugin" packaged_plugin_is_listed
run "the packaged plugin annotates" packaged_plugin_annotates
run "the package ships the profile" test -f "$root/usr/share/wireshark/profiles/tcplife/preferences" -a \
  -f "$root/usr/share/wireshark/profiles/tcplife/dfilter_buttons"
run "apt-get remove tcplife" inside env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq tcplife
run "removal removes plugin and profile" removal_removes_plugin_and_profile
rm -f "$log"
echo "$suite ($version): passed"
