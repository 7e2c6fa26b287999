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
from typing import Callable, List, Optional

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..errors import Palsar2Error
from . import settings
from .event_actions_load import scene_group_name

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


class EventInterferogramAction:
    """Callable (event, scene) handler for the dock; keeps its running tasks alive."""

    def __init__(self, iface=None, folder_provider: Optional[Callable[[], str]] = None,
                 dem_provider: Optional[Callable[[], str]] = None, project: Optional[QgsProject] = None):
        from .event_actions_load import EventLoadAction

        self.iface = iface
        self._folders = EventLoadAction(iface, folder_provider)      # the same data folder as "load"
        self.dem_provider = dem_provider
        self.project = project
        self.tasks: List[QgsProcessingAlgRunnerTask] = []
        self.last_layers: List[object] = []
        self.last_message = ""

    def _project(self) -> QgsProject:
        return self.project or QgsProject.instance()

    def _message(self, text: str, level=Qgis.Info) -> None:
        self.last_message = text
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage("PALSAR-2", text, level, 10)

    def dem(self) -> str:
        if self.dem_provider is not None:
            return self.dem_provider()
        path = str(settings.setting("dem_path", ""))
        if path and os.path.isfile(path):
            return path
        return ask_dem(self.iface.mainWindow() if self.iface is not None else None)

    def __call__(self, event, scene) -> Optional[QgsProcessingAlgRunnerTask]:
        """Start the interferogram of the scene and its archive scene; returns the task, if any."""
        from .dependency_dialog import stop_if_missing

        if stop_if_missing(self.iface, "palsar2:interferogram"):   # numpy, rasterio, pyproj
            return None
        folder = self._folders.data_folder()
        if not folder:
            return None
        try:
            return self._start(event, scene, folder)
        except Palsar2Error as error:
            self._message(str(error), Qgis.Critical)
            return None

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
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("palsar2:interferogram")
        if algorithm is None:
            raise Palsar2Error("The algorithm palsar2:interferogram is not available; reinstall the plugin.")
        reference, secondary = found_archive[0], found_event[0]
        reference_name = str(settings.setting("dem_height_reference", "egm96"))
        params = {"REFERENCE": reference.path, "SECONDARY": secondary.path, "DEM": dem,
                  "DEM_HEIGHT_REFERENCE": HEIGHT_REFERENCES.index(reference_name)
                  if reference_name in HEIGHT_REFERENCES else 0,
                  "GOLDSTEIN": GOLDSTEIN, "UNWRAP": snaphu_available(),
                  "OUTPUT_FOLDER": os.path.join(folder, OUTPUT_SUBFOLDER)}
        context = QgsProcessingContext()
        context.setProject(self._project())
        feedback = QgsProcessingFeedback()
        task = QgsProcessingAlgRunnerTask(algorithm, params, context, feedback)
        task._palsar2_keep = (context, feedback, algorithm)     # the task does not own them
        group_name = scene_group_name(event, scene)

        def executed(ok: bool, results: dict) -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if not ok:
                self._message(tr("Interferogram failed: {}").format(feedback.textLog()[-400:]), Qgis.Critical)
                return
            self._add_layers(results, group_name)

        task.executed.connect(executed)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
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
