"""L1.5: 16-bit amplitude lines behind the 192-byte processed prefix, the L1.5 calibration formula and
the map georeferencing, on a copy of the real JAXA sample whose image files get a few real line records."""

from sample_data import CEOS_L15
import shutil
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
import rasterio

from palsar2_plugin.ceos import layouts as L
from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.export import export_product
from palsar2_plugin.ceos.image import ImageReader, iter_multilooked_intensity
from palsar2_plugin.ceos.linerecords import line_dtype
from palsar2_plugin.errors import Palsar2Error

SAMPLE = CEOS_L15
STEM = "ALOS2015976960-140909-FBDR1.5GUA"
LINES, PIXELS = 16, 12
DN = 14125   # DN^2 * 10^(-83/10) = 0.99997: sigma0 = 0 dB


def _image_with_lines(fdr: bytes, pol: str) -> bytes:
    values = L.IMAGE_FDR.parse(fdr, "sample")
    reclen = 192 + 2 * PIXELS
    values.update(number_of_records=LINES, number_of_lines=LINES, number_of_pixels=PIXELS, record_length=reclen,
                  data_bytes=2 * PIXELS)
    rec = np.zeros(LINES, dtype=line_dtype(L.PROCESSED_PREFIX, 192, PIXELS, "IU2"))
    k = np.arange(LINES)
    rec["sequence"] = k + 2
    rec["subtype1"], rec["record_type"], rec["subtype2"], rec["subtype3"] = L.CODES_PROCESSED
    rec["record_length"] = reclen
    rec["line_number"] = k + 1
    rec["data_pixels"] = PIXELS
    rec["year"], rec["day_of_year"] = 2014, 252
    rec["milliseconds_of_day"] = 16422052 + k          # 04:33:42.052 + k ms
    rec["prf"] = 2122318
    rec["slant_range_first"] = 790123
    rec["latitudes"] = np.array([-10679439, -10679000, -10678340])
    rec["longitudes"] = np.array([-62900521, -62500000, -62165080])
    rec["transmit_polarisation"], rec["receive_polarisation"] = 0, (0 if pol == "HH" else 1)
    rec["samples"] = DN if pol == "HH" else DN // 10
    return L.IMAGE_FDR.build(values, sequence=1) + rec.tobytes()


@pytest.fixture(scope="module")
def l15(tmp_path_factory):
    folder = tmp_path_factory.mktemp("l15") / "product"
    shutil.copytree(SAMPLE, folder)
    for pol in ("HH", "HV"):
        path = folder / f"IMG-{pol}-{STEM}"
        data = _image_with_lines(path.read_bytes(), pol)
        path.chmod(0o644)
        path.write_bytes(data)
    return open_product(folder)


def test_l15_line_prefix_and_samples(l15):
    im = l15.image(1, "HV")
    assert (im.lines, im.pixels, im.sample_format, im.prefix_bytes) == (LINES, PIXELS, "IU2", 192)
    assert im.first_line_time_utc == datetime(2014, 9, 9, 4, 33, 42, 52000, tzinfo=timezone.utc)
    assert im.slant_range_first_pixel_m == 790123.0
    assert im.prf_hz == pytest.approx(2122.318, abs=1e-3)       # stripmap: PRF of the leader
    with ImageReader(im) as r:
        rec = r.records(0, LINES)
        assert rec["samples"].dtype == np.dtype(">u2") and int(rec["samples"][3, 5]) == DN // 10
        assert rec["latitudes"][0].tolist() == [-10679439, -10679000, -10678340]   # signed


def test_l15_calibration_and_map_grid(l15, tmp_path):
    ml = np.concatenate([b for _, b in iter_multilooked_intensity(l15.image(1, "HH"), 4, 3)])
    assert ml.shape == (4, 4) and np.all(ml == np.float32(DN) ** 2)
    res = export_product(l15, tmp_path, looks_az=4, looks_rg=3)
    with rasterio.open(res.rasters[0]) as ds:
        assert ds.crs.to_epsg() == 32720
        x0, y0 = 510879.0839 - 3.125, 8819462.993 + 3.125
        assert tuple(ds.transform)[:6] == pytest.approx((18.75, 0.0, x0, 0.0, -25.0, y0))
        hh = ds.read(1)
    assert np.allclose(10 * np.log10(hh), 0.0, atol=0.01)       # sigma0 = 10 log10 <DN^2> + CF
    with rasterio.open(res.rasters[1]) as ds:
        assert np.allclose(10 * np.log10(ds.read(1)), 20 * np.log10((DN // 10) / DN), atol=0.01)
    with pytest.raises(Palsar2Error, match="L1.5 products give sigma0 only"):
        export_product(l15, tmp_path / "g", looks_az=4, looks_rg=3, calibration="gamma0")


def test_sample_attitude_and_facility_records():
    from palsar2_plugin.ceos.reader import parse_leader
    led = parse_leader((SAMPLE / f"LED-{STEM}").read_bytes(), "LED")
    att = led["attitude"]
    assert att["number_of_points"] == 22 and att["day_of_year"][0] == 252
    assert att["milliseconds_of_day"][:2] == (16415743, 16416743)
    assert att["pitch"][0] == pytest.approx(-6.481708e-02) and att["roll"][0] == pytest.approx(-30.19494)
    assert [len(r) + 16 for r in led["facility_raw"]] == [325000, 511000, 3072, 728000]
    assert b"ALDSEF" in led["facility_raw"][1][:200]          # determined ephemeris (facility 2)
