#!/usr/bin/env bash
# Failover lab: kills the master/primary/upstream of a real Debian-packaged product on 127.0.0.1 while a
# client writes every 10 ms, and measures what the client and the product's own logs saw.
#
#   run.sh CASE|all [--runs N] [--out DIR] [--check] [--update-measured]
#
# CASE: sentinel-5000 sentinel-default cluster-5000 cluster-default patroni nginx-3-30s nginx-1-10s
#       nginx-1-10s-stop. `all` runs every case and updates measured.json. --check (one case) compares the
# write outage with the committed measured.json and exits non-zero when it falls outside
# [0.5 x min, 1.5 x max]. Ports 17000-17999 on 127.0.0.1 only; all state in a temp dir per run.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$LAB_DIR/lib/common.sh"
source "$LAB_DIR/lib/redis.sh"
source "$LAB_DIR/lib/patroni.sh"
source "$LAB_DIR/lib/nginx.sh"

ALL_CASES=(sentinel-5000 sentinel-default cluster-5000 cluster-default patroni nginx-3-30s nginx-1-10s nginx-1-10s-stop)

usage() { sed -n '5,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# settings_json CASE: the settings under test, stored with the results.
settings_json() {
  case $1 in
    sentinel-5000) echo '{"topology": "1 master + 2 replicas + 3 sentinels", "quorum": 2, "down-after-milliseconds": 5000, "failover-timeout": 60000, "kill": "SIGKILL master"}' ;;
    sentinel-default) echo '{"topology": "1 master + 2 replicas + 3 sentinels", "quorum": 2, "down-after-milliseconds": "default (30000)", "failover-timeout": "default (180000)", "kill": "SIGKILL master"}' ;;
    cluster-5000) echo '{"topology": "3 masters + 3 replicas", "cluster-node-timeout": 5000, "kill": "SIGKILL master of slot 0"}' ;;
    cluster-default) echo '{"topology": "3 masters + 3 replicas", "cluster-node-timeout": "default (15000)", "kill": "SIGKILL master of slot 0"}' ;;
    patroni) echo '{"topology": "etcd (1 node) + 2 Postgres 15 under Patroni, async replication, PgBouncer (transaction pool) following the leader via on_role_change", "ttl": 30, "loop_wait": 10, "retry_timeout": 10, "kill": "SIGKILL Patroni + postmaster process group of the leader"}' ;;
    nginx-3-30s) echo '{"upstreams": 3, "max_fails": 3, "fail_timeout_s": 30, "kill": "SIGKILL one upstream", "observe_after_kill_s": 75}' ;;
    nginx-1-10s) echo '{"upstreams": 3, "max_fails": "1 (default)", "fail_timeout_s": "10 (default)", "kill": "SIGKILL one upstream", "observe_after_kill_s": 75}' ;;
    nginx-1-10s-stop) echo '{"upstreams": 3, "max_fails": "1 (default)", "fail_timeout_s": "10 (default)", "proxy_connect_timeout": "1s", "proxy_read_timeout": "2s", "kill": "SIGSTOP one upstream (frozen, accepts TCP but never answers)", "observe_after_kill_s": 75}' ;;
    *) return 1 ;;
  esac
}

# run_case_once CASE: the body of one run; RUN_DIR and RUN_TMP are set by the caller.
run_case_once() {
  case $1 in
    sentinel-5000) case_sentinel 5000 60000 60 ;;
    sentinel-default) case_sentinel "" "" 90 ;;
    cluster-5000) case_cluster 5000 60 ;;
    cluster-default) case_cluster "" 60 ;;
    patroni) case_patroni 150 ;;
    nginx-3-30s) case_nginx 3 30s kill ;;
    nginx-1-10s) case_nginx "" "" kill ;;
    nginx-1-10s-stop) case_nginx "" "" stop ;;
  esac
}

cleanup() {
  # Cases that keep logs inside RUN_TMP (written by other users) copy them out first.
  if [[ -n ${COLLECT_HOOK:-} ]]; then "$COLLECT_HOOK" || true; fi
  COLLECT_HOOK=""
  stop_all
  [[ -n ${RUN_TMP:-} && -d $RUN_TMP ]] && rm -rf "$RUN_TMP"
  RUN_TMP=""
}

main() {
  [[ $# -ge 1 ]] || usage
  local case_arg=$1
  shift
  local runs=5 out="" check=0 update=0
  while (($#)); do
    case $1 in
      --runs) runs=$2; shift 2 ;;
      --out) out=$2; shift 2 ;;
      --check) check=1; shift ;;
      --update-measured) update=1; shift ;;
      *) usage ;;
    esac
  done
  local cases=()
  if [[ $case_arg == all ]]; then
    cases=("${ALL_CASES[@]}")
    ((check)) || update=1
  else
    settings_json "$case_arg" >/dev/null || usage
    cases=("$case_arg")
  fi
  ((check)) && update=0
  [[ -n $out ]] || out=$(mktemp -d /tmp/failover-lab-out.XXXXXX)
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  "$LAB_DIR/install.sh"

  trap cleanup EXIT
  trap 'cleanup; exit 130' INT TERM
  local c n case_dirs=()
  for c in "${cases[@]}"; do
    local case_dir="$out/$c"
    mkdir -p "$case_dir"
    settings_json "$c" >"$case_dir/settings.json"
    case_dirs+=("$case_dir")
    for ((n = 1; n <= runs; n++)); do
      RUN_DIR="$case_dir/run-$(printf %02d "$n")"
      rm -rf "$RUN_DIR"
      mkdir -p "$RUN_DIR"
      RUN_TMP=$(mktemp -d /tmp/failover-lab.XXXXXX)
      chmod 755 "$RUN_TMP"
      write_meta "$RUN_DIR" "case=$c" "run=$n" "start_time=$(now)"
      log "== $c run $n/$runs -> $RUN_DIR"
      if ! run_case_once "$c"; then
        write_meta "$RUN_DIR" "error=set-up or run failed, see the logs in $RUN_DIR"
      fi
      cleanup
      write_meta "$RUN_DIR" "end_time=$(now)"
      "$PY" "$LAB_DIR/summarise.py" run "$RUN_DIR" || true
    done
    "$PY" "$LAB_DIR/summarise.py" case "$case_dir" || true
  done
  log "results in $out"
  if ((update)); then
    local cmd="experiments/failover-lab/run.sh $case_arg --runs $runs"
    "$PY" "$LAB_DIR/summarise.py" measured "$LAB_DIR/measured.json" "${case_dirs[@]}" --command "$cmd"
  fi
  if ((check)); then
    local rc=0
    for c in "${cases[@]}"; do
      "$PY" "$LAB_DIR/summarise.py" check "$out/$c" "$LAB_DIR/measured.json" || rc=1
    done
    return $rc
  fi
}

main "$@"
