"""``palsar2:batchterraincorrection`` through processing.run and qgis_process: several simulated
products, this process vs a local Dask cluster, a footprint layer as input, and clear errors."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import processing
import pytest
import rasterio
from qgis.core import (QgsFeature, QgsField, QgsGeometry, QgsProcessingContext, QgsProcessingException,
                       QgsProcessingFeedback, QgsRasterLayer, QgsSettings, QgsVectorLayer)
from qgis.PyQt.QtCore import QVariant

from palsar2_plugin.simulate.product import simulate_product
from hills_dem import LAT, LON, hills_dem

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out



@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    dem = hills_dem(tmp / "hills.tif")
    a = simulate_product(dem, "FBS", tmp / "a", lines=1200, pixels=250, seed=1, gamma0_db={"HH": -8.0})
    b = simulate_product(dem, "FBS", tmp / "b", lines=1200, pixels=250, seed=2, gamma0_db={"HH": -8.0},
                         centre_lat_lon=(LAT + 0.01, LON), centre_time_utc=datetime(2024, 7, 13, 2, 43, 5,
                                                                                    tzinfo=timezone.utc))
    return dem, [str(a), str(b)], tmp


def _gamma0(folder):
    name = os.path.basename(folder)
    with rasterio.open(os.path.join(folder, f"{name}_HH.tif")) as ds:
        return ds.read(1)


def _run(params):
    return processing.run("palsar2:batchterraincorrection", params, context=QgsProcessingContext(),
                          feedback=QgsProcessingFeedback())


def test_two_products_in_this_process_and_on_a_local_dask_cluster_agree(inputs):
    dem, products, tmp = inputs
    dem_layer = QgsRasterLayer(dem, "hills")
    here = _run({"INPUTS": "\n".join(products), "DEM": dem_layer, "EXECUTION": 0, "PIXEL_SIZE": 25.0,
                 "OUTPUT_FOLDER": str(tmp / "here")})
    assert here["OUTPUT_FOLDER"] == str(tmp / "here") and len(here["PRODUCTS"]) == 2
    assert len(set(here["PRODUCTS"])) == 2
    for folder in here["PRODUCTS"]:
        g = _gamma0(folder)
        assert np.isfinite(g).sum() > 5000
        assert abs(float(np.nanmedian(10 * np.log10(g))) + 8.0) < 0.5
    dask = _run({"INPUTS": products[0], "DEM": dem_layer, "EXECUTION": 1, "PIXEL_SIZE": 25.0,
                 "OUTPUT_FOLDER": str(tmp / "dask")})
    assert len(dask["PRODUCTS"]) == 1
    np.testing.assert_allclose(_gamma0(dask["PRODUCTS"][0]), _gamma0(here["PRODUCTS"][0]), rtol=1e-5,
                               equal_nan=True)


def test_footprint_layer_attribute_gives_the_products(inputs):
    dem, products, tmp = inputs
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "footprints", "memory")
    layer.dataProvider().addAttributes([QgsField("download_path", QVariant.String)])
    layer.updateFields()
    feature = QgsFeature(layer.fields())
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((139.1 35.2, 139.3 35.2, 139.3 35.4, 139.1 35.4, 139.1 35.2))"))
    feature.setAttribute("download_path", products[1])
    layer.dataProvider().addFeatures([feature])
    result = _run({"FOOTPRINTS": layer, "DEM": QgsRasterLayer(dem, "hills"), "EXECUTION": 0,
                   "OUTPUT_FOLDER": str(tmp / "fp")})
    assert [Path(p).parent for p in result["PRODUCTS"]] == [tmp / "fp"]
    assert "ALOS2" in Path(result["PRODUCTS"][0]).name
    with pytest.raises(QgsProcessingException, match="no attribute nope"):
        _run({"FOOTPRINTS": layer, "FOOTPRINT_FIELD": "nope", "DEM": QgsRasterLayer(dem, "hills"),
              "OUTPUT_FOLDER": str(tmp / "fp2")})


def test_no_inputs_twice_the_same_product_and_remote_without_address_are_clear_errors(inputs):
    dem, products, tmp = inputs
    with pytest.raises(QgsProcessingException, match="give each product once"):
        _run({"INPUTS": f"{products[0]};{products[0]}/", "DEM": QgsRasterLayer(dem, "hills"),
              "OUTPUT_FOLDER": str(tmp / "twice")})
    with pytest.raises(QgsProcessingException, match="at least one product"):
        _run({"INPUTS": " \n ", "DEM": QgsRasterLayer(dem, "hills"), "OUTPUT_FOLDER": str(tmp / "none")})
    QgsSettings().remove("palsar2/dask/scheduler")
    with pytest.raises(QgsProcessingException, match="scheduler address"):
        _run({"INPUTS": products[0], "DEM": QgsRasterLayer(dem, "hills"), "EXECUTION": 2,
              "OUTPUT_FOLDER": str(tmp / "remote")})


def test_qgis_process_on_a_local_dask_cluster(inputs, qgis_process_run):
    dem, products, tmp = inputs
    run = qgis_process_run("palsar2:batchterraincorrection", {
        "INPUTS": products[0], "DEM": dem, "EXECUTION": 1, "OUTPUT_FOLDER": str(tmp / "qp")}, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    folders = run.results["PRODUCTS"]
    assert isinstance(folders, list) and len(folders) == 1
    assert np.isfinite(_gamma0(folders[0])).sum() > 5000
