# Sourced by the proxy benchmark scripts: a scratch directory cleaned up on exit with every process started,
# and the proxies they compare, all on loopback: the shared nginx http backend (/small, a 1 MiB /1m), nginx
# stream and HAProxy in front of it. Each start_* function sets backend_port / nginx_port, nginx_pid /
# haproxy_port, haproxy_pid; require_tools checks what a script needs, use_ha4j_jar sets jar (built once).
# Needs nginx + libnginx-mod-stream, haproxy, python3.
# usage: . proxies.sh NAME   (NAME: the script's name, for messages and the scratch directory)

bench_name=$1
STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
[ -f "$STREAM_MODULE" ] || { echo "$bench_name: nginx stream module missing (apt-get install libnginx-mod-stream)" >&2; exit 2; }
ulimit -n 20000 || true

work="$(mktemp -d "/tmp/ha4j-$bench_name.XXXXXX")"
chmod 755 "$work"   # nginx workers run as nobody and must read the backend's files
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
# INT and TERM end the run (the EXIT trap then cleans up once); trapped alone, the loop would go on
trap cleanup EXIT
trap "exit 130" INT
trap "exit 143" TERM

# exits 2 naming the first of the tools given that this machine lacks
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$bench_name: $tool is required" >&2; exit 2; }
  done
}
# sets jar to the ha4j jar the benchmarks run, building it once when it is missing
use_ha4j_jar() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  jar="$root/examples/target/ha4j.jar"
  if [ ! -f "$jar" ]; then
    (cd "$root" && mvn -q -B -DskipTests package -pl examples -am) >&2
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for _ in $(seq 1 200); do
    if python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$1),0.2); s.close()" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$bench_name: nothing listens on port $1" >&2; exit 1
}

start_backend() {
  backend_port=$(free_port)
  mkdir -p "$work/backend/logs" "$work/backend/www"
  head -c $((1024 * 1024)) /dev/urandom > "$work/backend/www/1m"
  cat > "$work/backend/nginx.conf" <<CONF
daemon off; master_process on; worker_processes 1; worker_rlimit_nofile 20000;
pid $work/backend/nginx.pid; error_log $work/backend/logs/error.log crit;
events { worker_connections 20000; }
http {
  access_log off; keepalive_requests 1000000000; sendfile on; tcp_nopush on;
  server {
    listen 127.0.0.1:$backend_port backlog=4096;
    root $work/backend/www;
    location = /small { default_type text/plain; return 200 "hello from the backend, a small keep-alive response\n"; }
  }
}
CONF
  nginx -p "$work/backend" -c "$work/backend/nginx.conf" & pids+=($!)
  wait_port "$backend_port"
}

start_nginx_stream() {
  nginx_port=$(free_port)
  mkdir -p "$work/nginx/logs"
  cat > "$work/nginx/nginx.conf" <<CONF
load_module $STREAM_MODULE;
daemon off; master_process on; worker_processes auto; worker_rlimit_nofile 20000;
pid $work/nginx/nginx.pid; error_log $work/nginx/logs/error.log crit;
events { worker_connections 20000; }
stream {
  upstream backend { server 127.0.0.1:$backend_port; }
  server { listen 127.0.0.1:$nginx_port backlog=4096; proxy_pass backend; }
}
CONF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" & nginx_pid=$!; pids+=($nginx_pid)
}

start_haproxy() {
  haproxy_port=$(free_port)
  cat > "$work/haproxy.cfg" <<CONF
global
  nbthread 2
  maxconn 7000
defaults
  mode tcp
  timeout connect 5s
  timeout client 5m
  timeout server 5m
  option splice-auto
frontend f
  bind 127.0.0.1:$haproxy_port
  default_backend b
backend b
  server s1 127.0.0.1:$backend_port
CONF
  haproxy -db -f "$work/haproxy.cfg" & haproxy_pid=$!; pids+=($haproxy_pid)
}
