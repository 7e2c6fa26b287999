"""``palsar2:changedetection`` in QGIS: products and layers, styles, bad inputs, qgis_process."""

from __future__ import annotations
from sample_data import L22

import importlib
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsProcessingException,
    QgsProject,
    QgsRasterLayer,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)

SUMMARY = (L22 / "ALOS2437590500-220630_WWDR2.2GUA_summary.xml")
PRE_STEM = "ALOS2437590500-220630_WWDR2.2GUA"
POST_STEM = "ALOS2449990500-220922_WWDR2.2GUA"
ROWS, COLS = 200, 240
PATCH = (slice(60, 120), slice(80, 160))          # 60 x 80 px
PATCH_AREA = 60 * 80 * 625.0


@pytest.fixture(scope="module")
def pair(tmp_path_factory, plugin_package):
    from synthetic import jaxa_nrb as synthetic
    base = tmp_path_factory.mktemp("pair")
    rng = np.random.default_rng(21)

    def dn(db):
        power = 10 ** (db / 10) * rng.gamma(4.0, 0.25, db.shape)
        return np.clip(np.round(np.sqrt(power) * 10 ** (83 / 20)), 1, 65535).astype(np.uint16)

    before_db = np.full((ROWS, COLS), -12.0)
    after_db = before_db.copy()
    after_db[PATCH] += 8.0                        # brighter after: increase
    mask = np.ones((ROWS, COLS), np.uint8)
    mask[:, :6] = 0
    synthetic.write_l22_product(str(base / "pre"), {"HH": dn(before_db), "HV": dn(before_db - 7)}, mask, None,
                                str(SUMMARY), stem=PRE_STEM)
    synthetic.write_l22_product(str(base / "post"), {"HH": dn(after_db), "HV": dn(after_db - 7)}, mask, None,
                                stem=POST_STEM)
    return base


@pytest.fixture()
def clean_project():
    QgsProject.instance().clear()
    yield QgsProject.instance()
    QgsProject.instance().clear()


def _check_changes(path):
    layer = QgsVectorLayer(str(path), "changes", "ogr")
    assert layer.isValid()
    features = list(layer.getFeatures())
    assert len(features) == 1
    feature = features[0]
    assert feature["change"] == "increase"
    assert abs(feature["area_m2"] - PATCH_AREA) / PATCH_AREA < 0.10
    assert feature["mean_db"] == pytest.approx(8.0, abs=1.0)
    return layer


def test_products_to_ratio_and_polygons(pair, tmp_path, clean_project):
    import processing

    result = processing.run("palsar2:changedetection", {
        "BEFORE": str(pair / "pre"), "AFTER": str(pair / "post" / f"{POST_STEM}_HH_SLP.tif"), "POLARISATION": 0,
        "SPECKLE_FILTER": 2, "WINDOW": 7, "THRESHOLD_DB": 3.0, "MIN_PIXELS": 20,
        "OUTPUT": str(tmp_path / "ratio.tif"), "OUTPUT_CHANGES": str(tmp_path / "changes.gpkg")})
    assert result["POLYGON_COUNT"] == 1
    assert result["INCREASE_PIXELS"] > 0.9 * 60 * 80
    _check_changes(result["OUTPUT_CHANGES"])
    ratio = QgsRasterLayer(result["OUTPUT"], "ratio", "gdal")
    assert ratio.isValid() and ratio.extent().xMinimum() == 374612.5
    stats = ratio.dataProvider().bandStatistics(1)
    assert stats.maximumValue > 6.0
    assert QgsProject.instance().count() == 0


def test_loaded_layers_compared_and_styled(pair, tmp_path, clean_project):
    import processing

    loaded = []
    for name in ("pre", "post"):
        result = processing.run("palsar2:loadnrb", {"INPUT": str(pair / name), "SCALE": 0, "STYLE": 0,
                                                    "POLARISATIONS": [1], "OUTPUT_FOLDER": str(tmp_path / name)})
        loaded.append(QgsRasterLayer(result["BACKSCATTER"], name, "gdal"))
    for layer in loaded:
        QgsProject.instance().addMapLayer(layer)
    processing.runAndLoadResults("palsar2:changedetection", {
        "BEFORE_LAYER": loaded[0].id(), "AFTER_LAYER": loaded[1].id(), "SPECKLE_FILTER": 1, "WINDOW": 5,
        "THRESHOLD_DB": 3.0, "MIN_PIXELS": 20, "OUTPUT": "TEMPORARY_OUTPUT", "OUTPUT_CHANGES": "TEMPORARY_OUTPUT"})
    layers = [layer for layer in QgsProject.instance().mapLayers().values() if layer not in loaded]
    rasters = [layer for layer in layers if isinstance(layer, QgsRasterLayer)]
    vectors = [layer for layer in layers if isinstance(layer, QgsVectorLayer)]
    assert len(rasters) == 1 and len(vectors) == 1
    renderer = rasters[0].renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    assert (renderer.classificationMin(), renderer.classificationMax()) == (-6.0, 6.0)
    assert isinstance(vectors[0].renderer(), QgsCategorizedSymbolRenderer)
    assert "JAXA" in " ".join(rasters[0].metadata().rights())
    _check_changes(vectors[0].source().split("|")[0])


def test_without_threshold_no_polygons(pair, tmp_path):
    import processing

    result = processing.run("palsar2:changedetection", {
        "BEFORE": str(pair / "pre"), "AFTER": str(pair / "post"), "SPECKLE_FILTER": 0,
        "OUTPUT": str(tmp_path / "r.tif"), "OUTPUT_CHANGES": "TEMPORARY_OUTPUT"})
    assert result["OUTPUT_CHANGES"] is None and result["POLYGON_COUNT"] == 0
    assert Path(result["OUTPUT"]).exists()


@pytest.mark.parametrize("case,message", [
    ("missing", "Give the BEFORE product"),
    ("nothing", "neither a readable raster nor"),
    ("pol", "no VV backscatter file"),
])
def test_bad_inputs(pair, tmp_path, clean_project, case, message):
    import processing

    params = {"BEFORE": str(pair / "pre"), "AFTER": str(pair / "post"), "OUTPUT": str(tmp_path / "r.tif")}
    if case == "missing":
        del params["BEFORE"]
    elif case == "nothing":
        (tmp_path / "empty").mkdir()
        params["AFTER"] = str(tmp_path / "empty")
    else:
        params["POLARISATION"] = 2
    with pytest.raises(QgsProcessingException, match=message):
        processing.runAndLoadResults("palsar2:changedetection", params)
    assert not (tmp_path / "r.tif").exists()
    assert QgsProject.instance().count() == 0


def test_qgis_process_changedetection(pair, tmp_path, qgis_process_run):
    result = qgis_process_run("palsar2:changedetection", {
        "BEFORE": str(pair / "pre"), "AFTER": str(pair / "post"), "SPECKLE_FILTER": 1, "WINDOW": 5,
        "THRESHOLD_DB": 3, "MIN_PIXELS": 20, "OUTPUT": str(tmp_path / "qp.tif"),
        "OUTPUT_CHANGES": str(tmp_path / "qp.gpkg")})
    outputs = result.results
    assert outputs["POLYGON_COUNT"] == 1
    _check_changes(outputs["OUTPUT_CHANGES"])


def test_event_dock_load_action_loads_and_compares(tmp_path, clean_project, plugin, plugin_package):
    """The dock's "load" action: event scene + archive scene loaded in one group, then compared."""
    from pytest_qgis.utils import wait_until

    root = plugin_package.__name__
    events = importlib.import_module(f"{root}.palsar2_plugin.events")
    from synthetic import jaxa_nrb as synthetic
    actions = importlib.import_module(f"{root}.palsar2_plugin.gui.event_actions_load")
    event, scene = next((e, s) for e, s in events.scenes_for("taiwan2024") if s.frame and s.archive)
    frame = f"{scene.frame:04d}"
    post_date = scene.obs_date.strftime("%y%m%d")
    pre_date = scene.archive[0].date.strftime("%y%m%d")
    rng = np.random.default_rng(5)
    base = np.full((ROWS, COLS), -10.0)
    changed = base.copy()
    changed[PATCH] -= 8.0

    def dn(db):
        power = 10 ** (db / 10) * rng.gamma(4.0, 0.25, db.shape)
        return np.clip(np.round(np.sqrt(power) * 10 ** (83 / 20)), 1, 65535).astype(np.uint16)

    data = tmp_path / "data"
    mask = np.ones((ROWS, COLS), np.uint8)
    synthetic.write_l22_product(str(data / "pre"), {"HH": dn(base)}, mask, None,
                                stem=f"ALOS250000{frame}-{pre_date}_WWDR2.2GUD", origin=(250000.0, 2600000.0))
    synthetic.write_l22_product(str(data / "post"), {"HH": dn(changed)}, mask, None,
                                stem=f"ALOS251000{frame}-{post_date}_WWDR2.2GUD", origin=(250000.0, 2600000.0))
    synthetic.write_l22_product(str(data / "other"), {"HH": dn(base)}, mask, None,   # another frame: ignored
                                stem=f"ALOS2510009990-{post_date}_WWDR2.2GUD", origin=(250000.0, 2600000.0))
    dock = plugin.event_dock()
    assert dock is not None
    action = actions.register(dock, None, folder_provider=lambda: str(data))
    assert "load" in dock.available_actions()
    dock.set_event("all")
    assert dock.select_scene(scene.scene_id)
    assert dock.trigger_action("load")
    wait_until(lambda: not action.tasks, timeout_milliseconds=60000)
    project = QgsProject.instance()
    group = project.layerTreeRoot().findGroup(f"{event.name()} — {scene.scene_id}")
    assert group is not None
    names = [layer.name() for layer in project.mapLayers().values()]
    assert any(name.startswith(f"{scene.obs_date.isoformat()} HH") for name in names)
    assert any(name.startswith(f"{scene.archive[0].date.isoformat()} HH") for name in names)
    assert not any("9990" in name for name in names)
    changes = [layer for layer in project.mapLayers().values() if isinstance(layer, QgsVectorLayer)]
    assert len(changes) == 1
    feature = next(changes[0].getFeatures())
    assert feature["change"] == "decrease"
    assert abs(feature["area_m2"] - PATCH_AREA) / PATCH_AREA < 0.10
    dock.set_actions_available({"load": plugin.load_action})  # give the plugin its own handler back


def test_model_load_then_compare(pair, tmp_path, clean_project):
    """loadnrb's BACKSCATTER output feeds changedetection in a model (saved as .model3 and run)."""
    import processing
    from qgis.core import (QgsProcessingModelAlgorithm, QgsProcessingModelChildAlgorithm,
                           QgsProcessingModelChildParameterSource, QgsProcessingModelOutput,
                           QgsProcessingModelParameter, QgsProcessingParameterFile)

    model = QgsProcessingModelAlgorithm("load and compare", "palsar2 tests")
    for name in ("pre", "post"):
        model.addModelParameter(QgsProcessingParameterFile(name, name, behavior=QgsProcessingParameterFile.File,
                                                           fileFilter="All files (*)"),
                                QgsProcessingModelParameter(name))
        child = QgsProcessingModelChildAlgorithm("palsar2:loadnrb")
        child.setChildId(f"load_{name}")
        child.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter(name)])
        child.addParameterSources("STYLE", [QgsProcessingModelChildParameterSource.fromStaticValue(0)])
        child.addParameterSources("OUTPUT_FOLDER", [QgsProcessingModelChildParameterSource.fromStaticValue(
            str(tmp_path / f"vrt_{name}"))])
        model.addChildAlgorithm(child)
    compare = QgsProcessingModelChildAlgorithm("palsar2:changedetection")
    compare.setChildId("compare")
    compare.addParameterSources("BEFORE_LAYER", [QgsProcessingModelChildParameterSource.fromChildOutput(
        "load_pre", "BACKSCATTER")])
    compare.addParameterSources("AFTER_LAYER", [QgsProcessingModelChildParameterSource.fromChildOutput(
        "load_post", "BACKSCATTER")])
    compare.addParameterSources("THRESHOLD_DB", [QgsProcessingModelChildParameterSource.fromStaticValue(3.0)])
    compare.addParameterSources("MIN_PIXELS", [QgsProcessingModelChildParameterSource.fromStaticValue(20)])
    compare.addParameterSources("OUTPUT", [QgsProcessingModelChildParameterSource.fromStaticValue(
        str(tmp_path / "model_ratio.tif"))])
    compare.addParameterSources("OUTPUT_CHANGES", [QgsProcessingModelChildParameterSource.fromStaticValue(
        str(tmp_path / "model_changes.gpkg"))])
    compare.setModelOutputs({"changes": QgsProcessingModelOutput("changes", "compare")})
    compare.modelOutput("changes").setChildOutputName("POLYGON_COUNT")
    model.addChildAlgorithm(compare)
    path = tmp_path / "compare.model3"
    assert model.toFile(str(path))
    loaded = QgsProcessingModelAlgorithm()
    assert loaded.fromFile(str(path))
    processing.run(loaded, {"pre": str(pair / "pre"), "post": str(pair / "post")})
    _check_changes(tmp_path / "model_changes.gpkg")


def test_layer_scale_forces_how_plain_rasters_are_read(pair, tmp_path):
    """A plain dB raster without a unit is read as linear power unless LAYER_SCALE says dB."""
    import processing
    import rasterio

    path = tmp_path / "plain_db.tif"
    with rasterio.open(str(pair / "pre" / f"{PRE_STEM}_HH_SLP.tif")) as src:
        profile = dict(src.profile, dtype="float32", nodata=None, driver="GTiff")
        with rasterio.open(path, "w", **{k: v for k, v in profile.items() if k not in ("blockxsize", "blockysize",
                                                                                          "tiled", "compress")}) as dst:
            dst.write(np.full((ROWS, COLS), -12.0, np.float32), 1)
    after = tmp_path / "plain_db_after.tif"
    with rasterio.open(path) as src, rasterio.open(after, "w", **src.profile) as dst:
        dst.write(np.full((ROWS, COLS), -9.0, np.float32), 1)
    for scale, expected in ((1, 3.0), (2, None)):
        result = processing.run("palsar2:changedetection", {
            "BEFORE": str(path), "AFTER": str(after), "SPECKLE_FILTER": 0, "LAYER_SCALE": scale,
            "OUTPUT": str(tmp_path / f"r{scale}.tif")})
        with rasterio.open(result["OUTPUT"]) as dataset:
            ratio = dataset.read(1)
        if expected is None:       # negative "linear power" is not valid: all no data
            assert np.isnan(ratio).all()
        else:
            assert np.nanmax(np.abs(ratio - expected)) < 1e-4
