#!/usr/bin/env bash
# Runs every bundled system through simulate, drill, plan and compare with a fixed seed and writes
# each run directory under OUT. A refactoring must leave these outputs byte-identical (wall times
# aside): run it before and after, then `scripts/bundled-runs.sh --diff BEFORE AFTER`.
#   scripts/bundled-runs.sh OUT [CAPSIM]      (CAPSIM: default build/release/capsim)
#   scripts/bundled-runs.sh --diff BEFORE AFTER
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --diff ]]; then
  before=$2 after=$3 status=0
  # Wall times and the command line as typed differ from run to run; nothing else may.
  # The run directory's own path shows in some outputs (the report's footer).
  mask() {
    sed -E -e 's/"(wall_seconds|elapsed_s|wall_s|seconds_wall)": [0-9.e+-]+/"\1": 0/g' \
      -e 's/in [0-9.]+ s$/in 0 s/' -e "s#($before|$after)/#OUT/#g" "$1"
  }
  while IFS= read -r f; do
    rel=${f#"$before"/}
    if [[ ! -f $after/$rel ]]; then echo "missing after: $rel"; status=1; continue; fi
    if ! cmp -s <(mask "$f") <(mask "$after/$rel"); then echo "differs: $rel"; status=1; fi
  done < <(find "$before" -type f \( -name '*.json' -o -name '*.csv' -o -name '*.md' -o -name '*.txt' -o -name '*.html' \) | sort)
  [[ $status == 0 ]] && echo "identical: $(find "$before" -type f | wc -l) files"
  exit $status
fi

out=${1:?usage: scripts/bundled-runs.sh OUT [CAPSIM]}
capsim=${2:-build/release/capsim}
mkdir -p "$out"
common=(--seed 7 --replications 2 --jobs 2 --quiet)

run() {  # run NAME capsim-args...: stdout to NAME/stdout.txt, exit status to NAME/status.txt
  local name=$1; shift
  rm -rf "${out:?}/$name"
  local status=0
  "$capsim" "$@" --out "$out/$name" >"$out/$name.stdout.txt" 2>/dev/null || status=$?
  mkdir -p "$out/$name"
  mv "$out/$name.stdout.txt" "$out/$name/stdout.txt"
  echo "$status" >"$out/$name/status.txt"
  echo "$name: exit $status"
}

for system in voiceassist cahoots cahoots-sentinel insurance-leads saveit voice-health; do
  traffic=experiments/${system%-sentinel}-traffic.json
  [[ $system == voiceassist ]] && traffic=experiments/voiceassist-growth.json
  slo=experiments/${system%-sentinel}-slo.json
  [[ $system == voiceassist ]] && slo=experiments/slo-default.json
  run "simulate-$system" simulate "topologies/$system.json" --traffic "$traffic" --slo "$slo" \
    --duration 2m --warmup 30s "${common[@]}"
done
run simulate-voiceassist-day simulate topologies/voiceassist.json \
  --traffic experiments/voiceassist-growth.json --profile day --duration 2h "${common[@]}"
run simulate-saveit-rps simulate topologies/saveit.json --rps 660 --duration 1m "${common[@]}"

drill() {  # drill TOPOLOGY SCENARIO TRAFFIC SLO [--at P]
  local topology=$1 scenario=$2 traffic=$3 slo=$4; shift 4
  run "drill-$(basename "$scenario" .json)" drill "topologies/$topology.json" \
    --scenario "experiments/$scenario.json" --traffic "experiments/$traffic.json" \
    --slo "experiments/$slo.json" "$@" "${common[@]}"
}
drill voiceassist voiceassist-pg-primary-loss voiceassist-growth slo-default --at 2027-01
drill voiceassist-two-zones voiceassist-zone-a-loss voiceassist-growth slo-default --at 2027-01
drill cahoots-sentinel cahoots-redis-master-loss cahoots-traffic cahoots-slo
drill cahoots cahoots-redis-cluster-master-loss cahoots-traffic cahoots-slo
drill insurance-leads insurance-leads-worker-loss insurance-leads-traffic insurance-leads-slo
drill insurance-leads insurance-leads-api-loss insurance-leads-traffic insurance-leads-slo
drill saveit saveit-backend-pod-loss saveit-traffic saveit-slo
drill voice-health voice-health-ml-loss voice-health-traffic voice-health-slo
drill voice-health voice-health-backend-loss voice-health-traffic voice-health-slo

run plan-voiceassist plan topologies/voiceassist.json --traffic experiments/voiceassist-growth.json \
  --seed 7 --jobs 2 --quiet
run plan-voiceassist-12 plan topologies/voiceassist.json \
  --traffic experiments/voiceassist-growth.json --horizon 12 --no-drills --seed 7 --jobs 2 --quiet
run compare-voiceassist compare topologies/voiceassist.json topologies/voiceassist-no-pgbouncer.json \
  topologies/voiceassist-redis-cluster.json --traffic experiments/voiceassist-growth.json \
  --at 2027-02 --seed 7 --jobs 2 --quiet
for f in topologies/*.json; do
  name=$(basename "$f" .json)
  mkdir -p "$out/graph-$name"
  "$capsim" graph "$f" --format json >"$out/graph-$name/stdout.txt" 2>&1 || true
done
for name in simulate-voiceassist drill-voiceassist-pg-primary-loss plan-voiceassist; do
  "$capsim" report "$out/$name" --quiet >/dev/null 2>&1 || echo "report of $name failed" >&2
done
"$capsim" validate topologies/*.json experiments/*.json >"$out/validate.txt" 2>&1 || true
for f in tests/fixtures/bad/*.json; do
  "$capsim" validate "$f" >>"$out/validate-bad.txt" 2>&1 || true
done
