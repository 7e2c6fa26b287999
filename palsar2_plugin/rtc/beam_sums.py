"""Stage 5, beam sums: each output pixel's sums over its facets in one beam.

For every *core* facet of a tile (the k x k facets of each output pixel; the halo only gave area)
the accumulated A_gamma of the beam's radar cells and the beam's beta0 are read back bilinearly at
the facet's radar position (the weights of the distribution, :mod:`.area_distribution`), then summed
per output pixel (:class:`BeamTileSums`). With A_beta the radar cell's area in the slant plane at the
facet (range spacing x line interval x the along-track speed there), the normalisation factor is
ANF = A_gamma / A_beta (Small 2011); shadowed facets, facets outside the beam and facets without
beta0 (NaN or 0 in a corner cell) do not count.

:func:`beam_sums` runs the numpy reference or the compiled kernel (one pass per output pixel, each
output written once); both give the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from .area_distribution import _halo, radar_axes
from .facet_geometry import pixel_sums
from .workspace import ChunkScratch


#: Rows of a beam's sums stacked for the compiled mosaic: count, covered, then beta0 per
#: polarisation, then anf, anf_flat, area_gamma.
COUNT, COVERED, BETA0 = 0, 1, 2


@dataclass
class BeamTileSums:
    """Per-output-pixel sums over the facets of one beam (arrays (ny, nx))."""

    count: np.ndarray          # facets inside the beam with valid beta0 and geometry, not shadowed
    covered: np.ndarray        # facets inside the beam's grid where it has beta0 data (shadow or not)
    beta0: List[np.ndarray]    # per polarisation: sum of beta0 (linear power)
    anf: np.ndarray            # sum of A_gamma / A_beta
    anf_flat: np.ndarray       # sum of the flat-ellipsoid ANF = cot(ellipsoid incidence)
    area_gamma: np.ndarray     # sum of the read-back A_gamma of the radar cells (m^2)
    looks: float


def core_facets(oversampling: int, halo, shape: Tuple[int, int]) -> Tuple[slice, slice]:
    """The (rows, cols) slices of a tile's core facets in its facet arrays."""
    hy, hx = _halo(halo)
    k = oversampling
    return slice(hy, hy + k * shape[0]), slice(hx, hx + k * shape[1])


def bilinear_cells(line: np.ndarray, pixel: np.ndarray, line0: int, pixel0: int, shape: Tuple[int, int],
                   sc: Optional[ChunkScratch] = None):
    """Where the points (line, pixel) fall in a window of ``shape`` starting at (line0, pixel0): the
    points inside (a boolean array shaped like ``line``), and for those the flat index of each
    cell's four corners (first, next pixel, next line, both) and their weights (the cell's last
    row/column is reachable exactly). Computed once for all the images read at the same points;
    ``sc``: scratch arrays reused from call to call (the results are among them)."""
    sc = sc if sc is not None else ChunkScratch()
    n_l, n_p = shape
    n = line.size

    def buf(name, dtype=np.float64):
        return sc.flat("cells " + name, n, dtype).reshape(line.shape)

    ok = np.isfinite(line, out=buf("ok", np.bool_))
    ok &= np.isfinite(pixel, out=buf("test", np.bool_))
    outside = np.logical_not(ok, out=buf("test", np.bool_))
    l = np.subtract(line, line0, out=buf("l"))
    np.copyto(l, -10.0, where=outside)
    p = np.subtract(pixel, pixel0, out=buf("p"))
    np.copyto(p, -10.0, where=outside)
    li = np.floor(l, out=buf("li"))
    pi = np.floor(p, out=buf("pi"))
    fl = np.subtract(l, li, out=l)
    fp = np.subtract(p, pi, out=p)
    test = buf("test", np.bool_)
    for i, f, n_cells in ((li, fl, n_l), (pi, fp, n_p)):
        at_last = np.equal(i, n_cells - 1, out=test)
        if at_last.any():
            at_last &= f == 0
            i[at_last] -= 1
            f[at_last] = 1.0
    ok &= np.greater_equal(li, 0, out=test)
    ok &= np.less(li, n_l - 1, out=test)
    ok &= np.greater_equal(pi, 0, out=test)
    ok &= np.less(pi, n_p - 1, out=test)
    if not ok.all():
        fl, fp, li, pi = fl[ok], fp[ok], li[ok], pi[ok]
    m = li.size
    corners = sc.flat("cells corners", 4 * m, np.int64).reshape(4, m)
    corner = corners[0]
    np.copyto(corner, li.ravel(), casting="unsafe")
    corner *= n_p
    np.copyto(corners[1], pi.ravel(), casting="unsafe")
    corner += corners[1]
    np.add(corner, 1, out=corners[1])
    np.add(corner, n_p, out=corners[2])
    np.add(corner, n_p + 1, out=corners[3])
    fl, fp = fl.ravel(), fp.ravel()
    weights = sc.flat("cells weights", 4 * m).reshape(4, m)
    gl = np.subtract(1, fl, out=sc.flat("cells gl", m))
    gp = np.subtract(1, fp, out=sc.flat("cells gp", m))
    np.multiply(gl, gp, out=weights[0])
    np.multiply(gl, fp, out=weights[1])
    np.multiply(fl, gp, out=weights[2])
    np.multiply(fl, fp, out=weights[3])
    return ok, corners, weights


def read_cells(image: np.ndarray, cells, nodata_zero: bool = False, sc: Optional[ChunkScratch] = None,
               name: str = "read") -> np.ndarray:
    """``image`` read bilinearly at the points of :func:`bilinear_cells` (float64 shaped like its
    points; NaN outside, or where a corner is NaN, or 0 with ``nodata_zero``); ``sc``: the result
    and temporaries in scratch arrays (under ``name``), reused from call to call."""
    sc = sc if sc is not None else ChunkScratch()
    ok, corners, weights = cells
    m = corners.shape[1]
    flat = image.reshape(-1)
    val = sc.flat(name + " value", m)
    v = sc.flat(name + " corner", m, image.dtype)
    term = sc.flat(name + " term", m)
    zero = sc.flat(name + " zero", m, np.bool_) if nodata_zero else None
    test = sc.flat(name + " test", m, np.bool_) if nodata_zero else None
    for q in range(4):                           # (float32 images are promoted exactly, as by astype)
        flat.take(corners[q], out=v)
        if q == 0:
            np.multiply(v, weights[0], out=val)
        else:
            val += np.multiply(v, weights[q], out=term)
        if nodata_zero:
            if q == 0:
                np.equal(v, 0, out=zero)
            else:
                zero |= np.equal(v, 0, out=test)
    if nodata_zero and zero.any():
        val[zero] = np.nan
    if val.size == ok.size:
        return val.reshape(ok.shape)
    out = np.full(ok.shape, np.nan)
    out[ok] = val
    return out


def read_bilinear(image: np.ndarray, line: np.ndarray, pixel: np.ndarray, line0: int, pixel0: int,
                  nodata_zero: bool = False) -> np.ndarray:
    """Bilinear interpolation of ``image`` (window starting at line0, pixel0) at (line, pixel).

    Outside the window, at NaN coordinates, or where any of the 4 neighbours is NaN (or 0 when
    ``nodata_zero``), the result is NaN. Output float64 shaped like ``line``.
    """
    image = np.ascontiguousarray(image)
    return read_cells(image, bilinear_cells(line, pixel, line0, pixel0, image.shape), nodata_zero)


#: Facets the numpy path reads back at once (their temporaries stay in the CPU's cache).
NUMPY_CHUNK_FACETS = 32768


def _beam_sums_rows(geom, grid, window, acc, betas, k, core, shape, out, sc: ChunkScratch) -> None:
    """:func:`_beam_sums_numpy` for the output rows of ``shape`` whose core facets are ``core``
    (temporaries in the scratch arrays of ``sc``)."""
    l0, _, p0, _ = window
    valid = geom.valid[core]

    def buf(name, dtype=np.float64):
        return sc.flat("sums " + name, valid.size, dtype).reshape(valid.shape)

    missing = np.logical_not(valid, out=buf("missing", np.bool_))
    test = buf("test", np.bool_)
    with np.errstate(invalid="ignore"):
        coords = []
        for values, origin, step, name in ((geom.time_s, grid.first_line_time_s, grid.line_interval_s, "line"),
                                          (geom.slant_range_m, grid.slant_range_first_m, grid.range_spacing_m, "pixel")):
            c = np.subtract(values[core], origin, out=buf(name))      # grid.line_of_time / pixel_of_range
            c /= step
            np.copyto(c, np.nan, where=missing)
            coords.append(c)
        line, pixel = coords
        inside = buf("inside", np.bool_)
        np.copyto(inside, valid)
        inside &= np.greater_equal(line, 0, out=test)
        inside &= np.less_equal(line, grid.lines - 1, out=test)
        inside &= np.greater_equal(pixel, 0, out=test)
        inside &= np.less_equal(pixel, grid.pixels - 1, out=test)
    a_beta = np.multiply(geom.along_track_m_per_s[core], grid.range_spacing_m * grid.line_interval_s,
                         out=buf("a_beta"))
    cells = bilinear_cells(line, pixel, l0, p0, acc.shape, sc)
    read_gamma = read_cells(acc, cells, sc=sc, name="gamma")
    anf = np.divide(read_gamma, a_beta, out=a_beta)
    beta_values = [read_cells(b, cells, nodata_zero=True, sc=sc, name=f"beta0 {q}") for q, b in enumerate(betas)]
    has_data = inside
    for b in beta_values:
        has_data &= np.isfinite(b, out=test)
    good = np.logical_not(geom.shadow[core], out=buf("good", np.bool_))
    good &= has_data
    good &= np.isfinite(anf, out=test)
    c = geom.cos_ellipsoid_incidence[core]
    with np.errstate(invalid="ignore", divide="ignore"):
        cot_ell = np.multiply(c, c, out=buf("cot_ell"))
        np.subtract(1.0, cot_ell, out=cot_ell)
        np.maximum(cot_ell, 1e-12, out=cot_ell)
        np.sqrt(cot_ell, out=cot_ell)
        np.divide(c, cot_ell, out=cot_ell)
    count, covered, anf_sum, flat_sum, area_sum, beta_sums = out
    kept = buf("kept")
    rows = sc.flat("sums pixel rows", shape[0] * valid.shape[1]).reshape(shape[0], valid.shape[1])
    for flags, target in ((good, count), (has_data, covered)):
        np.copyto(kept, flags)
        pixel_sums(kept, k, shape, target, rows)
    bad = np.logical_not(good, out=test)
    for values, target in zip((anf, cot_ell, read_gamma, *beta_values), (anf_sum, flat_sum, area_sum, *beta_sums)):
        np.copyto(kept, values)                  # facets that do not count add 0
        np.copyto(kept, 0.0, where=bad)
        pixel_sums(kept, k, shape, target, rows)


def _beam_sums_numpy(geom, grid, window, acc, beta0_windows, oversampling, halo, out_shape, looks=1.0):
    k = oversampling
    ny, nx = out_shape
    rows, cols = core_facets(k, halo, out_shape)
    acc = np.ascontiguousarray(acc)
    betas = [np.ascontiguousarray(b) for b in beta0_windows]
    count, covered, anf, anf_flat, area = np.zeros((5,) + tuple(out_shape))
    beta_sums = [np.zeros(out_shape) for _ in betas]
    step = max(1, NUMPY_CHUNK_FACETS // max(k * k * nx, 1))
    sc = ChunkScratch()
    for r0 in range(0, ny, step):
        r1 = min(ny, r0 + step)
        core = (slice(rows.start + k * r0, rows.start + k * r1), cols)
        out = [a[r0:r1] for a in (count, covered, anf, anf_flat, area)] + [[b[r0:r1] for b in beta_sums]]
        _beam_sums_rows(geom, grid, window, acc, betas, k, core, (r1 - r0, nx), out, sc)
    return BeamTileSums(count=count, covered=covered, beta0=beta_sums, anf=anf, anf_flat=anf_flat, area_gamma=area,
                        looks=float(looks))


#: Core facets of a row the compiled kernel reads back at once (whole output pixels of them).
BLOCK = 256
#: Polarisations the compiled kernel takes (HH, HV, VH, VV); more go through numpy.
MAX_POLARISATIONS = 4
# rows of the compiled kernel's block buffer: per facet its bilinear cell (the flat index of its
# first corner in the window, as a float, and the fractions), 1.0 where it is valid, inside the
# beam's grid and its cell inside the window, A_beta, the flat-ellipsoid ANF, 1.0 where shadowed;
# then what it adds to its pixel's sums: _ADDS + (count, covered, anf, anf_flat, area, beta0 per pol)
_CORNER, _FL, _FP, _ON, _A_BETA, _FLAT, _SHADOWED = range(7)
_ADDS = 7
_ADD_ANF, _ADD_FLAT, _ADD_AREA, _ADD_BETA0 = 2, 3, 4, 5        # after COUNT 0 and COVERED 1
_BLOCK_ROWS = _ADDS + _ADD_BETA0 + MAX_POLARISATIONS


@jit
def _readback_cells(time_s, range_m, valid, shadow, along, cos_ell, t0, inv_dt, r0, inv_dr, a_beta_per_along,
                    line0, pixel0, n_lines, n_pixels, n_l, n_p, buf, m):
    """Block rows _CORNER .. _SHADOWED of ``m`` facets of a row (1-D arrays from the block's first
    facet; the window is ``n_l`` x ``n_p`` cells from (line0, pixel0)): the cell of a point is where
    floor() puts it, moved back by one on the window's last row/column so that it is reachable
    exactly (the rules of read_bilinear). Branch-free, one store target: LLVM vectorises it."""
    for j in range(m):
        ln = (time_s[j] - t0) * inv_dt
        px = (range_m[j] - r0) * inv_dr
        in_grid = valid[j] and ln >= 0 and ln <= n_lines - 1 and px >= 0 and px <= n_pixels - 1
        l = ln - line0
        p = px - pixel0
        li = math.floor(l)
        pi = math.floor(p)
        fl = l - li
        fp = p - pi
        last_l = li == n_l - 1 and fl == 0
        last_p = pi == n_p - 1 and fp == 0
        li = li - 1.0 if last_l else li
        fl = 1.0 if last_l else fl
        pi = pi - 1.0 if last_p else pi
        fp = 1.0 if last_p else fp
        on = in_grid and li >= 0 and li < n_l - 1 and pi >= 0 and pi < n_p - 1
        c = cos_ell[j]
        buf[np.uint64(_CORNER * BLOCK + j)] = li * n_p + pi if on else 0.0
        buf[np.uint64(_FL * BLOCK + j)] = fl
        buf[np.uint64(_FP * BLOCK + j)] = fp
        buf[np.uint64(_ON * BLOCK + j)] = 1.0 if on else 0.0
        buf[np.uint64(_A_BETA * BLOCK + j)] = a_beta_per_along * along[j]
        buf[np.uint64(_FLAT * BLOCK + j)] = c / math.sqrt(max(1.0 - c * c, 1e-12))
        buf[np.uint64(_SHADOWED * BLOCK + j)] = 1.0 if shadow[j] else 0.0


@jit
def _bilinear_at(img, c, n_p, fl, fp, nodata_zero):
    """Bilinear value of a flattened window (``n_p`` cells a row) in the cell whose first corner is
    ``c``, at fractions (fl, fp); NaN with ``nodata_zero`` when a corner is 0."""
    v00 = np.float64(img[c])
    v01 = np.float64(img[c + 1])
    v10 = np.float64(img[c + n_p])
    v11 = np.float64(img[c + n_p + 1])
    if nodata_zero and (v00 == 0 or v01 == 0 or v10 == 0 or v11 == 0):
        return np.nan
    return v00 * (1 - fl) * (1 - fp) + v01 * (1 - fl) * fp + v10 * fl * (1 - fp) + v11 * fl * fp


@jit
def _readback_values(acc, betas, n_p, buf, m):
    """Rows _ADDS + ... of the block: beta0 (every polarisation) and the accumulated A_gamma read at
    each facet's cell, and what the facet adds to its pixel's sums (0 where it does not count:
    outside, beta0 missing, shadowed, or no finite ANF; ``covered`` counts shadowed facets too)."""
    n_pol = betas.shape[0]
    for j in range(m):
        count = 0.0
        covered = 0.0
        anf = 0.0
        flat = 0.0
        area = 0.0
        if buf[np.uint64(_ON * BLOCK + j)] != 0.0:
            c = np.int64(buf[np.uint64(_CORNER * BLOCK + j)])
            fl = buf[np.uint64(_FL * BLOCK + j)]
            fp = buf[np.uint64(_FP * BLOCK + j)]
            all_b = True
            for b in range(n_pol):
                v = _bilinear_at(betas[b], c, n_p, fl, fp, True)
                buf[np.uint64((_ADDS + _ADD_BETA0 + b) * BLOCK + j)] = v
                all_b = all_b and np.isfinite(v)
            if all_b:
                covered = 1.0
                if buf[np.uint64(_SHADOWED * BLOCK + j)] == 0.0:
                    rg = _bilinear_at(acc, c, n_p, fl, fp, False)
                    a = rg / buf[np.uint64(_A_BETA * BLOCK + j)]
                    if np.isfinite(a):
                        count = 1.0
                        anf = a
                        flat = buf[np.uint64(_FLAT * BLOCK + j)]
                        area = rg
        buf[np.uint64((_ADDS + COUNT) * BLOCK + j)] = count
        buf[np.uint64((_ADDS + COVERED) * BLOCK + j)] = covered
        buf[np.uint64((_ADDS + _ADD_ANF) * BLOCK + j)] = anf
        buf[np.uint64((_ADDS + _ADD_FLAT) * BLOCK + j)] = flat
        buf[np.uint64((_ADDS + _ADD_AREA) * BLOCK + j)] = area
        if count == 0.0:
            for b in range(n_pol):
                buf[np.uint64((_ADDS + _ADD_BETA0 + b) * BLOCK + j)] = 0.0


@jit
def _add_to_pixels(buf, row, k, c, pixel_row, n):
    """pixel_row[p] += block row ``row`` at facet p * k + c, for the ``n`` pixels of the block."""
    for p in range(n):
        pixel_row[p] += buf[np.uint64(row * BLOCK + p * k + c)]


@jit
def _beam_sums(time_s, range_m, valid, shadow, along, cos_ell, acc, betas, t0, dt, r0, dr, a_beta_per_along,
               line0, pixel0, n_lines, n_pixels, k, hy, hx, ny, nx, count, covered, beta_sums, anf_sum,
               anf_flat_sum, area_sum):
    """Output row by output row, blocks of its pixels: their k x k core facets' cells
    (:func:`_readback_cells`, vectorised), the read-backs (:func:`_readback_values`), summed per pixel
    in the order of the facets (row by row) and written once. ``acc`` (n_l, n_p) and ``betas``
    (n_pol, n_l, n_p) are the windows."""
    n_pol = betas.shape[0]
    n_l = acc.shape[0]
    n_p = acc.shape[1]
    flat_acc = acc.reshape(-1)
    flat_betas = betas.reshape(n_pol, n_l * n_p)
    inv_dt = 1.0 / dt
    inv_dr = 1.0 / dr
    block_pixels = max(1, BLOCK // k)
    buf = np.empty(_BLOCK_ROWS * BLOCK)
    n_sums = _ADD_BETA0 + n_pol
    pixels = np.empty((n_sums, block_pixels))
    for oi in range(ny):
        for p0 in range(0, nx, block_pixels):
            n = min(block_pixels, nx - p0)
            m = n * k
            pixels[:, :n] = 0.0
            f0 = hx + p0 * k
            for i in range(hy + oi * k, hy + oi * k + k):
                _readback_cells(time_s[i, f0:], range_m[i, f0:], valid[i, f0:], shadow[i, f0:], along[i, f0:],
                                cos_ell[i, f0:], t0, inv_dt, r0, inv_dr, a_beta_per_along, line0, pixel0, n_lines,
                                n_pixels, n_l, n_p, buf, m)
                _readback_values(flat_acc, flat_betas, n_p, buf, m)
                for c in range(k):
                    for q in range(n_sums):
                        _add_to_pixels(buf, _ADDS + q, k, c, pixels[q], n)
            for p in range(n):
                count[oi, p0 + p] = pixels[COUNT, p]
                covered[oi, p0 + p] = pixels[COVERED, p]
                anf_sum[oi, p0 + p] = pixels[_ADD_ANF, p]
                anf_flat_sum[oi, p0 + p] = pixels[_ADD_FLAT, p]
                area_sum[oi, p0 + p] = pixels[_ADD_AREA, p]
                for b in range(n_pol):
                    beta_sums[b, oi, p0 + p] = pixels[_ADD_BETA0 + b, p]


@compiled_or_numpy(_beam_sums_numpy)
def beam_sums(geom, grid, window: Tuple[int, int, int, int], acc: np.ndarray, beta0_windows: Sequence[np.ndarray],
              oversampling: int, halo, out_shape: Tuple[int, int], looks: float = 1.0) -> BeamTileSums:
    """The :class:`BeamTileSums` of one beam over a tile: ``geom`` a FacetGeometry with its flags;
    ``grid`` the beam's RadarGrid; ``window`` (line0, line1, pixel0, pixel1) of :func:`.area_distribution.beam_window`;
    ``acc`` the A_gamma accumulated on that window (m^2); ``beta0_windows`` the beam's beta0 (linear
    power, one per polarisation) on the same window (NaN or 0 = no data); ``halo`` facets around the
    core (int or (rows, cols)); ``looks`` per radar sample."""
    if len(beta0_windows) > MAX_POLARISATIONS:
        return _beam_sums_numpy(geom, grid, window, acc, beta0_windows, oversampling, halo, out_shape, looks)
    ny, nx = out_shape
    hy, hx = _halo(halo)
    l0, _, p0, _ = window
    f64 = lambda x: np.ascontiguousarray(x, dtype=np.float64)   # noqa: E731
    if beta0_windows and all(np.asarray(b).dtype == np.float32 for b in beta0_windows):
        betas = np.stack([np.asarray(b) for b in beta0_windows])
    elif beta0_windows:
        betas = np.stack([f64(b) for b in beta0_windows])
    else:
        betas = np.zeros((0, 2, 2))
    if beta0_windows and betas.shape[1:] != np.shape(acc):
        raise ValueError(f"beta0 windows {betas.shape[1:]} and the area window {np.shape(acc)} must cover the same cells")
    count, covered, anf, anf_flat, area = np.empty((5,) + tuple(out_shape))
    beta_sums = np.empty((len(beta0_windows),) + tuple(out_shape))
    _beam_sums(f64(geom.time_s), f64(geom.slant_range_m), np.ascontiguousarray(geom.valid, dtype=np.bool_),
               np.ascontiguousarray(geom.shadow, dtype=np.bool_), f64(geom.along_track_m_per_s),
               f64(geom.cos_ellipsoid_incidence), f64(acc), betas, *radar_axes(grid),
               float(grid.range_spacing_m * grid.line_interval_s), int(l0), int(p0), int(grid.lines),
               int(grid.pixels), int(oversampling), int(hy), int(hx), int(ny), int(nx), count, covered, beta_sums, anf,
               anf_flat, area)
    return BeamTileSums(count=count, covered=covered, beta0=list(beta_sums), anf=anf, anf_flat=anf_flat,
                        area_gamma=area, looks=float(looks))
