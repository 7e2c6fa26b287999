"""A graphical model (.model3) that uses a plugin algorithm runs in-process and through qgis_process."""

from __future__ import annotations

import processing
import pytest
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterEnum,
    QgsVectorLayer,
)


@pytest.fixture(scope="module")
def event_model_path(tmp_path_factory):
    """A one-step model: EVENT (model input) -> palsar2:eventscenes -> "scenes" output, saved as .model3."""
    model = QgsProcessingModelAlgorithm("PALSAR-2 event scenes", "palsar2 tests")
    model.addModelParameter(QgsProcessingParameterEnum("event", "Event", options=["all", "taiwan", "noto", "turkey"]),
                            QgsProcessingModelParameter("event"))
    child = QgsProcessingModelChildAlgorithm("palsar2:eventscenes")
    child.setChildId("scenes")
    child.addParameterSources("EVENT", [QgsProcessingModelChildParameterSource.fromModelParameter("event")])
    output = QgsProcessingModelOutput("scenes_out")
    output.setChildId("scenes")
    output.setChildOutputName("OUTPUT")
    child.setModelOutputs({"scenes_out": output})
    model.addChildAlgorithm(child)
    path = tmp_path_factory.mktemp("model") / "event_scenes.model3"
    assert model.toFile(str(path))
    return path


def expected_count(plugin_package, event_id: str) -> int:
    return len(plugin_package.palsar2_plugin.events.scenes_for(event_id))


def test_model_runs_in_process(event_model_path, plugin_package, tmp_path):
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(event_model_path))
    out = str(tmp_path / "noto.gpkg")
    result = processing.run(model, {"event": 2, "scenes:scenes_out": out},
                            context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    layer = QgsVectorLayer(result["scenes:scenes_out"], "noto", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == expected_count(plugin_package, "noto2024") > 0


def test_model_runs_through_qgis_process(event_model_path, plugin_package, qgis_process_run, tmp_path):
    out = tmp_path / "turkey.gpkg"
    run = qgis_process_run(str(event_model_path), {"event": 3, "scenes:scenes_out": str(out)})
    assert run.returncode == 0, run.stdout + run.stderr
    layer = QgsVectorLayer(run.results["scenes:scenes_out"], "turkey", "ogr")
    assert layer.featureCount() == expected_count(plugin_package, "turkey2023") > 0
