"""``palsar2:eventscenes``: JAXA's free disaster-event scenes as a table (or layer where footprints exist)."""

from __future__ import annotations

import datetime as _dt

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime, QVariant

from ..palsar2_plugin import attribution, events
from ..palsar2_plugin.gui.layer_metadata import AttributionPostProcessor
from .base import Palsar2Algorithm

#: EVENT enum values, by index. PERMANENT: models and scripts store the index, so never reorder;
#: append new events at the end.
EVENT_VALUES = ("all", "taiwan2024", "noto2024", "turkey2023")

_QT_TYPES = {"str": QVariant.String, "int": QVariant.Int, "date": QVariant.Date,
             "datetime": QVariant.DateTime, "bool": QVariant.Bool}

#: Extra attribute: JAXA's credit on every row, so any file written from the table carries it.
CREDIT_FIELD = "credit"


def scene_fields() -> QgsFields:
    """The output attributes: :data:`palsar2_plugin.events.RECORD_FIELDS` plus ``credit``."""
    fields = QgsFields()
    for name, kind in events.RECORD_FIELDS:
        fields.append(QgsField(name, _QT_TYPES[kind]))
    fields.append(QgsField(CREDIT_FIELD, QVariant.String))
    return fields


def _qt_value(value):
    """A core value as a QGIS attribute value (dates as QDate, UTC datetimes as QDateTime)."""
    if isinstance(value, _dt.datetime):
        utc = value.astimezone(_dt.timezone.utc)
        return QDateTime(QDate(utc.year, utc.month, utc.day), QTime(utc.hour, utc.minute, utc.second), Qt.UTC)
    if isinstance(value, _dt.date):
        return QDate(value.year, value.month, value.day)
    return value


class EventScenesAlgorithm(Palsar2Algorithm):
    """Lists the scenes JAXA released for free for the Taiwan 2024, Noto 2024 and Turkey 2023 events."""

    NAME = "eventscenes"
    REQUIRES = ()
    DISPLAY_NAME = "Disaster-event scene list"
    GROUP_ID = "events"
    TAGS = ("disaster", "earthquake", "event", "scene list", "Taiwan", "Noto", "Turkey")
    HELP_EN = (
        "Lists the ALOS-2/PALSAR-2 scenes that JAXA released free of charge for three disasters: the "
        "2024-04-03 Taiwan earthquake, the 2024 Noto Peninsula earthquake and the 2023 Turkey-Syria "
        "earthquake. One row is one row of JAXA's tables (acquisition x frame x product file): observation "
        "date (and time where known, JST and UTC), path, frame, beam (JAXA's words, e.g. W2, U2-8L, "
        "'Beam 1-5', plus mode family and beam numbers), pass direction, look side, polarisations, "
        "products offered (L1.1 CEOS, L2.1 GeoTIFF), the paired archive (pre-event) date per product, "
        "notes and, for Turkey, the open-data bucket keys.\n\n"
        "EVENT: 0 = all events, 1 = Taiwan 2024 (taiwan2024), 2 = Noto 2024 (noto2024), "
        "3 = Turkey-Syria 2023 (turkey2023).\n"
        "OUTPUT: a table without geometry, because JAXA publishes no footprints for these scenes "
        "(a footprint guessed from path and frame would not be reliable).\n\n"
        "Taiwan and Noto data are for non-commercial use only (public bodies, research); commercial "
        "users must contact JAXA."
    )
    HELP_JA = (
        "JAXAが無償公開しているALOS-2/PALSAR-2の災害関連データ(2024年4月3日 台湾地震、"
        "令和6年(2024年)能登半島地震、2023年トルコ地震)のシーン一覧を出力します。1行はJAXAの表の1行"
        "(観測 x フレーム x プロダクトファイル)です: 観測日(分かる場合は日本時間とUTCの時刻)、パス、"
        "フレーム、ビーム(JAXAの表記 W2、U2-8L、「Beam 1-5」と、観測モード・ビーム番号)、北行/南行、"
        "右観測/左観測、偏波、提供プロダクト(L1.1 CEOS、L2.1 GeoTIFF)、プロダクトごとの"
        "アーカイブデータ(発災前)の観測日、注記、トルコについてはオープンデータのキー。\n\n"
        "EVENT: 0 = すべて、1 = 台湾 2024 (taiwan2024)、2 = 能登 2024 (noto2024)、"
        "3 = トルコ 2023 (turkey2023)。\n"
        "OUTPUT: ジオメトリなしの表。JAXAはこれらのシーンの観測範囲(フットプリント)を公開しておらず、"
        "パスとフレームから推定した範囲は信頼できないためです。\n\n"
        "台湾と能登のデータは非商用目的での利用が条件です。商用利用を希望される方はJAXAまでお問い合わせください。"
    )

    EVENT = "EVENT"
    OUTPUT = "OUTPUT"
    SCENE_COUNT = "SCENE_COUNT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        options = [
            self.tr("All events"),
            self.tr("2024 Taiwan earthquake (taiwan2024)"),
            self.tr("2024 Noto Peninsula earthquake (noto2024)"),
            self.tr("2023 Turkey-Syria earthquake (turkey2023)"),
        ]
        event = QgsProcessingParameterEnum(self.EVENT, self.tr("Disaster event"), options=options,
                                           allowMultiple=False, defaultValue=0)
        event.setHelp(self.tr("Which event's scenes to list: 0 = all, 1 = taiwan2024, 2 = noto2024, "
                              "3 = turkey2023."))
        self.addParameter(event)
        output = QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Event scenes"), QgsProcessing.TypeVector)
        output.setHelp(self.tr("The scene table (no geometry when no footprint is known)."))
        self.addParameter(output)
        self.addOutput(QgsProcessingOutputNumber(self.SCENE_COUNT, self.tr("Number of scenes")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        index = self.parameterAsEnum(parameters, self.EVENT, context)
        if not 0 <= index < len(EVENT_VALUES):
            raise QgsProcessingException(self.tr("EVENT must be 0 to {}.").format(len(EVENT_VALUES) - 1))
        with self.core_errors():
            pairs = events.scenes_for(EVENT_VALUES[index])

        with_footprints = any(scene.footprint for _, scene in pairs)
        geometry_type = QgsWkbTypes.Polygon if with_footprints else QgsWkbTypes.NoGeometry
        crs = QgsCoordinateReferenceSystem("EPSG:4326") if with_footprints else QgsCoordinateReferenceSystem()
        fields = scene_fields()
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, fields, geometry_type, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))

        credit = f"{attribution.CREDIT_EN} ({attribution.CREDIT_JA})"
        total = max(len(pairs), 1)
        written = 0
        for number, (event, scene) in enumerate(pairs):
            if feedback.isCanceled():
                break
            feature = QgsFeature(fields)
            record = events.scene_record(event, scene)
            feature.setAttributes([_qt_value(record[name]) for name, _ in events.RECORD_FIELDS] + [credit])
            if with_footprints and scene.footprint:
                feature.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in scene.footprint]]))
            if not sink.addFeature(feature, QgsFeatureSink.FastInsert):
                raise QgsProcessingException(self.tr("Could not write scene {} to the output.").format(scene.scene_id))
            written += 1
            feedback.setProgress(100.0 * (number + 1) / total)
        feedback.pushInfo(self.tr("{} scenes listed. Data provided by JAXA.").format(written))

        AttributionPostProcessor.attach(context, dest_id)
        return {self.OUTPUT: dest_id, self.SCENE_COUNT: written}
