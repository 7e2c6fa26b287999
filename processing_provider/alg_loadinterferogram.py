"""``palsar2:loadinterferogram``: load an interferogram product (made by ``palsar2:interferogram``) as
styled layers in its pair's group."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputRasterLayer,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
)

from .base import Palsar2Algorithm
from .insar_layers import attach_product_layers


class LoadInterferogramAlgorithm(Palsar2Algorithm):
    """Opens an interferogram product again: phase, coherence, displacement (and more) as layers."""

    NAME = "loadinterferogram"
    REQUIRES = ("numpy",)
    DISPLAY_NAME = "Load interferogram product as layers"
    GROUP_ID = "load"
    TAGS = ("InSAR", "interferogram", "coherence", "displacement", "phase", "load", "style")
    HELP_EN = (
        "Loads an interferogram product made by 'Interferogram, coherence and displacement (InSAR)' "
        "(palsar2:interferogram) as styled layers, in one group per pair: the wrapped phase on a cyclic colour "
        "wheel (one turn = one fringe = half a wavelength, 12.1 cm, of motion along the line of sight), the "
        "coherence in grey (0 black, 1 white) and, when the product was unwrapped, the line-of-sight "
        "displacement in metres (diverging blue–white–red, positive towards the satellite).\n\n"
        "INPUT: the product folder's metadata JSON, its STAC item or any of its files.\n"
        "LOAD_ANCILLARY: also load the unwrapped phase, the mean backscatter (γ⁰), the data mask (valid, "
        "layover, shadow) and the look, incidence and local incidence angles.\n"
        "Nothing is copied: the layers read the product's cloud-optimised GeoTIFFs.\n"
        "Results: LAYERS (all layer sources, for models and qgis_process), PHASE, COHERENCE, DISPLACEMENT (when "
        "the product has it), PRODUCT (the product name), METADATA (its metadata JSON)."
    )
    HELP_JA = (
        "「干渉画像・コヒーレンス・変位(干渉解析 InSAR)」(palsar2:interferogram)で作った干渉プロダクトを、"
        "ペアごとのグループにスタイル付きレイヤとして読み込みます。干渉位相は色相環(1周 = 1フリンジ = 波長の半分、"
        "衛星視線方向の12.1 cmの動き)、コヒーレンスは白黒(0 黒、1 白)、位相アンラッピングしたプロダクトでは"
        "衛星視線方向の変位(m、青・白・赤、衛星に近づく向きが正)です。\n\n"
        "INPUT: プロダクトフォルダのメタデータJSON、STACアイテム、またはその中の任意のファイル。\n"
        "LOAD_ANCILLARY: アンラップ位相、平均後方散乱係数(γ⁰)、データマスク(有効、レイオーバ、レーダシャドウ)、"
        "視野角・入射角・局所入射角も読み込みます。\n"
        "ラスタはコピーせず、プロダクトのクラウド最適化GeoTIFFを直接読みます。\n"
        "結果: LAYERS(すべてのレイヤのソース、モデルデザイナーやqgis_process用)、PHASE、COHERENCE、"
        "DISPLACEMENT(プロダクトにある場合)、PRODUCT(プロダクト名)、METADATA(メタデータJSON)。"
    )

    INPUT = "INPUT"
    LOAD_ANCILLARY = "LOAD_ANCILLARY"
    LAYERS = "LAYERS"
    PHASE = "PHASE"
    COHERENCE = "COHERENCE"
    DISPLACEMENT = "DISPLACEMENT"
    PRODUCT = "PRODUCT"
    METADATA = "METADATA"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        source = QgsProcessingParameterFile(self.INPUT, self.tr("Interferogram product (metadata JSON or any file)"),
                                            behavior=QgsProcessingParameterFile.File,
                                            fileFilter=self.tr("Interferogram products (*.json *.tif);;All files (*)"))
        source.setHelp(self.tr("The product folder's metadata JSON, its STAC item or any of its files."))
        self.addParameter(source)
        ancillary = QgsProcessingParameterBoolean(self.LOAD_ANCILLARY, self.tr(
            "Also load the unwrapped phase, backscatter, mask and angles"), False)
        ancillary.setHelp(self.tr("Load every layer of the product, not only phase, coherence and displacement."))
        self.addParameter(ancillary)
        self.addOutput(QgsProcessingOutputMultipleLayers(self.LAYERS, self.tr("Layers")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.PHASE, self.tr("Wrapped phase (radians)")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.COHERENCE, self.tr("Coherence")))
        self.addOutput(QgsProcessingOutputRasterLayer(self.DISPLACEMENT, self.tr("Line-of-sight displacement (m)")))
        self.addOutput(QgsProcessingOutputString(self.PRODUCT, self.tr("Product")))
        self.addOutput(QgsProcessingOutputFile(self.METADATA, self.tr("Interferogram metadata (JSON)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.insar.product import read_interferogram_product

        path = self.parameterAsFile(parameters, self.INPUT, context)
        if not path:
            raise QgsProcessingException(self.tr("Give an interferogram product (its metadata JSON or any file) as "
                                                 "INPUT."))
        with self.core_errors():
            product = read_interferogram_product(path)
        ancillary = self.parameterAsBoolean(parameters, self.LOAD_ANCILLARY, context)
        sources = attach_product_layers(context, product.name, product.files, product.metadata, ancillary)
        feedback.pushInfo(self.tr("{}: {} layer(s)").format(product.name, len(sources)))
        return {self.LAYERS: sources, self.PHASE: product.files.get("phase"),
                self.COHERENCE: product.files.get("coherence"), self.DISPLACEMENT: product.files.get("displacement"),
                self.PRODUCT: product.name, self.METADATA: product.metadata_path}
