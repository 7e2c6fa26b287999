"""``palsar2:searchscenes``: footprints of the PALSAR-2 scenes covering an area and a period.

Settings, the QGIS proxy and the profile folders come from :mod:`..palsar2_plugin.gui.settings`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Dict, List, Optional, Sequence, Tuple

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsRectangle,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QVariant

from ..palsar2_plugin import attribution
from ..palsar2_plugin.catalog import endpoints
from ..palsar2_plugin.catalog.errors import SearchInputError
from ..palsar2_plugin.catalog.geometry import ring_bbox, ring_crosses_antimeridian, unwrap_ring
from ..palsar2_plugin.catalog.query import LEVELS, SearchQuery
from ..palsar2_plugin.catalog.record import ATTRIBUTE_TYPES, SceneRecord
from ..palsar2_plugin.gui.layer_metadata import AttributionPostProcessor
from ..palsar2_plugin.gui.settings import numeric_setting, profile_folder, qgis_proxies, setting
from ..palsar2_plugin.progress import SubProgress
from .base import Palsar2Algorithm, core_callbacks, make_advanced

#: Enum values by index. PERMANENT (models store the index): append only.
SOURCE_VALUES = ("opendata", "index", "gportal", "gportal_legacy")
MODE_VALUES = ("WBS", "WBD", "WWS", "WWD", "VBS", "VBD")
POLARISATION_VALUES = ("HH", "HV", "VV", "VH")
PASS_VALUES = (None, "ascending", "descending")
#: The search period a new dialog proposes: the last 30 days.
DEFAULT_PERIOD_DAYS = 30

CREDIT_FIELD = "credit"


# --------------------------------------------------------------------------- shared glue
def scene_fields() -> QgsFields:
    """Attributes of a footprint layer: the scene record's fields (times as UTC ISO text) + ``credit``."""
    fields = QgsFields()
    for name, kind in ATTRIBUTE_TYPES:
        fields.append(QgsField(name, QVariant.LongLong if kind == "int" else QVariant.String))
    fields.append(QgsField(CREDIT_FIELD, QVariant.String))
    return fields


def parse_dataset_ids(text: str) -> Dict[str, List[str]]:
    """``"L1.1=123,456; L2.2=789"`` -> ``{"L1.1": ["123", "456"], "L2.2": ["789"]}``."""
    out: Dict[str, List[str]] = {}
    for part in (text or "").replace("\n", ";").split(";"):
        if "=" not in part:
            continue
        level, ids = part.split("=", 1)
        level = level.strip().upper()
        level = level if level.startswith("L") else "L" + level
        out[level] = [i.strip() for i in ids.split(",") if i.strip()]
    return out


def _utc(qdatetime, end_of_day: bool = False) -> _dt.datetime:
    value = qdatetime.toPyDateTime() if hasattr(qdatetime, "toPyDateTime") else qdatetime.toPyDate()
    if isinstance(value, _dt.datetime):
        if end_of_day and value.time() == _dt.time(0, 0):
            value = value.replace(hour=23, minute=59, second=59, microsecond=999999)
        return value.replace(tzinfo=_dt.timezone.utc)
    t = _dt.time(23, 59, 59, 999999) if end_of_day else _dt.time(0, 0)
    return _dt.datetime.combine(value, t, tzinfo=_dt.timezone.utc)


class SearchScenesAlgorithm(Palsar2Algorithm):
    """Search JAXA's catalogues (open-data bucket through the local index, or G-Portal)."""

    REQUIRES = ("requests",)

    NAME = "searchscenes"
    DISPLAY_NAME = "Search PALSAR-2 scenes"
    GROUP_ID = "data"
    TAGS = ("search", "catalogue", "catalog", "footprint", "G-Portal", "STAC", "open data", "ScanSAR")
    HELP_EN = (
        "Finds the ALOS-2/PALSAR-2 ScanSAR scenes that cover an area during a period and writes their "
        "footprints (EPSG:4326), sorted by acquisition time, with the scene record as attributes: ids, level, "
        "mode, beams, polarisations, pass, look side, path, frame, orbit, start/end time (UTC, ISO 8601), size, "
        "download location and the list of files. Select some and run 'Download PALSAR-2 scenes'.\n\n"
        "EXTENT or AOI: the area (any CRS; an AOI layer is reduced to its convex hull). START_DATE, END_DATE: "
        "the period, UTC, both days included (default: the last 30 days). PRODUCT_LEVEL, MODE, POLARISATIONS "
        "(all listed must be present), PASS_DIRECTION: filters (empty = any).\n"
        "SOURCE: 0 = JAXA open-data bucket (the listing is kept in a local scene index, refreshed for the "
        "period, then searched locally), 1 = local scene index only (offline), 2 = JAXA G-Portal catalogue "
        "(the system opened in October 2026), 3 = the legacy G-Portal catalogue. "
        "G-Portal needs dataset ids: JAXA does not publish those of the open-and-free ScanSAR L1.1/L2.2 "
        "products, so set them (advanced DATASET_IDS, e.g. 'L1.1=123; L2.2=456', or the setting "
        "palsar2/gportal/dataset_ids), or give DATASET_IDS 'discover' to read them from G-Portal's dataset "
        "tree while online (the ids found are listed in the log).\n"
        "SERVICE_URL (advanced) replaces the source's address (bucket or CSW endpoint). The bucket listing is "
        "reused for a day (FORCE_REFRESH lists it again). The network goes through the QGIS proxy settings."
    )
    HELP_JA = (
        "指定した範囲と期間を観測したALOS-2/PALSAR-2 ScanSARのシーンを検索し、観測範囲(フットプリント、"
        "EPSG:4326)を観測日時順に出力します。属性はシーンの情報です(ID、処理レベル、観測モード、ビーム、偏波、"
        "北行/南行、右/左観測、パス、フレーム、周回番号、観測開始・終了時刻(UTC、ISO 8601)、サイズ、"
        "ダウンロード先とファイル一覧)。シーンを選択して「PALSAR-2シーンのダウンロード」を実行してください。\n\n"
        "EXTENT または AOI: 範囲(任意のCRS。AOIレイヤは凸包で扱います)。START_DATE、END_DATE: 期間(UTC、"
        "両日を含む。既定は直近30日間)。PRODUCT_LEVEL、MODE、POLARISATIONS(指定した偏波をすべて含むもの)、PASS_DIRECTION: "
        "絞り込み(空欄は指定なし)。\n"
        "SOURCE: 0 = JAXAオープンデータ(一覧をローカルのシーン索引に保存・更新してから検索)、"
        "1 = ローカルのシーン索引のみ(オフライン)、2 = JAXA G-Portalカタログ(2026年10月からの新システム)、"
        "3 = 旧G-Portalカタログ。G-PortalにはデータセットIDが"
        "必要です。無償公開のScanSAR L1.1/L2.2のIDは公表されていないため、詳細設定のDATASET_IDS"
        "(例 'L1.1=123; L2.2=456')か設定 palsar2/gportal/dataset_ids で指定してください"
        "。DATASET_IDSに 'discover' と指定すると、オンラインでG-Portalのデータセット一覧から読み取り、ログに表示します。\n"
        "SERVICE_URL(詳細設定)は検索先のアドレスを置き換えます。バケットの一覧は1日間再利用します"
        "(FORCE_REFRESHで取り直し)。通信にはQGISのプロキシ設定が使われます。"
    )

    EXTENT = "EXTENT"
    AOI = "AOI"
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    PRODUCT_LEVEL = "PRODUCT_LEVEL"
    MODE = "MODE"
    POLARISATIONS = "POLARISATIONS"
    PASS_DIRECTION = "PASS_DIRECTION"
    SOURCE = "SOURCE"
    SERVICE_URL = "SERVICE_URL"
    INDEX_PATH = "INDEX_PATH"
    DATASET_IDS = "DATASET_IDS"
    PREFIXES = "PREFIXES"
    FORCE_REFRESH = "FORCE_REFRESH"
    OUTPUT = "OUTPUT"
    SCENE_COUNT = "SCENE_COUNT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        def add(param, help_text, advanced=False):
            param.setHelp(self.tr(help_text))
            self.addParameter(make_advanced(param) if advanced else param)

        add(QgsProcessingParameterExtent(self.EXTENT, self.tr("Search area (extent)"), optional=True),
            "The area to cover, in any CRS. Give this or an AOI layer.")
        add(QgsProcessingParameterFeatureSource(self.AOI, self.tr("Search area (AOI layer)"),
                                                [QgsProcessing.TypeVectorPolygon], optional=True),
            "A polygon layer; its convex hull is the area. Used instead of the extent when given.")
        today = QDate.currentDate()
        add(QgsProcessingParameterDateTime(self.START_DATE, self.tr("Start date (UTC)"),
                                           QgsProcessingParameterDateTime.Date,
                                           defaultValue=today.addDays(-DEFAULT_PERIOD_DAYS)),
            "First day of the period (UTC), included. Default: 30 days ago.")
        add(QgsProcessingParameterDateTime(self.END_DATE, self.tr("End date (UTC)"),
                                           QgsProcessingParameterDateTime.Date, defaultValue=today),
            "Last day of the period (UTC), included. Default: today.")
        add(QgsProcessingParameterEnum(self.PRODUCT_LEVEL, self.tr("Product level"), options=list(LEVELS),
                                       allowMultiple=True, defaultValue=[2], optional=True),
            "0 = L1.1 (CEOS SLC), 1 = L2.1 (GeoTIFF), 2 = L2.2 (CEOS-ARD NRB); several allowed; empty = any.")
        add(QgsProcessingParameterEnum(self.MODE, self.tr("Observation mode"), options=list(MODE_VALUES),
                                       allowMultiple=True, optional=True),
            "ScanSAR modes (0 = WBS, 1 = WBD, 2 = WWS, 3 = WWD, 4 = VBS, 5 = VBD); empty = any.")
        add(QgsProcessingParameterEnum(self.POLARISATIONS, self.tr("Polarisations (all required)"),
                                       options=list(POLARISATION_VALUES), allowMultiple=True, optional=True),
            "0 = HH, 1 = HV, 2 = VV, 3 = VH; scenes must have all of those chosen; empty = any.")
        add(QgsProcessingParameterEnum(self.PASS_DIRECTION, self.tr("Pass direction"),
                                       options=[self.tr("Any"), self.tr("Ascending"), self.tr("Descending")],
                                       defaultValue=0),
            "0 = any, 1 = ascending, 2 = descending.")
        add(QgsProcessingParameterEnum(self.SOURCE, self.tr("Source"), options=[
            self.tr("JAXA open-data bucket (refresh the local index, then search it)"),
            self.tr("Local scene index only (offline)"),
            self.tr("JAXA G-Portal catalogue"),
            self.tr("JAXA G-Portal catalogue, legacy system (until October 2026)")], defaultValue=0),
            "0 = open-data bucket (opendata), 1 = local index (index), 2 = G-Portal (gportal), "
            "3 = legacy G-Portal (gportal_legacy).")
        add(QgsProcessingParameterString(self.SERVICE_URL, self.tr("Service URL (overrides the source's)"),
                                         optional=True),
            "Bucket endpoint (open data) or CSW endpoint (G-Portal) to use instead of the default.", True)
        add(QgsProcessingParameterFile(self.INDEX_PATH, self.tr("Scene index (GeoPackage)"),
                                       extension="gpkg", optional=True),
            "The local scene index; default: palsar2/scene_index.gpkg in the QGIS profile folder.", True)
        add(QgsProcessingParameterString(self.DATASET_IDS, self.tr("G-Portal dataset ids"), optional=True),
            "Per level, e.g. 'L1.1=123,124; L2.2=456', or 'discover' to read them from G-Portal's dataset tree "
            "(online). Default: the setting palsar2/gportal/dataset_ids.", True)
        add(QgsProcessingParameterString(self.PREFIXES, self.tr("Bucket prefixes to list"), optional=True),
            "Comma-separated prefixes of the open-data bucket to list. Default: "
            + ", ".join(endpoints.OPEN_DATA_DEFAULT_PREFIXES) + ".", True)
        add(QgsProcessingParameterBoolean(self.FORCE_REFRESH, self.tr("List the bucket again now"), defaultValue=False),
            "The bucket listing is reused for a day (setting palsar2/opendata/max_age_hours); tick to list it again.",
            True)
        output = QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Scene footprints"),
                                                   QgsProcessing.TypeVectorPolygon)
        output.setHelp(self.tr("Footprints with the scene record as attributes, sorted by time."))
        self.addParameter(output)
        self.addOutput(QgsProcessingOutputNumber(self.SCENE_COUNT, self.tr("Number of scenes")))

    # ------------------------------------------------------------------ helpers
    def _area(self, parameters, context) -> Tuple[Tuple[float, float, float, float], Optional[tuple]]:
        """(west, south, east, north) in degrees and the AOI ring (or None); west > east when the area
        crosses the antimeridian (the ring is then unwrapped beyond 180 degrees)."""
        source = self.parameterAsSource(parameters, self.AOI, context)
        if source is not None:
            geoms = [f.geometry() for f in source.getFeatures() if f.hasGeometry()]
            if not geoms:
                raise QgsProcessingException(self.tr("The AOI layer has no geometry: choose a polygon layer."))
            hull = QgsGeometry.unaryUnion(geoms).convexHull()
            if hull.type() != QgsWkbTypes.PolygonGeometry or hull.isEmpty():
                raise QgsProcessingException(self.tr("The AOI layer's features have no area: choose a polygon "
                                                     "layer."))
            return self._in_wgs84(hull, source.sourceCrs(), context, keep_ring=True)
        if parameters.get(self.EXTENT) in (None, ""):
            raise QgsProcessingException(self.tr("Give a search area: an extent or an AOI layer."))
        rect: QgsRectangle = self.parameterAsExtent(parameters, self.EXTENT, context)
        crs = self.parameterAsExtentCrs(parameters, self.EXTENT, context)
        return self._in_wgs84(QgsGeometry.fromRect(rect), crs, context, keep_ring=False)

    def _in_wgs84(self, geometry: QgsGeometry, crs, context, keep_ring: bool):
        """``geometry`` (in ``crs``) as (bbox, ring) in EPSG:4326, densified so that its edges follow the
        transform; an outline whose consecutive vertices jump by more than 180 degrees crosses the
        antimeridian and is unwrapped (west > east in the bbox)."""
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        outline = QgsGeometry(geometry)
        if crs.isValid() and crs != wgs84:
            outline = outline.densifyByCount(16)
            try:
                outline.transform(QgsCoordinateTransform(crs, wgs84, context.transformContext()))
            except QgsCsException:
                raise QgsProcessingException(self.tr("The search area cannot be expressed in longitude/latitude "
                                                     "(EPSG:4326): draw it in another CRS.")) from None
        ring = tuple((p.x(), p.y()) for p in outline.asPolygon()[0])
        if ring_crosses_antimeridian(ring):
            ring = unwrap_ring(ring)
            west, south, east, north = ring_bbox(ring)
            if east - west >= 180.0:
                raise QgsProcessingException(self.tr("The search area crosses the antimeridian (180 degrees) and is "
                                                     "wider than 180 degrees: search its parts one by one."))
            return (west, south, east - 360.0, north), ring
        return ring_bbox(ring), (ring if keep_ring else None)

    def _enums(self, parameters, name, context, default=()) -> List[int]:
        """Indices chosen in an optional multiple enum; an explicit empty list means "any".

        (QGIS 3.22's parameterAsEnums turns an empty list into the first option.)
        """
        if name not in parameters or parameters[name] is None:
            return list(default)
        if parameters[name] in ([], "", ()):
            return []
        return self.parameterAsEnums(parameters, name, context)

    def _query(self, parameters, context) -> SearchQuery:
        bbox, ring = self._area(parameters, context)
        start = self.parameterAsDateTime(parameters, self.START_DATE, context)
        end = self.parameterAsDateTime(parameters, self.END_DATE, context)
        if not start.isValid() or not end.isValid():
            raise QgsProcessingException(self.tr("Give a start date and an end date."))
        levels = [LEVELS[i] for i in self._enums(parameters, self.PRODUCT_LEVEL, context, default=[2])]
        modes = [MODE_VALUES[i] for i in self._enums(parameters, self.MODE, context)]
        pols = [POLARISATION_VALUES[i] for i in self._enums(parameters, self.POLARISATIONS, context)]
        pass_dir = PASS_VALUES[self.parameterAsEnum(parameters, self.PASS_DIRECTION, context)]
        return SearchQuery(bbox=bbox, start=_utc(start), end=_utc(end, end_of_day=True), levels=tuple(levels),
                           modes=tuple(modes), polarisations=tuple(pols), pass_direction=pass_dir, aoi=ring)

    def _index_path(self, parameters, context) -> str:
        from ..palsar2_plugin.catalog.index import default_index_path   # requests: imported when running
        return (self.parameterAsFile(parameters, self.INDEX_PATH, context)
                or setting("index_path") or default_index_path(profile_folder()))

    # ------------------------------------------------------------------ run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.catalog.gportal import GPortalCatalog
        from ..palsar2_plugin.net.session import make_session

        progress, is_cancelled = core_callbacks(feedback)
        source = SOURCE_VALUES[self.parameterAsEnum(parameters, self.SOURCE, context)]
        service_url = (self.parameterAsString(parameters, self.SERVICE_URL, context) or "").strip()
        with self.core_errors():
            query = self._query(parameters, context).validated()
            w, s, e, n = query.bbox
            feedback.pushInfo(self.tr("Searching {:.4f}, {:.4f}, {:.4f}, {:.4f} (W, S, E, N, degrees) from {} to {} "
                                      "UTC in {}.").format(w, s, e, n, query.start.isoformat(), query.end.isoformat(),
                                                           source))
            if query.crosses_antimeridian:
                feedback.pushInfo(self.tr("The area crosses the antimeridian (180 degrees): searching {:.4f} to 180 "
                                          "and -180 to {:.4f} degrees of longitude.").format(w, e))
            session = make_session(proxies=qgis_proxies())
            if source in ("gportal", "gportal_legacy"):
                ids_text = self.parameterAsString(parameters, self.DATASET_IDS, context) or setting(
                    "gportal/dataset_ids", "")
                if ids_text.strip().lower() == "discover":
                    dataset_ids = self._discover(feedback, session)
                else:
                    dataset_ids = parse_dataset_ids(ids_text)
                default_url = (setting("gportal/csw_url", endpoints.GPORTAL_CSW_URL) if source == "gportal"
                               else endpoints.GPORTAL_CSW_URL_LEGACY)
                catalog = GPortalCatalog(service_url or default_url, dataset_ids=dataset_ids, session=session)
                records = catalog.search(query, progress=progress, is_cancelled=is_cancelled)
                for failure in catalog.failures[:20]:
                    feedback.pushWarning(failure)
            else:
                records = self._search_index(parameters, context, feedback, source, service_url, query, session,
                                             progress, is_cancelled)
        records = sorted(records, key=lambda r: (r.start_time or _dt.datetime.min.replace(tzinfo=_dt.timezone.utc),
                                                 r.record_id))
        dest_id, count = self._write(parameters, context, feedback, records)
        feedback.pushInfo(self.tr("{} scenes found. Data provided by JAXA.").format(count))
        return {self.OUTPUT: dest_id, self.SCENE_COUNT: count}

    def _discover(self, feedback, session) -> Dict[str, List[str]]:
        """Dataset ids per level read from G-Portal's dataset tree (PALSAR-2 ScanSAR entries)."""
        from ..palsar2_plugin.catalog.gportal import discover_datasets

        url = setting("gportal/dataset_tree_url", endpoints.GPORTAL_DATASET_TREE_URL)
        entries = discover_datasets(session, url=url, must_contain=("PALSAR-2", "ScanSAR"))
        found: Dict[str, List[str]] = {}
        for entry in entries:
            level = entry.guess_level()
            feedback.pushInfo(self.tr("G-Portal dataset {}: {}{}").format(
                entry.dataset_id, entry.label, f" ({level})" if level else ""))
            if level:
                found.setdefault(level, []).append(entry.dataset_id)
        if found:
            feedback.pushInfo(self.tr("To keep these, set DATASET_IDS or the setting palsar2/gportal/dataset_ids "
                                      "to: {}").format("; ".join(f"{k}={','.join(v)}" for k, v in found.items())))
        return found

    def _search_index(self, parameters, context, feedback, source, service_url, query, session, progress,
                      is_cancelled) -> List[SceneRecord]:
        from ..palsar2_plugin.catalog.index import SceneIndex
        from ..palsar2_plugin.catalog.opendata import OpenDataBucket

        path = self._index_path(parameters, context)
        with SceneIndex(path) as index:
            if source == "opendata":
                prefixes_text = self.parameterAsString(parameters, self.PREFIXES, context) or setting(
                    "opendata/prefixes", "")
                prefixes = [p.strip() for p in prefixes_text.split(",") if p.strip()] or list(
                    endpoints.OPEN_DATA_DEFAULT_PREFIXES)
                bucket = OpenDataBucket(service_url or setting("opendata/bucket_url", endpoints.OPEN_DATA_BUCKET_URL),
                                        session=session)
                force = self.parameterAsBoolean(parameters, self.FORCE_REFRESH, context)
                max_age = _dt.timedelta(hours=0 if force else numeric_setting("opendata/max_age_hours", 24))
                stats = bucket.refresh(index, prefixes=prefixes, start=query.start, end=query.end,
                                       progress=SubProgress(progress, 0.0, 0.9), is_cancelled=is_cancelled,
                                       max_age=max_age)
                feedback.pushInfo(self.tr("Index {}: {} objects listed ({} from a recent listing), {} items read, "
                                          "{} unchanged.").format(path, stats.listed + stats.reused, stats.reused,
                                                                  stats.fetched, stats.unchanged))
                for failure in stats.failures[:20]:
                    feedback.pushWarning(failure)
            elif index.count() == 0:
                raise SearchInputError(f"The scene index {path} is empty: search once with the open-data source "
                                       "while online to fill it.")
            return index.search(query)

    def _write(self, parameters, context, feedback, records: Sequence[SceneRecord]) -> Tuple[str, int]:
        fields = scene_fields()
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, fields, QgsWkbTypes.Polygon,
                                                   QgsCoordinateReferenceSystem("EPSG:4326"))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        credit = f"{attribution.CREDIT_EN} ({attribution.CREDIT_JA})"
        written = 0
        for rec in records:
            if feedback.isCanceled():
                break
            feature = QgsFeature(fields)
            attrs = rec.to_attributes()
            feature.setAttributes([attrs[name] for name, _ in ATTRIBUTE_TYPES] + [credit])
            if rec.footprint:
                feature.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in rec.footprint]]))
            if not sink.addFeature(feature, QgsFeatureSink.FastInsert):
                raise QgsProcessingException(self.tr("Could not write scene {} to the output.").format(rec.record_id))
            written += 1
        AttributionPostProcessor.attach(context, dest_id)
        return dest_id, written
