"""Stage 2, facet geometry: what the radar sees of every DEM facet of a tile.

The DEM is sampled at the *vertices* of a fine grid (the output grid oversampled k times, plus a
halo); a facet is the quadrilateral between 4 neighbouring vertices (vertex arrays (ny+1, nx+1),
facet arrays (ny, nx)). Per facet, at its centre (mean of the corners):

- the vector area A (m^2, ECEF): half the cross product of the diagonals (exact for a planar
  quadrilateral), oriented to the side of the ellipsoid normal u; A_sigma = |A| (surface area);
- zero-Doppler time t (s) and slant range R (m) (:mod:`..geometry.zero_doppler`, first guesses
  from a lattice of every 16th facet, on a short polynomial of the orbit over the tile's times);
- the unit vector l to the sensor; A_gamma = max(A . l, 0), the area projected perpendicular to the
  look direction (Small 2011); cos(local incidence) = A . l / |A| (negative: facing away);
  cos(ellipsoid incidence) = u . l;
- the ground along-track speed (m per s of azimuth time) of the zero-Doppler point, which times a
  line interval is the azimuth size of a radar cell there;
- for the layover/shadow search: the look key -cos(off-nadir look angle) (orders facets as the
  look angle does, without an arccos) and the ground range (sensor to the facet's foot on the
  ellipsoid, m);
- over the tile: the steepest facet's cos(slope) and the extreme cos(ellipsoid incidence)
  (:class:`GeometryExtremes`, for the gentle-tile rule of :mod:`.layover_shadow`).

:func:`facet_geometry` runs the numpy reference or the compiled kernel (one loop per facet, the
zero-Doppler Newton of :func:`..geometry.zero_doppler.newton_on_polynomial` inside); both give the
same numbers (to rounding). Facets with a NaN corner are NaN (``valid`` False).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Optional, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from ..geometry.ellipsoid import WGS84_E2
from ..geometry.lattice import lattice_weights
from ..geometry.orbit_polynomial import OrbitPolynomial, Vec3
from ..geometry.zero_doppler import (STOP_STEP_S, azimuth_spacing_factor, interpolate_seeds,
                                     newton_on_polynomial, seed_lattice_from_vertices, solve)
from .workspace import scratch


class GeometryExtremes(NamedTuple):
    """Over the finite facets of nonzero area of a tile: the smallest cos(slope) (facet normal
    against the ellipsoid normal), the largest and the smallest cos(ellipsoid incidence) (1, -inf,
    inf when there is none)."""

    min_cos_slope: float
    max_cos_incidence: float
    min_cos_incidence: float


@dataclass
class FacetGeometry:
    """Per-facet geometry of a tile (arrays (ny, nx); NaN where the DEM has no value); see the
    module docstring. ``layover`` and ``shadow`` are set by :mod:`.layover_shadow` (through
    :func:`.tile.tile_geometry_ecef`, which also zeroes the areas of shadowed facets)."""

    time_s: np.ndarray
    slant_range_m: np.ndarray
    along_track_m_per_s: np.ndarray
    area_gamma_m2: np.ndarray
    area_sigma_m2: np.ndarray
    cos_local_incidence: np.ndarray
    cos_ellipsoid_incidence: np.ndarray
    area_vector: Vec3
    to_sensor: Vec3
    height_m: np.ndarray              # ellipsoidal height of the facet centre (mean of its corners)
    look_key: np.ndarray              # -cos(off-nadir look angle)
    ground_range_m: np.ndarray
    valid: np.ndarray                 # DEM (all four corners) available
    extremes: GeometryExtremes
    layover: Optional[np.ndarray] = None
    shadow: Optional[np.ndarray] = None


def facet_centres(v: np.ndarray) -> np.ndarray:
    """Mean of each facet's 4 corner values: (ny+1, nx+1) -> (ny, nx)."""
    return 0.25 * (v[:-1, :-1] + v[:-1, 1:] + v[1:, :-1] + v[1:, 1:])


def facet_area_vectors(vertices: Vec3, up: Vec3) -> Vec3:
    """Vector area (m^2, ECEF components) of each facet, oriented to the side of ``up`` (an upward
    direction per facet or broadcastable); a facet collapsed by repeated vertices has area 0."""
    x, y, z = vertices
    d1 = (x[1:, 1:] - x[:-1, :-1], y[1:, 1:] - y[:-1, :-1], z[1:, 1:] - z[:-1, :-1])
    d2 = (x[1:, :-1] - x[:-1, 1:], y[1:, :-1] - y[:-1, 1:], z[1:, :-1] - z[:-1, 1:])
    ax = 0.5 * (d1[1] * d2[2] - d1[2] * d2[1])
    ay = 0.5 * (d1[2] * d2[0] - d1[0] * d2[2])
    az = 0.5 * (d1[0] * d2[1] - d1[1] * d2[0])
    sign = np.where(ax * up[0] + ay * up[1] + az * up[2] < 0, -1.0, 1.0)
    return ax * sign, ay * sign, az * sign


def illuminated_areas(area: Vec3, to_sensor: Vec3) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A_gamma, A_sigma, cos_local_incidence) per facet from its vector area and unit look vector.
    A_gamma is clipped at 0 (facets facing away receive nothing); the cosine is not."""
    a_sigma = np.sqrt(area[0] ** 2 + area[1] ** 2 + area[2] ** 2)
    projected = area[0] * to_sensor[0] + area[1] * to_sensor[1] + area[2] * to_sensor[2]
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_lia = projected / a_sigma
    return np.maximum(projected, 0.0), a_sigma, cos_lia


def ellipsoid_normal(points: Vec3, one_minus_e2: float = 1.0 - WGS84_E2) -> Vec3:
    """Unit outward ellipsoid normal at ECEF points: (x, y, z / (1 - e^2)) normalised; exact on the
    ellipsoid, within ~1e-6 rad of the geodetic vertical at heights of a few km."""
    x, y, z = points
    zz = z / one_minus_e2
    norm = np.sqrt(x * x + y * y + zz * zz)
    return x / norm, y / norm, zz / norm


def tile_orbit(seeds, orbit: OrbitPolynomial) -> OrbitPolynomial:
    """A short polynomial of ``orbit`` over the solved lattice times (its margin covers the facets
    in between): cheaper to evaluate than the run's."""
    finite = np.isfinite(seeds.time_s)
    if not finite.any():
        return orbit
    return orbit.local(float(seeds.time_s[finite].min()), float(seeds.time_s[finite].max()))


# rows of the compiled kernel's output
(T, RANGE, ALONG, A_GAMMA, A_SIGMA, COS_LIA, COS_ELL, AX, AY, AZ, LX, LY, LZ, HEIGHT, LOOK_KEY, GROUND) = range(16)


#: Facets the numpy path works on at once: the temporaries of a chunk stay in the CPU's cache (on
#: whole tiles numpy's passes over the arrays were bound by memory traffic).
NUMPY_CHUNK_FACETS = 8192


def _facet_rows_numpy(vx, vy, vz, height_m, guess, orbit: OrbitPolynomial, out, extremes) -> None:
    """The rows T .. GROUND of the facets between vertex rows ``vx`` etc. (a chunk of a tile) into
    ``out``, and their extremes folded into ``extremes`` (min cos slope, max and min cos incidence)."""
    cx, cy, cz = facet_centres(vx), facet_centres(vy), facet_centres(vz)
    h_c = facet_centres(height_m)
    valid = np.isfinite(cx)
    ux, uy, uz = ellipsoid_normal((cx, cy, cz))
    ax, ay, az = facet_area_vectors((vx, vy, vz), (ux, uy, uz))
    a2 = ax * ax + ay * ay + az * az
    collapsed = a2 < 1e-20                      # as the kernel: rounding-noise area is 0
    if collapsed.any():
        for c in (ax, ay, az, a2):
            c[collapsed] = 0.0
    sol = solve.numpy((cx, cy, cz), orbit, guess)
    sx, sy, sz = sol.sat_position
    dx, dy, dz = cx - sx, cy - sy, cz - sz              # satellite to facet
    inv_rng = 1.0 / sol.slant_range_m
    lx, ly, lz = dx * -inv_rng, dy * -inv_rng, dz * -inv_rng
    a_gamma, a_sigma, cos_lia = illuminated_areas((ax, ay, az), (lx, ly, lz))
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_slope = (ax * ux + ay * uy + az * uz) / a_sigma
    cos_ell = ux * lx + uy * ly + uz * lz
    counted = valid & (a_sigma > 0)
    if counted.any():
        extremes[0] = min(extremes[0], float(cos_slope[counted].min()))
        extremes[1] = max(extremes[1], float(cos_ell[counted].max()))
        extremes[2] = min(extremes[2], float(cos_ell[counted].min()))
    out[T] = sol.time_s
    out[RANGE] = sol.slant_range_m
    out[ALONG] = azimuth_spacing_factor((cx, cy, cz), sol)
    out[A_GAMMA] = a_gamma
    out[A_SIGMA] = a_sigma
    out[COS_LIA] = cos_lia
    out[COS_ELL] = cos_ell
    out[AX], out[AY], out[AZ] = ax, ay, az
    out[LX], out[LY], out[LZ] = lx, ly, lz
    out[HEIGHT] = h_c
    np.clip((dx * sx + dy * sy + dz * sz) * inv_rng / np.sqrt(sx * sx + sy * sy + sz * sz), -1.0, 1.0,
            out=out[LOOK_KEY])
    # the facet's foot on the ellipsoid: P - h * up (exact along the normal, to ~1e-6 rad of its tilt)
    out[GROUND] = np.sqrt((dx - h_c * ux) ** 2 + (dy - h_c * uy) ** 2 + (dz - h_c * uz) ** 2)
    if not valid.all():
        heights = out[HEIGHT].copy()
        out[:, ~valid] = np.nan
        out[HEIGHT] = heights


def _facet_geometry_numpy(vx, vy, vz, height_m, orbit: OrbitPolynomial, workspace=None) -> FacetGeometry:
    ny, nx = vx.shape[0] - 1, vx.shape[1] - 1
    seeds = seed_lattice_from_vertices((vx, vy, vz), orbit)
    local = tile_orbit(seeds, orbit)
    guess = interpolate_seeds(seeds, ny, nx, local.t_mid_s)
    out = scratch(workspace, "facet geometry", (16, ny, nx))
    extremes = [1.0, -np.inf, np.inf]
    step = max(1, NUMPY_CHUNK_FACETS // max(nx, 1))
    for r0 in range(0, ny, step):
        r1 = min(ny, r0 + step)
        v = slice(r0, r1 + 1)
        _facet_rows_numpy(vx[v], vy[v], vz[v], height_m[v], guess[r0:r1], local, out[:, r0:r1], extremes)
    return _facet_geometry_of(out, _valid_facets(vx), extremes)


#: Facets the compiled kernel computes at once along a row: its block buffer (:data:`_BLOCK_ROWS`
#: rows of this many float64) stays in the L1 cache.
BLOCK = 256
#: Orbit-polynomial coefficients the vectorised block takes (degree <= 5; lower degrees zero-padded,
#: which changes no bit of Horner's result); a higher degree goes facet by facet.
BLOCK_COEFFS = 6
# block rows after T .. GROUND: the Newton first guess, "Newton needs more steps", cos(slope)
SEED, MORE_STEPS, COS_SLOPE = 16, 17, 18
_BLOCK_ROWS = 19


@jit
def _facet_one(vx, vy, vz, h, i, j, t0, coeffs, t_mid, inv_half, lo, hi, inv_ome2, out):
    """Facet (i, j) into out[:, i, j], Newton from ``t0`` until it converges (the facet-by-facet form
    of :func:`_facet_block`); returns (A_sigma, cos slope, cos ellipsoid incidence) for the extremes."""
    nan = np.nan
    x00 = vx[i, j]; x01 = vx[i, j + 1]; x10 = vx[i + 1, j]; x11 = vx[i + 1, j + 1]
    y00 = vy[i, j]; y01 = vy[i, j + 1]; y10 = vy[i + 1, j]; y11 = vy[i + 1, j + 1]
    z00 = vz[i, j]; z01 = vz[i, j + 1]; z10 = vz[i + 1, j]; z11 = vz[i + 1, j + 1]
    cx = 0.25 * (x00 + x01 + x10 + x11)
    cy = 0.25 * (y00 + y01 + y10 + y11)
    cz = 0.25 * (z00 + z01 + z10 + z11)
    hc = 0.25 * (h[i, j] + h[i, j + 1] + h[i + 1, j] + h[i + 1, j + 1])
    if not np.isfinite(cx):
        for q in range(16):
            out[q, i, j] = nan
        out[HEIGHT, i, j] = hc
        return nan, nan, nan
    zz = cz * inv_ome2
    inv_nrm = 1.0 / math.sqrt(cx * cx + cy * cy + zz * zz)
    ux = cx * inv_nrm; uy = cy * inv_nrm; uz = zz * inv_nrm
    d1x = x11 - x00; d1y = y11 - y00; d1z = z11 - z00
    d2x = x10 - x01; d2y = y10 - y01; d2z = z10 - z01
    ax = 0.5 * (d1y * d2z - d1z * d2y)
    ay = 0.5 * (d1z * d2x - d1x * d2z)
    az = 0.5 * (d1x * d2y - d1y * d2x)
    # a facet collapsed by repeated vertices has parallel diagonals and a cross product of 0, but
    # fused multiply-adds leave its rounding error (~1e-15 m^2): below 1e-10 m^2 (no real facet is
    # that small) the area is 0, as numpy computes it
    a2 = ax * ax + ay * ay + az * az
    if a2 < 1e-20:
        ax = 0.0; ay = 0.0; az = 0.0; a2 = 0.0
    if ax * ux + ay * uy + az * uz < 0:
        ax = -ax; ay = -ay; az = -az
    t, sx, sy, sz, svx, svy, svz, sax, say, saz = newton_on_polynomial(cx, cy, cz, t0, coeffs, t_mid, inv_half,
                                                                       lo, hi)
    dx = cx - sx; dy = cy - sy; dz = cz - sz
    rng = math.sqrt(dx * dx + dy * dy + dz * dz)
    inv_rng = 1.0 / rng
    lx = -dx * inv_rng; ly = -dy * inv_rng; lz = -dz * inv_rng
    proj = ax * lx + ay * ly + az * lz
    a_sigma = math.sqrt(a2)
    v2 = svx * svx + svy * svy + svz * svz
    s_norm = math.sqrt(sx * sx + sy * sy + sz * sz)
    cos_a = -(dx * sx + dy * sy + dz * sz) * inv_rng / s_norm
    cos_a = min(max(cos_a, -1.0), 1.0)
    gx = cx - hc * ux - sx; gy = cy - hc * uy - sy; gz = cz - hc * uz - sz
    cos_ell = ux * lx + uy * ly + uz * lz
    out[T, i, j] = t
    out[RANGE, i, j] = rng
    out[ALONG, i, j] = (v2 - (dx * sax + dy * say + dz * saz)) / math.sqrt(v2)
    out[A_GAMMA, i, j] = max(proj, 0.0)
    out[A_SIGMA, i, j] = a_sigma
    out[COS_LIA, i, j] = proj / a_sigma
    out[COS_ELL, i, j] = cos_ell
    out[AX, i, j] = ax; out[AY, i, j] = ay; out[AZ, i, j] = az
    out[LX, i, j] = lx; out[LY, i, j] = ly; out[LZ, i, j] = lz
    out[HEIGHT, i, j] = hc
    out[LOOK_KEY, i, j] = -cos_a
    out[GROUND, i, j] = math.sqrt(gx * gx + gy * gy + gz * gz)
    return a_sigma, (ax * ux + ay * uy + az * uz) / a_sigma, cos_ell


@jit
def _facet_block(xa, xb, ya, yb, za, zb, ha, hb, c, t_mid, inv_half, lo, hi, inv_ome2, buf, m):
    """The rows T .. GROUND of ``m`` <= BLOCK facets between vertex rows a and b (1-D, from the
    block's first vertex) into the block buffer ``buf`` (row q at q * BLOCK), with one Newton step
    from the first guesses in its row SEED; MORE_STEPS is 1 where that step was not the last
    (:func:`_facet_one` then redoes the facet). The formulas of :func:`_facet_one` without branches
    and with the buffer as the only store target (uint64 indices: no wraparound), so that LLVM
    vectorises the loop; the polynomial has :data:`BLOCK_COEFFS` coefficients ``c`` (zero-padded)."""
    ih2 = inv_half * inv_half
    nan = np.nan
    c0x = c[0, 0]; c0y = c[0, 1]; c0z = c[0, 2]
    c1x = c[1, 0]; c1y = c[1, 1]; c1z = c[1, 2]
    c2x = c[2, 0]; c2y = c[2, 1]; c2z = c[2, 2]
    c3x = c[3, 0]; c3y = c[3, 1]; c3z = c[3, 2]
    c4x = c[4, 0]; c4y = c[4, 1]; c4z = c[4, 2]
    c5x = c[5, 0]; c5y = c[5, 1]; c5z = c[5, 2]
    for j in range(m):
        x00 = xa[j]; x01 = xa[j + 1]; x10 = xb[j]; x11 = xb[j + 1]
        y00 = ya[j]; y01 = ya[j + 1]; y10 = yb[j]; y11 = yb[j + 1]
        z00 = za[j]; z01 = za[j + 1]; z10 = zb[j]; z11 = zb[j + 1]
        cx = 0.25 * (x00 + x01 + x10 + x11)
        cy = 0.25 * (y00 + y01 + y10 + y11)
        cz = 0.25 * (z00 + z01 + z10 + z11)
        hc = 0.25 * (ha[j] + ha[j + 1] + hb[j] + hb[j + 1])
        zz = cz * inv_ome2
        inv_nrm = 1.0 / math.sqrt(cx * cx + cy * cy + zz * zz)
        ux = cx * inv_nrm; uy = cy * inv_nrm; uz = zz * inv_nrm
        d1x = x11 - x00; d1y = y11 - y00; d1z = z11 - z00
        d2x = x10 - x01; d2y = y10 - y01; d2z = z10 - z01
        ax = 0.5 * (d1y * d2z - d1z * d2y)
        ay = 0.5 * (d1z * d2x - d1x * d2z)
        az = 0.5 * (d1x * d2y - d1y * d2x)
        a2 = ax * ax + ay * ay + az * az
        collapsed = a2 < 1e-20
        sign = 0.0 if collapsed else (-1.0 if ax * ux + ay * uy + az * uz < 0 else 1.0)
        ax = ax * sign; ay = ay * sign; az = az * sign
        a2 = 0.0 if collapsed else a2
        te = min(max(buf[np.uint64(SEED * BLOCK + j)], lo), hi)
        u = (te - t_mid) * inv_half
        # Horner with derivatives (see ..geometry.zero_doppler.polynomial_state), unrolled
        px = c5x; py = c5y; pz = c5z
        qx = 0.0; qy = 0.0; qz = 0.0
        rx = 0.0; ry = 0.0; rz = 0.0
        rx = rx * u + 2.0 * qx; ry = ry * u + 2.0 * qy; rz = rz * u + 2.0 * qz
        qx = qx * u + px; qy = qy * u + py; qz = qz * u + pz
        px = px * u + c4x; py = py * u + c4y; pz = pz * u + c4z
        rx = rx * u + 2.0 * qx; ry = ry * u + 2.0 * qy; rz = rz * u + 2.0 * qz
        qx = qx * u + px; qy = qy * u + py; qz = qz * u + pz
        px = px * u + c3x; py = py * u + c3y; pz = pz * u + c3z
        rx = rx * u + 2.0 * qx; ry = ry * u + 2.0 * qy; rz = rz * u + 2.0 * qz
        qx = qx * u + px; qy = qy * u + py; qz = qz * u + pz
        px = px * u + c2x; py = py * u + c2y; pz = pz * u + c2z
        rx = rx * u + 2.0 * qx; ry = ry * u + 2.0 * qy; rz = rz * u + 2.0 * qz
        qx = qx * u + px; qy = qy * u + py; qz = qz * u + pz
        px = px * u + c1x; py = py * u + c1y; pz = pz * u + c1z
        rx = rx * u + 2.0 * qx; ry = ry * u + 2.0 * qy; rz = rz * u + 2.0 * qz
        qx = qx * u + px; qy = qy * u + py; qz = qz * u + pz
        px = px * u + c0x; py = py * u + c0y; pz = pz * u + c0z
        svx = qx * inv_half; svy = qy * inv_half; svz = qz * inv_half
        sax = rx * ih2; say = ry * ih2; saz = rz * ih2
        dx = cx - px; dy = cy - py; dz = cz - pz
        f = dx * svx + dy * svy + dz * svz
        fp = dx * sax + dy * say + dz * saz - (svx * svx + svy * svy + svz * svz)
        step = f / fp
        t = te - step
        buf[np.uint64(MORE_STEPS * BLOCK + j)] = 0.0 if abs(step) < STOP_STEP_S else 1.0
        # converged: the satellite state moved to t by a second-order Taylor step
        delta = t - te
        hd = 0.5 * delta * delta
        sx = px + svx * delta + sax * hd; sy = py + svy * delta + say * hd; sz = pz + svz * delta + saz * hd
        svx = svx + sax * delta; svy = svy + say * delta; svz = svz + saz * delta
        dx = cx - sx; dy = cy - sy; dz = cz - sz
        rng = math.sqrt(dx * dx + dy * dy + dz * dz)
        inv_rng = 1.0 / rng
        lx = -dx * inv_rng; ly = -dy * inv_rng; lz = -dz * inv_rng
        proj = ax * lx + ay * ly + az * lz
        a_sigma = math.sqrt(a2)
        v2 = svx * svx + svy * svy + svz * svz
        s_norm = math.sqrt(sx * sx + sy * sy + sz * sz)
        cos_a = -(dx * sx + dy * sy + dz * sz) * inv_rng / s_norm
        cos_a = min(max(cos_a, -1.0), 1.0)
        gx = cx - hc * ux - sx; gy = cy - hc * uy - sy; gz = cz - hc * uz - sz
        cos_ell = ux * lx + uy * ly + uz * lz
        ok = (cx - cx) == 0.0                      # finite (a NaN corner makes the facet NaN)
        buf[np.uint64(T * BLOCK + j)] = t if ok else nan
        buf[np.uint64(RANGE * BLOCK + j)] = rng if ok else nan
        buf[np.uint64(ALONG * BLOCK + j)] = (v2 - (dx * sax + dy * say + dz * saz)) / math.sqrt(v2) if ok else nan
        buf[np.uint64(A_GAMMA * BLOCK + j)] = max(proj, 0.0) if ok else nan
        buf[np.uint64(A_SIGMA * BLOCK + j)] = a_sigma if ok else nan
        buf[np.uint64(COS_LIA * BLOCK + j)] = proj / a_sigma if ok else nan
        buf[np.uint64(COS_ELL * BLOCK + j)] = cos_ell if ok else nan
        buf[np.uint64(AX * BLOCK + j)] = ax if ok else nan
        buf[np.uint64(AY * BLOCK + j)] = ay if ok else nan
        buf[np.uint64(AZ * BLOCK + j)] = az if ok else nan
        buf[np.uint64(LX * BLOCK + j)] = lx if ok else nan
        buf[np.uint64(LY * BLOCK + j)] = ly if ok else nan
        buf[np.uint64(LZ * BLOCK + j)] = lz if ok else nan
        buf[np.uint64(HEIGHT * BLOCK + j)] = hc
        buf[np.uint64(LOOK_KEY * BLOCK + j)] = -cos_a if ok else nan
        buf[np.uint64(GROUND * BLOCK + j)] = math.sqrt(gx * gx + gy * gy + gz * gz) if ok else nan
        buf[np.uint64(COS_SLOPE * BLOCK + j)] = (ax * ux + ay * uy + az * uz) / a_sigma


@jit
def _block_seeds(seed_row, seed_ci, seed_cw, buf, m):
    """Row SEED of the block buffer: the first guesses of its ``m`` facets, linear between the
    seed-lattice columns (``seed_row``: the lattice interpolated to this facet row)."""
    for j in range(m):
        kj = seed_ci[j]
        w = seed_cw[j]
        buf[np.uint64(SEED * BLOCK + j)] = seed_row[kj] * (1.0 - w) + seed_row[kj + 1] * w


@jit
def _block_row_out(buf, q, dst, m):
    """Block row ``q`` into ``dst[:m]`` (a loop of its own, so that it is vectorised)."""
    for j in range(m):
        dst[j] = buf[np.uint64(q * BLOCK + j)]


@jit
def _facet_kernel(vx, vy, vz, h, seed_ri, seed_rw, seed_ci, seed_cw, seed_t, coeffs, t_mid, inv_half, lo, hi,
                  one_minus_e2, out, extremes):
    """out (16, ny, nx): the rows T .. GROUND; NaN where a corner is NaN (HEIGHT: the mean height).
    Newton starts from the seed lattice ``seed_t`` (>= 2 x 2, finite) interpolated bilinearly with
    the interval indices and weights of the facet rows and columns. Blocks of :data:`BLOCK` facets
    of a row go through :func:`_facet_block` (vectorised), facets needing more Newton steps and
    polynomials of degree > 5 through :func:`_facet_one`."""
    ny = vx.shape[0] - 1
    nx = vx.shape[1] - 1
    inv_ome2 = 1.0 / one_minus_e2
    by_block = coeffs.shape[0] <= BLOCK_COEFFS
    c = np.zeros((BLOCK_COEFFS, 3))
    if by_block:
        for k in range(coeffs.shape[0]):
            for q in range(3):
                c[k, q] = coeffs[k, q]
    buf = np.empty(_BLOCK_ROWS * BLOCK)
    seed_row = np.empty(seed_t.shape[1])
    min_cos_slope = 1.0
    max_cos_ell = -np.inf
    min_cos_ell = np.inf
    for i in range(ny):
        ki = seed_ri[i]
        wi = seed_rw[i]
        for col in range(seed_t.shape[1]):
            seed_row[col] = seed_t[ki, col] * (1.0 - wi) + seed_t[ki + 1, col] * wi
        for j0 in range(0, nx, BLOCK):
            m = min(BLOCK, nx - j0)
            _block_seeds(seed_row, seed_ci[j0:], seed_cw[j0:], buf, m)
            if by_block:
                _facet_block(vx[i, j0:], vx[i + 1, j0:], vy[i, j0:], vy[i + 1, j0:], vz[i, j0:], vz[i + 1, j0:],
                             h[i, j0:], h[i + 1, j0:], c, t_mid, inv_half, lo, hi, inv_ome2, buf, m)
                for q in range(16):
                    _block_row_out(buf, q, out[q, i, j0:], m)
            for jj in range(m):
                if by_block and buf[np.uint64(MORE_STEPS * BLOCK + jj)] == 0.0:
                    a_sigma = buf[np.uint64(A_SIGMA * BLOCK + jj)]
                    cos_slope = buf[np.uint64(COS_SLOPE * BLOCK + jj)]
                    cos_ell = buf[np.uint64(COS_ELL * BLOCK + jj)]
                else:
                    a_sigma, cos_slope, cos_ell = _facet_one(vx, vy, vz, h, i, j0 + jj,
                                                             buf[np.uint64(SEED * BLOCK + jj)], coeffs, t_mid,
                                                             inv_half, lo, hi, inv_ome2, out)
                if a_sigma > 0:                    # finite, nonzero area
                    min_cos_slope = min(min_cos_slope, cos_slope)
                    max_cos_ell = max(max_cos_ell, cos_ell)
                    min_cos_ell = min(min_cos_ell, cos_ell)
    extremes[0] = min_cos_slope
    extremes[1] = max_cos_ell
    extremes[2] = min_cos_ell


@compiled_or_numpy(_facet_geometry_numpy)
def facet_geometry(vx: np.ndarray, vy: np.ndarray, vz: np.ndarray, height_m: np.ndarray, orbit: OrbitPolynomial,
                   workspace=None) -> FacetGeometry:
    """Per-facet geometry (:class:`FacetGeometry`) from the vertices' ECEF x, y, z (m) and
    ellipsoidal heights (m), arrays (ny+1, nx+1), and the run's orbit polynomial. ``workspace``: the
    compiled kernel writes its rows into its buffers (see :mod:`.workspace`)."""
    ny, nx = vx.shape[0] - 1, vx.shape[1] - 1
    seeds = seed_lattice_from_vertices((vx, vy, vz), orbit)
    local = tile_orbit(seeds, orbit)
    times = np.where(np.isfinite(seeds.time_s), seeds.time_s, float(local.t_mid_s))
    if times.shape[0] == 1:                       # a single lattice row or column: the kernel reads two
        times = np.concatenate([times, times], axis=0)
    if times.shape[1] == 1:
        times = np.concatenate([times, times], axis=1)
    row_index, row_weight = lattice_weights(seeds.rows, ny)
    col_index, col_weight = lattice_weights(seeds.cols, nx)
    out = scratch(workspace, "facet geometry", (16, ny, nx))
    extremes = np.empty(3)
    f64 = lambda a: np.ascontiguousarray(a, dtype=np.float64)   # noqa: E731
    _facet_kernel(f64(vx), f64(vy), f64(vz), f64(height_m), row_index, row_weight, col_index, col_weight,
                  np.ascontiguousarray(times), f64(local.coeffs), float(local.t_mid_s), 1.0 / float(local.half_span_s),
                  float(local.t_mid_s - local.half_span_s), float(local.t_mid_s + local.half_span_s),
                  1.0 - WGS84_E2, out, extremes)
    return _facet_geometry_of(out, _valid_facets(vx), extremes)


def _valid_facets(vx: np.ndarray) -> np.ndarray:
    """Facets whose four corners have a position (a DEM height)."""
    fin = np.isfinite(vx)
    return fin[:-1, :-1] & fin[:-1, 1:] & fin[1:, :-1] & fin[1:, 1:]


def _facet_geometry_of(out: np.ndarray, valid: np.ndarray, extremes) -> FacetGeometry:
    """The :class:`FacetGeometry` of the rows T .. GROUND of ``out`` (16, ny, nx)."""
    return FacetGeometry(out[T], out[RANGE], out[ALONG], out[A_GAMMA], out[A_SIGMA], out[COS_LIA], out[COS_ELL],
                         (out[AX], out[AY], out[AZ]), (out[LX], out[LY], out[LZ]), out[HEIGHT], out[LOOK_KEY],
                         out[GROUND], valid, GeometryExtremes(*(float(e) for e in extremes)))
