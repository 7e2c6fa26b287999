"""Terrain correction in worker processes with the plugin imported as QGIS imports it (the package
``palsar2_scansar``, the core below it as ``palsar2_scansar.palsar2_plugin``): the workers must find
their own module under that name (tests/core/test_rtc_processes.py imports the core as
``palsar2_plugin``, where ``rtc.process_executor`` sits right below the top package)."""

from __future__ import annotations

import importlib

import numpy as np
import rasterio

from synthetic.rtc_geometry import gaussian_hills, synthetic_case

RUN = dict(height_reference="ellipsoid", pixel_size_m=30.0, tile_size=20, workers=2)


def test_worker_processes_under_the_qgis_package_name(plugin_package, tmp_path, monkeypatch):
    monkeypatch.setenv("PALSAR2_NO_NUMBA", "1")                 # the numpy path, as QGIS without numba
    name = plugin_package.__name__ + ".palsar2_plugin.rtc"
    driver = importlib.import_module(name + ".driver")
    processes = importlib.import_module(name + ".process_executor")
    threads = importlib.import_module(name + ".executors")
    heights = gaussian_hills((60, 60), 30.0, [(0.5, 0.5, 600.0, 250.0)], base_m=100.0)
    dem, radar = synthetic_case(str(tmp_path / "in"), heights, pixel_m=30.0, beams=1)
    executor = processes.ProcessExecutor(2)                      # no fallback: the workers must really run
    in_processes = driver.terrain_correct(radar, dem, str(tmp_path / "p"), executor=executor, **RUN)
    in_threads = driver.terrain_correct(radar, dem, str(tmp_path / "t"), executor=threads.ThreadExecutor(2), **RUN)
    assert executor.facts["executor"].startswith("2 worker processes")
    assert len(in_processes["plan"].tiles) >= 4
    with rasterio.open(in_processes["gamma0"]["HH"]) as a, rasterio.open(in_threads["gamma0"]["HH"]) as b:
        got, want = a.read(1), b.read(1)
    assert np.isfinite(want).mean() > 0.3
    np.testing.assert_array_equal(got, want)
