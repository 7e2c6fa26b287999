"""``palsar2:batchterraincorrection``: many L1.1 products (paths or URLs) -> one NRB product each, here or on Dask."""

from __future__ import annotations

import json
import re

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
    QgsProcessing,
    QgsSettings,
)

from .correction_parameters import (HEIGHT_REFERENCE_VALUES, POLARISATION_VALUES, CorrectionParameterNames,
                                    add_correction_parameters)
from .base import Palsar2Algorithm, core_callbacks, make_advanced, warning_callback

#: PERMANENT enum values (models store the index): append only.
EXECUTION_OPTIONS = ("this process", "local Dask cluster", "remote Dask scheduler")
SCHEDULER_SETTING = "palsar2/dask/scheduler"


def split_inputs(text: str):
    """Products from a text: one per line (or separated by ';'), blank entries dropped."""
    return [p.strip().strip('"') for p in re.split(r"[;\n]", text or "") if p.strip()]


class BatchTerrainCorrectionAlgorithm(CorrectionParameterNames, Palsar2Algorithm):
    """Terrain correction of several products, in this process, on a local Dask cluster or a remote scheduler."""

    NAME = "batchterraincorrection"
    REQUIRES = ("numpy", "rasterio", "pyproj")
    DISPLAY_NAME = "Batch terrain correction (many scenes, Dask)"
    GROUP_ID = "correct"
    TAGS = ("RTC", "batch", "Dask", "cluster", "scale", "S3", "URL", "gamma0", "NRB", "L1.1")
    HELP_EN = (
        "Terrain correction (as palsar2:terraincorrection) of several ALOS-2/PALSAR-2 L1.1 products, one NRB product "
        "folder per scene, in this process or on a Dask cluster.\n\n"
        "INPUTS: products, one per line: folders, zips or any of their files, or http(s):// or s3:// URLs of one of a "
        "product's files (read through ranged requests, without downloading the whole file: with a small EXTENT "
        "only the image lines it needs are read). FOOTPRINTS: optionally a footprint layer from the scene search; "
        "each feature's FOOTPRINT_FIELD (default download_path) is added to the inputs.\n"
        "DEM, DEM_HEIGHT_REFERENCE, POLARISATIONS, CRS, PIXEL_SIZE, EXTENT, OVERSAMPLING: as in the terrain "
        "correction.\n"
        "EXECUTION: 0 this process; 1 a local Dask cluster (2 worker processes of 1 thread); 2 a remote Dask "
        "scheduler at SCHEDULER_ADDRESS (advanced; default: the setting palsar2/dask/scheduler), whose workers must "
        "see the output folder and the products (shared file system or URLs). Dask options need the packages dask "
        "and distributed; without them choose 'this process'.\n"
        "OUTPUT_FOLDER: the product folders are created inside it, each only when complete.\n\n"
        "Every scene is tried: a scene that cannot be read, calibrated or corrected is reported (log and results) "
        "with the reason and does not stop the others; the algorithm fails only when no scene was written.\n"
        "Results: OUTPUT_FOLDER, PRODUCTS (the product folders written), FAILED (one line per failed scene: "
        "product, then why), WRITTEN_COUNT, FAILED_COUNT and SCENES (per scene, in input order: product, status "
        "written/failed, folder, files written, error, warnings)."
    )
    HELP_JA = (
        "複数のALOS-2/PALSAR-2レベル1.1プロダクトを(palsar2:terraincorrectionと同じ方法で)地形補正し、"
        "シーンごとにNRBプロダクトのフォルダを作ります。この処理内またはDaskクラスタで実行します。\n\n"
        "INPUTS: プロダクトを1行に1つ: フォルダ、zip、プロダクト内の任意のファイル、またはプロダクトのファイルの"
        "http(s)://、s3:// のURL(範囲指定の読み込みで、ファイル全体をダウンロードしません。EXTENTが小さければ"
        "必要な画像ラインだけを読みます)。FOOTPRINTS: シーン検索のフットプリントレイヤ(任意)。各地物の"
        "FOOTPRINT_FIELD(既定 download_path)を入力に加えます。\n"
        "DEM、DEM_HEIGHT_REFERENCE、POLARISATIONS、CRS、PIXEL_SIZE、EXTENT、OVERSAMPLING: 地形補正と同じです。\n"
        "EXECUTION: 0 この処理内、1 ローカルのDaskクラスタ(1スレッドのワーカープロセス2つ)、2 SCHEDULER_ADDRESS"
        "(詳細設定。既定は設定 palsar2/dask/scheduler)のリモートDaskスケジューラ。ワーカーから出力フォルダと"
        "プロダクトが見える必要があります(共有ファイルシステムまたはURL)。Daskの選択肢には dask と distributed "
        "パッケージが必要です。無い場合は「この処理内」を選んでください。\n"
        "OUTPUT_FOLDER: この中にプロダクトのフォルダを作ります(完成したときにだけ現れます)。\n\n"
        "すべてのシーンを処理します。読み込み・校正・補正ができないシーンは理由とともに報告し(ログと結果)、"
        "ほかのシーンの処理は続けます。アルゴリズムが失敗するのは、1つのシーンも書き出せなかったときだけです。\n"
        "結果: OUTPUT_FOLDER、PRODUCTS(書き出したプロダクトのフォルダ)、FAILED(失敗したシーンごとに1行: "
        "プロダクトと理由)、WRITTEN_COUNT、FAILED_COUNT、SCENES(入力順のシーンごと: プロダクト、状態 "
        "written/failed、フォルダ、書き出したファイル、エラー、警告)。"
    )

    INPUTS = "INPUTS"
    FOOTPRINTS = "FOOTPRINTS"
    FOOTPRINT_FIELD = "FOOTPRINT_FIELD"
    EXECUTION = "EXECUTION"
    SCHEDULER_ADDRESS = "SCHEDULER_ADDRESS"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    PRODUCTS = "PRODUCTS"
    FAILED = "FAILED"
    WRITTEN_COUNT = "WRITTEN_COUNT"
    FAILED_COUNT = "FAILED_COUNT"
    SCENES = "SCENES"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        inputs = QgsProcessingParameterString(self.INPUTS, self.tr("Products (one per line: folder, zip, file or URL)"),
                                              multiLine=True, optional=True)
        inputs.setHelp(self.tr("L1.1 products: folders, zips, any of their files, or http(s)/s3 URLs of a file."))
        self.addParameter(inputs)
        footprints = QgsProcessingParameterFeatureSource(self.FOOTPRINTS, self.tr("Footprint layer from the scene search"),
                                                         [QgsProcessing.TypeVectorAnyGeometry], optional=True)
        footprints.setHelp(self.tr("Each feature's download path or URL attribute is added to the products."))
        self.addParameter(footprints)
        field = QgsProcessingParameterString(self.FOOTPRINT_FIELD, self.tr("Attribute with the product path or URL"),
                                             defaultValue="download_path")
        self.addParameter(make_advanced(field))
        add_correction_parameters(self)
        execution = QgsProcessingParameterEnum(self.EXECUTION, self.tr("Run on"),
                                               options=[self.tr("This process"), self.tr("Local Dask cluster"),
                                                        self.tr("Remote Dask scheduler")], defaultValue=0)
        execution.setHelp(self.tr("Where the tiles are computed; the Dask options need dask and distributed."))
        self.addParameter(execution)
        address = QgsProcessingParameterString(self.SCHEDULER_ADDRESS,
                                               self.tr("Dask scheduler address (empty = setting palsar2/dask/scheduler)"),
                                               optional=True)
        self.addParameter(make_advanced(address))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.PRODUCTS, self.tr("NRB product folders")))
        self.addOutput(QgsProcessingOutputString(self.FAILED, self.tr("Failed scenes and why")))
        self.addOutput(QgsProcessingOutputNumber(self.WRITTEN_COUNT, self.tr("Number of products written")))
        self.addOutput(QgsProcessingOutputNumber(self.FAILED_COUNT, self.tr("Number of scenes that failed")))
        self.addOutput(QgsProcessingOutputString(self.SCENES, self.tr("Per-scene results")))

    def _products(self, parameters, context):
        products = split_inputs(self.parameterAsString(parameters, self.INPUTS, context))
        source = self.parameterAsSource(parameters, self.FOOTPRINTS, context) if parameters.get(self.FOOTPRINTS) else None
        if source is not None:
            name = (self.parameterAsString(parameters, self.FOOTPRINT_FIELD, context) or "download_path").strip()
            index = source.fields().lookupField(name)
            if index < 0:
                raise QgsProcessingException(self.tr("The footprint layer has no attribute {}: choose the attribute "
                                                     "holding the product path or URL.").format(name))
            for feature in source.getFeatures():
                value = feature.attributes()[index]
                if value not in (None, "") and str(value) not in products:
                    products.append(str(value))
        if not products:
            raise QgsProcessingException(self.tr("Give at least one product in INPUTS or a footprint layer."))
        return products

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.scale.execution import ExecutionOptions

        products = self._products(parameters, context)
        dem_layer = self.parameterAsRasterLayer(parameters, self.DEM, context)
        if dem_layer is None or not dem_layer.isValid() or dem_layer.providerType() != "gdal":
            raise QgsProcessingException(self.tr("Choose a DEM raster file GDAL reads (save a web layer as GeoTIFF)."))
        reference = HEIGHT_REFERENCE_VALUES[self.parameterAsEnum(parameters, self.DEM_HEIGHT_REFERENCE, context)]
        pols = [POLARISATION_VALUES[i] for i in self.parameterAsEnums(parameters, self.POLARISATIONS, context)]
        crs = self.parameterAsCrs(parameters, self.CRS, context)
        crs_text = None
        if crs.isValid():
            if crs.isGeographic():
                raise QgsProcessingException(self.tr("Choose a projected CRS in metres (e.g. UTM), or leave CRS empty."))
            crs_text = crs.authid() or crs.toWkt()
        extent = extent_crs = None
        if parameters.get(self.EXTENT) not in (None, ""):
            rect = self.parameterAsExtent(parameters, self.EXTENT, context)
            if not rect.isNull() and not rect.isEmpty():
                e_crs = self.parameterAsExtentCrs(parameters, self.EXTENT, context)
                extent = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
                extent_crs = (e_crs.authid() or e_crs.toWkt()) if e_crs.isValid() else "EPSG:4326"
        mode = self.parameterAsEnum(parameters, self.EXECUTION, context)
        address = (self.parameterAsString(parameters, self.SCHEDULER_ADDRESS, context) or "").strip()
        if mode == 2 and not address:
            address = str(QgsSettings().value(SCHEDULER_SETTING, "") or "").strip()
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        progress, is_cancelled = core_callbacks(feedback)
        options = ExecutionOptions(mode=mode, scheduler_address=address)
        if mode != 0:
            self.require(("distributed",), "Dask")
        self.note_optional(feedback, "numba")
        feedback.pushInfo(self.tr("{} products, run on: {}").format(len(products), EXECUTION_OPTIONS[mode]))
        with self.core_errors():
            options.check()
            from ..palsar2_plugin.scale.driver import batch_terrain_correct

            outcomes = batch_terrain_correct(
                products, dem_layer.source(), folder, execution=options, height_reference=reference,
                polarisations=pols or None, crs=crs_text, pixel_size_m=self.parameterAsDouble(
                    parameters, self.PIXEL_SIZE, context), extent=extent, extent_crs=extent_crs,
                oversampling=self.parameterAsInt(parameters, self.OVERSAMPLING, context), progress=progress,
                is_cancelled=is_cancelled, warn=warning_callback(feedback))
        written = [o for o in outcomes if o["status"] == "written"]
        failed = [o for o in outcomes if o["status"] != "written"]
        for o in written:
            feedback.pushInfo(self.tr("NRB product written to {}").format(o["folder"]))
        for o in failed:
            feedback.reportError(self.tr("Not written: {} ({})").format(o["product"], o["error"]), False)
        feedback.pushInfo(self.tr("{} of {} scenes written, {} failed").format(len(written), len(outcomes),
                                                                                len(failed)))
        return {self.OUTPUT_FOLDER: folder, self.PRODUCTS: [o["folder"] for o in written],
                self.FAILED: "\n".join(f"{o['product']}: {o['error']}" for o in failed),
                self.WRITTEN_COUNT: len(written), self.FAILED_COUNT: len(failed),
                self.SCENES: json.dumps([_scene_summary(o) for o in outcomes], ensure_ascii=False)}


def _scene_summary(outcome) -> dict:
    """What the results say about one scene: product, status, folder, files written, error, warnings."""
    files = []
    if outcome["status"] == "written":
        files = sorted(list(outcome["gamma0"].values()) + [outcome[k] for k in (
            "mask", "local_incidence", "ellipsoid_incidence", "scattering_area", "gamma_to_sigma", "number_of_looks",
            "dem", "metadata", "stac", "quicklook") if outcome.get(k)])
    return {"product": outcome["product"], "status": outcome["status"], "folder": outcome.get("folder"),
            "files": files, "error": outcome["error"], "warnings": list(outcome.get("warnings") or ())}
