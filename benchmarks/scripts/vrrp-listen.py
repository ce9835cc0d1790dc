#!/usr/bin/env python3
"""VRRP adverts on the wire, for the benchmark scripts: joins 224.0.0.18 on the interface that has
LOCAL_ADDR and stamps every advert with its kernel receive time (SO_TIMESTAMPNS, CLOCK_REALTIME), so
the listener's own scheduling delays never count as gaps.

  vrrp-listen.py INTERVAL_S LOCAL_ADDR [--each]

Prints READY, then with --each one "PACKET <source> <priority> t=<epoch_us>" per advert; a
"GAP <source> <ms>" line for each gap longer than 1.5 x INTERVAL_S between two adverts of one source
(priority-0 adverts, a resignation, are not counted); on SIGTERM/SIGINT one summary line per source:
"ADVERTS <source> count=N max_gap_ms=M gaps_over_1.5x=K".
"""
import signal
import socket
import struct
import sys

SO_TIMESTAMPNS = 35
interval_us = float(sys.argv[1]) * 1e6
each = "--each" in sys.argv[3:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton("224.0.0.18") + socket.inet_aton(sys.argv[2]))
last, count, worst, late = {}, {}, {}, {}


def report(*_):
    for src in sorted(count):
        print("ADVERTS %s count=%d max_gap_ms=%.1f gaps_over_1.5x=%d"
              % (src, count[src], worst[src] / 1000.0, late[src]), flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, report)
signal.signal(signal.SIGINT, report)
print("READY", flush=True)
while True:
    data, ancillary, _, address = s.recvmsg(2048, socket.CMSG_SPACE(16))
    t = None
    for level, kind, raw in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanos = struct.unpack("qq", raw[:16])
            t = seconds * 1e6 + nanos / 1e3
    header = (data[0] & 0x0f) * 4 if data else 0
    if t is None or len(data) < header + 8:
        continue
    src, priority = address[0], data[header + 2]
    if each:
        print("PACKET %s %d t=%d" % (src, priority, t), flush=True)
    if priority == 0:
        continue
    if src in last:
        gap = t - last[src]
        worst[src] = max(worst[src], gap)
        if gap > 1.5 * interval_us:
            late[src] += 1
            print("GAP %s %.1f ms" % (src, gap / 1000.0), flush=True)
    else:
        count[src], worst[src], late[src] = 0, 0.0, 0
    last[src] = t
    count[src] += 1
