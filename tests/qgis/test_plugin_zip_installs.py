"""The built zip, unpacked as QGIS's plugin installer does, runs on its own: nothing it ships imports the
tests or the tooling left out of it (qgis_process with only the unpacked plugin on the plugin path)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import QGIS_PROCESS, ROOT
from sample_data import HAKONE_DEM


@pytest.mark.slow
def test_unpacked_zip_runs_its_algorithms(tmp_path):
    from palsar2_plugin.simulate.product import simulate_product

    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), "--output", str(tmp_path / "dist")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(done.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(plugins)
    profile = tmp_path / "profile"
    profile.mkdir()
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}   # not the checkout's tests
    env.update(QT_QPA_PLATFORM="offscreen", QGIS_PLUGINPATH=str(plugins), QGIS_CUSTOM_CONFIG_PATH=str(profile),
               XDG_RUNTIME_DIR=str(runtime))
    subprocess.run([QGIS_PROCESS, "plugins", "enable", "palsar2_scansar"], env=env, check=True, capture_output=True,
                   timeout=300)
    product = simulate_product(str(HAKONE_DEM), "WBS", tmp_path / "l11", lines=200, pixels=40,
                               gamma0_db={"HH": -8.0}, seed=4)
    runs = {"eventscenes": ["EVENT=2", f"OUTPUT={tmp_path / 'events.gpkg'}"],
            "readceos": [f"INPUT={product}", "LOOKS_AZIMUTH=8", f"OUTPUT_FOLDER={tmp_path / 'read'}"]}
    for algorithm, arguments in runs.items():
        run = subprocess.run([QGIS_PROCESS, "run", f"palsar2:{algorithm}", "--"] + arguments, env=env,
                             capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert run.returncode == 0, (algorithm, run.stdout[-2000:], run.stderr[-2000:])
    assert (tmp_path / "events.gpkg").exists() and list((tmp_path / "read").rglob("*.tif"))
