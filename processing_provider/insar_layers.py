"""Interferogram product layers loaded when an algorithm finishes (``palsar2:interferogram``,
``palsar2:loadinterferogram``): each layer styled, with metadata and JAXA's credit, in its pair's group
(``palsar2_plugin.gui.insar_layers`` does the work, on the main thread)."""

from __future__ import annotations

from typing import ClassVar, Dict, List

from qgis.core import QgsProcessingContext, QgsProcessingLayerPostProcessorInterface


class InsarLayerPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Presents one interferogram layer (see :func:`palsar2_plugin.gui.insar_layers.present_layer`)."""

    _alive: ClassVar[List["InsarLayerPostProcessor"]] = []

    def __init__(self, key: str, group_name: str, order: int, abstract: str):
        super().__init__()
        self.key, self.group_name, self.order, self.abstract = key, group_name, order, abstract

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        from ..palsar2_plugin.gui import insar_layers

        insar_layers.present_layer(layer, self.key, self.abstract)
        project = context.project()
        if project is not None:
            insar_layers.place_layer(project, layer, self.group_name, self.key, self.order)


def attach_product_layers(context: QgsProcessingContext, product_name: str, files: Dict[str, str],
                          metadata: Dict, ancillary: bool = False) -> List[str]:
    """Ask QGIS to load the layers of an interferogram product (key -> path ``files``) when the algorithm
    finishes; returns their paths in group order (also when there is no project to load them into)."""
    from ..palsar2_plugin.gui import insar_layers

    keys = insar_layers.wanted_layers(files, ancillary)
    project = context.project()
    if project is not None:
        abstract = insar_layers.product_abstract(metadata)
        for order, key in enumerate(keys):
            name = insar_layers.layer_name(product_name, key)
            details = QgsProcessingContext.LayerDetails(name, project, name)
            processor = InsarLayerPostProcessor(key, product_name, order, abstract)
            InsarLayerPostProcessor._alive.append(processor)
            details.setPostProcessor(processor)
            context.addLayerToLoadOnCompletion(files[key], details)
    return [files[key] for key in keys]
