"""Interferogram product layers in QGIS: their names, styles (phase wheel, grey coherence, diverging
displacement, mask classes, angles), metadata with JAXA's credit, and one group per pair in the
layer tree. Used by ``palsar2:interferogram``, ``palsar2:loadinterferogram`` and the dock. Main thread.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional

from qgis.core import QgsLayerTreeGroup, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import QCoreApplication

from . import styles
from .layer_metadata import apply_attribution

#: Loaded by default (shown: phase and coherence), then on request, in this order in the group.
MAIN_LAYERS = ("displacement", "phase", "coherence")
ANCILLARY_LAYERS = ("unwrapped_phase", "backscatter", "mask", "look_angle", "incidence_angle",
                    "local_incidence_angle")
VISIBLE = ("phase", "coherence")


def tr(text: str) -> str:
    return QCoreApplication.translate("InterferogramLayers", text)


def layer_title(key: str) -> str:
    """The translated title of a product layer key (see ``insar.product.LAYERS``)."""
    titles = {
        "displacement": tr("LOS displacement (m)"),
        "phase": tr("phase (rad)"),
        "coherence": tr("coherence"),
        "unwrapped_phase": tr("unwrapped phase (rad)"),
        "backscatter": tr("mean backscatter γ⁰"),
        "mask": tr("data mask"),
        "look_angle": tr("look angle (°)"),
        "incidence_angle": tr("incidence angle (°)"),
        "local_incidence_angle": tr("local incidence angle (°)"),
    }
    return titles.get(key, key)


def layer_name(product_name: str, key: str) -> str:
    return f"{product_name} {layer_title(key)}"


def product_abstract(metadata: Dict) -> str:
    """One sentence for the layers' metadata: the pair's dates and the displacement convention."""
    return tr("ALOS-2 PALSAR-2 interferogram {} → {}, {}; displacement d = −λ·φ/(4π), positive towards the "
              "satellite; one fringe = {:.3f} m.").format(
        metadata["reference"]["acquisition_time_utc"][:10], metadata["secondary"]["acquisition_time_utc"][:10],
        metadata.get("polarisation", ""), float(metadata.get("fringe_m", 0.0)))


def present_layer(layer: QgsRasterLayer, key: str, abstract: str) -> None:
    """Style ``layer`` for its product layer ``key`` and give it a title, abstract and JAXA's credit."""
    style = styles.INSAR_STYLES.get(key)
    if style is not None:
        style(layer)
    metadata = layer.metadata()
    metadata.setTitle(layer.name())
    metadata.setAbstract(abstract)
    layer.setMetadata(metadata)
    apply_attribution(layer)


def place_layer(project: QgsProject, layer: QgsRasterLayer, group_name: str, key: str, order: int,
                parent: Optional[QgsLayerTreeGroup] = None) -> None:
    """Move ``layer`` (already in ``project``) into the pair's group (under ``parent``, default the root);
    only phase and coherence are shown."""
    if project.layerTreeRoot().findLayer(layer.id()) is None:
        return
    group = styles.scene_group(project, group_name, parent)
    styles.place_in_group(project, layer, group, order, visible=key in VISIBLE)


def wanted_layers(files: Dict[str, str], ancillary: bool) -> List[str]:
    """The keys to load, in group order: the main layers the product has, then (``ancillary``) the rest."""
    keys: Iterable[str] = MAIN_LAYERS + (ANCILLARY_LAYERS if ancillary else ())
    return [key for key in keys if key in files]


def add_product_layers(product, project: Optional[QgsProject] = None, ancillary: bool = False,
                       parent: Optional[QgsLayerTreeGroup] = None) -> List[QgsRasterLayer]:
    """Add the layers of an interferogram product (``insar.product.InterferogramProduct``) to ``project``
    (default the current one), styled, in the pair's group (under ``parent``, default the root); returns them."""
    project = project or QgsProject.instance()
    abstract = product_abstract(product.metadata)
    layers = []
    for order, key in enumerate(wanted_layers(product.files, ancillary)):
        layer = QgsRasterLayer(product.files[key], layer_name(product.name, key), "gdal")
        if not layer.isValid():
            continue
        present_layer(layer, key, abstract)
        project.addMapLayer(layer)
        place_layer(project, layer, product.name, key, order, parent)
        layers.append(layer)
    return layers
