"""``palsar2:terraincorrection`` through processing.run and qgis_process, on a tiny simulated product."""

from __future__ import annotations
from sample_data import HAKONE_DEM

import json
import math
import os
from pathlib import Path

import numpy as np
import processing
import pytest
import rasterio
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsRasterLayer

from palsar2_plugin.simulate.product import simulate_product

DEM = HAKONE_DEM
TRUTH_DB = -8.0

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    out = tmp_path_factory.mktemp("tc") / "l11"
    return simulate_product(str(DEM), "WBS", out, lines=500, pixels=60, gamma0_db={"HH": TRUTH_DB}, seed=3)


def _median_db(path, mask_path):
    with rasterio.open(path) as ds, rasterio.open(mask_path) as ms:
        g, m = ds.read(1), ms.read(1)
    return float(np.median(10 * np.log10(g[(m == 1) & np.isfinite(g)]))), int((m == 1).sum())


def test_processing_run(product, tmp_path):
    dem_layer = QgsRasterLayer(str(DEM), "hakone")
    assert dem_layer.isValid()
    messages = []

    class Feedback(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802
            messages.append(text)
            super().setProgressText(text)

    result = processing.run("palsar2:terraincorrection", {
        "INPUT": str(product), "DEM": dem_layer, "DEM_HEIGHT_REFERENCE": 0, "POLARISATIONS": [],
        "PIXEL_SIZE": 50.0, "OUTPUT_FOLDER": str(tmp_path / "out")},
        context=QgsProcessingContext(), feedback=Feedback())
    folder = Path(result["OUTPUT_FOLDER"])
    assert folder.parent == tmp_path / "out" and folder.name.endswith("_WBSRNRBD")
    assert [Path(p).name for p in result["GAMMA0"]] == [f"{folder.name}_HH.tif"]
    median, valid = _median_db(result["GAMMA0"][0], result["MASK"])
    assert valid > 1000 and abs(median - TRUTH_DB) < 0.3
    with rasterio.open(result["LOCAL_INCIDENCE_ANGLE"]) as ds:
        lia = ds.read(1)
        assert ds.transform.a == 50.0 and ds.crs.to_epsg() == 32654     # UTM 54N for Hakone
        assert 0 < np.nanmin(lia) < np.nanmax(lia) < 90
    assert Path(result["METADATA"]).name == f"{folder.name}_summary.xml"
    layer = QgsRasterLayer(result["GAMMA0"][0], "g0")
    assert layer.isValid() and layer.crs().authid() == "EPSG:32654"
    assert any("Tile" in m for m in messages)


def test_processing_run_with_crs_extent_and_ellipsoid(product, tmp_path):
    with open(str(product) + ".simulation.json") as fh:
        lat, lon = json.load(fh)["scene_centre_lat_lon"]
    extent = f"{lon - 0.02},{lon + 0.02},{lat - 0.02},{lat + 0.02} [EPSG:4326]"
    result = processing.run("palsar2:terraincorrection", {
        "INPUT": str(product), "DEM": str(DEM), "DEM_HEIGHT_REFERENCE": 2, "POLARISATIONS": [0],
        "CRS": "EPSG:3857", "PIXEL_SIZE": 40.0, "EXTENT": extent, "OUTPUT_FOLDER": str(tmp_path / "o")})
    with rasterio.open(result["MASK"]) as ds:
        assert ds.crs.to_epsg() == 3857 and ds.transform.a == 40.0
        # ~0.04 deg of longitude at 35.4 N in web mercator metres: ~4450 m / cos(lat) -> ~136 px
        assert 100 < ds.width < 180
    # heights taken as ellipsoidal (~37 m too low): the product still exists, slightly different
    median, valid = _median_db(result["GAMMA0"][0], result["MASK"])
    assert valid > 500 and abs(median - TRUTH_DB) < 0.5


def test_bad_inputs_raise_processing_errors(product, tmp_path):
    with pytest.raises(QgsProcessingException, match="projected CRS"):
        processing.run("palsar2:terraincorrection", {
            "INPUT": str(product), "DEM": str(DEM), "CRS": "EPSG:4326", "OUTPUT_FOLDER": str(tmp_path / "x")})
    with pytest.raises(QgsProcessingException, match="does not overlap"):
        processing.run("palsar2:terraincorrection", {
            "INPUT": str(product), "DEM": str(DEM), "EXTENT": "0,1,0,1 [EPSG:4326]",
            "OUTPUT_FOLDER": str(tmp_path / "y")})
    with pytest.raises(QgsProcessingException, match="no VV"):
        processing.run("palsar2:terraincorrection", {
            "INPUT": str(product), "DEM": str(DEM), "POLARISATIONS": [3], "OUTPUT_FOLDER": str(tmp_path / "z")})
    assert not [p for p in (tmp_path / "y").glob("*") if p.name.startswith(".") and p.is_dir()] \
        if (tmp_path / "y").exists() else True


def test_cancel_leaves_no_product(product, tmp_path):
    class Cancelling(QgsProcessingFeedback):
        def setProgress(self, value):  # noqa: N802
            super().setProgress(value)
            if value > 30:
                self.cancel()

    out = tmp_path / "c"
    with pytest.raises(QgsProcessingException):
        processing.run("palsar2:terraincorrection", {
            "INPUT": str(product), "DEM": str(DEM), "PIXEL_SIZE": 50.0, "OUTPUT_FOLDER": str(out)},
            context=QgsProcessingContext(), feedback=Cancelling())
    assert not out.exists() or os.listdir(out) == []


def test_qgis_process(product, qgis_process_run, tmp_path):
    run = qgis_process_run("palsar2:terraincorrection", {
        "INPUT": str(product), "DEM": str(DEM), "DEM_HEIGHT_REFERENCE": 0, "PIXEL_SIZE": 50,
        "OUTPUT_FOLDER": str(tmp_path / "qp")})
    assert run.returncode == 0, run.stdout + run.stderr
    results = run.results
    gamma0 = results["GAMMA0"]
    assert isinstance(gamma0, list) and len(gamma0) == 1
    median, valid = _median_db(gamma0[0], results["MASK"])
    assert valid > 1000 and abs(median - TRUTH_DB) < 0.3
    assert Path(results["METADATA"]).exists() and Path(results["OUTPUT_FOLDER"]).is_dir()
    assert math.isfinite(median)


def test_qgis_process_without_numba_computes_tiles_in_worker_processes(qgis_process_call, tmp_path):
    """As QGIS without numba runs it: the numpy path in worker processes (started with this
    installation's Python, the plugin found under QGIS's package name), the same answer. Without
    --json, so that the progress messages (which say where the tiles ran) are printed; a product
    large enough for several tiles at 10 m."""
    product = simulate_product(str(DEM), "WBS", tmp_path / "l11", lines=1500, pixels=300, gamma0_db={"HH": TRUTH_DB},
                               seed=4)
    run = qgis_process_call("run", "palsar2:terraincorrection", "--", f"INPUT={product}", f"DEM={DEM}",
                            "DEM_HEIGHT_REFERENCE=0", "PIXEL_SIZE=10", f"OUTPUT_FOLDER={tmp_path / 'qp'}",
                            extra_env={"PALSAR2_NO_NUMBA": "1", "PALSAR2_MIN_FACETS_PER_PROCESS": "0"})
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "(2 processes)" in output and "could not be used" not in output, output[-3000:]
    folder = next((tmp_path / "qp").iterdir())
    median, valid = _median_db(str(next(folder.glob("*_HH.tif"))), str(next(folder.glob("*_MSK.tif"))))
    assert valid > 1000 and abs(median - TRUTH_DB) < 0.3
