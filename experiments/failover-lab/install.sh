#!/usr/bin/env bash
# Installs the Debian 12 packages the failover lab needs, and nothing when they are all there already.
# The packaged system services (redis, postgresql, etcd, pgbouncer, nginx) are not used: the lab starts
# its own instances on 127.0.0.1:17000-17999 with data dirs under a temp dir. If apt starts the packaged
# services, they are stopped and disabled again so that they hold no ports and no CPU.
set -euo pipefail

packages=(
  redis-server redis-sentinel redis-tools   # Redis 7.0 master/replicas, Sentinel, redis-cli
  postgresql-15 postgresql-client-15        # the Postgres pair managed by Patroni
  patroni python3-etcd                      # Patroni 3.0.x; python-etcd is imported by its etcd/etcd3 DCS modules
  etcd-server etcd-client                   # the single-node DCS
  pgbouncer                                 # the transaction pooler in front of the Patroni pair
  nginx                                     # the proxy for the nginx upstream cases
  python3-redis python3-psycopg2            # the clients
  procps iproute2 curl                      # ps (pid lookups), ss (port checks), curl (health checks)
)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "failover-lab: installing ${missing[*]}" >&2
$sudo apt-get update -qq
# policy-rc.d exit 101 keeps dpkg from starting the packaged services at all (where invoke-rc.d is used);
# it is removed again right after the install.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  made_policy=1
fi
trap '[[ $made_policy == 1 ]] && $sudo rm -f "$policy"' EXIT
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2

# Belt and braces: if a service manager exists and started the packaged daemons anyway, stop and disable them.
services=(redis-server redis-sentinel postgresql etcd pgbouncer nginx patroni)
if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
  for s in "${services[@]}"; do
    $sudo systemctl disable --now "$s" >/dev/null 2>&1 || true
  done
elif command -v service >/dev/null; then
  for s in "${services[@]}"; do
    $sudo service "$s" stop >/dev/null 2>&1 || true
  done
fi
