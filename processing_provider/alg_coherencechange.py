"""``palsar2:coherencechange``: coherence loss between a pre-event and a co-event pair (damage proxy),
from three or four L1.1 products or from two interferogram products, with polygons of significant loss."""

from __future__ import annotations

import os
from typing import ClassVar, List

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputRasterLayer,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterVectorDestination,
)

from .base import Palsar2Algorithm, core_callbacks, make_advanced, with_product_widget
from .correction_parameters import (CorrectionParameterNames, add_dem_parameters, add_grid_parameters,
                                    dem_and_grid_arguments)

#: PERMANENT enum values (models store the index): append only.
POLARISATION_VALUES = ("HH", "HV", "VH", "VV")


class CoherenceLossPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Styles the coherence difference or the loss polygons, with metadata and JAXA's credit."""

    _alive: ClassVar[List["CoherenceLossPostProcessor"]] = []

    def __init__(self, kind: str, title: str, abstract: str, threshold: float):
        super().__init__()
        self.kind, self.title, self.abstract, self.threshold = kind, title, abstract, threshold

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.gui import styles
        from ..palsar2_plugin.gui.layer_metadata import apply_attribution

        if self.kind == "raster":
            styles.style_coherence_loss(layer, self.threshold)
        else:
            styles.style_coherence_loss_polygons(layer)
        metadata = layer.metadata()
        metadata.setTitle(self.title)
        metadata.setAbstract(self.abstract)
        layer.setMetadata(metadata)
        apply_attribution(layer)

    @classmethod
    def attach(cls, context, output: str, kind: str, title: str, abstract: str, threshold: float) -> None:
        if output and context.willLoadLayerOnCompletion(output):
            processor = cls(kind, title, abstract, threshold)
            cls._alive.append(processor)
            context.layerToLoadOnCompletionDetails(output).setPostProcessor(processor)


class CoherenceChangeAlgorithm(CorrectionParameterNames, Palsar2Algorithm):
    """Coherence difference of a pre-event and a co-event pair and polygons of significant loss."""

    NAME = "coherencechange"
    REQUIRES = ("numpy", "rasterio", "pyproj")
    DISPLAY_NAME = "Coherence change (damage proxy)"
    GROUP_ID = "load"
    TAGS = ("InSAR", "coherence", "coherence change", "damage proxy", "DPM", "damage", "disaster", "earthquake",
            "landslide", "liquefaction", "change detection", "L1.1")
    HELP_EN = (
        "Where did the ground change at the event? Radar coherence (0-1) says how much the ground stayed the same "
        "between two dates. A pre-event pair of dates (both before the event) shows which ground normally stays "
        "coherent; a co-event pair (spanning the event) loses coherence where buildings collapsed, the ground slid, "
        "liquefied or was covered with debris. The difference, pre-event coherence minus co-event coherence, is a "
        "damage proxy map: positive = loss.\n\n"
        "Inputs, either\n"
        "- L1.1 products of the same path, frame and beam: PRE_REFERENCE (t1) and PRE_SECONDARY (t2), both before "
        "the event, CO_SECONDARY (t3, after the event) and CO_REFERENCE (empty: PRE_SECONDARY, so three "
        "acquisitions t1 < t2 < t3). Both interferograms are made as palsar2:interferogram does (with DEM, "
        "POLARISATION, LOOKS, CRS, PIXEL_SIZE, EXTENT), the co-event one on the pre-event one's grid, and written "
        "into INTERFEROGRAM_FOLDER; or\n"
        "- two interferogram products made by palsar2:interferogram: PRE_INTERFEROGRAM and CO_INTERFEROGRAM "
        "(a product folder's metadata JSON or any of its files). Their grids are matched if they differ.\n\n"
        "THRESHOLD: a loss of at least this much coherence (default 0.3) counts as significant where the "
        "pre-event coherence was at least MIN_PRE_COHERENCE (default 0.4: water, forest and fields are never "
        "coherent, so they cannot show a loss). Regions smaller than MIN_PIXELS are ignored.\n"
        "OUTPUT: the coherence difference (−1…1, positive = loss; no data in layover, shadow and outside either "
        "pair). OUTPUT_LOSS: polygons of significant loss with their area (m²), mean loss and pixel count.\n\n"
        "How to read it: both pairs must be multilooked alike (the coherence estimate depends on the number of "
        "looks), and should span similar times: a longer co-event pair loses coherence everywhere with vegetation "
        "and soil moisture. Both are checked and warned about. Loss is a proxy, not proof of damage: confirm "
        "on the ground or with optical images.\n"
        "Results: OUTPUT, OUTPUT_LOSS, PRE_COHERENCE, CO_COHERENCE, LOSS_AREA_M2, POLYGON_COUNT, LOSS_PIXELS."
    )
    HELP_JA = (
        "災害でどこの地表が変化したかを示します。コヒーレンス(0〜1)は2時期の間に地表がどれだけ変わらなかったかを表します。"
        "災害前の2時期の組(災害前ペア)で普段コヒーレンスが高い場所を、災害をはさむ組(災害時ペア)で建物の倒壊、"
        "地すべり、液状化、がれきなどでコヒーレンスが下がった場所を知ることができます。災害前のコヒーレンスから"
        "災害時のコヒーレンスを引いた差は被害推定図になります(正 = 低下)。\n\n"
        "入力は次のどちらか。\n"
        "- 同じパス、フレーム、ビームのレベル1.1プロダクト: PRE_REFERENCE(t1)とPRE_SECONDARY(t2)はどちらも災害前、"
        "CO_SECONDARY(t3)は災害後、CO_REFERENCE(空欄 = PRE_SECONDARY。3時期 t1 < t2 < t3)。2つの干渉画像を "
        "palsar2:interferogram と同じ方法(DEM、POLARISATION、LOOKS、CRS、PIXEL_SIZE、EXTENT)で作り、災害時ペアは"
        "災害前ペアと同じ格子にして、INTERFEROGRAM_FOLDER に保存します。\n"
        "- palsar2:interferogram で作った2つの干渉プロダクト: PRE_INTERFEROGRAM と CO_INTERFEROGRAM(プロダクトの"
        "メタデータJSONまたは任意のファイル)。格子が異なる場合は合わせます。\n\n"
        "THRESHOLD: 災害前のコヒーレンスが MIN_PRE_COHERENCE(既定 0.4)以上の場所で、この値(既定 0.3)以上の"
        "コヒーレンス低下を有意とします(水面、森林、農地はもともとコヒーレンスが低く、低下を示せません)。"
        "MIN_PIXELS 未満の領域は除きます。\n"
        "OUTPUT: コヒーレンスの差(−1〜1、正 = 低下。レイオーバ、レーダシャドウ、どちらかのペアの範囲外はNoData)。"
        "OUTPUT_LOSS: 有意なコヒーレンス低下のポリゴン(面積 m²、平均低下量、画素数)。\n\n"
        "見方: 2つのペアは同じルック数でマルチルックする必要があり(コヒーレンスの推定値はルック数に依存します)、"
        "観測間隔も同程度であるべきです(災害時ペアの間隔が長いと植生や土壌水分で全体にコヒーレンスが下がります)。"
        "どちらも確認して警告します。コヒーレンス低下は被害の手がかりであり証拠ではありません。現地や光学画像で"
        "確認してください。\n"
        "結果: OUTPUT、OUTPUT_LOSS、PRE_COHERENCE、CO_COHERENCE、LOSS_AREA_M2、POLYGON_COUNT、LOSS_PIXELS。"
    )

    PRE_REFERENCE = "PRE_REFERENCE"
    PRE_SECONDARY = "PRE_SECONDARY"
    CO_REFERENCE = "CO_REFERENCE"
    CO_SECONDARY = "CO_SECONDARY"
    PRE_INTERFEROGRAM = "PRE_INTERFEROGRAM"
    CO_INTERFEROGRAM = "CO_INTERFEROGRAM"
    POLARISATION = "POLARISATION"
    LOOKS_AZIMUTH = "LOOKS_AZIMUTH"
    LOOKS_RANGE = "LOOKS_RANGE"
    THRESHOLD = "THRESHOLD"
    MIN_PRE_COHERENCE = "MIN_PRE_COHERENCE"
    MIN_PIXELS = "MIN_PIXELS"
    INTERFEROGRAM_FOLDER = "INTERFEROGRAM_FOLDER"
    OUTPUT = "OUTPUT"
    OUTPUT_LOSS = "OUTPUT_LOSS"
    PRE_COHERENCE = "PRE_COHERENCE"
    CO_COHERENCE = "CO_COHERENCE"
    LOSS_PIXELS = "LOSS_PIXELS"
    LOSS_AREA_M2 = "LOSS_AREA_M2"
    POLYGON_COUNT = "POLYGON_COUNT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        all_files = self.tr("All files (*)")
        for name, label, help_text in (
                (self.PRE_REFERENCE, self.tr("Pre-event pair: reference (earliest) L1.1 product"),
                 self.tr("The first acquisition, before the event: L1.1 product folder, zip or any of its files.")),
                (self.PRE_SECONDARY, self.tr("Pre-event pair: secondary L1.1 product"),
                 self.tr("The second acquisition, still before the event.")),
                (self.CO_REFERENCE, self.tr("Co-event pair: reference L1.1 product (empty = the pre-event secondary)"),
                 self.tr("The co-event pair's first acquisition, before the event; leave empty to use the "
                         "pre-event secondary (three acquisitions).")),
                (self.CO_SECONDARY, self.tr("Co-event pair: secondary (after the event) L1.1 product"),
                 self.tr("The acquisition after the event.")),
                (self.PRE_INTERFEROGRAM, self.tr("Or: pre-event interferogram product"),
                 self.tr("An interferogram product of palsar2:interferogram (its metadata JSON or any of its "
                         "files), instead of L1.1 products.")),
                (self.CO_INTERFEROGRAM, self.tr("Or: co-event interferogram product"),
                 self.tr("The interferogram product of the pair spanning the event."))):
            parameter = QgsProcessingParameterFile(name, label, behavior=QgsProcessingParameterFile.File,
                                                   fileFilter=all_files, optional=True)
            parameter.setHelp(help_text)
            self.addParameter(with_product_widget(parameter))
        add_dem_parameters(self, optional=True)
        pol = QgsProcessingParameterEnum(self.POLARISATION, self.tr("Polarisation"), options=list(POLARISATION_VALUES),
                                         defaultValue=0)
        pol.setHelp(self.tr("0 = HH, 1 = HV, 2 = VH, 3 = VV; all products must have it."))
        self.addParameter(pol)
        for name, label in ((self.LOOKS_AZIMUTH, self.tr("Looks in azimuth (0 = from the pixel size)")),
                            (self.LOOKS_RANGE, self.tr("Looks in range (0 = from the pixel size)"))):
            looks = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer, 0, minValue=0,
                                                 maxValue=500)
            looks.setHelp(self.tr("Multilook window of both pairs; the coherence is estimated on it."))
            self.addParameter(make_advanced(looks))
        add_grid_parameters(self)
        threshold = QgsProcessingParameterNumber(self.THRESHOLD, self.tr("Significant coherence loss (0-1)"),
                                                 QgsProcessingParameterNumber.Double, 0.3, minValue=0.01,
                                                 maxValue=1.0)
        threshold.setHelp(self.tr("A drop of coherence of at least this much counts as significant loss."))
        self.addParameter(threshold)
        pre_min = QgsProcessingParameterNumber(self.MIN_PRE_COHERENCE, self.tr("Least pre-event coherence (0-1)"),
                                               QgsProcessingParameterNumber.Double, 0.4, minValue=0.0,
                                               maxValue=0.99)
        pre_min.setHelp(self.tr("Only ground at least this coherent before the event can show a loss."))
        self.addParameter(make_advanced(pre_min))
        minimum = QgsProcessingParameterNumber(self.MIN_PIXELS, self.tr("Smallest loss region (pixels)"),
                                               QgsProcessingParameterNumber.Integer, 9, minValue=1)
        minimum.setHelp(self.tr("Loss regions with fewer pixels are ignored."))
        self.addParameter(make_advanced(minimum))
        folder = QgsProcessingParameterFolderDestination(self.INTERFEROGRAM_FOLDER,
                                                         self.tr("Folder for the two interferogram products"),
                                                         optional=True)
        folder.setHelp(self.tr("Where the pre-event and co-event interferogram products are written (L1.1 inputs)."))
        self.addParameter(folder)
        output = QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Coherence loss (pre − co)"))
        output.setHelp(self.tr("Pre-event minus co-event coherence, −1…1; positive = loss."))
        self.addParameter(output)
        loss = QgsProcessingParameterVectorDestination(self.OUTPUT_LOSS, self.tr("Significant loss polygons"),
                                                       QgsProcessing.TypeVectorPolygon, optional=True,
                                                       createByDefault=True)
        loss.setHelp(self.tr("Polygons of significant coherence loss with area (m²), mean loss and pixel count."))
        self.addParameter(loss)
        self.addOutput(QgsProcessingOutputRasterLayer(self.PRE_COHERENCE, self.tr("Pre-event coherence")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.CO_COHERENCE, self.tr("Co-event coherence")))
        self.addOutput(QgsProcessingOutputNumber(self.LOSS_PIXELS, self.tr("Pixels of significant loss")))
        self.addOutput(QgsProcessingOutputNumber(self.LOSS_AREA_M2, self.tr("Area of the loss polygons (m²)")))
        self.addOutput(QgsProcessingOutputNumber(self.POLYGON_COUNT, self.tr("Number of loss polygons")))

    def _file(self, parameters, name, context) -> str:
        return self.parameterAsFile(parameters, name, context) if parameters.get(name) not in (None, "") else ""

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.insar.coherence_change import (coherence_change_of_interferograms,
                                                             coherence_change_of_products)

        products = {n: self._file(parameters, n, context)
                    for n in (self.PRE_REFERENCE, self.PRE_SECONDARY, self.CO_REFERENCE, self.CO_SECONDARY)}
        pre_ifg = self._file(parameters, self.PRE_INTERFEROGRAM, context)
        co_ifg = self._file(parameters, self.CO_INTERFEROGRAM, context)
        use_products = any(products.values())
        if use_products and (pre_ifg or co_ifg):
            raise QgsProcessingException(self.tr("Give either L1.1 products or two interferogram products, not both."))
        if not use_products and not (pre_ifg and co_ifg):
            raise QgsProcessingException(self.tr(
                "Give the L1.1 products (PRE_REFERENCE, PRE_SECONDARY, CO_SECONDARY, optionally CO_REFERENCE) or "
                "two interferogram products (PRE_INTERFEROGRAM, CO_INTERFEROGRAM)."))
        threshold = self.parameterAsDouble(parameters, self.THRESHOLD, context)
        options = dict(threshold=threshold,
                       min_pre_coherence=self.parameterAsDouble(parameters, self.MIN_PRE_COHERENCE, context),
                       min_pixels=self.parameterAsInt(parameters, self.MIN_PIXELS, context))
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        polygons = (self.parameterAsOutputLayer(parameters, self.OUTPUT_LOSS, context)
                    if parameters.get(self.OUTPUT_LOSS) is not None else None) or None
        progress, is_cancelled = core_callbacks(feedback)
        with self.core_errors():
            if use_products:
                missing = [n for n in (self.PRE_REFERENCE, self.PRE_SECONDARY, self.CO_SECONDARY) if not products[n]]
                if missing:
                    raise QgsProcessingException(self.tr("Give the L1.1 product(s) {}.").format(", ".join(missing)))
                grid_args = dem_and_grid_arguments(self, parameters, context)
                dem_path = grid_args.pop("dem_path")
                la = self.parameterAsInt(parameters, self.LOOKS_AZIMUTH, context)
                lr = self.parameterAsInt(parameters, self.LOOKS_RANGE, context)
                folder = self.parameterAsString(parameters, self.INTERFEROGRAM_FOLDER, context)
                if not folder:
                    from qgis.core import QgsProcessingUtils

                    folder = os.path.join(QgsProcessingUtils.tempFolder(), "coherencechange")
                result = coherence_change_of_products(
                    (products[self.PRE_REFERENCE], products[self.PRE_SECONDARY]),
                    (products[self.CO_REFERENCE] or products[self.PRE_SECONDARY], products[self.CO_SECONDARY]),
                    dem_path, folder, output, polygons,
                    polarisation=POLARISATION_VALUES[self.parameterAsEnum(parameters, self.POLARISATION, context)],
                    looks=(la, lr) if la > 0 and lr > 0 else None, workers=max(1, min(os.cpu_count() or 1, 4)),
                    progress=progress, is_cancelled=is_cancelled, **grid_args, **options)
            else:
                result = coherence_change_of_interferograms(pre_ifg, co_ifg, output, polygons, progress=progress,
                                                            is_cancelled=is_cancelled, **options)
        for warning in result.warnings:
            feedback.pushWarning(warning)
        loss = result.loss
        feedback.pushInfo(self.tr("Pre-event pair {}, co-event pair {}").format(result.pre.name, result.co.name))
        feedback.pushInfo(self.tr("Valid pixels: {}, significant loss: {} pixels, {} polygons, {:.0f} m²").format(
            loss.valid_pixels, loss.loss_pixels, loss.polygon_count, loss.loss_area_m2))
        dates = (f"{result.pre.reference_time_utc[:10]}/{result.pre.secondary_time_utc[:10]} → "
                 f"{result.co.reference_time_utc[:10]}/{result.co.secondary_time_utc[:10]}")
        abstract = ("ALOS-2 PALSAR-2 coherence change (damage proxy) {}: pre-event minus co-event coherence, "
                    "positive = loss; significant loss >= {:g} where the pre-event coherence >= {:g}.").format(
            dates, threshold, options["min_pre_coherence"])
        CoherenceLossPostProcessor.attach(context, output, "raster", f"Coherence loss {dates}", abstract, threshold)
        if polygons:
            CoherenceLossPostProcessor.attach(context, polygons, "vector", f"Coherence loss polygons {dates}",
                                              abstract, threshold)
        return {self.OUTPUT: output, self.OUTPUT_LOSS: loss.polygons,
                self.PRE_COHERENCE: result.pre.layer("coherence"), self.CO_COHERENCE: result.co.layer("coherence"),
                self.INTERFEROGRAM_FOLDER: os.path.dirname(result.pre.folder),
                self.LOSS_PIXELS: loss.loss_pixels, self.LOSS_AREA_M2: loss.loss_area_m2,
                self.POLYGON_COUNT: loss.polygon_count}
