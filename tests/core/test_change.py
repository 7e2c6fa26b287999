"""Change detection: speckle filters, log-ratio, synthetic pre/post pairs with a known patch (no QGIS)."""

from __future__ import annotations
from sample_data import L22

from pathlib import Path

import numpy as np
import pytest
import rasterio
from osgeo import ogr

from palsar2_plugin.change import detect, filters, logratio, sources
from synthetic import jaxa_nrb

SUMMARY = (L22 / "ALOS2437590500-220630_WWDR2.2GUA_summary.xml")
PIXEL_AREA = 25.0 * 25.0


# ------------------------------------------------------------------------------------------------
# pure tile functions
# ------------------------------------------------------------------------------------------------

def test_log_ratio_and_classes():
    before = np.array([[1.0, 0.1, np.nan, 0.0], [2.0, 1.0, 1.0, 1.0]])
    after = np.array([[10.0, 0.1, 1.0, 1.0], [0.2, -1.0, 0.5, 2.0]])
    ratio = logratio.log_ratio_db(before, after)
    np.testing.assert_allclose(ratio[0, :2], [10.0, 0.0], atol=1e-6)
    assert np.isnan(ratio[0, 2]) and np.isnan(ratio[0, 3]) and np.isnan(ratio[1, 1])
    assert ratio[1, 0] == pytest.approx(-10.0, abs=1e-5)
    classes = logratio.classify(ratio, 3.0)
    assert classes.tolist() == [[1, 0, 0, 0], [2, 0, 2, 1]]
    with pytest.raises(ValueError):
        logratio.classify(ratio, 0)


def test_boxcar_is_the_mean_of_valid_neighbours():
    tile = np.arange(30, dtype=float).reshape(5, 6)
    tile[2, 3] = np.nan
    out = filters.boxcar(tile, 3)
    assert out[1, 1] == pytest.approx(tile[0:3, 0:3].mean())
    assert out[1, 3] == pytest.approx(np.nanmean(tile[0:3, 2:5]))    # NaN neighbour ignored
    assert out[0, 0] == pytest.approx(tile[0:2, 0:2].mean())          # edge: only the inside
    assert np.isnan(out[2, 3])


def test_filters_reduce_speckle_and_keep_the_mean():
    rng = np.random.default_rng(7)
    truth = np.full((128, 128), 0.1)
    speckled = truth * rng.gamma(4.0, 1 / 4.0, truth.shape)
    for name, size in (("boxcar", 5), ("refined_lee", 7)):
        out = filters.apply_filter(speckled, name, size, looks=4.0)
        assert out.dtype == np.float32
        assert np.std(out) < 0.5 * np.std(speckled)
        assert np.mean(out) == pytest.approx(0.1, rel=0.03)


def test_refined_lee_keeps_a_step_edge_sharper_than_boxcar():
    rng = np.random.default_rng(8)
    truth = np.ones((96, 96))
    truth[:, 48:] = 10.0
    speckled = truth * rng.gamma(4.0, 1 / 4.0, truth.shape)
    lee = filters.refined_lee(speckled, 7, looks=4.0)
    box = filters.boxcar(speckled, 7)
    # one pixel either side of the edge: Lee stays on its side's level, boxcar blurs towards the middle
    assert np.median(lee[10:86, 47]) < 2.0 and np.median(lee[10:86, 48]) > 7.0
    assert np.median(box[10:86, 47]) > 3.0 and np.median(box[10:86, 48]) < 7.0
    # a tile processed with a halo equals the whole-image result
    halo = filters.halo(7)
    part = filters.refined_lee(speckled[20 - halo:60 + halo, 20 - halo:60 + halo], 7, 4.0)[halo:-halo, halo:-halo]
    np.testing.assert_allclose(part, lee[20:60, 20:60], rtol=1e-5)


def test_filter_arguments_are_checked():
    with pytest.raises(ValueError):
        filters.boxcar(np.ones((5, 5)), 4)
    with pytest.raises(ValueError):
        filters.refined_lee(np.ones((9, 9)), 3)
    with pytest.raises(ValueError):
        filters.apply_filter(np.ones((5, 5)), "median", 3)


# ------------------------------------------------------------------------------------------------
# whole pipeline on synthetic JAXA products
# ------------------------------------------------------------------------------------------------

ROWS, COLS = 380, 450
PATCH = (slice(120, 200), slice(150, 270))        # 80 x 120 px = 6.0 km²
PATCH_AREA = 80 * 120 * PIXEL_AREA


def _speckled_dn(db: np.ndarray, rng, looks: float = 4.0) -> np.ndarray:
    power = 10 ** (db / 10) * rng.gamma(looks, 1 / looks, db.shape)
    return np.clip(np.round(np.sqrt(power) * 10 ** (83 / 20)), 1, 65535).astype(np.uint16)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("pair")
    rng = np.random.default_rng(11)
    background = np.full((ROWS, COLS), -9.0)
    background[:, 300:] = -15.0                    # an unchanged boundary in the scene
    after_db = background.copy()
    after_db[PATCH] -= 7.0                         # a flooded patch: darker after
    mask = np.ones((ROWS, COLS), np.uint8)
    mask[:, :12] = 0
    mask[300:340, 60:100] = 3                      # shadow in both: excluded from the output
    after_mask = mask.copy()
    after_mask[20:40, 380:420] = 2                 # layover only after
    jaxa_nrb.write_l22_product(str(base / "pre"), {"HH": _speckled_dn(background, rng),
                                                         "HV": _speckled_dn(background - 6, rng)},
                                     mask, None, str(SUMMARY))
    jaxa_nrb.write_l22_product(str(base / "post"), {"HH": _speckled_dn(after_db, rng),
                                                          "HV": _speckled_dn(after_db - 6, rng)},
                                     after_mask, None, stem="ALOS2449990500-220922_WWDR2.2GUA")
    return base


def _polygons(path):
    dataset = ogr.Open(str(path))
    layer = dataset.GetLayer()
    return [(f.GetField("change"), f.GetField("area_m2"), f.GetField("mean_db"), f.GetField("pixels"),
             f.GetGeometryRef().GetEnvelope()) for f in layer]


@pytest.mark.parametrize("speckle_filter,window", [("refined_lee", 7), ("boxcar", 5)])
def test_patch_found_and_nothing_else(pair, tmp_path, speckle_filter, window):
    before = sources.resolve_input(str(pair / "pre"), "HH", str(tmp_path / "work"), "BEFORE")
    after = sources.resolve_input(str(pair / "post"), "HH", str(tmp_path / "work"), "AFTER")
    result = detect.detect_changes(before, after, str(tmp_path / "ratio.tif"), speckle_filter, window, 4.0,
                                   threshold_db=3.0, changes=str(tmp_path / "changes.gpkg"), min_pixels=30,
                                   tile_size=128)
    polygons = _polygons(tmp_path / "changes.gpkg")
    assert len(polygons) == 1 == result.polygons
    change, area, mean_db, pixels, (xmin, xmax, ymin, ymax) = polygons[0]
    assert change == "decrease"
    assert abs(area - PATCH_AREA) / PATCH_AREA < 0.10
    assert mean_db == pytest.approx(-7.0, abs=1.0)
    x0, y0 = 374612.5, 3087012.5
    assert xmin == pytest.approx(x0 + 150 * 25, abs=3 * 25) and xmax == pytest.approx(x0 + 270 * 25, abs=3 * 25)
    assert ymax == pytest.approx(y0 - 120 * 25, abs=3 * 25) and ymin == pytest.approx(y0 - 200 * 25, abs=3 * 25)
    with rasterio.open(tmp_path / "ratio.tif") as dataset:
        ratio = dataset.read(1)
        assert dataset.units[0] == "dB" and "JAXA" in dataset.tags()["TIFFTAG_COPYRIGHT"]
        assert (dataset.transform.c, dataset.transform.f) == (x0, y0)
    assert np.all(np.isnan(ratio[:, :12]))                 # no data in both masks
    assert np.all(np.isnan(ratio[300:340, 60:100]))        # shadow
    assert np.all(np.isnan(ratio[20:40, 380:420]))         # layover after only
    assert np.nanmedian(ratio[PATCH]) == pytest.approx(-7.0, abs=0.7)
    outside = ratio.copy()
    outside[115:205, 145:275] = np.nan
    assert np.nanmedian(outside) == pytest.approx(0.0, abs=0.3)


def test_without_filter_or_threshold_the_ratio_is_exact(pair, tmp_path):
    before = sources.resolve_input(str(pair / "pre" / "ALOS2437590500-220630_WWDR2.2GUA_HV_SLP.tif"), "HV",
                                   str(tmp_path), "BEFORE")
    after = sources.resolve_input(str(pair / "post"), "HV", str(tmp_path), "AFTER")
    result = detect.detect_changes(before, after, str(tmp_path / "r.tif"))
    assert result.changes is None and result.polygons == 0
    with rasterio.open(before.product.backscatter["HV"]) as b, rasterio.open(after.product.backscatter["HV"]) as a, \
            rasterio.open(tmp_path / "r.tif") as r:
        dn_b, dn_a, ratio = b.read(1).astype(float), a.read(1).astype(float), r.read(1)
    expected = 20 * np.log10(dn_a) - 20 * np.log10(dn_b)
    finite = np.isfinite(ratio)
    assert finite.sum() == result.valid_pixels > 0.8 * ROWS * COLS
    assert np.max(np.abs(ratio[finite] - expected[finite])) < 0.01


def test_after_on_another_grid_is_resampled(pair, tmp_path):
    """A dB raster of AFTER shifted by 2 pixels and in EPSG:4326-free UTM still lands on BEFORE's grid."""
    before = sources.resolve_input(str(pair / "pre"), "HH", str(tmp_path), "BEFORE")
    with rasterio.open(before.path) as dataset:
        power = dataset.read(1)
    shifted = np.full((ROWS, COLS), np.nan, np.float32)
    shifted[:, 2:] = 10 * np.log10(power[:, :-2]) + 5.0      # +5 dB everywhere
    path = jaxa_nrb.write_cog(str(tmp_path / "after_db.tif"), shifted, origin=(374612.5 - 50, 3087012.5),
                                    nodata=float("nan"))
    # GDAL >= 3.10 refuses to update a COG in place unless told that the layout may break
    with rasterio.open(path, "r+", IGNORE_COG_LAYOUT_BREAK="YES") as dataset:
        dataset.units = ("dB",)
    after = sources.resolve_input(path, None, str(tmp_path), "AFTER")
    assert after.scale == "dB" and after.product is None
    detect.detect_changes(before, after, str(tmp_path / "r.tif"))
    with rasterio.open(tmp_path / "r.tif") as r:
        ratio = r.read(1)
    assert np.nanmedian(ratio) == pytest.approx(5.0, abs=0.01)


def test_bad_change_inputs(pair, tmp_path):
    before = sources.resolve_input(str(pair / "pre"), "HH", str(tmp_path), "BEFORE")
    after = sources.resolve_input(str(pair / "post"), "HV", str(tmp_path), "AFTER")
    with pytest.raises(sources.ChangeInputError, match="same polarisation"):
        detect.detect_changes(before, after, str(tmp_path / "r.tif"))
    with pytest.raises(sources.ChangeInputError, match="odd number"):
        detect.detect_changes(before, before, str(tmp_path / "r.tif"), "refined_lee", 4)
    with pytest.raises(sources.ChangeInputError, match="positive"):
        detect.detect_changes(before, before, str(tmp_path / "r.tif"), threshold_db=-1.0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(sources.ChangeInputError, match="neither a readable raster nor"):
        sources.resolve_input(str(tmp_path / "empty"), "HH", str(tmp_path), "BEFORE")
    far = jaxa_nrb.write_cog(str(tmp_path / "far.tif"), np.ones((10, 10), np.float32), origin=(100000.0, 1000.0))
    with pytest.raises(sources.ChangeInputError, match="do not overlap"):
        detect.detect_changes(before, sources.resolve_input(far, None, str(tmp_path), "AFTER"),
                              str(tmp_path / "r.tif"))
    assert not (tmp_path / "r.tif").exists()


def test_cancel_leaves_nothing(pair, tmp_path):
    from palsar2_plugin.errors import Cancelled

    before = sources.resolve_input(str(pair / "pre"), "HH", str(tmp_path / "w"), "BEFORE")
    after = sources.resolve_input(str(pair / "post"), "HH", str(tmp_path / "w"), "AFTER")
    calls = []

    def cancel_on_third_tile():
        calls.append(1)
        return len(calls) >= 3

    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        detect.detect_changes(before, after, str(out / "r.tif"), threshold_db=3.0, changes=str(out / "c.gpkg"),
                              tile_size=64, is_cancelled=cancel_on_third_tile)
    assert len(calls) == 3
    assert list(out.iterdir()) == []          # no output, no temporary folder


def test_after_in_another_crs_is_reprojected(pair, tmp_path):
    """AFTER given in UTM zone 52 (another CRS) is reprojected onto BEFORE's UTM 51 grid."""
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    before = sources.resolve_input(str(pair / "pre"), "HH", str(tmp_path), "BEFORE")
    with rasterio.open(before.path) as src:
        power = src.read(1)
        transform, width, height = calculate_default_transform(src.crs, "EPSG:32652", src.width, src.height,
                                                               *src.bounds, resolution=25.0)
        moved = np.full((height, width), np.nan, np.float32)
        reproject(power, moved, src_transform=src.transform, src_crs=src.crs, dst_transform=transform,
                  dst_crs="EPSG:32652", resampling=Resampling.bilinear, src_nodata=np.nan, dst_nodata=np.nan)
    path = tmp_path / "after_utm52.tif"
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1, dtype="float32",
                       crs="EPSG:32652", transform=transform, nodata=np.nan) as dst:
        dst.write(moved * 2.0, 1)                       # +3.01 dB everywhere
    after = sources.resolve_input(str(path), None, str(tmp_path), "AFTER")
    result = detect.detect_changes(before, after, str(tmp_path / "r.tif"), "boxcar", 5)
    with rasterio.open(result.output) as dataset:
        ratio = dataset.read(1)
        assert dataset.crs.to_epsg() == 32651
    assert np.nanmedian(ratio) == pytest.approx(10 * np.log10(2.0), abs=0.15)
    assert result.valid_pixels > 0.7 * ROWS * COLS
