"""The plugin as QGIS and qgis_process load it: metadata, classFactory, provider, unload."""

from __future__ import annotations

import configparser
import re

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QEvent
from qgis.PyQt.QtWidgets import QDockWidget

from conftest import ROOT


def read_metadata():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "metadata.txt", encoding="utf-8")
    return parser["general"]


def test_metadata_is_complete_for_the_plugin_repository():
    meta = read_metadata()
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                "repository", "tracker", "homepage", "license", "category", "tags", "icon", "experimental",
                "hasProcessingProvider", "changelog"):
        assert meta.get(key, "").strip(), f"metadata.txt lacks {key}"
    assert meta["name"] == "PALSAR-2 ScanSAR"
    assert meta["qgisMinimumVersion"] == "3.22"
    assert meta["hasProcessingProvider"] == "yes"
    assert meta["category"] == "Raster"
    assert meta["experimental"] == "True"
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["version"])
    assert (ROOT / meta["icon"]).is_file()
    major, minor = (int(part) for part in meta["qgisMinimumVersion"].split(".")[:2])
    assert Qgis.QGIS_VERSION_INT >= major * 10000 + minor * 100
    from palsar2_scansar.palsar2_plugin import __version__
    assert meta["version"] == __version__


def test_provider_is_registered_with_its_identity(plugin):
    provider = QgsApplication.processingRegistry().providerById("palsar2")
    assert provider is not None
    assert provider.name() == "PALSAR-2 ScanSAR"
    assert not provider.icon().isNull()
    for algorithm in provider.algorithms():
        assert re.fullmatch(r"[a-z0-9]+", algorithm.name()), algorithm.name()
        assert algorithm.id() == f"palsar2:{algorithm.name()}"
        assert algorithm.shortHelpString().strip()
        assert algorithm.groupId()


def test_class_factory_without_iface_registers_only_processing(plugin, plugin_package):
    registry = QgsApplication.processingRegistry()
    plugin.unload()  # the session's instance holds the provider id: free it, as QGIS would
    try:
        headless = plugin_package.classFactory(None)  # as qgis_process does
        headless.initProcessing()
        assert registry.providerById("palsar2") is headless.provider is not None
        assert headless.dock is None and headless.actions == []
        assert len(headless.provider.algorithms()) >= 1
        headless.unload()
        assert registry.providerById("palsar2") is None
    finally:
        plugin.initGui()
    assert registry.providerById("palsar2") is not None


def test_load_unload_twice_leaves_nothing_behind(plugin, plugin_package, qgis_iface):
    registry = QgsApplication.processingRegistry()
    main_window = qgis_iface.mainWindow()
    docks_before = len(main_window.findChildren(QDockWidget))
    plugin.unload()
    assert registry.providerById("palsar2") is None
    for _ in range(2):
        again = plugin_package.classFactory(qgis_iface)
        again.initGui()
        assert registry.providerById("palsar2") is not None
        assert again.dock is not None
        again.unload()
        QgsApplication.processEvents()
        assert registry.providerById("palsar2") is None
        assert again.dock is None and again.actions == []
    QgsApplication.sendPostedEvents(None, QEvent.DeferredDelete)  # runs the docks' deleteLater
    plugin.initGui()  # restore the session's instance for the other tests
    assert registry.providerById("palsar2") is not None
    assert len(main_window.findChildren(QDockWidget)) == docks_before


def test_qgis_process_lists_the_provider(qgis_process_call):
    result = qgis_process_call("list")
    assert result.returncode == 0, result.stderr
    assert "PALSAR-2 ScanSAR" in result.stdout


def test_dock_actions_of_later_features_are_wired(plugin):
    """Search, download and load appear in the dock once the plugin registers their handlers."""
    assert set(plugin.dock.available_actions()) >= {"search", "download", "load"}
    for name in ("search", "download", "load"):
        assert not plugin.dock.buttons[name].isHidden(), name
