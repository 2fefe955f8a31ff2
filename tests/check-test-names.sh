#!/usr/bin/env bash
# Fails when a test case's name has a ";": catch_discover_tests would split it (a CMake list) and
# the ctest entry would match no test case, running nothing and passing.
set -euo pipefail
bad=$("$1" --list-test-names-only | grep ';' || true)
if [[ -n $bad ]]; then
  echo "test names with \";\" (ctest would run nothing for them):" >&2
  echo "$bad" >&2
  exit 1
fi
echo "$("$1" --list-test-names-only | grep -c .) test names, none with \";\""
