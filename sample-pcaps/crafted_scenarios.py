#!/usr/bin/python3
"""Build the hand-crafted captures offline with scapy (nothing is sent).

Everything is fixed - MACs, addresses, ports, ISNs, IP IDs, timestamps - so
the files are byte-identical on every run.  Sequence and acknowledgement
numbers come from a small model of both endpoints (Conversation) rather than
being typed in, so they stay consistent the way a real stack's would; only
the deliberately wrong numbers of a scenario are passed explicitly.

Timestamps are taken as if captured next to the client: the server's answers
arrive 1 ms (one RTT) after what provoked them, the client's own reactions
follow 50 us after what it received.

Usage: crafted_scenarios.py [SCENARIO ...]   (default: all)
"""
import struct
import subprocess
import sys
from decimal import Decimal

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import (ICMPv6DestUnreach, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                                IPv6ExtHdrHopByHop, IPv6ExtHdrSegmentRouting)
from scapy.layers.l2 import GRE, Dot1AD, Dot1Q, Ether
from scapy.layers.vxlan import VXLAN
from scapy.packet import Raw
from scapy.utils import RawPcapWriter, wrpcap

START = 1704067200          # 2024-01-01 00:00:00 UTC: every file starts here
RTT = Decimal("0.001")      # server answers
REACT = Decimal("0.00005")  # client's own immediate reaction
WINDOW = 65535
MOD = 2 ** 32

REQUEST = b"GET / HTTP/1.1\r\nHost: server\r\n\r\n"                       # 32 B
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n"         # 44 B


class Host:
    def __init__(self, mac, ip4, ip6, ip_id):
        self.mac, self.ip4, self.ip6 = mac, ip4, ip6
        # Fixed, per-host incrementing IP IDs keep the output deterministic.
        self.ip_id = ip_id

    def next_id(self):
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        return self.ip_id


class Trace:
    """Packets of one capture file plus the link framing they are wrapped in.

    vlan: an 802.1Q tag; service_vlan adds an 802.1ad tag outside it (QinQ).
    tunnel: {host: outer IPv4 address}; encap how the outer header carries the
    inner datagram: "ipip" (protocol 4), "gre" (protocol 47) or "vxlan" (UDP
    4789, with an inner Ethernet header).  extension_headers: IPv6 packets carry
    hop-by-hop, destination options, a segment routing header and an atomic
    fragment header before TCP.  interfaces: names of pcapng interfaces; each
    packet's sniffed_on is its interface's index, and the file is a pcapng.
    """

    def __init__(self, ipv6=False, vlan=None, tunnel=None, snaplen=None,
                 cut_short=False, service_vlan=None, encap="ipip",
                 extension_headers=False, interfaces=None):
        self.ipv6, self.vlan, self.tunnel = ipv6, vlan, tunnel
        self.snaplen, self.cut_short = snaplen, cut_short
        self.service_vlan, self.encap = service_vlan, encap
        self.extension_headers, self.interfaces = extension_headers, interfaces
        self.suffix = ".pcapng" if interfaces else ".pcap"
        self.clock = Decimal(START)
        self.packets = []

    def ip(self, src, dst, payload, **kw):
        if self.ipv6:
            header = IPv6(src=src.ip6, dst=dst.ip6, hlim=64)
            if self.extension_headers:
                # RFC 8200 4.1's order.  Segments left 0: the routing header has
                # brought the packet to its last segment, the destination.
                header = (header / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt()
                          / IPv6ExtHdrSegmentRouting(addresses=[dst.ip6], segleft=0,
                                                     lastentry=0)
                          / IPv6ExtHdrFragment(id=src.next_id(), offset=0, m=0))
            return header / payload
        return IP(src=src.ip4, dst=dst.ip4, id=src.next_id(), ttl=64, **kw) / payload

    def encapsulate(self, src, dst, l3):
        outer = IP(src=self.tunnel[src], dst=self.tunnel[dst], id=src.next_id(), ttl=64)
        if self.encap == "gre":
            return outer / GRE(proto=0x0800) / l3
        if self.encap == "vxlan":
            # RFC 7348 5: UDP checksum 0; a fixed source port (the flow's hash).
            inner = Ether(src=src.mac, dst=dst.mac) / l3
            return outer / UDP(sport=49152, dport=4789, chksum=0) / VXLAN(vni=4242) / inner
        outer.proto = 4
        return outer / l3

    def emit(self, src, dst, l3, after, captured=True):
        """Frame l3, advance the clock and record it.

        captured=False: the packet was sent (IP ID and clock advance) but the
        capture missed it.
        """
        if self.tunnel:
            l3 = self.encapsulate(src, dst, l3)
        frame = Ether(src=src.mac, dst=dst.mac)
        if self.service_vlan is not None:
            frame = frame / Dot1AD(vlan=self.service_vlan)
        if self.vlan is not None:
            frame = frame / Dot1Q(vlan=self.vlan)
        # Re-parse from bytes so lengths and checksums are computed once,
        # and retransmissions can copy exactly what went on the wire.
        pkt = Ether(bytes(frame / l3))
        self.clock += after
        pkt.time = self.clock
        if captured:
            self.packets.append(pkt)
        return pkt

    def tcp(self, src, dst, segment, after, tos=0, captured=True):
        kw = dict(flags="DF", tos=tos) if tos else dict(flags="DF")
        return self.emit(src, dst, self.ip(src, dst, segment, **kw), after,
                         captured=captured)

    def resend(self, pkt, sender, after):
        """Retransmission or duplicate: the identical segment again."""
        copy = Ether(bytes(pkt))
        # A new datagram gets a new IP ID (in a tunnel's outer header too).
        layer = copy.payload
        while isinstance(layer, IP):
            layer.id = sender.next_id()
            del layer.chksum
            layer = layer.payload
        pkt = Ether(bytes(copy))
        self.clock += after
        pkt.time = self.clock
        self.packets.append(pkt)
        return pkt

    def duplicate(self, pkt, after):
        """A copy made by the network: the same bytes, IP ID included."""
        pkt = Ether(bytes(pkt))
        self.clock += after
        pkt.time = self.clock
        self.packets.append(pkt)
        return pkt

    def write(self, path):
        if self.interfaces:
            self.write_pcapng(path)
        elif self.snaplen:
            self.write_sliced(path)
        else:
            wrpcap(path, self.packets, linktype=1, endianness="<")
        if self.cut_short:
            # Drop the second half of the last record's packet bytes; its
            # record header still announces the full length.
            with open(path, "r+b") as f:
                f.truncate(f.seek(0, 2) - len(self.packets[-1]) // 2)

    def write_sliced(self, path):
        # Each record keeps snaplen bytes and the original length as wirelen,
        # as tcpdump -s does.
        with RawPcapWriter(path, linktype=1, endianness="<", snaplen=self.snaplen) as w:
            w.write_header(None)
            for pkt in self.packets:
                raw = bytes(pkt)
                sec = int(pkt.time)
                usec = int((pkt.time - sec) * 1000000)
                w.write_packet(raw[:self.snaplen], sec=sec, usec=usec,
                               caplen=min(len(raw), self.snaplen), wirelen=len(raw))

    def write_pcapng(self, path):
        # One section, an Ethernet interface description per name (default
        # microsecond timestamps), then an enhanced packet block per packet
        # naming its interface.  Little-endian, no other options.
        def block(kind, body):
            body += b"\0" * (-len(body) % 4)
            length = 12 + len(body)
            return struct.pack("<II", kind, length) + body + struct.pack("<I", length)

        def option(code, value):
            return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)

        with open(path, "wb") as f:
            f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
            for name in self.interfaces:
                f.write(block(1, struct.pack("<HHI", 1, 0, 0)
                              + option(2, name.encode()) + option(0, b"")))
            for pkt in self.packets:
                raw = bytes(pkt)
                usec = int(pkt.time * 1000000)
                f.write(block(6, struct.pack("<IIIII", pkt.sniffed_on, usec >> 32,
                                             usec & 0xFFFFFFFF, len(raw), len(raw)) + raw))


CLIENT = Host("02:00:00:00:00:01", "10.0.0.1", "fd00::1", 0x1000)
SERVER = Host("02:00:00:00:00:02", "10.0.0.2", "fd00::2", 0x2000)


def reset_hosts():
    CLIENT.ip_id, SERVER.ip_id = 0x1000, 0x2000


class Stack:
    """What one endpoint offers on its SYN and advertises as its window.

    The default - an MSS option only and a constant, unscaled window - is what
    most scenarios use.  sack, ts and wscale add the RFC 2018 / RFC 7323
    options in Linux's order (MSS, SACK-permitted, timestamps, NOP, window
    scale); tfo_cookie adds an RFC 7413 Fast Open cookie option (kind 34) to
    the SYN.  ts is the endpoint's timestamp clock offset:
    TSval = ts + milliseconds since START.  window is in bytes; the SYN
    carries it unscaled, later segments shifted by wscale when both SYNs
    offered window scaling.
    """

    def __init__(self, mss=1460, window=WINDOW, sack=False, ts=None,
                 wscale=None, tfo_cookie=None):
        self.mss, self.window, self.sack = mss, window, sack
        self.ts, self.wscale, self.tfo_cookie = ts, wscale, tfo_cookie

    def tsval(self, when):
        return (self.ts + int((when - START) * 1000)) % MOD

    def syn_options(self, tsval, tsecr):
        options = [("MSS", self.mss)]
        if self.sack:
            options.append(("SAckOK", b""))
        if self.ts is not None:
            options.append(("Timestamp", (tsval, tsecr)))
        if self.wscale is not None:
            options += [("NOP", None), ("WScale", self.wscale)]
        if self.tfo_cookie is not None:
            options += [("TFO", struct.unpack("!II", self.tfo_cookie)),
                        ("NOP", None), ("NOP", None)]
        return options


class Conversation:
    """Sequence-number bookkeeping of one TCP connection.

    nxt[h]: next sequence number h will send (SND.NXT).
    rcv[h]: next sequence number h expects (RCV.NXT), i.e. its ACK number.
    ts_recent[h]: the last TSval h received, echoed as its TSecr.

    stacks: {host: Stack}; default Stack(mss) on both sides.  ect: data
    segments carry ECT(0) in the IP header (ECN in use, RFC 3168); the SYNs'
    ECE/CWR flags are the scenario's to pass.
    """

    def __init__(self, trace, a, b, a_port, b_port, a_isn, b_isn, mss=1460,
                 stacks=None, ect=False):
        self.trace = trace
        self.peer = {a: b, b: a}
        self.port = {a: a_port, b: b_port}
        self.nxt = {a: a_isn, b: b_isn}
        self.rcv = {a: None, b: None}
        self.stack = stacks or {a: Stack(mss), b: Stack(mss)}
        self.ts_recent = {a: 0, b: 0}
        self.ect = ect
        # Both SYNs carry the option, so it is in effect (RFC 7323).
        self.ts_on = all(st.ts is not None for st in self.stack.values())
        self.ws_on = all(st.wscale is not None for st in self.stack.values())

    def send(self, src, flags, data=b"", after=RTT, seq=None, ack=None,
             deliver=True, window=None, captured=True, sack=(), raw_options=None,
             dataofs=None):
        """Put one segment on the wire.

        seq given: a re-sent SYN (simultaneous open) or a forged number; it
        does not advance SND.NXT.  deliver=False: the peer has not processed
        it yet when it sends its own next segment (crossing segments); call
        deliver() later.  window: advertised receive window in bytes (default
        the stack's; 0 on a bare RST).  captured=False: sent and received,
        but missing from the capture.  sack: (left, right) sequence-number
        pairs the segment reports in an RFC 2018 SACK option.  raw_options:
        the option bytes as they stand (a multiple of 4, malformed at will) in
        place of the stack's.  dataofs: the data offset field, in 32-bit words,
        whatever the header really holds (a bogus header length).
        """
        dst = self.peer[src]
        stack = self.stack[src]
        explicit_seq = seq is not None
        if seq is None:
            seq = self.nxt[src]
        if ack is None:
            ack = self.rcv[src] if "A" in flags else 0
        tsval = None
        if stack.ts is not None and ("S" in flags or self.ts_on) and "R" not in flags:
            tsval = stack.tsval(self.trace.clock + after)
        if "S" in flags:
            options = stack.syn_options(tsval, self.ts_recent[src])
        elif tsval is not None:
            options = [("NOP", None), ("NOP", None),
                       ("Timestamp", (tsval, self.ts_recent[src]))]
        else:
            options = []
        if sack:
            edges = tuple(edge % MOD for block in sack for edge in block)
            options = options + [("NOP", None), ("NOP", None), ("SAck", edges)]
        if window is None:
            window = 0 if flags == "R" else stack.window
        if "S" not in flags and self.ws_on:
            window >>= stack.wscale
        fields = dict(sport=self.port[src], dport=self.port[dst], flags=flags,
                      seq=seq, ack=ack, window=min(window, 0xFFFF))
        if raw_options is not None or dataofs is not None:
            # Options scapy could not build: the bytes follow a bare 20-byte
            # header whose data offset covers them (or says what it is told).
            raw_options = raw_options or b""
            segment = TCP(dataofs=dataofs or 5 + len(raw_options) // 4, **fields)
            if raw_options or data:
                segment = segment / Raw(raw_options + data)
        else:
            segment = TCP(options=options, **fields)
            if data:
                segment = segment / Raw(data)
        end = (seq + len(data) + ("S" in flags) + ("F" in flags)) % MOD
        if not explicit_seq:
            self.nxt[src] = end
        if deliver:
            self.rcv[dst] = end
            if tsval is not None:
                self.ts_recent[dst] = tsval
        tos = 0x02 if self.ect and data else 0  # ECT(0)
        return self.trace.tcp(src, dst, segment, after, tos=tos,
                              captured=captured)

    def deliver(self, pkt):
        t = pkt[TCP]
        end = (t.seq + len(t.payload) + bool(t.flags.S) + bool(t.flags.F)) % MOD
        receiver = next(h for h, port in self.port.items() if port == t.dport)
        self.rcv[receiver] = end
        for name, value in t.options:
            if name == "Timestamp":
                self.ts_recent[receiver] = value[0]

    # Building blocks shared by many scenarios (client = CLIENT side).

    def handshake(self, after=0):
        self.send(CLIENT, "S", after=after)
        self.send(SERVER, "SA")
        self.send(CLIENT, "A", after=REACT)

    def exchange(self):
        self.send(CLIENT, "PA", REQUEST, after=REACT)
        self.send(SERVER, "A")
        self.send(SERVER, "PA", RESPONSE, after=Decimal("0.0002"))
        self.send(CLIENT, "A", after=REACT)

    def four_way_close(self, first=CLIENT):
        """`first` closes; the other side's FIN follows 200 ms later."""
        second = self.peer[first]
        self.send(first, "FA", after=Decimal("0.01"))
        self.send(second, "A", after=reaction(second))
        self.send(second, "FA", after=Decimal("0.2"))
        self.send(first, "A", after=reaction(first))


def reaction(host):
    """Delay, as seen next to the client, of host's answer to what it just got."""
    return RTT if host is SERVER else REACT


def basic_connection(trace, isn=(0x3A8C1D20, 0x7F3E5B10), mss=1460, after=0):
    conv = Conversation(trace, CLIENT, SERVER, 50000, 80, *isn, mss=mss)
    conv.handshake(after=after)
    conv.exchange()
    conv.four_way_close()


# --- scenarios -------------------------------------------------------------

def syn_unanswered():
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0x3A8C1D20, 0x7F3E5B10)
    syn = conv.send(CLIENT, "S", after=0)
    for gap in (1, 2, 4):  # Linux's exponential SYN backoff
        t.resend(syn, CLIENT, after=gap)
    return t


def simultaneous_open():
    t = Trace()
    x, y = 0x3A8C1D20, 0x7F3E5B10
    conv = Conversation(t, CLIENT, SERVER, 45001, 45002, x, y)
    conv.send(CLIENT, "S", after=0)
    # B's SYN was sent before A's SYN reached B, so it carries no ACK.
    conv.send(SERVER, "S", after=Decimal("0.0005"))
    # Each side now re-sends its own SYN (same ISN) acknowledging the other.
    conv.send(CLIENT, "SA", seq=x, after=REACT)
    conv.send(SERVER, "SA", seq=y, after=Decimal("0.0005"))
    conv.send(CLIENT, "PA", b"hello from A\n", after=Decimal("0.0001"))
    conv.send(SERVER, "A")
    conv.send(SERVER, "PA", b"hello from B\n", after=Decimal("0.0002"))
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def simultaneous_close():
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0x3A8C1D20, 0x7F3E5B10)
    conv.handshake()
    conv.exchange()
    # Both FINs are in flight at once: B's FIN cannot acknowledge A's FIN.
    fin_a = conv.send(CLIENT, "FA", after=Decimal("0.01"), deliver=False)
    fin_b = conv.send(SERVER, "FA", after=Decimal("0.0005"), deliver=False)
    conv.deliver(fin_a)
    conv.deliver(fin_b)
    conv.send(CLIENT, "A", after=REACT)
    conv.send(SERVER, "A", after=Decimal("0.0005"))
    return t


def spoofed_synack():
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 5555, 80, 0, 0)  # all numbers explicit
    forged_ack = 0x0BADCAFE
    conv.send(SERVER, "SA", seq=0x5F1E2D3C, ack=forged_ack, after=0)
    # Closed port, incoming segment has ACK: RST with SEQ=SEG.ACK, no ACK bit.
    conv.send(CLIENT, "R", seq=forged_ack, after=REACT)
    return t


BIG_RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Length: 1459\r\n\r\n"     # 41 B
                + (bytes(range(32, 127)) * 16)[:1459])                    # 1500 B


def midstream():
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 51000, 80, 0x1C2D3E4F, 0x6A7B8C9D)
    # The capture starts on an established keep-alive connection: both sides
    # already know each other's numbers, the first frame is a new request.
    conv.rcv[CLIENT], conv.rcv[SERVER] = conv.nxt[SERVER], conv.nxt[CLIENT]
    conv.send(CLIENT, "PA", REQUEST, after=0)
    conv.send(SERVER, "A", BIG_RESPONSE[:1000])  # ACK of the request rides on the answer
    conv.send(SERVER, "PA", BIG_RESPONSE[1000:], after=Decimal("0.0001"))
    conv.send(CLIENT, "A", after=REACT)
    conv.send(CLIENT, "PA", REQUEST, after=Decimal("0.005"))
    conv.send(SERVER, "PA", RESPONSE)
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def seq_wrap():
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0xFFFFFF00, 0xFFFFFFF0)
    conv.handshake()
    conv.send(CLIENT, "PA", b"c" * 200, after=REACT)
    conv.send(SERVER, "A")
    conv.send(CLIENT, "A", b"c" * 200, after=Decimal("0.0001"))
    conv.send(CLIENT, "PA", b"c" * 200, after=Decimal("0.0001"))
    conv.send(SERVER, "A")
    conv.send(SERVER, "A", b"s" * 200, after=Decimal("0.0002"))
    conv.send(SERVER, "PA", b"s" * 200, after=Decimal("0.0001"))
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def port_reuse():
    t = Trace()
    basic_connection(t, isn=(0x3A8C1D20, 0x7F3E5B10))
    # Same 4-tuple again; larger ISNs, as a TIME-WAIT reuse requires.
    basic_connection(t, isn=(0x3B8C1D20, 0x8F3E5B10), after=2)
    return t


def ipv6():
    t = Trace(ipv6=True)
    basic_connection(t, mss=1440)  # IPv6 header is 20 bytes longer
    return t


def vlan():
    t = Trace(vlan=100)
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0x3A8C1D20, 0x7F3E5B10)
    conv.handshake()
    conv.exchange()
    conv.send(CLIENT, "FA", after=Decimal("0.01"))
    conv.send(SERVER, "FA")   # closes at once: ACK of the FIN rides on its FIN
    conv.send(CLIENT, "A", after=REACT)
    return t


def icmp_error(t, syn):
    """Answer a SYN the way a firewall REJECT does: ICMP quoting the datagram."""
    if t.ipv6:
        quoted = bytes(syn[IPv6])
        error = IPv6(src=SERVER.ip6, dst=CLIENT.ip6, hlim=64) / ICMPv6DestUnreach(code=4)
    else:
        # The whole SYN (IP header + 24-byte TCP header with its MSS option)
        # fits, and Linux quotes as much as fits in 576 bytes.
        quoted = bytes(syn[IP])
        error = IP(src=SERVER.ip4, dst=CLIENT.ip4, id=SERVER.next_id(), ttl=64) / ICMP(type=3, code=3)
    return t.emit(SERVER, CLIENT, error / Raw(quoted), after=RTT)


def icmp_unreachable(use_ipv6=False):
    t = Trace(ipv6=use_ipv6)
    conv = Conversation(t, CLIENT, SERVER, 50000, 7000, 0x3A8C1D20, 0)
    syn = conv.send(CLIENT, "S", after=0)
    icmp_error(t, syn)
    syn = t.resend(syn, CLIENT, after=1 - RTT)
    icmp_error(t, syn)
    return t


def handshake_bad_ack():
    t = Trace()
    s_isn = 0x7F3E5B10
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0x3A8C1D20, s_isn)
    conv.send(CLIENT, "S", after=0)
    conv.send(SERVER, "SA")
    bad_ack = (s_isn + 5) % MOD
    conv.send(CLIENT, "A", ack=bad_ack, after=REACT)
    # RFC 9293 3.10.7.4, SYN-RECEIVED, unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>
    conv.send(SERVER, "R", seq=bad_ack)
    return t


def retransmissions():
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0x3A8C1D20, 0x7F3E5B10)
    conv.send(CLIENT, "S", after=0)
    synack = conv.send(SERVER, "SA")
    t.resend(synack, SERVER, after=1)         # first SYN-ACK lost beyond the capture point
    conv.send(CLIENT, "A", after=REACT)
    conv.exchange()
    fin = conv.send(CLIENT, "FA", after=Decimal("0.01"))
    t.resend(fin, CLIENT, after=Decimal("0.204"))  # Linux minimum RTO (200 ms) + RTT
    conv.send(SERVER, "A")
    conv.send(SERVER, "FA", after=Decimal("0.2"))
    last_ack = conv.send(CLIENT, "A", after=REACT)
    t.resend(last_ack, CLIENT, after=Decimal("0.0001"))
    return t


def ipip_tunnel():
    t = Trace(tunnel={CLIENT: "192.0.2.1", SERVER: "192.0.2.2"})
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0x3A8C1D20, 0x7F3E5B10,
                        mss=1440)  # 20 bytes of the path MTU go to the outer header
    conv.handshake()
    conv.send(CLIENT, "PA", REQUEST, after=REACT)
    conv.send(SERVER, "A")
    conv.four_way_close()
    return t


def refused_retry():
    """A refused SYN tried again with the same ISN (Windows does), then a normal life."""
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 50000, 80, 0x3A8C1D20, 0x7F3E5B10)
    syn = conv.send(CLIENT, "S", after=0)
    conv.send(SERVER, "RA", seq=0)  # 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    t.resend(syn, CLIENT, after=Decimal("0.5"))
    conv.send(SERVER, "SA")
    conv.send(CLIENT, "A", after=REACT)
    conv.exchange()
    conv.four_way_close()
    return t


def gtp_user_data(inner):
    """A GTP-U header (version 1, G-PDU, TEID 1) around an inner IP datagram."""
    body = bytes(inner)
    return struct.pack("!BBHI", 0x30, 0xFF, len(body), 1) + body


def tunnel_traffic(conv, first_after):
    """What both tunnel captures carry: an inner TCP SYN, the server's ACK, an inner
    ICMP echo riding on the client's FIN, and the rest of a four-way close."""
    inner_syn = IP(src="192.168.7.1", dst="192.168.7.2", id=1) / TCP(sport=1234, dport=80, flags="S", seq=77)
    conv.send(CLIENT, "PA", gtp_user_data(inner_syn), after=first_after)
    conv.send(SERVER, "A")
    ping = IP(src="192.168.7.1", dst="192.168.7.2", id=2) / ICMP(type=8, id=7, seq=1)
    conv.send(CLIENT, "FPA", gtp_user_data(ping), after=Decimal("0.01"))
    conv.send(SERVER, "A")
    conv.send(SERVER, "FA", after=Decimal("0.2"))
    conv.send(CLIENT, "A", after=REACT)


def tcp_tunnel():
    """Inner IP datagrams carried in a TCP connection (GTP-U, port 2152): an inner
    TCP SYN, and an ICMP echo riding on the tunnel's FIN. Only the outer TCP is a
    segment of this connection; the ICMP inside it is no ICMP error around it."""
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 50000, 2152, 0x3A8C1D20, 0x7F3E5B10)
    conv.handshake()
    tunnel_traffic(conv, first_after=REACT)
    return t


def tunnel_midstream():
    """The capture starts on an established TCP tunnel (GTP-U, port 2152): its first
    frame carries an inner IP/TCP datagram, so the IP layer inside the payload has set
    the frame's addresses by the time tcplife runs. The server's ACK that follows is a
    plain segment."""
    t = Trace()
    conv = Conversation(t, CLIENT, SERVER, 50000, 2152, 0x3A8C1D20, 0x7F3E5B10)
    conv.rcv[CLIENT], conv.rcv[SERVER] = conv.nxt[SERVER], conv.nxt[CLIENT]
    tunnel_traffic(conv, first_after=0)
    return t


def truncated_snaplen():
    # 40 = Ethernet 14 + IPv4 20 + 6 bytes of TCP: every record keeps the
    # ports and half of the sequence number, as tcpdump -s 40 would.
    t = Trace(snaplen=40)
    basic_connection(t)
    return t


def truncated_file():
    t = Trace(cut_short=True)
    basic_connection(t)
    return t


# --- connection life-cycle cases ---------------------------------------------

def connection(t, port=(50000, 80), isn=(0x3A8C1D20, 0x7F3E5B10), **kw):
    return Conversation(t, CLIENT, SERVER, *port, *isn, **kw)


def no_final_ack():
    """SYN flood / spoofed source: the SYN-ACK is never answered."""
    t = Trace()
    conv = connection(t)
    conv.send(CLIENT, "S", after=0)
    synack = conv.send(SERVER, "SA")
    t.resend(synack, SERVER, after=1)   # Linux SYN-ACK backoff: 1 s, then 2 s
    t.resend(synack, SERVER, after=2)
    return t


# Linux-like option sets: SYN window 64240 (client) / 65160 (server), shift 7.
TS_CLIENT, TS_SERVER = 1588207301, 3462880520   # per-host timestamp offsets
TFO_COOKIE = bytes.fromhex("a3f1c2d4e5b60718")


def tfo_data_in_syn():
    t = Trace()
    conv = connection(t, stacks={
        CLIENT: Stack(window=64240, sack=True, ts=TS_CLIENT, wscale=7,
                      tfo_cookie=TFO_COOKIE),
        SERVER: Stack(window=65160, sack=True, ts=TS_SERVER, wscale=7)})
    conv.send(CLIENT, "S", REQUEST, after=0)         # SYN + 32 B, cookie
    conv.send(SERVER, "SA")                          # ack = ISN + 1 + 32
    # The server answered the request at once: the response follows its
    # SYN-ACK back to back, and the client's first ACK covers both.
    conv.send(SERVER, "PA", RESPONSE, after=Decimal("0.00002"))
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def options_ecn():
    t = Trace()
    conv = connection(t, ect=True, stacks={
        CLIENT: Stack(window=64240, sack=True, ts=TS_CLIENT, wscale=7),
        SERVER: Stack(mss=1400, window=65160, sack=True, ts=TS_SERVER)})
    conv.send(CLIENT, "SEC", after=0)    # ECN-setup SYN (RFC 3168 6.1.1)
    conv.send(SERVER, "SAE")             # ECN-setup SYN-ACK, no window scale
    conv.send(CLIENT, "A", after=REACT)
    conv.exchange()
    conv.four_way_close(first=SERVER)
    return t


def data_before_established():
    t = Trace()
    conv = connection(t)
    conv.send(CLIENT, "S", after=0)
    # Sent in SYN-SENT: no ACK flag, nothing to acknowledge yet.
    conv.send(CLIENT, "P", REQUEST, after=REACT)
    # The server's SYN-ACK left after the request had arrived and covers it.
    conv.send(SERVER, "SA")
    conv.send(CLIENT, "A", after=REACT)
    conv.send(SERVER, "PA", RESPONSE, after=Decimal("0.0002"))
    conv.send(CLIENT, "FA", after=Decimal("0.01"))   # also acks the response
    conv.send(SERVER, "FA")
    conv.send(CLIENT, "A", after=REACT)
    return t


def segment_after_reset():
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    # Abort; seq = the server's RCV.NXT exactly, so it is acceptable (RFC 5961).
    conv.send(CLIENT, "RA", after=Decimal("0.01"))
    conv.send(CLIENT, "PA", b"x" * 20, after=Decimal("0.005"))
    # CLOSED, incoming segment has ACK: <SEQ=SEG.ACK><CTL=RST> (3.10.7.1).
    conv.send(SERVER, "R", seq=conv.rcv[CLIENT])
    return t


def data_after_fin():
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    conv.send(CLIENT, "FA", after=Decimal("0.01"))
    conv.send(SERVER, "A")
    conv.send(CLIENT, "PA", b"x" * 20, after=Decimal("0.005"))  # beyond its FIN
    # The server aborts on data beyond a FIN it has acknowledged (RFC 9293
    # would merely ignore the text in CLOSE-WAIT); as the segment has ACK,
    # the RST is <SEQ=SEG.ACK><CTL=RST>.
    conv.send(SERVER, "R", seq=conv.rcv[CLIENT])
    return t


def time_wait_reuse():
    t = Trace()
    basic_connection(t)
    # 2 s into the client's TIME_WAIT, the same client port again; the new ISN
    # is above the old connection's last sequence number (RFC 1122 4.2.2.13).
    conv = connection(t, isn=(0x3A9D5E60, 0x8A4F6C21))
    conv.handshake(after=2)
    conv.send(CLIENT, "PA", REQUEST, after=REACT)
    conv.send(SERVER, "PA", RESPONSE)                 # ack rides on the answer
    conv.send(CLIENT, "FA", after=Decimal("0.01"))    # also acks the response
    conv.send(SERVER, "FA")
    conv.send(CLIENT, "A", after=REACT)
    return t


def time_wait_assassination():
    """RFC 1337 hazard 1: a RST from the peer ends TIME_WAIT early."""
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.send(CLIENT, "PA", REQUEST, after=REACT)
    conv.send(SERVER, "A")
    response = conv.send(SERVER, "PA", RESPONSE, after=Decimal("0.0002"))
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    t.duplicate(response, after=Decimal("0.5"))   # delayed copy in the network
    conv.send(CLIENT, "A", after=REACT)           # TIME_WAIT re-acks (seq 34, ack 46)
    conv.send(SERVER, "R", seq=conv.rcv[CLIENT])  # CLOSED: <SEQ=SEG.ACK><CTL=RST>
    return t


def close_wait_leak():
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    conv.send(CLIENT, "FA", after=Decimal("0.01"))
    conv.send(SERVER, "A")
    # The server application never closes: nothing more on the wire.
    return t


PUSH = b"event: update\ndata: " + b"0123456789" * 4 + b"\n\n"           # 62 B


def half_open():
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    push = conv.send(SERVER, "PA", PUSH, after=5)
    for gap in ("0.2", "0.4", "0.8", "1.6"):   # RTO 200 ms, doubling
        t.resend(push, SERVER, after=Decimal(gap))
    return t


def lossy_transfer():
    """A 35 840 B download over a receive window of 8760 B (6 x MSS):
    ten retransmissions, one segment missing from the capture, one zero
    window.  Losses happen between the capture point and the client, so the
    originals are in the capture."""
    t = Trace()
    conv = connection(t, stacks={CLIENT: Stack(window=8760), SERVER: Stack()})
    conv.handshake()
    conv.send(CLIENT, "PA", REQUEST, after=REACT)
    size = 24 * 1460 + 800
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (size - 42)
    assert len(head) == 42
    body = head + (bytes(range(48, 123)) * 480)[:size - len(head)]
    chunks = [body[i:i + 1460] for i in range(0, size, 1460)]

    def pair(lost=0, missing=False, window=None):
        """Two segments back to back.  lost: the second one is lost beyond
        the capture point and sent lost+1 times in all (RTO 200 ms,
        doubling).  missing: the first one reaches the client but not the
        capture.  window: what the client's ACK advertises."""
        conv.send(SERVER, "A", chunks.pop(0), captured=not missing)
        if lost:
            second = conv.send(SERVER, "A", chunks.pop(0), after=Decimal("0.0001"),
                               deliver=False)
            conv.send(CLIENT, "A", after=Decimal("0.04"))   # delayed ACK of the first
            rto = Decimal("0.2")
            copy = t.resend(second, SERVER, after=rto + RTT)
            for _ in range(lost - 1):
                rto *= 2
                copy = t.resend(second, SERVER, after=rto)
            conv.deliver(copy)
        else:
            conv.send(SERVER, "A", chunks.pop(0), after=Decimal("0.0001"))
        conv.send(CLIENT, "A", after=REACT, window=window)

    pair()
    pair(lost=1)
    pair(missing=True)
    pair(lost=3)
    pair()
    pair(lost=1)
    # The client's application stops reading: the window closes.
    pair(window=5840)
    pair(window=2920)
    pair(window=0)
    conv.send(CLIENT, "A", after=Decimal("0.1"))    # window update: 8760 again
    pair(lost=3)
    pair(lost=1)
    pair(lost=1)
    conv.send(SERVER, "PA", chunks.pop(0))
    assert not chunks
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def synack_first():
    """The capture missed the SYN; no well-known port tells the roles."""
    t = Trace()
    conv = connection(t, port=(51000, 40000))
    conv.send(CLIENT, "S", after=0, captured=False)
    conv.send(SERVER, "SA", after=0)
    conv.send(CLIENT, "A", after=REACT)
    conv.exchange()
    conv.four_way_close()
    return t


def time_backwards():
    """Capture times that go backwards in file order (a clock stepped back, or
    captures merged out of order): the SYN-ACK and the handshake ACK are
    timestamped before the SYN, and the last ACK before the first FIN."""
    t = Trace()
    conv = connection(t)
    conv.send(CLIENT, "S", after=0)
    conv.send(SERVER, "SA", after=Decimal("-0.001"))
    conv.send(CLIENT, "A", after=Decimal("-0.001"))
    conv.send(CLIENT, "PA", REQUEST, after=Decimal("0.01"))
    conv.send(SERVER, "A")
    conv.send(SERVER, "PA", RESPONSE, after=Decimal("0.0002"))
    conv.send(CLIENT, "A", after=REACT)
    conv.send(CLIENT, "FA", after=Decimal("0.01"))
    conv.send(SERVER, "A")
    conv.send(SERVER, "FA", after=Decimal("0.2"))
    conv.send(CLIENT, "A", after=Decimal("-0.3"))
    return t


def wscale_over_14():
    """The client's SYN offers a window scale shift of 15, one more than RFC 7323
    2.3 allows (the receiver must use 14); the server offers 14, the largest."""
    t = Trace()
    conv = connection(t, stacks={CLIENT: Stack(window=64240, wscale=15),
                                 SERVER: Stack(window=65160, wscale=14)})
    conv.handshake()
    conv.exchange()
    conv.four_way_close()
    return t


IPV4 = "eth:ethertype:ip:tcp"
# name: (builder, expectations checked with tshark after writing)
#   stack:   accepted frame.protocols prefixes (the TCP must be dissected)
#   flagged: frames expected to carry tcp.analysis flags (retransmission,
#            duplicate ACK, ACKed unseen segment); any other flag is an error
#   streams: number of tcp.stream values
def rst_blind():
    """An off-path attacker guesses at a RST (RFC 5961 blind reset): it claims to
    come from the server, but its sequence number is 100 000 beyond what the
    client expects, so the client ignores it and the connection carries on."""
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    blind = (conv.nxt[SERVER] + 100000) % MOD
    conv.send(SERVER, "R", seq=blind, deliver=False, after=Decimal("0.5"))
    conv.four_way_close()
    return t


def fin_then_reset():
    """The client closes, then aborts before the server's FIN: a reset, not a
    close. The server's FIN,ACK arrives after the reset and the CLOSED client
    answers it with a RST of its own (3.10.7.1)."""
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    conv.send(CLIENT, "FA", after=Decimal("0.01"))
    # seq = the server's RCV.NXT (FIN + 1): acceptable, the server aborts.
    conv.send(CLIENT, "RA", after=Decimal("0.0001"))
    # Left before the RST reached the server: it acknowledges the FIN and closes.
    conv.send(SERVER, "FA", after=Decimal("0.0009"))
    # CLOSED, incoming segment has ACK: <SEQ=SEG.ACK><CTL=RST>.
    conv.send(CLIENT, "R", seq=conv.rcv[SERVER], after=REACT)
    return t


def synack_not_captured():
    """The capture missed the SYN-ACK; the client's ACK of it proves it came."""
    t = Trace()
    conv = connection(t)
    conv.send(CLIENT, "S", after=0)
    conv.send(SERVER, "SA", captured=False)
    conv.send(CLIENT, "A", after=REACT)
    conv.exchange()
    conv.four_way_close()
    return t


def synack_not_captured_fin():
    """The capture missed the SYN-ACK and the client's ACK; the client's first
    captured segment after its SYN is a FIN,ACK (a client that gives up at once)."""
    t = Trace()
    conv = connection(t)
    conv.send(CLIENT, "S", after=0)
    conv.send(SERVER, "SA", captured=False)
    conv.send(CLIENT, "A", after=REACT, captured=False)
    conv.four_way_close()
    return t


def server_speaks_first_unseen_handshake():
    """An SMTP-like server greets first; the capture missed the SYN-ACK and the
    client's ACK, and the server's banner proves both."""
    t = Trace()
    conv = connection(t, port=(50000, 25))
    conv.send(CLIENT, "S", after=0)
    conv.send(SERVER, "SA", captured=False)
    conv.send(CLIENT, "A", after=REACT, captured=False)
    conv.send(SERVER, "PA", b"220 server ESMTP\r\n", after=Decimal("0.0002"))
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def syn_reordered():
    """A SYN captured 20 us after the SYN-ACK that answers it: the capture
    reordered them (two capture queues, or a mirror port merging directions)."""
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    conv.four_way_close()
    syn, synack = t.packets[0], t.packets[1]
    syn.time, synack.time = synack.time + Decimal("0.00002"), syn.time
    t.packets[0], t.packets[1] = synack, syn
    return t


def syn_reset_by_client():
    """The client gives up on its own SYN with a RST before any answer
    (an application's connect timeout, or Happy Eyeballs cancelling)."""
    t = Trace()
    conv = connection(t)
    conv.send(CLIENT, "S", after=0)
    conv.send(CLIENT, "R", after=Decimal("0.25"))
    return t


def rexmit_inconsistency():
    """An off-path injector races the server: its forged response (same addresses,
    ports and sequence numbers, different bytes) arrives 0.3 ms before the real one,
    which the client then drops as a duplicate (Zeek's rexmit_inconsistency)."""
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.send(CLIENT, "PA", REQUEST, after=REACT)
    seq = conv.nxt[SERVER]
    forged = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nevil!\n"  # 44 B, as RESPONSE
    conv.send(SERVER, "PA", forged, seq=seq, after=Decimal("0.0007"), deliver=False)
    conv.send(SERVER, "PA", RESPONSE, after=Decimal("0.0003"))
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def sack_reordering():
    """A download with SACK in effect, captured next to the client: the network
    reorders two segments (the later one arrives 0.05 ms first) and loses one
    before the capture point; the client reports the holes with SACK blocks and
    duplicate ACKs, and the server's fast retransmission fills the last one."""
    t = Trace()
    conv = connection(t, stacks={CLIENT: Stack(sack=True), SERVER: Stack(sack=True)})
    conv.handshake()
    conv.send(CLIENT, "PA", REQUEST, after=REACT)
    chunks = [bytes([48 + i]) * 1000 for i in range(6)]
    base = conv.nxt[SERVER]
    start = [base + 1000 * i for i in range(6)]
    conv.send(SERVER, "A", chunks[0])                                     # 5
    conv.send(CLIENT, "A", after=REACT)                                   # 6
    # Segment 2 overtakes segment 1 on the way.
    conv.send(SERVER, "A", chunks[2], seq=start[2], after=Decimal("0.0002"), deliver=False)     # 7
    conv.send(CLIENT, "A", after=REACT, sack=[(start[2], start[3])])     # 8 dup ACK, SACK 2
    conv.send(SERVER, "A", chunks[1], after=Decimal("0.00005"))          # 9 out of order
    conv.nxt[SERVER] = conv.rcv[CLIENT] = start[3]
    conv.send(CLIENT, "A", after=REACT)                                   # 10
    # Segment 3 is lost before the capture point; 4 and 5 arrive.
    conv.send(SERVER, "A", chunks[3], after=Decimal("0.0002"), captured=False, deliver=False)
    conv.send(SERVER, "A", chunks[4], after=Decimal("0.0001"), deliver=False)                  # 11
    conv.send(CLIENT, "A", after=REACT, sack=[(start[4], start[5])])     # 12 dup ACK, SACK 4
    conv.send(SERVER, "PA", chunks[5], after=Decimal("0.0001"), deliver=False)                 # 13
    conv.send(CLIENT, "A", after=REACT, sack=[(start[4], start[5] + 1000)])   # 14 dup ACK, SACK 4-5
    conv.send(CLIENT, "A", after=REACT, sack=[(start[4], start[5] + 1000)])   # 15 third dup ACK
    # The fast retransmission of segment 3, one RTT after the third duplicate ACK.
    conv.send(SERVER, "A", chunks[3], seq=start[3])                       # 16
    conv.rcv[CLIENT] = conv.nxt[SERVER]
    conv.send(CLIENT, "A", after=REACT)                                   # 17
    conv.four_way_close()                                                 # 18-21
    return t


# --- hostile input: encapsulations, malformed headers, capture set-ups --------

def gre_tunnel():
    """The basic connection inside IPv4 GRE (protocol 47; RFC 2784, no checksum,
    key or sequence number), outer 192.0.2.1 <-> 192.0.2.2."""
    t = Trace(tunnel={CLIENT: "192.0.2.1", SERVER: "192.0.2.2"}, encap="gre")
    basic_connection(t, mss=1436)  # the outer IPv4 and GRE headers take 24 bytes
    return t


def vxlan_tunnel():
    """The basic connection inside VXLAN (VNI 4242): outer IPv4/UDP to port 4789
    between the VTEPs 192.0.2.1 and 192.0.2.2, then the hosts' own Ethernet frames."""
    t = Trace(tunnel={CLIENT: "192.0.2.1", SERVER: "192.0.2.2"}, encap="vxlan")
    basic_connection(t, mss=1410)  # outer IPv4, UDP, VXLAN and inner Ethernet: 50 bytes
    return t


def qinq():
    """The basic connection with two tags on every frame: 802.1ad service VLAN 200
    (TPID 0x88a8) outside, 802.1Q customer VLAN 100 inside."""
    t = Trace(vlan=100, service_vlan=200)
    basic_connection(t)
    return t


def ipv6_extension_headers():
    """The basic connection over IPv6 with four extension headers before TCP on
    every packet: hop-by-hop and destination options (padding only), a segment
    routing header at its last segment and an atomic fragment (RFC 6946)."""
    t = Trace(ipv6=True, extension_headers=True)
    basic_connection(t, mss=1392)  # 1440 less the 48 bytes of extension headers
    return t


def truncated_snaplen_54():
    # 54 = Ethernet 14 + IPv4 20 + a 20-byte TCP header: every record keeps the
    # fixed header; the SYNs' MSS option and every payload are cut.
    t = Trace(snaplen=54)
    basic_connection(t)
    return t


def tap_interfaces():
    """A network TAP's two monitor ports recorded as two pcapng interfaces: tap0
    carries what the client sends, tap1 what the server sends."""
    t = Trace(interfaces=("tap0", "tap1"))
    basic_connection(t)
    for pkt in t.packets:
        pkt.sniffed_on = 0 if pkt[IP].src == CLIENT.ip4 else 1
    return t


def bridge_both_ports():
    """A transparent bridge (a firewall) capturing on both its ports, eth0 towards
    the client and eth1 towards the server: every segment is recorded entering and
    again, byte for byte, 10 us later leaving."""
    t = Trace(interfaces=("eth0", "eth1"))
    basic_connection(t)
    seen, t.packets = t.packets, []
    for pkt in seen:
        ingress = 0 if pkt[IP].src == CLIENT.ip4 else 1
        copy = Ether(bytes(pkt))
        copy.time = pkt.time + Decimal("0.00001")
        pkt.sniffed_on, copy.sniffed_on = ingress, 1 - ingress
        t.packets += [pkt, copy]
    return t


def garbage_options():
    """Malformed TCP options in an otherwise normal connection.  The receivers
    parse options as Linux does: a length below 2 ends the list, an option of the
    wrong length or unknown kind is skipped; no segment is dropped for them."""
    t = Trace()
    conv = connection(t)
    # Unknown kind 99 (length 4), an MSS option of length 3, a timestamps kind of
    # length 1 that leaves the rest unreadable, zero padding.
    conv.send(CLIENT, "S", after=0, raw_options=bytes.fromhex("6304abcd" "020305" "0801" "000000"))
    conv.send(SERVER, "SA")                       # MSS 1460, well formed
    # Unknown kind 200, well formed.
    conv.send(CLIENT, "A", after=REACT, raw_options=bytes.fromhex("c8041234"))
    # A SACK option claiming 10 bytes where the header has 4.
    conv.send(CLIENT, "PA", REQUEST, after=REACT, raw_options=bytes.fromhex("050a0000"))
    conv.send(SERVER, "A")
    # NOP, NOP, then kind 30 (MPTCP) with length 0.
    conv.send(SERVER, "PA", RESPONSE, after=Decimal("0.0002"), raw_options=bytes.fromhex("01011e00"))
    conv.send(CLIENT, "A", after=REACT)
    conv.four_way_close()
    return t


def bogus_data_offset():
    """Two segments with an impossible data offset (a middlebox rewrote the header
    and recomputed the checksum) in an otherwise normal connection; the receivers
    drop both, as Linux does (doff < 5, or more header than segment)."""
    t = Trace()
    conv = connection(t)
    conv.handshake()
    conv.exchange()
    # A client ACK claiming 60 header bytes in a 20-byte segment...
    conv.send(CLIENT, "A", after=Decimal("0.005"), dataofs=15)
    # ...and a server ACK claiming 12, less than the fixed header.
    conv.send(SERVER, "A", dataofs=3)
    conv.four_way_close()
    return t


SCENARIOS = {
    "syn-unanswered": (syn_unanswered, dict(flagged={2, 3, 4})),
    # Wireshark calls the SYN+ACKs retransmissions: same seq as each SYN.
    "simultaneous-open": (simultaneous_open, dict(flagged={3, 4})),
    "simultaneous-close": (simultaneous_close, {}),
    "spoofed-synack": (spoofed_synack, {}),
    "midstream": (midstream, {}),
    "seq-wrap": (seq_wrap, {}),
    # Frame 12 is flagged "A new tcp session is started with the same ports".
    "port-reuse": (port_reuse, dict(streams=2, flagged={12})),
    "ipv6": (ipv6, dict(stack=("eth:ethertype:ipv6:tcp",))),
    "vlan": (vlan, dict(stack=("eth:ethertype:vlan:ethertype:ip:tcp",))),
    "icmp-unreachable": (icmp_unreachable, dict(
        stack=(IPV4, "eth:ethertype:ip:icmp:ip:tcp"), flagged={3})),
    "icmpv6-unreachable": (lambda: icmp_unreachable(use_ipv6=True), dict(
        stack=("eth:ethertype:ipv6:tcp", "eth:ethertype:ipv6:icmpv6:ipv6:tcp"),
        flagged={3})),
    # The wrong ACK is meant to be "ACKed segment that wasn't captured".
    "handshake-bad-ack": (handshake_bad_ack, dict(flagged={3})),
    "retransmissions": (retransmissions, dict(flagged={3, 10, 14})),
    "ipip-tunnel": (ipip_tunnel, dict(stack=("eth:ethertype:ip:ip:tcp",))),
    "truncated-snaplen": (truncated_snaplen, dict(truncated=True)),
    "truncated-file": (truncated_file, dict(cut_short=True)),
    "refused-retry": (refused_retry, dict(flagged={3, 4})),
    # Frame 4 carries the inner SYN: tcp.stream "0,1".
    "tcp-tunnel": (tcp_tunnel, dict(streams=2)),
    # Frame 1 carries the inner SYN: tcp.stream "0,1".
    "tunnel-midstream": (tunnel_midstream, dict(streams=2)),
    # The two SYN-ACK retransmissions.
    "no-final-ack": (no_final_ack, dict(flagged={3, 4})),
    "tfo-data-in-syn": (tfo_data_in_syn, {}),
    "options-ecn": (options_ecn, {}),
    # Expert note (not a tcp.analysis flag) on frame 3: "TCP SYN-ACK
    # accepting TFO data", though the data came in a segment of its own.
    "data-before-established": (data_before_established, {}),
    # Wireshark flags neither the data after the RST nor the data after the FIN.
    "segment-after-reset": (segment_after_reset, {}),
    "data-after-fin": (data_after_fin, {}),
    # Frame 12: "A new tcp session is started with the same ports".
    "time-wait-reuse": (time_wait_reuse, dict(streams=2, flagged={12})),
    # 12: the old duplicate ((spurious) retransmission), 13: duplicate ACK.
    "time-wait-assassination": (time_wait_assassination, dict(flagged={12, 13})),
    "close-wait-leak": (close_wait_leak, {}),
    "half-open": (half_open, dict(flagged={9, 10, 11, 12})),
    # 13 previous segment not captured, 14 ACKed unseen segment (the gap);
    # the ten retransmissions; 37 window full, 38 zero window, 39 update.
    "lossy-transfer": (lossy_transfer, dict(flagged={
        11, 13, 14, 18, 19, 20, 28, 37, 38, 39, 43, 44, 45, 50, 55})),
    "synack-first": (synack_first, {}),
    # Wireshark takes the forged RST's sequence number as the server's, so its FIN looks old.
    "rst-blind": (rst_blind, dict(flagged={11})),
    "time-backwards": (time_backwards, {}),
    "wscale-over-14": (wscale_over_14, {}),
    "fin-then-reset": (fin_then_reset, {}),
    # Wireshark flags none of the segments after a missed SYN-ACK.
    "synack-not-captured": (synack_not_captured, {}),
    "synack-not-captured-fin": (synack_not_captured_fin, {}),
    "server-speaks-first-unseen-handshake": (server_speaks_first_unseen_handshake, {}),
    "syn-reordered": (syn_reordered, {}),
    "syn-reset-by-client": (syn_reset_by_client, {}),
    # Frame 6, the real response, repeats frame 5's sequence numbers: a retransmission to Wireshark.
    "rexmit-inconsistency": (rexmit_inconsistency, dict(flagged={6})),
    # 7 and 11 follow holes ("previous segment not captured"), 8, 12, 14, 15 duplicate ACKs,
    # 9 out of order, 16 the fast retransmission.
    "sack-reordering": (sack_reordering, dict(flagged={7, 8, 9, 11, 12, 14, 15, 16})),
    "gre-tunnel": (gre_tunnel, dict(stack=("eth:ethertype:ip:gre:ip:tcp",))),
    "vxlan-tunnel": (vxlan_tunnel, dict(stack=("eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp",))),
    "qinq": (qinq, dict(stack=("eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:tcp",))),
    "ipv6-extension-headers": (ipv6_extension_headers, dict(stack=("eth:ethertype:ipv6:",))),
    # Only the SYNs' cut options make Wireshark's TCP run out of bytes; the payloads
    # are left undissected.
    "truncated-snaplen-54": (truncated_snaplen_54, dict(truncated={1, 2})),
    "tap-interfaces": (tap_interfaces, {}),
    # Every second copy: the SYN, SYN-ACK, data and FINs "retransmissions", the pure ACKs
    # duplicate ACKs.
    "bridge-both-ports": (bridge_both_ports, dict(flagged=set(range(2, 23, 2)))),
    "garbage-options": (garbage_options, {}),
    # 8: "Short segment" and malformed (the 60-byte header runs out of bytes); 9: "Bogus TCP
    # header length", TCP stops there.  Wireshark still takes frame 9's seq as the server's,
    # so its FIN (12) looks like a retransmission.
    "bogus-data-offset": (bogus_data_offset, dict(flagged={12}, malformed={8})),
}

# verify()'s truncated: every frame, or the set of frames, Wireshark reports cut short.
FIELDS = ("frame.number", "frame.protocols", "tcp.stream", "tcp.analysis.flags",
          "ip.checksum.status", "tcp.checksum.status", "icmp.checksum.status",
          "icmpv6.checksum.status", "_ws.malformed", "_ws.short")


def verify(path, stack=(IPV4,), flagged=(), streams=1, truncated=False,
           cut_short=False, malformed=()):
    """Fail loudly if tshark does not dissect the file as intended."""
    cmd = ["tshark", "-r", path, "-o", "ip.check_checksum:TRUE",
           "-o", "tcp.check_checksum:TRUE", "-T", "fields"]
    for field in FIELDS:
        cmd += ["-e", field]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if cut_short != ("cut short in the middle of a packet" in result.stderr):
        raise SystemExit("%s: unexpected tshark stderr: %s" % (path, result.stderr))
    problems, seen_flagged, seen_streams = [], set(), set()
    for line in result.stdout.splitlines():
        (number, protocols, stream, analysis, *checksums, malformed_flag,
         short) = line.split("\t")
        seen_streams.add(stream)
        if not protocols.startswith(stack):
            problems.append("frame %s: protocols %s" % (number, protocols))
        if analysis:
            seen_flagged.add(int(number))
        # Status 0 is "Bad" (1 good, 2 unverified - e.g. truncated packets).
        if "0" in ",".join(checksums).split(","):
            problems.append("frame %s: bad checksum" % number)
        if bool(malformed_flag) != (int(number) in malformed):
            problems.append("frame %s: malformed" % number)
        if bool(short) != (int(number) in truncated if isinstance(truncated, set) else truncated):
            problems.append("frame %s: truncation %r" % (number, short))
    if seen_flagged != set(flagged):
        problems.append("analysis flags on frames %s, expected %s"
                        % (sorted(seen_flagged), sorted(flagged)))
    if len(seen_streams) != streams:
        problems.append("tcp.stream values %s" % sorted(seen_streams))
    if problems:
        raise SystemExit("%s:\n  %s" % (path, "\n  ".join(problems)))


def make(name):
    reset_hosts()
    build, expectations = SCENARIOS[name]
    trace = build()
    path = name + trace.suffix
    trace.write(path)
    verify(path, **expectations)
    print("%-24s ok" % path)


if __name__ == "__main__":
    for scenario in sys.argv[1:] or SCENARIOS:
        make(scenario)
