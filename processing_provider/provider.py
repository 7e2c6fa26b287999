"""The ``palsar2`` Processing provider."""

from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..palsar2_plugin import __version__
from ..palsar2_plugin.gui.i18n import PLUGIN_ROOT, tr
from .registry import algorithm_classes

ICON_PATH = PLUGIN_ROOT / "palsar2_plugin" / "icons" / "palsar2.svg"
#: Graphical models shipped with the plugin; each is offered as the algorithm ``palsar2:<model name>``.
MODELS_DIR = PLUGIN_ROOT / "palsar2_plugin" / "models"
HELP_URL = "https://github.com/palsar2-scansar/palsar2-scansar#readme"


class Palsar2Provider(QgsProcessingProvider):
    """Provider id ``palsar2`` (permanent: it appears in models, scripts and qgis_process)."""

    def id(self):
        return "palsar2"

    def name(self):
        return "PALSAR-2 ScanSAR"

    def longName(self):  # noqa: N802 (QGIS API)
        return f"PALSAR-2 ScanSAR {__version__}"

    def versionInfo(self):  # noqa: N802
        return __version__

    def icon(self):
        return QIcon(str(ICON_PATH))

    def svgIconPath(self):  # noqa: N802
        return str(ICON_PATH)

    def helpId(self):  # noqa: N802
        return HELP_URL

    def loadAlgorithms(self):  # noqa: N802
        classes, failures = algorithm_classes()
        for cls in classes:
            self.addAlgorithm(cls())
        from .shipped_models import ShippedModel

        for path in sorted(MODELS_DIR.glob("*.model3")):
            try:
                model = ShippedModel.from_file(path)
            except ValueError as error:
                failures.append(str(error))
                continue
            model.setGroup(tr("Palsar2Provider", "Ready-made models"))  # one group, in the user's language
            self.addAlgorithm(model)
        for failure in failures:
            QgsMessageLog.logMessage(
                tr("Palsar2Provider", "An algorithm could not be loaded: {}").format(failure),
                "PALSAR-2", Qgis.Warning)
