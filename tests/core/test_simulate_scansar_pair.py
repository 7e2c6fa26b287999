"""Repeat passes of ScanSAR products: raw burst timing in the line prefixes, burst-gapped spectra and
the coherence a burst offset leaves, with ideal coregistration from the simulator's own geometry."""

import json
from datetime import datetime, timezone

import numpy as np
import pytest
import rasterio

from palsar2_plugin.ceos import open_product
from palsar2_plugin.geometry.range_doppler import radar_to_geo
from palsar2_plugin.simulate import PointTarget, mode_spec, simulate_product
from palsar2_plugin.simulate.scene import plan_scene
from palsar2_plugin.simulate.bursts import WD1_BURSTS
from palsar2_plugin.simulate.product import planned_scene
from palsar2_plugin.simulate.repeat import simulate_repeat, simulation_json_of
from palsar2_plugin.simulate.scatterers import Acquisition, ScattererLattice

from test_simulate_repeat import interpolate, read_slc

pytestmark = pytest.mark.slow

CENTRE = (35.3, 139.2)
LINES, PIXELS = 4600, 40
OFFSET_MS = 40.0
COHERENCE = 0.9


def record_of(folder):
    return json.loads(simulation_json_of(folder).read_text())


@pytest.fixture(scope="module")
def scansar_pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scansar")
    reference = simulate_product(None, "WBS", tmp / "a", lines=LINES, pixels=PIXELS, centre_lat_lon=CENTRE,
                                 speckle="band-limited", seed=2, beams=(1, 4))
    secondary = simulate_repeat(reference, tmp / "b", perpendicular_baseline_m=300.0, coherence=COHERENCE,
                                burst_offset_ms=OFFSET_MS)
    return reference, secondary


def test_line_prefixes_give_the_raw_bursts(scansar_pair):
    reference, _ = scansar_pair
    scene = open_product(reference)
    assert scene.beams == (1, 4)
    record = record_of(reference)
    bursts = {b["beam"]: b["bursts"] for b in record["speckle_model"]["beams"]}
    planned = {b.number: b for b in planned_scene(record["plan"]).beams}
    for beam in scene.beams:
        image = scene.image(beam, "HH")
        _, rec = read_slc(reference, beam)
        in_burst, number = rec["line_in_burst"].astype(int), rec["burst_number"].astype(int)
        length, cycle = WD1_BURSTS[beam]
        assert image.lines_per_burst == length == in_burst.max()
        assert bursts[beam]["cycle_lines"] == pytest.approx(cycle, abs=0.01)
        starts = np.nonzero(in_burst == 1)[0]
        # a raw burst starts within the line interval before each line whose line-in-burst is 1
        first = datetime.strptime(bursts[beam]["first_burst_start_utc"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=timezone.utc)
        exact = ((first - planned[beam].first_line_time_utc).total_seconds() * image.prf_hz) % bursts[beam]["cycle_lines"]
        exact = exact + bursts[beam]["cycle_lines"] * np.arange(len(starts))
        assert len(starts) >= 1 and np.all((starts - exact >= 0) & (starts - exact < 1))
        # each burst transmits for exactly its length, then 0 (gap); the number counts cycles
        for s in starts:
            if s + length <= image.lines:
                assert np.array_equal(in_burst[s:s + length], np.arange(1, length + 1))
                assert np.all(number[s:s + length] == number[s])
        assert np.all(np.diff(number) >= 0) and np.all(np.diff(number) <= 1)
        assert image.number_of_bursts == number.max() - number.min() + 1


def test_burst_offset_leaves_the_synchronised_band(scansar_pair):
    """Measured coherence (ideal coregistration, 128 x 8 looks) = truth (temporal x range spectral x burst
    overlap); the burst term is about 1 - offset / burst length, and the processor-side burst
    synchronisation read from the prefixes (palsar2_plugin.insar) agrees with the record."""
    from palsar2_plugin.insar.bursts import beam_burst_sync

    reference, secondary = scansar_pair
    ra, rb = record_of(reference), record_of(secondary)
    sa, sb = planned_scene(ra["plan"]), planned_scene(rb["plan"])
    sync = {s["beam"]: s for s in rb["repeat"]["burst_synchronisation"]}
    a_scene, b_scene = open_product(reference), open_product(secondary)
    for k, beam in enumerate((1, 4)):
        ga, gb = sa.beams[k].grid, sb.beams[k].grid
        length, _ = WD1_BURSTS[beam]
        expected_sync = 1 - OFFSET_MS / 1000 / (length / sa.beams[k].spec.prf_hz)
        assert sync[beam]["synchronised_fraction"] == pytest.approx(expected_sync, abs=1e-6)
        measured_sync = beam_burst_sync(a_scene, b_scene, beam, "HH", a_scene.orbit(), b_scene.orbit())
        assert measured_sync.fraction == pytest.approx(expected_sync, abs=0.01)
        z1, _ = read_slc(reference, beam)
        z2, _ = read_slc(secondary, beam)
        lattice = ScattererLattice(Acquisition(sa.orbit, ga, is_root=True), None, (0.0, 0.0), (-64, ga.lines + 64),
                                   (-64, ga.pixels + 64), [Acquisition(sb.orbit, gb)])
        m = 12
        lines, pixels = np.meshgrid(np.arange(m, ga.lines - m, dtype=float), np.arange(m, ga.pixels - m, dtype=float),
                                    indexing="ij")
        s = lattice.evaluate(lines, pixels, [1]).acquisition[1]
        z2i = interpolate(z2, s["line"], s["pixel"])
        ifg = z1[m:-m, m:-m] * np.conj(z2i) * np.exp(-4j * np.pi * (s["range"] - ga.range_of_pixel(pixels))
                                                     / ga.wavelength_m)

        def looks(x, nl=128, nr=8):
            r, c = (x.shape[0] // nl) * nl, (x.shape[1] // nr) * nr
            return x[:r, :c].reshape(r // nl, nl, c // nr, nr).sum(axis=(1, 3))
        coh = np.abs(looks(ifg)) / np.sqrt(looks(np.abs(z1[m:-m, m:-m]) ** 2) * looks(np.abs(z2i) ** 2))
        with rasterio.open(secondary.parent / rb["repeat"]["truth_files"][str(beam)]) as ds:
            truth = ds.read(2)
            burst_truth = ds.read(5)
        assert np.nanmean(burst_truth) == pytest.approx(expected_sync, abs=0.03)   # + the along-track Doppler shift
        assert np.mean(coh) == pytest.approx(np.nanmean(truth), abs=0.025)
        assert np.nanmean(truth) < COHERENCE * expected_sync + 0.03
        assert abs(np.angle(np.sum(looks(ifg)))) < 0.05


def test_point_target_spectrum_is_burst_gapped(tmp_path):
    """A point target's azimuth spectrum holds exactly the Doppler bands f whose raw times t0 + f / K_a
    fell in a burst (within the processed band): the model a processor's common-band filter needs."""
    from palsar2_plugin.simulate.bursts import BurstTiming, fm_rate_interpolator

    scene = plan_scene(mode_spec("WBS"), *CENTRE, lines=2500, pixels=PIXELS)
    lat, lon = (float(v) for v in radar_to_geo(scene.beams[0].grid, scene.orbit, 1250.3, 20.2, 0.0))
    reference = simulate_product(None, "WBS", tmp_path, lines=2500, pixels=PIXELS, centre_lat_lon=CENTRE,
                                 speckle="band-limited", seed=2, beams=(1,), gamma0_db={"HH": -60.0},
                                 point_targets=[PointTarget(lat, lon, 0.0, 60.0)])
    record = record_of(reference)
    scene = planned_scene(record["plan"])
    beam = scene.beams[0]
    target = record["point_targets"][0]["radar_positions"][0]
    assert target["beam"] == 1
    z, _ = read_slc(reference, 1)
    column = z[:, int(round(target["pixel"]))]
    prf = beam.spec.prf_hz
    spectrum = np.abs(np.fft.fft(column)) ** 2
    f = np.fft.fftfreq(len(column), 1.0 / prf)
    b = record["speckle_model"]["beams"][0]["bursts"]
    timing = BurstTiming(1, prf, b["burst_length_lines"], b["cycle_s"],
                         datetime.strptime(b["first_burst_start_utc"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                             tzinfo=timezone.utc))
    ka = float(fm_rate_interpolator(scene.orbit, beam.grid, (beam.grid.lines - 1) / 2)(target["pixel"]))
    t0 = target["line"] / prf
    in_band = np.abs(f) < 0.45 * record["speckle_model"]["beams"][0]["azimuth_kernel"]["bandwidth_hz"]
    kept = timing.gate(t0 + f / ka, beam.first_line_time_utc) > 0
    bright = spectrum > 0.1 * np.median(spectrum[in_band & kept])
    agree = np.mean(bright[in_band] == kept[in_band])
    assert agree > 0.95
    # bands |K_a| T_b wide, |K_a| T_c apart: a few of them across the band
    assert 0.12 < np.mean(kept[in_band]) < 0.25
