#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_packet: a few valid replies of every kind.
The first byte selects family (bit 0: IPv6), IP header (bit 1), TCP (bit 2),
as fuzz/fuzz_packet.c reads it. Run once; the output is committed."""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/fuzz_packet"


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, proto, payload, ttl=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, ttl, proto, 0,
                    bytes(src), bytes(dst))
    return h + payload


def ip6(src, dst, nxt, payload, hops=1):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nxt, hops, bytes(src),
                       bytes(dst)) + payload


A4 = ([10, 0, 0, 0], [10, 1, 0, 0], [10, 0, 0, 9])          # dst, src, router
A6 = ([10] + [0] * 15, [10, 1] + [0] * 14, [10, 9] + [0] * 14)


def echo(v6, ident=0x4242, seq=5, reply=False):
    t = (129 if reply else 128) if v6 else (0 if reply else 8)
    return struct.pack("!BBHHH", t, 0, 0, ident, seq) + b"\0" * 36


def udp(sport=0x4242, dport=32773):
    return struct.pack("!HHHH", sport, dport, 44, 0) + b"\0" * 36


def tcp(sport=32773, dport=80, seq=0x42420005, ack=0, flags=2):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, 65535, 0, 0)


def mpls_ext(labels):
    obj = struct.pack("!HBB", 4 + 4 * len(labels), 1, 1)
    obj += b"".join(struct.pack("!I", l << 12 | 1 << 8 | 64) for l in labels)
    ext = struct.pack("!BBH", 0x20, 0, 0) + obj
    return ext[:2] + struct.pack("!H", csum(ext)) + ext[4:]


def error(v6, typ, code, quoted, ext=None):
    unit = 8 if v6 else 4
    body = quoted
    length = 0
    if ext is not None:
        body = quoted.ljust(128, b"\0")
        length = len(body) // unit
        body += ext
    hdr = struct.pack("!BBHBBH", typ, code, 0, 0 if v6 else 0, length, 0) if not v6 else \
        struct.pack("!BBHBBH", typ, code, 0, length, 0, 0)
    return hdr + body


def seeds():
    d4, s4, r4 = A4
    d6, s6, r6 = A6
    yield "echo4", 2, ip4(d4, s4, 1, echo(False, reply=True), 64)
    yield "echo6", 1, echo(True, reply=True)
    for name, proto, payload in (("icmp", None, None), ("udp", 17, udp()), ("tcp", 6, tcp())):
        q4 = ip4(s4, d4, proto or 1, payload or echo(False))
        q6 = ip6(s6, d6, proto or 58, payload or echo(True))
        yield "te4_" + name, 2, ip4(r4, s4, 1, error(False, 11, 0, q4), 250)
        yield "te6_" + name, 1, error(True, 3, 0, q6)
        yield "pu4_" + name, 2, ip4(d4, s4, 1, error(False, 3, 3, q4), 64)
        yield "pu6_" + name, 1, error(True, 1, 4, q6)
        yield "mpls4_" + name, 2, ip4(r4, s4, 1, error(False, 11, 0, q4, mpls_ext([16, 17])))
        yield "mpls6_" + name, 1, error(True, 3, 0, q6, mpls_ext([99]))
    yield "synack4", 6, ip4(d4, s4, 6, tcp(80, 32773, 1, 0x42420006, 0x12), 64)
    yield "rst6", 5, tcp(80, 32773, 0, 0x42420006, 0x14)


os.makedirs(OUT, exist_ok=True)
for name, sel, data in seeds():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([sel]) + data)
