"""Stage 1, DEM vertices: the ECEF position and ellipsoidal height of every facet corner of a tile.

The DEM window (heights as stored, NaN = no data) is sampled bilinearly at the vertices; the
vertex is the ellipsoid point below it plus height x the ellipsoid normal there. Fields that vary
smoothly over a tile come on a coarse lattice of vertex rows and columns (see
:meth:`.dem.DemSource.vertex_ecef`, :mod:`..geometry.lattice`) and are interpolated bilinearly in
between: the vertices' fractional DEM-window column and row (pixel centres at integers), the geoid
undulation (m), the ellipsoid foot point X0, Y0, Z0 (m) and the unit ellipsoid normal nx, ny, nz.
The positions are within a millimetre of ``geodetic_to_ecef`` of the heights.

:func:`dem_vertex_ecef` runs the numpy reference or the compiled kernel (see :mod:`..compiled`);
both give the same numbers.
"""

from __future__ import annotations

import math
from typing import Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from ..geometry.lattice import lattice_weights
from .workspace import scratch

#: Rows of the coarse field array: DEM-window column and row, undulation, foot point, normal.
LATTICE_FIELDS = ("col", "row", "undulation_m", "foot_x", "foot_y", "foot_z", "normal_x", "normal_y", "normal_z")


def bilinear_heights(data: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of ``data`` at fractional (row, col) (pixel centres at integers);
    NaN outside or next to a NaN sample."""
    n_r, n_c = data.shape
    out = np.full(row.shape, np.nan)
    r0 = np.floor(row)
    c0 = np.floor(col)
    ok = (r0 >= 0) & (r0 <= n_r - 2)
    ok &= c0 >= 0
    ok &= c0 <= n_c - 2
    if n_r == 1 or n_c == 1 or not ok.any():
        return out
    every = ok.all()
    if not every:
        r0, c0, row, col = r0[ok], c0[ok], row[ok], col[ok]
    fr = row - r0
    fc = col - c0
    corner = r0.astype(np.int64)
    corner *= n_c
    corner += c0.astype(np.int64)
    flat = np.ascontiguousarray(data).reshape(-1)
    gc = 1 - fc
    top = flat.take(corner) * gc
    top += flat.take(corner + 1) * fc
    top *= 1 - fr
    corner += n_c
    bottom = flat.take(corner) * gc
    bottom += flat.take(corner + 1) * fc
    bottom *= fr
    top += bottom
    if every:
        return top
    out[ok] = top
    return out


#: Vertices the numpy path works on at once (their temporaries stay in the CPU's cache).
NUMPY_CHUNK_VERTICES = 32768


def _dem_vertex_ecef_numpy(data, lattice_rows, lattice_cols, coarse, shape, workspace=None):
    rows, cols = shape
    lattice_rows, lattice_cols = np.asarray(lattice_rows), np.asarray(lattice_cols)
    coarse = np.asarray(coarse, dtype=np.float64)
    ci = np.arange(cols)
    along = np.empty((coarse.shape[0], lattice_rows.size, cols))      # along the columns on the lattice rows
    for f in range(coarse.shape[0]):
        for i in range(lattice_rows.size):
            along[f, i] = np.interp(ci, lattice_cols, coarse[f, i])
    j, w = lattice_weights(lattice_rows, rows)
    out = scratch(workspace, "vertices", (4,) + tuple(shape))
    step = max(1, NUMPY_CHUNK_VERTICES // max(cols, 1))
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        if lattice_rows.size == 1:
            fields = np.repeat(along[:, :1], r1 - r0, axis=1)
        else:                   # rows between the same two lattice rows at once (broadcast, no gather)
            fields = np.empty((along.shape[0], r1 - r0, cols))
            jj = j[r0:r1]
            edges = np.concatenate(([0], np.flatnonzero(jj[1:] != jj[:-1]) + 1, [r1 - r0]))
            for e0, e1 in zip(edges[:-1].tolist(), edges[1:].tolist()):
                ww = w[r0 + e0:r0 + e1, None]
                part = fields[:, e0:e1]
                np.multiply(along[:, jj[e0], None, :], 1 - ww, out=part)
                part += along[:, jj[e0] + 1, None, :] * ww
        h = out[3, r0:r1]
        np.add(bilinear_heights(data, fields[1], fields[0]), fields[2], out=h)
        for q in range(3):
            np.multiply(h, fields[6 + q], out=out[q, r0:r1])
            np.add(fields[3 + q], out[q, r0:r1], out=out[q, r0:r1])
    return out[0], out[1], out[2], out[3]


@jit
def _dem_vertices(data, row_index, row_weight, col_index, col_weight, coarse, x, y, z, h):
    """The nine lattice fields of a vertex interpolated as scalars (no per-field loop)."""
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


@compiled_or_numpy(_dem_vertex_ecef_numpy)
def dem_vertex_ecef(data: np.ndarray, lattice_rows, lattice_cols, coarse: np.ndarray, shape: Tuple[int, int],
                    workspace=None) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ECEF x, y, z (m) and ellipsoidal height (m) of a vertex lattice of ``shape``.

    ``data``: the DEM window (heights as stored, NaN = no data); ``coarse``: (9, len(lattice_rows),
    len(lattice_cols)), the :data:`LATTICE_FIELDS` on the coarse lattice of vertex rows
    ``lattice_rows`` x columns ``lattice_cols``. ``workspace``: the compiled kernel writes into its
    buffers (see :mod:`.workspace`)."""
    rows, cols = shape
    row_index, row_weight = lattice_weights(lattice_rows, rows)
    col_index, col_weight = lattice_weights(lattice_cols, cols)
    coarse = np.asarray(coarse, dtype=np.float64)
    if coarse.shape[2] == 1:                     # a single lattice column: weight 0, the kernel reads two
        coarse = np.concatenate([coarse, coarse], axis=2)
    x, y, z, h = scratch(workspace, "vertices", (4,) + tuple(shape))
    _dem_vertices(np.ascontiguousarray(data, dtype=np.float64), row_index, row_weight, col_index, col_weight,
                  np.ascontiguousarray(coarse), x, y, z, h)
    return x, y, z, h
