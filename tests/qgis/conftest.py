"""Fixtures for tests that need QGIS: the real plugin loaded through classFactory, and qgis_process.

The plugin is imported under the stable package name ``palsar2_scansar`` (the folder name it gets
when installed), whatever the checkout folder is called, so relative imports work as in QGIS.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "palsar2_scansar"
QGIS_PROCESS = "/usr/bin/qgis_process.bin" if Path("/usr/bin/qgis_process.bin").exists() else "qgis_process"


def import_plugin_package():
    """Import the repository as the package ``palsar2_scansar`` (once)."""
    if PACKAGE in sys.modules:
        return sys.modules[PACKAGE]
    spec = importlib.util.spec_from_file_location(PACKAGE, ROOT / "__init__.py",
                                                  submodule_search_locations=[str(ROOT)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def plugin_package():
    return import_plugin_package()


@pytest.fixture
def ui_language(plugin_package):
    """``ui_language("ja")`` makes QGIS's locale Japanese and installs the plugin's translator (returned);
    the locale and the translator are restored after the test."""
    from qgis.core import QgsSettings

    i18n = plugin_package.palsar2_plugin.gui.i18n
    settings = QgsSettings()
    saved = (settings.value("locale/overrideFlag"), settings.value("locale/userLocale"))

    def switch(language: str):
        settings.setValue("locale/overrideFlag", language != "en")
        settings.setValue("locale/userLocale", language)
        return i18n.install_translator()

    yield switch
    settings.setValue("locale/overrideFlag", saved[0] if saved[0] is not None else False)
    settings.setValue("locale/userLocale", saved[1] if saved[1] is not None else "")
    i18n.install_translator()


@pytest.fixture
def clean_project():
    """The project, empty before and after the test."""
    from qgis.core import QgsProject

    QgsProject.instance().clear()
    yield QgsProject.instance()
    QgsProject.instance().clear()


@pytest.fixture
def dialog_iface(qgis_iface, monkeypatch):
    """pytest-qgis's interface with the browser model that Processing's algorithm dialog asks for."""
    from qgis.gui import QgsBrowserGuiModel

    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    return qgis_iface


@pytest.fixture(scope="session", autouse=True)
def plugin(qgis_processing, qgis_iface, plugin_package):
    """The real plugin, created by classFactory with pytest-qgis's iface and fully initialised."""
    instance = plugin_package.classFactory(qgis_iface)
    instance.initGui()
    yield instance
    instance.unload()


@dataclass
class QgisProcessResult:
    """Outcome of one qgis_process call: exit code, output and the parsed --json document."""

    returncode: int
    stdout: str
    stderr: str
    json: Optional[Dict[str, Any]]

    @property
    def results(self) -> Dict[str, Any]:
        assert self.json is not None, f"qgis_process failed ({self.returncode}):\n{self.stdout}\n{self.stderr}"
        return self.json["results"]


@pytest.fixture(scope="session")
def qgis_process_env(tmp_path_factory) -> Dict[str, str]:
    """Environment for qgis_process with an isolated profile in which the plugin is enabled."""
    base = tmp_path_factory.mktemp("qgis_process")
    plugins = base / "plugins"
    plugins.mkdir()
    (plugins / PACKAGE).symlink_to(ROOT, target_is_directory=True)
    profile = base / "profile"
    profile.mkdir()
    runtime = base / "xdg"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_PLUGINPATH=str(plugins),
               QGIS_CUSTOM_CONFIG_PATH=str(profile), XDG_RUNTIME_DIR=str(runtime))
    subprocess.run([QGIS_PROCESS, "plugins", "enable", PACKAGE], env=env, check=True,
                   capture_output=True, timeout=300)
    return env


@pytest.fixture(scope="session")
def qgis_process_call(qgis_process_env):
    """Run qgis_process with raw arguments; returns a :class:`QgisProcessResult`."""

    def call(*args: str, timeout: float = 600, extra_env: Optional[Dict[str, str]] = None) -> QgisProcessResult:
        proc = subprocess.run([QGIS_PROCESS, *args], env=dict(qgis_process_env, **(extra_env or {})),
                              capture_output=True, text=True, timeout=timeout)
        document = None
        if "--json" in args:
            start = proc.stdout.find("{")
            if start >= 0:
                try:
                    document = json.loads(proc.stdout[start:])
                except json.JSONDecodeError:
                    document = None
        return QgisProcessResult(proc.returncode, proc.stdout, proc.stderr, document)

    return call


@pytest.fixture(scope="session")
def qgis_process_run(qgis_process_call):
    """Run one algorithm (or .model3 path) through qgis_process --json.

    ``params`` values may be lists: each item is passed as a repeated ``KEY=value``. ``extra_env``: variables
    added to the environment of this one call.
    """

    def run(algorithm: str, params: Dict[str, Any], timeout: float = 600,
            extra_env: Optional[Dict[str, str]] = None) -> QgisProcessResult:
        args = ["--json", "run", algorithm, "--"]
        for key, value in params.items():
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                args.append(f"{key}={item}")
        return qgis_process_call(*args, timeout=timeout, extra_env=extra_env)

    return run


def pytest_collection_modifyitems(config, items):
    """Every test that runs ``qgis_process`` (a new QGIS process, several seconds) is ``slow``:
    ``scripts/test.sh --fast`` leaves it out."""
    for item in items:
        if {"qgis_process_run", "qgis_process_call"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
