"""ScanSAR (full-aperture) pairs through the whole interferogram chain: the burst synchronisation is
measured from the line prefixes and reported; a pair whose bursts overlap too little is refused with the
measured overlap before any work; a synchronised pair is processed.

One beam (F1 of WBS: bursts of 358 lines every 2086) of 4600 lines x 128 pixels over the real Hakone DEM,
repeated 14 days later (B_perp 100 m, temporal coherence 0.9) with its bursts on time, and again 60 ms
late (0.134 s bursts: 55 % overlap)."""

import json

import numpy as np
import pytest

from insar_pairs import layers_with_truth
from palsar2_plugin.ceos import open_product
from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.insar.driver import make_interferogram
from palsar2_plugin.simulate import simulate_product
from palsar2_plugin.simulate.bursts import WD1_BURSTS
from palsar2_plugin.simulate.dem_source import DemHeights
from palsar2_plugin.simulate.repeat import simulate_repeat
from sample_data import HAKONE_DEM

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

LINES, PIXELS = 4600, 128
COHERENCE = 0.9
LATE_MS = 60.0


@pytest.fixture(scope="module")
def scansar(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scansar_ifg")
    with DemHeights(str(HAKONE_DEM)) as dem:
        centre = dem.centre_lat_lon()
    reference = simulate_product(str(HAKONE_DEM), "WBS", tmp / "ref", lines=LINES, pixels=PIXELS,
                                 centre_lat_lon=centre, speckle="band-limited", seed=4, beams=(1,))
    on_time = simulate_repeat(reference, tmp / "sync", days=14, perpendicular_baseline_m=100.0, coherence=COHERENCE)
    late = simulate_repeat(reference, tmp / "late", days=14, perpendicular_baseline_m=100.0, coherence=COHERENCE,
                           burst_offset_ms=LATE_MS)
    return tmp, reference, on_time, late


def test_bursts_overlapping_too_little_are_refused_with_the_measured_overlap(scansar):
    tmp, reference, _, late = scansar
    length_lines, _ = WD1_BURSTS[1]
    scene = open_product(reference)
    expected = 100 * (1 - LATE_MS / 1000 / (length_lines * scene.radar_grid(1, scene.orbit()).line_interval_s))
    with pytest.raises(Palsar2Error, match=r"Beam 1: the bursts of the two acquisitions overlap by only (\d+) %") as e:
        make_interferogram(str(reference), str(late), str(HAKONE_DEM), str(tmp / "refused"))
    measured = float(str(e.value).split("overlap by only ")[1].split(" %")[0])
    assert measured == pytest.approx(expected, abs=2)
    assert "choose another archive date" in str(e.value)
    assert not [p for p in (tmp / "refused").iterdir()]                   # nothing left behind


def test_synchronised_pair_is_processed_and_its_synchronisation_reported(scansar):
    tmp, reference, on_time, _ = scansar
    result = make_interferogram(str(reference), str(on_time), str(HAKONE_DEM), str(tmp / "out"), pixel_size_m=50.0)
    meta = json.loads(open(result["metadata"]).read())
    sync = meta["beams_detail"]["1"]["burst_synchronisation"]
    assert sync["fraction"] == pytest.approx(1.0, abs=0.01)
    coherence, phase, truth = layers_with_truth(result["coherence"], result["phase"],
                                                next(on_time.parent.glob("*.truth-F1.tif")))
    valid = np.isfinite(coherence) & np.isfinite(truth["coherence"])
    assert valid.sum() > 200
    # the truth is the population coherence (0.87 here: temporal 0.9 x range spectral); the estimate on the
    # looks sits a little above it (the estimator's bias: measured 0.882)
    assert float(np.mean(coherence[valid])) == pytest.approx(float(np.mean(truth["coherence"][valid])), abs=0.03)
    # no deformation: the phase is flat once orbits and terrain are removed (measured mean -0.0005 rad,
    # spread 0.08 rad)
    assert abs(float(np.angle(np.mean(np.exp(1j * phase[valid]))))) < 0.02
    assert float(np.std(np.angle(np.exp(1j * phase[valid])))) < 0.2
