"""NRB reader: JAXA L2.2 / L2.1 recognition, calibration VRTs, bad inputs (no QGIS)."""

from __future__ import annotations
from sample_data import L22

import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio

from palsar2_plugin.nrb import jaxa_l22, reader, reader_layers, vrt
from palsar2_plugin.nrb.reader_model import KIND_JAXA_L21, KIND_JAXA_L22
from synthetic import jaxa_nrb

SUMMARY = L22 / "ALOS2437590500-220630_WWDR2.2GUA_summary.xml"
KML = L22 / "ALOS2437590500-220630-WWDR2.2GUA.kml"
STEM = "ALOS2437590500-220630_WWDR2.2GUA"
ROWS, COLS = 96, 128


def _arrays(seed: int = 0):
    rng = np.random.default_rng(seed)
    hh = rng.integers(1, 20000, (ROWS, COLS)).astype(np.uint16)
    hv = (hh // 4 + 1).astype(np.uint16)
    hh[:3, :] = 0                      # DN 0: no data
    mask = np.ones((ROWS, COLS), np.uint8)
    mask[:, :5] = 0                    # mask 0: no data
    mask[50:60, 50:60] = 4             # ocean
    mask[10:12, 100:104] = 2           # layover
    lia = rng.integers(1000, 8000, (ROWS, COLS)).astype(np.uint16)
    return hh, hv, mask, lia


@pytest.fixture()
def l22_product(tmp_path):
    hh, hv, mask, lia = _arrays()
    folder = tmp_path / STEM
    jaxa_nrb.write_l22_product(str(folder), {"HH": hh, "HV": hv}, mask, lia, str(SUMMARY), str(KML))
    return folder, hh, hv, mask, lia


def _expected_db(dn, mask=None):
    with np.errstate(divide="ignore"):
        out = 10 * np.log10(dn.astype(np.float64) ** 2) - 83.0
    bad = dn == 0
    if mask is not None:
        bad |= mask == 0
    return np.where(bad, np.nan, out)


def test_summary_xml_metadata():
    info = jaxa_l22.parse_summary_xml(SUMMARY.read_bytes(), str(SUMMARY))
    assert (info.scene_id, info.product_id, info.level) == ("ALOS2437590500-220630", "WWDR2.2GUA", "L2.2")
    assert (info.observation_mode, info.beam, info.pass_direction, info.look_side) == ("WWD", "W3", "Ascending", "Right")
    assert (info.path_number, info.frame_number) == (137, 500)
    assert info.incidence_near_deg == pytest.approx(45.153) and info.incidence_far_deg == pytest.approx(60.590)
    assert info.start_time.isoformat() == "2022-06-30T15:58:00.078000+00:00"
    assert info.end_time.isoformat() == "2022-06-30T15:58:56.442000+00:00"
    assert info.polarisations == ("HH", "HV") and info.epsg == 32651 and info.measurement == "gamma0"
    assert info.software == "EGAS-APR Ver.1.0.0"
    assert info.noise_equivalent_db == {"HH": -30.0, "HV": -32.5}
    abstract = info.abstract()
    for text in ("WWD", "beam W3", "ascending", "right-looking", "45.15°", "60.59°", "2022-06-30T15:58:00.078Z",
                 "EGAS-APR", "L2.2"):
        assert text in abstract
    assert info.short_name == "2022-06-30 P137 F500 WWD Asc (ALOS2437590500-220630 L2.2)"


@pytest.mark.parametrize("which", ["folder", "summary", "hh", "kml", "zip", "parent", "stac"])
def test_l22_recognised_from_any_entry_point(l22_product, tmp_path, which):
    folder = l22_product[0]
    shutil.copy(L22 / f"stactools_example_item_{STEM}.json", folder / f"{STEM}.json")
    if which == "zip":
        archive = tmp_path / f"{STEM}.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for file in folder.iterdir():
                zipped.write(file, f"{STEM}/{file.name}")
        path = archive
    else:
        path = {"folder": folder, "summary": folder / f"{STEM}_summary.xml", "hh": folder / f"{STEM}_HH_SLP.tif",
                "kml": folder / "ALOS2437590500-220630-WWDR2.2GUA.kml", "parent": tmp_path,
                "stac": folder / f"{STEM}.json"}[which]
    product = reader.open_product(str(path))
    assert product.kind == KIND_JAXA_L22 and product.name == STEM
    assert product.polarisations == ("HH", "HV")
    assert product.mask and product.local_incidence and product.metadata_file and product.footprint_file
    assert product.info.path_number == 137
    if which == "zip":
        assert product.backscatter["HH"].startswith("/vsizip/")
    grids = reader.validate_product(product, None, True, True)
    assert all(g.width == COLS and g.height == ROWS for g in grids.values())


def test_db_and_linear_vrts_equal_the_formula(l22_product, tmp_path):
    folder, hh, hv, mask, lia = l22_product
    product = reader.open_product(str(folder))
    out = tmp_path / "vrt"
    for pol, dn in (("HH", hh), ("HV", hv)):
        expected = _expected_db(dn, mask)
        with rasterio.open(vrt.backscatter_vrt(product, pol, "dB", str(out))) as dataset:
            got = dataset.read(1)
            assert dataset.units[0] == "dB" and dataset.tags(1)["PALSAR2_QUANTITY"] == "gamma0"
            assert "JAXA" in dataset.tags()["TIFFTAG_COPYRIGHT"]
        assert np.array_equal(np.isnan(got), np.isnan(expected))
        # GDAL >= 3.10 skips NoData sources of "mul" unless told otherwise: the mask would not mask
        masked_xml = open(os.path.join(str(out), f"{product.name}_{pol}_masked.vrt"), encoding="utf-8").read()
        assert masked_xml.count('propagateNoData="true"') == masked_xml.count("<PixelFunctionType>mul<") > 0
        rows, cols = np.nonzero(np.isfinite(expected))
        pick = np.random.default_rng(1).choice(len(rows), 200, replace=False)
        assert np.max(np.abs(got[rows[pick], cols[pick]] - expected[rows[pick], cols[pick]])) < 0.01
        assert got[20, 30] == pytest.approx(20 * np.log10(float(dn[20, 30])) - 83.0, abs=0.01)
        with rasterio.open(vrt.backscatter_vrt(product, pol, "linear", str(out))) as dataset:
            linear = dataset.read(1)
        assert np.nanmax(np.abs(10 * np.log10(linear) - expected)) < 0.01
    # ocean and layover stay in the display layer, are removed in the "valid only" one
    with rasterio.open(vrt.backscatter_vrt(product, "HH", "dB", str(out), valid_only=True)) as dataset:
        valid = dataset.read(1)
    assert np.isfinite(valid[55, 55]) is np.False_ and np.isnan(valid[11, 101])
    assert np.isfinite(valid[40, 40])


def test_vrt_keeps_geotiff_grid_not_xml(l22_product, tmp_path):
    """The XML's UL (374625, 3087000) is half a pixel off and its line/pixel counts swapped."""
    product = reader.open_product(str(l22_product[0]))
    path = vrt.backscatter_vrt(product, "HH", "dB", str(tmp_path / "vrt"))
    with rasterio.open(path) as dataset, rasterio.open(product.backscatter["HH"]) as original:
        assert dataset.transform == original.transform
        assert (dataset.transform.c, dataset.transform.f) == (374612.5, 3087012.5)
        assert (dataset.width, dataset.height) == (COLS, ROWS)
        assert dataset.crs.to_epsg() == 32651


def test_rgb_mask_and_lia_vrts(l22_product, tmp_path):
    folder, hh, hv, mask, lia = l22_product
    product = reader.open_product(str(folder))
    with rasterio.open(vrt.rgb_vrt(product, "dB", str(tmp_path))) as dataset:
        rgb = dataset.read()
    assert rgb.shape == (3, ROWS, COLS)
    assert np.nanmax(np.abs(rgb[2] - (_expected_db(hh, mask) - _expected_db(hv, mask)))) < 0.01
    with rasterio.open(vrt.rgb_vrt(product, "linear", str(tmp_path))) as dataset:
        ratio = dataset.read(3)
    assert np.nanmax(np.abs(10 * np.log10(ratio) - (_expected_db(hh, mask) - _expected_db(hv, mask)))) < 0.01
    with rasterio.open(vrt.mask_vrt(product, str(tmp_path))) as dataset:
        assert dataset.nodata == 0 and dataset.read(1)[55, 55] == 4
        assert dataset.colormap(1)[1][:3] == vrt.MASK_COLOURS[1]
    with rasterio.open(vrt.lia_vrt(product, str(tmp_path))) as dataset:
        angle = dataset.read(1)
        assert dataset.units[0] == "deg"
    assert angle[40, 40] == pytest.approx(lia[40, 40] * 0.01, abs=1e-4)
    assert np.isnan(angle[40, 2])   # mask 0


def test_overviews_are_exposed_for_large_scenes(tmp_path):
    dn = np.full((1200, 1100), 1000, np.uint16)
    folder = tmp_path / "big"
    jaxa_nrb.write_l22_product(str(folder), {"HH": dn}, np.ones(dn.shape, np.uint8))
    product = reader.open_product(str(folder))
    with rasterio.open(vrt.backscatter_vrt(product, "HH", "dB", str(tmp_path / "vrt"))) as dataset:
        with rasterio.open(product.backscatter["HH"]) as original:
            assert dataset.overviews(1) == original.overviews(1) and len(dataset.overviews(1)) >= 2
    with rasterio.open(vrt.backscatter_vrt(product, "HH", "dB", str(tmp_path / "vrt")), overview_level=1) as ovr:
        assert ovr.width == 275 and ovr.read(1)[10, 10] == pytest.approx(-23.0, abs=0.01)


def test_l21_product_is_sigma0_same_formula(tmp_path):
    rng = np.random.default_rng(5)
    dn = rng.integers(0, 9000, (40, 50)).astype(np.uint16)
    summary = ('Img_SceneStartDateTime="20240811 02:35:01.250"\nImg_SceneEndDateTime="20240811 02:35:11.250"\n'
               'Lbi_ProcessFacility="EICS"\n')
    jaxa_nrb.write_l21_product(str(tmp_path / "l21"), {"HH": dn, "HV": dn}, summary_txt=summary)
    product = reader.open_product(str(tmp_path / "l21" / "IMG-HV-ALOS2551802860-240811-UBSR2.1GUD.tif"))
    assert product.kind == KIND_JAXA_L21 and product.info.measurement == "sigma0"
    assert product.info.pass_direction == "Descending" and product.info.observation_mode == "UBS"
    assert product.info.start_time.isoformat() == "2024-08-11T02:35:01.250000+00:00"
    with rasterio.open(vrt.backscatter_vrt(product, "HH", "dB", str(tmp_path / "vrt"))) as dataset:
        got = dataset.read(1)
        assert dataset.tags(1)["PALSAR2_QUANTITY"] == "sigma0"
    expected = _expected_db(dn)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    assert np.nanmax(np.abs(got - expected)) < 0.01


def test_build_product_layers_names_and_roles(l22_product, tmp_path):
    folder = l22_product[0]
    built = reader_layers.build_product_layers(str(folder), str(tmp_path / "out"), ["HH", "HV"], "dB", "grey")
    assert len(built) == 1
    roles = [(layer.role, layer.polarisation) for layer in built[0].layers]
    assert roles == [("backscatter", "HH"), ("backscatter", "HV"), ("lia", ""), ("mask", "")]
    assert built[0].layers[0].name == "2022-06-30 P137 F500 HH γ⁰ [dB]"
    assert built[0].group_name.startswith("2022-06-30 P137 F500")
    rgb = reader_layers.build_product_layers(str(folder), str(tmp_path / "rgb"), None, "linear", "rgb", False, False)
    assert [layer.role for layer in rgb[0].layers] == ["rgb"]


# -------------------------------------------------------------------------------------------
# bad inputs: clear errors, nothing written
# -------------------------------------------------------------------------------------------

def test_folder_without_product(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(reader.ProductNotFoundError, match="No PALSAR-2 NRB product found"):
        reader.find_products(str(tmp_path))


def test_missing_hv_is_reported_before_anything_is_written(l22_product, tmp_path):
    folder = l22_product[0]
    os.remove(folder / f"{STEM}_HV_SLP.tif")
    out = tmp_path / "out"
    with pytest.raises(reader.ProductIncompleteError, match="no HV backscatter.*holds HH"):
        reader_layers.build_product_layers(str(folder), str(out), ["HH", "HV"])
    with pytest.raises(reader.ProductIncompleteError, match="RGB style needs"):
        reader_layers.build_product_layers(str(folder), str(out), None, "dB", "rgb")
    assert not out.exists()


def test_corrupted_geotiff(l22_product, tmp_path):
    folder = l22_product[0]
    hv = folder / f"{STEM}_HV_SLP.tif"
    data = hv.read_bytes()
    hv.write_bytes(data[: len(data) // 2])           # truncated download
    out = tmp_path / "out"
    with pytest.raises(reader.ProductRasterError, match="HV_SLP.tif cannot be read.*download the product again"):
        reader_layers.build_product_layers(str(folder), str(out))
    hv.write_bytes(b"II*\x00garbage" * 10)            # not a TIFF at all
    with pytest.raises(reader.ProductRasterError, match="cannot be read"):
        reader_layers.build_product_layers(str(folder), str(out))
    assert not out.exists()


def test_summary_that_is_not_xml(l22_product, tmp_path):
    folder = l22_product[0]
    (folder / f"{STEM}_summary.xml").write_text("<Product><unclosed>")
    with pytest.raises(jaxa_l22.SummaryXmlError, match="is not valid XML"):
        reader.find_products(str(folder))
    with pytest.raises(jaxa_l22.SummaryXmlError, match="is not valid XML"):
        reader.find_products(str(folder / f"{STEM}_summary.xml"))


def test_grid_mismatch_between_rasters(l22_product, tmp_path):
    folder = l22_product[0]
    jaxa_nrb.write_cog(str(folder / f"{STEM}_MSK.tif"), np.ones((ROWS, COLS), np.uint8),
                             origin=(374637.5, 3087012.5))
    product = reader.open_product(str(folder))
    with pytest.raises(reader.ProductRasterError, match="not on the same pixel grid"):
        reader.validate_product(product, None, with_mask=True)


def test_real_jaxa_mask_sample_reads_through_vrt(tmp_path):
    """The real MSK sample (16234 x 15916, no NoData tag) gets NoData 0 and its grid from the GeoTIFF."""
    folder = tmp_path / "real"
    folder.mkdir()
    shutil.copy(L22 / f"{STEM}_MSK.tif", folder)
    shutil.copy(SUMMARY, folder / f"{STEM}_summary.xml")
    product = reader.open_product(str(folder))
    assert product.backscatter == {} and product.mask.endswith("_MSK.tif")
    with pytest.raises(reader.ProductIncompleteError, match="no backscatter GeoTIFF"):
        reader.validate_product(product)
    with rasterio.open(vrt.mask_vrt(product, str(tmp_path / "vrt"))) as dataset:
        assert (dataset.width, dataset.height) == (16234, 15916)
        assert (dataset.transform.c, dataset.transform.f) == (374612.5, 3087012.5)
        assert dataset.nodata == 0
        assert len(dataset.overviews(1)) == 6
