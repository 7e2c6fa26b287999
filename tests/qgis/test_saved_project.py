"""A saved project opens again: the layers that terraincorrection, loadnrb and the dock's Load add, and the
dock's change-detection results, are written where they last; a fresh QGIS (another process, another
profile, nothing of this session's temporary folders) opens the project with every layer valid and styled."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import processing
import pytest
from qgis.core import QgsProcessingUtils, QgsSettings

from palsar2_plugin.simulate.product import simulate_product
from sample_data import HAKONE_DEM
from synthetic import jaxa_nrb

REOPEN = Path(__file__).with_name("reopen_project.py")
ROWS, COLS = 120, 150
PATCH = (slice(40, 80), slice(50, 110))


@pytest.fixture()
def layer_settings():
    """The layer-file settings as a new user has them (beside the product), restored afterwards."""
    settings = QgsSettings()
    saved = {key: settings.value(f"palsar2/{key}") for key in ("layer_files", "layer_folder")}
    for key in saved:
        settings.remove(f"palsar2/{key}")
    yield settings
    for key, value in saved.items():
        if value is None:
            settings.remove(f"palsar2/{key}")
        else:
            settings.setValue(f"palsar2/{key}", value)


def reopen(project_file: Path, tmp_path: Path, render: Path = None) -> dict:
    """Open ``project_file`` in a new QGIS process with a new, empty profile; its layers as JSON."""
    profile = tmp_path / "fresh_profile"
    profile.mkdir(exist_ok=True)
    runtime = tmp_path / "fresh_xdg"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(profile),
               XDG_RUNTIME_DIR=str(runtime), TMPDIR=str(tmp_path))
    args = ["/usr/bin/python3", str(REOPEN), str(project_file)] + ([str(render)] if render else [])
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def dn(db, rng):
    power = 10 ** (db / 10) * rng.gamma(4.0, 0.25, db.shape)
    return np.clip(np.round(np.sqrt(power) * 10 ** (83 / 20)), 1, 65535).astype(np.uint16)


def event_products(data: Path, scene) -> None:
    """An archive and an event L2.2 product of ``scene`` (a dark patch appears) in ``data``."""
    rng = np.random.default_rng(8)
    base = np.full((ROWS, COLS), -9.0)
    changed = base.copy()
    changed[PATCH] -= 8.0
    mask = np.ones((ROWS, COLS), np.uint8)
    frame = f"{scene.frame:04d}"
    for folder, array, date in (("pre", base, scene.archive[0].date), ("post", changed, scene.obs_date)):
        jaxa_nrb.write_l22_product(str(data / folder), {"HH": dn(array, rng)}, mask, None,
                                   stem=f"ALOS25{'0' if folder == 'pre' else '1'}000{frame}-{date:%y%m%d}_WWDR2.2GUD",
                                   origin=(250000.0, 2600000.0))


@pytest.mark.slow   # a simulation, a terrain correction and a second QGIS process
def test_saved_project_opens_again_in_a_fresh_qgis(tmp_path, clean_project, layer_settings, plugin, plugin_package):
    from pytest_qgis.utils import wait_until

    project = clean_project
    session_temp = os.path.realpath(QgsProcessingUtils.tempFolder())

    # 1. terrain correction of a small simulated L1.1 product, loaded on completion like loadnrb's layers
    l11 = simulate_product(str(HAKONE_DEM), "WBS", tmp_path / "l11", lines=400, pixels=60, gamma0_db={"HH": -8.0},
                           seed=5)
    processing.runAndLoadResults("palsar2:terraincorrection", {
        "INPUT": str(l11), "DEM": str(HAKONE_DEM), "DEM_HEIGHT_REFERENCE": 0, "PIXEL_SIZE": 50.0,
        "OUTPUT_FOLDER": str(tmp_path / "nrb")})
    nrb = next(p for p in (tmp_path / "nrb").iterdir() if p.is_dir())
    corrected = [layer for layer in project.mapLayers().values() if nrb.name.split("_")[0] in layer.source()]
    assert {layer.customProperty("palsar2/role") for layer in corrected} == {"backscatter", "mask", "lia"}

    # 2. loadnrb with INPUT only (the call the issue names)
    data = tmp_path / "data"
    events = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.events")
    event, scene = next((e, s) for e, s in events.scenes_for("noto2024") if s.frame and s.archive)
    event_products(data, scene)
    result = processing.runAndLoadResults("palsar2:loadnrb", {"INPUT": str(data / "pre")})
    assert Path(result["OUTPUT_FOLDER"]) == data / "pre" / "palsar2_layers"

    # 3. the dock's Load: the event scene with its archive scene, compared in the background
    actions = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.event_actions_load")
    dock = plugin.event_dock()
    action = actions.register(dock, None, folder_provider=lambda: str(data))
    try:
        dock.set_event("all")
        assert dock.select_scene(scene.scene_id)
        assert dock.trigger_action("load")
        wait_until(lambda: not action.tasks, timeout_milliseconds=120000)
    finally:
        dock.set_actions_available({"load": plugin.load_action})
    kinds = {layer.customProperty("palsar2/role") or layer.providerType() for layer in project.mapLayers().values()}
    assert "ogr" in kinds, "the dock's comparison added no change polygons"

    # nothing the project needs lies in this session's temporary folder
    sources = {layer.name(): layer.source() for layer in project.mapLayers().values()}
    assert len(sources) >= 9
    for name, source in sources.items():
        path = os.path.realpath(source.split("|")[0])
        assert not path.startswith(session_temp), f"{name} lies in the Processing temporary folder: {source}"

    project_file = tmp_path / "saved" / "event.qgz"
    project_file.parent.mkdir()
    assert project.write(str(project_file))
    expected = sorted(layer.name() for layer in project.mapLayers().values())
    project.clear()

    reopened = reopen(project_file, tmp_path, tmp_path / "reopened.png")
    assert reopened["read"]
    entries = reopened["layers"]
    assert sorted(e["name"] for e in entries) == expected
    for entry in entries:
        assert entry["valid"], f"{entry['name']} does not open: {entry['source']}"
        assert entry["jaxa"], f"{entry['name']} lost JAXA's credit"
    # styled as loadnrb styles them: gamma0 in dB with the grey stretch, mask classes, incidence colours
    gamma = [e for e in entries if e["role"] == "backscatter"]
    assert len(gamma) == 4   # terrain-corrected HH; loadnrb's archive HH; the dock's archive and event HH
    for entry in gamma:
        assert entry["renderer"] == "singlebandgray" and (entry["min"], entry["max"]) == (-25.0, 0.0)
        assert entry["name"].endswith("HH γ⁰ [dB]") and -16 < entry["mean"] < -4 and entry["visible"]
    corrected = next(e for e in gamma if e["source"].startswith(str(nrb)))
    assert abs(corrected["mean"] - (-8.0)) < 1.0      # the simulated -8 dB, in dB (not linear power)
    masks = [e for e in entries if e["role"] == "mask"]
    assert len(masks) == 4 and all(e["renderer"] == "paletted" and 1 in e["classes"] and not e["visible"]
                                   for e in masks)
    lia = [e for e in entries if e["role"] == "lia"]
    assert len(lia) == 1 and lia[0]["renderer"] == "singlebandpseudocolor" and (lia[0]["min"], lia[0]["max"]) == (0, 90)
    ratio = next(e for e in entries if e["name"].startswith("log-ratio"))
    assert ratio["renderer"] == "singlebandpseudocolor" and (ratio["min"], ratio["max"]) == (-6.0, 6.0)
    assert ratio["source"].startswith(str(data / "post" / "palsar2_layers"))
    changes = next(e for e in entries if e["provider"] == "ogr")
    assert changes["renderer"] == "categorizedSymbol" and changes["features"] == 1
    # the groups come back: one per product, the dock's event group holding its two scenes and the comparison
    dock_group = f"{event.name()} — {scene.scene_id}"
    groups = sorted({e["group"] for e in entries})
    assert groups == sorted([dock_group, corrected["group"], f"{dock_group} / {gamma_group(entries, 'pre', data)}",
                             f"{dock_group} / {gamma_group(entries, 'post', data)}",
                             gamma_group(entries, "pre", data)])
    assert corrected["group"].endswith("NRB)") and ratio["group"] == changes["group"] == dock_group
    assert (tmp_path / "reopened.png").stat().st_size > 1000


def gamma_group(entries, folder: str, data: Path) -> str:
    """The product group (last part of the group path) of the gamma0 layer written for ``data/folder``."""
    entry = next(e for e in entries if e["role"] == "backscatter" and e["source"].startswith(str(data / folder)))
    return entry["group"].split(" / ")[-1]
