#!/usr/bin/env bash
# Start-up time, side by side in one run: from the moment a process is started to
#   - its first proxied answer: ha4j proxy vs nginx stream vs HAProxy, on loopback, in front of the same
#     nginx http backend (first-response.py asks every millisecond);
#   - its first VRRP advert on the wire: ha4j node vs keepalived, each the only router of its VRID, as the
#     address owner (priority 255, which RFC 3768 makes master at once instead of after Master_Down_Interval),
#     in a network namespace; a listener in another namespace stamps adverts with their kernel receive time
#     (vrrp-listen.py).
# ha4j starts through the launcher (dist/bin/ha4j) with its default JVM options, as users start it:
#   ha4j        with the class-data archive its first start wrote (the launcher's default),
#   ha4j-first  that first start (once, before the rounds: it writes the archive at its exit),
#   ha4j-nocds  without one (HA4J_CDS=off).
# Each target is started ROUNDS times, interleaved; the median, the best and the worst are printed in ms.
#
# usage: sudo benchmarks/scripts/startup-bench.sh          (env: ROUNDS=10; VRRP=0 skips the VRRP part)
# needs: root (namespaces) for the VRRP part, nginx + libnginx-mod-stream, haproxy, keepalived, python3,
#        java 17, maven (to build the ha4j jar once)
set -euo pipefail

ROUNDS=${ROUNDS:-10}
VRRP=${VRRP:-1}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scripts="$root/benchmarks/scripts"
. "$scripts/proxies.sh" startup-bench
require_tools nginx haproxy python3 java
use_ha4j_jar
# the launcher's class-data archive in this run's directory: the first start of each command writes it
# (measured apart, as "first start"), the others map it; ha4j-nocds starts without one (HA4J_CDS=off)
ha4j=(env HA4J_CLASSPATH="$jar" HA4J_CDS_DIR="$work/cds" "$root/dist/bin/ha4j")
ha4j_nocds=(env HA4J_CLASSPATH="$jar" HA4J_CDS=off "$root/dist/bin/ha4j")
start_backend

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "- - -"; exit }
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'; }

# ---- proxies: start -> first answered request ----
nginx_stream_conf() { # nginx_stream_conf DIR PORT
  mkdir -p "$1/logs"
  cat > "$1/nginx.conf" <<CONF
load_module $STREAM_MODULE;
daemon off; master_process on; worker_processes auto; worker_rlimit_nofile 20000;
pid $1/nginx.pid; error_log $1/logs/error.log crit;
events { worker_connections 20000; }
stream {
  upstream backend { server 127.0.0.1:$backend_port; }
  server { listen 127.0.0.1:$2 backlog=4096; proxy_pass backend; }
}
CONF
}
haproxy_conf() { # haproxy_conf FILE PORT
  cat > "$1" <<CONF
global
  nbthread 2
defaults
  mode tcp
  timeout connect 5s
  timeout client 5m
  timeout server 5m
frontend f
  bind 127.0.0.1:$2
  default_backend b
backend b
  server s1 127.0.0.1:$backend_port
CONF
}
first_answer() { # first_answer TARGET : starts it once on a fresh port, prints ms to its first answer
  local port; port=$(free_port)
  case $1 in
    nginx) nginx_stream_conf "$work/nginx" "$port"
           python3 "$scripts/first-response.py" "$port" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" ;;
    haproxy) haproxy_conf "$work/haproxy.cfg" "$port"
           python3 "$scripts/first-response.py" "$port" haproxy -db -f "$work/haproxy.cfg" ;;
    ha4j | ha4j-first) python3 "$scripts/first-response.py" "$port" "${ha4j[@]}" proxy --listen "127.0.0.1:$port" \
           --upstream "127.0.0.1:$backend_port" ;;
    ha4j-nocds) python3 "$scripts/first-response.py" "$port" "${ha4j_nocds[@]}" proxy \
           --listen "127.0.0.1:$port" --upstream "127.0.0.1:$backend_port" ;;
  esac
}
declare -A SAMPLES
SAMPLES[ha4j-first]="$(first_answer ha4j-first) "
proxy_targets=(nginx haproxy ha4j ha4j-nocds)
for round in $(seq 1 "$ROUNDS"); do
  echo "proxies, round $round of $ROUNDS ..." >&2
  for t in "${proxy_targets[@]}"; do SAMPLES[$t]+="$(first_answer "$t") "; done
done

# ---- VRRP: start -> first advert on the wire ----
vrrp_targets=()
if [ "$VRRP" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "startup-bench: the VRRP part needs root (VRRP=0 skips it)" >&2; exit 2; }
  command -v keepalived >/dev/null || { echo "startup-bench: keepalived is required (VRRP=0 skips it)" >&2; exit 2; }
  . "$scripts/netns-lan.sh"
  trap 'lan_down; cleanup' EXIT
  lan_up lb1=11 mon=3
  start_bg "$work/listen.log" mon python3 "$scripts/vrrp-listen.py" 1 10.200.0.3 --each
  wait_for "$work/listen.log" READY 20
  cat > "$work/keepalived.conf" <<CONF
global_defs {
  router_id lb1
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 255
  advert_int 1
  virtual_ipaddress {
    10.200.0.100/24
  }
}
CONF
  first_advert() { # first_advert TARGET : starts it once in lb1, prints ms to its first advert, stops it
    local seen before start pid
    before=$(grep -c '^PACKET 10.200.0.11 [1-9][0-9]* ' "$work/listen.log" || true)
    start=$(date +%s%N)
    case $1 in
      keepalived) start_bg "$work/node.log" lb1 keepalived -n -l -D -P -f "$work/keepalived.conf" \
                    -p "$work/keepalived.pid" -r "$work/vrrp.pid" ;;
      ha4j | ha4j-first) start_bg "$work/node.log" lb1 "${ha4j[@]}" node --interface eth0 --vrid 51 \
              --priority 255 --state MASTER --vip 10.200.0.100/24 ;;
      ha4j-nocds) start_bg "$work/node.log" lb1 "${ha4j_nocds[@]}" node --interface eth0 --vrid 51 \
              --priority 255 --state MASTER --vip 10.200.0.100/24 ;;
    esac
    pid=$LAST_PID
    for _ in $(seq 1 3000); do
      seen=$(grep -c '^PACKET 10.200.0.11 [1-9][0-9]* ' "$work/listen.log" || true)
      [ "$seen" -gt "$before" ] && break
      sleep 0.01
    done
    [ "$seen" -gt "$before" ] || { echo "startup-bench: no advert from $1 within 30 s" >&2; exit 1; }
    grep '^PACKET 10.200.0.11 [1-9][0-9]* ' "$work/listen.log" | sed -n "$((before + 1))p" \
      | awk -v s="$start" '{ sub("t=", "", $4); printf "%.1f\n", ($4 - s / 1000) / 1000 }'
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    # the next start must find the VIP gone and keepalived's children and pidfiles too, as a clean stop leaves them
    for _ in $(seq 1 500); do
      if ! ns lb1 ip -4 addr show dev eth0 | grep -q 10.200.0.100 && ! pgrep -x keepalived >/dev/null \
        && [ ! -e "$work/keepalived.pid" ] && [ ! -e "$work/vrrp.pid" ]; then break; fi
      sleep 0.01
    done
  }
  SAMPLES[v-ha4j-first]="$(first_advert ha4j-first) "
  vrrp_targets=(keepalived ha4j ha4j-nocds)
  for round in $(seq 1 "$ROUNDS"); do
    echo "VRRP, round $round of $ROUNDS ..." >&2
    for t in "${vrrp_targets[@]}"; do SAMPLES[v-$t]+="$(first_advert "$t") "; done
  done
fi

echo
echo "start-up, $ROUNDS starts each, interleaved, $(nproc) CPUs; ha4j through dist/bin/ha4j, its default JVM options:"
grep -m1 '^HA4J_DEFAULT_JVM_OPTS=' "$root/dist/bin/ha4j"
echo "(proxy alone: -Xms16m instead of -Xms64m, no -XX:+AlwaysPreTouch)"
echo
printf "| %-32s | %9s | %9s | %9s |\n" "from start to" "median ms" "best ms" "worst ms"
printf "|%s|%s|%s|%s|\n" "----------------------------------" "-----------" "-----------" "-----------"
for t in "${proxy_targets[@]}" ha4j-first; do
  read -r m lo hi < <(tr ' ' '\n' <<<"${SAMPLES[$t]}" | grep . | median)
  printf "| %-32s | %9s | %9s | %9s |\n" "first proxied answer: $t" "$m" "$lo" "$hi"
done
for t in "${vrrp_targets[@]}" ${vrrp_targets[0]:+ha4j-first}; do
  read -r m lo hi < <(tr ' ' '\n' <<<"${SAMPLES[v-$t]}" | grep . | median)
  printf "| %-32s | %9s | %9s | %9s |\n" "first VRRP advert: $t" "$m" "$lo" "$hi"
done
