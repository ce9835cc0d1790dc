# Sourced by the benchmark scripts: a throw-away LAN of network namespaces (a bridge in a namespace of its
# own, one namespace per host with eth0 = 10.200.0.OCTET/24, no uplink) and the processes started in it,
# all removed again by lan_down, by PID and by namespace name.
#
#   lan_up client=2 lb1=11 lb2=12      creates ${P}lan and the hosts; ADDR[host] = octet
#   start_bg LOG HOST CMD...           runs CMD in HOST's namespace in the background; LAST_PID = its PID
#   wait_for FILE TEXT SECONDS         until TEXT appears in FILE, or fails
#   ns HOST CMD...                     runs CMD in HOST's namespace
#   lan_down                           SIGKILL every started process (children first), delete the namespaces

P="h4j$(printf '%04x' $((RANDOM * 2 % 65536)))-"
PIDS=()
LAST_PID=""
LAN_HOSTS=()
declare -A ADDR

ns() { ip netns exec "${P}$1" "${@:2}"; }

lan_up() {
  ip netns add "${P}lan"
  LAN_HOSTS+=(lan)
  ip -n "${P}lan" link add br0 type bridge
  ip -n "${P}lan" link set br0 up
  local spec host octet
  for spec in "$@"; do
    host=${spec%%=*}
    octet=${spec##*=}
    ADDR[$host]=$octet
    ip netns add "${P}${host}"
    LAN_HOSTS+=("$host")
    ip -n "${P}lan" link add "p$octet" type veth peer name eth0 netns "${P}${host}"
    ip -n "${P}lan" link set "p$octet" master br0 up
    ip -n "${P}${host}" link set lo up
    ip -n "${P}${host}" addr add "10.200.0.$octet/24" dev eth0
    ip -n "${P}${host}" link set eth0 up
  done
}

start_bg() { # start_bg LOG NS CMD... ; sets LAST_PID (ip netns exec execs, so it is the command's own PID)
  local log=$1 host=$2; shift 2
  ip netns exec "${P}${host}" "$@" >"$log" 2>&1 &
  LAST_PID=$!
  disown "$LAST_PID" # killed by PID later; no job-control chatter
  PIDS+=("$LAST_PID")
}

wait_for() { # wait_for FILE TEXT SECONDS
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout waiting for '$2' in $1" >&2; return 1; }
    sleep 0.05
  done
}

lan_down() {
  local pid child host
  for pid in "${PIDS[@]}"; do
    for child in $(pgrep -P "$pid" 2>/dev/null); do kill -KILL "$child" 2>/dev/null; done
    kill -KILL "$pid" 2>/dev/null
  done
  for host in "${LAN_HOSTS[@]}"; do ip netns del "${P}${host}" 2>/dev/null; done
  return 0
}
