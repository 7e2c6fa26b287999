"""The "Python packages" dialog and the message bar, in this QGIS: states, commands, and a real pip run.

The Install test runs the real task: it bootstraps pip with ensurepip into a fresh virtual
environment made without pip, then pip installs a wheel built here from a local folder (no index,
no network) for that interpreter, and proves it imports there. (That the plugin finds QGIS's
interpreter on each platform is tested in tests/core/test_dependencies.py.)
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pytest_qgis.utils import wait_until
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QMessageBox, QPushButton

ALL_PRESENT = {"numpy": None, "rasterio": None, "pyproj": None, "requests": None, "numba": None,
               "paramiko": None, "distributed": None, "snaphu": None}
TOOLS = {"rasterio": ["Terrain correction (gamma0 NRB)"], "requests": ["Search PALSAR-2 scenes"]}


def _dialog_module(plugin_package):
    return importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.dependency_dialog")


def _info(plugin_package, **changes):
    dependencies = plugin_package.palsar2_plugin.dependencies
    values = dict(executable=sys.executable, platform="debian", in_environment=True, externally_managed=False)
    values.update(changes)
    return dependencies.PythonInfo(**values)


def _rows(dialog):
    return {dialog.table.item(r, 0).data(Qt.UserRole): dialog.table.item(r, 1).text()
            for r in range(dialog.table.rowCount())}


def _wheel(folder: Path, name: str, version: str = "99.0") -> Path:
    """A minimal pure-Python wheel of a module ``name`` whose VALUE is 42."""
    files = {f"{name}/__init__.py": b"VALUE = 42\n",
             f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
             f"{name}-{version}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                                  b"Tag: py3-none-any\n"}
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{name}-{version}.dist-info/RECORD,,")
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
        archive.writestr(f"{name}-{version}.dist-info/RECORD", "\n".join(record) + "\n")
    return wheel


def test_missing_required_package_is_ticked_and_commands_follow_the_platform(plugin_package):
    module = _dialog_module(plugin_package)
    reasons = dict(ALL_PRESENT, rasterio="ModuleNotFoundError: No module named 'rasterio'",
                   numba="ModuleNotFoundError: No module named 'numba'",
                   pyproj="ImportError: DLL load failed while importing _crs")
    dialog = module.DependencyDialog(TOOLS, info=_info(plugin_package, platform="windows", in_environment=False),
                                     reasons=reasons)
    try:
        rows = _rows(dialog)
        assert rows["rasterio"] == "missing" and rows["numpy"] == "installed"
        assert rows["pyproj"] == "cannot be imported: ImportError: DLL load failed while importing _crs"
        assert dialog.selected_modules() == ["rasterio", "pyproj"]        # numba (optional) is not ticked
        assert dialog.platform.currentData() == "windows"
        assert dialog.commands.toPlainText() == "python -m pip install --user rasterio pyproj"
        assert "OSGeo4W Shell" in dialog.where.text()
        dialog.platform.setCurrentIndex(dialog.platform.findData("macos"))
        assert dialog.commands.toPlainText().splitlines()[1].endswith("-m pip install --user rasterio pyproj")
        dialog.platform.setCurrentIndex(dialog.platform.findData("fedora"))
        assert dialog.commands.toPlainText() == "sudo dnf install python3-rasterio python3-pyproj"
        numba_row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).data(Qt.UserRole) == "numba")
        dialog.table.item(numba_row, 0).setCheckState(Qt.Checked)
        assert dialog.selected_modules() == ["rasterio", "pyproj", "numba"]
        assert dialog.commands.toPlainText() == "sudo dnf install python3-rasterio python3-pyproj python3-numba"
        assert "speed" in dialog.table.item(numba_row, 2).text()
        assert dialog.install_button.isEnabled()
    finally:
        dialog.close()


@pytest.mark.parametrize("changes, reason", [
    ({"externally_managed": True, "in_environment": False}, "belongs to your Linux distribution"),
    ({"platform": "conda"}, "conda environment"),
    ({"executable": None}, "interpreter was not found"),
])
def test_install_is_disabled_where_pip_must_not_or_cannot_run(plugin_package, changes, reason):
    module = _dialog_module(plugin_package)
    reasons = dict(ALL_PRESENT, rasterio="ModuleNotFoundError: No module named 'rasterio'")
    dialog = module.DependencyDialog(TOOLS, info=_info(plugin_package, **changes), reasons=reasons)
    try:
        assert not dialog.install_button.isEnabled()
        assert reason in dialog.note.text() and reason in dialog.install_button.toolTip()
        assert dialog.install() is None
    finally:
        dialog.close()


def test_message_bar_names_packages_and_tools_and_opens_the_dialog(plugin_package, qgis_iface):
    module = _dialog_module(plugin_package)
    bar = qgis_iface.messageBar()
    bar.clearWidgets()
    item = module.push_missing_message(qgis_iface, {"rasterio": "ModuleNotFoundError: No module named 'rasterio'"},
                                       TOOLS)
    try:
        assert bar.currentItem() is item
        assert item.text() == ("QGIS's Python lacks rasterio, so these tools cannot run: "
                               "Terrain correction (gamma0 NRB).")
        (button,) = [b for b in item.findChildren(QPushButton) if b.objectName() == "palsar2InstallPackagesButton"]
        before = len(module._open_dialogs)
        button.click()
        assert len(module._open_dialogs) == before + 1
        dialog = module._open_dialogs[-1]
        assert dialog.isVisible() and dialog.windowTitle() == "PALSAR-2 ScanSAR: Python packages"
        dialog.close()
        assert len(module._open_dialogs) == before
    finally:
        bar.clearWidgets()


def test_menu_action_opens_the_dialog(plugin, plugin_package):
    action = next(a for a in plugin.actions if a.objectName() == "palsar2PythonPackagesAction")
    assert action.text() == "Python packages…"
    action.trigger()
    dialog = _dialog_module(plugin_package)._open_dialogs[-1]
    try:
        rows = _rows(dialog)
        assert {m for m, s in rows.items() if s != "installed"} <= {"snaphu"}     # not installed here
        assert not dialog.install_button.isEnabled()
        assert dialog.note.text() in ("Every package is installed.", "Nothing to install: tick the packages to install.")
        assert dialog.selected_modules() == []                        # optional ones are not ticked
        needed = {dialog.table.item(r, 0).data(Qt.UserRole): dialog.table.item(r, 2).text()
                  for r in range(dialog.table.rowCount())}
        assert "Terrain correction (gamma0 NRB)" in needed["rasterio"]
        assert "Search PALSAR-2 scenes" in needed["requests"] and "disaster data panel" in needed["requests"]
        assert "Read CEOS product" not in needed["rasterio"]         # reading works without rasterio
    finally:
        dialog.close()


@pytest.mark.slow
def test_install_runs_pip_for_the_interpreter_in_a_task(plugin_package, tmp_path, monkeypatch):
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels, "paramiko")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)         # only the folder of wheels made here
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.delenv("PIP_CONSTRAINT", raising=False)
    module = _dialog_module(plugin_package)
    reasons = dict(ALL_PRESENT, paramiko="ModuleNotFoundError: No module named 'paramiko'")
    finished = []
    dialog = module.DependencyDialog(TOOLS, info=_info(plugin_package, executable=python, platform="pip"),
                                     reasons=reasons, on_installed=finished.append)
    try:
        row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).data(Qt.UserRole) == "paramiko")
        dialog.table.item(row, 0).setCheckState(Qt.Checked)
        assert dialog.commands.toPlainText() == f"{python} -m pip install paramiko"
        task = dialog.install()
        assert task is not None and not dialog.install_button.isEnabled()
        assert task in QgsApplication.taskManager().tasks()
        assert wait_until(lambda: bool(finished), timeout_milliseconds=180_000)
        assert task.ok, (task.error, task.output[-10:])
        assert any("ensurepip" in line for line in task.output)             # the venv had no pip
        assert any(line.startswith("Successfully installed paramiko-99.0") for line in task.output)
        assert dialog.progress.value() == 100
        assert "Successfully installed paramiko-99.0" in dialog.log.toPlainText()
        assert _rows(dialog)["paramiko"] == "installed: restart QGIS to use it"
        assert dialog.note.text() == "Installed: paramiko. Restart QGIS to use them."
        done = subprocess.run([python, "-c", "import paramiko; print(paramiko.VALUE)"], capture_output=True, text=True)
        assert done.stdout.strip() == "42"
        box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "restartQuestion")
        assert box.isVisible() and "Restart now?" in box.text()
        box.button(QMessageBox.No).click()                 # "later": nothing restarts
    finally:
        dialog.close()


def test_install_reports_what_pip_said_when_it_fails(plugin_package, tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))          # empty: nothing to install from
    task_module = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.pip_install_task")
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True, timeout=180)
    task = task_module.PipInstallTask(["paramiko"], _info(plugin_package, executable=str(venv / "bin" / "python")))
    assert task.run() is False
    assert task.error.startswith("pip failed (exit code 1): ")
    assert "No matching distribution found for paramiko" in task.error


def test_install_refuses_another_python_version(plugin_package, tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 2.7\n")
    fake.chmod(0o755)
    task_module = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.pip_install_task")
    task = task_module.PipInstallTask(["paramiko"], _info(plugin_package, executable=str(fake)))
    assert task.run() is False
    assert task.error.startswith(f"{fake} is not QGIS's Python {sys.version_info[0]}.{sys.version_info[1]} (2.7)")
