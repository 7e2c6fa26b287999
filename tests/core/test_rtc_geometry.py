"""RTC tile geometry: facet areas, bilinear area, layover/shadow (each on whichever path, numpy or
compiled, is enabled; the orbit polynomial and zero-Doppler solver: test_geometry_zero_doppler.py)."""

from __future__ import annotations

import numpy as np
import pytest

from palsar2_plugin.rtc.area_distribution import distribute_bilinear
from palsar2_plugin.rtc.beam_sums import read_bilinear
from palsar2_plugin.rtc.facet_geometry import facet_area_vectors, illuminated_areas
from palsar2_plugin.rtc.layover_shadow import layover_shadow


def test_facet_area_of_a_tilted_plane_is_exact():
    # a plane rising 30 deg towards the east (it faces west), 4 x 5 facets of 10 m, local ENU frame
    ny, nx, d = 4, 5, 10.0
    e = np.arange(nx + 1) * d
    n = -np.arange(ny + 1) * d
    E, N = np.meshgrid(e, n)
    U = np.tan(np.radians(30.0)) * E
    area = facet_area_vectors((E, N, U), (0.0, 0.0, 1.0))
    a_sigma = np.sqrt(area[0] ** 2 + area[1] ** 2 + area[2] ** 2)
    np.testing.assert_allclose(a_sigma, d * d / np.cos(np.radians(30.0)), rtol=1e-12)
    assert np.all(area[2] > 0)
    # sensor to the east at 40 deg incidence: the slope faces away, local incidence 40 + 30 = 70 deg
    look = (np.sin(np.radians(40.0)), 0.0, np.cos(np.radians(40.0)))
    a_gamma, _, cos_lia = illuminated_areas(area, look)
    np.testing.assert_allclose(cos_lia, np.cos(np.radians(70.0)), atol=1e-12)
    np.testing.assert_allclose(a_gamma, a_sigma * np.cos(np.radians(70.0)), rtol=1e-12)
    # sensor to the west: the slope faces it, local incidence 10 deg
    look_w = (-np.sin(np.radians(40.0)), 0.0, np.cos(np.radians(40.0)))
    _, _, cos_w = illuminated_areas(area, look_w)
    np.testing.assert_allclose(np.degrees(np.arccos(cos_w)), 10.0, atol=1e-9)
    # sensor to the east at 70 deg incidence: beyond the slope's back face -> no illuminated area
    look_low = (np.sin(np.radians(70.0)), 0.0, np.cos(np.radians(70.0)))
    a_gamma_low, _, cos_low = illuminated_areas(area, look_low)
    assert np.all(cos_low < 0) and np.all(a_gamma_low == 0)


def test_bilinear_distribution_conserves_area_and_reads_back_constants():
    rng = np.random.default_rng(3)
    line = rng.uniform(2, 30, 5000)
    pixel = rng.uniform(3, 40, 5000)
    w = rng.uniform(0, 2, 5000)
    acc = distribute_bilinear(line, pixel, w, 0, 0, (40, 50))
    assert acc.sum() == pytest.approx(w.sum(), rel=1e-12)
    # a single facet at (10.25, 20.5) spreads 0.375/0.375/0.125/0.125
    one = distribute_bilinear(np.array([10.25]), np.array([20.5]), np.array([1.0]), 0, 0, (40, 50))
    assert one[10, 20] == pytest.approx(0.375) and one[11, 21] == pytest.approx(0.125)
    # several weights at once
    a, b = distribute_bilinear(line, pixel, (w, 2 * w), 0, 0, (40, 50))
    np.testing.assert_allclose(b, 2 * a)
    const = np.full((40, 50), 7.0)
    np.testing.assert_allclose(read_bilinear(const, line, pixel, 0, 0), 7.0)
    ramp = np.add.outer(np.arange(40.0), 10 * np.arange(50.0))
    np.testing.assert_allclose(read_bilinear(ramp, line, pixel, 0, 0), line + 10 * pixel, rtol=1e-12)
    assert np.isnan(read_bilinear(const, np.array([45.0]), np.array([3.0]), 0, 0)[0])


def _profile_geometry(z, g, sensor_height=700e3, sensor_offset=-400e3):
    """Slant range and look angle along one range line for a flat-Earth sensor at (offset, height)."""
    dx = g - sensor_offset
    dz = sensor_height - z
    return np.hypot(dx, dz), np.arctan2(dx, dz)


def _brute_force(g, r, a):
    n = g.size
    lay = np.zeros(n, bool)
    sha = np.zeros(n, bool)
    for i in range(n):
        nearer = g < g[i]
        farther = g > g[i]
        lay[i] = np.any(r[nearer] > r[i]) or np.any(r[farther] < r[i])
        sha[i] = np.any(a[nearer] > a[i])
    return lay, sha


def test_layover_and_shadow_match_brute_force_on_range_lines():
    g = np.arange(0.0, 6000.0, 10.0)
    lines = []
    for k, (peak, width) in enumerate(((2500.0, 300.0), (3000.0, 600.0), (2000.0, 150.0))):
        z = 1500.0 * np.exp(-((g - 3000.0) ** 2) / (2 * width ** 2)) * peak / 2500.0
        lines.append(z)
    times, grs, rs, angs, ref_l, ref_s = [], [], [], [], [], []
    for k, z in enumerate(lines):
        r, a = _profile_geometry(z, g)
        lay, sha = _brute_force(g, r, a)
        times.append(np.full(g.size, 0.01 * k))
        grs.append(g)
        rs.append(r)
        angs.append(a)
        ref_l.append(lay)
        ref_s.append(sha)
    t, gg, rr, aa = (np.concatenate(v) for v in (times, grs, rs, angs))
    order = np.random.default_rng(0).permutation(t.size)     # input order must not matter
    lay, sha = layover_shadow(t[order], gg[order], rr[order], aa[order], azimuth_bin_s=0.005, tolerance_m=0.0,
                              ground_bin_m=1.0)
    inv = np.argsort(order)
    lay, sha = lay[inv], sha[inv]
    ref_l, ref_s = np.concatenate(ref_l), np.concatenate(ref_s)
    assert ref_l.sum() > 50 and ref_s.sum() > 50            # the profiles do have both
    np.testing.assert_array_equal(lay, ref_l)
    np.testing.assert_array_equal(sha, ref_s)


def test_no_layover_or_shadow_on_gentle_terrain():
    g = np.arange(0.0, 6000.0, 10.0)
    z = 200.0 * np.sin(g / 700.0)                             # slopes below 17 deg
    r, a = _profile_geometry(z, g)
    lay, sha = layover_shadow(np.zeros(g.size), g, r, a, azimuth_bin_s=1.0, tolerance_m=5.0)
    assert not lay.any() and not sha.any()
