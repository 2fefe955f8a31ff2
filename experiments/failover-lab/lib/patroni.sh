# Patroni case (sourced by run.sh): single-node etcd as DCS, two Postgres 15 nodes under Patroni 3.0,
# PgBouncer (transaction pooling) in front, repointed by Patroni's on_role_change callback.

ETCD_CLIENT_PORT=17301
ETCD_PEER_PORT=17302
PG_PORTS=(17311 17312)
PATRONI_REST_PORTS=(17321 17322)
PGBOUNCER_PORT=17331
PG_BIN=/usr/lib/postgresql/15/bin

# Postgres, Patroni and PgBouncer refuse to run as root: run them as the Debian "postgres" user.
# setpriv execs (unlike runuser/su, which fork), so the recorded pid's group holds the real process.
AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups)

http_ok() { curl -fsS -m 2 -o /dev/null "$1"; }

patroni_conf() {  # patroni_conf NAME PG_PORT REST_PORT
  local name=$1 pg_port=$2 rest_port=$3
  cat <<YAML
scope: lab
name: $name
log:
  level: INFO
  # milliseconds, so that the events line up with the other logs
  format: '%(asctime)s.%(msecs)03d %(levelname)s: %(message)s'
  dateformat: '%Y-%m-%d %H:%M:%S'
restapi:
  listen: 127.0.0.1:$rest_port
  connect_address: 127.0.0.1:$rest_port
etcd3:
  host: 127.0.0.1:$ETCD_CLIENT_PORT
bootstrap:
  dcs:
    # Patroni's defaults, written out because they are what is measured
    ttl: 30
    loop_wait: 10
    retry_timeout: 10
    maximum_lag_on_failover: 1048576
    synchronous_mode: false
    postgresql:
      use_pg_rewind: false
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 5
        max_replication_slots: 5
  initdb:
  - encoding: UTF8
  pg_hba:
  - local all all trust
  - host all all 127.0.0.1/32 trust
  - host replication all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$pg_port
  connect_address: 127.0.0.1:$pg_port
  data_dir: $RUN_TMP/$name/data
  bin_dir: $PG_BIN
  pgpass: $RUN_TMP/$name/pgpass
  authentication:
    superuser: {username: postgres, password: lab}
    replication: {username: replicator, password: lab}
  parameters:
    unix_socket_directories: $RUN_TMP/$name
    logging_collector: "on"
    log_directory: $RUN_TMP/$name/log
    log_filename: postgresql.log
    log_line_prefix: '%m [%p] '
    log_timezone: UTC
  callbacks:
    on_role_change: $LAB_DIR/clients/pgbouncer_follow.sh $pg_port $RUN_TMP/pgb $PGBOUNCER_PORT
tags: {}
YAML
}

# Postgres/PgBouncer logs are written as "postgres" inside RUN_TMP; copy them into RUN_DIR before cleanup.
collect_patroni_logs() {
  local n pm
  for n in node1 node2; do
    # Postmasters live in their own session; make sure cleanup kills them even if Patroni cannot.
    pm=$(postmaster_pgid "$n") && [[ -n $pm ]] && echo "$pm" >"$RUN_TMP/pids/postmaster-$n.extra"
    [[ -d $RUN_TMP/$n/log ]] && mkdir -p "$RUN_DIR/pg-$n" && cp -p "$RUN_TMP/$n/log/"*.log "$RUN_DIR/pg-$n/" 2>/dev/null
  done
  [[ -f $RUN_TMP/pgb/callback.log ]] && cp "$RUN_TMP/pgb/callback.log" "$RUN_DIR/"
  [[ -f $RUN_TMP/pgb/pgbouncer.ini ]] && cp "$RUN_TMP/pgb/pgbouncer.ini" "$RUN_DIR/pgbouncer-final.ini"
  return 0
}

pg_streaming() {
  [[ $(psql -X -Atq -h 127.0.0.1 -p "$1" -U postgres -d postgres \
    -c "select count(*) from pg_stat_replication where state = 'streaming'" 2>/dev/null) == 1 ]]
}

postmaster_pid() { head -1 "$RUN_TMP/$1/data/postmaster.pid" 2>/dev/null; }
# Patroni starts the postmaster from a helper that setsid()s and exits, so the postmaster's process
# group id is the (gone) helper's pid, not the postmaster's own.
postmaster_pgid() {
  local pm
  pm=$(postmaster_pid "$1") && [[ -n $pm ]] && ps -o pgid= -p "$pm" | tr -d ' '
}

# case_patroni MAX_AFTER_KILL_S
case_patroni() {
  local max_after=$1
  local life=$((STEADY_S + max_after + 180))
  require_free_ports $ETCD_CLIENT_PORT $ETCD_PEER_PORT "${PG_PORTS[@]}" "${PATRONI_REST_PORTS[@]}" $PGBOUNCER_PORT
  COLLECT_HOOK=collect_patroni_logs

  start_bg etcd "$life" "$RUN_DIR/etcd.log" etcd --name lab --data-dir "$RUN_TMP/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "lab=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new
  wait_until 20 "etcd" http_ok "http://127.0.0.1:$ETCD_CLIENT_PORT/health" || return 1
  # etcdctl prints PUT/DELETE for every change of the leader key; tslog stamps each line on arrival.
  start_bg etcd-watch "$life" "$RUN_DIR/etcd-watch.log" bash -c \
    "ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:$ETCD_CLIENT_PORT watch /service/lab/leader | $PY -u $LAB_DIR/clients/tslog.py"

  local i name
  mkdir -p "$RUN_TMP/pgb"
  for i in 0 1; do
    name=node$((i + 1))
    mkdir -p "$RUN_TMP/$name/log"
    patroni_conf "$name" "${PG_PORTS[$i]}" "${PATRONI_REST_PORTS[$i]}" >"$RUN_TMP/$name/patroni.yml"
  done
  chown -R postgres:postgres "$RUN_TMP/node1" "$RUN_TMP/node2" "$RUN_TMP/pgb"
  # node1 bootstraps (initdb) and becomes the leader; node2 then clones it with pg_basebackup.
  start_bg patroni-node1 "$life" "$RUN_DIR/patroni-node1.log" "${AS_POSTGRES[@]}" patroni "$RUN_TMP/node1/patroni.yml"
  wait_until 90 "node1 leader" http_ok "http://127.0.0.1:${PATRONI_REST_PORTS[0]}/primary" || return 1
  start_bg patroni-node2 "$life" "$RUN_DIR/patroni-node2.log" "${AS_POSTGRES[@]}" patroni "$RUN_TMP/node2/patroni.yml"
  wait_until 90 "node2 replica" http_ok "http://127.0.0.1:${PATRONI_REST_PORTS[1]}/replica" || return 1
  wait_until 30 "streaming replication" pg_streaming "${PG_PORTS[0]}" || return 1
  psql -X -q -h 127.0.0.1 -p "${PG_PORTS[0]}" -U postgres -d postgres \
    -c "create table t (seq bigint primary key, at timestamptz not null default clock_timestamp())" || return 1

  # PgBouncer: transaction pooling, everything else at its defaults (server_login_retry 15 s, ...).
  cat >"$RUN_TMP/pgb/pgbouncer.ini" <<INI
[databases]
lab = host=127.0.0.1 port=${PG_PORTS[0]} dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir = $RUN_TMP/pgb
auth_type = trust
auth_file = $RUN_TMP/pgb/userlist.txt
admin_users = postgres
pool_mode = transaction
pidfile = $RUN_TMP/pgb/pgbouncer.pid
INI
  echo '"postgres" "lab"' >"$RUN_TMP/pgb/userlist.txt"
  chown -R postgres:postgres "$RUN_TMP/pgb"
  start_bg pgbouncer "$life" "$RUN_DIR/pgbouncer.log" "${AS_POSTGRES[@]}" pgbouncer "$RUN_TMP/pgb/pgbouncer.ini"
  wait_until 15 "pgbouncer" psql -X -q -h 127.0.0.1 -p $PGBOUNCER_PORT -U postgres -d lab -c "select 1" || return 1

  start_bg writer "$life" "$RUN_DIR/writer.stderr" "$PY" "$LAB_DIR/clients/pg_writer.py" \
    --dsn "host=127.0.0.1 port=$PGBOUNCER_PORT dbname=lab user=postgres" \
    --primaries "127.0.0.1:${PG_PORTS[0]},127.0.0.1:${PG_PORTS[1]}" \
    --log "$RUN_DIR/writes.tsv" --verify "$RUN_DIR/verify.json"
  wait_until 15 "first writes" writer_has_acks "$RUN_DIR/writes.tsv" 10 || return 1
  sleep "$STEADY_S"

  # The whole leader "node" dies: Patroni (so the leader key is not released, it has to expire after
  # the TTL) and the postmaster with its backends (its own process group: Patroni setsid()s it).
  local timeout_pid patroni_pid pm_pid pm_pgid kill_t
  timeout_pid=$(<"$RUN_TMP/pids/patroni-node1.pid")
  patroni_pid=$(ps -o pid= --ppid "$timeout_pid" | tr -d ' ' | head -1)
  pm_pid=$(postmaster_pid node1)
  pm_pgid=$(postmaster_pgid node1)
  [[ -n $patroni_pid && -n $pm_pid && -n $pm_pgid ]] || { log "could not find patroni/postmaster pids"; return 1; }
  echo "$pm_pgid" >"$RUN_TMP/pids/postmaster-node1.extra"
  kill -KILL -- "$patroni_pid" "-$pm_pgid" || { log "kill failed"; return 1; }
  kill_t=$(now)
  sleep 0.5   # a SIGKILLed process stays a zombie until reaped; anything else means it survived
  [[ $(ps -o stat= -p "$pm_pid" | tr -d ' ') =~ ^(Z.*)?$ ]] || { log "postmaster $pm_pid survived SIGKILL"; return 1; }
  write_meta "$RUN_DIR" "kill_time=$kill_t" "victim=127.0.0.1:${PG_PORTS[0]}" "victim_node=node1" \
    "victim_pid=$patroni_pid,$pm_pid" "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  log "killed node1: patroni pid $patroni_pid and postmaster $pm_pid's process group $pm_pgid"
  wait_recovered "$RUN_DIR" "$max_after" 5
  stop_writer
  curl -fsS -m 2 "http://127.0.0.1:${PATRONI_REST_PORTS[1]}/cluster" >"$RUN_DIR/patroni-cluster-after.json" 2>/dev/null || true
}
