"""``palsar2:terraincorrection``: a PALSAR-2 L1.1 product + a DEM -> terrain-flattened gamma0 (CEOS-ARD NRB)."""

from __future__ import annotations

import os

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputRasterLayer,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
)

from .base import Palsar2Algorithm, core_callbacks, warning_callback, with_product_widget
from .correction_parameters import (POLARISATION_VALUES, CorrectionParameterNames, add_correction_parameters,
                                    dem_and_grid_arguments)


class TerrainCorrectionAlgorithm(CorrectionParameterNames, Palsar2Algorithm):
    """Radiometric terrain correction (flattening gamma, Small 2011) of an L1.1 product into an NRB folder."""

    NAME = "terraincorrection"
    REQUIRES = ("numpy", "rasterio", "pyproj")
    DISPLAY_NAME = "Terrain correction (gamma0 NRB)"
    GROUP_ID = "correct"
    TAGS = ("RTC", "terrain flattening", "gamma0", "NRB", "CEOS-ARD", "L1.1", "ScanSAR", "DEM", "layover", "shadow",
            "local incidence angle")
    HELP_EN = (
        "Radiometric terrain correction of an ALOS-2/PALSAR-2 L1.1 product (ScanSAR: all beams, mosaicked; or "
        "stripmap) against a DEM, as JAXA's L2.2: terrain-flattened γ⁰ (Small 2011) on a map grid, written as a "
        "CEOS-ARD Normalised Radar Backscatter product folder.\n\n"
        "INPUT: the L1.1 product folder, its zip or any one of its files.\n"
        "DEM: any raster layer (any CRS) covering the scene; heights are resampled bilinearly to the output "
        "grid oversampled ×2. Where the DEM has no data the product is masked (no data), never filled with 0.\n"
        "DEM_HEIGHT_REFERENCE: what the DEM heights refer to: the EGM96 geoid (SRTM, ASTER, Copernicus GLO-30 "
        "as distributed by some), EGM2008 (Copernicus GLO-30, AW3D30 needs EGM96/EGM2008 per its documentation) "
        "or the WGS84 ellipsoid. Geoid heights are converted with PROJ's geoid grids.\n"
        "POLARISATIONS: γ⁰ layers to make (none selected = all the product has).\n"
        "CRS: output CRS (empty = UTM zone of the scene centre). PIXEL_SIZE: metres (25 = JAXA L2.2); the upper "
        "left corner is snapped to a multiple of it. EXTENT: optional area of interest (empty = the whole scene).\n"
        "OUTPUT_FOLDER: the product folder <scene>_<mode><R|L>NRB<A|D> is created inside it; it appears only "
        "when complete (a cancelled run leaves nothing).\n\n"
        "Files: γ⁰ per polarisation (float32, linear power, NaN = no data), MSK (JAXA L2.2 values: 0 no data, "
        "1 valid, 2 layover, 3 shadow, 5 invalid: illuminated area below 5 % of flat), LIA local incidence and "
        "EIA ellipsoid incidence (degrees), AREA scattering area (m²), GTS σ⁰/γ⁰ ratio, NLK number of looks, "
        "DEM (ellipsoidal heights), all cloud-optimised GeoTIFFs; summary.xml (CEOS-ARD NRB metadata as "
        "JAXA's), a STAC item and a quick-look PNG. Beam overlaps: looks-weighted mean in linear power.\n"
        "Results: OUTPUT_FOLDER, GAMMA0 (one path per polarisation), MASK, LOCAL_INCIDENCE_ANGLE, METADATA."
    )
    HELP_JA = (
        "ALOS-2/PALSAR-2のレベル1.1プロダクト(ScanSARは全ビームをモザイク、または高分解能モード)をDEMで"
        "放射量地形補正し、JAXAのレベル2.2と同様に地形補正済みのγ⁰(Small 2011のフラットニング)を地図座標の"
        "格子に出力し、CEOS-ARDのNRB(規格化後方散乱係数)プロダクトのフォルダとして書き出します。\n\n"
        "INPUT: レベル1.1プロダクトのフォルダ、zip、またはプロダクト内の任意の1ファイル。\n"
        "DEM: シーンを覆う任意のラスタレイヤ(座標参照系は問いません)。標高は出力格子の2倍の細かさに"
        "バイリニアで再サンプリングします。DEMの無いところは「データなし」としてマスクし、0で埋めることはしません。\n"
        "DEM_HEIGHT_REFERENCE: DEMの標高の基準: EGM96ジオイド(SRTM、ASTERなど)、EGM2008ジオイド、"
        "WGS84楕円体。ジオイド高はPROJのジオイドグリッドで楕円体高に変換します。\n"
        "POLARISATIONS: 作成するγ⁰の偏波(未選択 = プロダクトのすべて)。\n"
        "CRS: 出力の座標参照系(空 = シーン中心のUTMゾーン)。PIXEL_SIZE: 画素サイズ(m、25 = JAXAの"
        "レベル2.2)。左上隅は画素サイズの整数倍に合わせます。EXTENT: 任意の対象範囲(空 = シーン全体)。\n"
        "OUTPUT_FOLDER: この中にプロダクトのフォルダ <シーン>_<モード><R|L>NRB<A|D> を作ります。"
        "完成したときにだけ現れます(キャンセルした場合は何も残りません)。\n\n"
        "ファイル: 偏波ごとのγ⁰(float32、線形の電力値、NaN = データなし)、MSK(JAXAのレベル2.2と同じ値: "
        "0 データなし、1 有効、2 レイオーバ、3 シャドウ、5 無効: 照射面積が平地の5 %未満)、LIA 局所入射角と"
        "EIA 楕円体入射角(度)、AREA 散乱面積(m²)、GTS σ⁰/γ⁰比、NLK ルック数、DEM(楕円体高)。"
        "すべてクラウド最適化GeoTIFFです。ほかにsummary.xml(JAXAと同形式のCEOS-ARD NRBメタデータ)、"
        "STACアイテム、クイックルックPNG。ビームの重なりはルック数で重み付けした線形電力の平均です。\n"
        "結果: OUTPUT_FOLDER、GAMMA0(偏波ごとのパス)、MASK、LOCAL_INCIDENCE_ANGLE、METADATA。"
    )

    INPUT = "INPUT"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    GAMMA0 = "GAMMA0"
    MASK = "MASK"
    LOCAL_INCIDENCE_ANGLE = "LOCAL_INCIDENCE_ANGLE"
    METADATA = "METADATA"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        source = QgsProcessingParameterFile(self.INPUT, self.tr("L1.1 product (folder, zip or any of its files)"),
                                            behavior=QgsProcessingParameterFile.File,
                                            fileFilter=self.tr("All files (*)"))
        source.setHelp(self.tr("The L1.1 product folder, its zip, or any one of its files."))
        self.addParameter(with_product_widget(source))
        add_correction_parameters(self)
        folder = QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder"))
        folder.setHelp(self.tr("The NRB product folder is created inside this folder."))
        self.addParameter(folder)
        self.addOutput(QgsProcessingOutputMultipleLayers(self.GAMMA0, self.tr("gamma0 layers")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.MASK, self.tr("Data mask")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.LOCAL_INCIDENCE_ANGLE, self.tr("Local incidence angle")))
        self.addOutput(QgsProcessingOutputFile(self.METADATA, self.tr("NRB metadata XML")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.rtc.scene_input import terrain_correct_product

        self.note_optional(feedback, "numba")

        path = self.parameterAsFile(parameters, self.INPUT, context)
        if not path:
            raise QgsProcessingException(self.tr("Give an L1.1 product folder, zip or file as INPUT."))
        grid_args = dem_and_grid_arguments(self, parameters, context)
        dem_path, reference = grid_args["dem_path"], grid_args["height_reference"]
        crs_text, pixel = grid_args["crs"], grid_args["pixel_size_m"]
        extent, extent_crs = grid_args["extent"], grid_args["extent_crs"]
        pols = [POLARISATION_VALUES[i] for i in self.parameterAsEnums(parameters, self.POLARISATIONS, context)]
        oversampling = self.parameterAsInt(parameters, self.OVERSAMPLING, context)
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        progress, is_cancelled = core_callbacks(feedback)
        workers = max(1, min(os.cpu_count() or 1, 4))
        with self.core_errors():
            result = terrain_correct_product(path, dem_path, folder, height_reference=reference,
                                             polarisations=pols or None, crs=crs_text, pixel_size_m=pixel,
                                             extent=extent, extent_crs=extent_crs, oversampling=oversampling,
                                             workers=workers, progress=progress, is_cancelled=is_cancelled,
                                             warn=warning_callback(feedback))
        gamma0 = list(result["gamma0"].values())
        feedback.pushInfo(self.tr("NRB product written to {}").format(result["folder"]))
        with self.core_errors():
            self._load_on_completion(context, feedback, result)
        return {self.OUTPUT_FOLDER: result["folder"], self.GAMMA0: gamma0, self.MASK: result["mask"],
                self.LOCAL_INCIDENCE_ANGLE: result["local_incidence"], self.METADATA: result["metadata"]}

    @staticmethod
    def _load_on_completion(context, feedback, result) -> None:
        """Have QGIS add the product as ``palsar2:loadnrb`` does: γ⁰ in dB, styled, with the data mask and
        the local incidence angle, in the scene's group, with JAXA's credit."""
        if context.project() is None:
            return
        from .alg_loadnrb import load_on_completion

        load_on_completion(context, feedback, result["metadata"] or result["folder"], report_progress=False)
