"""The whole interferogram chain on a simulated stripmap product over the real Hakone DEM.

The secondary is the reference's data on a repeat orbit 14 days later with its first-line time
misstated by 0.3 line (as a timing error in real metadata): the geometric model then puts the
secondary 0.3 line off, and the cross-correlation refinement must find that offset to a hundredth
of a pixel; the data being identical, the interferogram must then be flat (phase 0) and coherent (1).
Refusals: an unrelated pair (another track), another polarisation, another look side.
"""

import json
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
import rasterio

from insar_pairs import HAKONE_DEM
from palsar2_plugin.ceos import open_product
from palsar2_plugin.insar.driver import make_interferogram
from palsar2_plugin.insar.pair import InsarPairError, check_pair
from palsar2_plugin.simulate import simulate_product

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

TIMING_ERROR_LINES = 0.3


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = simulate_product(str(HAKONE_DEM), "FBS", tmp_path_factory.mktemp("sim"), lines=1000, pixels=900, seed=1)
    return open_product(folder)


def repeat_of(scene, days=14.0, line_error=0.0, cross_track_m=0.0, **changes):
    shift = timedelta(days=days)
    vectors = []
    for v in scene.state_vectors:
        p = np.asarray(v.position_m)
        vel = np.asarray(v.velocity_m_s)
        right = np.cross(vel, p)
        right /= np.linalg.norm(right)
        vectors.append(replace(v, time_utc=v.time_utc + shift, position_m=tuple(p + cross_track_m * right)))
    images = tuple(replace(im, first_line_time_utc=im.first_line_time_utc + shift
                           + timedelta(seconds=line_error * im.line_interval_s)) for im in scene.images)
    return replace(scene, state_vectors=tuple(vectors), images=images,
                   scene_centre_time_utc=scene.scene_centre_time_utc + shift,
                   scene_id=scene.scene_id[:-6] + (scene.scene_centre_time_utc + shift).strftime("%y%m%d"), **changes)


def test_coregistration_refinement_and_flat_interferogram(reference, tmp_path):
    secondary = repeat_of(reference, line_error=TIMING_ERROR_LINES)
    messages = []
    result = make_interferogram(reference, secondary, str(HAKONE_DEM), str(tmp_path),
                                progress=lambda f, m: messages.append(m))
    meta = json.loads(open(result["metadata"]).read())
    beam = meta["beams_detail"]["1"]
    offset = beam["coregistration_offset"]
    # the geometric model is 0.3 line off; the refinement recovers it within 0.01 px
    assert offset["line_coefficients"][0] == pytest.approx(TIMING_ERROR_LINES, abs=0.01)
    assert offset["pixel_coefficients"][0] == pytest.approx(0.0, abs=0.01)
    assert abs(beam["coregistration_residual_line_px"]) < 0.005
    assert offset["chips_used"] >= 20
    with rasterio.open(result["phase"]) as ds:
        phase = ds.read(1)
        assert ds.tags()["JAXA_ATTRIBUTION"].startswith("Data provided by JAXA")
        assert ds.overviews(1) or max(ds.width, ds.height) <= 256
    with rasterio.open(result["coherence"]) as ds:
        coh = ds.read(1)
    valid = np.isfinite(phase)
    assert valid.mean() > 0.3
    assert np.nanstd(phase) < 0.01 and abs(np.nanmean(phase)) < 0.005
    assert np.nanmean(coh) > 0.999
    for key in ("backscatter", "mask", "incidence_angle", "local_incidence_angle", "look_angle"):
        assert result[key].endswith(".tif")
    assert meta["temporal_baseline_days"] == pytest.approx(14.0, abs=1e-6)
    assert abs(meta["perpendicular_baseline_m"]) < 1.0
    assert meta["attribution"]["credit"] == "Data provided by JAXA"
    stac = json.loads(open(result["stac"]).read())
    assert stac["properties"]["start_datetime"] == meta["reference"]["acquisition_time_utc"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]      # no partial or work folder left


def test_unrelated_pair_is_refused(reference):
    other_track = repeat_of(reference, cross_track_m=150e3)
    with pytest.raises(InsarPairError, match="same (area and )?track"):
        check_pair(reference, other_track)
    with pytest.raises(InsarPairError, match="look to different sides"):
        check_pair(reference, repeat_of(reference, look_side="left"))
    with pytest.raises(InsarPairError, match="Polarisation HV is not in both"):
        check_pair(reference, repeat_of(reference), "HV")
    with pytest.raises(InsarPairError, match="different passes"):
        check_pair(reference, repeat_of(reference, pass_direction="ascending"))


def test_compiled_formation_matches_numpy(reference):
    """The one-pass compiled tile (positions from the sub-grid, resampling, phase removal, multilook) gives
    the numpy pipeline's sums, with an affine correction and a Doppler-centred secondary."""
    from palsar2_plugin.ceos.image import ImageReader
    from palsar2_plugin.insar.formation import BeamSources, SecondaryWindow, form_tile
    from palsar2_plugin.insar.geometry_model import CoregistrationGeometry
    from palsar2_plugin.insar.xcorr import OffsetFit
    from palsar2_plugin.rtc.dem import DemSource

    secondary = repeat_of(reference, line_error=0.3, cross_track_m=150.0)
    orbit, sec_orbit = reference.orbit(), secondary.orbit()
    rg, sg = reference.radar_grid(1, orbit), secondary.radar_grid(1, sec_orbit)
    dem = DemSource(str(HAKONE_DEM), "egm96")
    try:
        geometry = CoregistrationGeometry(orbit, rg, sec_orbit, sg, dem)
        sources = BeamSources(reference.image(1, "HH"), secondary.image(1, "HH"), rg, sg, reference.wavelength_m, 0.07)
        correction = OffsetFit(1, 500.0, 400.0, (0.2, 0.05, -0.03), (-0.1, 0.02, 0.04), 0.0, 0.0, 0.0, 0.0, 20, 20)
        with ImageReader(sources.ref_image) as ref_reader, ImageReader(sources.sec_image) as sec_reader:
            window = SecondaryWindow(sec_reader, sg.lines, sg.pixels)
            args = (sources, geometry, (4, 3), ref_reader, window, correction, 200, 520, 90, 690)
            expected = form_tile.numpy(*args)
            got = form_tile.compiled(*args)
    finally:
        dem.close()
    assert np.count_nonzero(expected[1]) > 0.9 * expected[1].size
    for e, g in zip(expected, got):
        assert e.shape == g.shape and e.dtype == g.dtype
        np.testing.assert_allclose(g, e, rtol=2e-5, atol=1e-3 * float(np.abs(e).max()) * 1e-3)
