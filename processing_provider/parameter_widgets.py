"""Widgets of two kinds of parameters in the algorithm dialog (QGIS draws every other one itself).

- A product input (``palsar2:loadnrb``, ``readceos``, ``terraincorrection``, ``changedetection`` and
  the shipped model): a product is a folder, a zip or any of its files, so the field offers a file
  picker *and* a folder picker, and takes a typed or dropped path of either.
- A DEM input: QGIS proposes the first raster layer of the project for a required raster
  parameter (the data mask of a loaded product, say). This one proposes the most plausible DEM
  (:func:`plausible_dem`) or stays empty.

They are chosen through the parameters' ``widget_wrapper`` metadata (see :func:`.base.product_input`
and :func:`.base.dem_input`); QGIS imports this module only when it draws a dialog. In batch and
model-designer dialogs QGIS's own widgets are used.
"""

from __future__ import annotations

import os
import re
from typing import Optional

from processing.gui.wrappers import DIALOG_STANDARD, WidgetWrapper, dialogTypes
from qgis.core import (
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingParameterDefinition,
    QgsProject,
    QgsRasterLayer,
)
from qgis.gui import QgsFileWidget, QgsGui, QgsProcessingGui, QgsProcessingMapLayerComboBox
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, pyqtSignal
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QFileDialog, QHBoxLayout, QToolButton, QWidget

#: Beginnings of words in a layer's name (or file name) that mark a DEM, and ones that mark what is not one.
DEM_WORDS = ("dem", "dsm", "dtm", "srtm", "aster", "gdem", "glo30", "glo90", "copernicus", "aw3d", "tandem",
             "nasadem", "elevation", "height", "標高")
NOT_DEM_WORDS = ("mask", "msk", "γ⁰", "σ⁰", "β⁰", "gamma", "sigma", "beta", "backscatter", "log", "incidence", "lia",
                 "area", "looks", "nlk", "hh", "hv", "vv", "vh", "changes", "rgb", "slp")


def tr(text: str) -> str:
    return QCoreApplication.translate("ParameterWidgets", text)


def _dialog_type(dialog) -> int:
    return dialogTypes.get(dialog.__class__.__name__, QgsProcessingGui.Standard)


def _qgis_wrapper(param, dialog):
    """QGIS's own wrapper of ``param`` for ``dialog`` (as processing's WidgetWrapperFactory makes it)."""
    registry = QgsGui.processingGuiRegistry()
    if dialog.__class__.__name__ == "ModelerParametersDialog":
        wrapper = registry.createModelerParameterWidget(dialog.model, dialog.childId, param, dialog.context)
    else:
        wrapper = registry.createParameterWidgetWrapper(param, _dialog_type(dialog))
    if wrapper is not None and hasattr(wrapper, "setDialog"):
        wrapper.setDialog(dialog)
    return wrapper


class _StandardDialogOnly(WidgetWrapper):
    """A wrapper used in the algorithm dialog; other dialogs get QGIS's own."""

    def __new__(cls, param, dialog, row=0, col=0, **kwargs):
        if _dialog_type(dialog) != DIALOG_STANDARD:
            return _qgis_wrapper(param, dialog)
        return super().__new__(cls)

    def _changed(self, *_args) -> None:
        """Tell the dialog the value changed (unless the wrapper is gone while its widget lives on)."""
        if not sip.isdeleted(self):
            self.widgetValueHasChanged.emit(self)


# --------------------------------------------------------------------------------- product inputs

class ProductPathWidget(QWidget):
    """A path field with a file picker ("…") and a folder picker beside it."""

    pathChanged = pyqtSignal(str)

    def __init__(self, file_filter: str = "", parent: Optional[QWidget] = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.file_widget = QgsFileWidget(self)
        self.file_widget.setStorageMode(QgsFileWidget.GetFile)
        self.file_widget.setFilter(file_filter)
        self.file_widget.setDialogTitle(tr("Choose a file of the product (or its zip)"))
        self.file_widget.lineEdit().setPlaceholderText(tr("Product folder, zip or any of its files"))
        self.file_widget.setToolTip(tr("Type or drop a path, or choose a file of the product (…) or its folder"))
        self.file_widget.fileChanged.connect(self.pathChanged.emit)
        layout.addWidget(self.file_widget, 1)
        self.folder_button = QToolButton(self)
        self.folder_button.setObjectName("productFolderButton")
        self.folder_button.setIcon(QIcon(":/images/themes/default/mIconFolderOpen.svg"))
        self.folder_button.setToolTip(tr("Choose the product's folder"))
        self.folder_button.clicked.connect(self.choose_folder)
        layout.addWidget(self.folder_button)

    def filePath(self) -> str:  # noqa: N802 (Qt style, as QgsFileWidget)
        return self.file_widget.filePath().strip()

    def setFilePath(self, path: str) -> None:  # noqa: N802
        self.file_widget.setFilePath(path or "")

    def choose_folder(self) -> None:
        current = self.filePath()
        start = current if os.path.isdir(current) else os.path.dirname(current)
        folder = QFileDialog.getExistingDirectory(self, tr("Choose the product's folder"), start or "")
        if folder:
            self.setFilePath(folder)


class ProductPathWidgetWrapper(_StandardDialogOnly):
    """A product input: folder, zip or any file of the product."""

    def createWidget(self):  # noqa: N802 (QGIS API)
        widget = ProductPathWidget(self.parameterDefinition().fileFilter())
        widget.pathChanged.connect(self._changed)
        return widget

    def setValue(self, value):  # noqa: N802
        self.widget.setFilePath("" if value in (None, "") else str(value))

    def value(self):
        return self.widget.filePath() or None


# ------------------------------------------------------------------------------------- DEM inputs

def _words(text: str):
    return [word for word in re.split(r"[\s_.,;:()\[\]/\\-]+", text.casefold()) if word]


def dem_score(layer: QgsMapLayer) -> int:
    """How much ``layer`` looks like a DEM: > 0 plausible, 0 unknown, < 0 certainly not."""
    if not isinstance(layer, QgsRasterLayer) or not layer.isValid() or layer.bandCount() != 1:
        return -1
    if layer.customProperty("palsar2/role", None):  # a layer of a PALSAR-2 product (γ⁰, mask, LIA)
        return -1
    words = _words(f"{layer.name()} {os.path.basename(layer.source())}")
    if any(word.startswith(marker) for word in words for marker in NOT_DEM_WORDS):
        return -1
    return sum(1 for marker in DEM_WORDS if any(word.startswith(marker) for word in words))


def plausible_dem(project: Optional[QgsProject] = None) -> Optional[QgsRasterLayer]:
    """The project's raster layer most like a DEM by name (ties: the first), or None when none looks like one."""
    project = project or QgsProject.instance()
    scored = [(dem_score(layer), index, layer) for index, layer in
              enumerate(project.layerTreeRoot().layerOrder() or project.mapLayers().values())]
    scored = [entry for entry in scored if entry[0] > 0]
    if not scored:
        return None
    return max(scored, key=lambda entry: (entry[0], -entry[1]))[2]


class DemLayerWidgetWrapper(_StandardDialogOnly):
    """A DEM input: QGIS's layer box (with its file chooser), starting on a plausible DEM or empty."""

    def createWidget(self):  # noqa: N802 (QGIS API)
        # the box allows "empty" only for optional parameters: give it an optional copy (kept alive here)
        self._optional_copy = self.parameterDefinition().clone()
        self._optional_copy.setFlags(self._optional_copy.flags() | QgsProcessingParameterDefinition.FlagOptional)
        combo = QgsProcessingMapLayerComboBox(self._optional_copy, QgsProcessingGui.Standard)
        combo.setLayer(plausible_dem())
        combo.setToolTip(tr("A raster of terrain heights covering the scene; proposed only when a layer's name "
                            "says it is one"))
        combo.valueChanged.connect(self._changed)
        return combo

    def setValue(self, value):  # noqa: N802
        if value in (None, ""):
            return  # keep the proposal
        if isinstance(value, QgsMapLayer):
            self.widget.setLayer(value)
        else:
            context = QgsProcessingContext()
            context.setProject(QgsProject.instance())
            self.widget.setValue(value, context)

    def value(self):
        value = self.widget.value()
        return None if value in (None, "") else value
