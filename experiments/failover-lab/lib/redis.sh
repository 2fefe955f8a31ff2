# Redis Sentinel and Redis Cluster cases (sourced by run.sh).

REDIS_PORTS=(17001 17002 17003)        # master + 2 replicas (Sentinel cases)
SENTINEL_PORTS=(17011 17012 17013)
CLUSTER_PORTS=(17101 17102 17103 17104 17105 17106)
# Redis would put the cluster bus on port+10000 (outside our range), so cluster-port sets it explicitly.
cluster_bus_port() { echo $(($1 + 100)); }

rcli() { timeout 5 redis-cli -h 127.0.0.1 -p "$@"; }

# redis_conf PORT DIR LOGFILE -> common lines of every redis.conf; everything else stays at its default.
redis_conf() {
  cat <<CONF
port $1
bind 127.0.0.1
daemonize no
dir $2
logfile $3
pidfile $2/redis.pid
CONF
}

start_redis() {  # start_redis NAME CONF LIFETIME
  start_bg "$1" "$3" "$RUN_DIR/$1.stdout" redis-server "$2"
}

redis_pid() { cat "$RUN_TMP/r$1/redis.pid"; }

replication_up() {  # replication_up MASTER_PORT N_REPLICAS
  rcli "$1" info replication | tr -d '\r' | grep -q "^connected_slaves:$2" || return 1
  local p
  for p in "${@:3}"; do
    rcli "$p" info replication | tr -d '\r' | grep -q '^master_link_status:up' || return 1
  done
}

sentinels_ready() {  # every sentinel knows the 2 replicas and the 2 other sentinels
  local p info
  for p in "${SENTINEL_PORTS[@]}"; do
    info=$(rcli "$p" sentinel master lab | tr -d '\r' | paste - -) || return 1
    grep -qP '^num-slaves\t2$' <<<"$info" || return 1
    grep -qP '^num-other-sentinels\t2$' <<<"$info" || return 1
    grep -qP '^flags\tmaster$' <<<"$info" || return 1
  done
}

writer_has_acks() {  # writer_has_acks LOGFILE N : at least N acknowledged writes so far
  [[ -s $1 ]] && (($(grep -c $'\tok\t' "$1") >= $2))
}

# stop_writer: SIGTERM makes the writer stop, read back every acknowledged write and write verify.json.
stop_writer() {
  local pid
  pid=$(<"$RUN_TMP/pids/writer.pid")
  kill -TERM -- "-$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "writer did not finish its read-back within 30 s"
}

# case_sentinel DOWN_AFTER_MS FAILOVER_TIMEOUT_MS MAX_AFTER_KILL_S ; empty values keep Sentinel's defaults.
case_sentinel() {
  local down_after=$1 failover_timeout=$2 max_after=$3
  local life=$((STEADY_S + max_after + 120))
  require_free_ports "${REDIS_PORTS[@]}" "${SENTINEL_PORTS[@]}"
  local master=${REDIS_PORTS[0]} p i=0
  for p in "${REDIS_PORTS[@]}"; do
    mkdir -p "$RUN_TMP/r$p"
    {
      redis_conf "$p" "$RUN_TMP/r$p" "$RUN_DIR/redis-$p.log"
      [[ $p != "$master" ]] && echo "replicaof 127.0.0.1 $master"
    } >"$RUN_TMP/r$p/redis.conf"
    start_redis "redis-$p" "$RUN_TMP/r$p/redis.conf" "$life"
  done
  for p in "${REDIS_PORTS[@]}"; do wait_until 10 "redis $p" rcli "$p" ping; done
  wait_until 30 "replication" replication_up "$master" 2 "${REDIS_PORTS[@]:1}" || return 1

  for p in "${SENTINEL_PORTS[@]}"; do
    mkdir -p "$RUN_TMP/s$p"
    {
      echo "port $p"
      echo "bind 127.0.0.1"
      echo "daemonize no"
      echo "dir $RUN_TMP/s$p"
      echo "logfile $RUN_DIR/sentinel-$p.log"
      echo "sentinel monitor lab 127.0.0.1 $master 2"
      [[ -n $down_after ]] && echo "sentinel down-after-milliseconds lab $down_after"
      [[ -n $failover_timeout ]] && echo "sentinel failover-timeout lab $failover_timeout"
    } >"$RUN_TMP/s$p/sentinel.conf"   # Sentinel rewrites its config file, so each gets its own copy
    start_bg "sentinel-$p" "$life" "$RUN_DIR/sentinel-$p.stdout" redis-sentinel "$RUN_TMP/s$p/sentinel.conf"
  done
  wait_until 40 "sentinels discover each other and the replicas" sentinels_ready || return 1
  local sentinel_addrs
  sentinel_addrs=$(printf '127.0.0.1:%s,' "${SENTINEL_PORTS[@]}")
  start_bg writer "$life" "$RUN_DIR/writer.stderr" "$PY" "$LAB_DIR/clients/redis_writer.py" \
    --mode sentinel --nodes "${sentinel_addrs%,}" --log "$RUN_DIR/writes.tsv" --verify "$RUN_DIR/verify.json"
  wait_until 15 "first writes" writer_has_acks "$RUN_DIR/writes.tsv" 10 || return 1
  sleep "$STEADY_S"

  local victim_pid kill_t
  victim_pid=$(redis_pid "$master")
  kill -KILL "$victim_pid"
  kill_t=$(now)   # taken right after kill(2) returned: the victim is gone from here on
  write_meta "$RUN_DIR" "kill_time=$kill_t" "victim=127.0.0.1:$master" "victim_pid=$victim_pid" \
    "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  log "killed master 127.0.0.1:$master (pid $victim_pid)"
  wait_recovered "$RUN_DIR" "$max_after" 5
  # A last look at what each sentinel believes, for the desync check.
  for p in "${SENTINEL_PORTS[@]}"; do
    echo "sentinel $p: $(rcli "$p" sentinel get-master-addr-by-name lab | paste -sd: -)"
  done >"$RUN_DIR/final-state.txt" 2>&1 || true
  stop_writer
}

cluster_nodes_ok() {  # all 6 nodes: state ok, 16384 slots ok, 6 known nodes, every replica linked
  local p info
  for p in "${CLUSTER_PORTS[@]}"; do
    info=$(rcli "$p" cluster info | tr -d '\r') || return 1
    grep -q '^cluster_state:ok' <<<"$info" || return 1
    grep -q '^cluster_slots_ok:16384' <<<"$info" || return 1
    grep -q '^cluster_known_nodes:6' <<<"$info" || return 1
    if rcli "$p" info replication | tr -d '\r' | grep -q '^role:slave'; then
      rcli "$p" info replication | tr -d '\r' | grep -q '^master_link_status:up' || return 1
    fi
  done
}

# case_cluster NODE_TIMEOUT_MS MAX_AFTER_KILL_S ; empty keeps cluster-node-timeout's default (15000).
case_cluster() {
  local node_timeout=$1 max_after=$2
  local life=$((STEADY_S + max_after + 120))
  local p bus=()
  for p in "${CLUSTER_PORTS[@]}"; do bus+=("$(cluster_bus_port "$p")"); done
  require_free_ports "${CLUSTER_PORTS[@]}" "${bus[@]}"
  for p in "${CLUSTER_PORTS[@]}"; do
    mkdir -p "$RUN_TMP/r$p"
    {
      redis_conf "$p" "$RUN_TMP/r$p" "$RUN_DIR/redis-$p.log"
      echo "cluster-enabled yes"
      echo "cluster-port $(cluster_bus_port "$p")"
      echo "cluster-config-file $RUN_TMP/r$p/nodes.conf"
      [[ -n $node_timeout ]] && echo "cluster-node-timeout $node_timeout"
    } >"$RUN_TMP/r$p/redis.conf"
    start_redis "redis-$p" "$RUN_TMP/r$p/redis.conf" "$life"
  done
  for p in "${CLUSTER_PORTS[@]}"; do wait_until 10 "redis $p" rcli "$p" ping; done
  local addrs=()
  for p in "${CLUSTER_PORTS[@]}"; do addrs+=("127.0.0.1:$p"); done
  timeout 60 redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes \
    >"$RUN_DIR/cluster-create.log" 2>&1 || { log "cluster create failed"; return 1; }
  wait_until 60 "cluster ok on all nodes, replicas linked" cluster_nodes_ok || return 1
  rcli "${CLUSTER_PORTS[0]}" cluster nodes >"$RUN_DIR/cluster-nodes-before.txt"

  # The victim is the master that owns slot 0; its slot ranges tell which writes it served.
  local line victim_port victim_id victim_slots
  line=$(awk '$3 ~ /master/ { for (i = 9; i <= NF; i++) { split($i, r, "-"); if (r[1] == "0") print } }' \
    "$RUN_DIR/cluster-nodes-before.txt" | head -1)
  victim_id=$(awk '{print $1}' <<<"$line")
  victim_port=$(awk '{split($2, a, "[:@]"); print a[2]}' <<<"$line")
  victim_slots=$(awk '{s = ""; for (i = 9; i <= NF; i++) s = s (s ? "," : "") $i; print s}' <<<"$line")
  [[ -n $victim_port ]] || { log "could not find the master of slot 0"; return 1; }

  start_bg writer "$life" "$RUN_DIR/writer.stderr" "$PY" "$LAB_DIR/clients/redis_writer.py" \
    --mode cluster --nodes "$(IFS=,; echo "${addrs[*]}")" --log "$RUN_DIR/writes.tsv" --verify "$RUN_DIR/verify.json"
  wait_until 15 "first writes" writer_has_acks "$RUN_DIR/writes.tsv" 10 || return 1
  sleep "$STEADY_S"

  local victim_pid kill_t
  victim_pid=$(redis_pid "$victim_port")
  kill -KILL "$victim_pid"
  kill_t=$(now)   # taken right after kill(2) returned: the victim is gone from here on
  write_meta "$RUN_DIR" "kill_time=$kill_t" "victim=127.0.0.1:$victim_port" "victim_pid=$victim_pid" \
    "victim_id=$victim_id" "victim_slots=$victim_slots" "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  log "killed master 127.0.0.1:$victim_port (pid $victim_pid, slots $victim_slots)"
  wait_recovered "$RUN_DIR" "$max_after" 5
  for p in "${CLUSTER_PORTS[@]}"; do
    [[ $p == "$victim_port" ]] && continue
    rcli "$p" cluster nodes >"$RUN_DIR/cluster-nodes-after.txt" 2>/dev/null && break
  done
  stop_writer
}
