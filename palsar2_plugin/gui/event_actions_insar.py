"""The event dock's "interferogram" action: the event scene's L1.1 product with its paired archive L1.1
product through ``palsar2:interferogram`` in the background, its layers then added to the scene's group.

Products are looked for in the data folder as the "load" action does (setting ``data_folder``, else the
download folder, else asked once): L1.1 product folders or zips (:mod:`palsar2_plugin.ceos.local`). The
DEM is the setting ``dem_path`` (a raster file GDAL reads, heights above the EGM96 geoid unless
``dem_height_reference`` says ``egm2008`` or ``ellipsoid``; both on the Options page), else asked once. The product goes
into ``<data folder>/interferograms``; phase unwrapping runs when the optional ``snaphu`` package is
installed. Main thread.
"""

from __future__ import annotations

import os
from typing import Callable, Optional

from qgis.core import Qgis, QgsProcessingAlgRunnerTask, QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from . import settings
from .event_actions_load import DataFolderAction, scene_group_name

HEIGHT_REFERENCES = ("egm96", "egm2008", "ellipsoid")
OUTPUT_SUBFOLDER = "interferograms"
GOLDSTEIN = 0.5


def tr(text: str) -> str:
    return QCoreApplication.translate("EventActionsInterferogram", text)


def ask_dem(parent=None) -> str:
    """Ask the user for a DEM raster (and remember it)."""
    from qgis.PyQt.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, tr("DEM covering the scene (heights above the EGM96 geoid)"), "",
                                          tr("Rasters (*.tif *.tiff *.vrt *.img *.hgt *.dem);;All files (*)"))
    if path:
        settings.set_setting("dem_path", path)        # changed later in Settings › Options › PALSAR-2
    return path


class EventInterferogramAction(DataFolderAction):
    """The interferogram of the row's scene with its archive scene (see the module docstring)."""

    REQUIRES_ALGORITHM = "palsar2:interferogram"      # numpy, rasterio, pyproj

    def __init__(self, iface=None, folder_provider: Optional[Callable[[], str]] = None,
                 dem_provider: Optional[Callable[[], str]] = None, project: Optional[QgsProject] = None):
        super().__init__(iface, folder_provider, project)
        self.dem_provider = dem_provider

    def dem(self) -> str:
        if self.dem_provider is not None:
            return self.dem_provider()
        path = str(settings.setting("dem_path", ""))
        if path and os.path.isfile(path):
            return path
        return ask_dem(self.iface.mainWindow() if self.iface is not None else None)

    def run(self, event, scene, folder: str) -> Optional[QgsProcessingAlgRunnerTask]:
        return self._start(event, scene, folder)

    def _start(self, event, scene, folder: str) -> Optional[QgsProcessingAlgRunnerTask]:
        from ..ceos.local import event_ceos_products
        from ..insar.unwrap import snaphu_available

        found_event, found_archive = event_ceos_products(folder, scene)
        if not found_event:
            self._message(tr("No L1.1 product of the scene {} ({}) in {}: download it first.").format(
                scene.scene_id, scene.obs_date.isoformat(), folder), Qgis.Warning)
            return None
        if not found_archive:
            self._message(tr("No L1.1 product of the archive scene of {} ({}) in {}: download it first.").format(
                scene.scene_id, ", ".join(d.isoformat() for d in scene.archive_dates) or "-", folder), Qgis.Warning)
            return None
        dem = self.dem()
        if not dem:
            self._message(tr("An interferogram needs a DEM of the scene's area: choose one."), Qgis.Warning)
            return None
        reference, secondary = found_archive[0], found_event[0]
        reference_name = str(settings.setting("dem_height_reference", "egm96"))
        params = {"REFERENCE": reference.path, "SECONDARY": secondary.path, "DEM": dem,
                  "DEM_HEIGHT_REFERENCE": HEIGHT_REFERENCES.index(reference_name)
                  if reference_name in HEIGHT_REFERENCES else 0,
                  "GOLDSTEIN": GOLDSTEIN, "UNWRAP": snaphu_available(),
                  "OUTPUT_FOLDER": os.path.join(folder, OUTPUT_SUBFOLDER)}
        group_name = scene_group_name(event, scene)
        task = self.start_algorithm("palsar2:interferogram", params,
                                    lambda results: self._add_layers(results, group_name),
                                    tr("Interferogram failed: {}"))
        self._message(tr("Interferogram of {} (archive) and {} (event) in the background…").format(
            reference.scene_id, secondary.scene_id))
        return task

    def _add_layers(self, results: dict, group_name: str) -> None:
        from ..insar.product import read_interferogram_product
        from . import styles
        from .insar_layers import add_product_layers

        product = read_interferogram_product(results["OUTPUT_FOLDER"])
        project = self._project()
        self.last_layers = add_product_layers(product, project, parent=styles.scene_group(project, group_name))
        self._message(tr("Interferogram done: {}").format(product.name), Qgis.Success)


def needs_l11_archive(event, scene) -> str:
    """Why a row cannot make an interferogram ("" when it can): JAXA must release its L1.1 product and pair
    an archive acquisition with it."""
    if "L1.1" not in tuple(scene.products or ()):
        return tr("JAXA releases no L1.1 (complex) product of this scene: an interferogram needs one.")
    if not any(pairing.product == "L1.1" for pairing in scene.archive):
        return tr("This scene has no archive L1.1 scene paired with it for interferometry.")
    return ""


def register(dock, iface=None, folder_provider: Optional[Callable[[], str]] = None,
             dem_provider: Optional[Callable[[], str]] = None) -> EventInterferogramAction:
    """Give the dock its "interferogram" action (a button after the built-in ones); returns the handler."""
    from .event_dock import DockAction

    action = EventInterferogramAction(iface, folder_provider, dem_provider)
    dock.add_action(DockAction("interferogram", tr("&Interferogram"),
                               tr("Interferogram of the scene's L1.1 product with its archive scene's, in the background "
                                  "(needs both in the data folder and a DEM)"), action, needs_l11_archive))
    return action
