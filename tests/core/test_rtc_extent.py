"""Terrain correction over an extent calibrates only what the extent's tiles can read: the lines and
pixels around it (plus the tiles' halo and the reach of any plausible height) of the beams it meets,
and gives the whole scene's pixels there."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from hills_dem import LAT, LON, hills_dem
from palsar2_plugin.ceos import open_product
from palsar2_plugin.geometry.range_doppler import geolocate
from palsar2_plugin.rtc.driver import terrain_correct
from palsar2_plugin.rtc.scene_input import SceneRadarInput, extent_windows, terrain_correct_product
from palsar2_plugin.simulate.product import simulate_product

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

PIXEL_M = 10.0


@pytest.fixture(scope="module")
def scansar(tmp_path_factory):
    """A small 5-beam WBS product over the hills DEM and a ~0.9 x 0.7 km extent in beam 3's middle."""
    tmp = tmp_path_factory.mktemp("extent")
    dem = hills_dem(tmp / "hills.tif")
    product = str(simulate_product(dem, "WBS", tmp / "l11", lines=2000, pixels=240, seed=5, centre_lat_lon=(LAT, LON)))
    scene = open_product(product)
    orbit = scene.orbit()
    g = scene.radar_grid(3, orbit)
    lat, lon = geolocate(orbit, np.array([g.mid_time_s]), np.array([g.slant_range_mid_m]), 0.0, g.look_side)
    extent = (float(lon[0]) - 0.005, float(lat[0]) - 0.003, float(lon[0]) + 0.005, float(lat[0]) + 0.003)
    return tmp, dem, product, scene, extent


def _read(path):
    with rasterio.open(path) as ds:
        return ds.read(1), ds.transform, ds.crs


def test_an_extent_reads_its_lines_and_pixels_of_the_beams_it_meets(scansar):
    tmp, dem, product, scene, extent = scansar
    windows, crs = extent_windows(scene, None, PIXEL_M, extent, "EPSG:4326")
    assert sorted(windows) == [1, 2, 3, 4, 5]
    for l0, l1, p0, p1 in windows.values():            # the extent and 2 x 600 m of 4-5 km along track
        assert 0 < l0 < l1 < 2000 and l1 - l0 < 0.7 * 2000
    assert windows[5][2] == 0 and windows[5][3] < 0.5 * 240     # the far beam: its near range only

    result = terrain_correct_product(product, dem, str(tmp / "window"), pixel_size_m=PIXEL_M, extent=extent,
                                     extent_crs="EPSG:4326")
    # the reference: every beam calibrated whole, the same extent and CRS
    with SceneRadarInput(scene, pixel_size_m=PIXEL_M) as radar:
        whole = terrain_correct(radar, dem, str(tmp / "whole"), crs=crs, pixel_size_m=PIXEL_M, extent=extent,
                                extent_crs="EPSG:4326")
        whole_grids = {b.number: b.grid for b in radar.beams}
    calibrated = {b.number: b.grid for b in result["plan"].beams}
    assert sorted(calibrated) == [1, 2, 3, 4, 5]
    for number, grid in calibrated.items():
        assert grid.lines < 0.7 * whole_grids[number].lines
    assert calibrated[5].pixels < 0.5 * whole_grids[5].pixels
    for key in ("mask", "local_incidence", "number_of_looks"):
        a, ta, ca = _read(result[key])
        b, tb, cb = _read(whole[key])
        assert ta == tb and ca == cb
        np.testing.assert_array_equal(a, b)
    ga, _, _ = _read(result["gamma0"]["HH"])
    gb, _, _ = _read(whole["gamma0"]["HH"])
    assert np.isfinite(ga).sum() > 5000
    np.testing.assert_allclose(ga, gb, rtol=2e-6, equal_nan=True)


def test_the_run_is_planned_with_gdal_block_cache_bounded(scansar, monkeypatch):
    """Planning reads the whole DEM: with GDAL's default cache (5 % of the RAM) a real-size scene's
    planning left ~1 GB resident, so terrain_correct_product bounds the cache from the start and
    gives the setting back."""
    from osgeo import gdal

    from palsar2_plugin.gdal_cache import RUN_BLOCK_CACHE_BYTES
    from palsar2_plugin.rtc import scene_input

    tmp, dem, product, _, extent = scansar
    seen = []
    plan = scene_input.plan_scene_run

    def spy(*args, **kwargs):
        seen.append(gdal.GetCacheMax())
        return plan(*args, **kwargs)

    monkeypatch.setattr(scene_input, "plan_scene_run", spy)
    saved = gdal.GetCacheMax()
    gdal.SetCacheMax(2**30)
    try:
        terrain_correct_product(product, dem, str(tmp / "bounded"), pixel_size_m=PIXEL_M, extent=extent,
                                extent_crs="EPSG:4326")
        assert seen == [RUN_BLOCK_CACHE_BYTES] and gdal.GetCacheMax() == 2**30
    finally:
        gdal.SetCacheMax(saved)
