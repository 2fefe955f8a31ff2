#!/usr/bin/env bash
# Executes notebooks/NAME.ipynb headless against the bundled run tests/fixtures/runs/NAME and checks
# that it wrote every figure named: OUT_DIR/figures/FIGURE.png, each a real PNG image.
# Debian's Python runs it (jupyter-nbconvert, python3-pandas, python3-matplotlib, python3-ipykernel
# from scripts/install-deps.sh), whatever python3 comes first on PATH.
# usage: tests/run-notebook.sh NAME OUT_DIR FIGURE...
set -euo pipefail
name=$1 out=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3
export PYDEVD_DISABLE_FILE_VALIDATION=1  # ipykernel's debugger notes about frozen modules
rm -rf "$out"
mkdir -p "$out/figures"
CAPSIM_RUN="$root/tests/fixtures/runs/$name" CAPSIM_FIGURES="$out/figures" \
  "$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=120 \
  --ExecutePreprocessor.kernel_name=python3 --output-dir "$out" "$root/notebooks/$name.ipynb"
"$python" - "$out/figures" "$@" <<'PY'
import struct, sys
from pathlib import Path
figures, names = Path(sys.argv[1]), sys.argv[2:]
for name in names:
    path = figures / f"{name}.png"
    if not path.is_file():
        sys.exit(f"{path}: not written")
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG image")
    width, height = struct.unpack(">II", head[16:24])
    if width < 300 or height < 200:
        sys.exit(f"{path}: {width}x{height} pixels, too small for a chart")
    print(f"{path}: {width}x{height}")
print(f"{len(names)} figures written")
PY
