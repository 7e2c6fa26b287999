"""Block functions of the simulator on a real synthetic ALOS-2 geometry."""

import numpy as np
import pytest

from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
from palsar2_plugin.geometry.range_doppler import geo_to_radar
from palsar2_plugin.simulate import mode_spec
from palsar2_plugin.simulate.backscatter import (ellipsoid_mesh, mesh_radar_coordinates, flat_ratio_block, range_margins_px,
                                                 terrain_ratio_block)
from palsar2_plugin.simulate.scene import plan_scene

CENTRE = (35.37, 139.23)


@pytest.fixture(scope="module")
def fbs():
    return plan_scene(mode_spec("FBS"), *CENTRE, lines=120, pixels=160)


def hills(lat, lon):
    """Smooth hills up to ~1.2 km (ellipsoid heights, m) around the scene centre."""
    y = (lat - CENTRE[0]) * 111e3
    x = (lon - CENTRE[1]) * 91e3
    return 600.0 + 600.0 * np.sin(x / 700.0) * np.cos(y / 500.0)


def test_flat_block_equals_mesh_on_bare_ellipsoid(fbs):
    grid = fbs.beams[0].grid
    ratio, sin_inc = terrain_ratio_block(fbs.orbit, grid, lambda la, lo: np.zeros(np.shape(la)), 10, 70)
    flat_ratio, flat_sin = flat_ratio_block(fbs.orbit, grid, 10, 70)
    assert ratio.shape == (60, 160)
    # the flat path takes the block's middle line; along 60 lines the ellipsoid changes < 1e-5
    assert np.allclose(ratio, flat_ratio, rtol=1e-5)
    assert np.allclose(sin_inc, flat_sin, rtol=1e-5)
    tan = sin_inc / np.sqrt(1 - sin_inc ** 2)
    assert np.allclose(ratio * tan, 1.0, atol=1e-6)


def test_blocks_do_not_depend_on_how_the_image_is_cut(fbs):
    grid = fbs.beams[0].grid
    margins = range_margins_px((0.0, 1300.0), (25.0, 50.0), grid.range_spacing_m)
    whole, _ = terrain_ratio_block(fbs.orbit, grid, hills, 0, 120, margins_px=margins)
    parts = [terrain_ratio_block(fbs.orbit, grid, hills, a, b, margins_px=margins)[0]
             for a, b in ((0, 37), (37, 90), (90, 120))]
    # mesh positions come from a fixed lattice: the cut changes nothing but rounding (the geometry
    # solvers themselves vary at 1e-9 between runs)
    assert np.allclose(np.concatenate(parts), whole, rtol=1e-8, atol=0)
    # the hills make a real difference to the flat ellipsoid, and shadow/back slopes exist
    assert whole.std() / whole.mean() > 0.2


def test_fast_zero_doppler_matches_geometry_module(fbs):
    grid = fbs.beams[0].grid
    mesh_lines = np.arange(-5.0, 30.0)
    mesh_pixels = np.arange(-20.0, 180.0, 0.5)
    lat, lon = ellipsoid_mesh(fbs.orbit, grid, mesh_lines, mesh_pixels)
    h = np.linspace(-100.0, 4000.0, lat.size).reshape(lat.shape)
    points = geodetic_to_ecef(lat, lon, h)
    times = grid.time_of_line(mesh_lines)
    t, r = mesh_radar_coordinates(fbs.orbit, grid, points, times)
    t_ref, r_ref, _, _ = geo_to_radar(grid, fbs.orbit, lat, lon, h)
    assert np.abs(grid.line_of_time(t) - grid.line_of_time(t_ref)).max() < 1e-3
    assert np.abs(r - r_ref).max() < 1e-3  # metres
    # terrain moves points by whole lines: the solver is not a no-op
    assert np.abs(grid.line_of_time(t) - mesh_lines[:, None]).max() > 0.5


def test_range_margins_grow_with_relief():
    near, far = range_margins_px((0.0, 0.0), (30.0, 45.0), 4.29)
    assert (near, far) == (3, 3)
    near, far = range_margins_px((-50.0, 3000.0), (30.0, 45.0), 4.29)
    # far: 3000 m * cos 30 / 4.29 m = 606 px; near: (50 + 3050 tan45 sin45) / 4.29 = 515 px
    assert far == 606 + 3 + 1 or far == 606 + 3
    assert abs(near - (50 + 3050 * np.sin(np.radians(45))) / 4.29 - 3) < 1.01


def test_range_chunks_give_the_same_block(fbs):
    grid = fbs.beams[0].grid
    margins = range_margins_px((0.0, 1300.0), (25.0, 50.0), grid.range_spacing_m)
    whole, sin_whole = terrain_ratio_block(fbs.orbit, grid, hills, 20, 60, margins_px=margins)
    # about 30 vertex columns per chunk: many chunks, shadow horizon carried between them
    chunked, sin_chunked = terrain_ratio_block(fbs.orbit, grid, hills, 20, 60, margins_px=margins,
                                               max_vertices=1600)
    assert np.allclose(chunked, whole, rtol=1e-8, atol=0)
    assert np.allclose(sin_chunked, sin_whole, rtol=1e-8)
