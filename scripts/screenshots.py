"""Screenshots of the plugin in a real QGIS, run by scripts/screenshots.sh (``qgis --code`` under Xvfb).

PALSAR2_SHOT=session: a user's session at 1366 x 768: two L2.2 products of a Noto 2024 row (made here from
the demo DEM, see below) in the data folder, the disaster-data dock opened, the row selected and loaded
(scene, archive scene and their comparison), the project saved; screenshots of the main window with the
dock and of Settings › Options › PALSAR-2. PALSAR2_SHOT=reopen: the saved project opened in a new QGIS;
a screenshot and a line per layer (valid or not). Output folder: PALSAR2_SHOT_DIR.

The products are synthetic (DN from the terrain's slope facing the radar, speckle, and a patch that darkens
after the event), written by the test helper tests/synthetic/jaxa_nrb.py with JAXA's file names.
"""

import os
import sys
from pathlib import Path

import numpy as np
from qgis.core import QgsApplication, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget
from qgis.utils import iface, plugins

ROOT = Path(os.environ["PALSAR2_ROOT"])   # (QGIS runs this file with exec: no __file__)
OUT = Path(os.environ["PALSAR2_SHOT_DIR"])
MODE = os.environ.get("PALSAR2_SHOT", "session")
PLUGIN = "palsar2_scansar"


def log(text):
    print(f"screenshots: {text}", flush=True)
    with open(OUT / "screenshots.log", "a", encoding="utf-8") as handle:
        handle.write(text + "\n")


def later(ms, function):
    """Run ``function`` in ``ms``; an error ends QGIS (instead of leaving an error dialog open)."""
    def guarded():
        try:
            function()
        except Exception:  # noqa: BLE001 - reported, then QGIS ends
            import traceback

            log(traceback.format_exc())
            os._exit(1)
    QTimer.singleShot(ms, guarded)


def wait_until(condition, then, timeout_s=180, waited=0.0):
    if condition():
        later(500, then)
    elif waited > timeout_s:
        log("timed out")
        quit_qgis(1)
    else:
        later(500, lambda: wait_until(condition, then, timeout_s, waited + 0.5))


def grab(name, widget=None):
    QApplication.processEvents()
    widget = widget or iface.mainWindow()
    path = OUT / name
    widget.grab().save(str(path))
    log(f"wrote {path} ({widget.width()} x {widget.height()})")


def quit_qgis(code=0):
    QgsProject.instance().setDirty(False)
    log(f"exit {code}")
    later(200, lambda: os._exit(code))


def laptop_size():
    """The main window as on a 1366 x 768 laptop screen (Xvfb has no window manager to maximise it)."""
    window = iface.mainWindow()
    window.showNormal()
    window.setGeometry(0, 0, 1366, 768)


# ------------------------------------------------------------------------------------------ data

def synthetic_products(data: Path, scene):
    """An archive and an event L2.2 product of ``scene`` over the demo DEM: backscatter brighter on slopes
    facing the radar, gamma speckle, and a patch 8 dB darker after the event."""
    import rasterio

    sys.path.insert(0, str(ROOT / "tests"))
    from synthetic import jaxa_nrb

    with rasterio.open(ROOT / "tests" / "data" / "dem" / "hakone_aster_gdem2_1arcsec.tif") as dem:
        heights = dem.read(1).astype(float)[::2, ::2]
    rows, cols = heights.shape
    slope_x = np.gradient(heights, axis=1) / 30.0
    base_db = np.clip(-9.0 + 18.0 * slope_x, -22, 2)
    after_db = base_db.copy()
    after_db[rows // 3: rows // 3 + rows // 6, cols // 2: cols // 2 + cols // 5] -= 8.0
    rng = np.random.default_rng(3)

    def dn(db):
        power = 10 ** (db / 10) * rng.gamma(4.0, 0.25, db.shape)
        return np.clip(np.round(np.sqrt(power) * 10 ** (83 / 20)), 1, 65535).astype(np.uint16)

    mask = np.ones((rows, cols), np.uint8)
    frame = f"{scene.frame:04d}"
    origin = (380000.0, 3920000.0)
    for folder, db, date, number in (("archive", base_db, scene.archive[0].date, "0"),
                                     ("event", after_db, scene.obs_date, "1")):
        jaxa_nrb.write_l22_product(str(data / folder), {"HH": dn(db)}, mask, None,
                                   stem=f"ALOS25{number}000{frame}-{date:%y%m%d}_WWDR2.2GUD", origin=origin,
                                   pixel_size=50.0, epsg=32654)


# --------------------------------------------------------------------------------------- session

def session():
    plugin = plugins[PLUGIN]
    events = sys.modules[f"{PLUGIN}.palsar2_plugin.events"]
    event, scene = next((e, s) for e, s in events.scenes_for("noto2024") if s.frame and s.archive)
    data = OUT / "data"
    synthetic_products(data, scene)
    QgsSettings().setValue("palsar2/data_folder", str(data))
    laptop_size()
    toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    if toolbox is not None:
        toolbox.show()            # the panel the dock used to open squeezed under
    dock = plugin.event_dock()
    dock.toggleViewAction().trigger()
    dock.set_event("noto2024")
    dock.select_scene(scene.scene_id)
    log(f"loading {scene.scene_id}")
    dock.trigger_action("load")
    wait_until(lambda: not plugin.load_action.tasks and len(QgsProject.instance().mapLayers()) >= 4,
               lambda: shoot_session(dock, data))


def shoot_session(dock, data):
    canvas = iface.mapCanvas()
    project = QgsProject.instance()
    layers = list(project.mapLayers().values())
    for layer in layers:      # show the event's backscatter under the change polygons (the log-ratio stays listed)
        if layer.name().startswith("log-ratio"):
            project.layerTreeRoot().findLayer(layer.id()).setItemVisibilityChecked(False)
    extent = layers[0].extent()
    for layer in layers[1:]:
        extent.combineExtentWith(layer.extent())
    canvas.setExtent(extent)
    canvas.refresh()
    later(4000, lambda: finish_session(dock))


def finish_session(dock):
    grab("dock.png")
    project_file = OUT / "project" / "noto_event.qgz"
    project_file.parent.mkdir(parents=True, exist_ok=True)
    QgsProject.instance().write(str(project_file))
    log(f"saved {project_file}")
    later(1500, lambda: grab_options())
    iface.showOptionsDialog(iface.mainWindow(), "Palsar2OptionsPage")   # modal: grabbed by the timer


def grab_options():
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        log("the Options dialog did not open")
        quit_qgis(1)
        return
    dialog.resize(1100, 740)
    later(800, lambda: (grab("options_page.png", dialog), dialog.reject(), quit_qgis(0)))


# ---------------------------------------------------------------------------------------- reopen

def reopen():
    laptop_size()
    later(6000, shoot_reopened)


def shoot_reopened():
    project = QgsProject.instance()
    layers = list(project.mapLayers().values())
    for layer in layers:
        log(f"layer {'valid' if layer.isValid() else 'INVALID'}: {layer.name()} <- {layer.source()}")
    if layers:
        iface.mapCanvas().zoomToFullExtent()
        iface.mapCanvas().refresh()
    later(4000, lambda: (grab("reopened_project.png"),
                         quit_qgis(0 if layers and all(layer.isValid() for layer in layers) else 1)))


if MODE == "reopen":
    later(2000, reopen)
else:
    later(2000, session)
