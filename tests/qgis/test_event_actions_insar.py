"""The dock's "interferogram" action: an event scene's L1.1 product and its archive scene's, found in the
data folder, go through palsar2:interferogram in a background task; the layers land in the scene's group.

The two products are simulated over the real Hakone DEM 14 days apart with the same speckle and orbit
(zero baseline): the interferogram is flat and fully coherent, so the unwrapped displacement is 0."""

from __future__ import annotations

import dataclasses
import importlib
from datetime import timedelta

import numpy as np
import pytest
import rasterio
from qgis.core import QgsProject

from insar_pairs import HAKONE_DEM
from palsar2_plugin.simulate import simulate_product
from palsar2_plugin.simulate.scene import default_centre_time

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("dock_insar")
    t0 = default_centre_time(139.0, "descending")
    for name, when in (("archive", t0), ("event", t0 + timedelta(days=14))):
        simulate_product(str(HAKONE_DEM), "FBS", base / "downloads" / name, lines=500, pixels=400, seed=3,
                         centre_time_utc=when)
    return base / "downloads", t0


def scene_of(plugin_package, folder, t0):
    """A real event row re-pointed at the simulated products (their date and frame, no JAXA names)."""
    events = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.events")
    event, scene = next((e, s) for e, s in events.scenes_for("noto2024") if s.archive)
    stem = next(p for p in (folder / "event").iterdir() if p.is_dir()).name   # ALOS2<orbit><frame>-<date>-<product>
    pairing = events.ArchivePairing("L1.1", t0.date())
    return event, dataclasses.replace(scene, scene_names=(), archive_scene_names=(), frame=int(stem[10:14]),
                                      obs_date=(t0 + timedelta(days=14)).date(), archive=(pairing,))


def test_dock_interferogram_action_runs_in_the_background(plugin, plugin_package, data_folder):
    from pytest_qgis.utils import wait_until

    folder, t0 = data_folder
    actions = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.event_actions_insar")
    dock = plugin.event_dock()
    assert "interferogram" in dock.available_actions() and not dock.buttons["interferogram"].isHidden()
    action = actions.register(dock, None, folder_provider=lambda: str(folder), dem_provider=lambda: str(HAKONE_DEM))
    event, scene = scene_of(plugin_package, folder, t0)
    project = QgsProject.instance()
    project.clear()
    try:
        task = action(event, scene)
        assert task is not None, action.last_message
        wait_until(lambda: not action.tasks, timeout_milliseconds=300000)
        assert action.last_message.startswith("Interferogram done"), action.last_message
        scene_group = project.layerTreeRoot().findGroup(f"{event.name()} — {scene.scene_id}")
        assert scene_group is not None
        pair_group = scene_group.children()[0]
        layers = {node.layer().name().split(" ", 1)[1]: node.layer() for node in pair_group.findLayers()}
        assert set(layers) >= {"phase (rad)", "coherence"}
        with rasterio.open(layers["coherence"].source()) as ds:
            assert float(np.nanmean(ds.read(1))) > 0.99                   # the same speckle twice
        if "LOS displacement (m)" in layers:                                # unwrapped (snaphu installed)
            with rasterio.open(layers["LOS displacement (m)"].source()) as ds:
                assert float(np.nanmax(np.abs(ds.read(1)))) < 0.001
        assert (folder / "interferograms" / pair_group.name()).is_dir()
    finally:
        project.clear()


def test_missing_archive_product_is_reported(plugin, plugin_package, data_folder, tmp_path):
    folder, t0 = data_folder
    actions = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.gui.event_actions_insar")
    only_event = tmp_path / "data"
    (only_event / "event").mkdir(parents=True)
    for item in (folder / "event").iterdir():
        (only_event / "event" / item.name).symlink_to(item)
    action = actions.EventInterferogramAction(None, lambda: str(only_event), lambda: str(HAKONE_DEM))
    event, scene = scene_of(plugin_package, folder, t0)
    assert action(event, scene) is None
    assert "No L1.1 product of the archive scene" in action.last_message
