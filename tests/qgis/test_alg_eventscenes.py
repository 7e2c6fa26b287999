"""``palsar2:eventscenes`` through processing.run and through qgis_process."""

from __future__ import annotations

import processing
import pytest
from qgis.core import NULL, QgsProcessingException, QgsProject, QgsVectorLayer, QgsWkbTypes
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, Qt

EXPECTED = {0: 49, 1: 12, 2: 29, 3: 8}


def run(event):
    return processing.run("palsar2:eventscenes", {"EVENT": event, "OUTPUT": "memory:"})


def by_scene_id(layer):
    return {feature["scene_id"]: feature for feature in layer.getFeatures()}


@pytest.mark.parametrize("event,count", sorted(EXPECTED.items()))
def test_every_scene_of_each_event_is_returned(event, count):
    result = run(event)
    layer = result["OUTPUT"]
    assert layer.featureCount() == count
    assert result["SCENE_COUNT"] == count
    assert layer.wkbType() == QgsWkbTypes.NoGeometry      # JAXA publishes no footprints
    prefix = {0: "", 1: "taiwan2024-", 2: "noto2024-", 3: "turkey2023-"}[event]
    assert all(f["scene_id"].startswith(prefix) for f in layer.getFeatures())


def test_the_enum_order_is_permanent(plugin_package):
    module = plugin_package.processing_provider.alg_eventscenes
    assert module.EVENT_VALUES == ("all", "taiwan2024", "noto2024", "turkey2023")
    assert module.EVENT_VALUES[1:] == plugin_package.palsar2_plugin.events.event_ids()


def test_attributes_carry_the_table_values():
    layer = run(0)["OUTPUT"]
    names = layer.fields().names()
    for name in ("scene_id", "event_id", "obs_date", "obs_time_utc", "path", "frame", "beam", "beam_file",
                 "beam_numbers", "mode_family", "pass_direction", "look_side", "polarisations", "products",
                 "archive_date", "archive", "notes", "keys", "credit"):
        assert name in names
    rows = by_scene_id(layer)
    assert len(rows) == 49
    noto = rows["noto2024-20240101-p121-f0750"]
    assert noto["obs_date"] == QDate(2024, 1, 1)
    assert noto["obs_time_utc"] == QDateTime(QDate(2024, 1, 1), QTime(14, 10), Qt.UTC)
    assert noto["archive_date"] == QDate(2022, 9, 26)
    assert (noto["path"], noto["frame"], noto["beam"]) == (121, 750, "U2-6L")
    assert noto["products"] == "L1.1 (CEOS); L2.1 (GeoTIFF)"
    assert noto["archive"] == "L1.1 2022-09-26; L2.1 2022-09-26"
    assert noto["look_side"] == "left" and noto["mode_family"] == "Stripmap"
    beam = rows["taiwan2024-20240404-p025-f3150-b3"]
    assert (beam["beam"], beam["beam_file"], beam["beam_numbers"]) == ("W3", "Beam 3", "3")
    assert beam["polarisations"] == "HH" and "HH polarisation only" in beam["notes"]
    turkey = rows["turkey2023-20230215-p183"]
    assert turkey["frame"] == NULL and turkey["obs_time_utc"] == NULL     # unknown stays NULL
    assert turkey["polarisations"] == "HH; HV" and turkey["archive_date"] == QDate(2019, 9, 18)
    aws = rows["turkey2023-20230217-p077-f2850-aws"]
    assert len(aws["keys"].split("; ")) == 14 and len(aws["archive_keys"].split("; ")) == 14
    assert all(f["credit"] == "Data provided by JAXA (提供:JAXA)" for f in layer.getFeatures())


def test_writes_a_geopackage(tmp_path):
    path = str(tmp_path / "scenes.gpkg")
    result = processing.run("palsar2:eventscenes", {"EVENT": 3, "OUTPUT": path})
    layer = QgsVectorLayer(result["OUTPUT"], "scenes", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == 8
    rows = by_scene_id(layer)
    assert rows["turkey2023-20230222-p078"]["archive_date"] == QDate(2022, 9, 7)


def test_a_bad_event_index_is_refused():
    with pytest.raises(QgsProcessingException):
        processing.run("palsar2:eventscenes", {"EVENT": 7, "OUTPUT": "memory:"})


def test_loaded_output_carries_jaxa_attribution(plugin_package):
    layer_metadata = plugin_package.palsar2_plugin.gui.layer_metadata
    project = QgsProject.instance()
    before = set(project.mapLayers())
    processing.runAndLoadResults("palsar2:eventscenes", {"EVENT": 2, "OUTPUT": "TEMPORARY_OUTPUT"})
    added = [project.mapLayer(layer_id) for layer_id in set(project.mapLayers()) - before]
    try:
        assert len(added) == 1
        assert added[0].featureCount() == 29
        assert layer_metadata.has_attribution(added[0])
    finally:
        project.removeMapLayers([layer.id() for layer in added])


def test_qgis_process_runs_the_algorithm(qgis_process_run, tmp_path):
    path = tmp_path / "noto.gpkg"
    result = qgis_process_run("palsar2:eventscenes", {"EVENT": 2, "OUTPUT": str(path)})
    assert result.returncode == 0, result.stderr
    assert result.results["SCENE_COUNT"] == 29
    layer = QgsVectorLayer(str(path), "noto", "ogr")
    assert layer.isValid() and layer.featureCount() == 29
    assert {f["event_id"] for f in layer.getFeatures()} == {"noto2024"}
