"""The zero-Doppler solver of the plugin: azimuth time and slant range of ground points.

For each Earth-fixed point P the zero-Doppler time t solves f(t) = (P - S(t)) . V(t) = 0 with S, V
the satellite position and velocity (Earth-fixed); Newton's step uses f'(t) = (P - S) . A - |V|^2.
With a Doppler centroid f_dc the condition becomes (P - S) . V = (lambda f_dc / 2) |P - S|.
Times in seconds after the orbit's reference time, distances in metres (ECEF), points given as
NaN stay NaN.

One solver, two forms side by side:

- :func:`solve` (numpy reference): all points of an array iterated together, on an
  :class:`.orbit_polynomial.OrbitPolynomial` (fast) or a Hermite :class:`.orbit.Orbit`, with an
  optional Doppler centroid. It runs until every step is below :data:`STOP_STEP_S`; Newton converges
  quadratically, so the remaining error is then far below 1e-9 s (7 um along track), and the
  satellite state is moved to the final time with a second-order Taylor step instead of a new
  orbit evaluation. With a good first guess (:func:`seed_times`) this costs one orbit evaluation.
- :func:`newton_on_polynomial` (compiled, one point): the same iteration on an orbit polynomial,
  called from compiled kernels (the terrain-correction facet kernel) and by the compiled form of
  :func:`solve`.

What callers use it for: :func:`.range_doppler.geo_to_radar` / :func:`.range_doppler.zero_doppler_time`
(any orbit, any Doppler), :func:`radar_coordinates` (line and pixel of many points in a radar grid,
e.g. DEM points seen by a second acquisition), :mod:`.geocode` (any radar raster onto a map grid),
the terrain correction's facets and the simulator's terrain mesh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from .lattice import lattice_indices, upsample
from .orbit_polynomial import OrbitPolynomial, Vec3

#: Newton stops once every step is below this (s); the error left is then far below 1e-9 s.
STOP_STEP_S = 1e-4
MAX_ITERATIONS = 12


@dataclass
class ZeroDopplerSolution:
    """Per-point result: time (s), slant range (m), and the satellite state at that time (tuples of x, y, z)."""

    time_s: np.ndarray
    slant_range_m: np.ndarray
    sat_position: Vec3
    sat_velocity: Vec3
    sat_acceleration: Vec3


def _orbit_states(orbit):
    """(state(t) -> (pos, vel, acc) as tuples of arrays, earliest and latest time to evaluate, default
    first guess) of an OrbitPolynomial or a Hermite Orbit."""
    if isinstance(orbit, OrbitPolynomial):
        return orbit.state, orbit.t_mid_s - orbit.half_span_s, orbit.t_mid_s + orbit.half_span_s, orbit.t_mid_s

    def state(t):
        p, v, a = orbit.position_velocity_acceleration(t, check=False)
        return (p[..., 0], p[..., 1], p[..., 2]), (v[..., 0], v[..., 1], v[..., 2]), (a[..., 0], a[..., 1], a[..., 2])

    lo, hi = orbit.start_s - orbit.max_extrapolation_s, orbit.stop_s + orbit.max_extrapolation_s
    return state, lo, hi, 0.5 * (orbit.start_s + orbit.stop_s)


def _solve_numpy(points: Vec3, orbit, t_guess_s=None, *, half_lambda_doppler=None,
                 max_iterations: int = MAX_ITERATIONS) -> ZeroDopplerSolution:
    """Vectorised Newton (see :func:`solve`): each point iterates until its own step is below
    :data:`STOP_STEP_S` (as the compiled form does), later iterations only over the points that need them."""
    px, py, pz = (np.asarray(c, dtype=np.float64) for c in np.broadcast_arrays(*points))
    shape = px.shape
    px, py, pz = px.ravel(), py.ravel(), pz.ravel()
    n = px.size
    state, lo, hi, t_default = _orbit_states(orbit)
    if t_guess_s is None:
        t = np.full(n, t_default)
    else:
        t = np.array(np.broadcast_to(np.asarray(t_guess_s, dtype=np.float64), shape)).ravel()
        t[~np.isfinite(t)] = t_default
    k = half_lambda_doppler
    if k is not None and not callable(k):
        k = np.broadcast_to(np.asarray(k, dtype=np.float64), shape).ravel()
        if not np.any(k):
            k = None
    finite = np.isfinite(px) & np.isfinite(py) & np.isfinite(pz)
    t[~finite] = np.nan
    out = [np.full(n, np.nan) for _ in range(9)]            # sx, sy, sz, vx, vy, vz, ax, ay, az
    active = None if finite.all() else np.nonzero(finite)[0]    # None: every point (no gathering)
    for _ in range(max_iterations):
        if active is not None and active.size == 0:
            break
        sel = slice(None) if active is None else active
        te = np.clip(t[sel], lo, hi)
        (sx, sy, sz), (vx, vy, vz), (ax, ay, az) = state(te)
        dx, dy, dz = px[sel] - sx, py[sel] - sy, pz[sel] - sz
        vd = dx * vx + dy * vy + dz * vz
        v2 = vx * vx + vy * vy + vz * vz
        f = vd
        fp = dx * ax + dy * ay + dz * az - v2
        if k is not None:
            r = np.sqrt(dx * dx + dy * dy + dz * dz)
            kk = k(r) if callable(k) else k[sel]
            f = f - kk * r
            fp = fp + kk * vd / r
        step = f / fp
        t_new = te - step
        with np.errstate(invalid="ignore"):
            done = ~(np.abs(step) >= STOP_STEP_S)              # converged, or no step to take (NaN)
        # converged: the state moved to the final time by a second-order Taylor step
        delta = t_new - te
        half = 0.5 * delta * delta
        moved = (sx + vx * delta + ax * half, sy + vy * delta + ay * half, sz + vz * delta + az * half,
                 vx + ax * delta, vy + ay * delta, vz + az * delta, ax, ay, az)
        if active is None and done.all():
            t = t_new
            out = [np.array(m, dtype=np.float64, copy=False) for m in moved]
            active = np.empty(0, dtype=np.int64)
            break
        index = np.arange(n) if active is None else active
        finished = index[done]
        t[index] = t_new
        for o, m in zip(out, moved):
            o[finished] = m[done]
        active = index[~done]
    if active is None:
        active = np.arange(n)
    if active.size:                    # not converged within max_iterations: the state at the last time
        state_last = state(np.clip(t[active], lo, hi))
        for o, m in zip(out, (c for vec in state_last for c in vec)):
            o[active] = m
    out = [o.reshape(shape) for o in out]
    t = t.reshape(shape)
    px, py, pz = px.reshape(shape), py.reshape(shape), pz.reshape(shape)
    rng = np.sqrt((px - out[0]) ** 2 + (py - out[1]) ** 2 + (pz - out[2]) ** 2)
    return ZeroDopplerSolution(t, rng, tuple(out[0:3]), tuple(out[3:6]), tuple(out[6:9]))


@jit
def polynomial_state(coeffs, t_mid, inv_half, t):
    """Position (m), velocity (m/s) and acceleration (m/s^2) of an orbit polynomial at ``t`` (Horner
    with derivatives): nine floats sx, sy, sz, vx, vy, vz, ax, ay, az."""
    deg = coeffs.shape[0] - 1
    u = (t - t_mid) * inv_half
    px = coeffs[deg, 0]; py = coeffs[deg, 1]; pz = coeffs[deg, 2]
    qx = qy = qz = 0.0
    rx = ry = rz = 0.0
    for k in range(deg - 1, -1, -1):
        rx = rx * u + 2.0 * qx; ry = ry * u + 2.0 * qy; rz = rz * u + 2.0 * qz
        qx = qx * u + px; qy = qy * u + py; qz = qz * u + pz
        px = px * u + coeffs[k, 0]; py = py * u + coeffs[k, 1]; pz = pz * u + coeffs[k, 2]
    ih2 = inv_half * inv_half
    return px, py, pz, qx * inv_half, qy * inv_half, qz * inv_half, rx * ih2, ry * ih2, rz * ih2


@jit
def newton_on_polynomial(px, py, pz, t, coeffs, t_mid, inv_half, lo, hi):
    """Zero-Doppler time of the point (px, py, pz) from the first guess ``t`` on an orbit polynomial
    (coefficients, middle time, 1 / half span; evaluated within [lo, hi]): the iteration of
    :func:`solve`, for one point. Returns (t, sx, sy, sz, vx, vy, vz, ax, ay, az): the time and the
    satellite state there."""
    sx, sy, sz, vx, vy, vz, ax, ay, az = polynomial_state(coeffs, t_mid, inv_half, min(max(t, lo), hi))
    for iteration in range(MAX_ITERATIONS):
        te = min(max(t, lo), hi)
        if iteration > 0:
            sx, sy, sz, vx, vy, vz, ax, ay, az = polynomial_state(coeffs, t_mid, inv_half, te)
        dx = px - sx; dy = py - sy; dz = pz - sz
        f = dx * vx + dy * vy + dz * vz
        fp = dx * ax + dy * ay + dz * az - (vx * vx + vy * vy + vz * vz)
        step = f / fp
        t = te - step
        if abs(step) < STOP_STEP_S:
            delta = t - te
            hd = 0.5 * delta * delta
            sx = sx + vx * delta + ax * hd; sy = sy + vy * delta + ay * hd; sz = sz + vz * delta + az * hd
            vx = vx + ax * delta; vy = vy + ay * delta; vz = vz + az * delta
            return t, sx, sy, sz, vx, vy, vz, ax, ay, az
    sx, sy, sz, vx, vy, vz, ax, ay, az = polynomial_state(coeffs, t_mid, inv_half, min(max(t, lo), hi))
    return t, sx, sy, sz, vx, vy, vz, ax, ay, az


@jit
def _solve_points(px, py, pz, guess, coeffs, t_mid, inv_half, lo, hi, out):
    """out (11, n): time, slant range and the satellite state of every point (NaN where P is NaN)."""
    for q in range(px.size):
        if not (np.isfinite(px[q]) and np.isfinite(py[q]) and np.isfinite(pz[q])):
            for c in range(11):
                out[c, q] = np.nan
            continue
        t, sx, sy, sz, vx, vy, vz, ax, ay, az = newton_on_polynomial(px[q], py[q], pz[q], guess[q], coeffs, t_mid,
                                                                     inv_half, lo, hi)
        dx = px[q] - sx; dy = py[q] - sy; dz = pz[q] - sz
        out[0, q] = t
        out[1, q] = math.sqrt(dx * dx + dy * dy + dz * dz)
        out[2, q] = sx; out[3, q] = sy; out[4, q] = sz
        out[5, q] = vx; out[6, q] = vy; out[7, q] = vz
        out[8, q] = ax; out[9, q] = ay; out[10, q] = az


@compiled_or_numpy(_solve_numpy)
def solve(points: Vec3, orbit, t_guess_s=None, *, half_lambda_doppler=None,
          max_iterations: int = MAX_ITERATIONS) -> ZeroDopplerSolution:
    """Solve the zero-Doppler condition for ECEF ``points`` (x, y, z arrays of one shape, metres) on
    ``orbit`` (an OrbitPolynomial, or a Hermite Orbit). ``t_guess_s``: first guess (scalar or array;
    default the middle of the orbit; NaN guesses too). ``half_lambda_doppler``: lambda f_dc / 2 (m/s;
    a number, an array of the points' shape, or a function of the slant range) for a Doppler
    centroid other than zero. The orbit is evaluated within its span (a point it does not see gets
    a time outside it, extrapolated from the span's end: callers check).

    Compiled (one point at a time, :func:`newton_on_polynomial`) for polynomial orbits at zero Doppler."""
    if not isinstance(orbit, OrbitPolynomial) or half_lambda_doppler is not None or max_iterations != MAX_ITERATIONS:
        return _solve_numpy(points, orbit, t_guess_s, half_lambda_doppler=half_lambda_doppler,
                            max_iterations=max_iterations)
    px, py, pz = (np.ascontiguousarray(np.asarray(c, dtype=np.float64)) for c in np.broadcast_arrays(*points))
    shape = px.shape
    guess = np.full(shape, orbit.t_mid_s) if t_guess_s is None else \
        np.array(np.broadcast_to(np.asarray(t_guess_s, dtype=np.float64), shape))
    guess = np.where(np.isfinite(guess), guess, orbit.t_mid_s)
    out = np.empty((11, px.size))
    _solve_points(px.ravel(), py.ravel(), pz.ravel(), guess.ravel(), np.ascontiguousarray(orbit.coeffs, dtype=np.float64),
                  float(orbit.t_mid_s), 1.0 / float(orbit.half_span_s), float(orbit.t_mid_s - orbit.half_span_s),
                  float(orbit.t_mid_s + orbit.half_span_s), out)
    rows = [row.reshape(shape) for row in out]
    return ZeroDopplerSolution(rows[0], rows[1], tuple(rows[2:5]), tuple(rows[5:8]), tuple(rows[8:11]))


# ------------------------------------------------------------------------------------------ first guesses
class SeedLattice(NamedTuple):
    """Zero-Doppler times (s) solved exactly at the points of lattice ``rows`` x ``cols`` (increasing
    indices of a 2-D grid of points, first and last included); NaN where a point has no position.
    Guesses in between are bilinear in the indices (:func:`interpolate_seeds`, or inside a compiled
    kernel with the weights of :func:`.lattice.lattice_weights`)."""

    rows: np.ndarray
    cols: np.ndarray
    time_s: np.ndarray


def seed_times(points: Vec3, orbit, step: int = 16) -> np.ndarray:
    """First guesses of the zero-Doppler time of a 2-D grid of points (arrays (ny, nx)): solved
    exactly on every ``step``-th point each way (and the last row/column), bilinear in between (the
    zero-Doppler time varies smoothly over a tile, so one Newton step from this guess is enough)."""
    ny, nx = np.shape(points[0])
    rows, cols = lattice_indices(ny, nx, step)
    coarse = tuple(np.asarray(c)[np.ix_(rows, cols)] for c in points)
    return interpolate_seeds(SeedLattice(rows, cols, solve(coarse, orbit).time_s), ny, nx, _orbit_states(orbit)[3])


def seed_lattice_from_vertices(vertices: Vec3, orbit, step: int = 16) -> SeedLattice:
    """The :class:`SeedLattice` of the facet centres of vertex arrays (ny+1, nx+1), every ``step``-th
    facet, computing the centres (mean of the 4 corners) only there."""
    ny, nx = np.shape(vertices[0])
    rows, cols = lattice_indices(ny - 1, nx - 1, step)
    coarse = []
    for v in vertices:
        v = np.asarray(v)
        coarse.append(0.25 * (v[np.ix_(rows, cols)] + v[np.ix_(rows, cols + 1)] + v[np.ix_(rows + 1, cols)]
                              + v[np.ix_(rows + 1, cols + 1)]))
    return SeedLattice(rows, cols, solve(tuple(coarse), orbit).time_s)


def _fill_line(values: np.ndarray, index: np.ndarray) -> bool:
    """NaN entries of ``values`` (at increasing ``index``) in place, linear through the nearest two
    finite ones (extrapolated at the ends; constant with only one); False when none is finite."""
    ok = np.isfinite(values)
    if ok.all():
        return True
    n = int(ok.sum())
    if n == 0:
        return False
    if n == 1:
        values[~ok] = values[ok][0]
        return True
    x, y = index[ok].astype(np.float64), values[ok]
    missing = index[~ok].astype(np.float64)
    filled = np.interp(missing, x, y)
    left, right = missing < x[0], missing > x[-1]
    filled[left] = y[0] + (missing[left] - x[0]) * (y[1] - y[0]) / (x[1] - x[0])
    filled[right] = y[-1] + (missing[right] - x[-1]) * (y[-1] - y[-2]) / (x[-1] - x[-2])
    values[~ok] = filled
    return True


def filled_seed_times(lattice: SeedLattice, default_s: float) -> np.ndarray:
    """The lattice's times with the points without a position (NaN: no DEM there) filled linearly
    from their lattice row (else column) neighbours: the zero-Doppler time is nearly linear over a
    tile, so the facets next to a DEM gap or edge still start Newton close to their solution
    (``default_s`` was a poor guess there, costing them extra steps); ``default_s`` where nothing is known."""
    t = np.array(lattice.time_s, dtype=np.float64)
    if np.isfinite(t).all():
        return t
    done_rows = [_fill_line(t[i], lattice.cols) for i in range(t.shape[0])]
    if not all(done_rows):
        for j in range(t.shape[1]):
            _fill_line(t[:, j], lattice.rows)
    t[~np.isfinite(t)] = default_s
    return t


def interpolate_seeds(lattice: SeedLattice, ny: int, nx: int, default_s: float) -> np.ndarray:
    """The (ny, nx) first guesses of a :class:`SeedLattice` (its gaps filled, :func:`filled_seed_times`)."""
    return upsample(filled_seed_times(lattice, default_s), lattice.rows, lattice.cols, ny, nx)


# ------------------------------------------------------------------------------------------ of the solution
def azimuth_spacing_factor(points: Vec3, sol: ZeroDopplerSolution) -> np.ndarray:
    """Along-track distance (m) on the ground per second of zero-Doppler time at each point.

    From the implicit function theorem, grad t = V / (|V|^2 - (P - S) . A), so moving the point by
    one metre along V changes t by |V| / (|V|^2 - (P - S) . A). Its inverse, times a line interval,
    is the azimuth size of a radar cell at the point (the one exact for the local geometry).
    """
    px, py, pz = points
    sx, sy, sz = sol.sat_position
    vx, vy, vz = sol.sat_velocity
    ax, ay, az = sol.sat_acceleration
    v2 = vx * vx + vy * vy + vz * vz
    d_dot_a = (px - sx) * ax + (py - sy) * ay + (pz - sz) * az
    return (v2 - d_dot_a) / np.sqrt(v2)


# ------------------------------------------------------------------------------------------ radar coordinates
def radar_coordinates(grid, orbit, lat_deg, lon_deg, height_m, seed_step: int = 16
                      ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(azimuth time s, slant range m, line, pixel) of many ground points (geodetic degrees, metres
    above the WGS84 ellipsoid) in the radar grid ``grid`` (a RadarGrid) of ``orbit`` (a Hermite
    Orbit): e.g. the DEM points of a map grid seen by a second acquisition. Fractional 0-based
    line/pixel (sample centres at integers), not clipped to the image. Zero Doppler (JAXA's
    products' geometry; :func:`.range_doppler.geo_to_radar` takes a Doppler centroid).

    The orbit is fitted once with a polynomial over the grid's time span (+- 20 s); 2-D point grids
    get first guesses from a coarse lattice (:func:`seed_times`), so a few million points take
    seconds with numpy and a fraction of that compiled."""
    from .ellipsoid import geodetic_to_ecef

    poly = OrbitPolynomial.fit(orbit.position_velocity_acceleration, grid.first_line_time_s,
                               grid.last_line_time_s, margin_s=20.0)
    xyz = geodetic_to_ecef(lat_deg, lon_deg, height_m)
    points = (xyz[..., 0], xyz[..., 1], xyz[..., 2])
    guess = seed_times(points, poly, seed_step) if xyz.ndim == 3 and min(xyz.shape[:2]) > 1 else None
    sol = solve(points, poly, guess)
    return sol.time_s, sol.slant_range_m, grid.line_of_time(sol.time_s), grid.pixel_of_range(sol.slant_range_m)
