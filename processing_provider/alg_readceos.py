"""``palsar2:readceos``: read a PALSAR-2 CEOS L1.1 (stripmap or ScanSAR) or L1.5 product into
calibrated float32 GeoTIFFs (radar geometry with GCPs), beam footprints and a metadata JSON."""

from __future__ import annotations

import os

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from .base import Palsar2Algorithm, core_callbacks, warning_callback, with_product_widget

#: PERMANENT enum values (models store the index): append only.
BEAM_VALUES = ("F1", "F2", "F3", "F4", "F5", "F6", "F7")
POLARISATION_VALUES = ("HH", "HV", "VH", "VV")
CALIBRATION_VALUES = ("sigma0", "beta0", "gamma0")


class ReadCeosAlgorithm(Palsar2Algorithm):
    """Reads a CEOS product and writes calibrated radar-geometry rasters, footprints and metadata."""

    NAME = "readceos"
    REQUIRES = ("numpy",)
    DISPLAY_NAME = "Read CEOS product (L1.1 / L1.5)"
    GROUP_ID = "read"
    TAGS = ("CEOS", "L1.1", "L1.5", "ScanSAR", "SLC", "sigma0", "beta0", "gamma0", "calibration", "multilook")
    HELP_EN = (
        "Reads an ALOS-2/PALSAR-2 CEOS product - ScanSAR full-aperture L1.1 (WBS, WBD, WWS, WWD, VBS, VBD; "
        "one image per beam F1..F7), stripmap L1.1 (UBS, HBD, FBD, ...) or L1.5 - and writes, per beam and "
        "polarisation, a multilooked, calibrated float32 GeoTIFF, a footprint layer and a metadata JSON.\n\n"
        "INPUT: the product folder, its zip as distributed (read in place, nothing is extracted) or any one "
        "of its files (VOL-, LED-, IMG-..., summary.txt, or summary_<product>.txt of the open-data bucket).\n"
        "BEAMS: ScanSAR beams to read (none selected = all).\n"
        "POLARISATIONS: polarisations to read (none selected = all).\n"
        "LOOKS_AZIMUTH / LOOKS_RANGE: lines x pixels averaged into one output pixel; 0 = automatic, roughly "
        "square ~25 m ground pixels per beam.\n"
        "CALIBRATION: σ⁰, β⁰ or γ⁰ in LINEAR power on the ellipsoid, from the product's own calibration factor "
        "CF (JAXA: σ⁰[dB] = 10·log10⟨I²+Q²⟩ + CF − 32 for L1.1, 10·log10⟨DN²⟩ + CF for L1.5); "
        "β⁰ = σ⁰/sin θ, γ⁰ = σ⁰/cos θ with θ the ellipsoid incidence angle. No terrain correction.\n"
        "OUTPUT_FOLDER: the files are written into the folder <scene>-<product>-<calibration> inside it; it "
        "appears only when complete, and a re-run replaces it as a whole (files of yours in it are kept).\n\n"
        "L1.1 rasters are in radar geometry (row = azimuth time, column = slant range) with a grid of ground "
        "control points from the plugin's own orbit and range-Doppler geolocation (height 0 on the WGS84 "
        "ellipsoid), so QGIS can place them; L1.5 rasters are on the product's UTM grid (σ⁰ only). "
        "Results: METADATA (the JSON), RASTERS (the GeoTIFFs), FOOTPRINTS (GeoJSON, one polygon per beam)."
    )
    HELP_JA = (
        "ALOS-2/PALSAR-2のCEOSフォーマットのプロダクト(ScanSARフルアパーチャのレベル1.1 "
        "(WBS、WBD、WWS、WWD、VBS、VBD、ビームF1〜F7ごとに1画像)、高分解能(ストリップマップ)のレベル1.1 "
        "(UBS、HBD、FBDなど)、レベル1.5)を読み込み、ビームと偏波ごとにマルチルック・校正済みの"
        "float32 GeoTIFF、観測範囲(フットプリント)レイヤ、メタデータJSONを書き出します。\n\n"
        "INPUT: プロダクトのフォルダ、配布されたままのzip(展開せずに直接読みます)、またはプロダクト内の"
        "任意の1ファイル(VOL-、LED-、IMG-...、summary.txt、オープンデータのバケットのsummary_<プロダクト>.txt)。\n"
        "BEAMS: 読み込むScanSARのビーム(未選択 = すべて)。\n"
        "POLARISATIONS: 読み込む偏波(未選択 = すべて)。\n"
        "LOOKS_AZIMUTH / LOOKS_RANGE: 1出力画素にまとめるライン数×画素数。0 = 自動(ビームごとに約25 mの"
        "ほぼ正方形の地上画素)。\n"
        "CALIBRATION: 楕円体基準のσ⁰、β⁰、γ⁰(線形の電力値)。プロダクトの校正係数CFを使います"
        "(JAXA: レベル1.1は σ⁰[dB] = 10·log10⟨I²+Q²⟩ + CF − 32、レベル1.5は 10·log10⟨DN²⟩ + CF)。"
        "β⁰ = σ⁰/sin θ、γ⁰ = σ⁰/cos θ(θは楕円体上の入射角)。地形補正は行いません。\n"
        "OUTPUT_FOLDER: この中のフォルダ <シーン>-<プロダクト>-<校正量> に書き出します。完成したときにだけ現れ、"
        "再実行すると全体が置き換わります(利用者が置いたファイルは残ります)。\n\n"
        "レベル1.1はレーダ座標(行 = アジマス時刻、列 = スラントレンジ)のまま、プラグイン自身の軌道と"
        "レンジ・ドップラー計算(WGS84楕円体高0 m)による地上基準点(GCP)を付けるので、QGISで配置できます。"
        "レベル1.5はプロダクトのUTM格子で書き出します(σ⁰のみ)。"
        "結果: METADATA(JSON)、RASTERS(GeoTIFF)、FOOTPRINTS(GeoJSON、ビームごとに1ポリゴン)。"
    )

    INPUT = "INPUT"
    BEAMS = "BEAMS"
    POLARISATIONS = "POLARISATIONS"
    LOOKS_AZIMUTH = "LOOKS_AZIMUTH"
    LOOKS_RANGE = "LOOKS_RANGE"
    CALIBRATION = "CALIBRATION"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    METADATA = "METADATA"
    RASTERS = "RASTERS"
    FOOTPRINTS = "FOOTPRINTS"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        source = QgsProcessingParameterFile(self.INPUT, self.tr("CEOS product (folder, zip or any of its files)"),
                                            behavior=QgsProcessingParameterFile.File,
                                            fileFilter=self.tr("All files (*)"))  # "*.*" would refuse folders
        source.setHelp(self.tr("The product folder, its zip, or any one of its files (VOL-, LED-, IMG-, "
                               "summary.txt)."))
        self.addParameter(with_product_widget(source))
        beams = QgsProcessingParameterEnum(self.BEAMS, self.tr("Beams (none = all)"), options=list(BEAM_VALUES),
                                           allowMultiple=True, optional=True, defaultValue=[])
        beams.setHelp(self.tr("ScanSAR beams to read; leave empty to read all. Stripmap products have one beam."))
        self.addParameter(beams)
        pols = QgsProcessingParameterEnum(self.POLARISATIONS, self.tr("Polarisations (none = all)"),
                                          options=list(POLARISATION_VALUES), allowMultiple=True, optional=True,
                                          defaultValue=[])  # None would mean [0] = HH only
        pols.setHelp(self.tr("Polarisations to read; leave empty to read all the product has."))
        self.addParameter(pols)
        for name, label in ((self.LOOKS_AZIMUTH, self.tr("Looks in azimuth (0 = automatic)")),
                            (self.LOOKS_RANGE, self.tr("Looks in range (0 = automatic)"))):
            looks = QgsProcessingParameterNumber(name, label, type=QgsProcessingParameterNumber.Integer,
                                                 defaultValue=0, minValue=0, maxValue=1000)
            looks.setHelp(self.tr("Number of samples averaged; 0 gives roughly square 25 m ground pixels."))
            self.addParameter(looks)
        cal = QgsProcessingParameterEnum(self.CALIBRATION, self.tr("Calibration"),
                                         options=[self.tr("sigma0 (σ⁰)"), self.tr("beta0 (β⁰)"),
                                                  self.tr("gamma0 (γ⁰, ellipsoid)")], defaultValue=0)
        cal.setHelp(self.tr("Backscatter quantity in linear power: 0 = σ⁰, 1 = β⁰, 2 = γ⁰ (ellipsoid incidence)."))
        self.addParameter(cal)
        folder = QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder"))
        folder.setHelp(self.tr("The GeoTIFFs, the footprints and the metadata JSON go into a folder "
                               "<scene>-<product>-<calibration> inside this folder."))
        self.addParameter(folder)
        self.addOutput(QgsProcessingOutputFile(self.METADATA, self.tr("Metadata JSON")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.RASTERS, self.tr("Calibrated rasters")))
        self.addOutput(QgsProcessingOutputVectorLayer(self.FOOTPRINTS, self.tr("Beam footprints")))

    @staticmethod
    def _load_on_completion(context, result) -> None:
        """Ask QGIS to add the rasters (placed through their GCPs) and the footprints, with JAXA's credit."""
        project = context.project()
        if project is None:
            return
        from ..palsar2_plugin.gui.layer_metadata import AttributionPostProcessor

        for path in list(result.rasters) + [result.footprints]:
            name = os.path.splitext(os.path.basename(path))[0]
            context.addLayerToLoadOnCompletion(path, QgsProcessingContext.LayerDetails(name, project, name))
            AttributionPostProcessor.attach(context, path)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.ceos import open_product
        from ..palsar2_plugin.ceos.export import export_product

        path = self.parameterAsFile(parameters, self.INPUT, context)
        if not path:
            raise QgsProcessingException(self.tr("Give a CEOS product folder, zip or file as INPUT."))
        self.note_optional(feedback, "numba")
        beams = [int(BEAM_VALUES[i][1:]) for i in self.parameterAsEnums(parameters, self.BEAMS, context)]
        pols = [POLARISATION_VALUES[i] for i in self.parameterAsEnums(parameters, self.POLARISATIONS, context)]
        looks_az = self.parameterAsInt(parameters, self.LOOKS_AZIMUTH, context)
        looks_rg = self.parameterAsInt(parameters, self.LOOKS_RANGE, context)
        calibration = CALIBRATION_VALUES[self.parameterAsEnum(parameters, self.CALIBRATION, context)]
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        progress, is_cancelled = core_callbacks(feedback)
        with self.core_errors():
            scene = open_product(path)
            feedback.pushInfo(self.tr("{} {} (level {}, {}, {}-looking): beams {}, polarisations {}").format(
                scene.scene_id, scene.product_id, scene.level, scene.pass_direction, scene.look_side,
                ", ".join(str(b) for b in scene.beams), ", ".join(scene.polarisations)))
            warn = warning_callback(feedback)
            for message in scene.warnings:
                warn(message)
            if scene.is_scansar is False and beams and beams != [1]:
                raise QgsProcessingException(self.tr("This stripmap product has a single beam; leave BEAMS empty."))
            result = export_product(scene, folder, beams=beams or None, polarisations=pols or None,
                                    looks_az=looks_az, looks_rg=looks_rg, calibration=calibration,
                                    progress=progress, is_cancelled=is_cancelled)
        for raster in result.rasters:
            feedback.pushInfo(raster)
        self._load_on_completion(context, result)
        return {self.METADATA: result.metadata, self.RASTERS: list(result.rasters),
                self.FOOTPRINTS: result.footprints, self.OUTPUT_FOLDER: os.path.dirname(result.metadata)}
