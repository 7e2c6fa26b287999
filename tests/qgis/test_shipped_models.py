"""The graphical model shipped in palsar2_plugin/models: L1.1 product + DEM -> terrain correction -> NRB layers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import processing
import pytest
import rasterio
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsRasterLayer

from palsar2_plugin.simulate.product import simulate_product
from sample_data import HAKONE_DEM

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

DEM = HAKONE_DEM  # EGM96 heights
TRUTH_DB = -8.0
MODEL_ID = "palsar2:l11tonrblayers"


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "l11"
    return simulate_product(str(DEM), "WBS", out, lines=400, pixels=60, gamma0_db={"HH": TRUTH_DB}, seed=5)


def nrb_median_db(nrb_folder: Path) -> float:
    product = next(p for p in nrb_folder.iterdir() if p.is_dir())
    with rasterio.open(next(product.glob("*_HH.tif"))) as g, rasterio.open(next(product.glob("*_MSK.tif"))) as m:
        gamma0, mask = g.read(1), m.read(1)
    valid = (mask == 1) & np.isfinite(gamma0)
    assert valid.sum() > 500
    return float(np.median(10 * np.log10(gamma0[valid])))


def test_the_model_is_an_algorithm_of_the_provider():
    algorithm = QgsApplication.processingRegistry().algorithmById(MODEL_ID)
    assert algorithm is not None
    assert algorithm.provider().id() == "palsar2"
    assert {p.name() for p in algorithm.parameterDefinitions()} >= {"product", "dem", "dem_height_reference",
                                                                     "pixel_size"}
    assert "JAXA" in algorithm.shortHelpString()
    # a proper name in the toolbox and in the dialog (which works on a created instance)
    name = "L1.1 product to NRB layers (terrain correction, then load)"
    assert algorithm.displayName() == name
    created = QgsApplication.processingRegistry().createAlgorithmById(MODEL_ID)
    assert created.displayName() == name and created.id() == MODEL_ID
    assert created.parameterDefinition("product").metadata()["widget_wrapper"]["class"].endswith(
        "ProductPathWidgetWrapper")


def test_the_model_speaks_japanese(ui_language):
    ui_language("ja")
    created = QgsApplication.processingRegistry().createAlgorithmById(MODEL_ID)
    assert created.displayName() == "L1.1プロダクトからNRBレイヤへ(斜面勾配補正と読み込み)"
    assert "提供:JAXA" in created.shortHelpString()
    assert created.parameterDefinition("dem_height_reference").description() == "DEM の高さの基準"


def test_model_runs_in_process_and_loads_gamma0_layers(product, tmp_path):
    result = processing.run(MODEL_ID, {
        "product": str(product), "dem": str(DEM), "dem_height_reference": 0, "pixel_size": 50.0,
        "correct:nrb_folder": str(tmp_path / "nrb")},
        context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    assert abs(nrb_median_db(Path(result["correct:nrb_folder"]).parent) - TRUTH_DB) < 0.3
    vrts = sorted((tmp_path / "nrb").rglob("palsar2_layers/*.vrt"))   # beside the product, where they last
    assert vrts, "loadnrb wrote no layer"
    layer = QgsRasterLayer(str(next(v for v in vrts if "HH" in v.name)), "hh")
    assert layer.isValid()
    stats = layer.dataProvider().bandStatistics(1)
    assert abs(stats.mean - TRUTH_DB) < 1.5  # dB layer over the NRB product


def test_model_runs_through_qgis_process(product, qgis_process_run, tmp_path):
    run = qgis_process_run(MODEL_ID, {"product": str(product), "dem": str(DEM), "dem_height_reference": 0,
                                      "pixel_size": 50, "correct:nrb_folder": str(tmp_path / "nrb")})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert abs(nrb_median_db(tmp_path / "nrb") - TRUTH_DB) < 0.3
    assert list((tmp_path / "nrb").rglob("palsar2_layers/*.vrt"))
