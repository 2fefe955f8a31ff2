#!/usr/bin/env bash
# Installs what capsim needs from Debian 12's packages, and nothing when it is all there already.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libsimgrid-dev          # the discrete-event engine
  libboost-graph-dev      # topology graph analysis
  nlohmann-json3-dev      # every input and output
  libyaml-cpp-dev         # capsim import: compose files and Kubernetes YAML
  catch2                  # tests (v2)
  clang-tidy clang-format # static checks in scripts/test.sh
  libcli11-dev libfmt-dev # command line, formatting
  libvalijson-dev         # JSON Schema checks in tests
  libopenmpi-dev openmpi-bin  # optional: capsim plan --mpi, and its test under mpirun
  graphviz                # `dot` checks the output of `capsim graph` in tests
  chromium                # tests render `capsim report` in headless Chromium
  jupyter-nbconvert python3-pandas python3-matplotlib python3-ipykernel  # notebooks/, run by tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
