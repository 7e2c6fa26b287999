"""The reader recognises NRB products written by this plugin (naming + summary XML of palsar2_plugin.nrb)."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from palsar2_plugin.nrb import naming, reader, vrt
from palsar2_plugin.nrb.metadata_xml import write_summary_xml
from palsar2_plugin.nrb.reader_model import KIND_OWN_NRB
from synthetic import jaxa_nrb

NAME = naming.product_name("ALOS2471852900-230217", "WBS", "right", "descending")
ORIGIN = (300000.0, 4100000.0)


def _info():
    return {"start_time": "2023-02-17T09:31:02.000Z", "end_time": "2023-02-17T09:31:58.000Z", "mode": "WBS",
            "polarisations": ["HH"], "look_side": "right", "pass_direction": "descending", "beams": [1, 2, 3],
            "source_product_id": "ALOS2471852900-230217_WBSR1.1__D", "processing_time": "2026-11-25T15:00:00Z",
            "software_version": "palsar2_plugin 0.1.0", "pixel_size_m": 25.0, "epsg": 32637, "crs_wkt": "",
            "bounds": (300000.0, 4098500.0, 302000.0, 4100000.0), "centre_lon_lat": (36.8, 37.0),
            "shape": (60, 80), "incidence_near_far": (28.0, 43.5),
            "footprint_wkt": "Polygon ((36.7 37.0, 36.9 37.0, 36.9 36.9, 36.7 36.9, 36.7 37.0))"}


@pytest.fixture()
def own_product(tmp_path):
    folder = tmp_path / NAME
    rng = np.random.default_rng(2)
    power = rng.uniform(0.001, 0.5, (60, 80)).astype(np.float32)
    power[0, :] = np.nan
    mask = np.ones((60, 80), np.uint8)
    mask[:, :4] = 0
    lia = np.full((60, 80), 33.25, np.float32)
    jaxa_nrb.write_cog(str(folder / naming.gamma0_file(NAME, "HH")), power, ORIGIN, epsg=32637)
    jaxa_nrb.write_cog(str(folder / naming.layer_file(NAME, "mask")), mask, ORIGIN, epsg=32637)
    jaxa_nrb.write_cog(str(folder / naming.layer_file(NAME, "local_incidence")), lia, ORIGIN, epsg=32637)
    files = {key: naming.layer_file(NAME, key) for key in naming.LAYER_SUFFIXES}
    write_summary_xml(str(folder / naming.metadata_file(NAME)), _info(), files, {"HH": naming.gamma0_file(NAME, "HH")})
    return folder, power, mask


def test_own_product_recognised_with_metadata(own_product):
    folder, power, mask = own_product
    for path in (folder, folder / naming.metadata_file(NAME), folder / naming.gamma0_file(NAME, "HH")):
        product = reader.open_product(str(path))
        assert product.kind == KIND_OWN_NRB and product.name == NAME
        assert product.polarisations == ("HH",)
    info = product.info
    assert (info.level, info.scene_id, info.product_id) == ("NRB", "ALOS2471852900-230217", "WBSRNRBD")
    assert info.pass_direction == "Descending" and info.look_side == "Right"
    assert info.incidence_near_deg == pytest.approx(28.0)
    assert info.start_time.isoformat() == "2023-02-17T09:31:02+00:00"
    assert "plugin" in info.producer


def test_own_product_vrts(own_product, tmp_path):
    folder, power, mask = own_product
    product = reader.open_product(str(folder))
    reader.validate_product(product, ["HH"], True, True)
    expected = np.where(mask == 0, np.nan, 10 * np.log10(power.astype(np.float64)))
    with rasterio.open(vrt.backscatter_vrt(product, "HH", "dB", str(tmp_path / "v"))) as dataset:
        got = dataset.read(1)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    assert np.nanmax(np.abs(got - expected)) < 0.01
    with rasterio.open(vrt.backscatter_vrt(product, "HH", "linear", str(tmp_path / "v"))) as dataset:
        linear = dataset.read(1)
    assert np.nanmax(np.abs(linear - np.where(mask == 0, np.nan, power))) < 1e-7
    with rasterio.open(vrt.lia_vrt(product, str(tmp_path / "v"))) as dataset:
        assert dataset.read(1)[10, 10] == pytest.approx(33.25)
