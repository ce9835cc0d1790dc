#!/usr/bin/env bash
# Reload under load: ha4j's SIGHUP, nginx's `nginx -s reload` and HAProxy's hitless master-worker reload,
# side by side in one run, each RELOADS times (default 1,000), alternating two configs, on a LAN made of network
# namespaces (a bridge in a namespace of its own, no uplink, 10.200.0.0/24):
#
#   client 10.200.0.2   wrk (a new connection per request) + LONG long-lived keep-alive sessions
#   lb1    10.200.0.11  the proxy under test; for ha4j `./ha4j run` MASTER (priority 100) with the VIP 10.200.0.100
#   lb2    10.200.0.12  ha4j only: `./ha4j run` BACKUP (priority 90)
#   app1   10.200.0.21, app2 10.200.0.22: nginx http backends (/small, /64k)
#
# Config A: upstream {app1, app2}, one listener :8080. Config B: app1 weight=3, a second listener :8081; for ha4j
# also priority 101 (still the master: preempt rules unchanged). The VIPs stay: a VIP set that differs between
# the peers makes the backup drop the master's adverts (ADDRESS_LIST_MISMATCH, as keepalived does), so a VIP
# change is a reload of both nodes, which this loop does not measure (ReloadIT covers it).
# Reported per proxy: reloads done, connection errors (wrk's connect/read/write/timeout errors and non-2xx
# answers), resets of established sessions (a long-lived session that broke or got a wrong byte), VRRP
# transitions (ha4j: STATE lines after the pair settled), p99 latency of wrk's requests during the reloads.
# Long-lived sessions last SESSION seconds each, then close cleanly and open again, so that old nginx and
# HAProxy workers can finish and exit.
#
# Needs root, iproute2, nginx (+ libnginx-mod-stream), haproxy (>= 2.0), wrk, python3, Java 17, Maven.
# Usage: sudo benchmarks/scripts/reload-bench.sh
#   RELOADS=1000       reloads per proxy (RELOADS=50 for a smoke run)
#   TARGETS="ha4j nginx haproxy"   a subset
#   PACE=0.05          seconds between reloads, each counted once done: ha4j said RELOADED, nginx's master
#                      forked a new worker, HAProxy's master logged "Loading success"
#   CONNS=32 THREADS=2 wrk's connections and threads;  LONG=8 long-lived sessions;  SESSION=5
set -euo pipefail

RELOADS=${RELOADS:-1000}
TARGETS=${TARGETS:-ha4j nginx haproxy}
PACE=${PACE:-0.05}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
LONG=${LONG:-8}
SESSION=${SESSION:-5}
STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
VIP=10.200.0.100
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

[ "$(id -u)" = 0 ] || { echo "reload-bench: needs root (network namespaces, raw sockets)" >&2; exit 2; }
for tool in ip nginx haproxy wrk python3 java mvn awk; do
  command -v "$tool" >/dev/null || { echo "reload-bench: needs '$tool'" >&2; exit 2; }
done
[ -f "$STREAM_MODULE" ] || { echo "reload-bench: nginx stream module missing (apt-get install libnginx-mod-stream)" >&2; exit 2; }

JAR="$root/examples/target/ha4j.jar"
if [ ! -f "$JAR" ] || [ -n "${REBUILD:-}" ]; then
  echo "building ha4j ..." >&2
  (cd "$root" && mvn -q -B -DskipTests package -pl examples -am) >&2
fi
JAVA=(java -XX:+UseParallelGC -Xmx512m)

# shellcheck source=netns-lan.sh
. "$(dirname "${BASH_SOURCE[0]}")/netns-lan.sh"
WORK="$(mktemp -d "/tmp/${P}reload.XXXX")"
chmod 755 "$WORK" # nginx workers run as nobody and read the backends' files
cleanup() {
  set +e
  lan_down
  echo "logs kept in $WORK" >&2
}
trap cleanup EXIT
trap 'exit 143' INT TERM # leave through the EXIT trap, which cleans up

lan_up client=2 lb1=11 lb2=12 app1=21 app2=22

# --- backends ------------------------------------------------------------------------------------------
mkdir -p "$WORK/www"
head -c 65536 /dev/urandom >"$WORK/www/64k"
for host in app1 app2; do
  mkdir -p "$WORK/$host/logs"
  cat >"$WORK/$host/nginx.conf" <<CONF
daemon off; master_process on; worker_processes 1; worker_rlimit_nofile 20000;
pid $WORK/$host/nginx.pid; error_log $WORK/$host/logs/error.log crit;
events { worker_connections 20000; }
http {
  access_log off; keepalive_requests 1000000; keepalive_timeout 300s; sendfile on;
  server {
    listen 10.200.0.${ADDR[$host]}:8080 backlog=4096;
    root $WORK/www;
    location = /small { default_type text/plain; return 200 "hello from a backend\n"; }
  }
}
CONF
  start_bg "$WORK/$host/out.log" "$host" nginx -p "$WORK/$host" -c "$WORK/$host/nginx.conf"
done

wait_port() { # wait_port HOST ADDR PORT
  for _ in $(seq 1 300); do
    if ns "$1" python3 -c "import socket; socket.create_connection(('$2',$3),0.2).close()" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "reload-bench: nothing listens on $2:$3" >&2; exit 1
}
wait_port client 10.200.0.21 8080
wait_port client 10.200.0.22 8080

# --- the long-lived sessions: keep-alive HTTP, every body checked byte for byte ---------------------------
cat >"$WORK/long.py" <<'PY'
import http.client, pathlib, sys, threading, time
host, port, n, session_s, stop, out, body64k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), pathlib.Path(sys.argv[5]), pathlib.Path(sys.argv[6]), pathlib.Path(sys.argv[7]).read_bytes()
small = b"hello from a backend\n"
lock = threading.Lock()
count = {"sessions": 0, "requests": 0, "resets": 0, "connect_errors": 0, "bad_bytes": 0}
def add(key):
    with lock: count[key] += 1
def worker():
    while not stop.exists():
        try:
            c = http.client.HTTPConnection(host, port, timeout=10); c.connect()
        except OSError:
            add("connect_errors"); time.sleep(0.05); continue
        add("sessions"); end = time.time() + session_s; i = 0
        try:
            while time.time() < end and not stop.exists():
                path, want = ("/64k", body64k) if i % 4 == 0 else ("/small", small)
                c.request("GET", path); r = c.getresponse(); body = r.read(); i += 1
                if r.status != 200 or body != want:
                    add("bad_bytes"); break
                add("requests")
        except (OSError, http.client.HTTPException):
            add("resets")
        finally:
            c.close()
threads = [threading.Thread(target=worker) for _ in range(n)]
for t in threads: t.start()
for t in threads: t.join()
out.write_text(" ".join(f"{k}={v}" for k, v in count.items()) + "\n")
PY

# --- configs A and B per proxy -------------------------------------------------------------------------
upstream() { # upstream A|B
  if [ "$1" = A ]; then echo "server 10.200.0.21:8080; server 10.200.0.22:8080;"
  else echo "server 10.200.0.21:8080 weight=3; server 10.200.0.22:8080;"; fi
}
ha4j_files() { # ha4j_files DIR HOST PRIORITY A|B
  local extra_listener=""
  if [ "$4" = B ]; then extra_listener="server { listen 8081; proxy_pass app; }"; fi
  cat >"$1/keepalived.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $3
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
  cat >"$1/nginx.conf" <<CONF
stream {
  upstream app { $(upstream "$4") }
  # all addresses, as the backup has no VIP to bind to
  server { listen 8080 backlog=4096; proxy_pass app; }
  $extra_listener
}
CONF
}
nginx_conf() { # nginx_conf DIR A|B
  local extra=""
  [ "$2" = B ] && extra="server { listen 10.200.0.11:8081; proxy_pass app; }"
  cat >"$1/nginx.conf" <<CONF
load_module $STREAM_MODULE;
daemon off; master_process on; worker_processes 2; worker_rlimit_nofile 20000;
pid $1/nginx.pid; error_log $1/logs/error.log crit;
events { worker_connections 20000; }
stream {
  upstream app { $(upstream "$2") }
  server { listen 10.200.0.11:8080 backlog=4096; proxy_pass app; }
  $extra
}
CONF
}
haproxy_conf() { # haproxy_conf DIR A|B
  local w="" extra=""
  [ "$2" = B ] && { w=" weight 3"; extra="  bind 10.200.0.11:8081"; }
  cat >"$1/haproxy.cfg" <<CONF
global
  nbthread 2
  maxconn 5000
  # the listening sockets pass from the old worker to the new one over this socket (-x, used by the master)
  stats socket $1/haproxy.sock mode 600 level admin expose-fd listeners
defaults
  mode tcp
  timeout connect 5s
  timeout client 5m
  timeout server 5m
frontend f
  bind 10.200.0.11:8080
$extra
  default_backend app
backend app
  server app1 10.200.0.21:8080$w
  server app2 10.200.0.22:8080
CONF
}

# --- one measurement: load on, RELOADS reloads, load off ----------------------------------------------------
declare -A DONE ERRORS RESETS TRANSITIONS P99
transitions() { cat "$@" 2>/dev/null | grep -c '^STATE ' || true; }

measure() { # measure NAME ADDR RELOAD_FUNCTION
  local name=$1 addr=$2 reload=$3 dir="$WORK/$1"
  rm -f "$dir/stop"
  start_bg "$dir/long.log" client python3 "$WORK/long.py" "$addr" 8080 "$LONG" "$SESSION" "$dir/stop" "$dir/long.out" "$WORK/www/64k"
  local long_pid=$LAST_PID
  start_bg "$dir/wrk.log" client wrk -t"$THREADS" -c"$CONNS" -d3600s --latency --timeout 5s -H "Connection: close" "http://$addr:8080/small"
  local wrk_pid=$LAST_PID
  sleep 2
  local before_transitions; before_transitions=$(transitions "$WORK/ha4j/lb1.log" "$WORK/ha4j/lb2.log")
  local i done=0
  for i in $(seq 1 "$RELOADS"); do
    if "$reload" "$dir" "$i"; then done=$((done + 1)); fi
    sleep "$PACE"
  done
  sleep 2
  kill -INT "$wrk_pid" 2>/dev/null || true # wrk prints its summary on SIGINT
  touch "$dir/stop"
  # a long-lived session ends within its 10 s read timeout
  for _ in $(seq 1 300); do
    if ! kill -0 "$wrk_pid" 2>/dev/null && ! kill -0 "$long_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  DONE[$name]=$done
  ERRORS[$name]=$(awk '/Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 } /Non-2xx/ { e += $NF } END { print e + 0 }' "$dir/wrk.log")
  local long_connect; long_connect=$(grep -o 'connect_errors=[0-9]*' "$dir/long.out" | cut -d= -f2)
  ERRORS[$name]=$(( ${ERRORS[$name]} + ${long_connect:-0} ))
  RESETS[$name]=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "resets" || kv[1] == "bad_bytes") r += kv[2] } } END { print r + 0 }' "$dir/long.out" 2>/dev/null || echo "?")
  P99[$name]=$(awk '$1 == "99%" { print $2 }' "$dir/wrk.log")
  if [ "$name" = ha4j ]; then
    TRANSITIONS[$name]=$(( $(transitions "$WORK/ha4j/lb1.log" "$WORK/ha4j/lb2.log") - before_transitions ))
  else
    TRANSITIONS[$name]="-"
  fi
  echo "$name: $(cat "$dir/long.out" 2>/dev/null); wrk: $(grep -E 'requests in|Socket errors|Non-2xx' "$dir/wrk.log" | tr -s ' ' | tr '\n' ';')" >&2
}

# --- ha4j: a VRRP pair of ./ha4j run ---------------------------------------------------------------------
ha4j_reload() { # swaps lb1's files and sends HUP; done once lb1 said RELOADED
  local dir=$1 i=$2 which=A
  [ $((i % 2)) = 1 ] && which=B
  ha4j_files "$dir/lb1" lb1 "$([ "$which" = B ] && echo 101 || echo 100)" "$which"
  local seen; seen=$(grep -c '^RELOAD' "$WORK/ha4j/lb1.log" || true)
  kill -HUP "$HA4J_LB1"
  for _ in $(seq 1 400); do
    local now; now=$(grep -c '^RELOAD' "$WORK/ha4j/lb1.log" || true)
    if [ "$now" -gt "$seen" ]; then tail -n 5 "$WORK/ha4j/lb1.log" | grep -q '^RELOADED' && return 0; return 1; fi
    sleep 0.01
  done
  return 1
}
run_ha4j() {
  local dir="$WORK/ha4j"
  mkdir -p "$dir/lb1" "$dir/lb2"
  ha4j_files "$dir/lb1" lb1 100 A
  ha4j_files "$dir/lb2" lb2 90 A
  start_bg "$dir/lb1.log" lb1 "${JAVA[@]}" -jar "$JAR" run --keepalived "$dir/lb1/keepalived.conf" --nginx "$dir/lb1/nginx.conf"
  HA4J_LB1=$LAST_PID
  wait_for "$dir/lb1.log" "-> MASTER" 60
  start_bg "$dir/lb2.log" lb2 "${JAVA[@]}" -jar "$JAR" run --keepalived "$dir/lb2/keepalived.conf" --nginx "$dir/lb2/nginx.conf"
  HA4J_LB2=$LAST_PID
  wait_for "$dir/lb2.log" "-> BACKUP" 60
  wait_port client "$VIP" 8080
  # warm the JIT before anything is counted
  ns client wrk -t"$THREADS" -c"$CONNS" -d10s -H "Connection: close" "http://$VIP:8080/small" >/dev/null
  measure ha4j "$VIP" ha4j_reload
  kill -TERM "$HA4J_LB1" "$HA4J_LB2" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$HA4J_LB1" 2>/dev/null || kill -0 "$HA4J_LB2" 2>/dev/null || break; sleep 0.05; done
}

# --- nginx stream, nginx -s reload ------------------------------------------------------------------------
nginx_reload() { # done once the master forked a worker of the new generation
  local dir=$1 i=$2 before child
  nginx_conf "$dir" "$([ $((i % 2)) = 1 ] && echo B || echo A)"
  before=" $(pgrep -P "$NGINX_MASTER" | tr '\n' ' ') "
  ns lb1 nginx -p "$dir" -c "$dir/nginx.conf" -s reload 2>>"$dir/reload.err" || return 1
  for _ in $(seq 1 3000); do # up to 30 s
    for child in $(pgrep -P "$NGINX_MASTER"); do
      case "$before" in *" $child "*) ;; *) return 0 ;; esac
    done
    sleep 0.01
  done
  return 1
}
run_nginx() {
  local dir="$WORK/nginx"
  mkdir -p "$dir/logs"
  nginx_conf "$dir" A
  start_bg "$dir/out.log" lb1 nginx -p "$dir" -c "$dir/nginx.conf"
  local pid=$LAST_PID
  NGINX_MASTER=$pid
  wait_port client 10.200.0.11 8080
  measure nginx 10.200.0.11 nginx_reload
  ns lb1 nginx -p "$dir" -c "$dir/nginx.conf" -s quit 2>/dev/null || kill -TERM "$pid"
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
}

# --- HAProxy master-worker, hitless reload (USR2 to the master, listeners passed over) ---------------------
haproxy_reload() { # done once the master logged the new worker's "Loading success" (or failure)
  local dir=$1 i=$2 seen now
  haproxy_conf "$dir" "$([ $((i % 2)) = 1 ] && echo B || echo A)"
  seen=$(grep -c 'Loading \(success\|failure\)' "$dir/out.log" || true)
  kill -USR2 "$HAPROXY_MASTER"
  for _ in $(seq 1 3000); do # up to 30 s
    now=$(grep -c 'Loading \(success\|failure\)' "$dir/out.log" || true)
    if [ "$now" -gt "$seen" ]; then tail -n 20 "$dir/out.log" | grep -q 'Loading success' && return 0; return 1; fi
    sleep 0.01
  done
  return 1
}
run_haproxy() {
  local dir="$WORK/haproxy"
  mkdir -p "$dir"
  haproxy_conf "$dir" A
  start_bg "$dir/out.log" lb1 haproxy -W -db -f "$dir/haproxy.cfg"
  HAPROXY_MASTER=$LAST_PID
  wait_port client 10.200.0.11 8080
  measure haproxy 10.200.0.11 haproxy_reload
  kill -TERM "$HAPROXY_MASTER" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$HAPROXY_MASTER" 2>/dev/null || break; sleep 0.05; done
}

for target in $TARGETS; do
  case "$target" in
    ha4j) run_ha4j ;;
    nginx) run_nginx ;;
    haproxy) run_haproxy ;;
    *) echo "reload-bench: unknown target $target (ha4j nginx haproxy)" >&2; exit 2 ;;
  esac
done

echo
echo "$RELOADS reloads per proxy alternating configs A/B, every ${PACE}s; load: wrk -t$THREADS -c$CONNS (a new connection"
echo "per request) + $LONG keep-alive sessions of ${SESSION}s each (every byte checked); $(nproc) CPUs"
echo
printf "| %-8s | %8s | %17s | %27s | %16s | %17s |\n" proxy reloads "connection errors" "resets of established sessions" "VRRP transitions" "p99 during reloads"
printf "|%s|%s|%s|%s|%s|%s|\n" "----------" "----------" "-------------------" "--------------------------------" "------------------" "--------------------"
for target in $TARGETS; do
  printf "| %-8s | %8s | %17s | %30s | %16s | %18s |\n" "$target" "${DONE[$target]}" "${ERRORS[$target]}" "${RESETS[$target]}" "${TRANSITIONS[$target]}" "${P99[$target]}"
done
