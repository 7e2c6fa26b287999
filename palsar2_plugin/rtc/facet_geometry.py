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
  (:class:`GeometryExtremes`, for the gentle-tile rule of :mod:`.layover_shadow`);
- per output pixel (when the tile's :class:`PixelCore` is given): the sums over its k x k facets
  with a DEM value of A and l, of cos(ellipsoid incidence) and height, and their number
  (:data:`PIXEL_SUMS`; what the mosaic needs of A and l, which are not kept per facet).

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
from ..geometry.lattice import RowUpsampler, lattice_weights
from ..geometry.orbit_polynomial import OrbitPolynomial, Vec3
from ..geometry.zero_doppler import (STOP_STEP_S, azimuth_spacing_factor, filled_seed_times,
                                     newton_on_polynomial, seed_lattice_from_vertices, solve)
from .workspace import ChunkScratch, scratch


class GeometryExtremes(NamedTuple):
    """Over the finite facets of nonzero area of a tile: the smallest cos(slope) (facet normal
    against the ellipsoid normal), the largest and the smallest cos(ellipsoid incidence) (1, -inf,
    inf when there is none)."""

    min_cos_slope: float
    max_cos_incidence: float
    min_cos_incidence: float


class PixelCore(NamedTuple):
    """The output pixels of a tile in its facet arrays: ``rows`` x ``cols`` pixels of k x k facets
    (k = ``oversampling``), after ``halo_rows`` and ``halo_cols`` halo facets."""

    oversampling: int
    halo_rows: int
    halo_cols: int
    rows: int
    cols: int


#: Per-pixel sums over the pixel's facets with a DEM value (:attr:`FacetGeometry.pixel_sums`, planes
#: in this order): their number, the vector area A (m^2, ECEF x, y, z), the unit look vector l,
#: cos(ellipsoid incidence) and height (m).
PIXEL_SUMS = ("n_valid", "area_x", "area_y", "area_z", "look_x", "look_y", "look_z", "cos_ellipsoid", "height")
(N_VALID, AREA_X, AREA_Y, AREA_Z, LOOK_X, LOOK_Y, LOOK_Z, SUM_COS_ELL, SUM_HEIGHT) = range(9)


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
    height_m: np.ndarray              # ellipsoidal height of the facet centre (mean of its corners)
    look_key: np.ndarray              # -cos(off-nadir look angle)
    ground_range_m: np.ndarray
    valid: np.ndarray                 # DEM (all four corners) available
    extremes: GeometryExtremes
    #: (9, rows, cols) per output pixel of the tile's PixelCore: the sums of :data:`PIXEL_SUMS`
    #: (None when no core was given)
    pixel_sums: Optional[np.ndarray] = None
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


# rows of the facet arrays (the geometry kept per facet)
(T, RANGE, ALONG, A_GAMMA, A_SIGMA, COS_LIA, COS_ELL, HEIGHT, LOOK_KEY, GROUND) = range(10)
FACET_ROWS = 10


#: Facets the numpy path works on at once: enough that numpy's per-call cost is small against the
#: work, few enough that the chunk's scratch arrays stay in the CPU's caches.
NUMPY_CHUNK_FACETS = 16384


def _corner_mean(v, out):
    """out = 0.25 (v00 + v01 + v10 + v11) of each facet of vertex rows ``v`` (:func:`facet_centres`)."""
    np.add(v[:-1, :-1], v[:-1, 1:], out=out)
    out += v[1:, :-1]
    out += v[1:, 1:]
    out *= 0.25
    return out


def _dot(ax, ay, az, bx, by, bz, out, tmp):
    """out = a . b (component arrays), in place."""
    np.multiply(ax, bx, out=out)
    np.multiply(ay, by, out=tmp)
    out += tmp
    np.multiply(az, bz, out=tmp)
    out += tmp
    return out


def _state_numpy(orbit: OrbitPolynomial, t, sc: ChunkScratch):
    """Satellite position, velocity and acceleration (ECEF, tuples of arrays in ``sc``) of an orbit
    polynomial at times ``t``: Horner on the coefficients of the polynomial and of its derivatives."""
    u = sc.get("u")
    np.subtract(t, orbit.t_mid_s, out=u)
    u *= 1.0 / orbit.half_span_s
    c = np.asarray(orbit.coeffs, dtype=np.float64)
    deg = c.shape[0] - 1
    k = np.arange(deg + 1, dtype=np.float64)
    dv = (k[1:, None] * c[1:]) / orbit.half_span_s                          # velocity: degree deg - 1
    da = (k[2:, None] * (k[2:, None] - 1.0) * c[2:]) / orbit.half_span_s ** 2   # acceleration
    states = []
    for name, coeffs in (("s", c), ("v", dv), ("a", da)):
        comps = []
        for q in range(3):
            out = sc.get(f"state_{name}{q}")
            if coeffs.shape[0] < 2:
                out.fill(coeffs[0, q] if coeffs.shape[0] else 0.0)
            else:
                np.multiply(u, coeffs[-1, q], out=out)
                out += coeffs[-2, q]
                for j in range(coeffs.shape[0] - 3, -1, -1):
                    out *= u
                    out += coeffs[j, q]
            comps.append(out)
        states.append(tuple(comps))
    return states


def _clamp(x, lo: float, hi: float, out):
    """out = min(max(x, lo), hi) (np.clip without its per-call overhead; NaN stays NaN)."""
    np.maximum(x, lo, out=out)
    return np.minimum(out, hi, out=out)


def _facet_rows_numpy(vx, vy, vz, height_m, seeds: RowUpsampler, rows, orbit: OrbitPolynomial, out, extremes,
                      sc: ChunkScratch):
    """The rows T .. GROUND of the facets between vertex rows ``vx`` etc. (a chunk of a tile) into
    ``out``, and their extremes folded into ``extremes`` (min cos slope, max and min cos incidence);
    returns the vectors A and l of the chunk's facets (ax, ay, az, lx, ly, lz; arrays of ``sc``). The
    formulas of the compiled kernel, in place on the scratch arrays of ``sc``: one Newton step for
    every facet, the rest of Newton (:func:`..geometry.zero_doppler.solve`) for the few that need it;
    its first guesses are the ``rows`` (first, end) of the interpolated seed lattice ``seeds``."""
    sc.start((rows[1] - rows[0], vx.shape[1] - 1))
    g = sc.get
    tmp = g("tmp")
    guess = seeds.rows(rows[0], rows[1], g("guess"), tmp)
    cx, cy, cz = (_corner_mean(v, g(name)) for v, name in ((vx, "cx"), (vy, "cy"), (vz, "cz")))
    h_c = _corner_mean(height_m, out[HEIGHT])
    valid = np.isfinite(cx, out=g("valid", np.bool_))
    with np.errstate(invalid="ignore", divide="ignore"):
        # ellipsoid normal u
        zz = np.divide(cz, 1.0 - WGS84_E2, out=g("uz"))
        norm = _dot(cx, cy, zz, cx, cy, zz, g("norm"), tmp)
        np.sqrt(norm, out=norm)
        ux, uy = np.divide(cx, norm, out=g("ux")), np.divide(cy, norm, out=g("uy"))
        uz = np.divide(zz, norm, out=zz)
        # vector area: half the cross product of the diagonals, towards u; rounding-noise area is 0
        d1 = [np.subtract(v[1:, 1:], v[:-1, :-1], out=g(f"d1{q}")) for q, v in enumerate((vx, vy, vz))]
        d2 = [np.subtract(v[1:, :-1], v[:-1, 1:], out=g(f"d2{q}")) for q, v in enumerate((vx, vy, vz))]
        area = []
        for q, (i, j) in enumerate(((1, 2), (2, 0), (0, 1))):
            a = np.multiply(d1[i], d2[j], out=g(f"area{q}"))
            a -= np.multiply(d1[j], d2[i], out=tmp)
            a *= 0.5
            area.append(a)
        ax, ay, az = area
        a2 = _dot(ax, ay, az, ax, ay, az, g("area_squared"), tmp)
        collapsed = np.less(a2, 1e-20, out=g("collapsed", np.bool_))
        if collapsed.any():
            for c in (ax, ay, az, a2):
                c[collapsed] = 0.0
        facing = _dot(ax, ay, az, ux, uy, uz, g("facing"), tmp)
        flip = np.less(facing, 0.0, out=g("flip", np.bool_))
        if flip.all():                                       # (the lattice's orientation: all or none)
            for c in (ax, ay, az):
                np.negative(c, out=c)
        elif flip.any():
            for c in (ax, ay, az):
                np.negative(c, out=c, where=flip)
        # one Newton step from the first guess, the state moved to its result (Taylor, 2nd order)
        te = _clamp(guess, orbit.t_mid_s - orbit.half_span_s, orbit.t_mid_s + orbit.half_span_s, g("te"))
        (sx, sy, sz), (svx, svy, svz), (sax, say, saz) = _state_numpy(orbit, te, sc)
        dx, dy, dz = (np.subtract(c, s_, out=g(f"dd{q}")) for q, (c, s_) in enumerate(((cx, sx), (cy, sy), (cz, sz))))
        f = _dot(dx, dy, dz, svx, svy, svz, g("f"), tmp)
        fp = _dot(dx, dy, dz, sax, say, saz, g("fp"), tmp)
        fp -= _dot(svx, svy, svz, svx, svy, svz, g("v2"), tmp)
        step = np.divide(f, fp, out=f)
        t = np.subtract(te, step, out=out[T])
        more = np.abs(step, out=fp) >= STOP_STEP_S
        more &= valid
        delta = np.negative(step, out=step)                 # t - te
        half = np.multiply(delta, delta, out=g("half"))
        half *= 0.5
        for p_, v_, a_ in ((sx, svx, sax), (sy, svy, say), (sz, svz, saz)):
            p_ += np.multiply(v_, delta, out=tmp)
            p_ += np.multiply(a_, half, out=tmp)
            v_ += np.multiply(a_, delta, out=tmp)
        if more.any():                                       # the rest of Newton for the few that need it
            idx = np.nonzero(more)
            sol = solve.numpy((cx[idx], cy[idx], cz[idx]), orbit, t[idx])
            t[idx] = sol.time_s
            for targets, values in ((((sx, sy, sz)), sol.sat_position), ((svx, svy, svz), sol.sat_velocity),
                                    ((sax, say, saz), sol.sat_acceleration)):
                for target, value in zip(targets, values):
                    target[idx] = value
        for q, (c, s_) in enumerate(((cx, sx), (cy, sy), (cz, sz))):
            np.subtract(c, s_, out=(dx, dy, dz)[q])
        rng = _dot(dx, dy, dz, dx, dy, dz, out[RANGE], tmp)
        np.sqrt(rng, out=rng)
        inv_rng = np.divide(-1.0, rng, out=g("inv_rng"))      # -1 / R
        lx, ly, lz = (np.multiply(d, inv_rng, out=g(f"l{q}")) for q, d in enumerate((dx, dy, dz)))
        a_sigma = np.sqrt(a2, out=out[A_SIGMA])
        proj = _dot(ax, ay, az, lx, ly, lz, g("proj"), tmp)
        np.divide(proj, a_sigma, out=out[COS_LIA])
        np.maximum(proj, 0.0, out=out[A_GAMMA])
        cos_slope = np.divide(facing, a_sigma, out=facing)
        np.abs(cos_slope, out=cos_slope)                   # A was turned towards u
        cos_ell = _dot(ux, uy, uz, lx, ly, lz, out[COS_ELL], tmp)
        counted = np.greater(a_sigma, 0.0, out=g("counted", np.bool_))
        if counted.any():
            where = True if counted.all() else counted      # (reductions without a mask are much cheaper)
            extremes[0] = min(extremes[0], float(np.min(cos_slope, where=where, initial=1.0)))
            extremes[1] = max(extremes[1], float(np.max(cos_ell, where=where, initial=-np.inf)))
            extremes[2] = min(extremes[2], float(np.min(cos_ell, where=where, initial=np.inf)))
        # along-track speed: (|V|^2 - d . A) / |V|
        v2 = _dot(svx, svy, svz, svx, svy, svz, g("v2"), tmp)
        along = np.subtract(v2, _dot(dx, dy, dz, sax, say, saz, out[ALONG], tmp), out=out[ALONG])
        along /= np.sqrt(v2, out=v2)
        # look key -cos(off-nadir angle) = d . S / (R |S|)
        key = _dot(dx, dy, dz, sx, sy, sz, out[LOOK_KEY], tmp)
        key *= inv_rng
        key /= np.sqrt(_dot(sx, sy, sz, sx, sy, sz, g("s2"), tmp), out=g("s2"))
        np.negative(key, out=key)
        _clamp(key, -1.0, 1.0, key)
        # ground range: the facet's foot on the ellipsoid, P - h u, to the sensor
        ground = out[GROUND]
        for q, (d, u_) in enumerate(((dx, ux), (dy, uy), (dz, uz))):
            term = ground if q == 0 else tmp
            np.multiply(u_, h_c, out=term)
            np.subtract(d, term, out=term)
            term *= term
            if q:
                ground += term
        np.sqrt(ground, out=ground)
    return ax, ay, az, lx, ly, lz


def chunk_rows(ny: int, step: int, core: Optional[PixelCore]):
    """(first, end) facet rows of the chunks of about ``step`` rows that a numpy stage works on: with a
    ``core``, its pixel rows are never split (a chunk in the core holds whole rows of pixels)."""
    if core is None:
        return [(r0, min(ny, r0 + step)) for r0 in range(0, ny, step)]
    k = core.oversampling
    top, bottom = core.halo_rows, core.halo_rows + k * core.rows
    edges = list(range(0, top, step)) + list(range(top, bottom, k * max(1, step // k))) + list(range(bottom, ny, step))
    return [(r0, r1) for r0, r1 in zip(edges, edges[1:] + [ny])]


def _facet_geometry_numpy(vx, vy, vz, height_m, orbit: OrbitPolynomial, workspace=None,
                          core: Optional[PixelCore] = None) -> FacetGeometry:
    ny, nx = vx.shape[0] - 1, vx.shape[1] - 1
    seeds = seed_lattice_from_vertices((vx, vy, vz), orbit)
    local = tile_orbit(seeds, orbit)
    guesses = RowUpsampler(filled_seed_times(seeds, local.t_mid_s), seeds.rows, seeds.cols, ny, nx)
    out = scratch(workspace, "facet geometry", (FACET_ROWS, ny, nx))
    extremes = [1.0, -np.inf, np.inf]
    sums = None
    if core is not None:                     # (the workspace's memory: no page faults)
        sums = scratch(workspace, "pixel sums", (len(PIXEL_SUMS), core.rows, core.cols))
        sums.fill(0.0)
    sc = ChunkScratch()
    for r0, r1 in chunk_rows(ny, max(1, NUMPY_CHUNK_FACETS // max(nx, 1)), core):
        v = slice(r0, r1 + 1)
        vectors = _facet_rows_numpy(vx[v], vy[v], vz[v], height_m[v], guesses, (r0, r1), local, out[:, r0:r1],
                                    extremes, sc)
        if sums is not None and core.halo_rows <= r0 < core.halo_rows + core.oversampling * core.rows:
            _pixel_sums_numpy(out[:, r0:r1], vectors, core, (r0 - core.halo_rows) // core.oversampling, sums, sc)
    return _facet_geometry_of(out, _valid_facets(vx), extremes, sums)


def _pixel_sums_numpy(rows, vectors, core: PixelCore, pixel_row0: int, sums, sc: ChunkScratch) -> None:
    """Add the chunk's core facets (whole pixel rows from ``pixel_row0``) into the pixel sums."""
    k = core.oversampling
    cols = slice(core.halo_cols, core.halo_cols + k * core.cols)
    n_facets = (rows.shape[1], k * core.cols)
    valid = np.isfinite(rows[T][:, cols], out=sc.flat("pixel valid", math.prod(n_facets), np.bool_).reshape(n_facets))
    every = valid.all()
    shape = (valid.shape[0] // k, core.cols)
    target = sums[:, pixel_row0:pixel_row0 + shape[0]]
    pixel_rows = sc.flat("pixel rows", shape[0] * n_facets[1]).reshape(shape[0], n_facets[1])
    summed = sc.flat("pixel summed", math.prod(shape)).reshape(shape)
    if every:                                        # k x k facets with a value in every pixel
        target[N_VALID] += k * k
        kept = None
    else:                                            # facets without a value count 0
        kept = sc.flat("pixel kept", valid.size).reshape(n_facets)
        np.copyto(kept, valid)
        target[N_VALID] += pixel_sums(kept, k, shape, summed, pixel_rows)
        invalid = np.logical_not(valid, out=sc.flat("pixel invalid", valid.size, np.bool_).reshape(n_facets))
    for q, values in zip((AREA_X, AREA_Y, AREA_Z, LOOK_X, LOOK_Y, LOOK_Z, SUM_COS_ELL, SUM_HEIGHT),
                         (*vectors, rows[COS_ELL], rows[HEIGHT])):
        values = values[:, cols]
        if kept is not None:
            np.copyto(kept, values)
            np.copyto(kept, 0.0, where=invalid)
            values = kept
        target[q] += pixel_sums(values, k, shape, summed, pixel_rows)


def pixel_sums(facet_values: np.ndarray, oversampling: int, shape: Tuple[int, int], out: Optional[np.ndarray] = None,
               rows: Optional[np.ndarray] = None) -> np.ndarray:
    """Sum the k x k facets of each output pixel: (k ny, k nx) core facets -> shape (ny, nx) (rows of
    the pixel's facets added first, then its columns); into ``out`` when given (``rows``: scratch
    of (ny, k nx))."""
    k = oversampling
    out = np.empty(shape) if out is None else out
    if k == 1:
        np.copyto(out, facet_values.reshape(shape))
        return out
    rows = np.empty((shape[0], facet_values.shape[1])) if rows is None else rows
    np.add(facet_values[0::k], facet_values[1::k], out=rows)
    for r in range(2, k):
        rows += facet_values[r::k]
    np.add(rows[:, 0::k], rows[:, 1::k], out=out)
    for c in range(2, k):
        out += rows[:, c::k]
    return out


#: Facets the compiled kernel computes at once along a row: its block buffer (:data:`_BLOCK_ROWS`
#: rows of this many float64) stays in the L1 cache.
BLOCK = 256
#: Orbit-polynomial coefficients the vectorised block takes (degree <= 5; lower degrees zero-padded,
#: which changes no bit of Horner's result); a higher degree goes facet by facet.
BLOCK_COEFFS = 6
# block rows after T .. GROUND: what the pixels sum (PIXEL_SUMS' order; 0 for a facet without a
# value), then the Newton first guess, "Newton needs more steps", cos(slope)
_SUMMED = FACET_ROWS
(_ONE, AX, AY, AZ, LX, LY, LZ, _COS_ELL_0, _HEIGHT_0) = range(_SUMMED, _SUMMED + 9)
SEED, MORE_STEPS, COS_SLOPE = _SUMMED + 9, _SUMMED + 10, _SUMMED + 11
_BLOCK_ROWS = _SUMMED + 12


@jit
def _facet_one(vx, vy, vz, h, i, j, jj, coeffs, t_mid, inv_half, lo, hi, inv_ome2, buf):
    """Facet (i, j) into entry ``jj`` of the block buffer (every row but SEED, from which Newton
    starts and which it runs until it converges): the facet-by-facet form of :func:`_facet_block`."""
    nan = np.nan
    x00 = vx[i, j]; x01 = vx[i, j + 1]; x10 = vx[i + 1, j]; x11 = vx[i + 1, j + 1]
    y00 = vy[i, j]; y01 = vy[i, j + 1]; y10 = vy[i + 1, j]; y11 = vy[i + 1, j + 1]
    z00 = vz[i, j]; z01 = vz[i, j + 1]; z10 = vz[i + 1, j]; z11 = vz[i + 1, j + 1]
    cx = 0.25 * (x00 + x01 + x10 + x11)
    cy = 0.25 * (y00 + y01 + y10 + y11)
    cz = 0.25 * (z00 + z01 + z10 + z11)
    hc = 0.25 * (h[i, j] + h[i, j + 1] + h[i + 1, j] + h[i + 1, j + 1])
    if not np.isfinite(cx):
        for q in range(FACET_ROWS):
            buf[np.uint64(q * BLOCK + jj)] = nan
        buf[np.uint64(HEIGHT * BLOCK + jj)] = hc
        for q in range(_SUMMED, _SUMMED + 9):
            buf[np.uint64(q * BLOCK + jj)] = 0.0
        buf[np.uint64(MORE_STEPS * BLOCK + jj)] = 0.0
        buf[np.uint64(COS_SLOPE * BLOCK + jj)] = nan
        return
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
    t0 = buf[np.uint64(SEED * BLOCK + jj)]
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
    values = (t, rng, (v2 - (dx * sax + dy * say + dz * saz)) / math.sqrt(v2), max(proj, 0.0), a_sigma,
              proj / a_sigma, cos_ell, hc, -cos_a, math.sqrt(gx * gx + gy * gy + gz * gz),
              1.0, ax, ay, az, lx, ly, lz, cos_ell, hc)
    for q in range(FACET_ROWS + 9):
        buf[np.uint64(q * BLOCK + jj)] = values[q]
    buf[np.uint64(MORE_STEPS * BLOCK + jj)] = 0.0
    buf[np.uint64(COS_SLOPE * BLOCK + jj)] = (ax * ux + ay * uy + az * uz) / a_sigma


@jit
def _facet_block(xa, xb, ya, yb, za, zb, ha, hb, c, t_mid, inv_half, lo, hi, inv_ome2, buf, m):
    """The rows T .. GROUND of ``m`` <= BLOCK facets between vertex rows a and b (1-D, from the
    block's first vertex) into the block buffer ``buf`` (row q at q * BLOCK), with one Newton step
    from the first guesses in its row SEED; MORE_STEPS is 1 where that step was not the last
    (:func:`_facet_one` then redoes the facet); the summed rows and COS_SLOPE. The formulas of
    :func:`_facet_one` without branches
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
        buf[np.uint64(_ONE * BLOCK + j)] = 1.0 if ok else 0.0
        buf[np.uint64(AX * BLOCK + j)] = ax if ok else 0.0
        buf[np.uint64(AY * BLOCK + j)] = ay if ok else 0.0
        buf[np.uint64(AZ * BLOCK + j)] = az if ok else 0.0
        buf[np.uint64(LX * BLOCK + j)] = lx if ok else 0.0
        buf[np.uint64(LY * BLOCK + j)] = ly if ok else 0.0
        buf[np.uint64(LZ * BLOCK + j)] = lz if ok else 0.0
        buf[np.uint64(_COS_ELL_0 * BLOCK + j)] = cos_ell if ok else 0.0
        buf[np.uint64(_HEIGHT_0 * BLOCK + j)] = hc if ok else 0.0
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
def _add_pixels(buf, row, k, dst, n):
    """dst[p] += the sum of block row ``row`` over facets p k .. p k + k - 1 (a pixel's k facets of
    this row, in order), for the block's ``n`` pixels."""
    if k == 1:
        for p in range(n):
            dst[p] += buf[np.uint64(row * BLOCK + p)]
    elif k == 2:
        for p in range(n):
            dst[p] += buf[np.uint64(row * BLOCK + 2 * p)] + buf[np.uint64(row * BLOCK + 2 * p + 1)]
    else:
        for p in range(n):
            s = 0.0
            for c in range(k):
                s += buf[np.uint64(row * BLOCK + p * k + c)]
            dst[p] += s


@jit
def _row_blocks(nx, k, hx, n_cols):
    """Block starts of a facet row: the core's blocks hold whole pixels (k facets each)."""
    starts = []
    for j0 in range(0, hx, BLOCK):
        starts.append(j0)
    core_end = hx + k * n_cols if k > 0 else hx
    step = (BLOCK // k) * k if k > 0 else BLOCK
    for j0 in range(hx, core_end, step):
        starts.append(j0)
    for j0 in range(core_end, nx, BLOCK):
        starts.append(j0)
    starts.append(nx)
    return starts


@jit
def _facet_kernel(vx, vy, vz, h, seed_ri, seed_rw, seed_ci, seed_cw, seed_t, coeffs, t_mid, inv_half, lo, hi,
                  one_minus_e2, out, extremes, core, sums):
    """out (FACET_ROWS, ny, nx): the rows T .. GROUND; NaN where a corner is NaN (HEIGHT: the mean
    height). Newton starts from the seed lattice ``seed_t`` (>= 2 x 2, finite) interpolated
    bilinearly with the interval indices and weights of the facet rows and columns. Blocks of
    :data:`BLOCK` facets of a row go through :func:`_facet_block` (vectorised), facets needing more
    Newton steps and polynomials of degree > 5 through :func:`_facet_one`. ``core`` (k, halo rows,
    halo cols, pixel rows, pixel cols; k = 0: none): ``sums`` (9, rows, cols) gets the pixel sums."""
    ny = vx.shape[0] - 1
    nx = vx.shape[1] - 1
    inv_ome2 = 1.0 / one_minus_e2
    k, hy, hx, n_rows, n_cols = core
    by_block = coeffs.shape[0] <= BLOCK_COEFFS
    c = np.zeros((BLOCK_COEFFS, 3))
    if by_block:
        for kk in range(coeffs.shape[0]):
            for q in range(3):
                c[kk, q] = coeffs[kk, q]
    buf = np.empty(_BLOCK_ROWS * BLOCK)
    seed_row = np.empty(seed_t.shape[1])
    starts = _row_blocks(nx, k, hx, n_cols)
    min_cos_slope = 1.0
    max_cos_ell = -np.inf
    min_cos_ell = np.inf
    for i in range(ny):
        ki = seed_ri[i]
        wi = seed_rw[i]
        for col in range(seed_t.shape[1]):
            seed_row[col] = seed_t[ki, col] * (1.0 - wi) + seed_t[ki + 1, col] * wi
        in_core = k > 0 and hy <= i < hy + k * n_rows
        for b in range(len(starts) - 1):
            j0 = starts[b]
            m = starts[b + 1] - j0
            _block_seeds(seed_row, seed_ci[j0:], seed_cw[j0:], buf, m)
            if by_block:
                _facet_block(vx[i, j0:], vx[i + 1, j0:], vy[i, j0:], vy[i + 1, j0:], vz[i, j0:], vz[i + 1, j0:],
                             h[i, j0:], h[i + 1, j0:], c, t_mid, inv_half, lo, hi, inv_ome2, buf, m)
            for jj in range(m):
                if not by_block or buf[np.uint64(MORE_STEPS * BLOCK + jj)] != 0.0:
                    _facet_one(vx, vy, vz, h, i, j0 + jj, jj, coeffs, t_mid, inv_half, lo, hi, inv_ome2, buf)
                if buf[np.uint64(A_SIGMA * BLOCK + jj)] > 0:           # finite, nonzero area
                    cos_ell = buf[np.uint64(COS_ELL * BLOCK + jj)]
                    min_cos_slope = min(min_cos_slope, buf[np.uint64(COS_SLOPE * BLOCK + jj)])
                    max_cos_ell = max(max_cos_ell, cos_ell)
                    min_cos_ell = min(min_cos_ell, cos_ell)
            for q in range(FACET_ROWS):
                _block_row_out(buf, q, out[q, i, j0:], m)
            if in_core and hx <= j0 < hx + k * n_cols:
                oi = (i - hy) // k
                p0 = (j0 - hx) // k
                for q in range(len(PIXEL_SUMS)):
                    _add_pixels(buf, _SUMMED + q, k, sums[q, oi, p0:], m // k)
    extremes[0] = min_cos_slope
    extremes[1] = max_cos_ell
    extremes[2] = min_cos_ell


@compiled_or_numpy(_facet_geometry_numpy)
def facet_geometry(vx: np.ndarray, vy: np.ndarray, vz: np.ndarray, height_m: np.ndarray, orbit: OrbitPolynomial,
                   workspace=None, core: Optional[PixelCore] = None) -> FacetGeometry:
    """Per-facet geometry (:class:`FacetGeometry`) from the vertices' ECEF x, y, z (m) and
    ellipsoidal heights (m), arrays (ny+1, nx+1), and the run's orbit polynomial. ``workspace``: the
    compiled kernel writes its rows into its buffers (see :mod:`.workspace`); ``core``: the tile's
    output pixels, whose sums (:data:`PIXEL_SUMS`) are wanted."""
    ny, nx = vx.shape[0] - 1, vx.shape[1] - 1
    seeds = seed_lattice_from_vertices((vx, vy, vz), orbit)
    local = tile_orbit(seeds, orbit)
    times = filled_seed_times(seeds, float(local.t_mid_s))
    if times.shape[0] == 1:                       # a single lattice row or column: the kernel reads two
        times = np.concatenate([times, times], axis=0)
    if times.shape[1] == 1:
        times = np.concatenate([times, times], axis=1)
    row_index, row_weight = lattice_weights(seeds.rows, ny)
    col_index, col_weight = lattice_weights(seeds.cols, nx)
    out = scratch(workspace, "facet geometry", (FACET_ROWS, ny, nx))
    extremes = np.empty(3)
    sums = np.zeros((len(PIXEL_SUMS),) + ((core.rows, core.cols) if core is not None else (0, 0)))
    f64 = lambda a: np.ascontiguousarray(a, dtype=np.float64)   # noqa: E731
    _facet_kernel(f64(vx), f64(vy), f64(vz), f64(height_m), row_index, row_weight, col_index, col_weight,
                  np.ascontiguousarray(times), f64(local.coeffs), float(local.t_mid_s), 1.0 / float(local.half_span_s),
                  float(local.t_mid_s - local.half_span_s), float(local.t_mid_s + local.half_span_s),
                  1.0 - WGS84_E2, out, extremes, tuple(int(v) for v in (core or (0, 0, 0, 0, 0))), sums)
    return _facet_geometry_of(out, _valid_facets(vx), extremes, sums if core is not None else None)


def _valid_facets(vx: np.ndarray) -> np.ndarray:
    """Facets whose four corners have a position (a DEM height)."""
    fin = np.isfinite(vx)
    return fin[:-1, :-1] & fin[:-1, 1:] & fin[1:, :-1] & fin[1:, 1:]


def _facet_geometry_of(out: np.ndarray, valid: np.ndarray, extremes, sums) -> FacetGeometry:
    """The :class:`FacetGeometry` of the rows T .. GROUND of ``out`` (FACET_ROWS, ny, nx)."""
    return FacetGeometry(out[T], out[RANGE], out[ALONG], out[A_GAMMA], out[A_SIGMA], out[COS_LIA], out[COS_ELL],
                         out[HEIGHT], out[LOOK_KEY], out[GROUND], valid, GeometryExtremes(*(float(e) for e in extremes)),
                         sums)
