#!/usr/bin/env bash
# ha4j proxy (relays auto, splice, copy) side by side with nginx stream, HAProxy and a direct connection, on loopback, in one run,
# all in front of the same nginx http backend, measured with wrk:
#   keep-alive small responses (req/s), 1 MiB responses (MB/s), a new connection per request (req/s = conn/s),
#   and the RSS each proxy needs for IDLE (default 4000) idle sessions.
# The JVM is warmed (WARMUP seconds of the same workloads) before anything is counted. ha4j starts
# through the launcher (dist/bin/ha4j), with the JVM options users get; HA4J_JAVA_OPTS adds to them.
#
# usage: benchmarks/scripts/proxy-bench.sh        (env: DURATION=10 WARMUP=15 IDLE=4000 CONNS=64 THREADS=2)
#   RELAYS="auto splice copy"  the ha4j relays to measure
#   BASELINE_JAR=path/ha4j.jar another build of ha4j, run beside this one with the same relays (targets
#                              base-RELAY), to show a change's effect in one run: ratios ha4j-RELAY / base-RELAY
#   IDLE=0                     skips the idle-session memory measurement
# needs: nginx + libnginx-mod-stream, haproxy, wrk, python3, java 17, maven (to build the ha4j jar once)
set -euo pipefail

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-15}
IDLE=${IDLE:-4000}
RELAYS=${RELAYS:-auto splice copy}
BASELINE_JAR=${BASELINE_JAR:-}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/benchmarks/scripts/proxies.sh" proxy-bench
require_tools nginx haproxy wrk python3 java
use_ha4j_jar
start_backend
start_nginx_stream
start_haproxy

# ---- ha4j: each relay, from this build and, when given, from a baseline build ----
declare -A PORT=([direct]=$backend_port [nginx]=$nginx_port [haproxy]=$haproxy_port)
declare -A PID=([nginx]=$nginx_pid [haproxy]=$haproxy_pid)
ha4j_targets=()
start_ha4j() { # target jar relay
  local port; port=$(free_port)
  HA4J_CLASSPATH="$2" HA4J_CDS_DIR="$work/cds" "$root/dist/bin/ha4j" proxy --listen "127.0.0.1:$port" \
    --upstream "127.0.0.1:$backend_port" --relay "$3" > "$work/$1.out" 2>&1 &
  PID[$1]=$!; pids+=($!); PORT[$1]=$port; ha4j_targets+=("$1")
}
for relay in $RELAYS; do
  start_ha4j "ha4j-$relay" "$jar" "$relay"
  if [ -n "$BASELINE_JAR" ]; then start_ha4j "base-$relay" "$BASELINE_JAR" "$relay"; fi
done

for t in nginx haproxy "${ha4j_targets[@]}"; do wait_port "${PORT[$t]}"; done

# ---- measurements ----
# every wrk run must see only 2xx answers, or its figure would measure error pages
checked_wrk() {
  local out
  out=$(wrk "$@" 2>&1)
  if grep -q "Non-2xx" <<<"$out"; then echo "proxy-bench: wrk $* saw errors:" >&2; echo "$out" >&2; exit 1; fi
  echo "$out"
}
# CPU time (user+sys clock ticks) of a process and its children; the last wrk's request count goes to $work/n,
# so that CPU per operation can be reported: on a shared machine it moves far less than throughput does
cpu_ticks() { local t=0 p; for p in $1 $(pgrep -P "$1" || true); do t=$((t + $(awk '{print $14+$15}' /proc/"$p"/stat 2>/dev/null || echo 0))); done; echo $t; }
count() { tee >(awk '/requests in/ {print $1}' > "$work/n"); }
small_rps() { checked_wrk -t"$THREADS" -c"$CONNS" -d"$2"s "http://127.0.0.1:$1/small" | count | awk '/Requests\/sec/ {printf "%.0f", $2}'; }
big_mbs() {
  checked_wrk -t"$THREADS" -c16 -d"$2"s "http://127.0.0.1:$1/1m" | count | awk '/Transfer\/sec/ {
    v=$2; u=v; gsub(/[0-9.]/,"",u); gsub(/[A-Za-z]/,"",v);
    if (u=="GB") v*=1024; else if (u=="KB") v/=1024; printf "%.0f", v }'
}
close_rps() { checked_wrk -t"$THREADS" -c"$CONNS" -d"$2"s -H "Connection: close" "http://127.0.0.1:$1/small" | count | awk '/Requests\/sec/ {printf "%.0f", $2}'; }

# RSS (KiB) of a process and its children (nginx workers)
rss_kib() {
  local total=0 pid
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmRSS/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)))
  done
  echo $total
}
# bytes of RSS per idle session: open IDLE connections, wait until they reached the backend, measure, close
idle_rss_per_session() {
  local port=$1 pid=$2 before after
  before=$(rss_kib "$pid")
  python3 - "$port" "$IDLE" "$work/idle.ready" <<'PY' &
import socket, sys, time, pathlib
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), pathlib.Path(sys.argv[3])
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    socks.append(s)
time.sleep(2)
ready.write_text("ok")
time.sleep(8)
PY
  local helper=$!
  for _ in $(seq 1 300); do [ -f "$work/idle.ready" ] && break; sleep 0.1; done
  after=$(rss_kib "$pid")
  wait $helper 2>/dev/null || true
  rm -f "$work/idle.ready"
  echo "$(( (after - before) * 1024 / IDLE )) $(( after / 1024 ))"
}

echo "warming the JVMs (${WARMUP}s of each workload) ..." >&2
for t in "${ha4j_targets[@]}"; do
  p=${PORT[$t]}
  small_rps "$p" "$WARMUP" >/dev/null; big_mbs "$p" "$WARMUP" >/dev/null; close_rps "$p" "$WARMUP" >/dev/null
done

declare -A KA BIG CONN IDLEB RSSMB CPUKA CPUBIG CPUCONN
# microseconds of proxy CPU per operation of the last wrk run, given the ticks before and after
per_op() { sleep 0.2; awk -v t=$(($2 - $1)) -v n="$(cat "$work/n")" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "-" }'; }
targets=(direct nginx haproxy "${ha4j_targets[@]}")
for t in "${targets[@]}"; do
  echo "measuring $t ..." >&2
  pid=${PID[$t]:-}
  c0=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0); KA[$t]=$(small_rps "${PORT[$t]}" "$DURATION")
  CPUKA[$t]=$([ -n "$pid" ] && per_op "$c0" "$(cpu_ticks "$pid")" || echo -); sleep 2
  c0=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0); BIG[$t]=$(big_mbs "${PORT[$t]}" "$DURATION")
  CPUBIG[$t]=$([ -n "$pid" ] && per_op "$c0" "$(cpu_ticks "$pid")" || echo -); sleep 2
  c0=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0); CONN[$t]=$(close_rps "${PORT[$t]}" "$DURATION")
  CPUCONN[$t]=$([ -n "$pid" ] && per_op "$c0" "$(cpu_ticks "$pid")" || echo -); sleep 5   # let TIME_WAIT settle
  if [ "$t" = direct ] || [ "$IDLE" = 0 ]; then IDLEB[$t]="-"; RSSMB[$t]="-"; else
    read -r IDLEB[$t] RSSMB[$t] < <(idle_rss_per_session "${PORT[$t]}" "${PID[$t]}"); fi
  sleep 2
done

# the relay `ha4j proxy` uses when --relay is not given, marked in the tables
DEFAULT_RELAY=auto
label() { if [ "$1" = "ha4j-$DEFAULT_RELAY" ]; then echo "$1 (default)"; else echo "$1"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "" || b == 0 || a == "-" || b == "-") print "-"; else printf "%.2f", a / b }'; }
echo
echo "loopback, $(nproc) CPUs, wrk -t$THREADS: keep-alive -c$CONNS, 1 MiB -c16, close -c$CONNS, ${DURATION}s each; idle sessions: $IDLE"
echo
printf "| %-20s | %14s | %13s | %15s | %17s | %17s |\n" target "keep-alive req/s" "1 MiB MB/s" "new conn/s" "idle RSS B/session" "RSS MiB w/ idle"
printf "|%s|%s|%s|%s|%s|%s|\n" "----------------------" "----------------------" "---------------" "-----------------" "--------------------" "-------------------"
for t in "${targets[@]}"; do
  printf "| %-20s | %16s | %13s | %15s | %18s | %17s |\n" "$(label "$t")" "${KA[$t]}" "${BIG[$t]}" "${CONN[$t]}" "${IDLEB[$t]}" "${RSSMB[$t]}"
done
echo
echo "proxy CPU (user+sys, all threads and workers) per operation, microseconds: less sensitive to other load"
echo
printf "| %-20s | %16s | %16s | %16s |\n" target "per keep-alive req" "per 1 MiB response" "per new connection"
printf "|%s|%s|%s|%s|\n" "----------------------" "--------------------" "--------------------" "--------------------"
for t in "${targets[@]}"; do
  [ "$t" = direct ] && continue
  printf "| %-20s | %18s | %18s | %18s |\n" "$(label "$t")" "${CPUKA[$t]}" "${CPUBIG[$t]}" "${CPUCONN[$t]}"
done
echo
printf "| %-26s | %10s | %10s | %10s | %16s |\n" ratio "keep-alive" "1 MiB" "conn/s" "idle memory"
printf "|%s|%s|%s|%s|%s|\n" "----------------------------" "------------" "------------" "------------" "------------------"
for relay in $RELAYS; do
  h=ha4j-$relay
  peers=(direct nginx haproxy); [ -n "$BASELINE_JAR" ] && peers+=("base-$relay")
  for peer in "${peers[@]}"; do
    printf "| %-26s | %10s | %10s | %10s | %16s |\n" "$h / $peer" "$(ratio "${KA[$h]}" "${KA[$peer]}")" \
      "$(ratio "${BIG[$h]}" "${BIG[$peer]}")" "$(ratio "${CONN[$h]}" "${CONN[$peer]}")" "$(ratio "${IDLEB[$h]}" "${IDLEB[$peer]}")"
  done
done
