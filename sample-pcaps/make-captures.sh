#!/bin/sh
# Re-create every sample capture in this folder (see README.md).
#
#   sudo ./make-captures.sh            # all captures
#
# Loopback captures are real kernel TCP and differ slightly from run to run
# (ports, ISNs, timestamps); the scapy ones are byte-identical every time.
# Each helper checks its captures with tshark and fails if one is not the
# intended shape.
set -eu

cd "$(dirname "$0")"

if [ "$(id -u)" -ne 0 ]; then
    echo "make-captures.sh must run as root: tcpdump needs raw capture rights" >&2
    echo "and the loopback scenarios run in a private network namespace." >&2
    exit 1
fi

for tool in tcpdump tshark editcap openssl unshare ip; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

# Debian's python3-scapy lives in the system interpreter; a python3 earlier
# on PATH (pyenv, venv) may not have it.
PY=/usr/bin/python3
"$PY" -c 'import scapy' 2>/dev/null || { echo "$PY cannot import scapy (apt-get install python3-scapy)" >&2; exit 1; }

# A fresh network namespace: its lo carries nothing but our traffic and no
# TIME_WAIT sockets survive between runs.  gso_max_segs 1 makes TCP hand lo
# one MSS-sized segment at a time, so tcpdump sees the segments a real wire
# would carry instead of 64 kB GSO super-packets.
unshare --net sh -c '
    ip link set dev lo up &&
    ip link set dev lo gso_max_segs 1 &&
    exec '"$PY"' loopback_scenarios.py'

# The TLS captures (tls_scenarios.py: Python's ssl module, openssl for the
# throwaway certificate), in a namespace of their own set up the same way.
unshare --net sh -c '
    ip link set dev lo up &&
    ip link set dev lo gso_max_segs 1 &&
    exec '"$PY"' tls_scenarios.py'

"$PY" crafted_scenarios.py
