"""Export of calibrated radar-geometry GeoTIFFs, footprints and metadata (core of palsar2:readceos)."""

import json
import math

import numpy as np
import pytest
import rasterio

from palsar2_plugin import attribution
from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.export import default_looks, ellipsoid_incidence, export_product
from synthetic.ceos_products import example_description, random_blocks
from palsar2_plugin.ceos.writer import write_product
from palsar2_plugin.errors import Palsar2Error

POWER = 10 ** 11.5   # <I^2+Q^2> giving sigma0 = 0 dB with CF = -83


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    desc = example_description("WBD", lines=96, pixels=40, beams=[2, 4])
    sizes = {b.beam: (b.lines, b.pixels) for b in desc.beams}
    folder = tmp_path_factory.mktemp("export") / "product"
    write_product(folder, desc, lambda b, p: random_blocks(*sizes[b], seed=b, power=POWER * (1 if p == "HH" else 0.1)))
    return open_product(folder), desc


def test_export_sigma0_and_metadata(scene, tmp_path):
    s, desc = scene
    res = export_product(s, tmp_path, looks_az=8, looks_rg=4, polarisations=["HV"])
    assert [p.rsplit("/", 1)[1] for p in res.rasters] == [
        f"{s.scene_id}-{s.product_id}-F2-HV-sigma0.tif", f"{s.scene_id}-{s.product_id}-F4-HV-sigma0.tif"]
    with rasterio.open(res.rasters[1]) as ds:
        assert ds.dtypes == ("float32",) and ds.shape == (desc.beams[1].lines // 8, desc.beams[1].pixels // 4)
        a = ds.read(1)
        assert abs(10 * math.log10(a.mean()) - (-10.0)) < 0.3      # HV power 0.1 x -> -10 dB
        gcps, crs = ds.gcps
        assert crs.to_epsg() == 4326 and len(gcps) >= 4
        tags = ds.tags()
        for k, v in attribution.geotiff_tags().items():
            assert tags[k] == v
        assert tags["QUANTITY"] == "sigma0" and tags["BEAM"] == "4"
    # GCP of the first pixel centre lies next to JAXA-style corner of the beam
    g0 = gcps[0]
    assert (g0.row, g0.col) == (0.5, 0.5)
    md = json.loads(open(res.metadata).read())
    assert md["scene_id"] == s.scene_id and md["calibration_factor_db"] == -83.0
    assert md["scene_centre_time_utc"] == "2022-09-16T21:43:30.123000Z"
    assert len(md["orbit_state_vectors"]) == 28
    assert md["orbit_state_vectors"][0]["time_utc"].endswith("Z")
    assert md["orbit_state_vectors"][0]["position_m"] == list(s.state_vectors[0].position_m)
    b = md["beams"][0]
    assert (b["beam"], b["lines"], b["pixels"]) == (2, desc.beams[0].lines, desc.beams[0].pixels)
    assert b["first_line_time_utc"] == desc.beams[0].first_line_time_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert b["prf_hz"] == pytest.approx(desc.beams[0].prf_hz) and b["slant_range_first_pixel_m"] == \
        desc.beams[0].near_range_m
    assert md["attribution"]["credit"] == attribution.CREDIT_EN
    fp = json.loads(open(res.footprints).read())
    assert [f["properties"]["beam"] for f in fp["features"]] == [2, 4]
    ring = fp["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 65
    lons, lats = zip(*ring)
    assert 36.9 < min(lons) < max(lons) < 37.1 and 37.1 < min(lats) < max(lats) < 37.3
    assert not list(tmp_path.glob("*.part"))


def test_gamma0_beta0_use_ellipsoid_incidence(scene, tmp_path):
    s, desc = scene
    sig = export_product(s, tmp_path / "s", beams=[2], polarisations=["HH"], looks_az=8, looks_rg=4)
    gam = export_product(s, tmp_path / "g", beams=[2], polarisations=["HH"], looks_az=8, looks_rg=4,
                         calibration="gamma0")
    bet = export_product(s, tmp_path / "b", beams=[2], polarisations=["HH"], looks_az=8, looks_rg=4,
                         calibration="beta0")
    read = [rasterio.open(r.rasters[0]).read(1) for r in (sig, gam, bet)]
    inc = ellipsoid_incidence(s, 2, [47.5], [(40 + 2) // 2])[0]   # beam 2 is 42 pixels wide
    assert 30 < inc < 40
    ratio_g = np.median(read[1] / read[0])
    ratio_b = np.median(read[2] / read[0])
    assert ratio_g == pytest.approx(1 / math.cos(math.radians(inc)), rel=0.01)
    assert ratio_b == pytest.approx(1 / math.sin(math.radians(inc)), rel=0.01)


def test_default_looks_square_25m(scene):
    s, _ = scene
    az, rg = default_looks(s, 2)
    assert rg == 2                      # 8.58 m slant / sin(~35 deg) = ~15 m ground -> 2 looks
    assert 8 <= az <= 14               # ~7 km/s ground speed / 3314 Hz = ~2 m -> ~12 looks


def test_bad_selection(scene, tmp_path):
    s, _ = scene
    with pytest.raises(Palsar2Error, match=r"beams \[1\] are not in"):
        export_product(s, tmp_path, beams=[1])
    with pytest.raises(Palsar2Error, match="polarisations"):
        export_product(s, tmp_path, polarisations=["VV"])
    with pytest.raises(Palsar2Error, match="smaller than"):
        export_product(s, tmp_path, looks_az=1000, looks_rg=1)
    assert not list(tmp_path.glob("*.tif")) and not list(tmp_path.glob("*.part"))
