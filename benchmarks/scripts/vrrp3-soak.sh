#!/usr/bin/env bash
# VRRPv3 soak: does a pair of ha4j nodes at a sub-second advert_int keep still (no state transition) while
# both CPUs are saturated, the proxy is under load and a co-tenant in the master's JVM churns the heap?
# A benchmark, not a test: it prints one row per advert_int and exits 1 if a node ever changed state.
#
#   client 10.200.0.2   wrk (keep-alive HTTP) -> VIP 10.200.0.100:8080
#   lb1    10.200.0.11  NoisyNeighbour (examples): `run`'s node embedded through the library API, priority
#                       100 (MASTER), plus a thread allocating as fast as it can over a ring of RETAINED_MIB
#                       live arrays and a stall detector thread (how late a 1 ms sleep wakes up)
#   lb2    10.200.0.12  ha4j run, priority 90 (BACKUP)
#   mon    10.200.0.3   a listener on the wire: every advert with its kernel receive time (SO_TIMESTAMPNS,
#                       so its own scheduling does not count), the largest gap between two of lb1's adverts
#   lb1, lb2: nginx on 127.0.0.1:8081 as the proxy's backend; BURNERS busy loops in each node's namespace.
#   All in network namespaces on a bridge in a namespace of its own: no uplink, nothing on the host's network.
#
# Both nodes start with the launcher's JVM options (HA4J_DEFAULT_JVM_OPTS in dist/bin/ha4j; add or
# override with HA4J_JAVA_OPTS, e.g. HA4J_JAVA_OPTS=-XX:+UseG1GC to compare collectors) and record JFR:
# the GC pauses (jdk.GCPhasePause) are read from the recording.
#
# Reported per advert_int: state transitions after settling (target 0), adverts heard from lb1, the largest
# gap between two of them (an interval is the ideal; the backup takes over at 3 x interval + Skew_Time), GC
# pauses of each JVM (count, longest), the co-tenant's allocation and its longest stall, RSS, wrk's
# requests/s and errors.
#
# Needs root, iproute2, nginx, wrk, python3, Java 17 (jfr), Maven (builds ha4j once).
# Usage: sudo benchmarks/scripts/vrrp3-soak.sh                      (30 minutes per advert_int)
#        DURATION=120 ADVERT_INTS="0.02" BURNERS=1 RETAINED_MIB=32 sudo benchmarks/scripts/vrrp3-soak.sh
set -euo pipefail

DURATION="${DURATION:-1800}"
ADVERT_INTS="${ADVERT_INTS:-0.05 0.02}"
BURNERS="${BURNERS:-$(( ($(nproc) + 1) / 2 ))}" # per node namespace: both nodes' together busy every CPU
RETAINED_MIB="${RETAINED_MIB:-32}"
SETTLE="${SETTLE:-5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VIP=10.200.0.100
PORT=8080

[ "$(id -u)" = 0 ] || { echo "vrrp3-soak: needs root (network namespaces, raw sockets)" >&2; exit 2; }
for tool in ip nginx wrk python3 java jfr mvn awk; do
  command -v "$tool" >/dev/null || { echo "vrrp3-soak: needs '$tool'" >&2; exit 2; }
done

echo "building ha4j ..." >&2
(cd "$root" && mvn -q -B -DskipTests package -pl examples -am) >&2
JAR="$root/examples/target/ha4j.jar"
eval "$(grep -m1 '^HA4J_DEFAULT_JVM_OPTS=' "$root/dist/bin/ha4j")"
NODE_JAVA=(java)
if [[ "${HA4J_JAVA_OPTS:-}" =~ -XX:\+Use[A-Za-z0-9]+GC ]]; then HA4J_DEFAULT_JVM_OPTS="${HA4J_DEFAULT_JVM_OPTS//-XX:+UseSerialGC/}"; fi
# shellcheck disable=SC2206 # the option lists are split on spaces, as the launcher does
NODE_JAVA+=($HA4J_DEFAULT_JVM_OPTS ${HA4J_JAVA_OPTS:-})
echo "JVM options: ${NODE_JAVA[*]:1}" >&2

# shellcheck source=netns-lan.sh
. "$(dirname "${BASH_SOURCE[0]}")/netns-lan.sh"
WORK="$(mktemp -d "/tmp/${P}v3soak.XXXX")"
LISTENER_PY="$(dirname "${BASH_SOURCE[0]}")/vrrp-listen.py"
cleanup() {
  set +e
  lan_down
  echo "logs kept in $WORK" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lan_up client=2 lb1=11 lb2=12 mon=3

# --- backends: nginx on each node's loopback -------------------------------------------------------------
for host in lb1 lb2; do
  mkdir -p "$WORK/nginx-$host"
  cat >"$WORK/nginx-$host/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx-$host/nginx.pid;
error_log $WORK/nginx-$host/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-$host;
  proxy_temp_path $WORK/nginx-$host;
  fastcgi_temp_path $WORK/nginx-$host;
  uwsgi_temp_path $WORK/nginx-$host;
  scgi_temp_path $WORK/nginx-$host;
  server {
    listen 127.0.0.1:8081;
    location / { return 200 "$host\n"; }
  }
}
CONF
  start_bg "$WORK/nginx-$host.log" "$host" nginx -p "$WORK/nginx-$host" -c "$WORK/nginx-$host/nginx.conf"
done
cat >"$WORK/stream.conf" <<CONF
stream {
  server {
    listen $PORT;
    proxy_pass 127.0.0.1:8081;
  }
}
CONF

pid_rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo -; }
gc_pauses() { # gc_pauses JFR -> "count longest_ms"
  jfr print --events jdk.GCPhasePause "$1" 2>/dev/null |
    awk '/duration = / {v=$3; u=$4; if (u=="s") v*=1000; else if (u=="us") v/=1000; else if (u=="ns") v/=1e6; n++; if (v>m) m=v}
         END {printf "%d %.1f\n", n, m}'
}
stop_pid() { # SIGTERM (JFR is written on a normal exit), bounded wait, then SIGKILL
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  kill -KILL "$1" 2>/dev/null || true
}

FAILED=0
ROWS=()
for int in $ADVERT_INTS; do
  tag="int-$int"
  for host in lb1 lb2; do
    prio=$([ "$host" = lb1 ] && echo 100 || echo 90)
    cat >"$WORK/$tag-$host.conf" <<CONF
global_defs {
  vrrp_version 3
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $prio
  advert_int $int
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
  done
  jfr_opts() { echo "-XX:StartFlightRecording=filename=$WORK/$tag-$1.jfr,settings=default,dumponexit=true"; }
  start_bg "$WORK/$tag-lb1.log" lb1 "${NODE_JAVA[@]}" "$(jfr_opts lb1)" -cp "$JAR" \
    org.ha4j.examples.embedded.NoisyNeighbour "$WORK/$tag-lb1.conf" "$WORK/stream.conf" "$RETAINED_MIB"
  LB1=$LAST_PID
  wait_for "$WORK/$tag-lb1.log" "-> MASTER" 30
  start_bg "$WORK/$tag-lb2.log" lb2 "${NODE_JAVA[@]}" "$(jfr_opts lb2)" -jar "$JAR" run \
    --keepalived "$WORK/$tag-lb2.conf" --nginx "$WORK/stream.conf"
  LB2=$LAST_PID
  wait_for "$WORK/$tag-lb2.log" "-> BACKUP" 30
  start_bg "$WORK/$tag-adverts.log" mon python3 "$LISTENER_PY" "$int" 10.200.0.3
  LISTENER=$LAST_PID
  wait_for "$WORK/$tag-adverts.log" READY 10

  # load: burners in both nodes' namespaces, wrk through the VIP
  BURNER_PIDS=()
  for host in lb1 lb2; do
    for _ in $(seq 1 "$BURNERS"); do
      start_bg /dev/null "$host" sh -c 'while :; do :; done'
      BURNER_PIDS+=("$LAST_PID")
    done
  done
  start_bg "$WORK/$tag-wrk.log" client wrk -t1 -c8 -d"$((DURATION + SETTLE))s" --timeout 2s "http://$VIP:$PORT/"
  WRK=$LAST_PID
  sleep "$SETTLE"
  mark1=$(grep -c '^STATE ' "$WORK/$tag-lb1.log" || true)
  mark2=$(grep -c '^STATE ' "$WORK/$tag-lb2.log" || true)
  echo "advert_int $int: soaking for ${DURATION}s ($BURNERS burner(s) per node, wrk, co-tenant retaining ${RETAINED_MIB} MiB)" >&2
  sleep "$DURATION"

  rss1=$(pid_rss_mib "$LB1"); rss2=$(pid_rss_mib "$LB2")
  transitions=$(( $(grep -c '^STATE ' "$WORK/$tag-lb1.log" || true) - mark1 + $(grep -c '^STATE ' "$WORK/$tag-lb2.log" || true) - mark2 ))
  for pid in "${BURNER_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do kill -0 "$WRK" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$LISTENER" 2>/dev/null || true
  for _ in $(seq 1 50); do grep -q '^ADVERTS' "$WORK/$tag-adverts.log" && break; sleep 0.1; done
  stop_pid "$LB2"
  stop_pid "$LB1"
  stalls=$(grep '^STALLS' "$WORK/$tag-lb1.log" | tail -1 | awk '{for (i=1;i<=NF;i++) {split($i,kv,"="); v[kv[1]]=kv[2]}} END {printf "%s %s", v["max_ms"], v["allocated_mib"]}')
  read -r adverts gap _ < <(awk '$1=="ADVERTS" && $2=="10.200.0.11" {sub("count=","",$3); sub("max_gap_ms=","",$4); print $3, $4}' "$WORK/$tag-adverts.log"; echo "- -")
  read -r gc1n gc1max < <(gc_pauses "$WORK/$tag-lb1.jfr")
  read -r gc2n gc2max < <(gc_pauses "$WORK/$tag-lb2.jfr")
  rps=$(awk '/Requests\/sec/ {print int($2)}' "$WORK/$tag-wrk.log")
  errors=$(awk '/Socket errors|Non-2xx/ {s = s $0 "; "} END {print (s == "" ? "0" : s)}' "$WORK/$tag-wrk.log")
  [ "$transitions" = 0 ] || FAILED=1
  ROWS+=("$(printf '%-9s %8s %11s %8s %11s %10s/%-8s %10s/%-8s %9s %9s %7s/%-7s %8s  %s' \
    "$int" "$DURATION" "$transitions" "${adverts:--}" "${gap:--}" "$gc1n" "$gc1max" "$gc2n" "$gc2max" \
    "${stalls% *}" "${stalls#* }" "$rss1" "$rss2" "${rps:--}" "$errors")")
done

echo
printf '%-9s %8s %11s %8s %11s %19s %19s %9s %9s %15s %8s  %s\n' advert_s seconds transitions adverts max_gap_ms \
  "lb1_gc_n/max_ms" "lb2_gc_n/max_ms" stall_ms alloc_MiB "rss_MiB lb1/lb2" wrk_rps wrk_errors
for row in "${ROWS[@]}"; do echo "$row"; done
exit "$FAILED"
