"""The graphical models shipped in ``palsar2_plugin/models`` as algorithms of the provider.

Each ``<file>.model3`` becomes ``palsar2:<model name>`` (the id is permanent). A model file holds
one English name and help; :class:`ShippedModel` shows a proper display name, help and parameter
labels in the user's language (toolbox, algorithm dialog, model designer's algorithm list) and
gives the product and DEM inputs the plugin's widgets (:mod:`.parameter_widgets`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from qgis.core import QgsProcessingModelAlgorithm
from qgis.PyQt.QtCore import QCoreApplication

from .base import with_dem_widget, with_product_widget

CONTEXT = "ShippedModels"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def display_names() -> Dict[str, str]:
    """Model name -> display name, in the user's language."""
    return {"l11tonrblayers": tr("L1.1 product to NRB layers (terrain correction, then load)")}


def help_contents() -> Dict[str, Dict[str, str]]:
    """Model name -> help (``ALG_DESC`` and per-parameter texts), in the user's language."""
    return {"l11tonrblayers": {
        "ALG_DESC": tr("From a PALSAR-2 L1.1 product (ScanSAR or stripmap) and a DEM to terrain-corrected gamma0 "
                       "layers on the map: 'Terrain correction (gamma0 NRB)' writes a CEOS-ARD NRB product, "
                       "'Load NRB product as layers' adds it styled (gamma0 in dB, data mask, local incidence "
                       "angle) in the scene's group. Open the model in the model designer to adapt it. "
                       "Data provided by JAXA."),
        "product": tr("The L1.1 product: its folder, its zip or any of its files."),
        "dem": tr("A DEM raster covering the scene (any CRS)."),
        "dem_height_reference": tr("0 = EGM96 geoid (SRTM, ASTER, Copernicus), 1 = EGM2008 geoid, "
                                   "2 = WGS84 ellipsoid."),
        "pixel_size": tr("Output pixel size in metres (UTM of the scene centre)."),
    }}


def parameter_labels() -> Dict[str, Dict[str, str]]:
    """Model name -> parameter name -> label, in the user's language."""
    return {"l11tonrblayers": {
        "product": tr("L1.1 product (folder, zip or any of its files)"),
        "dem": tr("DEM"),
        "dem_height_reference": tr("DEM height reference"),
        "pixel_size": tr("Pixel size (m)"),
    }}


#: Model inputs that get the plugin's widgets.
PRODUCT_INPUTS = ("product",)
DEM_INPUTS = ("dem",)


class ShippedModel(QgsProcessingModelAlgorithm):
    """A model of the plugin, named and explained in the user's language."""

    @classmethod
    def from_file(cls, path: Path) -> "ShippedModel":
        """The model read from ``path``; raises ValueError when the file is not a readable model."""
        model = cls()
        if not model.fromFile(str(path)):
            raise ValueError(f"{path.name}: not a readable model")
        model.localise()
        return model

    def localise(self) -> None:
        """Help, parameter labels and input widgets for the user's language and the plugin."""
        help_content = dict(self.helpContent())
        help_content.update(help_contents().get(self.name(), {}))
        self.setHelpContent(help_content)
        for name, label in parameter_labels().get(self.name(), {}).items():
            parameter = self.parameterDefinition(name)
            if parameter is not None:
                parameter.setDescription(label)
        for name in PRODUCT_INPUTS:
            if self.parameterDefinition(name) is not None:
                with_product_widget(self.parameterDefinition(name))
        for name in DEM_INPUTS:
            if self.parameterDefinition(name) is not None:
                with_dem_widget(self.parameterDefinition(name))

    def displayName(self):  # noqa: N802 (QGIS API)
        return display_names().get(self.name(), self.name())

    def createInstance(self):  # noqa: N802 (QGIS API)
        """A copy that keeps the display name (QGIS's own copy would be a plain model)."""
        model = ShippedModel()
        model.loadVariant(self.toVariant())
        model.setSourceFilePath(self.sourceFilePath())
        model.localise()
        return model
