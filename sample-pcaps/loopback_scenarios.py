#!/usr/bin/python3
"""Record real Linux TCP connections on loopback with tcpdump.

make-captures.sh runs this inside a private network namespace (unshare -n)
whose lo has gso_max_segs 1: that keeps other loopback traffic out of the
captures, leaves no TIME_WAIT sockets behind between runs, and stops the
kernel from handing tcpdump 64 kB GSO super-packets instead of the
individual segments a real wire would carry.

Each scenario is captured, reduced to a "shape" (direction, TCP flags,
payload length per packet) and compared with the intended shape; the kernel's
choices depend on timers (delayed ACK is ~40 ms here), so a mismatching run
is retried instead of being kept.

Usage: loopback_scenarios.py [SCENARIO ...]   (default: all)
"""
import fcntl
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time

HOST = "127.0.0.1"
REQUEST = b"request-01"               # 10 bytes
RESPONSE = b"response-from-server"    # 20 bytes
# Long enough for the delayed-ACK timer (~40 ms, at most 200 ms) to fire, so a
# pure ACK goes out on its own before the next step of the scenario.
CLOSE_PAUSE = 0.2
STEP_PAUSE = 0.1
ATTEMPTS = 5


def listener(port, mss=None):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mss:
        # Loopback's MTU is 64 kB; clamping the MSS before listen() makes the
        # SYN-ACK advertise it and the accepted socket inherit it.
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    s.bind((HOST, port))
    s.listen(1)
    return s


def connect(port, client_port, mss=None):
    s = socket.socket()
    s.bind((HOST, client_port))
    if mss:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    s.connect((HOST, port))
    return s


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("peer closed early")
        data += chunk
    return data


def expect_eof(sock):
    if sock.recv(100) != b"":
        raise RuntimeError("expected EOF")


def abort(sock):
    # SO_LINGER {on, 0}: close() discards the connection and sends RST
    # instead of going through FIN.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def run_pair(port, client_port, server, client, mss=None):
    """Run server(conn) in a thread and client(sock) here; re-raise failures."""
    lsock = listener(port, mss)
    errors = []

    def serve():
        try:
            conn, _ = lsock.accept()
            server(conn)
        except Exception as e:  # surfaced below so the attempt is retried
            errors.append(e)

    # daemon: a server stuck after a failed attempt must not keep the
    # script alive.
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        client(connect(port, client_port, mss))
    finally:
        t.join(10)
        lsock.close()
    if errors:
        raise errors[0]
    if t.is_alive():
        raise RuntimeError("server side did not finish")


def request_response(port, client_port, server_end, client_end, mss=None):
    """Client sends REQUEST, server answers RESPONSE, then the *_end hooks."""
    def server(conn):
        recv_exact(conn, len(REQUEST))
        conn.sendall(RESPONSE)
        server_end(conn)

    def client(sock):
        sock.sendall(REQUEST)
        # Read everything: closing with unread data would make Linux send RST.
        recv_exact(sock, len(RESPONSE))
        client_end(sock)

    run_pair(port, client_port, server, client, mss)


# --- scenarios -------------------------------------------------------------

def client_close_four_way(port, client_port):
    def server_end(conn):
        expect_eof(conn)
        # Receiving a FIN puts Linux in delayed-ACK mode; pausing longer than
        # the delayed-ACK timer makes the ACK of the FIN a segment of its own.
        time.sleep(CLOSE_PAUSE)
        conn.close()
    request_response(port, client_port, server_end, lambda s: s.close())


def server_close_four_way(port, client_port):
    def client_end(sock):
        expect_eof(sock)
        time.sleep(CLOSE_PAUSE)
        sock.close()
    request_response(port, client_port, lambda c: c.close(), client_end)


def merged_close(port, client_port):
    def server_end(conn):
        # Blocked in recv() and closing at once on EOF: the ACK of the client's
        # FIN is still being delayed, so it rides on the server's FIN.
        expect_eof(conn)
        conn.close()
    request_response(port, client_port, server_end, lambda s: s.close())


def rst_abort_client(port, client_port):
    def server_end(conn):
        try:
            conn.recv(100)
        except ConnectionResetError:
            pass
        conn.close()

    def client_end(sock):
        time.sleep(STEP_PAUSE)
        abort(sock)
    request_response(port, client_port, server_end, client_end)


def rst_abort_server(port, client_port):
    def server_end(conn):
        time.sleep(STEP_PAUSE)
        abort(conn)

    def client_end(sock):
        try:
            sock.recv(100)
        except ConnectionResetError:
            pass
        sock.close()
    request_response(port, client_port, server_end, client_end)


def syn_closed_port(port, client_port):
    s = socket.socket()
    s.bind((HOST, client_port))
    try:
        s.connect((HOST, port))
    except ConnectionRefusedError:
        pass
    else:
        raise RuntimeError("something is listening on port %d" % port)
    finally:
        s.close()


def half_close(port, client_port):
    def server(conn):
        recv_exact(conn, len(REQUEST))
        expect_eof(conn)
        # Pauses keep each send a separate segment and let the ACK of the
        # client's FIN and the client's ACKs go out on their own.
        for i in range(3):
            time.sleep(STEP_PAUSE)
            conn.sendall(b"part-%d" % (i + 1))
        time.sleep(STEP_PAUSE)
        conn.close()

    def client(sock):
        sock.sendall(REQUEST)
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(100):
            pass
        sock.close()
    run_pair(port, client_port, server, client)


BULK_SIZE = 200_000


def wait_until_acked(sock):
    # SIOCOUTQ (= TIOCOUTQ): bytes not yet acknowledged by the peer.
    while struct.unpack("i", fcntl.ioctl(sock, termios.TIOCOUTQ, b"\0" * 4))[0]:
        time.sleep(0.01)


def bulk_transfer(port, client_port):
    def server(conn):
        recv_exact(conn, len(REQUEST))
        conn.sendall(bytes(i % 251 for i in range(BULK_SIZE)))
        # close() right after sendall() may find the last bytes still queued
        # and put the FIN on that data segment; wait so the FIN stands alone.
        wait_until_acked(conn)
        conn.close()

    def client(sock):
        sock.sendall(REQUEST)
        got = 0
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        if got != BULK_SIZE:
            raise RuntimeError("short download: %d" % got)
        sock.close()
    run_pair(port, client_port, server, client, mss=1460)


# --- capture and verification ---------------------------------------------

HANDSHAKE = "C:S S:AS C:A"
EXCHANGE = HANDSHAKE + " C:AP/10 S:A S:AP/20 C:A"

# name: (server port, traffic, expected shape; None: checked by bulk_ok())
SCENARIOS = {
    "client-close-four-way": (40001, client_close_four_way,
                              EXCHANGE + " C:AF S:A S:AF C:A"),
    "server-close-four-way": (40002, server_close_four_way,
                              EXCHANGE + " S:AF C:A C:AF S:A"),
    "merged-close": (40003, merged_close, EXCHANGE + " C:AF S:AF C:A"),
    "rst-abort-client": (40004, rst_abort_client, EXCHANGE + " C:AR"),
    "rst-abort-server": (40005, rst_abort_server, EXCHANGE + " S:AR"),
    "syn-closed-port": (40006, syn_closed_port, "C:S S:AR"),
    "half-close": (40007, half_close,
                   HANDSHAKE + " C:AP/10 S:A C:AF S:A"
                   " S:AP/6 C:A S:AP/6 C:A S:AP/6 C:A S:AF C:A"),
    "bulk-transfer": (40008, bulk_transfer, None),
}


def bulk_ok(tokens):
    """Shape varies with ACK pacing; require the parts that matter."""
    head = " ".join(tokens[:5]) == HANDSHAKE + " C:AP/10 S:A"
    tail = " ".join(tokens[-3:]) == "S:AF C:AF S:A"
    data = [t for t in tokens if t.startswith("S:") and "/" in t]
    total = sum(int(t.split("/")[1]) for t in data)
    return head and tail and total == BULK_SIZE and len(data) >= 100


def capture(path, port, client_port, traffic):
    # -Z root: tcpdump would otherwise drop to the tcpdump user before
    # creating the file and could not write into a root-owned directory.
    # --immediate-mode: without it packets sit in the kernel ring for up to
    # a second and are lost when tcpdump is stopped.  -B: the bulk transfer
    # overflows the default 2 MB buffer.
    proc = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "--immediate-mode", "-B", "65536",
         "-Z", "root", "-w", path, "tcp port %d" % port],
        stderr=subprocess.PIPE, text=True)
    try:
        # tcpdump prints this once the filter is installed and it is reading.
        for line in proc.stderr:
            if "listening on" in line:
                break
        else:
            raise RuntimeError("tcpdump did not start")
        traffic(port, client_port)
        time.sleep(0.5)  # let the last segments reach the file
    finally:
        proc.send_signal(signal.SIGINT)
        stats = proc.stderr.read()
        proc.wait()
    dropped = re.search(r"(\d+) packets? dropped by kernel", stats)
    if not dropped or dropped.group(1) != "0":
        raise RuntimeError("tcpdump dropped packets: " + stats.strip())


def shape(path, server_port):
    out = subprocess.run(
        ["tshark", "-r", path, "-T", "fields",
         "-e", "tcp.srcport", "-e", "tcp.flags.str", "-e", "tcp.len"],
        capture_output=True, text=True, check=True).stdout
    tokens = []
    for line in out.splitlines():
        sport, flags, length = line.split("\t")
        side = "S" if int(sport) == server_port else "C"
        flags = flags.replace("\u00b7", "")
        tokens.append("%s:%s%s" % (side, flags, "" if length == "0" else "/" + length))
    return tokens


# Loss or reordering would mean the run is not the clean example intended.
BAD_ANALYSIS = ("tcp.analysis.retransmission or tcp.analysis.out_of_order"
                " or tcp.analysis.lost_segment or tcp.analysis.ack_lost_segment"
                " or tcp.analysis.duplicate_ack")


def analysis_problems(path):
    out = subprocess.run(["tshark", "-r", path, "-Y", BAD_ANALYSIS],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


def make(name):
    port, traffic, expected = SCENARIOS[name]
    path = name + ".pcap"
    # Record into a scratch file so a failed run leaves the old capture alone.
    scratch = path + ".part"
    for attempt in range(1, ATTEMPTS + 1):
        # Fixed client ports keep the listings stable across runs; a retry
        # moves on, the previous attempt's port may still be in TIME_WAIT.
        client_port = port + 10000 + 100 * (attempt - 1)
        try:
            capture(scratch, port, client_port, traffic)
        except Exception as e:
            print("  %s attempt %d failed: %s" % (name, attempt, e))
            continue
        tokens = shape(scratch, port)
        problems = analysis_problems(scratch)
        if problems:
            print("  %s attempt %d: tshark analysis:\n%s" % (name, attempt, problems))
            continue
        if (bulk_ok(tokens) if expected is None
                else " ".join(tokens) == expected):
            os.replace(scratch, path)
            print("%-24s ok (%d packets, attempt %d)" % (path, len(tokens), attempt))
            return
        print("  %s attempt %d: unexpected shape %s" % (name, attempt, " ".join(tokens)))
    if os.path.exists(scratch):
        os.remove(scratch)
    sys.exit("%s: no run produced the intended shape" % name)


if __name__ == "__main__":
    # Loopback delivers each packet through the backlog of the CPU that sent
    # it; with sender, receiver and their softirqs spread over several CPUs
    # the bulk transfer gets reordered and "retransmitted".  One CPU for
    # everything keeps the segments in order.
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    for scenario in sys.argv[1:] or SCENARIOS:
        make(scenario)
