"""Stage 4, area distribution: the illuminated areas of a tile's facets spread onto a beam's radar cells.

Radar coordinates are 0-based fractional (line, pixel) of radar-cell *centres*: line = (t - t0) /
line interval, pixel = (R - R0) / range spacing (``axes`` = (t0 s, line interval s, R0 m, range
spacing m) of the beam's :class:`..geometry.radar_grid.RadarGrid`). A point at (l, p) gives its
weight to the 4 cells around it with the bilinear weights (1-fl)(1-fp), (1-fl)fp, fl(1-fp), fl*fp
(fl, fp the fractional parts), as in Small (2011); the area is conserved exactly.

Each facet is spread from s_i x s_j sub-points that split it evenly along its two lattice axes, at
positions from the local gradient of its radar coordinates (np.gradient rules, 0 where not
finite): this removes most of the beat between the facet lattice and the radar grid at the cost of
s^2 cheap scatter-adds (no extra geocoding). :func:`subpoint_count` chooses s.

:func:`beam_window` is the part of a beam's grid a tile's core facets read back (its window);
:func:`distribute_area` spreads A_gamma into that window (the numpy reference or the compiled
kernel, same numbers).
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from .workspace import ChunkScratch


def _halo(halo) -> Tuple[int, int]:
    """(rows, cols) from an int or a pair."""
    if isinstance(halo, (tuple, list)):
        return int(halo[0]), int(halo[1])
    return int(halo), int(halo)


def radar_axes(grid) -> Tuple[float, float, float, float]:
    """(first line time s, line interval s, first slant range m, range spacing m) of a RadarGrid:
    line = (t - t0) / dt, pixel = (R - R0) / dR."""
    return (float(grid.first_line_time_s), float(grid.line_interval_s), float(grid.slant_range_first_m),
            float(grid.range_spacing_m))


#: Largest step (radar cells) between the sub-points a facet's area is spread from.
MAX_SUBPOINT_STEP_CELLS = 0.5


def subpoint_count(facet_cells: float, largest: int = 6) -> int:
    """Sub-points per facet side for a facet ``facet_cells`` radar cells long.

    Bilinear (tent) weights summed over points a step h apart are constant exactly when 1/h is an
    integer; otherwise they ripple by about sinc^2(1/h) (the tent's spectrum at the sampling
    frequency). Of the counts s giving h = facet_cells / s <= :data:`MAX_SUBPOINT_STEP_CELLS`, the
    smallest whose ripple is below 0.2 % (0.01 dB), else the one with the least ripple, is chosen.
    """
    if not (facet_cells > 0 and np.isfinite(facet_cells)):
        return 2
    best = None
    for s in range(2, largest + 1):   # at least 2: with the lattice skewed on the radar grid, one point aliases
        f = s / facet_cells
        if f < 1.0 / MAX_SUBPOINT_STEP_CELLS - 1e-9:
            continue
        ripple = (np.sin(np.pi * f) / (np.pi * f)) ** 2
        if ripple < 2e-3:
            return s
        if best is None or ripple < best[0]:
            best = (ripple, s)
    return best[1] if best else largest


def _sampled_gradient_medians(coordinate, ny: int, nx: int, max_samples: int = 40_000) -> Tuple[float, float]:
    """Medians of |d/di| and |d/dj| (np.gradient rules, non-finite -> 0) of a facet-lattice field
    over an even sample of its rows (and columns); ``coordinate(rows)`` returns those rows (NaN
    where a facet has no value)."""
    if ny < 2 or nx < 2:
        return 0.0, 0.0
    rows = np.arange(0, ny, max(1, ny // max(1, max_samples // nx)))
    above = np.minimum(rows + 1, ny - 1)
    below = np.maximum(rows - 1, 0)
    with np.errstate(invalid="ignore"):
        at = coordinate(rows)
        d_i = (coordinate(above) - coordinate(below)) / (above - below)[:, None]
        d_j = np.gradient(at, axis=1)
    medians = []
    for d in (d_i, d_j):
        d = d[:, ::max(1, d.size // max_samples)] if d.size > max_samples else d
        d = np.where(np.isfinite(d), np.abs(d), 0.0)
        medians.append(float(np.median(d)))
    return medians[0], medians[1]


def subpoint_counts(line_rows, pixel_rows, shape: Tuple[int, int], subsamples=None
                    ) -> Tuple[int, int]:
    """(s_i, s_j) sub-points per facet along the lattice rows/columns (see :func:`subpoint_count`),
    from the typical facet size in radar cells; ``line_rows(rows)`` / ``pixel_rows(rows)`` give the
    facets' radar line / pixel on those lattice rows; ``subsamples`` forces s x s (an int) or
    (s_i, s_j) (a pair), e.g. a run's own counts so that every tile spreads its facets alike."""
    if isinstance(subsamples, (tuple, list)):
        return max(1, int(subsamples[0])), max(1, int(subsamples[1]))
    if subsamples is not None:
        s = max(1, int(subsamples))
        return s, s
    dl_i, dl_j = _sampled_gradient_medians(line_rows, *shape)
    dp_i, dp_j = _sampled_gradient_medians(pixel_rows, *shape)
    return subpoint_count(max(dl_i, dp_i)), subpoint_count(max(dl_j, dp_j))


def facet_subpoints(geom, grid, subsamples=None) -> Tuple[int, int]:
    """(s_i, s_j) sub-points per facet of a tile's :class:`.facet_geometry.FacetGeometry` in the beam
    of ``grid`` (see :func:`subpoint_counts`)."""
    valid = geom.valid

    def line_rows(rows):
        return np.where(valid[rows], grid.line_of_time(geom.time_s[rows]), np.nan)

    def pixel_rows(rows):
        return np.where(valid[rows], grid.pixel_of_range(geom.slant_range_m[rows]), np.nan)

    return subpoint_counts(line_rows, pixel_rows, valid.shape, subsamples)


def _splat(padded: np.ndarray, l: np.ndarray, p: np.ndarray, w: np.ndarray, finite_weights: bool = False,
           sc: Optional[ChunkScratch] = None) -> None:
    """Add weights ``w`` at padded-window coordinates (l, p) bilinearly into ``padded`` (a window
    with one extra cell on every side); points outside it (or NaN) are dropped, NaN weights count as
    0 (unless ``finite_weights`` says there is none). Only the band of lines the points reach is
    touched. The four corners' cells and weights go into one bincount. ``sc``: scratch arrays reused
    from call to call; with it, l, p and w are scratch too, which the function may change: the few
    points outside get weight 0 on the window's edge instead of being taken out (adding 0 changes no
    sum)."""
    inputs_are_scratch = sc is not None
    sc = sc if sc is not None else ChunkScratch()
    n_rows, width = padded.shape
    n = l.size
    if n == 0:
        return
    lowest, highest = float(l.min()), float(l.max())               # NaN: not all inside
    if lowest >= 0 and highest < n_rows - 1 and float(p.min()) >= 0 and float(p.max()) < width - 1:
        m = n                                                       # every point inside (most chunks)
    else:
        ok = np.greater_equal(l, 0, out=sc.flat("splat ok", n, np.bool_))     # False for NaN
        test = sc.flat("splat test", n, np.bool_)
        ok &= np.less(l, n_rows - 1, out=test)
        ok &= np.greater_equal(p, 0, out=test)
        ok &= np.less(p, width - 1, out=test)
        m = int(np.count_nonzero(ok))
        if m == 0:
            return
        if m < n and inputs_are_scratch:
            np.copyto(w, 0.0, where=np.logical_not(ok, out=test))
            for x, end in ((l, n_rows - 1), (p, width - 1)):         # in [0, end): in-window values unchanged
                np.fmax(x, 0.0, out=x)
                np.fmin(x, np.nextafter(float(end), 0.0), out=x)
            m = n
        elif m < n:
            kept = np.flatnonzero(ok)
            l, p, w = (x.take(kept, out=sc.flat(name, m)) for x, name in ((l, "splat l"), (p, "splat p"),
                                                                          (w, "splat w")))
        lowest, highest = float(l.min()), float(l.max())
    if not finite_weights:
        w = np.nan_to_num(w, nan=0.0)
    whole_l = np.trunc(l, out=sc.flat("splat whole l", m))           # l >= 0: the cell's line, as a float
    whole_p = np.trunc(p, out=sc.flat("splat whole p", m))
    first = int(lowest)
    band = int(highest) - first + 2
    # the first corner's cell in the band, as a float (exact: integers far below 2^53), then as an int
    corner = np.subtract(whole_l, first, out=sc.flat("splat corner", m))
    corner *= width
    corner += whole_p
    cells = sc.flat("splat cells", 4 * m, np.int64)
    base = cells[:m]
    np.copyto(base, corner, casting="unsafe")
    np.add(base, 1, out=cells[m:2 * m])
    np.add(base, width, out=cells[2 * m:3 * m])
    np.add(base, width + 1, out=cells[3 * m:])
    fl = np.subtract(l, whole_l, out=whole_l)
    fp = np.subtract(p, whole_p, out=whole_p)
    values = sc.flat("splat values", 4 * m)
    near, far = np.subtract(1.0, fl, out=values[:m]), fl          # (1 - fl) and fl
    near *= w
    far *= w
    np.multiply(near, fp, out=values[m:2 * m])                      # w (1-fl) fp
    np.subtract(near, values[m:2 * m], out=values[:m])              # w (1-fl) (1-fp)
    np.multiply(far, fp, out=values[3 * m:])                        # w fl fp
    np.subtract(far, values[3 * m:], out=values[2 * m:3 * m])       # w fl (1-fp)
    padded[first:first + band] += np.bincount(cells, weights=values, minlength=band * width).reshape(band, width)


def distribute_bilinear(line: np.ndarray, pixel: np.ndarray, weights, line0: int, pixel0: int,
                        shape: Tuple[int, int]):
    """Sum of ``weights`` spread bilinearly over a (n_lines, n_pixels) float64 window starting at
    (line0, pixel0). NaN coordinates are ignored (NaN weights count as 0). ``weights``: one array,
    or a tuple of arrays (then a tuple of windows is returned)."""
    n_l, n_p = shape
    windows = []
    for w in ((weights,) if isinstance(weights, np.ndarray) else weights):
        padded = np.zeros((n_l + 2, n_p + 2))
        _splat(padded, np.ravel(line) - (line0 - 1), np.ravel(pixel) - (pixel0 - 1), np.ravel(w))
        windows.append(padded[1:-1, 1:-1].copy())
    return windows[0] if isinstance(weights, np.ndarray) else tuple(windows)


def _window_extent_numpy(time_s, range_m, valid, axes, n_lines, n_pixels, core=None):
    ny, nx = valid.shape
    i0, i1, j0, j1 = core if core is not None else (0, ny, 0, nx)
    t0, dt, r0, dr = axes
    line = (time_s[i0:i1, j0:j1] - t0) / dt
    pixel = (range_m[i0:i1, j0:j1] - r0) / dr
    with np.errstate(invalid="ignore"):
        ok = valid[i0:i1, j0:j1] & (line > -1) & (line < n_lines) & (pixel > -1) & (pixel < n_pixels)
    if not ok.any():
        return None
    return line[ok].min(), line[ok].max(), pixel[ok].min(), pixel[ok].max()


@jit
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


@compiled_or_numpy(_window_extent_numpy)
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


def beam_window(geom, grid, margin: int = 2, halo=None, out_shape: Optional[Tuple[int, int]] = None,
                oversampling: int = 1) -> Optional[Tuple[int, int, int, int]]:
    """(line0, line1, pixel0, pixel1) (end exclusive) of ``grid`` (a geometry.RadarGrid) covering the
    tile's facets (a :class:`.facet_geometry.FacetGeometry`) plus ``margin`` cells, clipped to the
    grid; None if the tile misses the beam.

    With ``halo`` and ``out_shape`` (and ``oversampling``) only the core facets count: the window
    then holds exactly the cells whose area and beta0 the core facets read back (halo facets only
    give area to them), and a tile whose core misses the beam is None."""
    if halo is not None and out_shape is not None:
        hy, hx = _halo(halo)
        core = (hy, hy + oversampling * out_shape[0], hx, hx + oversampling * out_shape[1])
    else:
        core = (0, geom.valid.shape[0], 0, geom.valid.shape[1])
    found = window_extent(geom.time_s, geom.slant_range_m, geom.valid, radar_axes(grid), grid.lines, grid.pixels,
                          core)
    if found is None:
        return None
    lmin, lmax, pmin, pmax = found
    l0 = max(int(np.floor(lmin)) - margin, 0)
    l1 = min(int(np.floor(lmax)) + margin + 2, grid.lines)
    p0 = max(int(np.floor(pmin)) - margin, 0)
    p1 = min(int(np.floor(pmax)) + margin + 2, grid.pixels)
    return l0, l1, p0, p1


#: Facets the numpy path spreads at once: their sub-points' indices and weights stay in the CPU's
#: cache, and each chunk adds into the band of window lines it reaches only.
NUMPY_CHUNK_FACETS = 16384


def _offsets(s: int) -> np.ndarray:
    """Sub-point offsets (facet units, centred) of ``s`` sub-points along a facet side."""
    return (np.arange(s) + 0.5) / s - 0.5


def _subpoints(centre: np.ndarray, along_i: np.ndarray, along_j: np.ndarray, s_i: int, s_j: int,
               out: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One coordinate of the s_i x s_j sub-points of facets (centre + a d/di + b d/dj, a and b the
    :func:`_offsets`; 1-D arrays of n facets) into ``out`` (s_i s_j n,), sub-point after sub-point;
    ``row`` (n,) is scratch."""
    n = centre.size
    q = 0
    for a in _offsets(s_i):
        np.multiply(along_i, a, out=row)
        row += centre
        for b in _offsets(s_j):
            target = np.multiply(along_j, b, out=out[q * n:(q + 1) * n])
            target += row
            q += 1
    return out


def _lattice_gradients(c: np.ndarray, top: int, n: int, sc: ChunkScratch, name: str):
    """(d/di, d/dj) of rows ``top`` .. ``top + n`` of the block ``c`` (facet rows x columns, >= 2 x 2)
    by np.gradient's rules on the block: central differences inside, one-sided at its edges; the
    non-finite ones 0 (next to DEM gaps: the sub-points fall on the facet centre)."""
    n_block, nx = c.shape
    d_i = sc.flat(name + " d/di", n * nx).reshape(n, nx)
    lo, hi = max(top, 1), min(top + n, n_block - 1)              # block rows with a neighbour each side
    if hi > lo:
        inner = np.subtract(c[lo + 1:hi + 1], c[lo - 1:hi - 1], out=d_i[lo - top:hi - top])
        inner *= 0.5
    if top == 0:
        np.subtract(c[1], c[0], out=d_i[0])
    if top + n == n_block:
        np.subtract(c[n_block - 1], c[n_block - 2], out=d_i[n - 1])
    rows = c[top:top + n]
    d_j = sc.flat(name + " d/dj", n * nx).reshape(n, nx)
    inner = np.subtract(rows[:, 2:], rows[:, :-2], out=d_j[:, 1:-1])
    inner *= 0.5
    np.subtract(rows[:, 1], rows[:, 0], out=d_j[:, 0])
    np.subtract(rows[:, -1], rows[:, -2], out=d_j[:, -1])
    if not np.isfinite(c).all():
        bad = sc.flat("gradient bad", n * nx, np.bool_).reshape(n, nx)
        for d in (d_i, d_j):
            np.copyto(d, 0.0, where=np.logical_not(np.isfinite(d, out=bad), out=bad))
    return d_i, d_j


def _reaches_window(centre: np.ndarray, d_i: np.ndarray, d_j: np.ndarray, reach_i: float, reach_j: float,
                    start: int, size: int, use: np.ndarray, sc: ChunkScratch) -> None:
    """use &= the facets whose sub-points (within ``reach_i`` d_i + ``reach_j`` d_j of the centre,
    radar cells) may reach the window's ``size`` cells from ``start`` (a cell of margin against
    rounding: the points are dropped there anyway)."""
    reach = np.abs(d_i, out=sc.flat("reach", d_i.size).reshape(d_i.shape))
    reach *= reach_i
    tmp = np.abs(d_j, out=sc.flat("reach tmp", d_j.size).reshape(d_j.shape))
    tmp *= reach_j
    reach += tmp
    reach += 0.5 * size + 2.0
    off = np.subtract(centre, start + 0.5 * (size - 1), out=tmp)
    np.abs(off, out=off)
    use &= np.less_equal(off, reach, out=sc.flat("reach test", use.size, np.bool_).reshape(use.shape))


def _distribute_area_numpy(time_s, range_m, valid, weight, axes, line0, pixel0, shape, s_i, s_j):
    t0, dt, r0, dr = axes
    n_l, n_p = shape
    ny, nx = valid.shape
    padded = np.zeros((n_l + 2, n_p + 2))          # one extra cell on every side
    reach_i, reach_j = float(np.abs(_offsets(s_i)).max()), float(np.abs(_offsets(s_j)).max())
    with_gradient = min(ny, nx) > 1
    per_facet = s_i * s_j
    sc = ChunkScratch()
    step = max(1, NUMPY_CHUNK_FACETS // max(nx, 1))
    for first in range(0, ny, step):
        end = min(ny, first + step)
        c0, c1 = max(first - 1, 0), min(end + 1, ny)   # a row more on either side: np.gradient's rules
        top, n = first - c0, end - first
        missing = np.logical_not(valid[c0:c1], out=sc.flat("missing", (c1 - c0) * nx, np.bool_).reshape(-1, nx))
        coords = []
        with np.errstate(invalid="ignore"):
            for values, origin, spacing, name in ((time_s, t0, dt, "line"), (range_m, r0, dr, "pixel")):
                c = np.subtract(values[c0:c1], origin, out=sc.flat(name, (c1 - c0) * nx).reshape(-1, nx))
                c /= spacing
                np.copyto(c, np.nan, where=missing)
                if with_gradient:
                    grads = _lattice_gradients(c, top, n, sc, name)
                else:
                    grads = (np.zeros((n, nx)),) * 2
                coords.append((c[top:top + n], *grads))
            (lc, gl_i, gl_j), (pc, gp_i, gp_j) = coords
            w = weight[first:end]
            test = sc.flat("test", n * nx, np.bool_).reshape(n, nx)
            use = np.not_equal(w, 0, out=sc.flat("use", n * nx, np.bool_).reshape(n, nx))
            use &= np.isfinite(w, out=test)
            use &= np.isfinite(lc, out=test)
            # facets whose sub-points all fall outside the window (halo facets, mostly) are left out
            _reaches_window(lc, gl_i, gl_j, reach_i, reach_j, line0, n_l, use, sc)
            _reaches_window(pc, gp_i, gp_j, reach_i, reach_j, pixel0, n_p, use, sc)
        m = int(np.count_nonzero(use))
        if m == 0:
            continue
        kept = [np.ravel(x) for x in (lc, pc, w, gl_i, gl_j, gp_i, gp_j)]
        if m < use.size:
            used = np.flatnonzero(use)
            kept = [x.take(used, out=sc.flat(f"kept {q}", m)) for q, x in enumerate(kept)]
        lc, pc, w, gl_i, gl_j, gp_i, gp_j = kept
        lc -= line0 - 1
        pc -= pixel0 - 1
        row = sc.flat("subpoint row", m)
        part = sc.flat("subpoint weight", per_facet * m)
        np.divide(w, per_facet, out=part[:m])
        for q in range(1, per_facet):
            part[q * m:(q + 1) * m] = part[:m]
        _splat(padded, _subpoints(lc, gl_i, gl_j, s_i, s_j, sc.flat("subpoint line", per_facet * m), row),
               _subpoints(pc, gp_i, gp_j, s_i, s_j, sc.flat("subpoint pixel", per_facet * m), row), part,
               finite_weights=True, sc=sc)
    return padded[1:-1, 1:-1].copy()


# Radar coordinates are computed inside the kernels from the facets' zero-Doppler time and slant
# range: line = (t - t0) / dt, pixel = (R - R0) / dR with ``axes`` = (t0, dt, R0, dR) of the beam's
# grid (geometry.RadarGrid.line_of_time / pixel_of_range); a facet that is not valid has none.
#
# The compiled kernel works on blocks of BLOCK facets of a lattice row: their centres, gradients
# and sub-point weights are computed by loops LLVM vectorises (branch-free, one store target, the
# block buffer, with uint64 indices), then added into the window by a plain loop per sub-point.

#: Facets of a row the compiled kernel spreads at once (its buffers stay in the L1 cache).
BLOCK = 256
# rows of the block buffer: window coordinates of the centre, gradients, area per sub-point, "spread
# it" (1.0 or 0.0); then the four bilinear weights of one sub-point
_LINE, _PIXEL, _DL_I, _DL_J, _DP_I, _DP_J, _PART, _USE, _W00, _W01, _W10, _W11 = range(12)


@jit
def _coordinate_row(values, valid, i, origin, step, out):
    """out[1:nx+1]: the radar coordinate (values - origin) / step of lattice row ``i`` (NaN where not
    valid); out[0] and out[nx+1] extrapolated linearly, so that the centred difference at the row's
    ends is np.gradient's one-sided one."""
    inv = 1.0 / step
    nx = values.shape[1]
    for j in range(nx):
        out[j + 1] = (values[i, j] - origin) * inv if valid[i, j] else np.nan
    if nx >= 2:
        out[0] = 2.0 * out[1] - out[2]
        out[nx + 1] = 2.0 * out[nx] - out[nx - 1]
    else:
        out[0] = out[1]
        out[nx + 1] = out[1]


@jit
def _facet_block(line_a, line_at, line_b, pixel_a, pixel_at, pixel_b, w, row_factor, use_gradient, line0, pixel0,
                 n_l, n_p, per_subpoint, buf, m):
    """Block rows _LINE .. _USE for ``m`` facets of a row: ``line_at``/``pixel_at`` the padded
    coordinate row (entry j + 1 is the block's facet j), ``line_a``/``line_b`` (and pixel) the rows
    whose difference times ``row_factor`` is the gradient along the lattice columns (np.gradient's
    rules; non-finite -> 0; all 0 unless ``use_gradient``). A facet is spread when its centre and
    weight are finite and nonzero and its sub-points, within half its extent of the centre, can reach
    the window (+ one cell)."""
    for j in range(m):
        l_c = line_at[j + 1]
        p_c = pixel_at[j + 1]
        wv = w[j]
        dl_i = (line_b[j + 1] - line_a[j + 1]) * row_factor
        dl_j = (line_at[j + 2] - line_at[j]) * 0.5
        dp_i = (pixel_b[j + 1] - pixel_a[j + 1]) * row_factor
        dp_j = (pixel_at[j + 2] - pixel_at[j]) * 0.5
        dl_i = dl_i * use_gradient if (dl_i - dl_i) == 0.0 else 0.0
        dl_j = dl_j * use_gradient if (dl_j - dl_j) == 0.0 else 0.0
        dp_i = dp_i * use_gradient if (dp_i - dp_i) == 0.0 else 0.0
        dp_j = dp_j * use_gradient if (dp_j - dp_j) == 0.0 else 0.0
        reach_l = 0.5 * (abs(dl_i) + abs(dl_j)) + 1.0
        reach_p = 0.5 * (abs(dp_i) + abs(dp_j)) + 1.0
        usable = (l_c - l_c) == 0.0 and (p_c - p_c) == 0.0 and (wv - wv) == 0.0 and wv != 0.0
        near = not (l_c + reach_l < line0 - 1 or l_c - reach_l > line0 + n_l or p_c + reach_p < pixel0 - 1
                    or p_c - reach_p > pixel0 + n_p)
        buf[np.uint64(_LINE * BLOCK + j)] = l_c - (line0 - 1)
        buf[np.uint64(_PIXEL * BLOCK + j)] = p_c - (pixel0 - 1)
        buf[np.uint64(_DL_I * BLOCK + j)] = dl_i
        buf[np.uint64(_DL_J * BLOCK + j)] = dl_j
        buf[np.uint64(_DP_I * BLOCK + j)] = dp_i
        buf[np.uint64(_DP_J * BLOCK + j)] = dp_j
        buf[np.uint64(_PART * BLOCK + j)] = wv * per_subpoint
        buf[np.uint64(_USE * BLOCK + j)] = 1.0 if (usable and near) else 0.0


@jit
def _subpoint_weights(fa, fb, n_l, n_p, width, buf, corner, m):
    """For the sub-point at offsets (fa, fb) (facet units) of each block facet: the flat index
    ``corner`` of its cell's first corner in the padded window (``width`` cells a row) and the four
    bilinear weights (0 outside the padded window or for a facet not spread)."""
    for j in range(m):
        la = buf[np.uint64(_LINE * BLOCK + j)] + fa * buf[np.uint64(_DL_I * BLOCK + j)]
        pa = buf[np.uint64(_PIXEL * BLOCK + j)] + fa * buf[np.uint64(_DP_I * BLOCK + j)]
        l = la + fb * buf[np.uint64(_DL_J * BLOCK + j)]
        p = pa + fb * buf[np.uint64(_DP_J * BLOCK + j)]
        inside = l >= 0 and l < n_l + 1 and p >= 0 and p < n_p + 1 and buf[np.uint64(_USE * BLOCK + j)] != 0.0
        part = buf[np.uint64(_PART * BLOCK + j)] if inside else 0.0
        l = l if inside else 0.0
        p = p if inside else 0.0
        li = np.int64(l)
        pi = np.int64(p)
        fl = l - li
        fp = p - pi
        corner[j] = li * width + pi
        buf[np.uint64(_W00 * BLOCK + j)] = part * ((1 - fl) * (1 - fp))
        buf[np.uint64(_W01 * BLOCK + j)] = part * ((1 - fl) * fp)
        buf[np.uint64(_W10 * BLOCK + j)] = part * (fl * (1 - fp))
        buf[np.uint64(_W11 * BLOCK + j)] = part * (fl * fp)


@jit
def _add_subpoints(buf, corner, acc, width, m):
    """Add the weights of :func:`_subpoint_weights` into the flat padded window ``acc``."""
    for j in range(m):
        if buf[np.uint64(_USE * BLOCK + j)] != 0.0:
            c = corner[j]
            acc[c] += buf[np.uint64(_W00 * BLOCK + j)]
            acc[c + 1] += buf[np.uint64(_W01 * BLOCK + j)]
            acc[c + width] += buf[np.uint64(_W10 * BLOCK + j)]
            acc[c + width + 1] += buf[np.uint64(_W11 * BLOCK + j)]


@jit
def _distribute(time_s, range_m, valid, w, t0, dt, r0, dr, s_i, s_j, line0, pixel0, acc):
    n_l = acc.shape[0] - 2
    n_p = acc.shape[1] - 2
    width = acc.shape[1]
    flat = acc.reshape(-1)
    per_subpoint = 1.0 / (s_i * s_j)
    offsets_i = np.empty(s_i)                    # sub-point offsets in facet units, centred
    offsets_j = np.empty(s_j)
    for ia in range(s_i):
        offsets_i[ia] = (ia + 0.5) / s_i - 0.5
    for ib in range(s_j):
        offsets_j[ib] = (ib + 0.5) / s_j - 0.5
    ny, nx = time_s.shape
    use_gradient = 0.0 if (ny < 2 or nx < 2 or (s_i == 1 and s_j == 1)) else 1.0
    # radar line / pixel of lattice rows i-1, i, i+1 in rolling buffers (row i in slot i % 3), each
    # computed once, padded by one entry on each side (see _coordinate_row)
    lines = np.empty((3, nx + 2))
    pixels = np.empty((3, nx + 2))
    buf = np.empty(12 * BLOCK)
    corner = np.empty(BLOCK, dtype=np.int64)
    for i in range(min(2, ny)):
        _coordinate_row(time_s, valid, i, t0, dt, lines[i])
        _coordinate_row(range_m, valid, i, r0, dr, pixels[i])
    for i in range(ny):
        above, at, below = (i + 2) % 3, i % 3, (i + 1) % 3
        if i > 0 and i + 1 < ny:
            _coordinate_row(time_s, valid, i + 1, t0, dt, lines[below])
            _coordinate_row(range_m, valid, i + 1, r0, dr, pixels[below])
        if ny < 2:
            a, b, row_factor = at, at, 0.0
        elif i == 0:                             # np.gradient's one-sided differences at the ends
            a, b, row_factor = at, below, 1.0
        elif i == ny - 1:
            a, b, row_factor = above, at, 1.0
        else:
            a, b, row_factor = above, below, 0.5
        for j0 in range(0, nx, BLOCK):
            m = min(BLOCK, nx - j0)
            _facet_block(lines[a, j0:], lines[at, j0:], lines[b, j0:], pixels[a, j0:], pixels[at, j0:],
                         pixels[b, j0:], w[i, j0:], row_factor, use_gradient, line0, pixel0, n_l, n_p, per_subpoint,
                         buf, m)
            for ia in range(s_i):
                for ib in range(s_j):
                    _subpoint_weights(offsets_i[ia], offsets_j[ib], n_l, n_p, width, buf, corner, m)
                    _add_subpoints(buf, corner, flat, width, m)


@compiled_or_numpy(_distribute_area_numpy)
def distribute_area(time_s, range_m, valid, weight, axes, line0, pixel0, shape, s_i, s_j):
    """A_gamma (``weight``, m^2 per facet) spread bilinearly from s_i x s_j sub-points of every valid
    facet onto a (n_lines, n_pixels) float64 window starting at (line0, pixel0); the facets' radar
    coordinates from their zero-Doppler time ``time_s`` (s) and slant range ``range_m`` (m) with
    ``axes`` (see the module docstring)."""
    n_l, n_p = shape
    acc = np.zeros((n_l + 2, n_p + 2))
    _distribute(np.ascontiguousarray(time_s, dtype=np.float64), np.ascontiguousarray(range_m, dtype=np.float64),
                np.ascontiguousarray(valid, dtype=np.bool_), np.ascontiguousarray(weight, dtype=np.float64),
                *(float(a) for a in axes), int(s_i), int(s_j), int(line0), int(pixel0), acc)
    return acc[1:-1, 1:-1].copy()
