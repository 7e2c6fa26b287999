"""Accuracy of the interferogram chain against the simulator's truth, on a repeat pass over the real
Hakone DEM (tests/data: 0-1670 m of relief).

The pair: a UBS (3 m stripmap) product with band-limited speckle, and its repeat 14 days later from an
orbit 250 m away (perpendicular baseline; 213 m of height per topographic fringe, so the terrain
makes many fringes), temporal coherence 0.8, and a Gaussian uplift of 8 cm (400 m standard deviation)
under the scene. ``palsar2:interferogram``'s chain (geometric coregistration refined by
cross-correlation, resampling, flat-earth and topographic phase removal, 5 x 4 looks, geocoding at
10 m, SNAPHU) is compared, pixel by pixel on its map grid, with the truth raster the simulator wrote
(line-of-sight displacement and the coherence an ideal processor measures). Figures asserted here are
in the README and the commit that added this file.
"""

from __future__ import annotations

import numpy as np
import pytest
import rasterio

from palsar2_plugin.insar.driver import make_interferogram
from palsar2_plugin.insar.looks import expected_coherence
from palsar2_plugin.insar.pair import InsarPairError
from palsar2_plugin.insar.unwrap import snaphu_available
from palsar2_plugin.simulate import simulate_product
from palsar2_plugin.simulate.deformation import Uplift
from palsar2_plugin.simulate.repeat import simulate_repeat
from insar_pairs import layers_with_truth, planned_point
from sample_data import HAKONE_DEM

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

SIZE = 800
COHERENCE = 0.8
BPERP = 250.0
PEAK_M = 0.08
LOOKS = (5, 4)
PIXEL_M = 10.0
#: independent samples per look: the simulator's band-limited kernels (processed azimuth and range
#: bandwidths over the sampling rates, as tests/core/test_simulate_repeat.py measures them)
INDEPENDENT_FRACTION = 0.7958 * 0.6958


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("accuracy")
    u_lat, u_lon = planned_point("UBS", SIZE, SIZE, SIZE * 0.55, SIZE * 0.45, 400.0)
    reference = simulate_product(str(HAKONE_DEM), "UBS", tmp / "ref", lines=SIZE, pixels=SIZE, speckle="band-limited",
                                 seed=11)
    secondary = simulate_repeat(reference, tmp / "sec", days=14, perpendicular_baseline_m=BPERP, coherence=COHERENCE,
                                uplifts=[Uplift(u_lat, u_lon, 0.4, PEAK_M)])
    return reference, secondary, tmp


@pytest.fixture(scope="module")
def product(pair):
    reference, secondary, tmp = pair
    result = make_interferogram(str(reference), str(secondary), str(HAKONE_DEM), str(tmp / "out"), looks=LOOKS,
                                pixel_size_m=PIXEL_M, goldstein_alpha=0.0, unwrap=snaphu_available())
    coherence, phase, truth = layers_with_truth(result["coherence"], result["phase"],
                                                next(secondary.parent.glob("*.truth.tif")))
    valid = np.isfinite(coherence) & np.isfinite(truth["los_displacement_m"]) & np.isfinite(truth["coherence"])
    return result, coherence, phase, truth, valid


def test_coregistration_residual_is_hundredths_of_a_pixel(product):
    result, *_ = product
    beam = result["info"]["beams_detail"]["1"]
    offset = beam["coregistration_offset"]
    # the geometric model alone is right (the simulator's secondary has no timing error): the
    # cross-correlation finds nothing left to correct, and its last update is far below 0.01 px
    assert abs(offset["line_coefficients"][0]) < 0.02 and abs(offset["pixel_coefficients"][0]) < 0.02
    assert abs(beam["coregistration_residual_line_px"]) < 0.005
    assert abs(beam["coregistration_residual_pixel_px"]) < 0.005
    assert beam["coregistration_scatter_line_px"] < 0.03 and beam["coregistration_scatter_pixel_px"] < 0.03
    assert result["info"]["perpendicular_baseline_m"] == pytest.approx(BPERP, abs=1.0)


def test_residual_phase_has_no_bias_and_no_ramp(product):
    """Phase minus the truth's deformation phase: what the orbits and the terrain leave behind."""
    result, coherence, phase, truth, valid = product
    wavelength = result["info"]["wavelength_m"]
    deformation_phase = -4 * np.pi * truth["los_displacement_m"] / wavelength
    residual = np.angle(np.exp(1j * (phase - deformation_phase)))[valid]
    mean = float(np.angle(np.mean(np.exp(1j * residual))))
    centred = np.angle(np.exp(1j * (residual - mean)))
    rows, cols = np.nonzero(valid)
    design = np.c_[cols * PIXEL_M / 1000, rows * PIXEL_M / 1000, np.ones(rows.size)]
    ramp = np.linalg.lstsq(design, centred, rcond=None)[0][:2]
    assert valid.sum() > 25000
    assert abs(mean) < 0.02                                        # rad (measured 0.002)
    assert np.all(np.abs(ramp) < 0.01)                             # rad per km (measured 0.001)
    # spread: the phase noise of the looks at coherence 0.8 (Cramer-Rao, before the map's interpolation)
    independent = LOOKS[0] * LOOKS[1] * INDEPENDENT_FRACTION
    crb = float(np.mean(np.sqrt((1 - truth["coherence"][valid] ** 2) /
                                (2 * independent * truth["coherence"][valid] ** 2))))
    assert 0.4 * crb < float(np.std(centred)) < 1.0 * crb          # measured 0.10 rad against 0.16


def test_coherence_against_the_truth_for_the_looks(product):
    _, coherence, _, truth, valid = product
    independent = LOOKS[0] * LOOKS[1] * INDEPENDENT_FRACTION
    table = np.linspace(0.0, 0.999, 400)
    expected = np.interp(truth["coherence"][valid], table, [expected_coherence(g, independent) for g in table])
    error = coherence[valid] - expected
    assert float(np.mean(truth["coherence"][valid])) == pytest.approx(COHERENCE, abs=0.01)
    assert abs(float(np.mean(error))) < 0.01                       # bias (measured -0.001)
    assert float(np.std(error)) < 0.07                             # spread (measured 0.048)


@pytest.mark.skipif(not snaphu_available(), reason="snaphu has no wheel for this platform")
def test_uplift_displacement_after_unwrapping_in_centimetres(product):
    result, _, _, truth, valid = product
    with rasterio.open(result["displacement"]) as ds:
        displacement = ds.read(1)
    ok = valid & np.isfinite(displacement)
    error_cm = 100 * (displacement - truth["los_displacement_m"])[ok]
    error_cm -= np.median(error_cm)               # unwrapped displacement is relative: one constant
    peak = float(np.nanmax(truth["los_displacement_m"][ok]))
    assert peak > 0.06                                             # 8 cm up, seen at 35 degrees: 6.5 cm LOS
    assert float(np.sqrt(np.mean(error_cm ** 2))) < 0.5            # cm rms (measured 0.22)
    assert float(np.percentile(np.abs(error_cm), 99)) < 1.5        # cm; no fringe (12 cm) lost
    near_peak = ok & (truth["los_displacement_m"] > 0.8 * peak)
    assert float(np.mean(displacement[near_peak] - np.median(displacement[ok] - truth["los_displacement_m"][ok]))) \
        == pytest.approx(float(np.mean(truth["los_displacement_m"][near_peak])), abs=0.005)


def test_unrelated_pair_is_refused(pair):
    reference, _, tmp = pair
    other = simulate_repeat(reference, tmp / "other", days=14, track_offset=1)
    with pytest.raises(InsarPairError, match="not a repeat pass of the same track") as error:
        make_interferogram(str(reference), str(other), str(HAKONE_DEM), str(tmp / "refused"))
    assert "km from the reference's" in str(error.value)
    assert not (tmp / "refused").exists() or not any((tmp / "refused").iterdir())
