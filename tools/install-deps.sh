#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages tcplife needs to build, test and run, unless they
# are all present already. Uses sudo when not root. Packages named as arguments are
# wanted too (tools/screenshots.sh adds the GUI and X tools).
set -euo pipefail

packages=(build-essential cmake pkg-config python3 binutils util-linux
          wireshark-dev tshark libcmocka-dev libbenchmark-dev file valgrind python3-matplotlib "$@")

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "tcplife: apt-get not found; install these packages by hand: ${missing[*]}" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "tcplife: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "tcplife: installing ${missing[*]}"
# Answer wireshark-common's question (let non-root users capture?) with its default, no.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
