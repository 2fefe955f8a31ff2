# Shared helpers for the failover lab (sourced by run.sh).
# Every process is started through start_bg: under `timeout` (so nothing outlives its bound even if this
# script dies), in its own session/process group (so cleanup can kill the whole group), with its pid
# recorded in $RUN_TMP/pids/ (so cleanup kills exactly what this lab started, never by name).

# Debian's python3 has python3-redis and python3-psycopg2; a pyenv shim earlier on PATH would not.
PY=/usr/bin/python3
export TZ=UTC   # all product logs and all parsing in UTC

log() { printf '%s %s\n' "$(date -u +%H:%M:%S.%3N)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }   # epoch seconds with ns; parsed as float later

# start_bg NAME LIFETIME_S LOGFILE cmd... : start cmd bounded by LIFETIME_S, pid -> $RUN_TMP/pids/NAME.pid
start_bg() {
  local name=$1 life=$2 logf=$3
  shift 3
  mkdir -p "$RUN_TMP/pids"
  setsid timeout -k 5 "$life" "$@" >>"$logf" 2>&1 < /dev/null &
  echo $! >"$RUN_TMP/pids/$name.pid"
  disown $! 2>/dev/null || true   # no "Killed" job notices when we SIGKILL a victim
}

# Kill every recorded process group (TERM, then KILL), plus extra pids listed in $RUN_TMP/pids/*.extra
# (postmasters run in their own session, started by Patroni, so they are outside Patroni's group).
stop_all() {
  [[ -n ${RUN_TMP:-} && -d $RUN_TMP/pids ]] || return 0
  local f pid
  for f in "$RUN_TMP"/pids/*.pid "$RUN_TMP"/pids/*.extra; do
    [[ -e $f ]] || continue
    [[ $f == */etcd.pid ]] && continue   # the DCS goes last, so that Patroni can shut down cleanly
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] || continue
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  if [[ -e $RUN_TMP/pids/etcd.pid ]]; then
    local i
    for i in $(seq 1 50); do   # up to 5 s for the Patroni processes to go
      [[ -n $(find "$RUN_TMP/pids" -name 'patroni-*.pid' -exec sh -c 'kill -0 "$(cat "$1")" 2>/dev/null' _ {} \; -print) ]] || break
      sleep 0.1
    done
    pid=$(<"$RUN_TMP/pids/etcd.pid")
    kill -TERM -- "-$pid" 2>/dev/null || true
  fi
  # Give graceful shutdowns (Patroni stopping Postgres, the writer's read-back) a moment, then force.
  local deadline=$((SECONDS + 8))
  while ((SECONDS < deadline)); do
    local alive=0
    for f in "$RUN_TMP"/pids/*.pid "$RUN_TMP"/pids/*.extra; do
      [[ -e $f ]] || continue
      pid=$(<"$f")
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    ((alive)) || break
    sleep 0.3
  done
  for f in "$RUN_TMP"/pids/*.pid "$RUN_TMP"/pids/*.extra; do
    [[ -e $f ]] || continue
    pid=$(<"$f")
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

# Refuse to start when one of our ports is taken (another lab, or a leftover of ours).
require_free_ports() {
  local p
  for p in "$@"; do
    ((p >= 17000 && p <= 17999)) || die "port $p outside 17000-17999"
    if ss -Htln "sport = :$p" | grep -q .; then
      die "port 127.0.0.1:$p is in use; is another run still going?"
    fi
  done
}

# wait_until TIMEOUT_S DESCRIPTION cmd... : poll cmd every 0.2 s until it succeeds.
wait_until() {
  local limit=$1 what=$2
  shift 2
  local deadline
  deadline=$(($(date +%s) + limit))
  until "$@" >/dev/null 2>&1; do
    (($(date +%s) < deadline)) || { log "timed out after ${limit}s waiting for: $what"; return 1; }
    sleep 0.2
  done
}

# Seconds of steady writes before the kill; the brief asks for 10-20 s after the system is healthy.
STEADY_S=${STEADY_S:-10}

# wait_recovered RUN_DIR MAX_S MARGIN_S: after the kill, wait until the writer has written successfully
# for MARGIN_S seconds after its last failure (or MAX_S seconds since the kill have gone by).
wait_recovered() {
  local dir=$1 max=$2 margin=$3
  local deadline=$(($(date +%s) + max))
  while (($(date +%s) < deadline)); do
    if "$PY" "$LAB_DIR/summarise.py" recovered "$dir" --margin "$margin" >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  log "not recovered within ${max}s of the kill; stopping the run anyway"
  return 0
}

write_meta() {  # write_meta RUN_DIR key=value... -> RUN_DIR/meta.env (read by summarise.py)
  local dir=$1
  shift
  local kv
  for kv in "$@"; do printf '%s\n' "$kv" >>"$dir/meta.env"; done
}
