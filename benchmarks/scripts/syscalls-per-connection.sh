#!/usr/bin/env bash
# System calls each proxy makes per new connection and per small keep-alive request: nginx stream, HAProxy and
# each ha4j relay in front of the same nginx http backend on loopback. A client opens CONNECTIONS connections one
# after another, each sending one small HTTP request with "Connection: close" and reading the answer to EOF; then
# it sends REQUESTS small requests one after another on one kept-alive connection. `strace -f -c` counts every
# system call of the proxy's threads (nginx: master and workers) over exactly those operations. Unlike
# throughput or CPU time, the counts do not depend on other load on the machine, so they compare builds and
# proxies on a shared machine.
#
# usage: benchmarks/scripts/syscalls-per-connection.sh
#   env: CONNECTIONS=2000 REQUESTS=2000 WARMUP=3000 (connections and requests before counting) RELAYS="auto splice copy"
#   HA4J_JAR=path/ha4j.jar   the ha4j build to measure (default: examples/target/ha4j.jar, built if missing)
#   SHOW="epoll_ctl ..."     the calls to list one by one
# needs: strace, nginx + libnginx-mod-stream, haproxy, python3, java 17
set -euo pipefail

CONNECTIONS=${CONNECTIONS:-2000}
REQUESTS=${REQUESTS:-2000}
WARMUP=${WARMUP:-3000}
RELAYS=${RELAYS:-auto splice copy}
SHOW=${SHOW:-epoll_ctl epoll_wait epoll_pwait2 getsockopt setsockopt getsockname getpeername shutdown recvfrom sendto writev read write splice accept4 socket connect close futex gettid}
HA4J_JAVA_OPTS=${HA4J_JAVA_OPTS:-"-Xmx1g -XX:+UseParallelGC"}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar=${HA4J_JAR:-"$root/examples/target/ha4j.jar"}
for tool in strace nginx haproxy python3 java; do
  command -v "$tool" >/dev/null || { echo "syscalls-per-connection: $tool is required" >&2; exit 2; }
done
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -q -B -DskipTests package -pl examples -am) >&2
fi

. "$root/benchmarks/scripts/proxies.sh" syscalls-per-connection

# N sequential connections, each one request answered in full (the answer's length is checked)
connections() { # port n
  python3 - "$1" "$2" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
request = b"GET /small HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    s.close()
    if not answer.startswith(b"HTTP/1.1 200") or not answer.endswith(b"response\n"):
        sys.exit("bad answer: %r" % answer[:200])
PY
}
# N requests one after another on one connection
requests() { # port n
  python3 - "$1" "$2" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
request = b"GET /small HTTP/1.1\r\nHost: bench\r\n\r\n"
s = socket.create_connection(("127.0.0.1", port))
for _ in range(n):
    s.sendall(request)
    answer = b""
    while not answer.endswith(b"response\n"):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("the connection closed after %r" % answer[:200])
        answer += chunk
s.close()
PY
}

start_backend
start_nginx_stream
start_haproxy
declare -A PORT=([nginx]=$nginx_port [haproxy]=$haproxy_port) PID=([nginx]=$nginx_pid [haproxy]=$haproxy_pid)
targets=(nginx haproxy)
for relay in $RELAYS; do
  t="ha4j-$relay"; port=$(free_port)
  java $HA4J_JAVA_OPTS -jar "$jar" proxy --listen "127.0.0.1:$port" --upstream "127.0.0.1:$backend_port" \
    --relay "$relay" > "$work/$t.out" 2>&1 &
  PID[$t]=$!; pids+=($!); PORT[$t]=$port; targets+=("$t")
done
for t in "${targets[@]}"; do wait_port "${PORT[$t]}"; done

# counts the system calls of target $1 while "$2 $3 $4" runs; prints "total call=n call=n ..." per operation
count_calls() { # target ops command port n
  local t=$1 ops=$2 attach=() p tracer
  shift 2
  for p in ${PID[$t]} $(pgrep -P "${PID[$t]}" || true); do attach+=(-p "$p"); done
  strace -f -c -U name,calls -o "$work/count" "${attach[@]}" 2>/dev/null & tracer=$!
  sleep 1 # strace attaches to every thread
  "$@"
  sleep 0.5 # the proxy's last closes
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  cp "$work/count" "/tmp/syscalls-$t-$1.txt"
  # strace -c -U name,calls: a "name calls" line per call, then "total N"
  # the JVM's own housekeeping (the JIT compiler's gettid, code and heap mappings) is left out of "work"
  awk -v n="$ops" -v show="$SHOW" 'BEGIN { split(show, s, " ") } { c[$1] = $2 }
    END { jvm = c["gettid"] + c["mprotect"] + c["mmap"] + c["munmap"] + c["madvise"] + c["restart_syscall"]
      printf "%.1f %.1f", (c["total"] - jvm) / n, c["total"] / n
      for (i = 1; i in s; i++) printf " %.1f", c[s[i]] / n; print "" }' "$work/count"
}

declare -A CONN KA
for t in "${targets[@]}"; do
  echo "warming $t ($WARMUP connections and requests), then counting $CONNECTIONS connections, $REQUESTS requests ..." >&2
  connections "${PORT[$t]}" "$WARMUP"
  requests "${PORT[$t]}" "$WARMUP"
  CONN[$t]=$(count_calls "$t" "$CONNECTIONS" connections "${PORT[$t]}" "$CONNECTIONS")
  KA[$t]=$(count_calls "$t" "$REQUESTS" requests "${PORT[$t]}" "$REQUESTS")
done

table() { # title, then the name of the array of rows
  local -n rows=$2
  echo
  echo "$1"
  echo
  printf "| %-12s |" call; for t in "${targets[@]}"; do printf " %12s |" "$t"; done; echo
  printf "|%s|" "--------------"; for _ in "${targets[@]}"; do printf "%s|" "--------------"; done; echo
  local i=1 call
  for call in "**work**" "all" $SHOW; do
    printf "| %-12s |" "$call"
    for t in "${targets[@]}"; do printf " %12s |" "$(cut -d' ' -f$i <<<"${rows[$t]}")"; done
    echo
    i=$((i + 1))
  done
}
echo
echo "every thread of the proxy counted (nginx: master and workers); work: all but the JVM's housekeeping (gettid,"
echo "mprotect, mmap, munmap, madvise, restart_syscall: JIT compiler and heap); strace -c tables in /tmp/syscalls-TARGET-*.txt"
table "system calls per new connection ($CONNECTIONS one after another, Connection: close, after $WARMUP)" CONN
table "system calls per small keep-alive request ($REQUESTS one after another on one connection, after $WARMUP)" KA
