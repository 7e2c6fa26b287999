"""Base class and helpers shared by the ``palsar2`` algorithms.

An algorithm subclasses :class:`Palsar2Algorithm` and sets ``NAME`` (lowercase id, permanent),
``DISPLAY_NAME``, ``GROUP_ID`` (a key of :data:`GROUPS`), ``HELP_EN``, ``HELP_JA`` and ``REQUIRES``
(the third-party packages it cannot run without); it keeps no per-run state on the instance. An
algorithm whose packages do not import stops with the dependency message (see
:mod:`..palsar2_plugin.gui.dependency_text`) before it starts, and so does one that meets a missing
package on its way; its module imports such packages only inside its methods, so that the provider
always loads. Core errors become ``QgsProcessingException`` through
:meth:`Palsar2Algorithm.core_errors`; progress and cancel reach the core through
:func:`core_callbacks`, warnings come back through :func:`warning_callback`.
"""

from __future__ import annotations

import contextlib
import functools
import html
from typing import Callable, Iterator, Sequence, Tuple

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMessageLog,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..palsar2_plugin import attribution, dependencies
from ..palsar2_plugin.errors import Cancelled, Palsar2Error
from ..palsar2_plugin.gui import dependency_text
from ..palsar2_plugin.gui.i18n import current_language
from .failed_runs import releasing
from .provider import HELP_URL, ICON_PATH

#: Stable group ids and their English names (translated through tr() in context "Palsar2Algorithm").
GROUPS = {
    "data": "Find and download data",
    "read": "Read products",
    "correct": "Terrain correction",
    "load": "Load and analyse",
    "events": "Disaster events",
}



class Palsar2Algorithm(QgsProcessingAlgorithm):
    """Common identity, help, icon and error handling of the plugin's algorithms."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP_ID = ""
    HELP_EN = ""
    HELP_JA = ""
    TAGS: Tuple[str, ...] = ()
    #: Third-party packages (names of :data:`dependencies.REQUIRED`) the algorithm cannot run without.
    REQUIRES: Tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        """Every algorithm's processAlgorithm checks its packages first and lets go of what QGIS keeps
        from a failed run (see :mod:`.failed_runs`)."""
        super().__init_subclass__(**kwargs)
        process = cls.__dict__.get("processAlgorithm")
        if process is not None and not getattr(process, "releases_failed_runs", False):
            cls.processAlgorithm = releasing(checking_dependencies(process))

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        return QCoreApplication.translate("Palsar2Algorithm", GROUPS[self.GROUP_ID])

    def groupId(self):  # noqa: N802
        return self.GROUP_ID

    def tags(self):
        return [self.tr(tag) for tag in self.TAGS] + ["palsar-2", "alos-2", "jaxa", "sar"]

    def help_text(self) -> str:
        """Help in the QGIS language (Japanese or English), always ending with JAXA's credit; plain text."""
        japanese = current_language() == "ja" and self.HELP_JA
        body = self.HELP_JA if japanese else self.HELP_EN
        credit = (f"{attribution.CREDIT_JA}。{attribution.DERIVED_JA}" if japanese
                  else f"{attribution.CREDIT_EN}. {attribution.DERIVED_EN}")
        return f"{body}\n\n{credit}"

    def shortHelpString(self):  # noqa: N802
        """:meth:`help_text` for QGIS, which shows it as HTML: placeholders such as <scene> stay visible."""
        return html.escape(self.help_text(), quote=False) if help_is_html() else self.help_text()

    def shortDescription(self):  # noqa: N802
        return self.shortHelpString().split("\n", 1)[0]

    def addParameter(self, parameter, createOutput=True):  # noqa: N802 (QGIS API)
        """QGIS shows a parameter's help as HTML (its tooltip): escape it, so placeholders stay visible."""
        if help_is_html():
            parameter.setHelp(escape_help(parameter.help()))
        return super().addParameter(parameter, createOutput)

    def helpUrl(self):  # noqa: N802
        return f"{HELP_URL}"

    def icon(self):
        return QIcon(str(ICON_PATH))

    def svgIconPath(self):  # noqa: N802
        return str(ICON_PATH)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    def require(self, modules: Sequence[str], feature: str = "") -> None:
        """Stop with the dependency message unless ``modules`` import (``feature`` qualifies the tool's
        name, e.g. "SFTP" for an optional package needed by one way of running it)."""
        reasons = dependencies.missing(modules)
        if reasons:
            tool = f"{self.displayName()} ({feature})" if feature else self.displayName()
            raise QgsProcessingException(dependency_text.algorithm_message(reasons, tool))

    @staticmethod
    def note_optional(feedback: QgsProcessingFeedback, module: str) -> None:
        """Say in the log that an optional package that matters here is not installed, and what it gives."""
        if feedback is not None and dependencies.import_error(module) is not None:
            feedback.pushInfo(dependency_text.optional_note(module))

    @staticmethod
    @contextlib.contextmanager
    def core_errors() -> Iterator[None]:
        """Turn the core's errors into QgsProcessingException with the same message, and an OSError
        that slipped through (a disk that filled up, a file that vanished) into one that says what
        failed and what to check, never a traceback."""
        try:
            yield
        except Cancelled as error:
            raise QgsProcessingException(str(error)) from error
        except Palsar2Error as error:
            raise QgsProcessingException(str(error)) from error
        except OSError as error:
            where = error.filename or ""
            raise QgsProcessingException(QCoreApplication.translate(
                "Palsar2Algorithm", "Could not read or write {}: {}. Check that the path exists, that you may write "
                "there and that the disk is not full, then run again.").format(
                    where, error.strerror or error)) from error


def checking_dependencies(process):
    """processAlgorithm that first checks ``REQUIRES`` and turns a missing package met on the way (a lazy
    import deep in the core) into the same dependency message, never a traceback."""
    @functools.wraps(process)
    def wrapper(self, parameters, context, feedback):
        self.require(self.REQUIRES)
        try:
            return process(self, parameters, context, feedback)
        except ModuleNotFoundError as error:
            module = dependencies.missing_module_of(error)
            if module is None:
                raise
            raise QgsProcessingException(dependency_text.algorithm_message(
                {module: f"{type(error).__name__}: {error}"}, self.displayName())) from error
    return wrapper


def core_callbacks(feedback: QgsProcessingFeedback) -> Tuple[Callable[[float, str], None], Callable[[], bool]]:
    """(progress, is_cancelled) callables for the core, driven by a Processing feedback."""
    last_message = [""]

    def progress(fraction: float, message: str = "") -> None:
        if feedback is None:
            return
        feedback.setProgress(100.0 * fraction)
        if message and message != last_message[0]:
            last_message[0] = message
            feedback.setProgressText(message)

    def is_cancelled() -> bool:
        return feedback is not None and feedback.isCanceled()

    return progress, is_cancelled


def warning_callback(feedback: QgsProcessingFeedback) -> Callable[[str], None]:
    """A core ``warn`` callback: each warning goes to the algorithm's feedback (shown in the log
    tab and printed by qgis_process) and to the QGIS message log (tab "PALSAR-2")."""

    def warn(message: str) -> None:
        text = QCoreApplication.translate("Palsar2Algorithm", "Warning: {}").format(message)
        if feedback is not None:
            feedback.pushWarning(text)
        QgsMessageLog.logMessage(text, "PALSAR-2", Qgis.Warning)

    return warn


def make_advanced(parameter: QgsProcessingParameterDefinition) -> QgsProcessingParameterDefinition:
    """Flag ``parameter`` as advanced (works on QGIS 3.22 to 3.40+)."""
    parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return parameter


def help_is_html() -> bool:
    """True where QGIS shows help as HTML (the desktop, scripts); qgis_process prints it as it is."""
    return QgsApplication.platform() != "qgis_process"


def escape_help(text: str) -> str:
    """``text`` for a place QGIS renders as HTML ("<scene>" shows as typed); already escaped text is kept."""
    if "&lt;" in text or "&gt;" in text or "&amp;" in text:
        return text
    return html.escape(text, quote=False)


WIDGETS_MODULE = f"{__package__}.parameter_widgets"


def _with_widget(parameter: QgsProcessingParameterDefinition, wrapper: str) -> QgsProcessingParameterDefinition:
    metadata = dict(parameter.metadata())
    metadata["widget_wrapper"] = {"class": f"{WIDGETS_MODULE}.{wrapper}"}
    parameter.setMetadata(metadata)
    return parameter


def with_product_widget(parameter: QgsProcessingParameterFile) -> QgsProcessingParameterFile:
    """Give a product input the dialog widget with a folder and a file picker (:mod:`.parameter_widgets`)."""
    return _with_widget(parameter, "ProductPathWidgetWrapper")


def with_dem_widget(parameter: QgsProcessingParameterRasterLayer) -> QgsProcessingParameterRasterLayer:
    """Give a DEM input the dialog widget that proposes a plausible DEM or nothing (:mod:`.parameter_widgets`)."""
    return _with_widget(parameter, "DemLayerWidgetWrapper")
