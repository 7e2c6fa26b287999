#!/usr/bin/env bash
# Runs the whole test suite inside a real, headless QGIS (pytest-qgis). Installs what it needs first.
# Extra arguments go to pytest, e.g.  scripts/test.sh tests/core/test_events.py -k noto
# --fast (first argument): leave out the tests marked slow (Dask clusters, qgis_process, simulations,
# fuzzing, remote reads): the lane to live in while developing; .ci/run runs everything.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
source scripts/env.sh
FAST=()
if [ "${1:-}" = "--fast" ]; then
    shift
    FAST=(-m "not slow")
fi
exec "$ROOT/.venv/bin/python" -m pytest --qgis_disable_gui -p no:cacheprovider "${FAST[@]}" "$@"
