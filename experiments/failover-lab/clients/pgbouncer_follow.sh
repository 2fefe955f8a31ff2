#!/usr/bin/env bash
# Patroni callback (postgresql.callbacks.on_role_change): when this node becomes the primary, point
# PgBouncer's [databases] entry at this node's Postgres and RELOAD PgBouncer through its admin console.
# Patroni runs it as: pgbouncer_follow.sh NODE_PORT PGB_DIR PGB_PORT <action> <role> <cluster name>
set -euo pipefail
node_port=$1 pgb_dir=$2 pgb_port=$3 action=$4 role=$5 scope=${6:-}

stamp() { printf '%s %s\n' "$(date +%s.%N)" "$*" >>"$pgb_dir/callback.log"; }
stamp "$action $role $scope (callback of the node on port $node_port)"

# Patroni 3.0 calls the primary role "master" (newer releases say "primary"); accept both.
if [[ $action == on_role_change && ($role == master || $role == primary) ]]; then
  sed -i "s/^lab = .*/lab = host=127.0.0.1 port=$node_port dbname=postgres/" "$pgb_dir/pgbouncer.ini"
  if timeout 10 psql -X -q -h 127.0.0.1 -p "$pgb_port" -U postgres -d pgbouncer -c RELOAD >>"$pgb_dir/callback.log" 2>&1; then
    stamp "RELOAD done (lab -> 127.0.0.1:$node_port)"
  else
    stamp "RELOAD failed"
  fi
fi
