#!/usr/bin/env bash
# Installs what the plugin, its demo and its tests need, on Debian 12 (QGIS 3.22) or 13 (QGIS 3.40):
# Debian packages (as root), a virtual environment .venv on QGIS's /usr/bin/python3 with the test tools,
# and the compiled translations. Quick when everything is already there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

APT_PACKAGES=(
  qgis python3-qgis qgis-providers gdal-bin python3-gdal
  python3-numpy python3-numba python3-rasterio python3-pyproj proj-data python3-requests python3-paramiko
  python3-dask python3-distributed
  python3-venv python3-pip python3-pytest python3-hypothesis qttools5-dev-tools
  openssh-server curl
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root (or install: ${missing[*]})" >&2; exit 1; }
    SUDO=sudo
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV (on /usr/bin/python3, with system site packages)"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
STAMP="$VENV/.requirements-test.sha"
WANT=$(sha256sum requirements-test.txt | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "setup: installing test tools into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements-test.txt
  echo "$WANT" > "$STAMP"
fi

LRELEASE=$(command -v lrelease || true)
[ -n "$LRELEASE" ] || LRELEASE=/usr/lib/qt5/bin/lrelease
for ts in i18n/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    "$LRELEASE" -silent "$ts" -qm "$qm"
  fi
done
