#!/usr/bin/env bash
# Captures VRRPv3 advertisements from the installed keepalived (IPv4 and IPv6, multicast and unicast, and the
# priority-0 advert a SIGTERM sends) for the codec's known-answer tests. Needs root; everything runs in network
# namespaces it creates (a bridge in a namespace of its own, no uplink) and removes on every exit path.
# Usage: sudo ha-vrrp/src/test/scripts/capture-keepalived-v3.sh > keepalived-2.2.7-v3-adverts.txt
set -euo pipefail
tag="h4jv3$$"
lan="$tag-lan" a="$tag-a" b="$tag-b"
work="$(mktemp -d)"
cleanup() {
  for ns in "$a" "$b" "$lan"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

for ns in "$lan" "$a" "$b"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$lan" link add br0 type bridge
ip -n "$lan" link set br0 up
for host in a b; do
  ns="$tag-$host"
  ip -n "$lan" link add "v$host" type veth peer name eth0 netns "$ns"
  ip -n "$lan" link set "v$host" master br0 up
  ip -n "$ns" link set eth0 address "02:00:00:00:00:0$([ "$host" = a ] && echo a || echo b)"
  ip -n "$ns" link set eth0 up
done
ip -n "$a" addr add 10.200.0.10/24 dev eth0
ip -n "$b" addr add 10.200.0.11/24 dev eth0
ip -n "$a" addr add fd00:200::10/64 dev eth0 nodad
ip -n "$b" addr add fd00:200::11/64 dev eth0 nodad
# link-local addresses come from the fixed MACs, so captures are the same on every run
ip netns exec "$a" sysctl -qw net.ipv6.conf.eth0.accept_dad=0
ip netns exec "$b" sysctl -qw net.ipv6.conf.eth0.accept_dad=0

cat > "$work/keepalived.conf" <<CONF
global_defs {
    router_id CAPTURE
    vrrp_version 3
}
vrrp_instance V4_MCAST {
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 0.1
    virtual_ipaddress {
        10.200.0.100
    }
}
vrrp_instance V4_UCAST {
    interface eth0
    virtual_router_id 52
    priority 200
    advert_int 1
    unicast_src_ip 10.200.0.10
    unicast_peer {
        10.200.0.11
    }
    virtual_ipaddress {
        10.200.0.101
        10.200.0.102
    }
}
vrrp_instance V6_MCAST {
    interface eth0
    virtual_router_id 61
    priority 150
    advert_int 0.05
    virtual_ipaddress {
        fd00:200::100
    }
}
vrrp_instance V6_UCAST {
    interface eth0
    virtual_router_id 62
    priority 100
    advert_int 2.5
    unicast_src_ip fd00:200::10
    unicast_peer {
        fd00:200::11
    }
    virtual_ipaddress {
        fd00:200::101
        fd00:200::102
    }
}
CONF

# the listener: AF_PACKET on b's eth0; prints the first advert of each VRID as the whole IP packet in hex,
# then every priority-0 advert until it has one per VRID
cat > "$work/listen.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind(("eth0", 0))
s.settimeout(0.5)
first, resign = {}, {}
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline and len(resign) < 4:
    try:
        frame = s.recv(65535)
    except socket.timeout:
        continue
    ethertype = int.from_bytes(frame[12:14], "big")
    ip = frame[14:]
    if ethertype == 0x0800 and ip[9] == 112:
        total = int.from_bytes(ip[2:4], "big"); ip = ip[:total]
        hl = (ip[0] & 0x0f) * 4; vrrp = ip[hl:]
        src = socket.inet_ntop(socket.AF_INET, ip[12:16]); dst = socket.inet_ntop(socket.AF_INET, ip[16:20])
    elif ethertype == 0x86dd and ip[6] == 112:
        plen = int.from_bytes(ip[4:6], "big"); ip = ip[:40 + plen]; vrrp = ip[40:]
        src = socket.inet_ntop(socket.AF_INET6, ip[8:24]); dst = socket.inet_ntop(socket.AF_INET6, ip[24:40])
    else:
        continue
    vrid, prio = vrrp[1], vrrp[2]
    table = resign if prio == 0 else first
    if vrid not in table:
        table[vrid] = (src, dst, ip.hex())
        print("%s\t%d\t%d\t%s\t%s\t%s" % ("resign" if prio == 0 else "master", vrid, prio, src, dst, ip.hex()), flush=True)
    if prio != 0 and len(first) == 4 and not resign:
        print("READY", flush=True)
PY

ip netns exec "$b" python3 "$work/listen.py" 30 > "$work/captured.txt" &
listener=$!
ip netns exec "$a" keepalived -n -l -D -f "$work/keepalived.conf" -p "$work/k.pid" -r "$work/v.pid" \
  -c "$work/c.pid" --no-syslog > "$work/keepalived.log" 2>&1 &
keepalived=$!
for _ in $(seq 1 200); do grep -q READY "$work/captured.txt" 2>/dev/null && break; sleep 0.1; done
kill -TERM "$keepalived"
wait "$listener" || true
wait "$keepalived" || true

echo "# VRRPv3 advertisements captured from $(keepalived --version 2>&1 | head -1) on a Linux bridge by"
echo "# ha-vrrp/src/test/scripts/capture-keepalived-v3.sh: the whole IP packet (IPv4 or IPv6 header included) in hex."
echo "# Fields: role <TAB> vrid <TAB> priority <TAB> source <TAB> destination <TAB> hex. 'resign' is the priority-0"
echo "# advert keepalived sends on SIGTERM. The configuration, vrrp_version 3 in global_defs:"
sed 's/^/#   /' "$work/keepalived.conf"
grep -v READY "$work/captured.txt" | sort -k1,1r -k2,2n
