#!/usr/bin/env bash
# The plugin's main job on bundled data, run through qgis_process exactly as a user would.
# Installs what it needs first. Usage: scripts/demo.sh [OUTPUT_FOLDER]   (default ./palsar2-demo)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
source scripts/env.sh
OUT=$(mkdir -p "${1:-$ROOT/palsar2-demo}" && cd "${1:-$ROOT/palsar2-demo}" && pwd)

# A private QGIS profile in which the plugin is installed and enabled (the user's profile is untouched).
QGIS_HOME=$(mktemp -d /tmp/palsar2-qgis.XXXXXX)
trap 'rm -rf "$QGIS_HOME"' EXIT
mkdir -p "$QGIS_HOME/plugins" "$QGIS_HOME/profile"
ln -s "$ROOT" "$QGIS_HOME/plugins/palsar2_scansar"
export QGIS_PLUGINPATH="$QGIS_HOME/plugins" QGIS_CUSTOM_CONFIG_PATH="$QGIS_HOME/profile"
"$QGIS_PROCESS" plugins enable palsar2_scansar >/dev/null

echo "== JAXA's free disaster-event scenes (Taiwan 2024, Noto 2024, Turkey-Syria 2023)"
"$QGIS_PROCESS" run palsar2:eventscenes -- EVENT=0 OUTPUT="$OUT/event_scenes.gpkg" >/dev/null
echo "Results are in $OUT"
echo "  event scene list: $OUT/event_scenes.gpkg"
