"""Styles and presentation of NRB layers in QGIS: renderers a SAR user expects, layer metadata from
the product, and the per-scene group in the layer tree. Main thread only (QgsProject, layer tree).

Renderers: grey stretch in dB (γ⁰ HH/VV −25…0 dB, HV/VH −30…−5 dB; the same limits in linear power
for linear layers), false-colour RGB (R = HH, G = HV, B = HH/HV: 0…15 dB), the categorical
data mask (valid, layover, shadow, ocean, invalid), the local incidence angle in degrees, and the
diverging log-ratio of change detection (blue = decrease, red = increase).
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from qgis.core import (
    QgsBox3d,
    QgsColorRampShader,
    QgsContrastEnhancement,
    QgsDateTimeRange,
    QgsLayerMetadata,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsMultiBandColorRenderer,
    QgsPalettedRasterRenderer,
    QgsProject,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandGrayRenderer,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtCore import QCoreApplication, QDateTime, Qt
from qgis.PyQt.QtGui import QColor

from ..nrb.reader_layers import ROLE_BACKSCATTER, ROLE_LIA, ROLE_MASK, ROLE_RGB, LayerSpec, ProductLayers
from ..nrb.reader_model import MASK_CLASSES, ProductInfo
from ..nrb.vrt import MASK_COLOURS
from .layer_metadata import apply_attribution

#: Default grey stretch limits in dB per polarisation.
DB_LIMITS: Dict[str, Tuple[float, float]] = {"HH": (-25.0, 0.0), "VV": (-25.0, 0.0),
                                             "HV": (-30.0, -5.0), "VH": (-30.0, -5.0)}
#: Limits of the HH/HV ratio band of the RGB composite, dB.
RATIO_LIMITS_DB = (0.0, 15.0)
#: Local incidence angle colour range, degrees.
LIA_LIMITS = (0.0, 90.0)
#: Log-ratio colour range, ± dB.
CHANGE_LIMIT_DB = 6.0

PROPERTY_ROLE = "palsar2/role"
PROPERTY_ORDER = "palsar2/order"
PROPERTY_PRODUCT = "palsar2/product"


def tr(text: str) -> str:
    return QCoreApplication.translate("Palsar2Styles", text)


def limits(polarisation: str, scale: str) -> Tuple[float, float]:
    """Stretch limits of a polarisation in ``scale`` ("dB" or "linear" power)."""
    low, high = DB_LIMITS.get(polarisation.upper(), DB_LIMITS["HH"])
    return (low, high) if scale == "dB" else (10 ** (low / 10), 10 ** (high / 10))


def _stretch(layer: QgsRasterLayer, band: int, low: float, high: float) -> QgsContrastEnhancement:
    enhancement = QgsContrastEnhancement(layer.dataProvider().dataType(band))
    enhancement.setContrastEnhancementAlgorithm(QgsContrastEnhancement.StretchToMinimumMaximum, True)
    enhancement.setMinimumValue(low)
    enhancement.setMaximumValue(high)
    return enhancement


def style_grey(layer: QgsRasterLayer, polarisation: str = "HH", scale: str = "dB",
               low: Optional[float] = None, high: Optional[float] = None) -> QgsSingleBandGrayRenderer:
    """Grey stretch of band 1 between the polarisation's default limits (or ``low``/``high``)."""
    default_low, default_high = limits(polarisation, scale)
    renderer = QgsSingleBandGrayRenderer(layer.dataProvider(), 1)
    renderer.setContrastEnhancement(_stretch(layer, 1, default_low if low is None else low,
                                             default_high if high is None else high))
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def style_rgb(layer: QgsRasterLayer, scale: str = "dB", pols: Sequence[str] = ("HH", "HV")) -> QgsMultiBandColorRenderer:
    """False colour: red = co-pol, green = cross-pol, blue = co/cross ratio."""
    renderer = QgsMultiBandColorRenderer(layer.dataProvider(), 1, 2, 3)
    co_low, co_high = limits(pols[0], scale)
    cross_low, cross_high = limits(pols[1], scale)
    ratio_low, ratio_high = RATIO_LIMITS_DB if scale == "dB" else tuple(10 ** (v / 10) for v in RATIO_LIMITS_DB)
    renderer.setRedContrastEnhancement(_stretch(layer, 1, co_low, co_high))
    renderer.setGreenContrastEnhancement(_stretch(layer, 2, cross_low, cross_high))
    renderer.setBlueContrastEnhancement(_stretch(layer, 3, ratio_low, ratio_high))
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def mask_classes() -> List[QgsPalettedRasterRenderer.Class]:
    """Paletted classes of the data mask (no-data value 0 has no class)."""
    classes = []
    for value, name in MASK_CLASSES.items():
        if value == 0:
            continue
        classes.append(QgsPalettedRasterRenderer.Class(value, QColor(*MASK_COLOURS[value]), tr(name)))
    return classes


def style_mask(layer: QgsRasterLayer) -> QgsPalettedRasterRenderer:
    """Categorical renderer: valid, layover, shadow, ocean water, invalid data."""
    renderer = QgsPalettedRasterRenderer(layer.dataProvider(), 1, mask_classes())
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def _ramp_shader(stops: Iterable[Tuple[float, QColor, str]]) -> QgsRasterShader:
    ramp = QgsColorRampShader()
    ramp.setColorRampType(QgsColorRampShader.Interpolated)
    ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, c, label) for v, c, label in stops])
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    return shader


def style_lia(layer: QgsRasterLayer) -> QgsSingleBandPseudoColorRenderer:
    """Local incidence angle in degrees: dark blue (0°) through yellow (45°) to dark red (90°)."""
    low, high = LIA_LIMITS
    stops = [(low, QColor(49, 54, 149), f"{low:.0f}°"), ((low + high) / 2, QColor(255, 255, 191), f"{(low + high) / 2:.0f}°"),
             (high, QColor(165, 0, 38), f"{high:.0f}°")]
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, _ramp_shader(stops))
    renderer.setClassificationMin(low)
    renderer.setClassificationMax(high)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def style_change(layer: QgsRasterLayer, limit_db: float = CHANGE_LIMIT_DB) -> QgsSingleBandPseudoColorRenderer:
    """Diverging log-ratio: blue (−limit dB, decrease) – white (0) – red (+limit dB, increase)."""
    stops = [(-limit_db, QColor(5, 48, 97), f"−{limit_db:g} dB"), (0.0, QColor(247, 247, 247), "0 dB"),
             (limit_db, QColor(103, 0, 31), f"+{limit_db:g} dB")]
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, _ramp_shader(stops))
    renderer.setClassificationMin(-limit_db)
    renderer.setClassificationMax(limit_db)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def style_change_polygons(layer) -> None:
    """Categorised outline fill of change polygons by the ``change`` field (red increase, blue decrease)."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsFillSymbol, QgsRendererCategory

    categories = []
    for value, colour in (("increase", "215,25,28"), ("decrease", "43,131,186")):
        symbol = QgsFillSymbol.createSimple({"color": f"{colour},90", "outline_color": f"{colour},255",
                                             "outline_width": "0.4"})
        categories.append(QgsRendererCategory(value, symbol, tr(value)))
    layer.setRenderer(QgsCategorizedSymbolRenderer("change", categories))
    layer.triggerRepaint()


def apply_style(layer: QgsRasterLayer, spec: LayerSpec) -> None:
    """The renderer for a layer's role (backscatter grey, RGB, mask, LIA)."""
    if spec.role == ROLE_BACKSCATTER:
        style_grey(layer, spec.polarisation, spec.scale)
    elif spec.role == ROLE_RGB:
        style_rgb(layer, spec.scale, tuple(spec.polarisation.split(",")))
    elif spec.role == ROLE_MASK:
        style_mask(layer)
    elif spec.role == ROLE_LIA:
        style_lia(layer)


# ------------------------------------------------------------------------------------------------
# metadata
# ------------------------------------------------------------------------------------------------

def _qdatetime(moment) -> QDateTime:
    value = QDateTime.fromString(moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", Qt.ISODateWithMs)
    value.setTimeSpec(Qt.UTC)
    return value


def apply_product_metadata(layer: QgsMapLayer, info: ProductInfo, spec: Optional[LayerSpec] = None,
                           product_file: str = "") -> None:
    """Title, abstract, keywords, spatial/temporal extent, links and JAXA attribution from the product."""
    metadata = QgsLayerMetadata(layer.metadata())
    metadata.setIdentifier(f"{info.scene_id}_{info.product_id}" + (f"_{spec.polarisation}" if spec and spec.polarisation else ""))
    metadata.setParentIdentifier(f"{info.scene_id}_{info.product_id}")
    metadata.setTitle(f"ALOS-2 PALSAR-2 {info.level} {spec.name if spec else info.short_name}")
    metadata.setType("dataset")
    metadata.setLanguage("en")
    metadata.setAbstract(info.abstract())
    metadata.setKeywords({"keywords": info.keywords(), "gmd:topicCategory": ["imageryBaseMapsEarthCover"]})
    metadata.setCategories(["Radar backscatter"])
    metadata.setCrs(layer.crs())
    extent = QgsLayerMetadata.Extent()
    spatial = QgsLayerMetadata.SpatialExtent()
    spatial.extentCrs = layer.crs()
    bounds = layer.extent()
    spatial.bounds = QgsBox3d(bounds.xMinimum(), bounds.yMinimum(), 0.0, bounds.xMaximum(), bounds.yMaximum(), 0.0)
    extent.setSpatialExtents([spatial])
    if info.start_time is not None:
        end = info.end_time or info.start_time
        extent.setTemporalExtents([QgsDateTimeRange(_qdatetime(info.start_time), _qdatetime(end))])
    metadata.setExtent(extent)
    if product_file:
        metadata.addLink(QgsLayerMetadata.Link("Product", "file", product_file))
    metadata.addLink(QgsLayerMetadata.Link("CEOS-ARD NRB specification", "WWW:LINK",
                                           "https://ceos.org/ard/files/PFS/NRB/v5.5/CARD4L-PFS_NRB_v5.5.pdf"))
    history = list(metadata.history())
    history.append(f"{info.processing_level_text}; processed by {info.processing_facility or info.producer}")
    metadata.setHistory(history)
    layer.setMetadata(metadata)
    apply_attribution(layer)
    if info.start_time is not None and isinstance(layer, QgsRasterLayer):
        temporal = layer.temporalProperties()
        temporal.setMode(temporal.ModeFixedTemporalRange)
        temporal.setFixedTemporalRange(QgsDateTimeRange(_qdatetime(info.start_time),
                                                        _qdatetime(info.end_time or info.start_time)))
        temporal.setIsActive(True)


# ------------------------------------------------------------------------------------------------
# layer tree
# ------------------------------------------------------------------------------------------------

def scene_group(project: QgsProject, name: str, parent: Optional[QgsLayerTreeGroup] = None) -> QgsLayerTreeGroup:
    """The group ``name`` under ``parent`` (default the root), created at the top if missing."""
    parent = parent or project.layerTreeRoot()
    group = parent.findGroup(name)
    if group is None or group.parent() is not parent:
        group = parent.insertGroup(0, name)
    return group


def place_in_group(project: QgsProject, layer: QgsMapLayer, group: QgsLayerTreeGroup, order: int,
                   visible: bool = True) -> None:
    """Move ``layer`` (already in ``project``) into ``group``, sorted by ``order`` (0 = top)."""
    layer.setCustomProperty(PROPERTY_ORDER, order)
    root = project.layerTreeRoot()
    node = root.findLayer(layer.id())
    index = 0
    for child in group.children():
        other = getattr(child, "layer", lambda: None)()
        if other is not None and int(other.customProperty(PROPERTY_ORDER, 0)) < order:
            index += 1
    if node is None:
        new_node = group.insertLayer(index, layer)
    elif node.parent() is group:
        new_node = node
    else:
        new_node = node.clone()
        group.insertChildNode(index, new_node)
        node.parent().removeChildNode(node)
    new_node.setItemVisibilityChecked(visible)


def make_layer(spec: LayerSpec) -> QgsRasterLayer:
    """A raster layer of ``spec`` (not yet in a project); check ``isValid()``."""
    layer = QgsRasterLayer(spec.source, spec.name, "gdal")
    layer.setCustomProperty(PROPERTY_ROLE, spec.role)
    return layer


def present_layer(layer: QgsRasterLayer, spec: LayerSpec, info: ProductInfo, product_file: str = "") -> None:
    """Style, metadata and attribution of one product layer."""
    layer.setName(spec.name)
    layer.setCustomProperty(PROPERTY_ROLE, spec.role)
    apply_style(layer, spec)
    apply_product_metadata(layer, info, spec, product_file)


def add_product_layers(built: Sequence[ProductLayers], project: Optional[QgsProject] = None,
                       parent: Optional[QgsLayerTreeGroup] = None) -> List[QgsRasterLayer]:
    """Add every layer of ``built`` to ``project``, one group per scene; all or nothing.

    Every layer is created and checked first; if one is invalid nothing is added and a
    :class:`~palsar2_plugin.errors.Palsar2Error` names it.
    """
    from ..errors import Palsar2Error
    from ..nrb.vrt import product_file

    project = project or QgsProject.instance()
    prepared = []
    for product_layers in built:
        for order, spec in enumerate(product_layers.layers):
            layer = make_layer(spec)
            if not layer.isValid():
                raise Palsar2Error(f"QGIS cannot open {spec.source} ({layer.error().summary()}); nothing was added.")
            prepared.append((product_layers, order, spec, layer))
    added = []
    for product_layers, order, spec, layer in prepared:
        present_layer(layer, spec, product_layers.product.info, product_file(product_layers.product))
        project.addMapLayer(layer, False)
        group = scene_group(project, product_layers.group_name, parent)
        place_in_group(project, layer, group, order, visible=spec.role in (ROLE_BACKSCATTER, ROLE_RGB))
        added.append(layer)
    return added


# ------------------------------------------------------------------------------------------------
# interferometry
# ------------------------------------------------------------------------------------------------

#: Displacement colour range, ± metres (one fringe of PALSAR-2 is 0.121 m).
DISPLACEMENT_LIMIT_M = 0.25


def style_phase(layer: QgsRasterLayer) -> QgsSingleBandPseudoColorRenderer:
    """Wrapped phase, −π…π radians, on a cyclic colour wheel (the same colour at −π and +π, so a fringe
    is one turn of the wheel and no false edge appears where the phase wraps)."""
    import math

    hues = [0, 60, 120, 180, 240, 300, 360]
    stops = []
    for i, hue in enumerate(hues):
        value = -math.pi + 2 * math.pi * i / (len(hues) - 1)
        stops.append((value, QColor.fromHsv(hue % 360, 200, 255), f"{value:+.2f} rad" if i in (0, 3, 6) else ""))
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, _ramp_shader(stops))
    renderer.setClassificationMin(-math.pi)
    renderer.setClassificationMax(math.pi)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def style_coherence(layer: QgsRasterLayer) -> QgsSingleBandGrayRenderer:
    """Coherence in grey, 0 (black: decorrelated) … 1 (white: unchanged)."""
    return style_grey(layer, low=0.0, high=1.0)


def style_displacement(layer: QgsRasterLayer, limit_m: float = DISPLACEMENT_LIMIT_M) -> QgsSingleBandPseudoColorRenderer:
    """Line-of-sight displacement (m): diverging blue (away from the satellite) – white (0) – red (towards)."""
    stops = [(-limit_m, QColor(5, 48, 97), f"−{limit_m:g} m"), (0.0, QColor(247, 247, 247), "0 m"),
             (limit_m, QColor(103, 0, 31), f"+{limit_m:g} m")]
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, _ramp_shader(stops))
    renderer.setClassificationMin(-limit_m)
    renderer.setClassificationMax(limit_m)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def style_backscatter_linear(layer: QgsRasterLayer) -> QgsSingleBandGrayRenderer:
    """Linear-power gamma0 (the interferogram's mean backscatter) in grey, −25…0 dB."""
    return style_grey(layer, "HH", "linear")


#: interferogram product layer key -> renderer (None: QGIS's default)
INSAR_STYLES = {"phase": style_phase, "coherence": style_coherence, "displacement": style_displacement,
                "unwrapped_phase": None, "backscatter": style_backscatter_linear, "mask": style_mask,
                "look_angle": style_lia, "incidence_angle": style_lia, "local_incidence_angle": style_lia}


def style_coherence_loss(layer: QgsRasterLayer, threshold: float = 0.3) -> QgsSingleBandPseudoColorRenderer:
    """Coherence difference pre − co (damage proxy): blue (gain, −0.5) – white (0) – yellow (the loss
    threshold) – dark red (0.7 and more: strong loss)."""
    stops = [(-0.5, QColor(33, 102, 172), "−0.5"), (0.0, QColor(247, 247, 247), "0"),
             (threshold, QColor(254, 217, 118), f"{threshold:g}"), (0.7, QColor(165, 0, 38), "0.7")]
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, _ramp_shader(stops))
    renderer.setClassificationMin(-0.5)
    renderer.setClassificationMax(0.7)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return renderer


def style_coherence_loss_polygons(layer) -> None:
    """Polygons of significant coherence loss: dark red outline over a half-transparent fill."""
    from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer

    symbol = QgsFillSymbol.createSimple({"color": "215,25,28,90", "outline_color": "165,0,38,255",
                                         "outline_width": "0.5"})
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    layer.triggerRepaint()
