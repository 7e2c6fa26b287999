"""NRB writer pieces: product names, atomic folder handling, XML fields (no QGIS)."""

from __future__ import annotations

import os
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import rasterio

from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.nrb import naming
from palsar2_plugin.nrb.metadata_xml import build_summary_xml
from palsar2_plugin.nrb.writer import NrbWriter
from palsar2_plugin.rtc.grid import snapped_grid
from palsar2_plugin.rtc.mosaic import TileLayers


def test_product_names_follow_the_l22_pattern_with_our_tag():
    name = naming.product_name("ALOS2471852900-230217", "wbs", "right", "descending")
    assert name == "ALOS2471852900-230217_WBSRNRBD"
    assert naming.product_name("ALOS2437590500-220630", "WWD", "left", "ascending").endswith("_WWDLNRBA")
    assert naming.gamma0_file(name, "hv") == f"{name}_HV.tif"
    assert naming.layer_file(name, "mask") == f"{name}_MSK.tif"
    assert naming.is_jaxa_scene_id("ALOS2471852900-230217") and not naming.is_jaxa_scene_id("x")
    with pytest.raises(Palsar2Error):
        naming.product_name("../evil", "WBS", "right", "descending")


def _layers(shape, value):
    f = np.full(shape, value, dtype=np.float32)
    return TileLayers([f], np.ones(shape, np.uint8), f, f, f, f, f, f)


def _info(grid):
    return {"start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T00:00:10Z",
            "centre_time": "2024-01-01T00:00:05Z", "mode": "WBS", "polarisations": ["HH"], "look_side": "right",
            "pass_direction": "descending", "beams": [1, 2], "source_product_id": "X_WBSR1.1__D",
            "processing_time": "2024-01-02T00:00:00Z", "software_version": "test", "pixel_size_m": 25.0,
            "epsg": 32654, "crs_wkt": "", "bounds": grid.bounds,
            "footprint_wkt": "Polygon ((138 36, 139 36, 139 37, 138 36))",
            "footprint_lon_lat": [(138, 36), (139, 36), (139, 37)], "lon_lat_bbox": (138, 36, 139, 37),
            "centre_lon_lat": (138.5, 36.5), "shape": (grid.height, grid.width),
            "transform": tuple(grid.transform)[:6], "dem_path": "/x/dem.tif", "dem_height_reference": "egm2008",
            "oversampling": 2, "incidence_near_far": (25.0, 48.0)}


def test_writer_replaces_an_old_product_only_when_complete(tmp_path):
    grid = snapped_grid("EPSG:32654", (0, 0, 25 * 40, 25 * 30), 25.0)
    w1 = NrbWriter(str(tmp_path), "P", grid, ["HH"])
    w1.write_tile(_layers((30, 40), 0.5), 0, 0)
    first = w1.finish(_info(grid))
    with rasterio.open(first["gamma0"]["HH"]) as ds:
        assert float(ds.read(1).mean()) == 0.5
    # a second run that fails leaves the first product untouched and no partial folder
    w2 = NrbWriter(str(tmp_path), "P", grid, ["HH"])
    w2.write_tile(_layers((30, 40), 0.25), 0, 0)
    w2.abort()
    assert sorted(os.listdir(tmp_path)) == ["P"]
    with rasterio.open(first["gamma0"]["HH"]) as ds:
        assert float(ds.read(1).mean()) == 0.5
    w3 = NrbWriter(str(tmp_path), "P", grid, ["HH"])
    w3.write_tile(_layers((30, 40), 0.25), 0, 0)
    w3.finish(_info(grid))
    assert sorted(os.listdir(tmp_path)) == ["P"]
    with rasterio.open(first["gamma0"]["HH"]) as ds:
        assert float(ds.read(1).mean()) == 0.25


def test_summary_xml_fields(tmp_path):
    grid = snapped_grid("EPSG:32654", (0, 0, 25 * 40, 25 * 30), 25.0)
    files = {k: naming.layer_file("P", k) for k in naming.LAYER_SUFFIXES}
    root = build_summary_xml(_info(grid), files, {"HH": "P_HH.tif"}).getroot()
    assert root.find(".//EGMReference").get("model") == "egm2008"
    assert root.find(".//EGMReference").text == "https://doi.org/10.1029/2011JB008916"
    assert root.find(".//BeamID").text == "F1 F2"
    assert root.find(".//IncAngleNearRange").text == "25.000"
    assert root.find(".//PerPixelMetadata/LocalIncAngle/FileName").text == "P_LIA.tif"
    assert root.find(".//EllipsoidIncAngle/ReferenceEllipsoid").text == "WGS84"
    assert root.find(".//ProductImageSize/NumberLines").text == "30"
    assert root.find(".//ProductImageSize/NumPixelsPerLine").text == "40"
    text = ET.tostring(root, encoding="unicode")
    assert "提供:JAXA" in text


def test_cog_copy_stops_when_cancelled(tmp_path):
    from palsar2_plugin.errors import Cancelled
    from palsar2_plugin.nrb.cog import TiledLayer, to_cog

    grid = snapped_grid("EPSG:32654", (0, 0, 25 * 600, 25 * 600), 25.0)
    layer = TiledLayer(str(tmp_path / "a.tif"), grid, "float32", float("nan"))
    layer.write(np.random.default_rng(0).random((600, 600), dtype=np.float32), 0, 0)
    layer.close()
    with pytest.raises(Cancelled):
        to_cog(str(tmp_path / "a.tif"), str(tmp_path / "b.tif"), is_cancelled=lambda: True)
    assert not (tmp_path / "b.tif").exists() and (tmp_path / "a.tif").exists()
    to_cog(str(tmp_path / "a.tif"), str(tmp_path / "b.tif"), is_cancelled=lambda: False)
    with rasterio.open(tmp_path / "b.tif") as ds:
        assert ds.overviews(1) == [2, 4] and ds.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"


def test_cog_overviews_are_the_mean_of_the_valid_pixels(tmp_path):
    """Our overviews (write_overviews): each level the mean of the valid pixels of 2 x 2 blocks of the
    level below (odd edges included), NaN or the no-data value excluded; NEAREST for masks."""
    from palsar2_plugin.nrb.cog import TiledLayer, overview_factors, to_cog

    assert overview_factors(4000, 4000) == [2, 4, 8, 16] and overview_factors(256, 200) == []
    rng = np.random.default_rng(3)
    h, w = 517, 601
    grid = snapped_grid("EPSG:32654", (0, 0, 25 * w, 25 * h), 25.0)
    values = rng.random((h, w), dtype=np.float32) + 0.5
    values[100:140, 200:260] = np.nan                          # a no-data hole
    values[3, 3] = np.nan                                      # one missing pixel of a block
    looks = np.where(np.isfinite(values), 4.0, 0.0).astype(np.float32)
    mask = (np.arange(h * w).reshape(h, w) % 7).astype(np.uint8)
    for name, array, nodata, resampling in (("g", values, float("nan"), "AVERAGE"), ("n", looks, 0.0, "AVERAGE"),
                                            ("m", mask, 0, "NEAREST")):
        layer = TiledLayer(str(tmp_path / f"{name}.tif"), grid, array.dtype.name, nodata)
        layer.write(array, 0, 0)
        layer.close()
        to_cog(str(tmp_path / f"{name}.tif"), str(tmp_path / f"{name}_cog.tif"), resampling=resampling)
    with rasterio.open(tmp_path / "g_cog.tif") as ds:
        assert ds.overviews(1) == [2, 4] and ds.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        level1 = ds.read(1, out_shape=(259, 301))
        level2 = ds.read(1, out_shape=(130, 151))
    padded = np.pad(values, ((0, 1), (0, 1)), constant_values=np.nan).reshape(259, 2, 301, 2)
    with warnings.catch_warnings():                           # all-NaN blocks: "Mean of empty slice"
        warnings.simplefilter("ignore", RuntimeWarning)
        expected1 = np.nanmean(padded, axis=(1, 3))
    np.testing.assert_allclose(level1, expected1, rtol=1e-6, equal_nan=True)
    assert np.isnan(level1[60, 110]) and np.isfinite(level1[1, 1])          # the hole stays; (3,3) does not
    assert level1[1, 1] == pytest.approx(float(np.nanmean(values[2:4, 2:4])), rel=1e-6)
    padded2 = np.pad(expected1, ((0, 1), (0, 1)), constant_values=np.nan).reshape(130, 2, 151, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected2 = np.nanmean(padded2, axis=(1, 3))
    np.testing.assert_allclose(level2, expected2, rtol=1e-6, equal_nan=True)
    with rasterio.open(tmp_path / "n_cog.tif") as ds:
        n1 = ds.read(1, out_shape=(259, 301))
    assert n1[60, 110] == 0.0 and n1[1, 1] == 4.0 and set(np.unique(n1)) == {0.0, 4.0}
    with rasterio.open(tmp_path / "m_cog.tif") as ds:
        np.testing.assert_array_equal(ds.read(1, out_shape=(259, 301)), mask[0::2, 0::2])


def test_overview_levels_are_the_same_compiled_and_with_numpy():
    """The compiled 2 x 2 mean (numba) gives the numpy reference's float32 bits, odd edges, holes and a
    no-data value included."""
    from palsar2_plugin import compiled
    from palsar2_plugin.nrb.cog import _halve

    if not compiled.enabled():
        pytest.skip("numba is not installed")
    rng = np.random.default_rng(5)
    for shape in ((517, 601), (64, 64), (1, 5), (3, 1)):
        values = rng.random(shape, dtype=np.float32)
        values[rng.random(shape) < 0.2] = np.nan
        looks = np.where(rng.random(shape) < 0.3, 0.0, values).astype(np.float32)
        for array, nodata in ((values, float("nan")), (looks, 0.0), (values, None)):
            got = _halve.compiled(array, "AVERAGE", nodata)
            ref = _halve.numpy(array, "AVERAGE", nodata)
            assert got.dtype == ref.dtype == np.float32 and got.shape == ref.shape
            assert np.array_equal(got, ref, equal_nan=True), (shape, nodata)
            if shape == (517, 601):                         # blocks with and without valid pixels
                missing = np.isnan(got) if nodata != 0.0 else got == 0.0
                assert missing.sum() > 0 and (~missing).sum() > 70000


def test_product_layers_are_deflate_cogs_with_their_predictors(tmp_path):
    """Every layer: a COG (DEFLATE, 256 blocks, overviews); the floating-point predictor on float
    layers but the piecewise-constant number of looks (none), horizontal differencing on the mask."""
    from osgeo import gdal

    grid = snapped_grid("EPSG:32654", (0, 0, 25 * 600, 25 * 520), 25.0)
    writer = NrbWriter(str(tmp_path), "P", grid, ["HH"])
    rng = np.random.default_rng(3)
    f = rng.random((520, 600), dtype=np.float32)
    looks = np.full((520, 600), 6.0, np.float32)
    looks[:, 300:] = 12.0
    writer.write_tile(TileLayers([f], np.ones((520, 600), np.uint8), f, f, f, f, looks, f), 0, 0)
    out = writer.finish(_info(grid))
    predictors = {}
    for key, path in [("HH", out["gamma0"]["HH"])] + [(k, out[k]) for k in naming.LAYER_SUFFIXES]:
        ds = gdal.Open(path)
        structure = ds.GetMetadata("IMAGE_STRUCTURE")
        band = ds.GetRasterBand(1)
        assert structure["COMPRESSION"] == "DEFLATE" and structure["LAYOUT"] == "COG", key
        assert band.GetBlockSize() == [256, 256] and band.GetOverviewCount() == 2, key
        predictors[key] = structure.get("PREDICTOR", "1")
        ds = None
    assert predictors.pop("number_of_looks") == "1" and predictors.pop("mask") == "2"
    assert set(predictors.values()) == {"3"}
    with rasterio.open(out["number_of_looks"]) as ds:
        assert ds.read(1)[0, 299] == 6.0 and ds.read(1)[519, 300] == 12.0


def test_large_products_compress_their_intermediate_layers_quickly(tmp_path, monkeypatch):
    """Above INTERMEDIATE_UNCOMPRESSED_BYTES the intermediate layers are ZSTD (or DEFLATE) at level 1
    with the predictor; the product's COGs hold the very values written."""
    from osgeo import gdal

    from palsar2_plugin.nrb import writer as writer_module
    from palsar2_plugin.nrb.cog import intermediate_codec

    monkeypatch.setattr(writer_module, "INTERMEDIATE_UNCOMPRESSED_BYTES", 1000)
    assert intermediate_codec() in ("ZSTD", "DEFLATE")
    grid = snapped_grid("EPSG:32654", (0, 0, 25 * 300, 25 * 260), 25.0)
    writer = NrbWriter(str(tmp_path), "P", grid, ["HH"])
    f = np.random.default_rng(4).gamma(4.0, 0.05, (260, 300)).astype(np.float32)
    f[:, :40] = np.nan
    writer.write_tile(TileLayers([f], np.ones((260, 300), np.uint8), f, f, f, f, f, f), 0, 0)
    layer = writer._layers["HH"]
    layer.close()
    structure = gdal.Open(layer.path).GetMetadata("IMAGE_STRUCTURE")
    assert structure["COMPRESSION"] == intermediate_codec() and structure.get("PREDICTOR") == "3"
    out = writer.finish(_info(grid))
    with rasterio.open(out["gamma0"]["HH"]) as ds:
        np.testing.assert_array_equal(ds.read(1), f)
