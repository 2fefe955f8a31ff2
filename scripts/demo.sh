#!/usr/bin/env bash
# The main job on the bundled defaults: install, build, validate the bundled inputs, and simulate the
# VoiceAssist system at the peak of the last month of its growth curve. Artefacts go to out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target capsim -j "$(nproc)" >/dev/null
build/release/capsim validate topologies/*.json experiments/*.json
build/release/capsim simulate topologies/voiceassist.json \
  --traffic experiments/voiceassist-growth.json --at 2027-06 --duration 10m --out out/demo "$@"
