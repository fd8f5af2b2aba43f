#!/usr/bin/env bash
# Mutates every sample capture as Wireshark's own fuzz regime does (editcap -E) and runs
# tshark with tcplife over each copy in every way tcplife is used; keeps each input that
# crashes, hangs or draws a sanitizer report, with its command, and tells Wireshark's own
# failures (the same input without tcplife) from tcplife's. docs/reliability.md.
#
#   tools/fuzz-captures.sh PLUGIN.so [--rates 0.01,0.03,0.1] [--seeds 3] [--keep DIR]
#
# A sanitized plugin (-DTCPLIFE_SANITIZE=...) needs its runtime preloaded: give its path in
# TCPLIFE_SANITIZER_PRELOAD, as tests/integration/CMakeLists.txt does. Run it as root or
# as a user; tshark itself always runs as an unprivileged user (root ignores plugin folders).
exec python3 "$(dirname "$0")/fuzz_captures.py" "$@"
