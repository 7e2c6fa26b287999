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

DEM="$ROOT/tests/data/dem/hakone_aster_gdem2_1arcsec.tif"   # ASTER GDEM v2 (METI and NASA), EGM96 heights; see tests/data/README.md

echo "== 1/3 JAXA's free disaster-event scenes (Taiwan 2024, Noto 2024, Turkey-Syria 2023)"
"$QGIS_PROCESS" run palsar2:eventscenes -- EVENT=0 OUTPUT="$OUT/event_scenes.gpkg" >/dev/null

echo "== 2/3 Simulating a 5-beam ScanSAR (WBD) L1.1 CEOS product over the bundled Hakone DEM"
rm -rf "$OUT/l11"
PRODUCT=$(/usr/bin/python3 -m palsar2_plugin.simulate --dem "$DEM" --mode WBD --out "$OUT/l11" \
  --lines 1500 --pixels 500 --gamma0-db HH=-8 HV=-15 --seed 1 --quiet)

echo "== 3/3 Terrain correction (flattening gamma) to a CEOS-ARD NRB product"
rm -rf "$OUT/nrb"
"$QGIS_PROCESS" run palsar2:terraincorrection -- INPUT="$PRODUCT" DEM="$DEM" DEM_HEIGHT_REFERENCE=0 \
  PIXEL_SIZE=50 OUTPUT_FOLDER="$OUT/nrb" >"$OUT/terraincorrection.log" 2>&1 \
  || { cat "$OUT/terraincorrection.log" >&2; exit 1; }

NRB=$(find "$OUT/nrb" -mindepth 1 -maxdepth 1 -type d | head -n 1)
echo
echo "Results are in $OUT"
echo "  event scene list:        $OUT/event_scenes.gpkg"
echo "  simulated L1.1 product:  $PRODUCT"
echo "  NRB product:             $NRB"
find "$NRB" -maxdepth 1 -type f \( -name "*.tif" -o -name "*.png" -o -name "*.xml" -o -name "*.json" \) | sort | sed 's/^/    /'
echo "Open the gamma0 layers (<product>_HH.tif, _HV.tif) in QGIS, or run palsar2:loadnrb on the folder. Data provided by JAXA."
