"""``palsar2:changedetection``: pre/post-event log-ratio of two NRB products or layers, with change polygons."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from typing import ClassVar, List

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorDestination,
    QgsProcessingUtils,
)

from .base import Palsar2Algorithm, core_callbacks, make_advanced, with_product_widget

#: PERMANENT enum values (models store the index): append only.
POLARISATION_VALUES = ("HH", "HV", "VV", "VH")
#: The core's filter names (change.filters.FILTERS; that module needs numpy, imported when running).
FILTER_VALUES = ("none", "boxcar", "refined_lee")


class ChangeStylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Diverging log-ratio colours or increase/decrease polygon colours, plus JAXA attribution."""

    _alive: ClassVar[List["ChangeStylePostProcessor"]] = []

    def __init__(self, kind: str, title: str):
        super().__init__()
        self.kind, self.title = kind, title

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.gui import styles
        from ..palsar2_plugin.gui.layer_metadata import apply_attribution

        if self.kind == "raster":
            styles.style_change(layer)
        else:
            styles.style_change_polygons(layer)
        metadata = layer.metadata()
        metadata.setTitle(self.title)
        metadata.setAbstract("Change detection between two ALOS-2 PALSAR-2 acquisitions: log-ratio "
                             "10·log10(after/before) in dB; positive = brighter after the event.")
        layer.setMetadata(metadata)
        apply_attribution(layer)

    @classmethod
    def attach(cls, context, output: str, kind: str, title: str) -> None:
        if output and context.willLoadLayerOnCompletion(output):
            processor = cls(kind, title)
            cls._alive.append(processor)
            context.layerToLoadOnCompletionDetails(output).setPostProcessor(processor)


class ChangeDetectionAlgorithm(Palsar2Algorithm):
    """Log-ratio change detection of two acquisitions of the same area and polarisation."""

    NAME = "changedetection"
    REQUIRES = ("numpy", "rasterio", "pyproj")
    DISPLAY_NAME = "Change detection (log-ratio)"
    GROUP_ID = "load"
    TAGS = ("change detection", "log-ratio", "disaster", "flood", "speckle filter", "refined Lee", "boxcar")
    HELP_EN = (
        "Compares two acquisitions of the same area (BEFORE and AFTER an event) and writes the log-ratio "
        "10·log10(γ⁰ after / γ⁰ before) in dB: negative where the ground became darker (e.g. flooding), "
        "positive where it became brighter (e.g. collapsed buildings, debris).\n\n"
        "BEFORE / AFTER: a product (folder, zip, summary.xml or any file; JAXA L2.2, L2.1 or this plugin's NRB) "
        "or BEFORE_LAYER / AFTER_LAYER: a backscatter layer (e.g. from 'Load NRB product as layers'). "
        "AFTER is resampled onto BEFORE's grid when they differ.\n"
        "POLARISATION: the band of the products to compare (both must be the same polarisation).\n"
        "SPECKLE_FILTER: none, boxcar or refined Lee over WINDOW×WINDOW pixels (LOOKS: equivalent number of "
        "looks for refined Lee), applied to linear power before the ratio.\n"
        "OUTPUT: the log-ratio GeoTIFF (Float32, dB); no data where either mask is not Valid (no data, "
        "layover, shadow, ocean, invalid) or a value is missing.\n"
        "THRESHOLD_DB (optional): a change of at least this many dB (up or down) becomes a polygon in "
        "OUTPUT_CHANGES, with its direction (increase/decrease), area in m², mean change in dB and pixel count. "
        "Regions smaller than MIN_PIXELS are ignored.\n"
        "LAYER_SCALE (advanced): how to read rasters that are neither products nor layers of this plugin "
        "(automatic: dB if the band's unit is dB, else linear power)."
    )
    HELP_JA = (
        "同じ範囲の2時期の観測(災害前 BEFORE と災害後 AFTER)を比較し、対数比 10·log10(γ⁰ 後 / γ⁰ 前) [dB] "
        "を出力します(変化抽出)。負の値は暗くなった場所(浸水など)、正の値は明るくなった場所(倒壊、がれき等)です。\n\n"
        "BEFORE / AFTER: プロダクト(フォルダ、zip、summary.xml、任意のファイル。JAXAのL2.2、L2.1、本プラグインのNRB)、"
        "または BEFORE_LAYER / AFTER_LAYER: 後方散乱係数レイヤ。格子が異なる場合はAFTERをBEFOREの格子に再配置します。\n"
        "POLARISATION: 比較する偏波(両方とも同じ偏波)。\n"
        "SPECKLE_FILTER: スペックルフィルタ(なし、Boxcar、Refined Lee)、ウィンドウ WINDOW×WINDOW 画素"
        "(LOOKS: Refined Lee のルック数)。比の前に線形電力に適用します。\n"
        "OUTPUT: 対数比のGeoTIFF(Float32、dB)。いずれかのデータマスクが有効でない画素"
        "(NoData、レイオーバ、レーダシャドウ、海域、無効)はNoDataです。\n"
        "THRESHOLD_DB(任意): この値以上の変化(増加・減少)をポリゴンとして OUTPUT_CHANGES に出力します"
        "(変化の向き、面積 m²、平均変化 dB、画素数)。MIN_PIXELS 未満の領域は除きます。\n"
        "LAYER_SCALE(詳細): 本プラグインのプロダクトやレイヤ以外のラスタの値の読み方"
        "(自動: バンドの単位がdBならdB、それ以外は線形電力)。"
    )

    BEFORE = "BEFORE"
    AFTER = "AFTER"
    BEFORE_LAYER = "BEFORE_LAYER"
    AFTER_LAYER = "AFTER_LAYER"
    POLARISATION = "POLARISATION"
    SPECKLE_FILTER = "SPECKLE_FILTER"
    WINDOW = "WINDOW"
    LOOKS = "LOOKS"
    THRESHOLD_DB = "THRESHOLD_DB"
    MIN_PIXELS = "MIN_PIXELS"
    LAYER_SCALE = "LAYER_SCALE"
    OUTPUT = "OUTPUT"
    OUTPUT_CHANGES = "OUTPUT_CHANGES"
    INCREASE_PIXELS = "INCREASE_PIXELS"
    DECREASE_PIXELS = "DECREASE_PIXELS"
    POLYGON_COUNT = "POLYGON_COUNT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        product_filter = self.tr("Products and rasters (*.xml *.zip *.tif *.TIF *.vrt *.json);;All files (*)")
        for name, label in ((self.BEFORE, self.tr("BEFORE product (folder, zip, summary.xml or any file)")),
                            (self.AFTER, self.tr("AFTER product (folder, zip, summary.xml or any file)"))):
            parameter = QgsProcessingParameterFile(name, label, behavior=QgsProcessingParameterFile.File,
                                                   fileFilter=product_filter, optional=True)
            parameter.setHelp(self.tr("A product or raster file, or a product folder; or use the layer input."))
            self.addParameter(with_product_widget(parameter))
        for name, label in ((self.BEFORE_LAYER, self.tr("BEFORE layer (instead of a product)")),
                            (self.AFTER_LAYER, self.tr("AFTER layer (instead of a product)"))):
            parameter = QgsProcessingParameterRasterLayer(name, label, optional=True)
            parameter.setHelp(self.tr("A backscatter layer in dB or linear power (e.g. loaded by loadnrb)."))
            self.addParameter(parameter)
        pol = QgsProcessingParameterEnum(self.POLARISATION, self.tr("Polarisation"),
                                         options=list(POLARISATION_VALUES), defaultValue=0)
        pol.setHelp(self.tr("0 = HH, 1 = HV, 2 = VV, 3 = VH (for products; a layer keeps its own)."))
        self.addParameter(pol)
        speckle = QgsProcessingParameterEnum(self.SPECKLE_FILTER, self.tr("Speckle filter"),
                                             options=[self.tr("None"), self.tr("Boxcar"), self.tr("Refined Lee")],
                                             defaultValue=1)
        speckle.setHelp(self.tr("0 = none, 1 = boxcar (mean), 2 = refined Lee (edge-preserving, slower)."))
        self.addParameter(speckle)
        window = QgsProcessingParameterNumber(self.WINDOW, self.tr("Filter window (pixels, odd)"),
                                              QgsProcessingParameterNumber.Integer, 5, minValue=3, maxValue=31)
        window.setHelp(self.tr("Window size in pixels (odd; at least 5 for refined Lee)."))
        self.addParameter(window)
        looks = QgsProcessingParameterNumber(self.LOOKS, self.tr("Equivalent number of looks (refined Lee)"),
                                             QgsProcessingParameterNumber.Double, 4.0, minValue=0.5)
        looks.setHelp(self.tr("Speckle looks of the input, used by refined Lee."))
        self.addParameter(make_advanced(looks))
        threshold = QgsProcessingParameterNumber(self.THRESHOLD_DB, self.tr("Change threshold (dB, optional)"),
                                                 QgsProcessingParameterNumber.Double, None, optional=True,
                                                 minValue=0.01)
        threshold.setHelp(self.tr("Changes of at least this many dB (up or down) become polygons."))
        self.addParameter(threshold)
        minimum = QgsProcessingParameterNumber(self.MIN_PIXELS, self.tr("Smallest change region (pixels)"),
                                               QgsProcessingParameterNumber.Integer, 9, minValue=1)
        minimum.setHelp(self.tr("Change regions with fewer pixels are ignored."))
        self.addParameter(make_advanced(minimum))
        layer_scale = QgsProcessingParameterEnum(self.LAYER_SCALE, self.tr("Values of other rasters"),
                                                 options=[self.tr("Automatic (dB if the band unit is dB)"),
                                                          self.tr("dB"), self.tr("Linear power")], defaultValue=0)
        layer_scale.setHelp(self.tr("How to read a BEFORE/AFTER raster that is not a PALSAR-2 product or a layer "
                                    "made by this plugin: 0 = by its band unit, 1 = dB, 2 = linear power."))
        self.addParameter(make_advanced(layer_scale))
        output = QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Log-ratio (dB)"))
        output.setHelp(self.tr("10·log10(after/before) in dB, NaN where either input is not valid."))
        self.addParameter(output)
        changes = QgsProcessingParameterVectorDestination(self.OUTPUT_CHANGES, self.tr("Change polygons"),
                                                          QgsProcessing.TypeVectorPolygon, optional=True,
                                                          createByDefault=True)
        changes.setHelp(self.tr("Polygons of significant increase/decrease (needs THRESHOLD_DB)."))
        self.addParameter(changes)
        self.addOutput(QgsProcessingOutputNumber(self.INCREASE_PIXELS, self.tr("Pixels of increase")))
        self.addOutput(QgsProcessingOutputNumber(self.DECREASE_PIXELS, self.tr("Pixels of decrease")))
        self.addOutput(QgsProcessingOutputNumber(self.POLYGON_COUNT, self.tr("Number of change polygons")))

    def _source(self, parameters, context, file_name: str, layer_name: str, label: str) -> str:
        layer = self.parameterAsRasterLayer(parameters, layer_name, context) if parameters.get(layer_name) else None
        path = self.parameterAsFile(parameters, file_name, context) if parameters.get(file_name) else ""
        if layer is not None and path:
            raise QgsProcessingException(self.tr("Give either a {0} product or a {0} layer, not both.").format(label))
        if layer is not None:
            return layer.source()
        if path:
            return path
        raise QgsProcessingException(self.tr("Give the {0} product ({1}) or layer ({2}).").format(
            label, file_name, layer_name))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.change import detect, sources

        before_path = self._source(parameters, context, self.BEFORE, self.BEFORE_LAYER, "BEFORE")
        after_path = self._source(parameters, context, self.AFTER, self.AFTER_LAYER, "AFTER")
        pol = POLARISATION_VALUES[self.parameterAsEnum(parameters, self.POLARISATION, context)]
        speckle = FILTER_VALUES[self.parameterAsEnum(parameters, self.SPECKLE_FILTER, context)]
        window = self.parameterAsInt(parameters, self.WINDOW, context)
        looks = self.parameterAsDouble(parameters, self.LOOKS, context)
        threshold = (self.parameterAsDouble(parameters, self.THRESHOLD_DB, context)
                     if parameters.get(self.THRESHOLD_DB) not in (None, "") else None)
        min_pixels = self.parameterAsInt(parameters, self.MIN_PIXELS, context)
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        changes = self.parameterAsOutputLayer(parameters, self.OUTPUT_CHANGES, context) \
            if parameters.get(self.OUTPUT_CHANGES) is not None else None
        if changes and threshold is None:
            feedback.pushWarning(self.tr("No THRESHOLD_DB given: no change polygons are made."))
            pending = context.layersToLoadOnCompletion()
            if changes in pending:
                del pending[changes]
                context.setLayersToLoadOnCompletion(pending)
            changes = None
        progress, is_cancelled = core_callbacks(feedback)
        workdir = tempfile.mkdtemp(prefix="changedetection_", dir=QgsProcessingUtils.tempFolder())
        with self.core_errors():
            before = sources.resolve_input(before_path, pol, os.path.join(workdir, "before"), "BEFORE")
            after = sources.resolve_input(after_path, pol, os.path.join(workdir, "after"), "AFTER")
            forced = (None, sources.SCALE_DB, sources.SCALE_LINEAR)[
                self.parameterAsEnum(parameters, self.LAYER_SCALE, context)]
            if forced:
                before, after = (replace(s, scale=forced) if s.product is None else s for s in (before, after))
            feedback.pushInfo(self.tr("Comparing {} with {}").format(before.label, after.label))
            result = detect.detect_changes(before, after, output, speckle, window, looks, threshold, changes,
                                           min_pixels, progress=progress, is_cancelled=is_cancelled)
        feedback.pushInfo(self.tr("Valid pixels: {}, increase: {}, decrease: {}, polygons: {}").format(
            result.valid_pixels, result.increase_pixels, result.decrease_pixels, result.polygons))
        title = f"Change {os.path.basename(before_path)} → {os.path.basename(after_path)}"
        ChangeStylePostProcessor.attach(context, output, "raster", title)
        if changes:
            ChangeStylePostProcessor.attach(context, changes, "vector", title)
        return {self.OUTPUT: output, self.OUTPUT_CHANGES: result.changes,
                self.INCREASE_PIXELS: result.increase_pixels if threshold is not None else None,
                self.DECREASE_PIXELS: result.decrease_pixels if threshold is not None else None,
                self.POLYGON_COUNT: result.polygons}
