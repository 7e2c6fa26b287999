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


def upsample(coarse: np.ndarray, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """Bilinear interpolation of values on lattice ``rows`` x ``cols`` to the full (n_rows, n_cols)
    grid (separable: along the columns on the lattice rows, then along the rows)."""
    ci = np.arange(n_cols)
    along = np.empty((rows.size, n_cols))
    for i in range(rows.size):
        along[i] = np.interp(ci, cols, coarse[i])
    if rows.size == 1:
        return np.broadcast_to(along[0], (n_rows, n_cols)).copy()
    j, w = lattice_weights(rows, n_rows)
    out = along[j]
    out *= (1.0 - w)[:, None]
    out += along[j + 1] * w[:, None]
    return out
