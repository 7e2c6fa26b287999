"""``palsar2:loadnrb``: load JAXA L2.2 / L2.1 and the plugin's own NRB products as styled layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, List, Optional, Sequence

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputFolder,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingOutputRasterLayer,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..palsar2_plugin.gui import settings
from ..palsar2_plugin.nrb import reader_layers
from ..palsar2_plugin.nrb.reader_layers import ROLE_BACKSCATTER, ROLE_RGB, LayerSpec, ProductLayers
from ..palsar2_plugin.nrb.reader_model import ProductInfo
from .base import Palsar2Algorithm, core_callbacks, make_advanced, with_product_widget

#: PERMANENT enum values (models store the index): append only.
POLARISATION_VALUES = ("HH", "HV", "VV", "VH")
SCALE_VALUES = ("dB", "linear")
STYLE_VALUES = (reader_layers.STYLE_GREY, reader_layers.STYLE_RGB)


class NrbLayerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Styles a loaded NRB layer, fills its metadata and moves it into its scene's group (main thread)."""

    #: QGIS does not own post-processors: keep them referenced until used.
    _alive: ClassVar[List["NrbLayerPostProcessor"]] = []

    def __init__(self, spec: LayerSpec, info: ProductInfo, group_name: str, order: int, product_file: str):
        super().__init__()
        self.spec, self.info, self.group_name, self.order, self.product_file = spec, info, group_name, order, product_file

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.gui import styles

        styles.present_layer(layer, self.spec, self.info, self.product_file)
        project = context.project()
        if project is not None and project.layerTreeRoot().findLayer(layer.id()) is not None:
            group = styles.scene_group(project, self.group_name)
            styles.place_in_group(project, layer, group, self.order,
                                  visible=self.spec.role in (ROLE_BACKSCATTER, ROLE_RGB))

    @classmethod
    def attach(cls, context: QgsProcessingContext, spec: LayerSpec, info: ProductInfo, group_name: str,
               order: int, product_file: str) -> None:
        project = context.project()
        if project is None:
            return
        details = QgsProcessingContext.LayerDetails(spec.name, project, spec.name)
        processor = cls(spec, info, group_name, order, product_file)
        cls._alive.append(processor)
        details.setPostProcessor(processor)
        context.addLayerToLoadOnCompletion(spec.source, details)


class LoadNrbAlgorithm(Palsar2Algorithm):
    """Loads NRB products as calibrated, styled layers through VRTs (no copy of the rasters)."""

    NAME = "loadnrb"
    REQUIRES = ()
    DISPLAY_NAME = "Load NRB product as layers"
    GROUP_ID = "load"
    TAGS = ("NRB", "L2.2", "L2.1", "CEOS-ARD", "gamma0", "sigma0", "backscatter", "load", "style")
    HELP_EN = (
        "Loads ALOS-2/PALSAR-2 backscatter products as styled layers: JAXA L2.2 (CEOS-ARD NRB, γ⁰), "
        "JAXA L2.1 GeoTIFF (σ⁰) and NRB products made by this plugin.\n\n"
        "INPUT: a product folder, its zip, its summary.xml or any one of its files (a folder holding several "
        "products loads them all); or the web address (https://...) of a product's STAC item or of one of its "
        "files, e.g. in JAXA's open-data bucket: the rasters are then read in place, block by block.\n"
        "POLARISATIONS: which polarisations to load (none selected = all in the product).\n"
        "SCALE: dB (10·log10 of power) or linear power. JAXA DN become γ⁰/σ⁰ [dB] = 20·log10(DN) − 83.0.\n"
        "STYLE: grey stretch per polarisation (γ⁰ HH −25…0 dB, HV −30…−5 dB) or false-colour RGB "
        "(R = HH, G = HV, B = HH/HV).\n"
        "LOAD_ANCILLARY: also load the data mask (valid, layover, shadow, ocean, invalid) and the local "
        "incidence angle (degrees).\n"
        "OUTPUT_FOLDER (advanced, optional): where the small VRT files are written. No raster is copied: the "
        "VRTs compute on the fly from the original (cloud-optimised) GeoTIFFs; DN 0 and mask 0 are no data. "
        "Empty: in a folder palsar2_layers beside the product's files, or in the plugin's layer folder (for "
        "products on the web or in read-only folders, or when chosen in Settings > Options > PALSAR-2). Both "
        "last, so a saved project opens again after QGIS restarts.\n\n"
        "Results: LAYERS (all layer sources, for models and qgis_process), BACKSCATTER (the first "
        "backscatter layer), PRODUCTS (product names). In QGIS the layers are added in one group per scene "
        "with the product's metadata and JAXA's credit. The grid is always taken from the GeoTIFF (the XML "
        "of L2.2 is half a pixel off)."
    )
    HELP_JA = (
        "ALOS-2/PALSAR-2の後方散乱係数プロダクトをスタイル付きレイヤとして読み込みます: JAXAのレベル2.2 (L2.2) "
        "後方散乱係数プロダクト (NRB、γ⁰)、レベル2.1 (L2.1) GeoTIFF (σ⁰)、本プラグインで作成したNRB。\n\n"
        "INPUT: プロダクトのフォルダ、そのzip、summary.xml、またはプロダクト内の任意の1ファイル"
        "(複数のプロダクトを含むフォルダはすべて読み込みます)。またはプロダクトのSTACアイテムやファイルのURL"
        "(https://...、例: JAXAのオープンデータのバケット)。その場合ラスタはダウンロードせず必要なブロックだけ読みます。\n"
        "POLARISATIONS: 読み込む偏波(未選択 = プロダクトのすべての偏波)。\n"
        "SCALE: dB(電力の10·log10)または線形(電力)。JAXAのDNは γ⁰/σ⁰ [dB] = 20·log10(DN) − 83.0 で変換します。\n"
        "STYLE: 偏波ごとのグレースケール(γ⁰ HH −25〜0 dB、HV −30〜−5 dB)またはRGBカラー合成"
        "(R = HH、G = HV、B = HH/HV)。\n"
        "LOAD_ANCILLARY: データマスク(有効、レイオーバ、レーダシャドウ、海域、無効)と局所入射角(度)も読み込みます。\n"
        "OUTPUT_FOLDER(詳細設定、省略可): 小さなVRTファイルの保存先。ラスタはコピーせず、元の(クラウド最適化)"
        "GeoTIFFからその場で計算します。DN 0とマスク0はNoDataです。空欄の場合はプロダクトのファイルと同じ場所の"
        "palsar2_layersフォルダ、またはプラグインのレイヤフォルダ(Web上や書き込めないフォルダのプロダクト、"
        "または 設定 > オプション > PALSAR-2 で選んだ場合)に保存します。どちらもQGISを再起動した後も残るため、"
        "保存したプロジェクトを再び開けます。\n\n"
        "結果: LAYERS(すべてのレイヤのソース、モデルデザイナーやqgis_process用)、BACKSCATTER(最初の後方散乱"
        "係数レイヤ)、PRODUCTS(プロダクト名)。QGISではシーンごとのグループに、プロダクトのメタデータと"
        "JAXAの出所表示を付けて追加します。"
    )

    INPUT = "INPUT"
    POLARISATIONS = "POLARISATIONS"
    SCALE = "SCALE"
    STYLE = "STYLE"
    LOAD_ANCILLARY = "LOAD_ANCILLARY"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    LAYERS = "LAYERS"
    BACKSCATTER = "BACKSCATTER"
    PRODUCTS = "PRODUCTS"
    PRODUCT_COUNT = "PRODUCT_COUNT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        source = QgsProcessingParameterFile(self.INPUT, self.tr("Product (folder, zip, summary.xml or any file)"),
                                            behavior=QgsProcessingParameterFile.File,
                                            fileFilter=self.tr("Products (*.xml *.zip *.tif *.TIF *.json);;All files (*)"))
        source.setHelp(self.tr("A product folder, its zip, its summary.xml or any one of its files."))
        self.addParameter(with_product_widget(source))
        pols = QgsProcessingParameterEnum(self.POLARISATIONS, self.tr("Polarisations (none = all)"),
                                          options=list(POLARISATION_VALUES), allowMultiple=True, optional=True)
        pols.setHelp(self.tr("Polarisations to load; leave empty to load all the product has."))
        self.addParameter(pols)
        scale = QgsProcessingParameterEnum(self.SCALE, self.tr("Scale"), options=[self.tr("dB"), self.tr("linear power")],
                                           defaultValue=0)
        scale.setHelp(self.tr("0 = dB, 1 = linear power."))
        self.addParameter(scale)
        style = QgsProcessingParameterEnum(self.STYLE, self.tr("Style"),
                                           options=[self.tr("Grey per polarisation"),
                                                    self.tr("False-colour RGB (HH, HV, HH/HV)")], defaultValue=0)
        style.setHelp(self.tr("0 = one grey layer per polarisation, 1 = RGB composite of HH, HV and HH/HV."))
        self.addParameter(style)
        ancillary = QgsProcessingParameterBoolean(self.LOAD_ANCILLARY,
                                                  self.tr("Load data mask and local incidence angle"), True)
        ancillary.setHelp(self.tr("Also load the data mask and the local incidence angle when the product has them."))
        self.addParameter(ancillary)
        folder = QgsProcessingParameterFile(self.OUTPUT_FOLDER, self.tr("Folder for the VRT files (empty = as in the "
                                                                        "plugin settings)"),
                                            behavior=QgsProcessingParameterFile.Folder, optional=True)
        folder.setHelp(self.tr("Where the small VRT files are written (the rasters themselves are not copied). Empty: "
                               "beside the product, or the layer folder of Settings › Options › PALSAR-2; both last, "
                               "so a saved project opens again."))
        self.addParameter(make_advanced(folder))
        self.addOutput(QgsProcessingOutputFolder(self.OUTPUT_FOLDER, self.tr("Folder of the VRT files")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.LAYERS, self.tr("Layers")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.BACKSCATTER, self.tr("First backscatter layer")))
        self.addOutput(QgsProcessingOutputString(self.PRODUCTS, self.tr("Products")))
        self.addOutput(QgsProcessingOutputNumber(self.PRODUCT_COUNT, self.tr("Number of products")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        path = self.parameterAsFile(parameters, self.INPUT, context)
        if not path:
            raise QgsProcessingException(self.tr("Give a product folder, zip, summary.xml or product file as INPUT."))
        raw_pols = parameters.get(self.POLARISATIONS)
        pols = ([] if raw_pols in (None, "", []) else  # QGIS 3.22 returns [0] for a missing optional enum list
                [POLARISATION_VALUES[i] for i in self.parameterAsEnums(parameters, self.POLARISATIONS, context)])
        scale = SCALE_VALUES[self.parameterAsEnum(parameters, self.SCALE, context)]
        style = STYLE_VALUES[self.parameterAsEnum(parameters, self.STYLE, context)]
        ancillary = self.parameterAsBoolean(parameters, self.LOAD_ANCILLARY, context)
        chosen = (self.parameterAsString(parameters, self.OUTPUT_FOLDER, context) or "").strip()
        with self.core_errors():
            loaded = load_on_completion(context, feedback, path, chosen, pols, scale, style, ancillary)
        return {self.LAYERS: loaded.sources, self.BACKSCATTER: loaded.first_backscatter,
                self.OUTPUT_FOLDER: loaded.folders[0] if loaded.folders else chosen,
                self.PRODUCTS: ",".join(p.product.name for p in loaded.built), self.PRODUCT_COUNT: len(loaded.built)}


@dataclass
class LoadedProducts:
    """What :func:`load_on_completion` built: the products' layers, their sources, the folders written."""

    built: List[ProductLayers]
    sources: List[str]
    first_backscatter: Optional[str]
    folders: List[str]


def load_on_completion(context: QgsProcessingContext, feedback, path: str, folder: str = "",
                       polarisations: Sequence[str] = (), scale: str = SCALE_VALUES[0],
                       style: str = STYLE_VALUES[0], ancillary: bool = True,
                       report_progress: bool = True) -> LoadedProducts:
    """Write the VRTs of the products at ``path`` and have QGIS add them, styled and grouped, when the
    algorithm completes (``palsar2:loadnrb``, and ``palsar2:terraincorrection`` for its product).

    ``folder`` empty: each product's layer files go where they last (:func:`.settings.layer_folder_for`).
    Raises the core's errors (wrap in ``core_errors``).
    """
    from ..palsar2_plugin.nrb.vrt import product_file

    mode, fallback = settings.layer_files_mode(), settings.layer_folder()
    folders: List[str] = []

    def folder_of(product) -> str:
        target = folder or settings.layer_folder_for(product_file(product), mode, fallback)
        if target not in folders:
            folders.append(target)
        return target

    progress, is_cancelled = core_callbacks(feedback)
    built = reader_layers.build_product_layers(path, folder_of, list(polarisations) or None, scale, style, ancillary,
                                               ancillary, progress if report_progress else None, is_cancelled)
    loaded = LoadedProducts(built, [], None, folders)
    for target in folders:
        feedback.pushInfo(QCoreApplication.translate("LoadNrbAlgorithm", "Layer files written to {}").format(target))
    for product_layers in built:
        feedback.pushInfo(QCoreApplication.translate("LoadNrbAlgorithm", "{}: {} layer(s)").format(
            product_layers.product.name, len(product_layers.layers)))
        for order, spec in enumerate(product_layers.layers):
            loaded.sources.append(spec.source)
            if loaded.first_backscatter is None and spec.role in (ROLE_BACKSCATTER, ROLE_RGB):
                loaded.first_backscatter = spec.source
            NrbLayerPostProcessor.attach(context, spec, product_layers.product.info,
                                         product_layers.group_name, order, product_file(product_layers.product))
    return loaded
