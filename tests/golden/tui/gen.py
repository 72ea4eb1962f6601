#!/usr/bin/env python3
"""Writes the .events inputs of the view's golden screens (deterministic).
   path.events   6 hops, 60 rounds; hop 2 has two responders; from round 30
                 on, every 4th probe at hops 4..6 is lost (loss from hop 4)
   short.events  the same path, 3 rounds (the verdict is still collecting)
   long.events   40 hops, 12 rounds, clean (a path that must scroll)
   silent.events 3 hops answer, the target 10.9.9.9 past them never does
                 (TTLs 4..6 time out), 30 rounds: what follow-ups settle
   back.events   the way back from the server to the client (--return-via's
                 second table): 6 hops, 60 rounds, clean
Run it from this folder: ./gen.py"""


def hop_addr(ttl, hops):
    return "10.9.9.9" if ttl == hops else "10.0.%d.1" % ttl


def write(name, hops, rounds, lossy, names, second=None):
    seq = 100
    lines = ["# made by gen.py", "src client", "dst 10.9.9.9", "tests %d" % rounds]
    for r in range(rounds):
        for ttl in range(1, hops + 1):
            lines.append("sent %d %d" % (ttl, seq))
            rtt = 1.0 * ttl + ((r * 7 + ttl * 3) % 5) * 0.1
            lost = lossy and r >= 30 and ttl >= 4 and r % 4 == 0
            addr = hop_addr(ttl, hops)
            if second and ttl == second and r % 2:
                addr = "10.0.%d.2" % ttl
            if lost:
                lines.append("timeout %d %d" % (ttl, seq))
            else:
                tgt = " target" if ttl == hops else ""
                lines.append("reply %d %d %s %.1f%s" % (ttl, seq, addr, rtt, tgt))
            seq += 1
        lines.append("round %d" % r)
    for ttl, n in names:
        lines.append("name %s %s" % (hop_addr(ttl, hops), n))
    open(name, "w").write("\n".join(lines) + "\n")


names = [(1, "gw.lab"), (3, "core-3.transit.lab"), (6, "server.lab")]
write("path.events", 6, 60, True, names, second=2)
write("short.events", 6, 3, False, names)
write("long.events", 40, 12, False, [])


def write_back(name, hops, rounds):
    """The server's trace back to the client (192.168.1.100), hops 10.1.N.1."""
    seq = 500
    lines = ["# made by gen.py", "src server", "dst 192.168.1.100", "tests %d" % rounds]
    for r in range(rounds):
        for ttl in range(1, hops + 1):
            lines.append("sent %d %d" % (ttl, seq))
            rtt = 1.0 * ttl + ((r * 3 + ttl * 5) % 5) * 0.1
            last = ttl == hops
            addr = "192.168.1.100" if last else "10.1.%d.1" % ttl
            lines.append("reply %d %d %s %.1f%s" % (ttl, seq, addr, rtt, " target" if last else ""))
            seq += 1
        lines.append("round %d" % r)
    open(name, "w").write("\n".join(lines) + "\n")


write_back("back.events", 6, 60)


def write_silent(name, rounds):
    seq = 900
    lines = ["# made by gen.py", "src client", "dst 10.9.9.9", "tests %d" % rounds]
    for r in range(rounds):
        for ttl in range(1, 7):
            lines.append("sent %d %d" % (ttl, seq))
            if ttl <= 3:
                rtt = 1.0 * ttl + ((r * 7 + ttl * 3) % 5) * 0.1
                lines.append("reply %d %d 10.0.%d.1 %.1f" % (ttl, seq, ttl, rtt))
            else:
                lines.append("timeout %d %d" % (ttl, seq))
            seq += 1
        lines.append("round %d" % r)
    open(name, "w").write("\n".join(lines) + "\n")


write_silent("silent.events", 30)
