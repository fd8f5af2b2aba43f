#!/usr/bin/python3
"""Record real TLS connections on loopback with tcpdump.

make-captures.sh runs this, like loopback_scenarios.py, inside a private
network namespace (unshare -n) whose lo has gso_max_segs 1.  Both endpoints
are Python's ssl module (OpenSSL) in one process, the server in a thread; the
server certificate is a throwaway self-signed RSA 2048 one made with the
openssl command at run time (CN and DNS name tcplife.test).

Both sockets clamp their MSS to 536 (TCP_MAXSEG before listen()/connect()),
so with the 12-byte timestamp option every segment carries at most 524 bytes
and the server's Certificate flight spans several segments that Wireshark
reassembles.  The server listens on 443, where Wireshark dissects TLS without
heuristics or Decode As.

Each capture is checked twice: its TCP shape (direction, flags, payload or
not) and the TLS messages tshark finds in each frame, both against the
intended ones; the TLS flights must be reassembled from the intended number
of segments.  A run that differs is retried with the next client ports, as in
loopback_scenarios.py.

Usage: tls_scenarios.py [SCENARIO ...]   (default: all)
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

# Python's ssl module cannot choose the TLS 1.3 cipher suites of a context;
# OpenSSL reads them from its configuration file (system_default section)
# when the ssl module initialises it, so the file must exist before the
# import.  It replaces Debian's /etc/ssl/openssl.cnf, whose two settings are
# kept (without MinProtocol the client would offer TLS 1.0 and 1.1 too).
OPENSSL_CONF = """\
openssl_conf = tcplife_conf
[tcplife_conf]
ssl_conf = tcplife_ssl
[tcplife_ssl]
system_default = tcplife_system
[tcplife_system]
MinProtocol = TLSv1.2
CipherString = DEFAULT:@SECLEVEL=2
Ciphersuites = TLS_AES_128_GCM_SHA256
"""
CONF_DIR = tempfile.mkdtemp(prefix="tcplife-tls-")
os.environ["OPENSSL_CONF"] = os.path.join(CONF_DIR, "openssl.cnf")
with open(os.environ["OPENSSL_CONF"], "w") as conf:
    conf.write(OPENSSL_CONF)

import ssl  # noqa: E402  (after OPENSSL_CONF on purpose)

import loopback_scenarios as lo  # noqa: E402  capture(), run_pair(), recv_exact()

PORT = 443
SNI = "tcplife.test"
ALPN = ["http/1.1"]
# 536 is the IPv4 default MSS (RFC 9293 3.7.1); 524 B of payload per segment.
MSS = 536
REQUEST = b"GET / HTTP/1.0\r\nHost: tcplife.test\r\n\r\n"
RESPONSE = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"
CERT = os.path.join(CONF_DIR, "cert.pem")
KEY = os.path.join(CONF_DIR, "key.pem")


def make_certificate():
    # The openssl command must not read the configuration above (it has no
    # [req] section): plain environment for it.
    env = {k: v for k, v in os.environ.items() if k != "OPENSSL_CONF"}
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", KEY,
                    "-out", CERT, "-days", "30", "-set_serial", "1", "-subj", "/CN=" + SNI,
                    "-addext", "subjectAltName=DNS:" + SNI],
                   env=env, check=True, capture_output=True)


# --- TLS contexts ------------------------------------------------------------

def server_context(maximum=None, minimum=None, ciphers=None, tickets=True, curve=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    ctx.set_alpn_protocols(ALPN)
    if maximum:
        ctx.maximum_version = maximum
    if minimum:
        ctx.minimum_version = minimum
    if ciphers:
        ctx.set_ciphers(ciphers)
    if not tickets:
        # Session-ID resumption only (TLS 1.2); no NewSessionTicket.
        ctx.options |= ssl.OP_NO_TICKET
    if curve:
        # OpenSSL 3: the context's only key-exchange group.
        ctx.set_ecdh_curve(curve)
    return ctx


def client_context(maximum=None, ciphers=None, verify=False, tickets=True):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_alpn_protocols(ALPN)
    if maximum:
        ctx.maximum_version = maximum
    if ciphers:
        ctx.set_ciphers(ciphers)
    if not tickets:
        ctx.options |= ssl.OP_NO_TICKET
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    # verify: CERT_REQUIRED with an empty trust store, so the self-signed
    # certificate fails (unknown CA).
    return ctx


# --- one HTTPS exchange ------------------------------------------------------

def https_server(ctx, check=None):
    """Handshake, read the request, answer it, then close after the client:
    its close_notify is answered with ours, its FIN at once with our FIN (so
    the ACK of the client's FIN rides on it, as in merged-close.pcap)."""
    def server(conn):
        tls = ctx.wrap_socket(conn, server_side=True)
        if check:
            check(tls)
        lo.recv_exact(tls, len(REQUEST))
        tls.sendall(RESPONSE)
        if tls.recv(100) != b"":   # the client's close_notify
            raise RuntimeError("expected close_notify")
        raw = tls.unwrap()         # our close_notify
        lo.expect_eof(raw)
        raw.close()
    return server


def https_client(ctx, check=None, session=None, keep=None):
    """Handshake, request, read the whole response, close_notify, wait for the
    server's close_notify, then FIN."""
    def client(sock):
        tls = ctx.wrap_socket(sock, server_hostname=SNI, session=session)
        if check:
            check(tls)
        tls.sendall(REQUEST)
        lo.recv_exact(tls, len(RESPONSE))
        if keep is not None:
            keep.append(tls.session)
        raw = tls.unwrap()
        raw.close()
    return client


def negotiated(version, cipher, resumed=False):
    def check(tls):
        got = (tls.version(), tls.cipher()[0], tls.selected_alpn_protocol(), tls.session_reused)
        want = (version, cipher, ALPN[0], resumed)
        if got != want:
            raise RuntimeError("negotiated %s, expected %s" % (got, want))
    return check


# --- scenarios -------------------------------------------------------------

def tls12_ecdhe(port, client_port):
    # The client offers TLS 1.3 and 1.2 with Python's default ciphers; the
    # server only speaks TLS 1.2 with one cipher (and sends a session ticket).
    cipher = "ECDHE-RSA-AES128-GCM-SHA256"
    lo.run_pair(port, client_port,
                https_server(server_context(maximum=ssl.TLSVersion.TLSv1_2, ciphers=cipher)),
                https_client(client_context(), negotiated("TLSv1.2", cipher)), MSS)


def tls12_rsa(port, client_port):
    # RSA key exchange: no ServerKeyExchange; no ticket either, the flights of
    # the textbook picture.
    cipher = "AES128-GCM-SHA256"
    lo.run_pair(port, client_port,
                https_server(server_context(maximum=ssl.TLSVersion.TLSv1_2, ciphers=cipher,
                                            tickets=False)),
                https_client(client_context(maximum=ssl.TLSVersion.TLSv1_2, ciphers=cipher),
                             negotiated("TLSv1.2", cipher)), MSS)


def tls13(port, client_port):
    lo.run_pair(port, client_port,
                https_server(server_context(minimum=ssl.TLSVersion.TLSv1_3)),
                https_client(client_context(), negotiated("TLSv1.3", "TLS_AES_128_GCM_SHA256")), MSS)


def tls13_hrr(port, client_port):
    # The client's groups are OpenSSL's default, X25519 first, and it sends a
    # key share for X25519 only; the server accepts P-256 only, so it answers
    # with a HelloRetryRequest.
    lo.run_pair(port, client_port,
                https_server(server_context(minimum=ssl.TLSVersion.TLSv1_3, curve="prime256v1")),
                https_client(client_context(), negotiated("TLSv1.3", "TLS_AES_128_GCM_SHA256")), MSS)


def tls12_resumed(port, client_port):
    # Two connections, client ports P and P+1; the second resumes the first's
    # session by its session ID (no tickets on either side).
    cipher = "ECDHE-RSA-AES128-GCM-SHA256"
    server = server_context(maximum=ssl.TLSVersion.TLSv1_2, ciphers=cipher, tickets=False)
    client = client_context(maximum=ssl.TLSVersion.TLSv1_2, tickets=False)
    sessions = []
    lo.run_pair(port, client_port, https_server(server, negotiated("TLSv1.2", cipher)),
                https_client(client, negotiated("TLSv1.2", cipher), keep=sessions), MSS)
    time.sleep(lo.CLOSE_PAUSE)
    lo.run_pair(port, client_port + 1, https_server(server, negotiated("TLSv1.2", cipher, True)),
                https_client(client, negotiated("TLSv1.2", cipher, True), session=sessions[0]), MSS)


def tls_alert(port, client_port):
    # The client verifies the certificate against an empty trust store: it
    # sends a fatal unknown_ca alert and closes; the server closes on EOF.
    def server(conn):
        tls = server_context(maximum=ssl.TLSVersion.TLSv1_2,
                             ciphers="ECDHE-RSA-AES128-GCM-SHA256").wrap_socket(
            conn, server_side=True, do_handshake_on_connect=False)
        try:
            tls.do_handshake()
        except ssl.SSLError as e:
            if "ALERT_UNKNOWN_CA" not in str(e).upper():
                raise
        else:
            raise RuntimeError("server handshake succeeded")
        raw = socket.socket(fileno=tls.detach())
        lo.expect_eof(raw)
        raw.close()

    def client(sock):
        tls = client_context(verify=True).wrap_socket(sock, server_hostname=SNI,
                                                      do_handshake_on_connect=False)
        try:
            tls.do_handshake()
        except ssl.SSLCertVerificationError:
            pass
        else:
            raise RuntimeError("client handshake succeeded")
        # The alert went out on reading the Certificate; the rest of the
        # server's flight is still unread, and closing now would make Linux
        # send RST instead of FIN.  Read it first.
        raw = socket.socket(fileno=tls.detach())
        time.sleep(lo.STEP_PAUSE)
        raw.setblocking(False)
        try:
            while raw.recv(4096):
                pass
        except BlockingIOError:
            pass
        raw.close()
    lo.run_pair(port, client_port, server, client, MSS)


def tls_cut(port, client_port):
    tls12_ecdhe(port, client_port)


# --- capture and verification ---------------------------------------------

def tls_listing(path):
    """Per frame: side, flags, payload length and what tshark's TLS dissector
    finds there once TCP has reassembled the records."""
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "tcp.desegment_tcp_streams:TRUE",
         "-o", "tls.desegment_ssl_records:TRUE", "-T", "fields",
         "-E", "occurrence=a", "-E", "aggregator=,",
         "-e", "frame.number", "-e", "tcp.srcport", "-e", "tcp.flags.str", "-e", "tcp.len",
         "-e", "tls.record.content_type", "-e", "tls.record.opaque_type", "-e", "tls.handshake.type",
         "-e", "tls.alert_message.desc", "-e", "tcp.segment.count"],
        capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def token(row):
    """C:AP/22:1 = client, ACK+PSH, a record of content type 22 (handshake)
    holding message type 1 (ClientHello).  After the "/": the content types
    of the records tshark dissects in the frame (TLS 1.3's encrypted records
    by their opaque type), ":" the handshake message types among them, "!"
    the alert descriptions, "#" the number of TCP segments of each record
    TCP reassembled into this frame; "." when the frame's payload only goes
    into a record that a later frame completes."""
    _, sport, flags, length, types, opaque, handshake, alert, segments = (row + [""] * 9)[:9]
    text = "%s:%s" % ("S" if int(sport) == PORT else "C", flags.replace("\u00b7", ""))
    if length == "0":
        return text
    tls = ",".join(t for t in (types, opaque) if t) or "."
    if handshake:
        tls += ":" + handshake
    if alert:
        tls += "!" + alert
    if segments:
        tls += "#" + segments
    return text + "/" + tls


def tokens(path):
    return [token(row) for row in tls_listing(path)]


HANDSHAKE = "C:S S:AS C:A"
# The close_notify alerts both ways, then the close: the client's FIN, the
# server's FIN+ACK at once (merged), the client's last ACK.  TLS 1.2: with
# the request and response before them; TLS 1.3 encrypts the alerts (opaque
# type 23).
CLOSE = "C:AF S:AF C:A"
TLS12_END = " C:AP/23 S:AP/23 C:AP/21 S:AP/21 " + CLOSE
TLS13_END = " C:AP/23 S:AP/23 " + CLOSE
# The server's first TLS 1.2 flight: ServerHello and the start of the
# Certificate record, the rest of the Certificate, then ServerKeyExchange
# (begun in the previous segment) and ServerHelloDone.
TLS12_SERVER_HELLO = " C:AP/22:1 S:A S:A/22:2 C:A S:A/22:11#2 C:A S:AP/22,22:12,14#2 C:A"
TLS12_ECDHE = (HANDSHAKE + TLS12_SERVER_HELLO +
               " C:AP/22,20,22:16 S:AP/22,20,22:4" + TLS12_END)
# The intended listing of each capture, token() per frame.  Linux ACKs each
# of the server's 524-byte segments at once (quick-ACK at the start of a
# connection), hence the C:A between them.
SCENARIOS = {
    # name: (first client port, traffic, intended listing, frames kept)
    # ClientHello; ServerHello + Certificate, ServerKeyExchange +
    # ServerHelloDone; ClientKeyExchange, ChangeCipherSpec, Finished
    # (encrypted); NewSessionTicket, ChangeCipherSpec, Finished.
    "tls12-ecdhe": (51001, tls12_ecdhe, TLS12_ECDHE, None),
    # No ServerKeyExchange, no ticket: the server's first flight is two
    # segments, its last ChangeCipherSpec and Finished.
    "tls12-rsa": (51002, tls12_rsa,
                  HANDSHAKE + " C:AP/22:1 S:A S:A/22:2 C:A S:AP/22,22:11,14#2 C:A"
                  " C:AP/22,20,22:16 S:AP/20,22" + TLS12_END, None),
    # ServerHello, ChangeCipherSpec (middlebox compatibility) and the
    # encrypted EncryptedExtensions, Certificate (two segments),
    # CertificateVerify (two segments) and Finished; the client's
    # ChangeCipherSpec and Finished; then two NewSessionTickets (encrypted),
    # the second held back by Nagle until the request acknowledges the first.
    "tls13": (51003, tls13,
              HANDSHAKE + " C:AP/22:1 S:A S:A/22,20,23:2 C:A S:A/23#2 C:A S:AP/23,23#2 C:A"
              " C:AP/20,23 S:AP/23 C:AP/23 S:AP/23 C:A S:AP/23 C:A" + TLS13_END, None),
    # ClientHello (X25519 key share); HelloRetryRequest (a ServerHello by
    # type) and ChangeCipherSpec; ChangeCipherSpec and the second ClientHello
    # (P-256 key share); then as in tls13, the client's Finished alone.  By
    # then the client is in delayed-ACK (ping-pong) mode and ACKs the server's
    # three segments once, after the second or the third, depending on when
    # its thread read the first: either listing is accepted (same frame count,
    # the same TCP steps on the same frames).
    "tls13-hrr": (51004, tls13_hrr, tuple(
        HANDSHAKE + " C:AP/22:1 S:A S:AP/22,20:2 C:A C:AP/20,22:1 S:A/22,23:2 S:A/23#2" + middle +
        " C:AP/23 S:AP/23 C:AP/23 S:AP/23 C:A S:AP/23 C:A" + TLS13_END
        for middle in (" C:A S:AP/23,23#2", " S:AP/23,23#2 C:A")), None),
    # A full handshake without ticket, then the abbreviated one on the next
    # client port: ClientHello with the session ID; ServerHello,
    # ChangeCipherSpec, Finished; ChangeCipherSpec, Finished.
    "tls12-resumed": (51005, tls12_resumed,
                      HANDSHAKE + TLS12_SERVER_HELLO + " C:AP/22,20,22:16 S:AP/20,22" + TLS12_END + " " +
                      HANDSHAKE + " C:AP/22:1 S:A S:AP/22,20,22:2 C:A C:AP/20,22 S:A C:AP/23 S:A S:AP/23"
                      " C:AP/21 S:AP/21 C:AF S:AF C:A", None),
    # The client's fatal alert 48 (unknown_ca) after the server's first
    # flight; 0.1 s later its FIN, the server's FIN+ACK, the last ACK.
    "tls-alert": (51007, tls_alert, HANDSHAKE + TLS12_SERVER_HELLO + " C:AP/21!48 S:A " + CLOSE, None),
    # The same connection as tls12-ecdhe, cut after the server's first flight
    # (frame 10: ServerKeyExchange, ServerHelloDone) with editcap -r.
    "tls-cut": (51008, tls_cut, TLS12_ECDHE, 10),
}


def make(name):
    first_port, traffic, expected, keep = SCENARIOS[name]
    if isinstance(expected, str):
        expected = (expected,)
    path = name + ".pcap"
    scratch = path + ".part"
    for attempt in range(1, lo.ATTEMPTS + 1):
        # Fixed client ports keep listings stable; a retry moves on, the
        # previous attempt's ports may still be in TIME_WAIT.
        client_port = first_port + 100 * (attempt - 1)
        try:
            lo.capture(scratch, PORT, client_port, traffic)
        except Exception as e:
            print("  %s attempt %d failed: %s" % (name, attempt, e))
            continue
        problems = lo.analysis_problems(scratch)
        if problems:
            print("  %s attempt %d: tshark analysis:\n%s" % (name, attempt, problems))
            continue
        got = tokens(scratch)
        if " ".join(got) not in expected:
            print("  %s attempt %d: unexpected listing %s" % (name, attempt, " ".join(got)))
            continue
        if keep:
            cut = scratch + ".cut"
            subprocess.run(["editcap", "-r", scratch, cut, "1-%d" % keep], check=True)
            os.replace(cut, scratch)
            if tokens(scratch) != got[:keep]:
                print("  %s attempt %d: cut listing %s" % (name, attempt, " ".join(tokens(scratch))))
                continue
            got = got[:keep]
        os.replace(scratch, path)
        print("%-24s ok (%d packets, attempt %d)" % (path, len(got), attempt))
        return
    if os.path.exists(scratch):
        os.remove(scratch)
    sys.exit("%s: no run produced the intended listing" % name)


def main():
    for tool in ("openssl", "editcap"):
        if shutil.which(tool) is None:
            sys.exit("missing tool: %s (apt-get install %s)" % (tool, {"editcap": "wireshark-common"}.get(tool, tool)))
    make_certificate()
    # One CPU for everything, as in loopback_scenarios.py: no reordering.
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    for name in sys.argv[1:] or SCENARIOS:
        make(name)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(CONF_DIR, ignore_errors=True)
