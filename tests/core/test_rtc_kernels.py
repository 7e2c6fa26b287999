"""The compiled (numba) terrain-correction kernels give what the numpy path gives.

Both paths run in this process: PALSAR2_NO_NUMBA=1 (read at each call) switches to numpy. The
end-to-end case is a hilly scene with layover, shadow, a DEM gap and two overlapping beams, so
every branch of the kernels (invalid facets, shadowed facets, facets outside a beam, sub-points)
is exercised; layers must agree to float32 rounding and the masks exactly.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import rasterio

from palsar2_plugin import compiled
from palsar2_plugin.rtc.area_distribution import distribute_area, distribute_bilinear, window_extent
from palsar2_plugin.rtc.beam_sums import beam_sums, read_bilinear
from palsar2_plugin.rtc.driver import terrain_correct
from palsar2_plugin.rtc.layover_shadow import layover_shadow
from synthetic.rtc_geometry import gaussian_hills, synthetic_case

needs_numba = pytest.mark.skipif(not compiled.numba_importable(), reason="numba does not import here")

LAYERS = ("mask", "local_incidence", "ellipsoid_incidence", "scattering_area", "gamma_to_sigma", "number_of_looks",
          "dem")


def _read(path):
    with rasterio.open(path) as ds:
        return ds.read(1)


def test_no_numba_env_switches_the_kernels_off(monkeypatch):
    monkeypatch.setenv("PALSAR2_NO_NUMBA", "1")
    assert not compiled.enabled()
    monkeypatch.setenv("PALSAR2_NO_NUMBA", "0")
    assert compiled.enabled() == compiled.numba_importable()
    monkeypatch.setattr(compiled, "_numba_state", False)       # as where numba is not installed
    assert not compiled.enabled()


@pytest.fixture(scope="module")
def both_paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kernels")
    heights = gaussian_hills((150, 170), 30.0, [(0.4, 0.45, 1400.0, 500.0), (0.7, 0.75, 900.0, 250.0)], base_m=100.0)
    heights[20:26, 120:131] = np.nan                                    # a DEM gap
    dem, radar = synthetic_case(str(folder), heights, pixel_m=30.0, beams=2, overlap_px=40)
    results = {}
    mp = pytest.MonkeyPatch()
    try:
        for name, flag in (("numpy", "1"), ("numba", "0")):
            mp.setenv("PALSAR2_NO_NUMBA", flag)
            results[name] = terrain_correct(radar, dem, str(folder / name), height_reference="ellipsoid",
                                            pixel_size_m=25.0, tile_size=64, workers=2)
    finally:
        mp.undo()
    return results


@pytest.mark.slow
@needs_numba
def test_terrain_correction_is_the_same_with_and_without_numba(both_paths):
    a, b = both_paths["numpy"], both_paths["numba"]
    mask = _read(a["mask"])
    np.testing.assert_array_equal(_read(b["mask"]), mask)
    # the scene really has every class the kernels branch on
    for value in (0, 1, 2, 3):
        assert (mask == value).sum() > 20, value
    ga, gb = _read(a["gamma0"]["HH"]), _read(b["gamma0"]["HH"])
    np.testing.assert_array_equal(np.isnan(ga), np.isnan(gb))
    ok = np.isfinite(ga)
    assert ok.sum() > 10000
    assert float(np.max(np.abs(10 * np.log10(gb[ok] / ga[ok])))) < 1e-4      # dB
    for layer in LAYERS[1:]:
        la, lb = _read(a[layer]), _read(b[layer])
        np.testing.assert_array_equal(np.isnan(la), np.isnan(lb), err_msg=layer)
        np.testing.assert_allclose(lb, la, rtol=2e-5, atol=1e-4, equal_nan=True, err_msg=layer)


@needs_numba
def test_layover_shadow_kernel_matches_numpy_with_gaps():
    rng = np.random.default_rng(7)
    n = 40000
    t = rng.uniform(0.0, 0.2, n)
    g = rng.uniform(800e3, 830e3, n)
    r = g * 1.1 + rng.normal(0.0, 15.0, n)                 # non-monotonic: plenty of layover
    a = 0.6 + (g - 800e3) / 1e6 + rng.normal(0.0, 2e-5, n)
    for arr, frac in ((t, 0.01), (r, 0.01), (a, 0.01)):
        arr[rng.uniform(size=n) < frac] = np.nan
    lay_np, sha_np = layover_shadow.numpy(t, g, r, a, azimuth_bin_s=0.01, tolerance_m=5.0)
    lay_nb, sha_nb = layover_shadow.compiled(t, g, r, a, azimuth_bin_s=0.01, tolerance_m=5.0)
    assert 0.05 < lay_np.mean() < 0.95 and 0.05 < sha_np.mean() < 0.95
    np.testing.assert_array_equal(lay_nb, lay_np)
    np.testing.assert_array_equal(sha_nb, sha_np)
    # fewer than two usable points: nothing flagged
    lay, sha = layover_shadow.compiled(np.array([1.0, np.nan]), np.ones(2), np.ones(2), np.ones(2), 0.1, 1.0)
    assert not lay.any() and not sha.any()


@needs_numba
def test_layover_shadow_kernel_matches_numpy_on_a_rotated_lattice_with_empty_strips():
    """Each azimuth strip of a lattice rotated against the radar geometry holds only a short run of
    ground bins (the kernel keeps just those); strips without facets and bins beyond a strip's run
    must read as the dense tables do."""
    rng = np.random.default_rng(5)
    ii, jj = np.mgrid[:120, :400].astype(float)
    t = (ii + 0.35 * jj) * 1e-3                               # ~19 deg between lattice rows and azimuth lines
    g = 800e3 + 5.0 * jj + 2.0 * ii
    relief = 400.0 * np.exp(-((jj - 200) ** 2 + (ii - 60) ** 2) / 800.0)
    r = g * 1.1 - relief * 1.5 + rng.normal(0.0, 3.0, g.shape)   # a hill folds over (layover)
    a = 0.6 + (g - 800e3) / 1e6 + relief / 2e6 + rng.normal(0.0, 2e-6, g.shape)
    t[(t > 0.1) & (t < 0.13)] = np.nan                        # a band of empty strips
    for bin_s in (5e-4, 2e-3):
        lay_np, sha_np = layover_shadow.numpy(t, g, r, a, azimuth_bin_s=bin_s, tolerance_m=2.5)
        lay_nb, sha_nb = layover_shadow.compiled(t, g, r, a, azimuth_bin_s=bin_s, tolerance_m=2.5)
        assert lay_np.sum() > 100 and sha_np.sum() > 100
        np.testing.assert_array_equal(lay_nb, lay_np)
        np.testing.assert_array_equal(sha_nb, sha_np)
        # the facet-geometry kernel's look key -cos(angle) instead of the angle: the same flags
        for path in (layover_shadow.compiled, layover_shadow.numpy):
            lay_c, sha_c = path(t, g, r, -np.cos(a), azimuth_bin_s=bin_s, tolerance_m=2.5, look_is_minus_cosine=True)
            np.testing.assert_array_equal(lay_c, lay_np)
            np.testing.assert_array_equal(sha_c, sha_np)


@needs_numba
def test_layover_shadow_numpy_bins_do_not_depend_on_the_facet_order():
    """The numpy path bins facets that come in runs of increasing bins (a tile's rows) run by run and
    shuffled facets by sorting; neighbours in one bin (here up to 4 in a row) are folded first. Both
    ways, and the compiled kernel, flag the same facets."""
    rng = np.random.default_rng(3)
    ii, jj = np.mgrid[:60, :300].astype(float)
    t = ii * 1e-3
    g = 800e3 + 1.3 * jj                                      # ~4 facets per 5 m ground bin
    relief = 300.0 * np.exp(-((jj - 150) ** 2 + (ii - 30) ** 2) / 400.0)
    r = g * 1.1 - relief * 1.5 + rng.normal(0.0, 1.0, g.shape)
    a = -np.cos(0.6 + (g - 800e3) / 1e6 + relief / 2e6)
    t[10:12, 40:90] = np.nan
    order = rng.permutation(t.size)
    args = dict(azimuth_bin_s=5e-4, tolerance_m=2.5, look_is_minus_cosine=True)
    lay_nb, sha_nb = layover_shadow.compiled(t, g, r, a, **args)
    assert lay_nb.sum() > 100 and sha_nb.sum() > 100
    for path in (layover_shadow.numpy, layover_shadow.compiled):
        lay, sha = path(t, g, r, a, **args)
        np.testing.assert_array_equal(lay, lay_nb)
        np.testing.assert_array_equal(sha, sha_nb)
        lay_s, sha_s = path(*(x.ravel()[order] for x in (t, g, r, a)), **args)
        np.testing.assert_array_equal(lay_s, lay_nb.ravel()[order])
        np.testing.assert_array_equal(sha_s, sha_nb.ravel()[order])


@needs_numba
def test_distribution_and_read_back_kernels_match_numpy():
    rng = np.random.default_rng(11)
    ny, nx = 60, 70
    ii, jj = np.mgrid[:ny, :nx].astype(float)
    line = 3.0 + 0.37 * ii + 0.05 * jj + rng.normal(0, 0.01, (ny, nx))
    pixel = -2.0 + 0.61 * jj - 0.03 * ii
    w = rng.uniform(0, 2, (ny, nx))
    line[5, 5] = np.nan
    w[7, 9] = np.nan
    shape, l0, p0 = (30, 40), 0, 0
    dl_i, dl_j = np.gradient(line)
    dp_i, dp_j = np.gradient(pixel)
    for gr in (dl_i, dl_j, dp_i, dp_j):
        gr[~np.isfinite(gr)] = 0.0
    # the kernels take zero-Doppler time and slant range with the grid's axes: here line and pixel
    # themselves (t0 = 0, dt = 1, R0 = 0, dR = 1); facet (5, 5) has no coordinate
    valid = np.isfinite(line)
    axes = (0.0, 1.0, 0.0, 1.0)
    for s_i, s_j in ((1, 1), (2, 3)):
        ref = np.zeros(shape)
        for a in (np.arange(s_i) + 0.5) / s_i - 0.5:
            for b in (np.arange(s_j) + 0.5) / s_j - 0.5:
                ref += distribute_bilinear(line + a * dl_i + b * dl_j, pixel + a * dp_i + b * dp_j,
                                           w / (s_i * s_j), l0, p0, shape)
        got = distribute_area.compiled(line, pixel, valid, w, axes, l0, p0, shape, s_i, s_j)
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(distribute_area.numpy(line, pixel, valid, w, axes, l0, p0, shape, s_i, s_j), ref,
                                   rtol=1e-12, atol=1e-12)
        assert got.sum() > 100.0
    # the same with real axes: time and range mapped back from line and pixel
    t0, dt, r0, dr = 12.5, 1.0 / 2000.0, 850_000.0, 4.29
    got = distribute_area.compiled(t0 + line * dt, r0 + pixel * dr, valid, w, (t0, dt, r0, dr), l0, p0, shape,
                                        2, 3)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-9)
    # the window of the valid facets inside the grid, over all facets and over a core block
    for path in (window_extent.numpy, window_extent.compiled):
        _window_extents_are_those_of_the_facets(path, line, pixel, valid, axes)
    # read-back with nodata_zero: a 0 neighbour gives NaN, exactly as beam_sums.read_bilinear
    img = rng.uniform(1, 2, shape).astype(np.float32)
    img[10, 10] = 0.0
    ref = read_bilinear(img, line, pixel, l0, p0, nodata_zero=True)
    ones = np.ones((ny, nx), bool)
    geom = SimpleNamespace(time_s=line, slant_range_m=pixel, valid=ones, shadow=~ones, along_track_m_per_s=np.ones((ny, nx)),
                           cos_ellipsoid_incidence=np.full((ny, nx), 0.8))
    grid = SimpleNamespace(first_line_time_s=0.0, line_interval_s=1.0, slant_range_first_m=0.0, range_spacing_m=1.0,
                           lines=1000, pixels=1000, line_of_time=lambda t: t, pixel_of_range=lambda r: r)
    window = (l0, l0 + shape[0], p0, p0 + shape[1])
    good = np.isfinite(ref) & (line >= 0) & (pixel >= 0)
    assert 100 < good.sum() < ny * nx
    for path in (beam_sums.compiled, beam_sums.numpy):
        sums = path(geom, grid, window, np.ones(shape), [img], 1, (0, 0), (ny, nx))
        np.testing.assert_array_equal(sums.count, good.astype(float))
        np.testing.assert_allclose(sums.beta0[0][good], ref[good], rtol=1e-12)
        np.testing.assert_allclose(sums.anf_flat[good], 0.8 / 0.6, rtol=1e-12)


def _window_extents_are_those_of_the_facets(window_extent, line, pixel, valid, axes):
    lmin, lmax, pmin, pmax = window_extent(line, pixel, valid, axes, 1000, 1000)
    inside = valid & (line > -1) & (pixel > -1)
    assert (lmin, lmax) == (line[inside].min(), line[inside].max())
    assert (pmin, pmax) == (pixel[inside].min(), pixel[inside].max())
    core = window_extent(line, pixel, valid, axes, 1000, 1000, (10, 20, 30, 40))
    assert core == (line[10:20, 30:40].min(), line[10:20, 30:40].max(), pixel[10:20, 30:40].min(),
                    pixel[10:20, 30:40].max())
    assert window_extent(line, pixel, valid, (0.0, 1.0, 5000.0, 1.0), 1000, 1000) is None


@needs_numba
def test_tile_geometry_with_degenerate_facets_is_the_same_on_both_paths(monkeypatch):
    from palsar2_plugin.geometry.orbit_polynomial import OrbitPolynomial
    from synthetic.rtc_geometry import circular_orbit
    from palsar2_plugin.rtc.tile import tile_geometry

    orbit = circular_orbit(36.0, 138.5, 35.0)
    poly = OrbitPolynomial.fit(orbit.position_velocity_acceleration, -20, 20)
    ny, nx = 40, 60
    lat = 36.0 + np.arange(ny + 1)[:, None] * 2e-4 + np.zeros(nx + 1)
    lon = 138.5 + np.arange(nx + 1)[None, :] * 2.5e-4 + np.zeros((ny + 1, 1))
    h = 300.0 + 400.0 * np.exp(-((lat - 36.004) ** 2 + (lon - 138.5075) ** 2) / 2e-5)
    lat[10] = lat[11]                          # a row of facets of zero area (repeated vertices)
    lon[:, 20] = lon[:, 21]
    h[10] = h[11]
    h[:, 20] = h[:, 21]
    h[30, 30] = np.nan                         # and a DEM gap
    geoms = {}
    for name, flag in (("numpy", "1"), ("numba", "0")):
        monkeypatch.setenv("PALSAR2_NO_NUMBA", flag)
        geoms[name] = tile_geometry(lat, lon, h, poly, 20.0)
    a, b = geoms["numpy"], geoms["numba"]
    assert a.area_sigma_m2[10, 5] == 0.0 and np.isnan(a.cos_local_incidence[10, 5])
    assert (~a.valid).sum() == 4
    for field in ("time_s", "slant_range_m", "along_track_m_per_s", "area_gamma_m2", "area_sigma_m2",
                  "cos_local_incidence", "cos_ellipsoid_incidence", "height_m"):
        np.testing.assert_allclose(getattr(b, field), getattr(a, field), rtol=1e-9, atol=1e-9, equal_nan=True,
                                   err_msg=field)
    for field in ("layover", "shadow", "valid"):
        np.testing.assert_array_equal(getattr(b, field), getattr(a, field), err_msg=field)


@pytest.mark.parametrize("path", ["numpy", "numba"])
def test_dem_vertex_positions_are_geodetic_to_ecef_of_the_heights(tmp_path, monkeypatch, path):
    """DemSource.vertex_ecef (ellipsoid point + height x normal, interpolated from the coarse
    lattice) is within a millimetre of geodetic_to_ecef of ellipsoid_heights_on, on rugged EGM96
    terrain with a no-data hole, on both paths."""
    if path == "numba" and not compiled.numba_importable():
        pytest.skip("numba does not import here")
    from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
    from palsar2_plugin.rtc.dem import DemSource, vertex_grid
    from palsar2_plugin.rtc.grid import Tile, snapped_grid

    monkeypatch.setenv("PALSAR2_NO_NUMBA", "1" if path == "numpy" else "0")
    heights = gaussian_hills((120, 140), 30.0, [(0.5, 0.5, 1500.0, 400.0)], base_m=200.0)
    heights[60:64, 30:34] = np.nan
    dem, _ = synthetic_case(str(tmp_path), heights, pixel_m=30.0)
    with rasterio.open(dem) as ds:
        b = ds.bounds
    grid = snapped_grid("EPSG:32654", (b.left + 200, b.bottom + 200, b.right - 200, b.top - 200), 20.0)
    verts = vertex_grid(grid, Tile(0, 0, 90, 0, 110), 2, (5, 40))
    source = DemSource(dem, "egm96")
    x, y, z, h = source.vertex_ecef(verts)
    lat, lon, h_ref = source.ellipsoid_heights_on(verts)
    np.testing.assert_allclose(h, h_ref, rtol=0, atol=1e-6, equal_nan=True)
    assert np.isnan(h).sum() > 20 and np.isfinite(h).sum() > 0.9 * h.size
    ref = geodetic_to_ecef(lat, lon, h_ref)
    for got, c in zip((x, y, z), range(3)):
        ok = np.isfinite(h)
        np.testing.assert_array_equal(np.isnan(got), ~ok)
        assert float(np.max(np.abs(got[ok] - ref[..., c][ok]))) < 1e-3        # metres


def _lattice_flags_and_extremes(orbit, heights, lat, lon, facet_m):
    """The layover/shadow search run in full (never skipped) on a lattice, and the extremes the
    geometry kernel reports for the gentle-slope rule."""
    from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
    from palsar2_plugin.geometry.orbit_polynomial import OrbitPolynomial
    from palsar2_plugin.rtc.facet_geometry import facet_geometry

    poly = OrbitPolynomial.fit(orbit.position_velocity_acceleration, -20, 20)
    v = geodetic_to_ecef(lat, lon, heights)
    g = facet_geometry.compiled(v[..., 0], v[..., 1], v[..., 2], heights, poly)
    speed = float(np.nanmedian(g.along_track_m_per_s))
    layover, shadow = layover_shadow.compiled(g.time_s, g.ground_range_m, g.slant_range_m, g.look_key,
                                              azimuth_bin_s=0.5 * facet_m / speed, tolerance_m=0.5 * facet_m,
                                              look_is_minus_cosine=True)
    return int(layover.sum()), int(shadow.sum()), g.extremes


@needs_numba
@pytest.mark.parametrize("incidence_deg", [25.0, 35.0, 55.0])
def test_gentle_slope_rule_never_skips_a_tile_that_has_layover_or_shadow(incidence_deg):
    """layover_shadow.too_gentle_for_layover_or_shadow lets a tile skip the layover/shadow search: planes
    tilted in every direction just below the rule's limit, with a ripple, never have a flag the
    search would find; planes a little steeper than the bound the rule keeps are flagged, and
    are not skipped."""
    from synthetic.rtc_geometry import circular_orbit
    from palsar2_plugin.rtc.layover_shadow import GENTLE_SLOPE_MARGIN_DEG, too_gentle_for_layover_or_shadow

    orbit = circular_orbit(36.0, 138.5, incidence_deg)
    n, facet_m = 90, 5.0
    north = (np.arange(n + 1) - n / 2) * facet_m
    east = (np.arange(n + 1) - n / 2) * facet_m
    lat = 36.0 + north[:, None] / 111_000.0 + 0 * east[None, :]
    lon = 138.5 + east[None, :] / (111_000.0 * np.cos(np.radians(36.0))) + 0 * north[:, None]
    e, nn = np.meshgrid(east, north)
    theta = np.radians(incidence_deg)
    bound = min(incidence_deg, 90.0 - incidence_deg, np.degrees(np.arctan(0.5 / np.cos(theta))),
                np.degrees(np.arctan(0.5 / np.sin(theta))))
    skipped = 0
    for azimuth_deg in range(0, 360, 30):                  # direction the plane rises to
        a = np.radians(azimuth_deg)
        along = e * np.cos(a) + nn * np.sin(a)
        for slope_deg in (bound - GENTLE_SLOPE_MARGIN_DEG - 1.0, bound - 0.5 * GENTLE_SLOPE_MARGIN_DEG):
            ripple = 0.3 * facet_m * np.sin(2 * np.pi * e / (9 * facet_m)) * np.sin(2 * np.pi * nn / (7 * facet_m))
            h = 500.0 + np.tan(np.radians(slope_deg)) * along + np.tan(np.radians(1.0)) * ripple
            layover, shadow, ext = _lattice_flags_and_extremes(orbit, h, lat, lon, facet_m)
            if too_gentle_for_layover_or_shadow(*ext):
                skipped += 1
                assert layover == 0 and shadow == 0, (azimuth_deg, slope_deg, layover, shadow)
    assert skipped >= 12                                    # the gentler planes are all skipped
    # range is east for this north-going right-looking orbit: rising eastwards faces the radar
    # (layover once steeper than theta), falling eastwards faces away (shadow beyond 90 deg - theta)
    for h, expect in ((500.0 + np.tan(theta + np.radians(3.0)) * e, "layover"),
                      (500.0 - np.tan(np.pi / 2 - theta + np.radians(3.0)) * e, "shadow")):
        layover, shadow, ext = _lattice_flags_and_extremes(orbit, h, lat, lon, facet_m)
        assert {"layover": layover, "shadow": shadow}[expect] > 1000, (layover, shadow)
        assert not too_gentle_for_layover_or_shadow(*ext)
