"""Issue 14, "inputs that don't belong together" on the terrain-correction side: the DEM's vertical
unit (band unit type, vertical CRS, band scale), a DEM covering part of the scene or none of it, an
output CRS not in metres, and a product whose valid area would be empty.

One small simulated FBS product over two gaussian hills (tests/hills_dem.py); DEM variants are
written by the tests."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import rasterio

from hills_dem import hills_product
from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.rtc.dem import DemSource
from palsar2_plugin.rtc.dem_checks import DemCoverageError, DemUnitError, metres_per_unit
from palsar2_plugin.rtc.output_crs import OutputCrsError, check_metre_crs
from palsar2_plugin.rtc.scene_input import terrain_correct_product

FEET = 0.3048
US_FEET = 1200.0 / 3937.0


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demchecks")
    dem, product = hills_product(tmp, seed=4)
    return tmp, dem, product


def _variant(src, dst, transform_values=None, units=None, crs=None, scale=None, nodata=None, dtype=None):
    """A copy of the DEM ``src`` with its values, band unit, CRS, scale or nodata changed."""
    with rasterio.open(src) as ds:
        profile = ds.profile
        values = ds.read(1).astype(np.float64)
    if transform_values is not None:
        values = transform_values(values)
    profile.update(crs=crs or profile["crs"], dtype=dtype or profile["dtype"])
    if nodata is not None:
        profile.update(nodata=nodata)
    with rasterio.open(dst, "w", **profile) as ds:
        ds.write(values.astype(profile["dtype"]), 1)
        if units is not None:
            ds.units = (units,)
        if scale is not None:
            ds.scales = (scale,)
    return str(dst)


def _layer(path):
    with rasterio.open(path) as ds:
        return ds.read(1)


@pytest.fixture(scope="module")
def reference(scene):
    tmp, dem, product = scene
    return terrain_correct_product(product, dem, str(tmp / "ref"), pixel_size_m=50.0, workers=2)


@pytest.mark.slow
def test_a_dem_in_feet_gives_the_same_product_as_the_same_dem_in_metres(scene, reference, tmp_path):
    tmp, dem, product = scene
    feet = _variant(dem, tmp_path / "hills_ft.tif", lambda h: h / FEET, units="ft")
    result = terrain_correct_product(product, feet, str(tmp_path / "out"), pixel_size_m=50.0, workers=2)
    ref_dem, our_dem = _layer(reference["dem"]), _layer(result["dem"])
    valid = np.isfinite(ref_dem)
    assert valid.sum() > 1000 and np.array_equal(valid, np.isfinite(our_dem))
    assert float(np.nanmax(ref_dem)) > 150.0                            # the hills are there, in metres
    np.testing.assert_allclose(our_dem[valid], ref_dem[valid], atol=0.01)
    np.testing.assert_allclose(_layer(result["gamma0"]["HH"]), _layer(reference["gamma0"]["HH"]), rtol=1e-4,
                               atol=1e-7, equal_nan=True)


def test_vertical_unit_from_the_crs_the_band_scale_and_unknown_units(scene, tmp_path):
    tmp, dem, product = scene
    us_feet = _variant(dem, tmp_path / "ftus.tif", lambda h: h / US_FEET, crs="EPSG:4326+6360")
    assert DemSource(us_feet).height_conversion.scale == pytest.approx(US_FEET, rel=1e-9)
    decimetres = _variant(dem, tmp_path / "dm.tif", lambda h: np.round(h * 10.0), scale=0.1, dtype="int16",
                          nodata=-32768)
    source = DemSource(decimetres)
    assert source.height_conversion.scale == pytest.approx(0.1)
    with rasterio.open(dem) as ds:
        middle = float(ds.read(1)[200, 200])
    with rasterio.open(decimetres) as ds:
        stored = float(ds.read(1)[200, 200])
    assert source.height_conversion.apply(np.array([stored]))[0] == pytest.approx(middle, abs=0.06)
    with pytest.raises(DemUnitError, match="'furlong'.*does not know"):
        DemSource(_variant(dem, tmp_path / "furlong.tif", units="furlong"))
    with pytest.raises(DemUnitError, match="'m' \\(band unit\\) but its CRS's vertical axis is in 'US survey foot'"):
        DemSource(_variant(dem, tmp_path / "both.tif", units="m", crs="EPSG:4326+6360"))
    assert metres_per_unit("US survey foot") == pytest.approx(US_FEET) and metres_per_unit("metre") == 1.0
    # the simulator reads DEMs the same way
    from hills_dem import LAT, LON
    from palsar2_plugin.simulate.dem_source import DemHeights
    lat, lon = np.array([LAT, LAT + 0.01]), np.array([LON - 0.02, LON])
    with DemHeights(dem) as metres, DemHeights(us_feet) as feet:
        np.testing.assert_allclose(feet.ellipsoid_heights(lat, lon), metres.ellipsoid_heights(lat, lon), atol=1e-3)


def test_an_all_nodata_dem_is_an_error_and_writes_no_product(scene, tmp_path):
    tmp, dem, product = scene
    empty = _variant(dem, tmp_path / "nodata.tif", lambda h: np.full_like(h, -9999.0))
    out = tmp_path / "out"
    with pytest.raises(DemCoverageError, match="no valid height anywhere in the output area"):
        terrain_correct_product(product, empty, str(out), pixel_size_m=50.0, workers=2)
    assert not out.exists() or os.listdir(out) == []


def test_undeclared_voids_count_as_no_data(scene, tmp_path):
    tmp, dem, product = scene
    voids = _variant(dem, tmp_path / "voids.tif", lambda h: np.full_like(h, -32768.0), nodata=None)
    with rasterio.open(voids, "r+") as ds:
        ds.nodata = None
    with pytest.raises(DemCoverageError, match="outside -1000..9000 m"):
        terrain_correct_product(product, voids, str(tmp_path / "out"), pixel_size_m=50.0, workers=2)


def test_a_dem_covering_part_of_the_scene_warns_with_the_percentage(scene, reference, tmp_path):
    tmp, dem, product = scene
    with rasterio.open(reference["mask"]) as ds:                         # cut the DEM at the product's middle
        centre_x = ds.xy(0, ds.width // 2)[0]
        crs = ds.crs
    from pyproj import Transformer
    lon_cut = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(centre_x, ds.xy(ds.height // 2, 0)[1])[0]
    with rasterio.open(dem) as ds:
        col_cut = int(round((lon_cut - ds.transform.c) / ds.transform.a))

    def east_half_missing(h):
        h = h.copy()
        h[:, col_cut:] = -9999.0
        return h

    half = _variant(dem, tmp_path / "half.tif", east_half_missing)
    seen = []
    result = terrain_correct_product(product, half, str(tmp_path / "out"), pixel_size_m=50.0, workers=2,
                                     warn=seen.append)
    warnings = [w for w in result["warnings"] if "covers only" in w]
    assert len(warnings) == 1 and warnings == [w for w in seen if "covers only" in w]
    percent = float(warnings[0].split("covers only ")[1].split(" %")[0])
    mask = _layer(result["mask"])
    ref_mask = _layer(reference["mask"])
    measured = 100.0 * (mask > 0).sum() / (ref_mask > 0).sum()
    assert 25.0 < percent < 75.0 and abs(percent - measured) < 6.0
    root = ET.parse(result["metadata"]).getroot()
    texts = [w.text for w in root.iter("Warning")]
    assert any(f"covers only {percent:.1f} %" in t for t in texts)


def test_an_output_crs_in_feet_or_degrees_is_refused(scene, tmp_path):
    tmp, dem, product = scene
    with pytest.raises(OutputCrsError, match="US survey foot, not metres"):
        terrain_correct_product(product, dem, str(tmp_path / "ft"), crs="EPSG:2227", pixel_size_m=25.0, workers=2)
    with pytest.raises(OutputCrsError, match="not projected"):
        terrain_correct_product(product, dem, str(tmp_path / "deg"), crs="EPSG:4326", pixel_size_m=25.0, workers=2)
    for out in ("ft", "deg"):
        assert not (tmp_path / out).exists() or os.listdir(tmp_path / out) == []
    check_metre_crs("EPSG:32654")
    check_metre_crs("EPSG:3857")


def test_an_extent_outside_the_swath_writes_no_product(scene, reference, tmp_path):
    """An extent in a corner of the footprint's bounding box that the rotated swath misses: every
    pixel is no data, and such a product must not be written as complete."""
    tmp, dem, product = scene
    with rasterio.open(reference["mask"]) as ds:
        mask, transform, crs = ds.read(1), ds.transform, f"EPSG:{ds.crs.to_epsg()}"
    n = 4
    corners = [(0, 0), (0, mask.shape[1] - n), (mask.shape[0] - n, 0), (mask.shape[0] - n, mask.shape[1] - n)]
    empty = [(r, c) for r, c in corners if not mask[max(r - 2, 0):r + n + 2, max(c - 2, 0):c + n + 2].any()]
    assert empty, "the swath fills its bounding box"
    row, col = empty[0]
    x0, y1 = transform * (col + 0.25, row + 0.25)
    x1, y0 = transform * (col + n - 0.25, row + n - 0.25)
    out = tmp_path / "corner"
    with pytest.raises(Palsar2Error, match="No pixel of .* has a valid backscatter value"):
        terrain_correct_product(product, dem, str(out), crs=crs, pixel_size_m=50.0, extent=(x0, y0, x1, y1),
                                workers=2)
    assert not out.exists() or os.listdir(out) == []
