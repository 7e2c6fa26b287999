"""Geometric coregistration model against the direct zero-Doppler solution, on the real Hakone DEM;
pair checks and baselines."""

import numpy as np
import pytest

from insar_pairs import HAKONE_DEM, repeat_orbit, shifted_grid
from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
from palsar2_plugin.geometry.range_doppler import geolocate, zero_doppler_time
from palsar2_plugin.insar import pair
from palsar2_plugin.insar.geometry_model import CoregistrationGeometry
from palsar2_plugin.rtc.dem import DemSource
from palsar2_plugin.simulate.modes import mode_spec
from palsar2_plugin.simulate.scene import plan_scene


@pytest.fixture(scope="module")
def setup():
    scene = plan_scene(mode_spec("FBS"), 35.37, 139.23, lines=3000, pixels=3000)
    orbit = scene.orbit
    grid = scene.beams[0].grid
    sec_orbit = repeat_orbit(orbit, 14.0, 300.0, 50.0)
    sec_grid = shifted_grid(grid, orbit, sec_orbit, 14.0)
    dem = DemSource(str(HAKONE_DEM), "egm96")
    yield orbit, grid, sec_orbit, sec_grid, dem
    dem.close()


def test_geometry_matches_direct_solution(setup):
    orbit, grid, sec_orbit, sec_grid, dem = setup
    geo = CoregistrationGeometry(orbit, grid, sec_orbit, sec_grid, dem)
    lines = np.linspace(100, 2900, 15)
    pixels = np.linspace(50, 2950, 17)
    block = geo.block(lines, pixels)
    assert np.isfinite(block.height_m).mean() > 0.9
    assert np.nanmax(block.height_m) > 300                    # Hakone relief is seen
    # direct: the ground point at the solved height, and its secondary position
    ll, pp = np.meshgrid(lines, pixels, indexing="ij")
    ok = np.isfinite(block.height_m)
    t = grid.time_of_line(ll[ok])
    r = grid.range_of_pixel(pp[ok])
    lat, lon = geolocate(orbit, t, r, block.height_m[ok], grid.look_side)
    xyz = geodetic_to_ecef(lat, lon, block.height_m[ok])
    ts, rs = zero_doppler_time(sec_orbit, xyz, sec_orbit.seconds_from_datetime(orbit.datetime_from_seconds(t[0])))
    assert np.max(np.abs(sec_grid.line_of_time(ts) - block.sec_line[ok])) < 1e-3
    assert np.max(np.abs(sec_grid.pixel_of_range(rs) - block.sec_pixel[ok])) < 1e-3
    assert np.max(np.abs((rs - r) - block.delta_range_m[ok])) < 1e-4          # 0.1 mm: 5 mrad of phase


def test_tiling_does_not_change_the_geometry(setup):
    orbit, grid, sec_orbit, sec_grid, dem = setup
    geo = CoregistrationGeometry(orbit, grid, sec_orbit, sec_grid, dem)
    lines = np.arange(1000, 1200, 7.0)
    pixels = np.arange(800, 1400, 11.0)
    whole = geo.block(lines, pixels)
    part = geo.block(lines[10:], pixels[20:])
    assert np.allclose(whole.delta_range_m[10:, 20:], part.delta_range_m, atol=1e-9, equal_nan=True)


def test_pair_baselines_and_refusals(setup):
    orbit, grid, sec_orbit, sec_grid, dem = setup
    base = pair.baseline_at(orbit, grid, sec_orbit, 1500, 1500)
    # 300 m horizontal and 50 m radial: |b| = 304 m split into parallel and perpendicular
    assert np.hypot(base.perpendicular_m, base.parallel_m) == pytest.approx(np.hypot(300, 50), rel=0.01)
    assert abs(base.perpendicular_m) > 200
    crit = pair.critical_baseline_m(0.2424525, base.slant_range_m, base.incidence_deg, 34.93e6)
    assert 10000 < crit < 20000
    far_orbit = repeat_orbit(orbit, 14.0, 150e3)
    far_grid = shifted_grid(grid, orbit, far_orbit, 14.0)
    far = pair.baseline_at(orbit, grid, far_orbit, 1500, 1500)
    assert abs(far.perpendicular_m) > 50e3
    assert pair.overlap_fraction(orbit, grid, sec_orbit, sec_grid) > 0.7
    assert pair.overlap_fraction(orbit, grid, far_orbit, far_grid) == 0.0


def test_map_tile_positions_match_the_direct_solution(setup):
    """Geocoding's map pixel -> radar position (polynomial orbit, lattice seeds, compiled solver) against
    the Hermite-orbit zero-Doppler solution of each pixel's ground point, on a multilooked grid."""
    from pyproj import Transformer

    from palsar2_plugin.geometry.range_doppler import look_angle_deg
    from palsar2_plugin.insar.geocode import tile_positions
    from palsar2_plugin.rtc.grid import Tile, snapped_grid

    orbit, grid, _, _, _ = setup
    beam = grid.multilooked(4, 4)
    lat, lon = geolocate(orbit, grid.mid_time_s, grid.slant_range_mid_m, 0.0, grid.look_side)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32654", always_xy=True).transform(float(lon), float(lat))
    out = snapped_grid("EPSG:32654", (x - 3000, y - 3000, x + 3000, y + 3000), 30.0)
    tile = Tile(0, 10, 110, 20, 150)
    rng = np.random.default_rng(0)
    heights = rng.uniform(0, 1500, tile.shape)
    heights[3, 4] = np.nan
    pos = tile_positions(out, tile, heights, orbit, beam)
    assert np.isnan(pos.line[3, 4]) and np.isnan(pos.look_angle_deg[3, 4])
    xs, ys = out.pixel_centres(tile.row0, tile.row1, tile.col0, tile.col1)
    lo, la = Transformer.from_crs("EPSG:32654", "EPSG:4326", always_xy=True).transform(xs, ys)
    ok = np.isfinite(heights)
    xyz = geodetic_to_ecef(la[ok], lo[ok], heights[ok])
    t, r = zero_doppler_time(orbit, xyz, np.full(ok.sum(), grid.mid_time_s))
    assert np.max(np.abs(beam.line_of_time(t) - pos.line[ok])) < 1e-4
    assert np.max(np.abs(beam.pixel_of_range(r) - pos.pixel[ok])) < 1e-4
    assert np.max(np.abs(look_angle_deg(orbit, t, xyz) - pos.look_angle_deg[ok])) < 1e-6


def test_compiled_terrain_heights_match_numpy(setup):
    from palsar2_plugin.insar.geometry_model import terrain_heights

    orbit, grid, sec_orbit, sec_grid, dem = setup
    geo = CoregistrationGeometry(orbit, grid, sec_orbit, sec_grid, dem)
    calls = {}
    original = terrain_heights.numpy

    def spy(*args):
        calls["args"] = args
        return original(*args)

    import palsar2_plugin.insar.geometry_model as gm
    gm.terrain_heights = spy
    try:
        expected = geo.block(np.arange(500, 800, 3.0), np.arange(400, 900, 5.0)).height_m
    finally:
        gm.terrain_heights = terrain_heights
    got = terrain_heights.compiled(*calls["args"])
    assert np.isfinite(expected).mean() > 0.9
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    assert np.nanmax(np.abs(got - expected)) < 1e-6                 # 1 um: rounding (fused multiply-adds)
