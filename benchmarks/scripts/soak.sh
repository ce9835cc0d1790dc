#!/usr/bin/env bash
# Soak: two `ha4j run` nodes (keepalived.conf + nginx.conf, VRRP + TCP proxy) under mixed load, with a fault
# every few seconds, reporting what each node holds over time and every invariant at every sample.
# A benchmark, not a test: it prints a table and a summary, and exits 1 if an invariant was ever broken.
#
#   client 10.200.0.2   wrk (keep-alive HTTP) + a loop of short connections -> VIP 10.200.0.100:8080
#   lb1    10.200.0.11  ha4j run, priority 100 (MASTER)   stream { upstream app01:8080 app02:8080 }
#   lb2    10.200.0.12  ha4j run, priority  90 (BACKUP)
#   app01  10.200.0.21, app02 10.200.0.22: Tomcat backends answering "APP0n (host ...)"
#   All in network namespaces on a bridge in a namespace of its own: no uplink, nothing on the host's network.
#
# Faults, in turn, one per period (FAULT_EVERY seconds), each undone within the period:
#   backend  SIGKILL app01's Tomcat, restart it 2 s later (the proxy must fail over to app02, then back)
#   loss     50 % of VRRP dropped at lb2's input for 3 s (nftables numgen random; lb2 may take over briefly)
#   rst      20 % of the VIP's packets to the client answered with a TCP RST by the client's kernel for 2 s:
#            clients resetting connections mid-stream (nftables reject with tcp reset, client side)
#   signal   SIGNALS (default "HUP USR1") to lb1 then lb2, one signal per period (reload / reopen logs). A
#            build whose node does not handle a signal dies of it: the table shows it, the run ends.
#
# Sampled at the end of every period, when the last fault has settled (>= 2 s after it was undone):
#   per node: open fds, RSS, threads, direct memory (NMT "Other" committed: where Unsafe.allocateMemory, so
#   Netty's direct buffers, is counted; the JVMs run with -XX:NativeMemoryTracking=summary), CPU % over the
#   period, new stack traces in its log
#   invariants: both nodes alive with their pid file; exactly one VIP holder and it is lb1 (priority 100,
#   preempt); no stack trace logged. At the end: SIGTERM both, each exits, no VIP and no pid file left.
#
# Needs root, iproute2, nftables, wrk, Java 17 (jcmd), Maven (builds ha4j once).
# Usage: sudo benchmarks/scripts/soak.sh                 (30 minutes)
#        DURATION=60 sudo benchmarks/scripts/soak.sh     (seconds; FAULT_EVERY=5, SIGNALS="HUP USR1",
#                                                         FAULTS="backend loss rst signal" also settable)
set -euo pipefail

DURATION="${DURATION:-1800}"
FAULT_EVERY="${FAULT_EVERY:-5}"
SIGNALS="${SIGNALS-HUP USR1}"
FAULTS="${FAULTS:-backend loss rst signal}"
[ -z "$SIGNALS" ] && FAULTS="${FAULTS//signal/}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VIP=10.200.0.100
PORT=8080

[ "$(id -u)" = 0 ] || { echo "soak: needs root (network namespaces, raw sockets)" >&2; exit 2; }
for tool in ip nft wrk java jcmd mvn awk; do
  command -v "$tool" >/dev/null || { echo "soak: needs '$tool'" >&2; exit 2; }
done
[ "$FAULT_EVERY" -ge 5 ] || { echo "soak: FAULT_EVERY must be >= 5 s (a fault lasts up to 3 s, then settles)" >&2; exit 2; }

echo "building ha4j ..." >&2
(cd "$root" && mvn -q -B -DskipTests package -pl examples -am) >&2
JAR="$root/examples/target/ha4j.jar"
JAVA=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)

# shellcheck source=netns-lan.sh
. "$(dirname "${BASH_SOURCE[0]}")/netns-lan.sh"
WORK="$(mktemp -d "/tmp/${P}soak.XXXX")"

cleanup() {
  set +e
  lan_down
  echo "logs kept in $WORK" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lan_up client=2 lb1=11 lb2=12 app01=21 app02=22

# --- backends ------------------------------------------------------------------------------------------
declare -A BACKEND
start_backend() { # start_backend HOST NAME
  : >"$WORK/backend-$1.log"
  start_bg "$WORK/backend-$1.log" "$1" "${JAVA[@]}" -cp "$JAR" org.ha4j.examples.backend.TomcatBackend "$2" \
    "10.200.0.${ADDR[$1]}" "$PORT"
  BACKEND[$1]=$LAST_PID
  wait_for "$WORK/backend-$1.log" "serving on" 30
}
start_backend app01 APP01
start_backend app02 APP02

# --- the two load-balancer nodes ------------------------------------------------------------------------
cat >"$WORK/nginx.conf" <<CONF
stream {
  upstream tomcat {
    server 10.200.0.21:$PORT;
    server 10.200.0.22:$PORT;
  }
  server {
    listen $PORT;
    proxy_pass tomcat;
  }
}
CONF
declare -A NODE PIDFILE
for host in lb1 lb2; do
  prio=$([ "$host" = lb1 ] && echo 100 || echo 90)
  state=$([ "$host" = lb1 ] && echo MASTER || echo BACKUP)
  cat >"$WORK/keepalived-$host.conf" <<CONF
vrrp_instance VI_1 {
  state $state
  interface eth0
  virtual_router_id 51
  priority $prio
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass 1111
  }
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
  PIDFILE[$host]="$WORK/$host.pid"
  start_bg "$WORK/node-$host.log" "$host" "${JAVA[@]}" -XX:NativeMemoryTracking=summary -jar "$JAR" run \
    --keepalived "$WORK/keepalived-$host.conf" --nginx "$WORK/nginx.conf" --pidfile "${PIDFILE[$host]}"
  NODE[$host]=$LAST_PID
done
wait_for "$WORK/node-lb1.log" "-> MASTER" 30
wait_for "$WORK/node-lb2.log" "-> BACKUP" 30

# --- load ----------------------------------------------------------------------------------------------
start_bg "$WORK/wrk.log" client wrk -t2 -c16 -d"${DURATION}s" --timeout 2s "http://$VIP:$PORT/"
WRK=$LAST_PID
# short connections: one HTTP/1.0 request per connection, ok/fail counted in a file the table reads
cat >"$WORK/short.sh" <<'LOOP'
ok=0; fail=0
while true; do
  got=0
  if exec 3<>"/dev/tcp/$1/$2" 2>/dev/null && printf 'GET / HTTP/1.0\r\n\r\n' >&3; then
    # a bounded read: a connection whose packets the rst fault rejected would otherwise hang this client
    while IFS= read -r -t 2 line <&3; do case $line in *APP0*) got=1; break ;; esac; done
  fi
  if [ "$got" = 1 ]; then ok=$((ok + 1)); else fail=$((fail + 1)); fi
  exec 3<&- 3>&- 2>/dev/null
  echo "$ok $fail" >"$3.tmp" && mv "$3.tmp" "$3"
done
LOOP
start_bg "$WORK/short.log" client timeout "${DURATION}s" bash "$WORK/short.sh" "$VIP" "$PORT" "$WORK/short.count"

# --- faults --------------------------------------------------------------------------------------------
nft_in() { # nft_in HOST RULE... : one input rule in table inet soak of HOST's namespace
  printf 'table inet soak {\n  chain input {\n    type filter hook input priority -10; policy accept;\n    %s\n  }\n}\n' \
    "$2" | ns "$1" nft -f -
}
nft_clear() { ns "$1" nft delete table inet soak 2>/dev/null || true; }

SIG_TURN=0
FAULT_DONE=""
fault() { # fault KIND : applies one fault and undoes it within 3 s; FAULT_DONE says what it was (no subshell:
          # a restarted backend's PID must stay visible)
  case "$1" in
    backend)
      kill -KILL "${BACKEND[app01]}"
      sleep 2
      start_backend app01 APP01 ;;
    loss)
      nft_in lb2 "ip protocol vrrp numgen random mod 100 < 50 drop"
      sleep 3
      nft_clear lb2 ;;
    rst)
      nft_in client "ip saddr $VIP tcp sport $PORT numgen random mod 100 < 20 reject with tcp reset"
      sleep 2
      nft_clear client ;;
    signal)
      local sigs=($SIGNALS) host
      host=$([ $((SIG_TURN % 2)) = 0 ] && echo lb1 || echo lb2)
      kill -"${sigs[$((SIG_TURN / 2 % ${#sigs[@]}))]}" "${NODE[$host]}"
      FAULT_DONE="SIG${sigs[$((SIG_TURN / 2 % ${#sigs[@]}))]}>$host"
      SIG_TURN=$((SIG_TURN + 1))
      return ;;
  esac
  FAULT_DONE=$1
}

# --- sampling ------------------------------------------------------------------------------------------
declare -A CPU_BEFORE FDS_FIRST RSS_FIRST THR_FIRST DIRECT_FIRST TRACES
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo -; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo -; }
direct_kib() { # NMT "Other" committed, KiB: malloc'd off-heap memory such as direct buffers
  jcmd "$1" VM.native_memory summary 2>/dev/null | awk '/- +Other \(/ {for (i = 1; i <= NF; i++) if ($i ~ /^committed=/) {gsub(/committed=|KB\)?/, "", $i); print $i; exit}}'
}
holds_vip() { ns "$1" ip -4 -o addr show dev eth0 | grep -q " $VIP/"; }

VIOLATIONS=0
violation() { VIOLATIONS=$((VIOLATIONS + 1)); NOTES+="$1; "; }

for host in lb1 lb2; do CPU_BEFORE[$host]=$(cpu_ticks "${NODE[$host]}"); TRACES[$host]=0; done
SAMPLED_AT=$(date +%s.%N) # CPU % is over the time since the previous sample (a period plus the sampling itself)
HZ=$(getconf CLK_TCK)
printf '%6s %-10s %-7s | %4s %5s %4s %7s %5s | %4s %5s %4s %7s %5s | %9s | %s\n' \
  t fault holder lb1fd rssM thr directK cpu% lb2fd rssM thr directK cpu% short_ok/f invariants | tee "$WORK/table.txt"
START=$(date +%s)
period=0
kinds=($FAULTS)
while [ $(( $(date +%s) - START + FAULT_EVERY )) -le "$DURATION" ]; do
  period_start=$(date +%s.%N)
  fault "${kinds[$((period % ${#kinds[@]}))]}"
  period=$((period + 1))
  # settle until the end of the period; the sample reads the pair at rest
  sleep "$(awk -v s="$period_start" -v e="$FAULT_EVERY" -v n="$(date +%s.%N)" 'BEGIN {r = s + e - n; print (r > 0 ? r : 0)}')"
  NOTES=""
  now=$(date +%s.%N)
  since=$(awk -v a="$SAMPLED_AT" -v b="$now" 'BEGIN {print b - a}')
  SAMPLED_AT=$now
  holders=()
  for host in lb1 lb2; do holds_vip "$host" && holders+=("$host"); done
  holder="${holders[*]:-none}"
  [ "$holder" = lb1 ] || violation "VIP holders: ${holder}"
  row=()
  for host in lb1 lb2; do
    pid=${NODE[$host]}
    if ! kill -0 "$pid" 2>/dev/null; then
      violation "$host died (log: $WORK/node-$host.log)"
      row+=(- - - - -)
      continue
    fi
    [ -f "${PIDFILE[$host]}" ] || violation "$host pid file missing"
    ticks=$(cpu_ticks "$pid")
    cpu=$(awk -v a="${CPU_BEFORE[$host]}" -v b="$ticks" -v hz="$HZ" -v t="$since" 'BEGIN {printf "%.1f", (b - a) * 100 / hz / t}')
    CPU_BEFORE[$host]=$ticks
    f=$(fds "$pid"); r=$(rss_mib "$pid"); th=$(threads "$pid"); d=$(direct_kib "$pid"); d=${d:--}
    : "${FDS_FIRST[$host]:=$f}" "${RSS_FIRST[$host]:=$r}" "${THR_FIRST[$host]:=$th}" "${DIRECT_FIRST[$host]:=$d}"
    traces=$(grep -c -E "Exception|^\s+at " "$WORK/node-$host.log" || true)
    [ "$traces" -gt "${TRACES[$host]}" ] && violation "$host logged a stack trace"
    TRACES[$host]=$traces
    row+=("$f" "$r" "$th" "$d" "$cpu")
  done
  short=$(cat "$WORK/short.count" 2>/dev/null || echo "0 0")
  printf '%6s %-10s %-7s | %4s %5s %4s %7s %5s | %4s %5s %4s %7s %5s | %9s | %s\n' \
    "$(( $(date +%s) - START ))" "$FAULT_DONE" "$holder" "${row[@]}" "${short// //}" "${NOTES:-ok}" | tee -a "$WORK/table.txt"
  for host in lb1 lb2; do kill -0 "${NODE[$host]}" 2>/dev/null || break 2; done
done

# --- the end: load summary, graceful stop, nothing left behind ------------------------------------------
kill -INT "$WRK" 2>/dev/null || true # wrk prints its summary on SIGINT
for _ in $(seq 1 50); do kill -0 "$WRK" 2>/dev/null || break; sleep 0.1; done
echo
echo "wrk (keep-alive load):"
sed -n '/requests in/,$p' "$WORK/wrk.log" | sed 's/^/  /'
echo "short connections ok/failed: $(cat "$WORK/short.count" 2>/dev/null || echo "none")"
NOTES=""
for host in lb1 lb2; do
  pid=${NODE[$host]}
  kill -0 "$pid" 2>/dev/null || continue
  echo "$host: fds ${FDS_FIRST[$host]} -> $(fds "$pid"), RSS ${RSS_FIRST[$host]} -> $(rss_mib "$pid") MiB," \
    "threads ${THR_FIRST[$host]} -> $(threads "$pid"), direct ${DIRECT_FIRST[$host]} -> $(direct_kib "$pid") KiB"
done
for host in lb2 lb1; do
  pid=${NODE[$host]}
  kill -0 "$pid" 2>/dev/null || continue
  kill -TERM "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && violation "$host still running 15 s after SIGTERM"
  holds_vip "$host" && violation "$host left the VIP behind"
  [ -f "${PIDFILE[$host]}" ] && violation "$host left its pid file"
done
echo "after SIGTERM: ${NOTES:-both nodes exited, no VIP and no pid file left}"
echo "invariant violations: $VIOLATIONS (table: $WORK/table.txt)"
[ "$VIOLATIONS" = 0 ]
