"""A layer given to a failed run is freed once the run is over, not kept until QGIS exits.

QGIS (3.22 at least) never releases the Python error of a processAlgorithm that raised
QgsProcessingException, which kept the run's frames and the layers in its parameters alive until
exit, where freeing a layer after exitQgis crashed GDAL. processing_provider.failed_runs clears
those frames at the next run and when the plugin unloads."""

from __future__ import annotations

import gc
import importlib

import processing
import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsRasterLayer

from hills_dem import hills_dem


def _fail_with_a_layer(dem, folder, destroyed):
    layer = QgsRasterLayer(str(dem), "hills")
    assert layer.isValid()
    layer.destroyed.connect(lambda: destroyed.append(True))
    with pytest.raises(QgsProcessingException, match="at least one product"):
        processing.run("palsar2:batchterraincorrection", {"INPUTS": " \n ", "DEM": layer, "OUTPUT_FOLDER": folder},
                       context=QgsProcessingContext(), feedback=QgsProcessingFeedback())


def test_a_layer_given_to_a_failed_run_is_freed_by_the_next_run(tmp_path):
    dem = hills_dem(tmp_path / "hills.tif")
    destroyed = []
    _fail_with_a_layer(dem, str(tmp_path / "none"), destroyed)
    processing.run("palsar2:eventscenes", {"EVENT": 3, "OUTPUT": "memory:"})
    gc.collect()
    assert destroyed == [True]


def test_release_frees_it_without_another_run(tmp_path):
    failed_runs = importlib.import_module("palsar2_scansar.processing_provider.failed_runs")

    dem = hills_dem(tmp_path / "hills.tif")
    destroyed = []
    _fail_with_a_layer(dem, str(tmp_path / "none"), destroyed)
    assert failed_runs.release() >= 3                    # our two frames and QGIS's processing.run ones
    gc.collect()
    assert destroyed == [True]
