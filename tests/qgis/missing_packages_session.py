"""One QGIS session with some Python packages made unimportable, driven by test_missing_packages.py.

Run as ``python missing_packages_session.py SPEC.json OUT.json`` with ``tests/import_blocker`` on
PYTHONPATH and PALSAR2_TEST_BLOCK=<comma-separated packages>. It starts QGIS (GUI-enabled, offscreen,
a fresh profile), loads the plugin as QGIS does (``classFactory`` with pytest-qgis's stub iface, then
``initGui``), and records: the provider's algorithms, the message bar, the menu, the panel's Search,
Load and Interferogram, the "Python packages" dialog and the outcome of each algorithm run listed in SPEC (result keys, or the
error message and whether the log holds a traceback).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path

# pytest-qgis's stub iface must be imported before the QgsApplication exists (its slots' signatures).
from pytest_qgis.mock_qgis_classes import MockMessageBar
from pytest_qgis.qgis_interface import QgisInterface
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "palsar2_scansar"


class RecordingFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):  # noqa: N802 (QGIS API)
        self.lines.append(info)
        super().pushInfo(info)

    def reportError(self, error, fatalError=False):  # noqa: N802,N803
        self.lines.append(error)
        super().reportError(error, fatalError)


def main(spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    app = QgsApplication([], True, spec["profile"])
    app.initQgis()
    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing
    Processing.initialize()
    import processing
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtWidgets import QMainWindow, QPushButton

    module_spec = importlib.util.spec_from_file_location(PACKAGE, ROOT / "__init__.py",
                                                         submodule_search_locations=[str(ROOT)])
    package = importlib.util.module_from_spec(module_spec)
    sys.modules[PACKAGE] = package
    module_spec.loader.exec_module(package)

    window = QMainWindow()
    bar = MockMessageBar()
    iface = QgisInterface(QgsMapCanvas(window), bar, window)
    plugin = package.classFactory(iface)
    plugin.initGui()
    out = {"blocked": os.environ.get("PALSAR2_TEST_BLOCK", "")}
    provider = QgsApplication.processingRegistry().providerById("palsar2")
    out["algorithms"] = sorted(a.name() for a in provider.algorithms()) if provider else []

    def bar_state():
        items = []
        for item in bar.items():
            buttons = [b.text() for b in item.findChildren(QPushButton)
                       if b.objectName() == "palsar2InstallPackagesButton"]
            items.append({"title": item.title(), "text": item.text(), "buttons": buttons})
        return items

    out["bar"] = bar_state()
    out["menu"] = [a.text() for a in plugin.actions]
    for item in bar.items():
        bar.popWidget(item)

    # the panel's Search button on the first scene (what a user clicks)
    dock = plugin.dock
    search = dock._actions.get("search")
    out["panel_search"] = None
    if type(search.handler).__name__ == "MissingPackagesAction":   # else Search would reach the real bucket
        for row in range(dock.proxy.rowCount()):                    # a row the bucket holds
            dock.table.selectRow(row)
            if not dock.action_unavailable_reason("search"):
                break
        assert dock.trigger_action("search")
        out["panel_search"] = bar_state()
    for item in bar.items():
        bar.popWidget(item)

    # the panel's Load (event and archive products in the data folder, then the comparison) and
    # Interferogram on the rows that offer them
    panel = spec.get("panel")
    out["panel_load"] = out["panel_interferogram"] = None
    if panel:
        from qgis.core import QgsProject

        plugin.load_action.folder_provider = lambda: panel["folder"]
        plugin.interferogram_action.folder_provider = lambda: panel["folder"]
        plugin.interferogram_action.dem_provider = lambda: panel["dem"]
        dock.set_event("all")
        assert dock.select_scene(panel["scene"])
        assert dock.trigger_action("load")
        out["panel_load"] = {"bar": bar_state(), "layers": sorted(
            layer.name() for layer in QgsProject.instance().mapLayers().values()),
            "tasks": len(plugin.load_action.tasks)}
        for item in bar.items():
            bar.popWidget(item)
        for row in range(dock.proxy.rowCount()):
            dock.table.selectRow(row)
            if not dock.action_unavailable_reason("interferogram"):
                break
        assert dock.trigger_action("interferogram")
        out["panel_interferogram"] = {"bar": bar_state(), "tasks": len(plugin.interferogram_action.tasks)}
        for task in plugin.load_action.tasks + plugin.interferogram_action.tasks:
            task.cancel()
        for item in bar.items():
            bar.popWidget(item)

    # the Settings > Options page
    page = plugin.options_factory.createWidget(window)
    out["options_page"] = type(page).__name__
    page.deleteLater()

    # the dialog
    dialog = plugin.show_dependencies()
    rows = []
    for row in range(dialog.table.rowCount()):
        rows.append([dialog.table.item(row, c).text() for c in range(3)])
    out["dialog"] = {"rows": rows, "install_enabled": dialog.install_button.isEnabled(),
                     "note": dialog.note.text(), "selected": dialog.selected_modules(),
                     "commands": {}}
    for index in range(dialog.platform.count()):
        dialog.platform.setCurrentIndex(index)
        out["dialog"]["commands"][dialog.platform.currentData()] = dialog.commands.toPlainText()
    dialog.close()

    runs = {}
    for name, (algorithm, parameters) in spec["runs"].items():
        feedback = RecordingFeedback()
        record = {"ok": False, "error": "", "results": [], "log": []}
        try:
            results = processing.run(algorithm, parameters, feedback=feedback)
            record["ok"] = True
            record["results"] = sorted(results)
        except QgsProcessingException as error:
            record["error"] = str(error)
        except Exception:  # noqa: BLE001 - what a user would see as a traceback
            record["error"] = "TRACEBACK " + traceback.format_exc()
        record["log"] = feedback.lines
        runs[name] = record
    out["runs"] = runs
    plugin.unload()
    Path(out_path).write_text(json.dumps(out, indent=1))
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
