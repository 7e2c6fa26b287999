"""Repeat-pass simulation (``--repeat-of``): a stripmap pair over the Hakone DEM with a known truth.

The interferogram is formed here with *ideal* coregistration taken from the simulator's own scatterer
geometry (no estimation), so what is measured is the simulator itself: the interferometric phase is
the geometry's 4 pi (R_sec - R_ref) / lambda plus the deformation's -4 pi d / lambda, the coherence of
the speckle is the requested one (with the estimator's bias for the looks used), point targets carry
exactly their propagation phase, and the truth raster says so.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.image import ImageReader
from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
from palsar2_plugin.geometry.range_doppler import geo_to_radar, geolocate, radar_to_geo, zero_doppler_time
from palsar2_plugin.simulate import PointTarget, mode_spec, simulate_product
from palsar2_plugin.simulate.deformation import Uplift
from palsar2_plugin.simulate.dem_source import DemHeights
from palsar2_plugin.simulate.product import planned_scene
from palsar2_plugin.simulate.repeat import simulate_repeat, simulation_json_of
from palsar2_plugin.simulate.repeat_field import ReflectivityChain
from palsar2_plugin.simulate.repeat import _steps_from
from palsar2_plugin.simulate.scatterers import Acquisition, ScattererLattice
from palsar2_plugin.simulate.scene import plan_scene
from sample_data import HAKONE_DEM

DEM = HAKONE_DEM
SIZE = 384
UPLIFT = Uplift(35.362, 139.216, 0.25, 0.05)     # 5 cm peak, 250 m standard deviation
COHERENCE = 0.8
BPERP = 250.0


def read_slc(folder, beam=1, pol="HH"):
    scene = open_product(folder)
    image = scene.image(beam, pol)
    with ImageReader(image) as reader:
        return reader.samples(0, image.lines).astype(np.complex128), reader.records(0, image.lines)


def record_of(folder):
    return json.loads(simulation_json_of(folder).read_text())


def looks(x, n):
    r, c = (x.shape[0] // n) * n, (x.shape[1] // n) * n
    return x[:r, :c].reshape(r // n, n, c // n, n).sum(axis=(1, 3))


def interpolate(z, lines, pixels, half=16, beta=8.0):
    """Windowed-sinc interpolation of the band-limited image ``z`` at fractional positions (test's own)."""
    def w(x):
        u = x / half
        return np.where(np.abs(u) <= 1, np.sinc(x) * np.i0(beta * np.sqrt(np.clip(1 - u * u, 0, 1))) / np.i0(beta), 0)
    bl, bp = np.floor(lines).astype(int), np.floor(pixels).astype(int)
    out = np.zeros(lines.shape, complex)
    taps = range(-half + 1, half + 1)
    wl = [w(lines - (bl + i)) for i in taps]
    wp = [w(pixels - (bp + j)) for j in taps]
    for i, wi in zip(taps, wl):
        row = np.zeros(lines.shape, complex)
        for j, wj in zip(taps, wp):
            row += z[np.clip(bl + i, 0, z.shape[0] - 1), np.clip(bp + j, 0, z.shape[1] - 1)] * wj
        out += row * wi
    return out / (sum(wl) * sum(wp))


def expected_coherence_magnitude(g, n, trials=4000, seed=0):
    """E|sample coherence| of n independent looks at true coherence g (Monte Carlo; Touzi et al. 1999)."""
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((trials, n)) + 1j * rng.standard_normal((trials, n))) / np.sqrt(2)
    b = (rng.standard_normal((trials, n)) + 1j * rng.standard_normal((trials, n))) / np.sqrt(2)
    c = g * a + np.sqrt(1 - g * g) * b
    return float(np.mean(np.abs(np.sum(a * np.conj(c), 1)) / np.sqrt(np.sum(abs(a) ** 2, 1) * np.sum(abs(c) ** 2, 1))))


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pair")
    with DemHeights(str(DEM)) as dem:
        lat0, lon0 = dem.centre_lat_lon()
    scene = plan_scene(mode_spec("UBS"), lat0, lon0, lines=SIZE, pixels=SIZE)
    grid = scene.beams[0].grid
    # a point target on the terrain, and the uplift's centre, inside the image
    t_lat, t_lon = (float(v) for v in radar_to_geo(grid, scene.orbit, 120.3, 250.6, 700.0))
    reference = simulate_product(str(DEM), "UBS", tmp / "ref", lines=SIZE, pixels=SIZE, speckle="band-limited",
                                 seed=11, oversample_range=1, point_targets=[PointTarget(t_lat, t_lon, 700.0, 55.0)])
    u_lat, u_lon = (float(v) for v in radar_to_geo(grid, scene.orbit, 260.0, 150.0, 400.0))
    uplift = Uplift(u_lat, u_lon, UPLIFT.radius_km, UPLIFT.peak_m)
    secondary = simulate_repeat(reference, tmp / "sec", days=14, perpendicular_baseline_m=BPERP,
                                coherence=COHERENCE, uplifts=[uplift])
    return reference, secondary, uplift


def scatterer_geometry(reference, secondary, margin=40):
    """Ideal coregistration: the reference's samples as scatterers and where the secondary sees them."""
    ra, rb = record_of(reference), record_of(secondary)
    sa, sb = planned_scene(ra["plan"]), planned_scene(rb["plan"])
    ga, gb = sa.beams[0].grid, sb.beams[0].grid
    dem = DemHeights(ra["dem"], "egm96")
    lattice = ScattererLattice(Acquisition(sa.orbit, ga, is_root=True), dem, dem.ellipsoid_height_range(),
                               (-64, ga.lines + 64), (-64, ga.pixels + 64), [Acquisition(sb.orbit, gb)])
    lines, pixels = np.meshgrid(np.arange(margin, ga.lines - margin, dtype=float),
                                np.arange(margin, ga.pixels - margin, dtype=float), indexing="ij")
    s = lattice.evaluate(lines, pixels, [1])
    chain = ReflectivityChain(0, _steps_from(rb["repeat"]["steps"]), 1, 0)
    d = chain.displacement(s.lat, s.lon)
    return sa, sb, ga, gb, s, d, dem


def test_secondary_is_its_own_valid_product(pair):
    reference, secondary, _ = pair
    a, b = open_product(reference), open_product(secondary)
    assert a.scene_id != b.scene_id
    orbit_a, orbit_b = int(a.scene_id[5:10]), int(b.scene_id[5:10])
    assert orbit_b - orbit_a == 207                                       # same path, one repeat cycle later
    assert a.scene_id[10:14] == b.scene_id[10:14]                         # same frame
    assert (b.scene_centre_time_utc - a.scene_centre_time_utc).total_seconds() == pytest.approx(14 * 86400, abs=1e-3)
    assert (a.mode, a.look_side, a.pass_direction) == (b.mode, b.look_side, b.pass_direction)
    ib = b.image(1, "HH")
    plan = planned_scene(record_of(secondary)["plan"]).beams[0]
    assert ib.first_line_time_utc == plan.first_line_time_utc
    assert ib.slant_range_first_pixel_m == plan.grid.slant_range_first_m


def test_baseline_and_records(pair):
    reference, secondary, uplift = pair
    rec = record_of(secondary)["repeat"]
    assert rec["perpendicular_baseline_m"] == pytest.approx(BPERP, abs=0.01)
    assert rec["temporal_baseline_days"] == 14
    # independent check of B_perp: perpendicular to the reference look and velocity, from the orbits
    sa, sb = planned_scene(record_of(reference)["plan"]), planned_scene(record_of(secondary)["plan"])
    centre = geodetic_to_ecef(sa.centre_lat_deg, sa.centre_lon_deg, 0.0)
    t1, _ = zero_doppler_time(sa.orbit, centre, sa.beams[0].grid.mid_time_s)
    t2, _ = zero_doppler_time(sb.orbit, centre, sb.beams[0].grid.mid_time_s)
    m, v = sa.orbit.position_velocity(np.array([float(t1)]))
    s = sb.orbit.position(np.array([float(t2)]))[0]
    look = (centre - m[0]) / np.linalg.norm(centre - m[0])
    perp = np.cross(v[0] / np.linalg.norm(v[0]), look)
    assert abs(np.dot(s - m[0], perp)) == pytest.approx(BPERP, rel=2e-3)
    # height of ambiguity lambda R sin(theta) / (2 B_perp): hundreds of metres for L band
    assert 150 < rec["height_of_ambiguity_m"] < 400
    assert rec["steps"][-1]["deformation"]["uplifts"][0]["peak_m"] == uplift.peak_m


def test_interferogram_is_geometry_plus_deformation_at_the_requested_coherence(pair):
    reference, secondary, uplift = pair
    z1, _ = read_slc(reference)
    z2, _ = read_slc(secondary)
    sa, sb, ga, gb, s, d, _ = scatterer_geometry(reference, secondary)
    r_b, line_b, pixel_b = s.displaced(1, d)
    m = 40
    z1 = z1[m:-m, m:-m]
    z2i = interpolate(z2, line_b, pixel_b)
    lam = ga.wavelength_m
    geometric = 4 * np.pi * (s.acquisition[1]["range"] - ga.range_of_pixel(s.pixels)) / lam
    d_los = s.line_of_sight_m(1, d)
    ifg = z1 * np.conj(z2i) * np.exp(-1j * geometric)            # flat earth and topography removed
    # the deformation is what is left: its phase -4 pi d / lambda, 1.3 rad at the peak
    n = 8
    window = looks(ifg, n)
    coh = np.abs(window) / np.sqrt(looks(np.abs(z1) ** 2, n) * looks(np.abs(z2i) ** 2, n))
    residual = np.angle(looks(ifg * np.exp(1j * 4 * np.pi * d_los / lam), n))
    # leave out the looks around the point target (a bright scatterer on a 700 m mast, not on the DEM)
    target = record_of(reference)["point_targets"][0]["radar_positions"][0]
    far = np.ones(z1.shape, bool)
    tl, tp = int(target["line"]) - m, int(target["pixel"]) - m
    far[max(tl - 24, 0):tl + 24, max(tp - 24, 0):tp + 24] = False
    far = looks(far.astype(float), n) == n * n
    window, coh, residual = window[far], coh[far], residual[far]
    near_peak = (looks(d_los, n) / n ** 2)[far] > 0.8 * d_los.max()
    assert d_los.max() > 0.03
    assert np.angle(np.sum(window[near_peak])) == pytest.approx(
        -4 * np.pi * np.mean((looks(d_los, n) / n ** 2)[far][near_peak]) / lam, abs=0.05)
    assert abs(np.angle(np.sum(np.exp(1j * residual)))) < 0.01    # no bias
    centres = np.argwhere(far) * n
    ramp = np.linalg.lstsq(np.c_[centres, np.ones(len(centres))], residual, rcond=None)[0][:2]
    assert np.all(np.abs(ramp) * SIZE < 0.02)                       # no ramp: < 0.02 rad over the image
    # coherence: C times the (tiny) range spectral-shift loss, estimated with L independent looks
    independent = n * n * 0.7958 * 0.6958                            # kernels' independent fractions
    expected = expected_coherence_magnitude(COHERENCE * 0.9995, int(round(independent)))
    assert np.mean(coh) == pytest.approx(expected, abs=0.01)
    phase_std = np.sqrt((1 - COHERENCE ** 2) / (2 * independent * COHERENCE ** 2))
    assert np.std(residual) == pytest.approx(phase_std, rel=0.2)


def test_point_target_carries_its_propagation_phase(pair):
    reference, secondary, _ = pair
    ra, rb = record_of(reference), record_of(secondary)
    target_a = ra["point_targets"][0]["radar_positions"][0]
    target_b = rb["point_targets"][0]["radar_positions"][0]
    z1, _ = read_slc(reference)
    z2, _ = read_slc(secondary)
    la, pa = int(round(target_a["line"])), int(round(target_a["pixel"]))
    lb, pb = int(round(target_b["line"])), int(round(target_b["pixel"]))
    lam = 0.2424525
    # each image: the kernel is real and positive within half a sample of the peak, so the phase there is
    # exactly -4 pi R / lambda of the target's own range (R from the geometry, not from the image)
    sa, sb = planned_scene(ra["plan"]), planned_scene(rb["plan"])
    moved = rb["point_targets"][0]["displaced_to"]
    _, r_a, _, _ = geo_to_radar(sa.beams[0].grid, sa.orbit, ra["point_targets"][0]["lat_deg"],
                                ra["point_targets"][0]["lon_deg"], ra["point_targets"][0]["ellipsoid_height_m"])
    _, r_b, _, _ = geo_to_radar(sb.beams[0].grid, sb.orbit, moved["lat_deg"], moved["lon_deg"],
                                moved["ellipsoid_height_m"])

    def wrapped(x):
        return np.angle(np.exp(1j * x))
    assert abs(wrapped(np.angle(z1[la, pa]) + 4 * np.pi * float(r_a) / lam)) < 0.01
    assert abs(wrapped(np.angle(z2[lb, pb]) + 4 * np.pi * float(r_b) / lam)) < 0.01
    # the pair: arg(z1 conj(z2)) = 4 pi (R_sec - R_ref) / lambda, the secondary's range including the uplift
    assert abs(wrapped(np.angle(z1[la, pa] * np.conj(z2[lb, pb])) - 4 * np.pi * float(r_b - r_a) / lam)) < 0.01


def test_truth_raster(pair):
    reference, secondary, uplift = pair
    rec = record_of(secondary)["repeat"]
    path = secondary.parent / rec["truth_files"]["1"]
    with rasterio.open(path) as ds:
        assert ds.descriptions == ("los_displacement_m", "coherence", "coherence_temporal",
                                   "coherence_range_spectral", "coherence_azimuth")
        assert ds.dtypes[0] == "float32" and ds.count == 5
        assert "towards the satellite" in ds.tags()["LOS_CONVENTION"]
        assert "JAXA" in ds.tags()["TIFFTAG_COPYRIGHT"]
        los, coh, temporal, rng, az = (ds.read(b) for b in range(1, 6))
        # the truth is on the DEM's own cells
        with rasterio.open(DEM) as d:
            assert ds.transform.a == pytest.approx(d.transform.a) and ds.crs == d.crs
    covered = np.isfinite(coh)
    assert 0.3 < covered.mean() < 1.0                  # the small product covers part of the cropped grid
    assert np.nanmax(temporal) == pytest.approx(COHERENCE) and np.nanmin(temporal) == pytest.approx(COHERENCE)
    assert 0.995 < np.nanmin(rng) <= np.nanmax(rng) < 1.0  # spectral shift of a 250 m baseline at 84 MHz
    assert np.nanmin(az) > 0.999
    assert np.allclose(coh[covered], (temporal * rng * az)[covered], rtol=1e-6)
    # LOS displacement of a vertical uplift: peak x cos(incidence) near its centre
    peak = np.nanmax(los)
    incidence = np.radians(mode_spec("UBS").centre_incidence_deg)
    assert peak == pytest.approx(uplift.peak_m * np.cos(incidence), rel=0.05)
    assert np.nanmin(los) >= 0.0


def test_repeat_needs_a_band_limited_reference(tmp_path):
    white = simulate_product(None, "FBS", tmp_path / "w", lines=40, pixels=40, centre_lat_lon=(35.0, 139.0))
    with pytest.raises(Palsar2Error, match="band-limited"):
        simulate_repeat(white, tmp_path / "r")


def test_repeat_cycle_and_unrelated_track(tmp_path):
    ref = simulate_product(None, "UBS", tmp_path / "a", lines=64, pixels=64, centre_lat_lon=(35.0, 139.0),
                           speckle="band-limited")
    with pytest.raises(Palsar2Error, match="multiple of 14"):
        simulate_repeat(ref, tmp_path / "b", days=10)
    other = simulate_repeat(ref, tmp_path / "c", days=14, track_offset=2)
    a, c = open_product(ref), open_product(other)
    record = record_of(other)["unrelated_to"]
    assert record["track_offset_paths"] == 2
    assert abs(record["perpendicular_baseline_m"]) > 100e3           # hundreds of km: no interferometry
    assert (int(c.scene_id[5:10]) - int(a.scene_id[5:10])) % 207 != 0  # another path
    assert not list(tmp_path.glob("c/*.truth*.tif"))
