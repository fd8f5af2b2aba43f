#!/usr/bin/env bash
# The unit tests and the tshark integration tests once more, with tcplife built under
# AddressSanitizer and UndefinedBehaviorSanitizer; any report fails the test that saw it
# (docs/reliability.md). Run after tests/run-all.sh, which installs what is needed.
# tcplife-batch and the configure checks start their own tshark or cmake and are left out.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-sanitize"

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPLIFE_WERROR=ON \
      -DTCPLIFE_SANITIZE=address,undefined -DTCPLIFE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j "$(nproc)" -E 'integration\.(batch|configure)$'
