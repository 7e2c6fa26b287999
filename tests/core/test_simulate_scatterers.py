"""The scatterer geometry of repeat passes against the exact solvers, and the compiled kernels of the
band-limited speckle against their numpy references."""

import numpy as np
import pytest
from datetime import timedelta

from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
from palsar2_plugin.geometry.range_doppler import geolocate, zero_doppler_time
from palsar2_plugin.simulate import mode_spec
from palsar2_plugin.simulate.dem_source import DemHeights
from palsar2_plugin.simulate.scatterers import Acquisition, ScattererLattice, evaluate_points
from palsar2_plugin.simulate.scene import plan_scene
from palsar2_plugin.simulate.speckle_field import pull_azimuth, pull_range, white_field
from palsar2_plugin.simulate.speckle_kernel import SpeckleKernel

from sample_data import HAKONE_DEM


@pytest.fixture(scope="module")
def lattice():
    dem = DemHeights(str(HAKONE_DEM))
    lat0, lon0 = dem.centre_lat_lon()
    spec = mode_spec("UBS")
    ref = plan_scene(spec, lat0, lon0, lines=3000, pixels=3000)
    sec = plan_scene(spec, lat0, lon0, lines=3000, pixels=3000, centre_time_utc=ref.centre_time_utc + timedelta(days=14),
                     centre_incidence_deg=spec.centre_incidence_deg + 0.02)
    g1, g2 = ref.beams[0].grid, sec.beams[0].grid
    lat = ScattererLattice(Acquisition(ref.orbit, g1, is_root=True), dem, dem.ellipsoid_height_range(),
                           (-100, 3100), (-100, 3100), [Acquisition(sec.orbit, g2)])
    yield lat, ref, sec, dem
    dem.close()


def test_scatterers_sit_on_the_dem_where_the_orbits_say(lattice):
    lat, ref, sec, dem = lattice
    g1, g2 = ref.beams[0].grid, sec.beams[0].grid
    rng = np.random.default_rng(3)
    lines, pixels = rng.uniform(0, 2999, 5000), rng.uniform(0, 2999, 5000)
    s = lat.evaluate(lines, pixels, [1])
    on_dem = np.abs(s.h - dem.ellipsoid_heights(s.lat, s.lon))
    assert np.percentile(on_dem, 98) < 1e-3               # off the surface only in layover (a few points)
    la, lo = geolocate(ref.orbit, g1.time_of_line(lines), g1.range_of_pixel(pixels), s.h, "right")
    assert np.max(np.abs(la - s.lat)) * 111e3 < 0.02 and np.max(np.abs(lo - s.lon)) * 91e3 < 0.02   # metres
    t2, r2 = zero_doppler_time(sec.orbit, geodetic_to_ecef(la, lo, s.h), g2.mid_time_s)
    a = s.acquisition[1]
    assert np.max(np.abs(r2 - a["range"])) < 1e-4                                   # 0.1 mm
    assert np.max(np.abs(g2.line_of_time(t2) - a["line"])) < 1e-4
    assert np.max(np.abs(g2.pixel_of_range(r2) - a["pixel"])) < 1e-4
    # a point moved by 1 m east/north/up: range and position change as the derivatives say
    from palsar2_plugin.geometry.ellipsoid import enu_basis
    e, n, u = enu_basis(la[:50], lo[:50])
    d = np.array([0.3, -0.2, 1.5])
    moved = geodetic_to_ecef(la[:50], lo[:50], s.h[:50]) + d[0] * e + d[1] * n + d[2] * u
    t3, r3 = zero_doppler_time(sec.orbit, moved, g2.mid_time_s)
    rr, ll, pp = s.displaced(1, np.broadcast_to(d, (5000, 3)))
    assert np.max(np.abs(r3 - rr[:50])) < 1e-4
    assert np.max(np.abs(g2.line_of_time(t3) - ll[:50])) < 1e-4


def test_compiled_and_numpy_evaluation_agree(lattice):
    lat = lattice[0]
    rng = np.random.default_rng(4)
    lines, pixels = rng.uniform(0, 2999, 3000), rng.uniform(0, 2999, 3000)
    fields = [("lat", lat.nodes), ("lon", lat.nodes), ("dem_col", lat.nodes), ("dem_row", lat.nodes),
              ("range", lat.acquisition_nodes[1]), ("pixel", lat.acquisition_nodes[1])]
    stack = lat._stack(fields)
    kl, _ = lat._weights(lines, lat.line_nodes, lat.stride[0])
    kp, _ = lat._weights(pixels, lat.pixel_nodes, lat.stride[1])
    from palsar2_plugin.simulate.scatterers import _DemWindow
    window = _DemWindow(lat.dem, stack[2, :, kl.min():kl.max() + 2, kp.min():kp.max() + 2],
                        stack[3, :, kl.min():kl.max() + 2, kp.min():kp.max() + 2])
    h1, v1 = evaluate_points.compiled(lat, lines, pixels, stack, window)
    h2, v2 = evaluate_points.numpy(lat, lines, pixels, stack, window)
    converged = np.abs(h1 - h2) < 1e-3
    assert converged.mean() > 0.98
    assert np.max(np.abs(v1[4] - v2[4])[converged]) < 1e-6


def test_compiled_and_numpy_pulls_agree():
    kernel = SpeckleKernel(0.4)
    field = white_field(1, 1, 0, 0, (-20, 300), (-20, 300))
    positions = np.arange(0, 250)[:, None] + 0.37 + 0.013 * np.arange(280)[None, :]
    positions[3, 5] = np.nan
    a = pull_azimuth.compiled(field, -20, positions, kernel)
    b = pull_azimuth.numpy(field, -20, positions, kernel)
    assert np.max(np.abs(a - b)) < 1e-12 and a[3, 5] == 0
    rows = np.ascontiguousarray(positions[:, :250] - 0.37)
    assert np.max(np.abs(pull_range.compiled(field, -20, rows, kernel) - pull_range.numpy(field, -20, rows, kernel))) < 1e-12
    # the pull is the band-limited field itself: a direct sum over all scatterers gives the same
    i, j = 40, 30
    direct = np.sum(field[:, j] * kernel(positions[i, j] - np.arange(-20, 300)))
    assert abs(a[i, j] - direct) < 2e-4 * np.sqrt(np.mean(np.abs(a) ** 2))
    with pytest.raises(ValueError):
        pull_azimuth.compiled(field, -20, positions + 100, kernel)       # outside: refused, never read


def test_kernel_spectrum_and_spectral_coherence():
    kernel = SpeckleKernel(0.4)
    # flat to 0.1 dB well inside the band, -55 dB beyond it
    assert abs(20 * np.log10(kernel.response(0.3) / kernel.response(0.0))) < 0.1
    assert 20 * np.log10(abs(kernel.response(0.47)) / kernel.response(0.0)) < -55
    assert kernel.independent_fraction == pytest.approx(0.8, abs=0.01)
    # a white field shifted by df keeps the common part of the spectra: measured = formula
    n = 1 << 16
    rng = np.random.default_rng(5)
    u = (rng.standard_normal(n) + 1j * rng.standard_normal(n)) / np.sqrt(2)
    taps = kernel(np.arange(-16, 17))
    for df in (0.02, 0.1, 0.3):
        a = np.convolve(u, taps, "same")
        b = np.convolve(u * np.exp(2j * np.pi * df * np.arange(n)), taps, "same") * np.exp(-2j * np.pi * df * np.arange(n))
        measured = abs(np.vdot(a, b)) / np.sqrt(np.vdot(a, a).real * np.vdot(b, b).real)
        assert measured == pytest.approx(float(kernel.spectral_coherence(df)), abs=0.01)
