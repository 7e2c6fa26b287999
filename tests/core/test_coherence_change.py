"""Coherence change (damage proxy) on rasters with a known answer: the difference, the loss classes,
polygons and their area, a co-event raster on another grid, refusals and warnings of pair checks."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine
from osgeo import ogr

from palsar2_plugin.change.coherence import (LOSS, CoherenceChangeError, classify_loss, coherence_difference,
                                             detect_coherence_loss)
from palsar2_plugin.errors import Cancelled
from palsar2_plugin.insar.coherence_change import check_pairs
from palsar2_plugin.insar.product import InterferogramProduct

PIXEL = 25.0
ORIGIN = (500000.0, 4000000.0)
SHAPE = (120, 160)
BLOCK = (slice(40, 70), slice(50, 90))        # 30 x 40 pixels of loss


def write(path, data, crs="EPSG:32654", transform=None, nodata=np.nan):
    transform = transform or Affine(PIXEL, 0, ORIGIN[0], 0, -PIXEL, ORIGIN[1])
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype="float32", crs=crs, transform=transform, nodata=nodata) as ds:
        ds.write(data.astype(np.float32), 1)
    return str(path)


@pytest.fixture()
def pair(tmp_path):
    rng = np.random.default_rng(3)
    pre = np.clip(0.8 + 0.05 * rng.standard_normal(SHAPE), 0, 1)
    co = np.clip(0.8 + 0.05 * rng.standard_normal(SHAPE), 0, 1)
    co[BLOCK] = 0.2
    pre[:, :10] = 0.1                                   # water: never coherent, cannot lose
    co[:, :10] = 0.0
    pre[100:, :] = np.nan                               # layover: no data
    return write(tmp_path / "pre.tif", pre), write(tmp_path / "co.tif", co)


def test_difference_and_classes():
    pre = np.array([0.9, 0.9, 0.3, np.nan, 0.9, 1.2])
    co = np.array([0.2, 0.8, 0.0, 0.5, np.nan, 0.1])
    d = coherence_difference(pre, co)
    np.testing.assert_allclose(d[:3], [0.7, 0.1, 0.3], atol=1e-6)
    assert np.isnan(d[3:]).all()                        # missing or outside 0..1
    classes = classify_loss(d, pre, 0.3, 0.4)
    assert classes.tolist() == [LOSS, 0, 0, 0, 0, 0]    # 0.3 loss of ground at 0.3 before: not significant
    with pytest.raises(CoherenceChangeError, match="between 0 and 1"):
        classify_loss(d, pre, 1.5)


def test_polygons_and_area(pair, tmp_path):
    result = detect_coherence_loss(*pair, str(tmp_path / "loss.tif"), str(tmp_path / "loss.gpkg"), threshold=0.3,
                                   min_pre_coherence=0.4, min_pixels=4)
    assert result.loss_pixels == 30 * 40
    assert result.polygon_count == 1
    assert result.loss_area_m2 == pytest.approx(30 * 40 * PIXEL ** 2)
    assert result.pixel_area_m2 == PIXEL ** 2
    assert result.valid_pixels == 100 * 160
    source = ogr.Open(str(tmp_path / "loss.gpkg"))
    feature = source.GetLayer("coherence_loss").GetNextFeature()
    assert feature.GetField("change") == "coherence loss"
    assert feature.GetField("mean_loss") == pytest.approx(0.6, abs=0.01)
    assert feature.GetField("pixels") == 1200
    source = None
    with rasterio.open(tmp_path / "loss.tif") as ds:
        loss = ds.read(1)
        assert ds.tags()["JAXA_ATTRIBUTION"].startswith("Data provided by JAXA")
        assert ds.tags(1)["PALSAR2_QUANTITY"] == "coherence_loss"
    assert np.isnan(loss[100:]).all()
    assert float(np.nanmean(loss[BLOCK])) == pytest.approx(0.6, abs=0.01)


def test_co_event_on_another_grid_is_resampled(pair, tmp_path):
    pre_path, co_path = pair
    with rasterio.open(co_path) as ds:
        co = ds.read(1)
    # the same values on a grid shifted by 3 whole pixels (as a second product clipped differently)
    shifted = write(tmp_path / "co_shift.tif", co[3:, 2:],
                    transform=Affine(PIXEL, 0, ORIGIN[0] + 2 * PIXEL, 0, -PIXEL, ORIGIN[1] - 3 * PIXEL))
    a = detect_coherence_loss(pre_path, co_path, str(tmp_path / "a.tif"))
    b = detect_coherence_loss(pre_path, shifted, str(tmp_path / "b.tif"))
    with rasterio.open(a.output) as da, rasterio.open(b.output) as db:
        x, y = da.read(1), db.read(1)
    both = np.isfinite(x) & np.isfinite(y)
    np.testing.assert_allclose(x[both], y[both], atol=1e-6)
    assert both.sum() == (100 - 3) * (160 - 2)


def test_refusals_leave_nothing(pair, tmp_path):
    pre_path, co_path = pair
    far = write(tmp_path / "far.tif", np.full(SHAPE, 0.5),
                transform=Affine(PIXEL, 0, ORIGIN[0] + 1e5, 0, -PIXEL, ORIGIN[1]))
    with pytest.raises(CoherenceChangeError, match="do not overlap"):
        detect_coherence_loss(pre_path, far, str(tmp_path / "out.tif"), str(tmp_path / "out.gpkg"))
    geographic = write(tmp_path / "geo.tif", np.full(SHAPE, 0.5), crs="EPSG:4326",
                       transform=Affine(0.001, 0, 139.0, 0, -0.001, 35.3))
    with pytest.raises(CoherenceChangeError, match="projected grid"):
        detect_coherence_loss(geographic, geographic, str(tmp_path / "out.tif"))
    calls = []
    with pytest.raises(Cancelled):
        detect_coherence_loss(pre_path, co_path, str(tmp_path / "out.tif"), str(tmp_path / "out.gpkg"),
                              tile_size=32, is_cancelled=lambda: len(calls) > 3 or calls.append(1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["co.tif", "far.tif", "geo.tif", "pre.tif"]


def product(name, reference, secondary, looks=(4, 4), **changes):
    meta = {"product": "interferogram", "look_side": "right", "pass_direction": "descending", "polarisation": "HH",
            "reference": {"acquisition_time_utc": reference + "T02:44:00.000000Z", "mode": "FBS"},
            "secondary": {"acquisition_time_utc": secondary + "T02:44:00.000000Z", "mode": "FBS"},
            "beams_detail": {"1": {"looks_azimuth": looks[0], "looks_range": looks[1]}}}
    meta.update(changes)
    return InterferogramProduct("/x/" + name, name, meta, {})


def test_pair_checks():
    pre = product("pre", "2024-06-01", "2024-06-15")
    assert check_pairs(pre, product("co", "2024-06-15", "2024-06-29")) == []
    with pytest.raises(CoherenceChangeError, match="swap them"):
        check_pairs(product("co", "2024-06-15", "2024-06-29"), pre)
    with pytest.raises(CoherenceChangeError, match="differ in pass"):
        check_pairs(pre, product("co", "2024-06-15", "2024-06-29", pass_direction="ascending"))
    with pytest.raises(CoherenceChangeError, match="differ in polarisation"):
        check_pairs(pre, product("co", "2024-06-15", "2024-06-29", polarisation="HV"))
    warnings = check_pairs(pre, product("co", "2024-06-15", "2024-08-10", looks=(2, 8)))
    assert len(warnings) == 2
    assert "multilooked differently" in warnings[0] and "spans 56 days, the pre-event pair 14" in warnings[1]
