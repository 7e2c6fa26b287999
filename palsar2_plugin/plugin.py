"""The QGIS plugin object: registers the Processing provider, the dock panel and the menu.

QGIS creates it through ``classFactory(iface)``; under qgis_process ``iface`` is None and only
:meth:`Palsar2Plugin.initProcessing` is called. On load it checks that the required Python packages
import (one message bar with an Install button when some do not; the algorithms that need them say
the same when run) and offers the "Python packages" dialog in its menu. :meth:`Palsar2Plugin.unload` removes everything
it added, so loading and unloading repeatedly leaves nothing behind.
"""

from __future__ import annotations

from typing import List, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from . import dependencies
from .gui import i18n

MENU_NAME = "PALSAR-2 ScanSAR"


class Palsar2Plugin:
    """Owns the provider, the disaster-data dock and the menu actions."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.dock = None
        self.scene_actions = None  # dock search/download (background tasks)
        self.load_action = None  # dock load + compare with the archive scene
        self.options_factory = None  # the "PALSAR-2" page of Settings > Options
        self.interferogram_action = None  # dock interferogram of the scene with its archive scene
        self.actions: List[QAction] = []
        self.missing: dict = {}  # required packages that do not import: {module: reason}
        i18n.install_translator()

    @staticmethod
    def tr(text: str) -> str:
        return QCoreApplication.translate("Palsar2Plugin", text)

    # -- Processing -------------------------------------------------------------------
    def initProcessing(self):  # noqa: N802 (QGIS API)
        """Register the ``palsar2`` provider (idempotent)."""
        if self.provider is None:
            from ..processing_provider.provider import Palsar2Provider

            provider = Palsar2Provider()
            # addProvider refuses (and deletes) a second provider with the same id.
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider

    # -- GUI --------------------------------------------------------------------------
    def initGui(self):  # noqa: N802 (QGIS API)
        self.initProcessing()
        if self.iface is None:
            return
        from ..processing_provider.provider import ICON_PATH
        from .gui.event_dock import EventDock
        from .gui.options_page import Palsar2OptionsFactory

        self.options_factory = Palsar2OptionsFactory()
        self.iface.registerOptionsWidgetFactory(self.options_factory)
        self.dock = EventDock(self.iface, self.iface.mainWindow())
        self.dock.add_to_main_window()
        self._wire_dock_actions()

        toggle = self.dock.toggleViewAction()
        toggle.setIcon(QIcon(str(ICON_PATH)))
        toggle.setText(self.tr("PALSAR-2 disaster data"))
        self._add_action(toggle)

        packages = QAction(self.tr("Python packages…"), self.iface.mainWindow())
        packages.setObjectName("palsar2PythonPackagesAction")
        packages.triggered.connect(self.show_dependencies)
        self._add_action(packages)
        if self.missing:
            from .gui.dependency_dialog import push_missing_message
            push_missing_message(self.iface, self.missing, self.tools_by_module())

    def _wire_dock_actions(self) -> None:
        from .gui import event_actions_insar, event_actions_load

        self.missing = dependencies.not_installed(dependencies.REQUIRED)   # fast: nothing imported
        network = {m: r for m, r in self.missing.items() if m in self.PANEL_NEEDS["search"]}
        if network:  # the panel's Search / Download say what is missing instead of failing to load
            from .gui.dependency_dialog import MissingPackagesAction
            stand_in = MissingPackagesAction(self.iface, network, self.tools_by_module())
            self.dock.set_actions_available({"search": stand_in, "refresh": stand_in, "download": stand_in})
        else:
            from .gui.scene_tasks import DockSceneActions
            self.scene_actions = DockSceneActions(self.iface, self.dock)
            self.scene_actions.register()
        self.load_action = event_actions_load.register(self.dock, self.iface)
        self.interferogram_action = event_actions_insar.register(self.dock, self.iface)

    #: Packages the disaster-data panel's actions need (the algorithms declare theirs in REQUIRES).
    PANEL_NEEDS = {"search": ("requests",)}

    def tools_by_module(self):
        """{package: names of the tools and panel actions that need it} (for messages and the dialog)."""
        from .gui.dependency_dialog import tools_by_module
        algorithms = self.provider.algorithms() if self.provider is not None else []
        panel = {m: [self.tr("disaster data panel: Search and Download")] for m in self.PANEL_NEEDS["search"]}
        return tools_by_module(algorithms, panel)

    def show_dependencies(self):
        """Open the "Python packages" dialog (status, instructions per platform, Install)."""
        from .gui.dependency_dialog import open_dialog
        return open_dialog(self.iface, self.tools_by_module())

    def _add_action(self, action: QAction) -> None:
        self.iface.addPluginToRasterMenu(MENU_NAME, action)
        self.actions.append(action)

    def unload(self):
        """Remove the provider, dock, menu entries and translator."""
        if self.iface is not None:
            for action in self.actions:
                self.iface.removePluginRasterMenu(MENU_NAME, action)
            if self.scene_actions is not None:
                self.scene_actions.unregister()  # cancels its running tasks
            if self.options_factory is not None:
                self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            if self.dock is not None:
                self.iface.removeDockWidget(self.dock)
                self.dock.close()
                self.dock.deleteLater()
        self.actions = []
        self.options_factory = None
        self.dock = None
        self.scene_actions = None
        self.load_action = None
        self.interferogram_action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        from ..processing_provider import failed_runs
        failed_runs.release()              # before QGIS exits: layers kept by failed runs go now
        i18n.remove_translator()

    # -- For other parts of the plugin ------------------------------------------------
    def event_dock(self) -> Optional[object]:
        """The disaster-data dock, or None without a GUI."""
        return self.dock
