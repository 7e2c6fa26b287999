"""Optional compiled (numba, ``nogil``) kernels of the terrain-correction tile functions.

Each kernel fuses several numpy passes over the facets of a tile into one loop and computes
exactly what the numpy functions of :mod:`.tile`, :mod:`.area` and :mod:`.layover_shadow` do
(same formulas, same conventions: radar coordinates 0-based fractional cell centres, times in s,
distances in m, angles in radians, areas in m^2, beta0 linear power):

- :func:`dem_vertex_ecef`: DEM sampling, geoid undulation and ECEF position of every vertex of a
  tile from coarse lattices (see :meth:`.dem.DemSource.vertex_ecef`).
- :func:`facet_geometry`: facet centres, ellipsoid normal, vector area, zero-Doppler Newton on the
  orbit polynomial, slant range, look vector, A_gamma/A_sigma, local and ellipsoid incidence
  cosines, along-track factor, look key (-cos of the look angle) and ground range, in one pass per facet.
- :func:`layover_shadow`: the binned running-extreme test of :func:`.layover_shadow.layover_shadow`
  (direct scatter to per-strip bin runs instead of sorting).
- :func:`window_extent`: the radar window of a tile's core facets (:func:`.tile.beam_window`).
- :func:`distribute_subsampled`: the s_i x s_j sub-point bilinear distribution of A_gamma straight
  into one padded window (radar coordinates and their gradients computed in the loop).
- :func:`beam_sums`: bilinear read-back of the accumulated area and of beta0 at the *core* facets
  only, and their per-output-pixel sums (the halo's read-back is never used).
- :func:`geometry_sums` and :func:`mosaic`: the per-pixel geometry sums and the rules of
  :func:`.tile.mosaic_beams` (beam overlap, mask, angles) for one tile.

Arrays of a tile's size can come from a :class:`.workspace.Workspace` (``workspace=``), reused from
tile to tile; without one every call allocates.

:func:`enabled` is False when numba does not import (e.g. QGIS on Windows/macOS), when the
environment variable ``PALSAR2_NO_NUMBA`` is set to a non-empty value other than ``0`` (read at each
call, so tests can switch paths), or after a numba error (then numpy for the rest of the process).
Compiled on first use (about 8 s; :func:`warm_up` does it up front) and cached on disk for the
next processes (:mod:`..numba_cache`; loading the cache takes well under a second).
"""

from __future__ import annotations

import math
import os

import numpy as np

from .layover_shadow import bin_origins
from .workspace import scratch

try:
    from numba import njit

    from ..numba_cache import njit_cached
except Exception:                                   # numba absent or broken: numpy path
    njit = None

AVAILABLE = njit is not None
_failed = False


def enabled() -> bool:
    """True when the compiled kernels are to be used (numba importable, not switched off)."""
    return AVAILABLE and not _failed and os.environ.get("PALSAR2_NO_NUMBA", "") in ("", "0")


def is_numba_error(exc: BaseException) -> bool:
    """True for an exception raised by numba (typing or compilation): the caller then falls back to
    numpy with :func:`disable`."""
    return type(exc).__module__.split(".")[0] == "numba"


def disable() -> None:
    """Switch the kernels off for the rest of the process (after a numba error)."""
    global _failed
    _failed = True


def _jit(f):
    # error_model="numpy": a division by zero gives inf/NaN as in numpy (a degenerate facet of zero
    # area must not raise ZeroDivisionError in the middle of a run).
    # fastmath={"contract"}: a * b + c may become one fused multiply-add (one rounding instead of
    # two); nothing else of fast-math (NaN tests, division and reassociation stay IEEE). An exact
    # cancellation such as a * b - b * a may then leave a rounding error: see the collapsed-facet
    # guard in _facet_geometry. Measured -8 % CPU on the bench's tiles with Debian 12's numba.
    # Cached on disk per import name of this module (see ..numba_cache): scripts import it as
    # palsar2_plugin.rtc.kernels, QGIS as <plugin folder>.palsar2_plugin.rtc.kernels.
    return njit_cached(f, __name__, nogil=True, error_model="numpy", fastmath={"contract"}) if AVAILABLE else f


# ------------------------------------------------------------------------------------------ geometry
@_jit
def _vertex_ecef(lat_deg, lon_deg, h, a, e2, x, y, z):
    deg = math.pi / 180.0
    for i in range(lat_deg.shape[0]):
        for j in range(lat_deg.shape[1]):
            lat = lat_deg[i, j] * deg
            lon = lon_deg[i, j] * deg
            s = math.sin(lat)
            c = math.cos(lat)
            n = a / math.sqrt(1.0 - e2 * s * s)
            hh = h[i, j]
            x[i, j] = (n + hh) * c * math.cos(lon)
            y[i, j] = (n + hh) * c * math.sin(lon)
            z[i, j] = (n * (1.0 - e2) + hh) * s


def vertex_ecef(lat_deg, lon_deg, height_m):
    """WGS84 geodetic (degrees, degrees, m above the ellipsoid) -> ECEF x, y, z (m), three contiguous
    2-D arrays (the formula of geometry.ellipsoid.geodetic_to_ecef, one pass, no temporaries)."""
    from ..geometry.ellipsoid import WGS84_A, WGS84_E2

    lat, lon, h = (np.ascontiguousarray(v, dtype=np.float64) for v in np.broadcast_arrays(lat_deg, lon_deg, height_m))
    x, y, z = np.empty_like(lat), np.empty_like(lat), np.empty_like(lat)
    _vertex_ecef(lat, lon, h, WGS84_A, WGS84_E2, x, y, z)
    return x, y, z


@_jit
def _lattice_weights(lattice, n, index, weight):
    """For every i in [0, n): the lattice interval index k (lattice[k] <= i <= lattice[k+1]) and the
    linear weight of lattice[k+1] (the rule of dem._upsample)."""
    m = lattice.size
    k = 0
    for i in range(n):
        if m == 1:
            index[i] = 0
            weight[i] = 0.0
            continue
        while k < m - 2 and lattice[k + 1] <= i:
            k += 1
        index[i] = k
        weight[i] = (i - lattice[k]) / (lattice[k + 1] - lattice[k])


@_jit
def _dem_vertices(data, row_index, row_weight, col_index, col_weight, coarse, x, y, z, h):
    """coarse fields (9, lattice rows, lattice cols >= 2): DEM-window column, row, geoid undulation,
    the ellipsoid foot point X0, Y0, Z0 (m) and the unit normal nx, ny, nz at lat/lon. The nine
    fields of a vertex are interpolated as scalars (no per-field loop: a third of the time)."""
    n_r, n_c = data.shape
    n_f, n_lr, n_lc = coarse.shape
    row = np.empty((n_lc, n_f))                  # the lattice fields on this vertex row, per lattice column
    for i in range(x.shape[0]):
        ki = row_index[i]
        wi = row_weight[i]
        ki1 = ki + 1 if n_lr > 1 else ki
        for c in range(n_lc):
            for f in range(n_f):
                row[c, f] = coarse[f, ki, c] * (1.0 - wi) + coarse[f, ki1, c] * wi
        for j in range(x.shape[1]):
            kj = col_index[j]
            b = 1.0 - col_weight[j]
            a = col_weight[j]
            r0 = row[kj]
            r1 = row[kj + 1]
            c = r0[0] * b + r1[0] * a
            r = r0[1] * b + r1[1] * a
            rf = math.floor(r)
            cf = math.floor(c)
            height = np.nan
            if n_r > 1 and n_c > 1 and rf >= 0 and rf <= n_r - 2 and cf >= 0 and cf <= n_c - 2:
                ri = int(rf)
                ci = int(cf)
                fr = r - ri
                fc = c - ci
                height = ((data[ri, ci] * (1 - fc) + data[ri, ci + 1] * fc) * (1 - fr)
                          + (data[ri + 1, ci] * (1 - fc) + data[ri + 1, ci + 1] * fc) * fr)
            height += r0[2] * b + r1[2] * a
            h[i, j] = height
            x[i, j] = r0[3] * b + r1[3] * a + height * (r0[6] * b + r1[6] * a)
            y[i, j] = r0[4] * b + r1[4] * a + height * (r0[7] * b + r1[7] * a)
            z[i, j] = r0[5] * b + r1[5] * a + height * (r0[8] * b + r1[8] * a)


def dem_vertex_ecef(data, lattice_rows, lattice_cols, coarse, shape, workspace=None):
    """ECEF x, y, z (m) and ellipsoidal height (m) of a vertex lattice of ``shape`` in one pass.

    ``data``: the DEM window (heights as stored, NaN = no data); ``coarse``: (9, len(lattice_rows),
    len(lattice_cols)) fields given on the coarse lattice of vertex rows ``lattice_rows`` x columns
    ``lattice_cols`` and interpolated bilinearly in between (see dem.VertexLattice): the vertices'
    fractional DEM-window column and row (pixel centres at integers), the geoid undulation (m),
    the ellipsoid point below the vertex (m) and the unit ellipsoid normal. The DEM is sampled
    bilinearly (NaN outside the window or next to a no-data sample, as dem._bilinear); the vertex
    is the ellipsoid point + height x normal. ``workspace``: see :mod:`.workspace`."""
    rows, cols = shape
    row_index = np.empty(rows, dtype=np.int64)
    row_weight = np.empty(rows)
    col_index = np.empty(cols, dtype=np.int64)
    col_weight = np.empty(cols)
    _lattice_weights(np.asarray(lattice_rows, dtype=np.int64), rows, row_index, row_weight)
    _lattice_weights(np.asarray(lattice_cols, dtype=np.int64), cols, col_index, col_weight)
    coarse = np.asarray(coarse, dtype=np.float64)
    if coarse.shape[2] == 1:                     # a single lattice column: weight 0, the kernel reads two
        coarse = np.concatenate([coarse, coarse], axis=2)
    x, y, z, h = scratch(workspace, "vertices", (4,) + tuple(shape))
    _dem_vertices(np.ascontiguousarray(data, dtype=np.float64), row_index, row_weight, col_index, col_weight,
                  np.ascontiguousarray(coarse, dtype=np.float64), x, y, z, h)
    return x, y, z, h


@_jit
def _facet_geometry(vx, vy, vz, h, seed_ri, seed_rw, seed_ci, seed_cw, seed_t, coeffs, t_mid, half, lo, hi,
                    one_minus_e2, out, extremes):
    """out: (16, ny, nx) float64 rows: time, range, along, a_gamma, a_sigma, cos_lia, cos_ell,
    ax, ay, az, lx, ly, lz, h_c, look key, ground. NaN where a corner is NaN (h_c: the mean height).
    extremes: (3,) set to the smallest cos(slope) (facet normal . ellipsoid normal) and the largest
    and smallest cos(ellipsoid incidence) of the finite, non-degenerate facets (1, -inf, inf if
    there is none).
    The look key is -cos(look angle): it orders facets as the look angle does, without an arccos
    (see :func:`layover_shadow`'s ``look_is_minus_cosine``).
    Newton starts from the seed lattice ``seed_t`` (>= 2 x 2, finite) interpolated bilinearly with
    the interval indices and weights of :func:`_lattice_weights` of the facet rows and columns."""
    ny = vx.shape[0] - 1
    nx = vx.shape[1] - 1
    deg = coeffs.shape[0] - 1
    nan = np.nan
    # reciprocals once: a division costs several multiplications
    inv_ome2 = 1.0 / one_minus_e2
    ih = 1.0 / half
    ih2 = ih * ih
    seed_row = np.empty(seed_t.shape[1])
    min_cos_slope = 1.0
    max_cos_ell = -np.inf
    min_cos_ell = np.inf
    for i in range(ny):
        ki = seed_ri[i]
        wi = seed_rw[i]
        for c in range(seed_t.shape[1]):
            seed_row[c] = seed_t[ki, c] * (1.0 - wi) + seed_t[ki + 1, c] * wi
        for j in range(nx):
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
                out[13, i, j] = hc
                continue
            zz = cz * inv_ome2
            inv_nrm = 1.0 / math.sqrt(cx * cx + cy * cy + zz * zz)
            ux = cx * inv_nrm; uy = cy * inv_nrm; uz = zz * inv_nrm
            d1x = x11 - x00; d1y = y11 - y00; d1z = z11 - z00
            d2x = x10 - x01; d2y = y10 - y01; d2z = z10 - z01
            ax = 0.5 * (d1y * d2z - d1z * d2y)
            ay = 0.5 * (d1z * d2x - d1x * d2z)
            az = 0.5 * (d1x * d2y - d1y * d2x)
            # a facet collapsed by repeated vertices has parallel diagonals and a cross product of 0,
            # but fused multiply-adds leave its rounding error (~1e-15 m^2): below 1e-10 m^2 (no
            # real facet is that small) the area is 0, as numpy computes it
            a2 = ax * ax + ay * ay + az * az
            if a2 < 1e-20:
                ax = 0.0; ay = 0.0; az = 0.0; a2 = 0.0
            if ax * ux + ay * uy + az * uz < 0:
                ax = -ax; ay = -ay; az = -az
            # zero-Doppler Newton on the polynomial orbit
            kj = seed_ci[j]
            t = seed_row[kj] * (1.0 - seed_cw[j]) + seed_row[kj + 1] * seed_cw[j]
            sx = sy = sz = svx = svy = svz = sax = say = saz = 0.0
            # up to 12 Newton steps; the state is evaluated once more at the final time only when
            # the steps did not settle (iteration 12 evaluates and stops)
            for iteration in range(13):
                u = (t - t_mid) * ih
                px = coeffs[deg, 0]; py = coeffs[deg, 1]; pz = coeffs[deg, 2]
                qx = qy = qz = 0.0
                rx = ry = rz = 0.0
                for k in range(deg - 1, -1, -1):
                    rx = rx * u + 2.0 * qx; ry = ry * u + 2.0 * qy; rz = rz * u + 2.0 * qz
                    qx = qx * u + px; qy = qy * u + py; qz = qz * u + pz
                    px = px * u + coeffs[k, 0]; py = py * u + coeffs[k, 1]; pz = pz * u + coeffs[k, 2]
                sx = px; sy = py; sz = pz
                svx = qx * ih; svy = qy * ih; svz = qz * ih
                sax = rx * ih2; say = ry * ih2; saz = rz * ih2
                if iteration == 12:
                    break
                dx = cx - sx; dy = cy - sy; dz = cz - sz
                f = dx * svx + dy * svy + dz * svz
                fp = dx * sax + dy * say + dz * saz - (svx * svx + svy * svy + svz * svz)
                step = f / fp
                t_new = min(max(t - step, lo), hi)
                delta = t_new - t
                t = t_new
                if abs(step) < 1e-4:
                    hd = 0.5 * delta * delta
                    sx = sx + svx * delta + sax * hd
                    sy = sy + svy * delta + say * hd
                    sz = sz + svz * delta + saz * hd
                    svx = svx + sax * delta; svy = svy + say * delta; svz = svz + saz * delta
                    break
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
            if a_sigma > 0:
                min_cos_slope = min(min_cos_slope, (ax * ux + ay * uy + az * uz) / a_sigma)
                max_cos_ell = max(max_cos_ell, cos_ell)
                min_cos_ell = min(min_cos_ell, cos_ell)
            out[0, i, j] = t
            out[1, i, j] = rng
            out[2, i, j] = (v2 - (dx * sax + dy * say + dz * saz)) / math.sqrt(v2)
            out[3, i, j] = max(proj, 0.0)
            out[4, i, j] = a_sigma
            out[5, i, j] = proj / a_sigma
            out[6, i, j] = cos_ell
            out[7, i, j] = ax; out[8, i, j] = ay; out[9, i, j] = az
            out[10, i, j] = lx; out[11, i, j] = ly; out[12, i, j] = lz
            out[13, i, j] = hc
            out[14, i, j] = -cos_a
            out[15, i, j] = math.sqrt(gx * gx + gy * gy + gz * gz)
    extremes[0] = min_cos_slope
    extremes[1] = max_cos_ell
    extremes[2] = min_cos_ell


def facet_geometry(vx, vy, vz, h, seeds, orbit, one_minus_e2, workspace=None, extremes=None):
    """Per-facet geometry rows (see ``_facet_geometry``) from ECEF vertices (m), vertex heights (m),
    seed times (s): an array (ny, nx) or a :class:`.geocode.SeedLattice` (interpolated here, no
    full-size seed array), and an :class:`.orbit_poly.OrbitPolynomial`. Seeds that are not finite
    start from the orbit's middle time. ``extremes``: a (3,) array to receive the steepest facet's
    cos(slope) and the largest and smallest cos(ellipsoid incidence) (see ``_facet_geometry``)."""
    ny, nx = vx.shape[0] - 1, vx.shape[1] - 1
    if isinstance(seeds, np.ndarray):
        rows, cols, times = np.arange(ny), np.arange(nx), seeds
    else:
        rows, cols, times = seeds
    times = np.where(np.isfinite(times), times, float(orbit.t_mid_s)).astype(np.float64)
    if times.shape[0] == 1:                       # a single lattice row or column: the kernel reads two
        times = np.concatenate([times, times], axis=0)
    if times.shape[1] == 1:
        times = np.concatenate([times, times], axis=1)
    row_index, row_weight = np.empty(ny, dtype=np.int64), np.empty(ny)
    col_index, col_weight = np.empty(nx, dtype=np.int64), np.empty(nx)
    _lattice_weights(np.asarray(rows, dtype=np.int64), ny, row_index, row_weight)
    _lattice_weights(np.asarray(cols, dtype=np.int64), nx, col_index, col_weight)
    out = scratch(workspace, "facet geometry", (16, ny, nx))
    _facet_geometry(np.ascontiguousarray(vx, dtype=np.float64), np.ascontiguousarray(vy, dtype=np.float64),
                    np.ascontiguousarray(vz, dtype=np.float64), np.ascontiguousarray(h, dtype=np.float64),
                    row_index, row_weight, col_index, col_weight, np.ascontiguousarray(times),
                    np.ascontiguousarray(orbit.coeffs, dtype=np.float64),
                    float(orbit.t_mid_s), float(orbit.half_span_s), float(orbit.t_mid_s - orbit.half_span_s),
                    float(orbit.t_mid_s + orbit.half_span_s), float(one_minus_e2), out,
                    extremes if extremes is not None else np.empty(3))
    return out


# ------------------------------------------------------------------------------------------ layover / shadow
@_jit
def _usable(t, g, r, a, q):
    return np.isfinite(t[q]) and np.isfinite(g[q]) and np.isfinite(r[q]) and np.isfinite(a[q])


@_jit
def _layover_extent(t, g, r, a):
    """(count, t_min, t_max, g_min, g_max) of the facets with all four values finite."""
    count = 0
    tmin = np.inf
    tmax = -np.inf
    gmin = np.inf
    gmax = -np.inf
    for q in range(t.size):
        if _usable(t, g, r, a, q):
            count += 1
            tmin = min(tmin, t[q])
            tmax = max(tmax, t[q])
            gmin = min(gmin, g[q])
            gmax = max(gmax, g[q])
    return count, tmin, tmax, gmin, gmax


@_jit
def _strip_bins(t, g, r, a, tmin, gmin, azimuth_bin_s, gb_m, strip, gbin, bmin, bmax):
    """Each facet's azimuth strip and ground bin (strip -1: not usable), and per strip the first and
    last ground bin holding a facet (bmin > bmax: empty strip)."""
    for q in range(t.size):
        if not _usable(t, g, r, a, q):
            strip[q] = -1
            continue
        s = np.int64(np.floor((t[q] - tmin) / azimuth_bin_s))
        b = np.int64(np.floor((g[q] - gmin) / gb_m))
        strip[q] = s
        gbin[q] = b
        bmin[s] = min(bmin[s], b)
        bmax[s] = max(bmax[s], b)


@_jit
def _strip_lookup(tables, totals, offsets, bmin, bmax, s, b):
    """(largest look angle, largest range) of the bins of strip ``s`` nearer than bin ``b`` and the
    smallest range of those farther, from the strip's exclusive running extremes."""
    if bmin[s] > bmax[s]:
        return -np.inf, -np.inf, np.inf
    if b < bmin[s]:
        return -np.inf, -np.inf, totals[2, s]
    if b > bmax[s]:
        return totals[0, s], totals[1, s], np.inf
    c = offsets[s] + b - bmin[s]
    return tables[c, 0], tables[c, 1], tables[c, 2]


@_jit
def _layover_shadow(a, r, strip, gbin, tolerance_m, minus_cosine, bmin, bmax, offsets, tables, totals, layover,
                    shadow):
    """``tables`` (cells, 3): per strip, only its bins bmin..bmax (from ``offsets``), filled with the
    per-bin extremes and turned in place into the exclusive running extremes along the strip (column
    0 largest look angle nearer, 1 largest range nearer, 2 smallest range farther; a cell's three
    values side by side, one cache line per lookup); ``totals`` (3,
    strips): the strip's largest look angle, largest range and smallest range. Same flags as dense
    (strips x all ground bins) tables, with memory proportional to the facets whatever the tile's
    rotation against the radar geometry."""
    n_s = bmin.size
    for c in range(tables.shape[0]):
        tables[c, 0] = -np.inf
        tables[c, 1] = -np.inf
        tables[c, 2] = np.inf
    for q in range(strip.size):
        s = strip[q]
        if s < 0:
            continue
        c = offsets[s] + gbin[q] - bmin[s]
        if a[q] > tables[c, 0]:
            tables[c, 0] = a[q]
        if r[q] > tables[c, 1]:
            tables[c, 1] = r[q]
        if r[q] < tables[c, 2]:
            tables[c, 2] = r[q]
    for s in range(n_s):
        am = -np.inf
        rm = -np.inf
        for c in range(offsets[s], offsets[s + 1]):
            va = tables[c, 0]
            vr = tables[c, 1]
            tables[c, 0] = am
            tables[c, 1] = rm
            am = max(am, va)
            rm = max(rm, vr)
        rn = np.inf
        for c in range(offsets[s + 1] - 1, offsets[s] - 1, -1):
            vr = tables[c, 2]
            tables[c, 2] = rn
            rn = min(rn, vr)
        totals[0, s] = am
        totals[1, s] = rm
        totals[2, s] = rn
    for q in range(strip.size):
        s = strip[q]
        if s < 0:
            continue
        b = gbin[q]
        ab = -np.inf
        rb = -np.inf
        ra = np.inf
        for ss in range(max(s - 1, 0), min(s + 1, n_s - 1) + 1):
            x_a, x_rb, x_ra = _strip_lookup(tables, totals, offsets, bmin, bmax, ss, b)
            ab = max(ab, x_a)
            rb = max(rb, x_rb)
            ra = min(ra, x_ra)
        tol_rad = tolerance_m / r[q]
        if minus_cosine:         # a = -cos(angle): the angle tolerance times d(-cos)/d(angle) = sin
            shadow[q] = a[q] < ab - math.sqrt(max(1.0 - ab * ab, 0.0)) * tol_rad
        else:
            shadow[q] = a[q] < ab - tol_rad
        layover[q] = (r[q] < rb - tolerance_m) or (r[q] > ra + tolerance_m)


def layover_shadow(azimuth_time_s, ground_range_m, slant_range_m, look_angle_rad, azimuth_bin_s, tolerance_m,
                   ground_bin_m=None, workspace=None, look_is_minus_cosine=False, time_origin_s=None):
    """Same contract as :func:`.layover_shadow.layover_shadow` (boolean layover, shadow). The bin
    tables keep, per azimuth strip, only the ground bins between its nearest and farthest facet
    (float64, about two cells per facet); each facet's strip and bin are computed once.
    ``time_origin_s``: strips on a run-wide raster (:func:`.layover_shadow.bin_origins`).
    ``workspace``: see :mod:`.workspace`. ``look_is_minus_cosine``: ``look_angle_rad`` holds
    -cos(look angle) instead (the look key of :func:`facet_geometry`; the shadow tolerance of
    tolerance_m / range radians is then taken times sin(angle), equal to first order)."""
    shape = slant_range_m.shape
    layover, shadow = scratch(workspace, "layover shadow", (2, slant_range_m.size), np.bool_)
    layover.fill(False)
    shadow.fill(False)
    gb_m = ground_bin_m if ground_bin_m else max(2.0 * tolerance_m, 1e-3)
    t, g, r, a = (np.ascontiguousarray(x, dtype=np.float64).ravel()
                  for x in (azimuth_time_s, ground_range_m, slant_range_m, look_angle_rad))
    count, tmin, tmax, gmin, gmax = _layover_extent(t, g, r, a)
    if count >= 2:
        tmin, gmin = bin_origins(tmin, gmin, float(azimuth_bin_s), float(gb_m), time_origin_s)
        n_s = int(np.floor((tmax - tmin) / azimuth_bin_s)) + 1
        bmin = np.full(n_s, np.iinfo(np.int64).max, dtype=np.int64)
        bmax = np.full(n_s, -1, dtype=np.int64)
        strip, gbin = scratch(workspace, "layover bins", (2, t.size), np.int64)
        _strip_bins(t, g, r, a, tmin, gmin, float(azimuth_bin_s), float(gb_m), strip, gbin, bmin, bmax)
        widths = np.where(bmax >= bmin, bmax - bmin + 1, 0)
        offsets = np.zeros(n_s + 1, dtype=np.int64)
        np.cumsum(widths, out=offsets[1:])
        tables = scratch(workspace, "layover tables", (int(offsets[-1]), 3))
        totals = np.empty((3, n_s))
        _layover_shadow(a, r, strip, gbin, float(tolerance_m), bool(look_is_minus_cosine), bmin, bmax, offsets, tables,
                        totals, layover, shadow)
    return layover.reshape(shape), shadow.reshape(shape)


# ------------------------------------------------------------------------------------------ area distribution
# Radar coordinates are computed inside the kernels from the facets' zero-Doppler time and slant
# range: line = (t - t0) / dt, pixel = (R - R0) / dR with ``axes`` = (t0, dt, R0, dR) of the beam's
# grid (geometry.RadarGrid.line_of_time / pixel_of_range); a facet that is not valid has none.

@_jit
def _coordinate_row(values, valid, i, origin, step, out):
    """Radar coordinate (values - origin) / step of lattice row ``i`` into ``out``; NaN where not valid."""
    inv = 1.0 / step
    for j in range(values.shape[1]):
        out[j] = (values[i, j] - origin) * inv if valid[i, j] else np.nan


@_jit
def _finite_or_zero(v):
    return v if np.isfinite(v) else 0.0


@_jit
def _row_gradient(above, at, below, i, ny, j, nx):
    """np.gradient (unit spacing, one-sided at the edges; non-finite -> 0) of a lattice field at
    (i, j) along rows and along columns, from its rows i-1 (``above``), i, i+1 (``below``)."""
    if ny < 2 or nx < 2:
        return 0.0, 0.0
    if i == 0:
        d_i = below[j] - at[j]
    elif i == ny - 1:
        d_i = at[j] - above[j]
    else:
        d_i = (below[j] - above[j]) / 2.0
    if j == 0:
        d_j = at[1] - at[0]
    elif j == nx - 1:
        d_j = at[nx - 1] - at[nx - 2]
    else:
        d_j = (at[j + 1] - at[j - 1]) / 2.0
    return _finite_or_zero(d_i), _finite_or_zero(d_j)


@_jit
def _window_extent(time_s, range_m, valid, t0, dt, r0, dr, n_lines, n_pixels, i0, i1, j0, j1):
    """(found, min line, max line, min pixel, max pixel) of the facets [i0:i1, j0:j1] inside the grid."""
    lmin = np.inf
    lmax = -np.inf
    pmin = np.inf
    pmax = -np.inf
    for i in range(i0, i1):
        for j in range(j0, j1):
            if not valid[i, j]:
                continue
            ln = (time_s[i, j] - t0) / dt
            px = (range_m[i, j] - r0) / dr
            if ln > -1 and ln < n_lines and px > -1 and px < n_pixels:
                lmin = min(lmin, ln)
                lmax = max(lmax, ln)
                pmin = min(pmin, px)
                pmax = max(pmax, px)
    return lmin <= lmax, lmin, lmax, pmin, pmax


def window_extent(time_s, range_m, valid, axes, n_lines, n_pixels, core=None):
    """(min line, max line, min pixel, max pixel) of the valid facets (of ``core`` = (row0, row1,
    col0, col1), default all) whose radar coordinates fall inside (-1, n_lines) x (-1, n_pixels), or None."""
    ny, nx = valid.shape
    i0, i1, j0, j1 = core if core is not None else (0, ny, 0, nx)
    found, lmin, lmax, pmin, pmax = _window_extent(
        np.ascontiguousarray(time_s, dtype=np.float64), np.ascontiguousarray(range_m, dtype=np.float64),
        np.ascontiguousarray(valid, dtype=np.bool_), *(float(a) for a in axes), int(n_lines), int(n_pixels),
        int(i0), int(i1), int(j0), int(j1))
    return (lmin, lmax, pmin, pmax) if found else None


@_jit
def _distribute(time_s, range_m, valid, w, t0, dt, r0, dr, s_i, s_j, line0, pixel0, acc):
    n_l = acc.shape[0] - 2
    n_p = acc.shape[1] - 2
    inv = 1.0 / (s_i * s_j)
    offsets_i = np.empty(s_i)                    # sub-point offsets in facet units, centred
    offsets_j = np.empty(s_j)
    for ia in range(s_i):
        offsets_i[ia] = (ia + 0.5) / s_i - 0.5
    for ib in range(s_j):
        offsets_j[ib] = (ib + 0.5) / s_j - 0.5
    ny, nx = time_s.shape
    # radar line / pixel of lattice rows i-1, i, i+1 in rolling buffers (row i in slot i % 3),
    # each computed once
    lines = np.empty((3, nx))
    pixels = np.empty((3, nx))
    for i in range(min(2, ny)):
        _coordinate_row(time_s, valid, i, t0, dt, lines[i])
        _coordinate_row(range_m, valid, i, r0, dr, pixels[i])
    for i in range(ny):
        above, at, below = (i + 2) % 3, i % 3, (i + 1) % 3
        if i > 0 and i + 1 < ny:
            _coordinate_row(time_s, valid, i + 1, t0, dt, lines[below])
            _coordinate_row(range_m, valid, i + 1, r0, dr, pixels[below])
        for j in range(nx):
            l_c = lines[at, j]
            p_c = pixels[at, j]
            wv = w[i, j]
            if not (np.isfinite(l_c) and np.isfinite(p_c) and np.isfinite(wv)):
                continue
            if s_i == 1 and s_j == 1:
                dl_i = dl_j = dp_i = dp_j = 0.0
                reach_l = reach_p = 1.0
            else:
                dl_i, dl_j = _row_gradient(lines[above], lines[at], lines[below], i, ny, j, nx)
                dp_i, dp_j = _row_gradient(pixels[above], pixels[at], pixels[below], i, ny, j, nx)
                # a sub-point lies within half the facet's extent of its centre: facets farther than
                # that (+ one cell) from the window give it nothing
                reach_l = 0.5 * (abs(dl_i) + abs(dl_j)) + 1.0
                reach_p = 0.5 * (abs(dp_i) + abs(dp_j)) + 1.0
            if (l_c + reach_l < line0 - 1 or l_c - reach_l > line0 + n_l
                    or p_c + reach_p < pixel0 - 1 or p_c - reach_p > pixel0 + n_p):
                continue
            part = wv * inv
            base_l = l_c - (line0 - 1)
            base_p = p_c - (pixel0 - 1)
            # every sub-point of the facet inside the window: no test per sub-point
            ext_l = reach_l - 1.0
            ext_p = reach_p - 1.0
            whole = (base_l - ext_l >= 0 and base_l + ext_l < n_l + 1 and base_p - ext_p >= 0
                     and base_p + ext_p < n_p + 1)
            for ia in range(s_i):
                fa = offsets_i[ia]
                la = base_l + fa * dl_i
                pa = base_p + fa * dp_i
                for ib in range(s_j):
                    fb = offsets_j[ib]
                    l = la + fb * dl_j
                    p = pa + fb * dp_j
                    if not whole and not (l >= 0 and l < n_l + 1 and p >= 0 and p < n_p + 1):
                        continue
                    li = int(l)
                    pi = int(p)
                    fl = l - li
                    fp = p - pi
                    acc[li, pi] += part * ((1 - fl) * (1 - fp))
                    acc[li, pi + 1] += part * ((1 - fl) * fp)
                    acc[li + 1, pi] += part * (fl * (1 - fp))
                    acc[li + 1, pi + 1] += part * (fl * fp)


def distribute_subsampled(time_s, range_m, valid, weight, axes, line0, pixel0, shape, s_i, s_j):
    """A_gamma (``weight``, m^2 per facet) spread bilinearly from s_i x s_j sub-points of every valid
    facet onto a (n_lines, n_pixels) float64 window starting at (line0, pixel0).

    The facets' radar coordinates come from their zero-Doppler time ``time_s`` (s) and slant range
    ``range_m`` (m) with ``axes`` = (t0 s, line interval s, R0 m, range spacing m); the sub-points
    split each facet evenly along the lattice axes, placed with the local np.gradient of those
    coordinates (computed here, 0 where not finite)."""
    n_l, n_p = shape
    acc = np.zeros((n_l + 2, n_p + 2))
    _distribute(np.ascontiguousarray(time_s, dtype=np.float64), np.ascontiguousarray(range_m, dtype=np.float64),
                np.ascontiguousarray(valid, dtype=np.bool_), np.ascontiguousarray(weight, dtype=np.float64),
                *(float(a) for a in axes), int(s_i), int(s_j), int(line0), int(pixel0), acc)
    return acc[1:-1, 1:-1].copy()


# ------------------------------------------------------------------------------------------ read-back + pixel sums
@_jit
def _cell(n_l, n_p, l, p):
    """(inside, line, pixel, line fraction, pixel fraction) of the bilinear cell of window
    coordinates (l, p) in an (n_l, n_p) window, with the rules of area.read_bilinear (the last
    row/column is reachable exactly)."""
    if not (np.isfinite(l) and np.isfinite(p)):
        return False, 0, 0, 0.0, 0.0
    li = math.floor(l)
    pi = math.floor(p)
    fl = l - li
    fp = p - pi
    if li == n_l - 1 and fl == 0:
        li -= 1
        fl = 1.0
    if pi == n_p - 1 and fp == 0:
        pi -= 1
        fp = 1.0
    if not (li >= 0 and li < n_l - 1 and pi >= 0 and pi < n_p - 1):
        return False, 0, 0, 0.0, 0.0
    return True, int(li), int(pi), fl, fp


@_jit
def _value(img, li, pi, fl, fp, nodata_zero):
    """Bilinear value of ``img`` in cell (li, pi) at fractions (fl, fp); NaN with ``nodata_zero``
    when a corner is 0."""
    v00 = np.float64(img[li, pi])
    v01 = np.float64(img[li, pi + 1])
    v10 = np.float64(img[li + 1, pi])
    v11 = np.float64(img[li + 1, pi + 1])
    if nodata_zero and (v00 == 0 or v01 == 0 or v10 == 0 or v11 == 0):
        return np.nan
    return v00 * (1 - fl) * (1 - fp) + v01 * (1 - fl) * fp + v10 * fl * (1 - fp) + v11 * fl * fp


@_jit
def _beam_sums(time_s, range_m, valid, shadow, along, cos_ell, acc, betas, t0, dt, r0, dr, a_beta_per_along,
               line0, pixel0, n_lines, n_pixels, k, hy, hx, ny, nx, count, covered, beta_sums, anf_sum,
               anf_flat_sum, area_sum):
    """Pixel by pixel: the read-backs of its k x k core facets summed in registers, every output
    written once."""
    n_pol = betas.shape[0]
    vals = np.empty(n_pol)
    b_acc = np.empty(n_pol)
    inv_dt = 1.0 / dt
    inv_dr = 1.0 / dr
    for oi in range(ny):
        for oj in range(nx):
            n_count = 0.0
            n_covered = 0.0
            s_anf = 0.0
            s_flat = 0.0
            s_area = 0.0
            for b in range(n_pol):
                b_acc[b] = 0.0
            for i in range(hy + oi * k, hy + oi * k + k):
                for j in range(hx + oj * k, hx + oj * k + k):
                    if not valid[i, j]:
                        continue
                    ln = (time_s[i, j] - t0) * inv_dt
                    px = (range_m[i, j] - r0) * inv_dr
                    if not (ln >= 0 and ln <= n_lines - 1 and px >= 0 and px <= n_pixels - 1):
                        continue
                    # beta0 windows and the area window share the shape: one cell for all reads
                    inside, li, pi, fl, fp = _cell(acc.shape[0], acc.shape[1], ln - line0, px - pixel0)
                    all_b = True
                    for b in range(n_pol):
                        v = _value(betas[b], li, pi, fl, fp, True) if inside else np.nan
                        vals[b] = v
                        if not np.isfinite(v):
                            all_b = False
                    if not all_b:
                        continue
                    n_covered += 1.0
                    if shadow[i, j]:
                        continue
                    rg = _value(acc, li, pi, fl, fp, False) if inside else np.nan
                    anf = rg / (a_beta_per_along * along[i, j])
                    if not np.isfinite(anf):
                        continue
                    c = cos_ell[i, j]
                    n_count += 1.0
                    for b in range(n_pol):
                        b_acc[b] += vals[b]
                    s_anf += anf
                    s_flat += c / math.sqrt(max(1.0 - c * c, 1e-12))
                    s_area += rg
            count[oi, oj] = n_count
            covered[oi, oj] = n_covered
            for b in range(n_pol):
                beta_sums[b, oi, oj] = b_acc[b]
            anf_sum[oi, oj] = s_anf
            anf_flat_sum[oi, oj] = s_flat
            area_sum[oi, oj] = s_area


def beam_sums(time_s, range_m, valid, shadow, along, cos_ell, acc, beta0_windows, axes, a_beta_per_along,
              line0, pixel0, n_lines, n_pixels, oversampling, halo, out_shape):
    """Per-output-pixel sums of one beam over the core facets (see tile.BeamTileSums):
    (count, covered, [beta0 sums], anf, anf_flat, area_gamma), arrays ``out_shape`` float64.

    ``time_s``, ``range_m``, ``axes``: as in :func:`distribute_subsampled`; ``acc``: the accumulated
    A_gamma window (m^2); ``beta0_windows``: beta0 (linear power) windows; ``a_beta_per_along``:
    range spacing (m) x line interval (s), times the along-track factor gives the radar cell's
    slant-plane area (m^2)."""
    ny, nx = out_shape
    hy, hx = halo
    f64 = lambda x: np.ascontiguousarray(x, dtype=np.float64)
    if all(np.asarray(b).dtype == np.float32 for b in beta0_windows) and beta0_windows:
        betas = np.stack([np.asarray(b) for b in beta0_windows])
    elif beta0_windows:
        betas = np.stack([f64(b) for b in beta0_windows])
    else:
        betas = np.zeros((0, 2, 2))
    if beta0_windows and betas.shape[1:] != np.shape(acc):
        raise ValueError(f"beta0 windows {betas.shape[1:]} and the area window {np.shape(acc)} must cover the same cells")
    count, covered, anf, anf_flat, area = np.empty((5,) + tuple(out_shape))
    beta_sums = np.empty((len(beta0_windows),) + tuple(out_shape))
    _beam_sums(f64(time_s), f64(range_m), np.ascontiguousarray(valid, dtype=np.bool_),
               np.ascontiguousarray(shadow, dtype=np.bool_), f64(along), f64(cos_ell), f64(acc), betas,
               *(float(a) for a in axes), float(a_beta_per_along), int(line0), int(pixel0), int(n_lines),
               int(n_pixels), int(oversampling), int(hy), int(hx), int(ny), int(nx), count, covered, beta_sums, anf,
               anf_flat, area)
    return count, covered, list(beta_sums), anf, anf_flat, area


@_jit
def _geometry_sums(a_gamma, a_sigma, valid, layover, shadow, gaps, ax, ay, az, lx, ly, lz, cos_ell, height,
                   k, hy, hx, out):
    """Pixel by pixel: its k x k core facets summed in scalar registers, each output written once
    (no zero-filled planes read and rewritten per facet; no accumulator array in memory)."""
    ny = out.shape[0]
    nx = out.shape[1]
    for oi in range(ny):
        for oj in range(nx):
            s_gamma = 0.0; s_sigma = 0.0; n_valid = 0.0; n_layover = 0.0; n_shadow = 0.0; n_gap = 0.0
            s_ax = 0.0; s_ay = 0.0; s_az = 0.0; s_lx = 0.0; s_ly = 0.0; s_lz = 0.0; s_ell = 0.0; s_h = 0.0
            for i in range(hy + oi * k, hy + oi * k + k):
                for j in range(hx + oj * k, hx + oj * k + k):
                    s_gamma += a_gamma[i, j]
                    s_sigma += a_sigma[i, j]
                    n_layover += 1.0 if layover[i, j] else 0.0
                    n_shadow += 1.0 if shadow[i, j] else 0.0
                    n_gap += 1.0 if gaps[i, j] else 0.0
                    if valid[i, j]:
                        n_valid += 1.0
                        s_ax += ax[i, j]; s_ay += ay[i, j]; s_az += az[i, j]
                        s_lx += lx[i, j]; s_ly += ly[i, j]; s_lz += lz[i, j]
                        s_ell += cos_ell[i, j]
                        s_h += height[i, j]
            o = out[oi, oj]
            o[0] = s_gamma; o[1] = s_sigma; o[2] = n_valid; o[3] = n_layover; o[4] = n_shadow; o[5] = n_gap
            o[6] = s_ax; o[7] = s_ay; o[8] = s_az; o[9] = s_lx; o[10] = s_ly; o[11] = s_lz
            o[12] = s_ell; o[13] = s_h


def geometry_sums(geom, gaps, oversampling, halo, out_shape):
    """Per-output-pixel sums of a tile's facet geometry over the k x k core facets of each pixel, in
    one pass: an array (ny, nx, 14), a pixel's sums side by side (one memory stream for the mosaic
    instead of fourteen): 0 A_gamma, 1 A_sigma (m^2), 2 valid facets, 3 layover facets, 4 shadow
    facets, 5 DEM-gap facets, 6-8 area vector (valid facets), 9-11 look vector, 12 cos(ellipsoid
    incidence), 13 height (m). ``geom``: a tile.TileGeometry; ``gaps``: boolean facets or None."""
    hy, hx = halo
    out = np.empty(tuple(out_shape) + (14,))
    f64 = lambda x: np.ascontiguousarray(x, dtype=np.float64)
    b = lambda x: np.ascontiguousarray(x, dtype=np.bool_)
    gaps = b(gaps) if gaps is not None else np.zeros(geom.valid.shape, np.bool_)
    _geometry_sums(f64(geom.area_gamma_m2), f64(geom.area_sigma_m2), b(geom.valid), b(geom.layover), b(geom.shadow),
                   gaps, *(f64(c) for c in geom.area_vector), *(f64(c) for c in geom.to_sensor),
                   f64(geom.cos_ellipsoid_incidence), f64(geom.height_m), int(oversampling), int(hy), int(hx), out)
    return out


# ------------------------------------------------------------------------------------------ beam mosaic
@_jit
def _mosaic(beam_sums, beam_looks, n_pols, geo, has_gaps, n_facets, floor_fraction, gamma0, mask, lia, eia, area,
            ratio, looks_out, dem, nan_f32):
    n_beams = beam_sums.shape[0]
    ny, nx = mask.shape
    g_sum = np.empty(n_pols)
    for i in range(ny):
        for j in range(nx):
            w_total = 0.0
            area_sum = 0.0
            looks = 0.0
            covered = 0.0
            for p in range(n_pols):
                g_sum[p] = 0.0
            for b in range(n_beams):
                covered += beam_sums[b, 1, i, j]
                count = beam_sums[b, 0, i, j]
                anf = beam_sums[b, 2 + n_pols, i, j]
                anf_flat = beam_sums[b, 3 + n_pols, i, j]
                if count > 0 and anf >= floor_fraction * anf_flat and anf > 0:
                    w = beam_looks[b] * count
                    for p in range(n_pols):
                        g_sum[p] += w * beam_sums[b, 2 + p, i, j] / anf
                    area_sum += w * beam_sums[b, 4 + n_pols, i, j] / max(count, 1.0)
                    looks += beam_looks[b] * count / n_facets
                    w_total += w
            has = w_total > 0
            n_valid = geo[i, j, 2]
            nodata = covered == 0 or n_valid < n_facets or (has_gaps and geo[i, j, 5] > 0)
            m = 1
            if not has:
                m = 5
            if geo[i, j, 3] > 0 and not geo[i, j, 4] > 0:
                m = 2
            if geo[i, j, 4] > 0:
                m = 3
            if nodata:
                m = 0
            mask[i, j] = m
            for p in range(n_pols):
                gamma0[p, i, j] = nan_f32 if (nodata or not has) else g_sum[p] / w_total
            area[i, j] = nan_f32 if (nodata or not has) else area_sum / w_total
            lit_sigma = geo[i, j, 1]
            ratio[i, j] = nan_f32 if (nodata or not (has and lit_sigma > 0)) else geo[i, j, 0] / lit_sigma
            looks_out[i, j] = 0.0 if nodata else looks
            if n_valid < n_facets or nodata:
                lia[i, j] = nan_f32
                eia[i, j] = nan_f32
                dem[i, j] = nan_f32
                continue
            ax = geo[i, j, 6]; ay = geo[i, j, 7]; az = geo[i, j, 8]
            lx = geo[i, j, 9]; ly = geo[i, j, 10]; lz = geo[i, j, 11]
            norm_a = math.sqrt(ax * ax + ay * ay + az * az)
            norm_l = math.sqrt(lx * lx + ly * ly + lz * lz)
            c = (ax * lx + ay * ly + az * lz) / (norm_a * norm_l)
            lia[i, j] = math.degrees(math.acos(min(max(c, -1.0), 1.0))) if np.isfinite(c) else np.nan
            c = geo[i, j, 12] / n_valid
            eia[i, j] = math.degrees(math.acos(min(max(c, -1.0), 1.0))) if np.isfinite(c) else np.nan
            dem[i, j] = geo[i, j, 13] / n_valid


def mosaic(beam_sums, beam_looks, n_pols, geometry, has_gaps, n_facets, floor_fraction, out_shape):
    """The output layers of a tile from the beams' per-pixel sums and the geometry sums, in one pass
    (the rules of tile.mosaic_beams). ``beam_sums``: (beams, 5 + n_pols, ny, nx) rows count,
    covered, beta0 per polarisation, anf, anf_flat, area_gamma; ``beam_looks``: looks per beam;
    ``geometry``: the (ny, nx, 14) sums of :func:`geometry_sums`. Returns (gamma0 (n_pols, ny, nx), mask, local
    incidence, ellipsoid incidence, scattering area, gamma/sigma ratio, looks, DEM): float32 (mask uint8)."""
    ny, nx = out_shape
    gamma0 = np.empty((n_pols, ny, nx), dtype=np.float32)
    mask = np.empty((ny, nx), dtype=np.uint8)
    layers = [np.empty((ny, nx), dtype=np.float32) for _ in range(6)]
    _mosaic(np.ascontiguousarray(beam_sums, dtype=np.float64).reshape((-1, 5 + n_pols, ny, nx)),
            np.ascontiguousarray(beam_looks, dtype=np.float64), int(n_pols),
            np.ascontiguousarray(geometry, dtype=np.float64), bool(has_gaps), float(n_facets), float(floor_fraction),
            gamma0, mask, *layers, np.float32(np.nan))
    return (gamma0, mask, *layers)


def warm_up() -> bool:
    """Compile every kernel on tiny inputs; True when they are enabled.
    Benchmarks call it so that a first-ever compilation is not timed."""
    if not enabled():
        return False
    from .orbit_poly import OrbitPolynomial

    orbit = OrbitPolynomial(0.0, 10.0, np.array([[7e6, 0.0, 0.0], [0.0, 7e4, 0.0]]))
    v = np.full((3, 3), 6.4e6)
    v3 = (v, np.add.outer(np.arange(3.0), np.zeros(3)), np.add.outer(np.zeros(3), np.arange(3.0)))
    g = facet_geometry(*v3, np.zeros((3, 3)), np.zeros((2, 2)), orbit, 0.99)
    layover_shadow(g[0], g[15], g[1], g[14], 0.01, 1.0, look_is_minus_cosine=True)
    valid = np.ones((2, 2), bool)
    axes = (0.0, 1.0, 0.0, 1.0)
    window_extent(g[0], g[1], valid, axes, 2, 2, (0, 2, 0, 2))
    for s_i in (1, 2):
        distribute_subsampled(g[0], g[1], valid, g[3], axes, 0, 0, (2, 2), s_i, 2)
    for dtype in (np.float32, np.float64):
        beam_sums(g[0], g[1], valid, ~valid, g[2], g[6], np.ones((2, 2)), [np.ones((2, 2), dtype)], axes, 1.0, 0, 0,
                  2, 2, 1, (0, 0), (2, 2))
    lattice = np.array([0, 2])
    dem_vertex_ecef(np.ones((3, 3)), lattice, lattice, np.ones((9, 2, 2)), (3, 3))
    vertex_ecef(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)))
    one = np.ones((2, 2))
    no = np.zeros((2, 2), np.bool_)
    _geometry_sums(one, one, ~no, no, no, no, one, one, one, one, one, one, one, one, 1, 0, 0, np.zeros((2, 2, 14)))
    for n_beams in (0, 1):
        mosaic(np.ones((n_beams, 6, 2, 2)), np.ones(n_beams), 1, np.ones((2, 2, 14)), True, 1, 0.05, (2, 2))
    return True
