#!/usr/bin/env bash
# The main job on the bundled defaults: install, build, validate the bundled inputs, and plan the
# VoiceAssist system month by month over its growth curve (cheapest setup meeting the SLO with
# headroom and N+1, cost table, changes, capacity runway). Artefacts, with report.html, go to
# out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target capsim -j "$(nproc)" >/dev/null
# Every bundled input must read cleanly (warnings, such as single points of failure, are fine).
if ! log=$(build/release/capsim validate topologies/*.json experiments/*.json 2>&1); then
  echo "$log" >&2
  exit 1
fi
echo "validated $(ls topologies/*.json experiments/*.json | wc -l) bundled inputs"
# The plan of VoiceAssist over its growth curve: setups, costs, changes, runway; and its report.
build/release/capsim plan topologies/voiceassist.json \
  --traffic experiments/voiceassist-growth.json --out out/demo --report "$@"
