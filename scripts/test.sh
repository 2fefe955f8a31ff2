#!/usr/bin/env bash
# Every test: install, build (release), run the whole suite through ctest; then the unit tests again
# under AddressSanitizer + UBSan (the dev preset; the long validation runs are left to the release
# build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs="$(nproc)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
(cd build/release && ctest --output-on-failure -j "$jobs")
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
(cd build/dev && ctest --output-on-failure -j "$jobs" -E '^validation/')
