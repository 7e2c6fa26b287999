"""The event dock's "load" action: load an event scene and its paired archive scene, and compare them.

The products are looked for in the data folder (setting ``palsar2/data_folder``, else the download
folder ``palsar2/download_folder`` of the "download" action, else asked once; both can be changed in
Settings › Options › PALSAR-2): JAXA L2.2 / L2.1 products or NRB products made by the plugin,
downloaded or processed beforehand. Both scenes are loaded styled in a group named after the event
and scene; when the archive scene is there too, ``palsar2:changedetection`` runs in the background
(boxcar 5×5, ±3 dB) and its log-ratio and change polygons are added to the same group. Layer files
and change results go where they last (:func:`.settings.layer_folder_for`), so a saved project
opens again.

Call :func:`register` with the dock (``EventDock.set_actions_available`` is used). Main thread.
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
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..errors import Palsar2Error
from ..nrb.reader_events import common_polarisation, find_event_products
from ..nrb.reader_layers import build_product_layers
from ..nrb.vrt import product_file
from . import settings, styles
from .layer_metadata import apply_attribution

#: Change detection settings of the one-step comparison.
COMPARE_FILTER = 1          # boxcar
COMPARE_WINDOW = 5
COMPARE_THRESHOLD_DB = 3.0
POLARISATIONS = ("HH", "HV", "VV", "VH")


def tr(text: str) -> str:
    return QCoreApplication.translate("EventActionsLoad", text)


def scene_group_name(event, scene) -> str:
    """The layer-tree group of an event scene's layers (the dock's actions share it)."""
    return f"{event.name()} — {scene.scene_id}"


def ask_data_folder(parent=None) -> str:
    """Ask the user for the data folder (and remember it)."""
    from qgis.PyQt.QtWidgets import QFileDialog

    folder = QFileDialog.getExistingDirectory(parent, tr("Folder with downloaded or processed PALSAR-2 products"))
    if folder:
        settings.set_setting("data_folder", folder)  # changed later in Settings › Options › PALSAR-2
    return folder


class DataFolderAction:
    """Base of the dock's actions on the products in the data folder: a callable (event, scene) handler
    that finds the folder, runs :meth:`run` and says what went wrong in the message bar; it keeps its
    running background tasks alive (:meth:`start_algorithm`)."""

    def __init__(self, iface=None, folder_provider: Optional[Callable[[], str]] = None,
                 project: Optional[QgsProject] = None):
        self.iface = iface
        self.folder_provider = folder_provider
        self.project = project
        self.tasks: List[QgsProcessingAlgRunnerTask] = []
        self.last_layers: List[object] = []
        self.last_message = ""

    # -- helpers -----------------------------------------------------------------------------
    def _project(self) -> QgsProject:
        return self.project or QgsProject.instance()

    def _message(self, text: str, level=Qgis.Info) -> None:
        self.last_message = text
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage("PALSAR-2", text, level, 8)

    def data_folder(self) -> str:
        if self.folder_provider is not None:
            return self.folder_provider()
        for folder in (settings.setting("data_folder", ""),
                       settings.setting("download_folder", settings.default_download_folder())):
            if folder and os.path.isdir(folder):
                return folder
        return ask_data_folder(self.iface.mainWindow() if self.iface is not None else None)

    def start_algorithm(self, algorithm_id: str, params: dict, done: Callable[[dict], None],
                        failure: str) -> QgsProcessingAlgRunnerTask:
        """Run ``algorithm_id`` in a background task; ``done(results)`` on success, else ``failure``
        (with a ``{}`` for the end of the log) in the message bar."""
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        if algorithm is None:
            raise Palsar2Error(f"The algorithm {algorithm_id} is not available; reinstall the plugin.")
        context = QgsProcessingContext()
        context.setProject(self._project())
        feedback = QgsProcessingFeedback()
        task = QgsProcessingAlgRunnerTask(algorithm, params, context, feedback)
        task._palsar2_keep = (context, feedback, algorithm)  # the task does not own them

        def executed(ok: bool, results: dict) -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if not ok:
                self._message(failure.format(feedback.textLog()[-400:]), Qgis.Critical)
                return
            done(results)

        task.executed.connect(executed)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
        return task

    # -- the action ----------------------------------------------------------------------------
    #: An algorithm whose packages must be installed before the action starts (else the missing-packages
    #: bar is shown and nothing runs); None: :meth:`run` checks what it needs itself.
    REQUIRES_ALGORITHM: Optional[str] = None

    def __call__(self, event, scene) -> Optional[QgsProcessingAlgRunnerTask]:
        """Run the action on the row's products; returns its background task, if any."""
        if self.REQUIRES_ALGORITHM:
            from .dependency_dialog import stop_if_missing

            if stop_if_missing(self.iface, self.REQUIRES_ALGORITHM):
                return None
        folder = self.data_folder()
        if not folder:
            return None
        try:
            return self.run(event, scene, folder)
        except Palsar2Error as error:
            self._message(str(error), Qgis.Critical)
            return None

    def run(self, event, scene, folder: str) -> Optional[QgsProcessingAlgRunnerTask]:
        raise NotImplementedError


class EventLoadAction(DataFolderAction):
    """Load the scene (and its archive scene) and start their comparison."""

    def run(self, event, scene, folder: str) -> Optional[QgsProcessingAlgRunnerTask]:
        return self._load_and_compare(event, scene, folder)

    def _load_and_compare(self, event, scene, folder: str) -> Optional[QgsProcessingAlgRunnerTask]:
        found = find_event_products(folder, scene)
        if not found.event:
            self._message(tr("No product of scene {} ({}) in {}: download or process it first.").format(
                scene.scene_id, scene.obs_date.isoformat(), folder), Qgis.Warning)
            return None
        chosen = [found.event[0]] + ([found.archive[0]] if found.archive else [])
        built = []
        for product in chosen:
            built.extend(build_product_layers(product_file(product), settings.layer_folder_for(product_file(product)),
                                              None, "dB", "grey", True, False))
        built = [b for b in built if b.product.name in {p.name for p in chosen}]
        project = self._project()
        group_name = scene_group_name(event, scene)
        group = styles.scene_group(project, group_name)
        self.last_layers = styles.add_product_layers(built, project, group)
        if not found.comparable:
            self._message(tr("Loaded {}; no archive product found for the dates {}.").format(
                chosen[0].name, ", ".join(d.isoformat() for d in scene.archive_dates) or "-"), Qgis.Info)
            return None
        archive, post = found.archive[0], found.event[0]
        from .dependency_dialog import stop_if_missing

        if stop_if_missing(self.iface, "palsar2:changedetection"):  # loaded; comparing needs rasterio, ...
            return None
        pol = common_polarisation(archive, post)
        if pol is None:
            self._message(tr("{} and {} share no polarisation; cannot compare.").format(archive.name, post.name),
                          Qgis.Warning)
            return None
        return self.compare(archive, post, pol, group_name)

    def compare(self, archive, post, pol: str, group_name: str) -> QgsProcessingAlgRunnerTask:
        """Start ``palsar2:changedetection`` of ``archive`` → ``post`` in the background."""
        out_folder = settings.layer_folder_for(product_file(post))
        stem = f"{archive.info.scene_id}_to_{post.info.scene_id}_{pol}"
        params = {"BEFORE": product_file(archive), "AFTER": product_file(post),
                  "POLARISATION": POLARISATIONS.index(pol), "SPECKLE_FILTER": COMPARE_FILTER,
                  "WINDOW": COMPARE_WINDOW, "THRESHOLD_DB": COMPARE_THRESHOLD_DB,
                  "OUTPUT": os.path.join(out_folder, stem + "_logratio.tif"),
                  "OUTPUT_CHANGES": os.path.join(out_folder, stem + "_changes.gpkg")}
        label = f"{archive.info.observation_date} → {post.info.observation_date} {pol}"
        task = self.start_algorithm("palsar2:changedetection", params,
                                    lambda results: self._add_change_layers(results, group_name, label),
                                    tr("Change detection failed: {}"))
        self._message(tr("Comparing {} with {} in the background…").format(archive.name, post.name))
        return task

    def _add_change_layers(self, results: dict, group_name: str, label: str) -> None:
        project = self._project()
        group = styles.scene_group(project, group_name)
        ratio = QgsRasterLayer(results["OUTPUT"], tr("log-ratio {} [dB]").format(label), "gdal")
        layers = [ratio]
        styles.style_change(ratio)
        if results.get("OUTPUT_CHANGES"):
            changes = QgsVectorLayer(results["OUTPUT_CHANGES"], tr("changes {} (±{:g} dB)").format(
                label, COMPARE_THRESHOLD_DB), "ogr")
            if changes.isValid():
                styles.style_change_polygons(changes)
                layers.insert(0, changes)
        for order, layer in enumerate(layers):
            apply_attribution(layer)
            project.addMapLayer(layer, False)
            group.insertLayer(order, layer)
        self.last_layers = layers + list(self.last_layers)
        self._message(tr("Change detection done: {}").format(label), Qgis.Success)


def register(dock, iface=None, folder_provider: Optional[Callable[[], str]] = None) -> EventLoadAction:
    """Give the dock its "load" action (load + compare with the archive scene); returns the handler."""
    action = EventLoadAction(iface, folder_provider)
    dock.set_actions_available({"load": action})
    return action
