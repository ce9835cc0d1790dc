#!/usr/bin/env bash
# What `ha4j proxy` costs in memory, per JVM option set, beside nginx stream in the same run: each proxy takes a
# short burst of the three workloads of proxy-bench.sh (keep-alive, 1 MiB, a new connection per request; LOAD
# seconds each), then holds IDLE idle sessions while its RSS and PSS (master and workers summed for nginx) are read.
# ha4j starts through the launcher (dist/bin/ha4j) with the options users get, then those of the set added
# (HA4J_JAVA_OPTS: an option given again wins); each set starts once first to write its class-data archive.
# NMT=1 also prints the JVM's native memory tracking summary (committed KiB per category) of each set.
#
# usage: benchmarks/scripts/proxy-memory.sh
#   SETS='default;-XX:TieredStopAtLevel=1;-XX:TrimNativeHeapInterval=0'   the sets, ';' between, 'default' = none
#   IDLE=4000 LOAD=5 NMT=
# needs: nginx + libnginx-mod-stream, wrk, python3, java 17, maven (to build the ha4j jar once)
set -euo pipefail

IDLE=${IDLE:-4000}
LOAD=${LOAD:-5}
NMT=${NMT:-}
SETS=${SETS:-default}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/benchmarks/scripts/proxies.sh" proxy-memory
require_tools nginx wrk python3 java
use_ha4j_jar
start_backend
start_nginx_stream

# KiB of a process and its children (nginx's workers), from /proc: VmRSS, or Pss of smaps_rollup
kib() { # kib PID FIELD-PATTERN FILE
  local total=0 pid
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk -v f="$2" '$1 == f {print $2}' /proc/"$pid"/"$3" 2>/dev/null || echo 0)))
  done
  echo $total
}
load() {
  wrk -t2 -c64 -d"$LOAD"s "http://127.0.0.1:$1/small" >/dev/null
  wrk -t2 -c16 -d"$LOAD"s "http://127.0.0.1:$1/1m" >/dev/null
  wrk -t2 -c64 -d"$LOAD"s -H 'Connection: close' "http://127.0.0.1:$1/small" >/dev/null
}
# prints RSS and PSS in MiB once IDLE idle connections through the proxy are open
measure() { # measure PID PORT
  rm -f "$work/idle.ready"
  python3 - "$2" "$IDLE" "$work/idle.ready" <<'PY' &
import socket, sys, time, pathlib
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
time.sleep(2)
ready.write_text("ok")
time.sleep(8)
PY
  local holder=$!
  for _ in $(seq 1 300); do [ -f "$work/idle.ready" ] && break; sleep 0.1; done
  [ -f "$work/idle.ready" ] || { echo "proxy-memory: $IDLE idle sessions did not open" >&2; exit 1; }
  echo "$(( $(kib "$1" VmRSS: status) / 1024 )) $(( $(kib "$1" Pss: smaps_rollup) / 1024 ))"
  if [ -n "$NMT" ] && [ -d "/proc/$1" ] && [ "$1" != "$nginx_pid" ]; then
    jcmd "$1" VM.native_memory summary | sed -n 's/^-  *\(.*\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB)/    \1: \2 KiB/p' >&2
  fi
  wait "$holder" 2>/dev/null || true
}
start_ha4j() { # start_ha4j PORT OPTIONS
  HA4J_CLASSPATH="$jar" HA4J_CDS_DIR="$work/cds" HA4J_JAVA_OPTS="$2" "$root/dist/bin/ha4j" proxy \
    --listen "127.0.0.1:$1" --upstream "127.0.0.1:$backend_port" > "$work/ha4j.out" 2>&1 &
  ha4j_pid=$!
  pids+=("$ha4j_pid")
  wait_port "$1"
}

wait_port "$nginx_port"
echo "measuring nginx ..." >&2
load "$nginx_port"
measure "$nginx_pid" "$nginx_port" > "$work/m"; read -r rss pss < "$work/m"
rows=("$(printf "| %-44s | %7s | %7s |" "nginx stream (master + workers)" "$rss" "$pss")")
IFS=';' read -ra sets <<<"$SETS"
for set in "${sets[@]}"; do
  options="${set#default}"
  [ -n "$NMT" ] && options="$options -XX:NativeMemoryTracking=summary"
  echo "measuring ha4j [$set] ..." >&2
  port=$(free_port)
  start_ha4j "$port" "$options" # the first start writes the class-data archive at its stop
  kill "$ha4j_pid"; wait "$ha4j_pid" 2>/dev/null || true
  start_ha4j "$port" "$options"
  load "$port"
  measure "$ha4j_pid" "$port" > "$work/m"; read -r rss pss < "$work/m"
  rows+=("$(printf "| %-44s | %7s | %7s |" "ha4j proxy [$set]" "$rss" "$pss")")
  kill "$ha4j_pid"; wait "$ha4j_pid" 2>/dev/null || true
done
echo
echo "loopback, $(nproc) CPUs; after ${LOAD}s each of keep-alive, 1 MiB and new-connection load, $IDLE idle sessions open"
echo
printf "| %-44s | %7s | %7s |\n" "process (JVM options added)" "RSS MiB" "PSS MiB"
printf "|%s|%s|%s|\n" "----------------------------------------------" "---------" "---------"
printf "%s\n" "${rows[@]}"
