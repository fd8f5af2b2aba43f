#!/usr/bin/env bash
# Builds the Debian package of tcplife for the Wireshark installed here (its plugin ABI
# decides the package: tcplife_<version>_wireshark<X.Y>_<arch>.deb, depending on that
# ABI's libwireshark) and prints its path. Install it with
#   sudo apt-get install ./tcplife_*.deb
# and remove it with `sudo apt-get remove tcplife`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-deb"

"$top/tools/install-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTCPLIFE_BUILD_TESTS=OFF -DTCPLIFE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
rm -f "$build"/tcplife_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
package=$(ls "$build"/tcplife_*.deb)
echo "$package"
