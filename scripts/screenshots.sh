#!/usr/bin/env bash
# Screenshots of the plugin in a real QGIS under Xvfb (1366 x 768, a typical laptop): the disaster-data dock
# after loading and comparing a Noto 2024 scene, Settings > Options > PALSAR-2, and the saved project reopened
# in a new QGIS. Writes docs/screenshots/*.png (or the folder given as the first argument).
# Uses a throw-away QGIS profile in which the plugin (this checkout) is enabled; installs Xvfb if missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
OUT=$(realpath -m "${1:-$ROOT/docs/screenshots}")
mkdir -p "$OUT"

if ! command -v xvfb-run >/dev/null; then
  echo "screenshots: installing Xvfb"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends xvfb xauth
fi

WORK=$(mktemp -d /tmp/palsar2-screenshots.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PROFILES="$WORK/profiles"
PROFILE="$PROFILES/profiles/default"
mkdir -p "$PROFILE/python/plugins" "$PROFILE/QGIS"
ln -s "$ROOT" "$PROFILE/python/plugins/palsar2_scansar"
cat > "$PROFILE/QGIS/QGIS3.ini" <<'INI'
[PythonPlugins]
palsar2_scansar=true
processing=true

[qgis]
checkVersion=false
showTips322=false
showTips340=false
INI
mkdir -p "$WORK/xdg" && chmod 700 "$WORK/xdg"
export XDG_RUNTIME_DIR="$WORK/xdg" PALSAR2_SHOT_DIR="$WORK" PALSAR2_ROOT="$ROOT" PYTHONDONTWRITEBYTECODE=1
rm -f "$WORK/screenshots.log"

run_qgis() {   # run_qgis MODE [project]
  PALSAR2_SHOT="$1" timeout 300 xvfb-run -a -s "-screen 0 1366x768x24 -dpi 96" \
    qgis --profiles-path "$PROFILES" --profile default --nologo --noversioncheck \
    --code "$ROOT/scripts/screenshots.py" ${2:+"$2"} >"$WORK/qgis-$1.out" 2>&1 || {
      echo "screenshots: QGIS ($1) failed; its output:" >&2; tail -40 "$WORK/qgis-$1.out" >&2
      cat "$WORK/screenshots.log" >&2 2>/dev/null || true; exit 1; }
}

run_qgis session
# a new QGIS, the same profile folder but nothing of the first session's memory or temporary folders
run_qgis reopen "$WORK/project/noto_event.qgz"
cat "$WORK/screenshots.log"
cp "$WORK/dock.png" "$WORK/options_page.png" "$WORK/reopened_project.png" "$OUT/"
echo "screenshots: written to $OUT"
