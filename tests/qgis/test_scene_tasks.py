"""The event dock's search and download actions in the background (QgsTask), against a loopback bucket."""

from __future__ import annotations

import importlib
import time

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QApplication

from servers.bucket_samples import L11_FOLDER, L11_STEM, fill_bucket
from servers.fixtures import http_server  # noqa: F401

ROW = "turkey2023-20230217-p077-f2900-aws"


def wait_for(actions, timeout=30.0):
    deadline = time.monotonic() + timeout
    while actions.tasks and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    QApplication.processEvents()
    assert not actions.tasks, "task did not finish"


@pytest.fixture
def dock_and_actions(plugin_package, http_server, tmp_path):
    dock = plugin_package.palsar2_plugin.gui.event_dock.EventDock(None, None)
    tasks = importlib.import_module(plugin_package.__name__ + ".palsar2_plugin.gui.scene_tasks")
    actions = tasks.DockSceneActions(None, dock, index_path=str(tmp_path / "idx.gpkg"),
                                     destination=str(tmp_path / "dl"), bucket_url=http_server.base_url)
    actions.register()
    yield dock, actions
    actions.unregister()
    dock.close()
    dock.deleteLater()


def test_search_and_download_from_the_dock(dock_and_actions, http_server, tmp_path, plugin_package):
    fill_bucket(http_server)
    dock, actions = dock_and_actions
    assert dock.available_actions() == ("search", "refresh", "download")
    assert dock.select_scene(ROW)
    assert dock.trigger_action("search")
    wait_for(actions)
    assert actions.messages[-1] == "1 scenes found and added to the map."
    layers = QgsProject.instance().mapLayersByName(f"PALSAR-2 scenes: {ROW}")
    assert len(layers) == 1 and layers[0].featureCount() == 1
    assert plugin_package.palsar2_plugin.gui.layer_metadata.has_attribution(layers[0])
    assert next(layers[0].getFeatures())["record_id"] == "ALOS2471852900-230217_WBSR1.1__D"
    QgsProject.instance().removeMapLayer(layers[0].id())

    assert dock.trigger_action("download")
    wait_for(actions)
    assert actions.messages[-1].startswith("1 products downloaded")
    folder = tmp_path / "dl" / "ALOS2471852900-230217_WBSR1.1__D"
    assert (folder / f"LED-{L11_STEM}").read_bytes() == http_server.objects[L11_FOLDER + f"LED-{L11_STEM}"]
    assert len([p for p in folder.iterdir() if p.is_file()]) == 9
    for layer in QgsProject.instance().mapLayersByName(f"PALSAR-2 scenes: {ROW}"):
        QgsProject.instance().removeMapLayer(layer.id())


def test_rows_without_a_source_say_so_and_errors_are_shown(dock_and_actions, http_server):
    dock, actions = dock_and_actions
    assert dock.select_scene("turkey2023-20230211-p185")      # a G-Portal row: the dock does not offer search
    assert not dock.buttons["search"].isEnabled() and "order it on G-Portal" in dock.buttons["search"].toolTip()
    assert dock.trigger_action("search") is False and not actions.tasks
    event, scene = dock.current_scene()
    assert actions.search(event, scene) is None                 # called anyway, the handler says why
    assert "No catalogue holds scene turkey2023-20230211-p185" in actions.messages[-1]
    http_server.stop()  # unreachable bucket -> the task fails with a clear message
    assert dock.select_scene(ROW)
    dock.trigger_action("search")
    wait_for(actions)
    assert actions.messages[-1].startswith("Cannot connect to http://127.0.0.1")


def test_refresh_lists_the_bucket_again(dock_and_actions, http_server):
    """A search reuses a listing younger than a day; "refresh" lists the row's folder again at once."""
    fill_bucket(http_server)
    dock, actions = dock_and_actions

    def listings():
        return sum(1 for r in http_server.requests if "list-type=2" in r["query"])

    assert dock.select_scene(ROW)
    dock.trigger_action("search")
    wait_for(actions)
    first = listings()
    assert first >= 1
    dock.trigger_action("search")
    wait_for(actions)
    assert listings() == first  # the stored listing is reused
    assert dock.buttons["refresh"].isEnabled()
    assert dock.trigger_action("refresh")
    wait_for(actions)
    assert listings() == 2 * first
    assert actions.messages[-1] == "1 scenes found and added to the map."
    for layer in QgsProject.instance().mapLayersByName(f"PALSAR-2 scenes: {ROW}"):
        QgsProject.instance().removeMapLayer(layer.id())
