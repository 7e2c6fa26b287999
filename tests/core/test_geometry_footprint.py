"""Footprint ring and tie-point grid of a radar image."""

from datetime import datetime, timezone

import numpy as np

from palsar2_plugin.geometry.footprint import edge_points, footprint_ring, tie_point_grid
from palsar2_plugin.geometry.orbit_model import synthetic_alos2_orbit
from palsar2_plugin.geometry.radar_grid import RadarGrid
from palsar2_plugin.geometry.range_doppler import geo_to_radar

T_C = datetime(2024, 1, 1, 15, 0, tzinfo=timezone.utc)


def _scene(pass_direction, look_side):
    orbit = synthetic_alos2_orbit(37.5, 137.2, T_C, pass_direction, look_side, 36.0)
    t_c = orbit.seconds_from_datetime(T_C)
    lines, pixels = 8000, 6000
    grid = RadarGrid(t_c - 4000 / 2000.0, 1 / 2000.0, 800e3, 4.2913, lines, pixels, look_side, 0.2424525)
    return orbit, grid


def test_edge_points_ring():
    _, grid = _scene("ascending", "right")
    line, pixel = edge_points(grid, 4)
    assert line.size == 17 and line[0] == line[-1] and pixel[0] == pixel[-1]
    assert line.min() == -0.5 and line.max() == grid.lines - 0.5
    assert pixel.min() == -0.5 and pixel.max() == grid.pixels - 0.5


def test_footprint_ring_orientation_and_size():
    for pass_direction in ("ascending", "descending"):
        for look_side in ("right", "left"):
            orbit, grid = _scene(pass_direction, look_side)
            lat, lon = footprint_ring(grid, orbit, 0.0, 8)
            assert np.all(np.isfinite(lat))
            # azimuth extent: 4 s of flight at ~6.6 km/s ground speed; range: 25.7 km slant
            assert 0.15 < np.ptp(lat) < 0.5
            # winding (shoelace sign, x east, y north): counter-clockwise for right-looking on both
            # passes (first line near -> far turns left of the flight direction), clockwise for left
            x = (lon - 137.2) * np.cos(np.radians(37.5))
            area = 0.5 * np.sum(x[:-1] * lat[1:] - x[1:] * lat[:-1])
            assert np.sign(area) == (1 if look_side == "right" else -1)
            # km^2: ground range ~ 25.7 km / sin(36 deg) = 44 km, azimuth 4 s x ~6.6 km/s = 26 km
            assert 900 < abs(area) * 111.2 ** 2 < 1400
            _, _, l2, p2 = geo_to_radar(grid, orbit, lat, lon, 0.0)
            np.testing.assert_allclose(l2, edge_points(grid, 8)[0], atol=1e-3)
            np.testing.assert_allclose(p2, edge_points(grid, 8)[1], atol=1e-3)


def test_tie_point_grid():
    orbit, grid = _scene("descending", "right")
    line, pixel, lat, lon = tie_point_grid(grid, orbit, 5, 7, height_m=1000.0)
    assert line.shape == (5, 7) and line[0, 0] == 0 and line[-1, 0] == grid.lines - 1
    assert pixel[0, -1] == grid.pixels - 1
    _, _, l2, p2 = geo_to_radar(grid, orbit, lat, lon, 1000.0)
    assert np.abs(l2 - line).max() < 1e-3 and np.abs(p2 - pixel).max() < 1e-3
    # descending: later lines lie further south
    assert np.all(np.diff(lat[:, 3]) < 0)
