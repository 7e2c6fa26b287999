#!/usr/bin/env bash
# Runs the whole test suite inside a real, headless QGIS (pytest-qgis). Installs what it needs first.
# Extra arguments go to pytest, e.g.  scripts/test.sh tests/core/test_events.py -k noto
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
source scripts/env.sh
exec "$ROOT/.venv/bin/python" -m pytest --qgis_disable_gui -p no:cacheprovider "$@"
