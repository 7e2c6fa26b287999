"""The zero-Doppler solver of geometry/ (numpy and compiled), radar coordinates of many points,
and geocoding a radar raster onto a map grid."""

from __future__ import annotations

import numpy as np
import pytest

from palsar2_plugin import compiled
from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
from palsar2_plugin.geometry.orbit_polynomial import OrbitPolynomial
from palsar2_plugin.geometry.range_doppler import geo_to_radar, zero_doppler_time
from palsar2_plugin.geometry.zero_doppler import azimuth_spacing_factor, radar_coordinates, seed_times
from palsar2_plugin.geometry.zero_doppler import solve as zero_doppler
from synthetic.rtc_geometry import circular_orbit


@pytest.fixture(scope="module")
def orbit():
    return circular_orbit(36.0, 138.5)


@pytest.fixture(scope="module")
def poly(orbit):
    return OrbitPolynomial.fit(orbit.position_velocity_acceleration, -60.0, 60.0)


def _points(shape=(120, 150)):
    lat, lon = np.meshgrid(np.linspace(36.1, 35.9, shape[0]), np.linspace(138.38, 138.62, shape[1]), indexing="ij")
    h = 800 + 600 * np.sin(lat * 200) * np.cos(lon * 150)
    xyz = geodetic_to_ecef(lat, lon, h)
    return xyz, (xyz[..., 0], xyz[..., 1], xyz[..., 2])


def test_orbit_polynomial_matches_hermite_orbit(orbit, poly):
    t = np.linspace(-55, 55, 23)
    pos, vel, acc = orbit.position_velocity_acceleration(t)
    (px, py, pz), (vx, vy, vz), (ax, ay, az) = poly.state(t)
    assert np.abs(np.stack([px, py, pz], -1) - pos).max() < 1e-4          # m
    assert np.abs(np.stack([vx, vy, vz], -1) - vel).max() < 1e-6          # m/s
    assert np.abs(np.stack([ax, ay, az], -1) - acc).max() < 1e-6          # m/s^2
    local = poly.local(-2.0, 3.0)
    (lx, _, _), _, _ = local.state(np.array([-2.0, 0.5, 3.0]))
    (gx, _, _), _, _ = poly.state(np.array([-2.0, 0.5, 3.0]))
    assert np.abs(lx - gx).max() < 1e-5


def test_zero_doppler_matches_geometry_module(orbit, poly):
    xyz, pts = _points()
    seeds = seed_times(pts, poly)
    sol = zero_doppler(pts, poly, seeds)
    t_ref, r_ref = zero_doppler_time(orbit, xyz[::7, ::7], 0.0)
    assert np.abs(sol.time_s[::7, ::7] - t_ref).max() < 1e-7            # s (< 1 mm along track)
    assert np.abs(sol.slant_range_m[::7, ::7] - r_ref).max() < 1e-3     # m
    # the seeded solve agrees with an unseeded one
    plain = zero_doppler(pts, poly)
    assert np.abs(plain.time_s - sol.time_s).max() < 1e-7


def test_azimuth_spacing_factor_is_the_ground_speed_of_the_zero_doppler_point(poly):
    xyz, pts = _points((3, 3))
    sol = zero_doppler(pts, poly)
    factor = azimuth_spacing_factor(pts, sol)
    # move each point 10 m along the satellite velocity: its time changes by 10 / factor
    v = np.stack(sol.sat_velocity, -1)
    v_hat = v / np.linalg.norm(v, axis=-1, keepdims=True)
    moved = xyz + 10.0 * v_hat
    sol2 = zero_doppler((moved[..., 0], moved[..., 1], moved[..., 2]), poly)
    np.testing.assert_allclose(sol2.time_s - sol.time_s, 10.0 / factor, rtol=1e-4)
    assert np.all((factor > 6000) & (factor < 7500))   # m/s, ~0.9 |V| at 628 km altitude


@pytest.mark.skipif(not compiled.numba_importable(), reason="numba does not import here")
def test_compiled_solver_is_the_numpy_solver(poly):
    xyz, pts = _points((40, 50))
    pts = tuple(np.array(c) for c in pts)
    pts[0][3, 4] = np.nan
    guess = seed_times(pts, poly)
    a = zero_doppler.numpy(pts, poly, guess)
    b = zero_doppler.compiled(pts, poly, guess)
    np.testing.assert_allclose(b.time_s, a.time_s, rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(b.slant_range_m, a.slant_range_m, rtol=0, atol=1e-6, equal_nan=True)
    for u, v in zip(b.sat_velocity + b.sat_position, a.sat_velocity + a.sat_position):
        np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-6, equal_nan=True)
    assert np.isnan(b.time_s[3, 4]) and np.isnan(a.time_s[3, 4])


def test_radar_coordinates_of_many_points_are_geo_to_radar(orbit):
    """A second acquisition's view of DEM points: line and pixel in its radar grid, as geo_to_radar
    (on the Hermite orbit) gives them, from a polynomial and seeded first guesses."""
    from palsar2_plugin.geometry.radar_grid import RadarGrid

    grid = RadarGrid(-20.0, 1 / 2000.0, 700e3, 4.29, 80000, 30000, "right", 0.229)
    lat, lon = np.meshgrid(np.linspace(36.1, 35.9, 60), np.linspace(138.38, 138.62, 70), indexing="ij")
    h = 500 + 300 * np.cos(lat * 90)
    t, r, line, pixel = radar_coordinates(grid, orbit, lat, lon, h)
    t_ref, r_ref, line_ref, pixel_ref = geo_to_radar(grid, orbit, lat, lon, h)
    assert np.abs(line - line_ref).max() < 1e-3 and np.abs(pixel - pixel_ref).max() < 1e-3
    assert np.abs(r - r_ref).max() < 1e-3                                # metres


def test_geocoding_a_radar_raster_puts_each_map_pixel_where_the_radar_saw_it(orbit):
    from affine import Affine
    from pyproj import Transformer

    from palsar2_plugin.geometry.geocode import geocode_raster
    from palsar2_plugin.geometry.radar_grid import RadarGrid

    x0, y0 = Transformer.from_crs("EPSG:4326", "EPSG:32654", always_xy=True).transform(138.5, 36.0)
    transform = Affine(100.0, 0.0, x0 - 5000.0, 0.0, -100.0, y0 + 5000.0)
    heights = np.full((100, 100), 250.0)
    heights[40:60, 40:60] = 1200.0
    t, r, _, _ = radar_coordinates(RadarGrid(-20.0, 1 / 2000.0, 700e3, 4.29, 80000, 30000, "right", 0.229), orbit,
                                   np.array([36.0]), np.array([138.5]), np.array([250.0]))
    grid = RadarGrid(float(t[0]) - 1.5, 1 / 500.0, float(r[0]) - 5000.0, 10.0, 1500, 1000, "right", 0.229)
    lines, pixels = np.meshgrid(np.arange(grid.lines, dtype=float), np.arange(grid.pixels, dtype=float),
                                indexing="ij")
    ramp = lines + 1j * pixels                         # a raster whose value says where it is in the image
    out = geocode_raster(ramp, grid, orbit, "EPSG:32654", transform, heights, block_rows=37)
    from palsar2_plugin.geometry.geocode import map_grid_radar_coordinates
    _, _, line, pixel = map_grid_radar_coordinates(grid, orbit, "EPSG:32654", transform, heights)
    inside = np.isfinite(out)
    assert inside.mean() > 0.9
    np.testing.assert_allclose(out.real[inside], line[inside], atol=1e-6)
    np.testing.assert_allclose(out.imag[inside], pixel[inside], atol=1e-6)
    # a point 950 m higher is ~950 cos(35 deg) = 780 m nearer in slant range: ~78 pixels of 10 m
    flat_here = 0.5 * (out.imag[50, 30] + out.imag[50, 70])        # the ramp between low points east and west
    assert -90 < out.imag[50, 50] - flat_here < -65
