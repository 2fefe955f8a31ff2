#!/usr/bin/env bash
# Every test: install, build (release), run the whole suite through ctest and clang-tidy's checks;
# then the unit tests again under AddressSanitizer + UBSan (the dev preset; the long validation
# runs are left to the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs="$(nproc)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
(cd build/release && ctest --output-on-failure -j "$jobs")
# Static checks (.clang-tidy) over every source of the layers; a finding fails the run.
run-clang-tidy -p build/release -quiet -j "$jobs" \
  "$PWD/(core|config|import|sim|models|analysis|plan|runs|output|cli)/.*\.cpp$" >build/clang-tidy.log 2>&1 ||
  { grep -E "error:|warning:" build/clang-tidy.log >&2; echo "clang-tidy: findings above" >&2; exit 1; }
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
(cd build/dev && ctest --output-on-failure -j "$jobs" -E '^validation/')
