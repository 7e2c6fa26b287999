"""The event dock's "search", "refresh" and "download" actions, run in the background as QgsTasks.

:class:`DockSceneActions` registers three handlers on the dock (``EventDock.set_actions_available``).
"search" links the selected event row to the open-data bucket (refreshing the local scene index
for the row's folder and dates; a listing younger than ``opendata/max_age_hours`` is reused) and
adds the footprints to the map with JAXA's attribution; "refresh" does the same but lists the
bucket again whatever the age of the stored listing; "download" does the search and then
downloads the products (verified, resumable) into the download folder. All report progress in
the QGIS task manager and can be cancelled there.
Rows that no catalogue source holds show a message saying so.

Settings (QgsSettings, group ``palsar2``): ``index_path``, ``download_folder``,
``opendata/bucket_url``, ``opendata/max_age_hours`` (24). Proxies: the QGIS proxy settings.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Callable, List, Optional, Sequence

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsTask,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QVariant

from ..catalog import endpoints
from ..catalog.event_links import event_scene_records, link_status
from ..catalog.index import SceneIndex, default_index_path
from ..catalog.opendata import OpenDataBucket
from ..catalog.record import ATTRIBUTE_TYPES, SceneRecord
from ..download.batch import download_scenes
from ..net.session import make_session
from ..errors import Palsar2Error
from . import settings
from .layer_metadata import apply_attribution

CONTEXT = "SceneTasks"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def footprint_layer(records: Sequence[SceneRecord], name: str) -> QgsVectorLayer:
    """A memory layer (EPSG:4326) of the records' footprints with the record as attributes and JAXA's credit."""
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", name, "memory")
    fields = QgsFields()
    for field_name, kind in ATTRIBUTE_TYPES:
        fields.append(QgsField(field_name, QVariant.LongLong if kind == "int" else QVariant.String))
    layer.dataProvider().addAttributes(fields.toList())
    layer.updateFields()
    features = []
    for rec in records:
        feature = QgsFeature(layer.fields())
        attrs = rec.to_attributes()
        feature.setAttributes([attrs[n] for n, _ in ATTRIBUTE_TYPES])
        if rec.footprint:
            feature.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in rec.footprint]]))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return apply_attribution(layer)


class SceneTask(QgsTask):
    """Links one event row to its records and, if ``destination`` is set, downloads them.

    Results (read in ``on_done``, main thread): ``records``, ``folders``, ``unverified`` (files whose
    content no validator could check), ``error`` (message) and ``layer`` (footprints, added to the project).
    """

    def __init__(self, description: str, scene, index_path: str, bucket_url: str,
                 destination: Optional[str] = None, on_done: Optional[Callable[["SceneTask"], None]] = None,
                 max_age: timedelta = timedelta(hours=24)):
        super().__init__(description, QgsTask.CanCancel)
        self.scene = scene
        self.max_age = max_age
        self.index_path = index_path
        self.bucket_url = bucket_url
        self.destination = destination
        self.on_done = on_done
        self.proxies = settings.qgis_proxies()  # read QgsSettings in the main thread
        self.records: List[SceneRecord] = []
        self.folders: List[str] = []
        self.unverified: List[str] = []
        self.error: Optional[str] = None
        self.layer: Optional[QgsVectorLayer] = None

    def _progress(self, start: float, stop: float):
        return lambda fraction, message="": self.setProgress(100.0 * (start + (stop - start) * fraction))

    def run(self) -> bool:  # worker thread: no widgets, no project
        try:
            session = make_session(proxies=self.proxies)
            with SceneIndex(self.index_path) as index:
                bucket = OpenDataBucket(self.bucket_url, session=session)
                share = 0.3 if self.destination else 1.0
                self.records = event_scene_records(self.scene, index, bucket, include_archive=True,
                                                   progress=self._progress(0.0, share), is_cancelled=self.isCanceled,
                                                   max_age=self.max_age)
            if self.destination and self.records:
                done = download_scenes(self.records, self.destination,
                                        session_factory=lambda: make_session(proxies=self.proxies),
                                        progress=self._progress(0.3, 1.0), is_cancelled=self.isCanceled)
                self.folders = [str(f) for f in done.folders]
                self.unverified = [str(p) for p in done.unverified]
            return True
        except Palsar2Error as error:
            self.error = str(error)
            return False

    def finished(self, result: bool) -> None:  # main thread
        if result and self.records:
            self.layer = footprint_layer(self.records, tr("PALSAR-2 scenes: {}").format(self.scene.scene_id))
            QgsProject.instance().addMapLayer(self.layer)
        if not result and self.error is None:
            self.error = tr("Cancelled.")
        if self.on_done is not None:
            self.on_done(self)


class DockSceneActions:
    """Provides the dock's "search" and "download" handlers; keeps a reference to running tasks."""

    def __init__(self, iface=None, dock=None, index_path: Optional[str] = None, destination: Optional[str] = None,
                 bucket_url: Optional[str] = None):
        self.iface = iface
        self.dock = dock
        self._index_path, self._destination, self._bucket_url = index_path, destination, bucket_url
        self.tasks: List[SceneTask] = []
        self.messages: List[str] = []

    # Given values, else the settings as they are now (Settings › Options › PALSAR-2 applies at once).
    @property
    def index_path(self) -> str:
        return self._index_path or settings.setting("index_path", default_index_path(settings.profile_folder()))

    @property
    def destination(self) -> str:
        return self._destination or settings.setting("download_folder", settings.default_download_folder())

    @property
    def bucket_url(self) -> str:
        return self._bucket_url or settings.setting("opendata/bucket_url", endpoints.OPEN_DATA_BUCKET_URL)

    @property
    def max_age(self) -> timedelta:
        return timedelta(hours=float(settings.setting("opendata/max_age_hours", 24)))

    def register(self) -> None:
        """Show the dock's search, refresh and download buttons, wired to this object."""
        if self.dock is not None:
            self.dock.set_actions_available({"search": self.search, "refresh": self.refresh,
                                             "download": self.download})

    def unregister(self) -> None:
        if self.dock is not None:
            self.dock.set_actions_available({"search": None, "refresh": None, "download": None})
        for task in list(self.tasks):
            task.cancel()

    def _message(self, text: str, level=Qgis.Info) -> None:
        self.messages.append(text)
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(tr("PALSAR-2"), text, level=level, duration=8)

    def _start(self, event, scene, destination: Optional[str], refresh: bool = False) -> Optional[SceneTask]:
        if link_status(scene) == "none":
            self._message(tr("No catalogue holds scene {} in machine-readable form; JAXA distributes it on "
                             "request (see the event's notes).").format(scene.scene_id), Qgis.Warning)
            return None
        verb = tr("Downloading") if destination else tr("Searching")
        task = SceneTask(f"{verb} {scene.scene_id}", scene, self.index_path, self.bucket_url,
                         destination=destination, on_done=self._done,
                         max_age=timedelta(0) if refresh else self.max_age)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
        return task

    def _done(self, task: SceneTask) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
        if task.error:
            self._message(task.error, Qgis.Critical)
        elif task.destination and task.unverified:
            self._message(tr("{} products downloaded into {}; {} files are unverified (the source gives no checksum "
                             "or ETag for them).").format(len(task.folders), task.destination, len(task.unverified)),
                          Qgis.Warning)
        elif task.destination:
            self._message(tr("{} products downloaded into {}.").format(len(task.folders), task.destination))
        else:
            self._message(tr("{} scenes found and added to the map.").format(len(task.records)))

    def search(self, event, scene) -> Optional[SceneTask]:
        return self._start(event, scene, None)

    def refresh(self, event, scene) -> Optional[SceneTask]:
        """Search, listing the bucket again even if a recent listing is stored."""
        return self._start(event, scene, None, refresh=True)

    def download(self, event, scene) -> Optional[SceneTask]:
        return self._start(event, scene, self.destination)
