# Sourced by the scripts: headless Qt and a private runtime folder.
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d /tmp/palsar2-xdg.XXXXXX)}"
chmod 700 "$XDG_RUNTIME_DIR" 2>/dev/null || true
export PYTHONDONTWRITEBYTECODE=1
# qgis_process: Debian 12's /usr/bin/qgis_process wrapper passes an option the 3.22 binary rejects.
if [ -x /usr/bin/qgis_process.bin ]; then QGIS_PROCESS=/usr/bin/qgis_process.bin; else QGIS_PROCESS=qgis_process; fi
export QGIS_PROCESS
# pyproj inside the venv looks for PROJ's data under the venv's prefix: point it at Debian's.
if [ -z "${PROJ_DATA:-}" ] && [ -d /usr/share/proj ]; then export PROJ_DATA=/usr/share/proj PROJ_LIB=/usr/share/proj; fi
