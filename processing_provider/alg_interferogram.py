"""``palsar2:interferogram``: two L1.1 products of the same track + a DEM -> interferogram, coherence,
line-of-sight displacement on the map."""

from __future__ import annotations

import os

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputRasterLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from .base import Palsar2Algorithm, core_callbacks, make_advanced, with_product_widget
from .correction_parameters import (CorrectionParameterNames, add_dem_parameters, add_grid_parameters,
                                    dem_and_grid_arguments)
from .insar_layers import attach_product_layers

#: PERMANENT enum values (models store the index): append only.
POLARISATION_VALUES = ("HH", "HV", "VH", "VV")


class InterferogramAlgorithm(CorrectionParameterNames, Palsar2Algorithm):
    """Two-pass interferometry of a reference (archive) and a secondary (event) L1.1 product."""

    NAME = "interferogram"
    REQUIRES = ("numpy", "rasterio", "pyproj")
    DISPLAY_NAME = "Interferogram, coherence and displacement (InSAR)"
    GROUP_ID = "load"
    TAGS = ("InSAR", "interferometry", "interferogram", "coherence", "displacement", "deformation", "phase",
            "unwrapping", "SNAPHU", "Goldstein", "L1.1", "earthquake", "landslide")
    HELP_EN = (
        "Radar interferometry of two ALOS-2/PALSAR-2 L1.1 acquisitions of the same track: what moved between "
        "the two dates, and what changed.\n\n"
        "What the layers show. PHASE: the difference of the two radar echoes' phase after removing what the "
        "orbits and the terrain explain. Each full turn of the colour wheel (a 'fringe') is 12.1 cm of ground "
        "motion towards or away from the satellite; count the fringes from a stable area to see how far the "
        "ground moved. COHERENCE (0-1): how similar the ground stayed: near 1 for buildings and bare rock, low "
        "for water, forest, fresh snow, and where the ground was disturbed (collapse, landslide, liquefaction). "
        "Phase is meaningless where coherence is below about 0.2. DISPLACEMENT (when unwrapped): the motion "
        "along the line of sight in metres, positive towards the satellite (uplift, or motion towards the "
        "radar's side), d = −λ·φ/(4π). It is relative: a constant may be added; check a point you know is stable. "
        "The line of sight is tilted from the vertical by the incidence angle (INC layer): "
        "10 cm of uplift reads about 8 cm, and motion along the flight direction is not seen. "
        "Layover and shadow are masked.\n\n"
        "Limits. Unwrapping can put an area a whole fringe (12.1 cm) off where coherence is low or the motion is "
        "steep (next to a fault rupture): compare with the wrapped fringes or a GNSS station. Water vapour in the "
        "atmosphere can add a few centimetres that are not removed. ScanSAR: with bursts synchronised 75-99 % both "
        "images are filtered to their common azimuth band (the part of each target's Doppler band that both "
        "acquisitions' bursts saw), which removes the coherence loss of the unshared part at the cost of "
        "azimuth resolution and looks (the kept fraction is in the metadata). A long perpendicular baseline turns "
        "DEM errors into phase.\n\n"
        "REFERENCE: the earlier (archive) L1.1 product; SECONDARY: the later (event) product, same path, "
        "frame, beam, polarisation and look side (a pair from different tracks is refused with the measured "
        "distance between the orbits). ScanSAR (full aperture) pairs need synchronised bursts: the overlap is "
        "measured from the line prefixes and reported; below 75 % the pair is refused.\n"
        "DEM / DEM_HEIGHT_REFERENCE: as terrain correction. POLARISATION: the band of both products. "
        "LOOKS_AZIMUTH / LOOKS_RANGE: multilook window (0 = about PIXEL_SIZE on the ground); coherence is "
        "estimated on the same window. GOLDSTEIN: filter strength 0-1 (0 = none) applied to the phase after "
        "the coherence. UNWRAP: unwrap the phase with SNAPHU (needs the optional package 'snaphu': "
        "python3 -m pip install snaphu, Linux and macOS) and make the displacement. CRS, PIXEL_SIZE, EXTENT: "
        "the output grid, as terrain correction.\n\n"
        "Method: coregistration of the secondary from the orbits and the DEM (zero-Doppler geometry), refined by "
        "a constant offset from amplitude cross-correlation (the residual is reported); 8-tap windowed-sinc "
        "resampling centred on the Doppler; flat-earth and topographic phase from the same geometry; complex "
        "multilook; geocoding on the terrain-correction grid. Chosen because it keeps the geometry exact where "
        "the terrain is steep and needs no ground control.\n"
        "Files (one folder, written only when complete): PHASE, COH, LOS, UNW (radians), BSC mean backscatter "
        "(γ⁰), LOOK look angle, INC incidence angle, LIA local incidence angle, MSK mask; metadata JSON with both "
        "acquisition times, perpendicular and temporal baselines and the coregistration residual; a STAC item.\n"
        "Results: OUTPUT_FOLDER, PHASE, COHERENCE, DISPLACEMENT (when unwrapped), METADATA."
    )
    HELP_JA = (
        "同じ軌道から観測したALOS-2/PALSAR-2のレベル1.1の2時期のデータで干渉解析(InSAR)を行い、2つの観測日の間に"
        "地表がどれだけ動いたか、どこが変化したかを示します。\n\n"
        "レイヤの見方。PHASE(干渉位相): 2回の電波の位相差から軌道と地形で説明できる分を除いたもの。色相環の1周"
        "(1フリンジ)が衛星方向または遠ざかる方向の12.1 cmの地表の動きです。動かない場所からフリンジを数えると"
        "移動量がわかります。COHERENCE(コヒーレンス、0〜1): 地表がどれだけ変わらなかったか。建物や岩は1に近く、"
        "水面、森林、新雪、崩壊・地すべり・液状化など地表が乱れた場所は低くなります。コヒーレンスが約0.2未満の"
        "場所の位相には意味がありません。DISPLACEMENT(変位、位相アンラッピングした場合): 衛星視線方向の変位(m)、"
        "衛星に近づく向き(隆起など)が正、d = −λ·φ/(4π)。相対値なので、動いていないことが分かっている地点で"
        "確認してください。視線は鉛直から入射角(INCレイヤ)だけ傾いています(10 cmの隆起は約8 cmに"
        "見え、衛星の進行方向の動きは見えません)。レイオーバとレーダシャドウはマスクします。\n\n"
        "限界。コヒーレンスの低い場所や地表地震断層の近くでは、位相アンラッピングで領域ごと1フリンジ(12.1 cm)"
        "ずれることがあります。干渉位相のフリンジやGNSS観測点と比べてください。大気中の水蒸気による数cmの"
        "見かけの変位は除いていません。ScanSARでバーストの同期率が75〜99 %の組は、両画像にアジマスの共通帯域"
        "フィルタ(各ターゲットのドップラー帯域のうち両方のバーストが観測した部分だけを残す)をかけ、同期していない"
        "部分によるコヒーレンスの低下を除きます。その分アジマス分解能とルック数が減ります(残した帯域の割合は"
        "メタデータにあります)。垂直基線長が長いとDEMの誤差が"
        "位相に現れます。\n\n"
        "REFERENCE: 先の(アーカイブの)レベル1.1プロダクト。SECONDARY: 後の(災害後の)プロダクト。パス、フレーム、"
        "ビーム、偏波、観測方向が同じもの(異なる軌道の組は、軌道間の距離を示して拒否します)。ScanSAR(フル"
        "アパーチャ)の組はバーストの同期が必要です。同期率をラインヘッダから計測して報告し、75 %未満なら拒否します。\n"
        "DEM / DEM_HEIGHT_REFERENCE: 地形補正と同じ。POLARISATION: 両プロダクトの偏波。LOOKS_AZIMUTH / "
        "LOOKS_RANGE: マルチルックの窓(0 = 地上でPIXEL_SIZE程度)。コヒーレンスは同じ窓で推定します。GOLDSTEIN: "
        "Goldsteinフィルタの強さ0〜1(0 = なし)。UNWRAP: SNAPHUで位相アンラッピングして変位を作ります(任意の"
        "パッケージ snaphu が必要: python3 -m pip install snaphu、LinuxとmacOS)。CRS、PIXEL_SIZE、EXTENT: "
        "出力の格子(地形補正と同じ)。\n\n"
        "手法: 軌道とDEMによる幾何学的な位置合わせ(ゼロドップラー)を振幅の相互相関による一定のずれで補正"
        "(残差を報告)、ドップラー中心に合わせた8タップの窓付きsincによる再サンプリング、同じ幾何による"
        "軌道縞と地形縞の除去、複素マルチルック、地形補正の格子へのジオコーディング。急峻な地形でも幾何が"
        "正確で、地上基準点が不要なためこの方法を選びました。\n"
        "ファイル(完成時にだけ現れる1つのフォルダ): PHASE、COH、LOS、UNW(ラジアン)、BSC 平均後方散乱係数(γ⁰)、"
        "LOOK 視野角、INC 入射角、LIA 局所入射角、MSK マスク。両観測日時、垂直・時間基線長、位置合わせの残差を"
        "含むメタデータJSONとSTACアイテム。\n"
        "結果: OUTPUT_FOLDER、PHASE、COHERENCE、DISPLACEMENT(アンラッピングした場合)、METADATA。"
    )

    REFERENCE = "REFERENCE"
    SECONDARY = "SECONDARY"
    POLARISATION = "POLARISATION"
    LOOKS_AZIMUTH = "LOOKS_AZIMUTH"
    LOOKS_RANGE = "LOOKS_RANGE"
    GOLDSTEIN = "GOLDSTEIN"
    UNWRAP = "UNWRAP"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    PHASE = "PHASE"
    COHERENCE = "COHERENCE"
    DISPLACEMENT = "DISPLACEMENT"
    METADATA = "METADATA"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.dependencies import is_findable   # insar.unwrap needs numpy: not at load

        for name, label, help_text in (
                (self.REFERENCE, self.tr("Reference: earlier (archive) L1.1 product"),
                 self.tr("The earlier acquisition: L1.1 product folder, zip or any of its files.")),
                (self.SECONDARY, self.tr("Secondary: later (event) L1.1 product"),
                 self.tr("The later acquisition of the same path, frame and beam."))):
            parameter = QgsProcessingParameterFile(name, label, behavior=QgsProcessingParameterFile.File,
                                                   fileFilter=self.tr("All files (*)"))
            parameter.setHelp(help_text)
            self.addParameter(with_product_widget(parameter))
        add_dem_parameters(self)
        pol = QgsProcessingParameterEnum(self.POLARISATION, self.tr("Polarisation"), options=list(POLARISATION_VALUES),
                                         defaultValue=0)
        pol.setHelp(self.tr("0 = HH, 1 = HV, 2 = VH, 3 = VV; both products must have it."))
        self.addParameter(pol)
        for name, label in ((self.LOOKS_AZIMUTH, self.tr("Looks in azimuth (0 = from the pixel size)")),
                            (self.LOOKS_RANGE, self.tr("Looks in range (0 = from the pixel size)"))):
            looks = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer, 0, minValue=0,
                                                 maxValue=500)
            looks.setHelp(self.tr("Multilook window; the coherence is estimated on the same window."))
            self.addParameter(make_advanced(looks))
        goldstein = QgsProcessingParameterNumber(self.GOLDSTEIN, self.tr("Goldstein filter strength (0 = none)"),
                                                 QgsProcessingParameterNumber.Double, 0.5, minValue=0.0, maxValue=1.0)
        goldstein.setHelp(self.tr("Adaptive phase filter (Goldstein & Werner 1998); the coherence is not filtered."))
        self.addParameter(goldstein)
        unwrap = QgsProcessingParameterBoolean(self.UNWRAP, self.tr("Unwrap the phase and make the displacement "
                                                                    "(needs the snaphu package)"),
                                               is_findable("snaphu"))
        unwrap.setHelp(self.tr("SNAPHU phase unwrapping: python3 -m pip install snaphu (Linux, macOS)."))
        self.addParameter(unwrap)
        add_grid_parameters(self)
        folder = QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder"))
        folder.setHelp(self.tr("The interferogram product folder is created inside this folder."))
        self.addParameter(folder)
        self.addOutput(QgsProcessingOutputRasterLayer(self.PHASE, self.tr("Wrapped phase (radians)")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.COHERENCE, self.tr("Coherence")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.DISPLACEMENT, self.tr("Line-of-sight displacement (m)")))
        self.addOutput(QgsProcessingOutputFile(self.METADATA, self.tr("Interferogram metadata (JSON)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.insar.driver import make_interferogram
        from ..palsar2_plugin.insar.product import LAYERS

        if self.parameterAsBoolean(parameters, self.UNWRAP, context):
            self.require(("snaphu",), self.tr("unwrapping"))
        reference = self.parameterAsFile(parameters, self.REFERENCE, context)
        secondary = self.parameterAsFile(parameters, self.SECONDARY, context)
        if not reference or not secondary:
            raise QgsProcessingException(self.tr("Give both the REFERENCE and the SECONDARY L1.1 product."))
        grid_args = dem_and_grid_arguments(self, parameters, context)
        dem_path = grid_args.pop("dem_path")
        la = self.parameterAsInt(parameters, self.LOOKS_AZIMUTH, context)
        lr = self.parameterAsInt(parameters, self.LOOKS_RANGE, context)
        looks = (la, lr) if la > 0 and lr > 0 else None
        pol = POLARISATION_VALUES[self.parameterAsEnum(parameters, self.POLARISATION, context)]
        alpha = self.parameterAsDouble(parameters, self.GOLDSTEIN, context)
        unwrap = self.parameterAsBoolean(parameters, self.UNWRAP, context)
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        progress, is_cancelled = core_callbacks(feedback)
        workers = max(1, min(os.cpu_count() or 1, 4))
        with self.core_errors():
            result = make_interferogram(reference, secondary, dem_path, folder, polarisation=pol, looks=looks,
                                        goldstein_alpha=alpha, unwrap=unwrap, workers=workers, progress=progress,
                                        is_cancelled=is_cancelled, **grid_args)
        info = result["info"]
        feedback.pushInfo(self.tr("Perpendicular baseline {:.0f} m, temporal baseline {:.1f} days").format(
            info["perpendicular_baseline_m"], info["temporal_baseline_days"]))
        for number, beam in info["beams_detail"].items():
            offset = beam["coregistration_offset"] or {}
            feedback.pushInfo(self.tr("Beam {}: coregistration offset {:.3f} lines, {:.3f} pixels; residual "
                                      "{:.3f} / {:.3f} px").format(
                number, (offset.get("line_coefficients") or [float("nan")])[0],
                (offset.get("pixel_coefficients") or [float("nan")])[0],
                beam["coregistration_residual_line_px"] or 0.0, beam["coregistration_residual_pixel_px"] or 0.0))
            if "burst_synchronisation" in beam:
                feedback.pushInfo(beam["burst_synchronisation"]["message"])
            band = beam.get("azimuth_common_band") or {}
            if band.get("applied"):
                feedback.pushInfo(self.tr("Beam {}: azimuth common-band filter applied, {:.0f} % of the azimuth band "
                                          "kept").format(number, 100 * band["kept_fraction_reference"]))
        for warning in info.get("warnings", []):
            feedback.pushWarning(warning)
        feedback.pushInfo(self.tr("Interferogram written to {}").format(result["folder"]))
        files = {key: path for key, path in result.items() if key in LAYERS}
        attach_product_layers(context, os.path.basename(result["folder"]), files, info)
        return {self.OUTPUT_FOLDER: result["folder"], self.PHASE: result["phase"],
                self.COHERENCE: result["coherence"], self.DISPLACEMENT: result.get("displacement"),
                self.METADATA: result["metadata"]}
