"""Coarse lattices of a 2-D grid, and values interpolated from them (pure numpy).

Smooth fields over a tile (map-projection coordinates, geoid undulation, zero-Doppler first
guesses, ellipsoid points and normals) are computed exactly on every ``step``-th row and column
(and the last) and interpolated bilinearly in between: exact on the lattice, far below the
precision that matters in between (16 vertices of a few tens of metres).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np


def lattice_indices(rows: int, cols: int, step: int = 16) -> Tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the coarse lattice of a (rows, cols) grid: every ``step``-th one and the last."""
    return (np.unique(np.r_[np.arange(0, rows, step), rows - 1]),
            np.unique(np.r_[np.arange(0, cols, step), cols - 1]))


def lattice_weights(lattice: np.ndarray, n: int) -> Tuple[np.ndarray, np.ndarray]:
    """For every i in [0, n): the lattice interval k (lattice[k] <= i <= lattice[k+1], k <= size - 2)
    and the linear weight of lattice[k+1] (index 0 and weight 0 for a one-point lattice): the
    interpolation of :func:`upsample`, as arrays for compiled kernels."""
    lattice = np.asarray(lattice, dtype=np.int64)
    i = np.arange(n)
    if lattice.size == 1:
        return np.zeros(n, dtype=np.int64), np.zeros(n)
    index = np.clip(np.searchsorted(lattice, i, side="right") - 1, 0, lattice.size - 2)
    return index, (i - lattice[index]) / (lattice[index + 1] - lattice[index])


class RowUpsampler:
    """Bilinear interpolation of values on lattice ``rows`` x ``cols`` to the full (n_rows, n_cols)
    grid, a band of rows at a time (separable: along the columns on the lattice rows once, then
    along the rows for each band), e.g. for a numpy stage working on chunks of rows."""

    def __init__(self, coarse: np.ndarray, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int):
        ci = np.arange(n_cols)
        self.along = np.empty((rows.size, n_cols))          # along the columns on the lattice rows
        for i in range(rows.size):
            self.along[i] = np.interp(ci, cols, coarse[i])
        self.index, self.weight = lattice_weights(rows, n_rows)

    def rows(self, r0: int, r1: int, out: np.ndarray, tmp: np.ndarray) -> np.ndarray:
        """Rows r0 .. r1 of the full grid into ``out`` ((r1 - r0, n_cols); ``tmp`` alike is scratch)."""
        if self.along.shape[0] == 1:
            out[...] = self.along[0]
            return out
        j, w = self.index[r0:r1], self.weight[r0:r1, None]
        np.take(self.along, j, axis=0, out=out)
        out *= 1.0 - w
        np.take(self.along, j + 1, axis=0, out=tmp)
        tmp *= w
        out += tmp
        return out


def upsample(coarse: np.ndarray, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """Bilinear interpolation of values on lattice ``rows`` x ``cols`` to the full (n_rows, n_cols)
    grid (separable: along the columns on the lattice rows, then along the rows)."""
    out = np.empty((n_rows, n_cols))
    return RowUpsampler(coarse, rows, cols, n_rows, n_cols).rows(0, n_rows, out, np.empty_like(out))
