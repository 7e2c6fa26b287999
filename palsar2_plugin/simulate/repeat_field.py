"""The speckle field of a repeat pass: the root acquisition's scatterers, moved, changed and seen again.

Scatterer m of the root grid (:mod:`.scatterers`) has, at acquisition k of a chain root -> 1 -> ... -> k,
the reflectivity

    rho_0 = white(seed_0, reflectivity stream),   rho_k = C_k rho_(k-1) + sqrt(1 - C_k^2) white(seed_k, change stream)

(C_k the temporal coherence of step k at the scatterer's position, :class:`.deformation.CoherenceModel`;
E|rho_k|^2 = 1 and corr(rho_(k-1), rho_k) = C_k), the cumulative displacement D_k = sum of the steps'
displacements at its position, and acquisition k sees it at slant range R_k - LOS_k . D_k and radar
position P_k(m) + J_k D_k. The image of acquisition k at its sample s is the band-limited field

    W_k(s) = sum_m rho_k(m) exp(-4 pi i R_k(m) / lambda) h_a(Q_l(s) - m_l) h_r(Q_p(s) - m_p),

Q = P_k^-1 the root-grid position of sample s: the root's kernels moved along with the geometry
(the ~1e-4 difference of sample spacing between the geometries is neglected). It is computed in
two passes (:mod:`.speckle_field`): per root column, the azimuth kernel at Q_l(line, column), then
per output line the range kernel at Q_p. ScanSAR bursts are applied afterwards on the
acquisition's own time axis (:class:`.speckle_source.SpeckleSource`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Tuple

import numpy as np

from .scatterers import ScattererLattice
from .speckle_field import STREAM_CHANGE, STREAM_REFLECTIVITY, propagation_phasor, pull_azimuth, pull_range, white_field
from .speckle_kernel import SpeckleKernel

#: Root samples evaluated at a time (bounds the memory of the scatterer fields).
_REGION_SAMPLES = 400_000


@dataclass(frozen=True)
class ChainStep:
    """One repeat step: its speckle ``seed``, temporal coherence model (``coherence.at(lat, lon)``)
    and displacement (``displacement.enu(lat, lon)``, or None)."""

    seed: int
    coherence: object
    displacement: Optional[object] = None


class ReflectivityChain:
    """rho_k of the module docstring for one beam and polarisation: ``root_seed`` and ``steps``."""

    def __init__(self, root_seed: int, steps: Sequence[ChainStep], beam: int, polarisation_index: int):
        self.root_seed, self.steps = int(root_seed), tuple(steps)
        self.beam, self.polarisation_index = int(beam), int(polarisation_index)

    def values(self, lines: Tuple[int, int], pixels: Tuple[int, int], lat: np.ndarray, lon: np.ndarray,
               upto: Optional[int] = None) -> np.ndarray:
        """rho at the scatterers of the region (lat, lon of its scatterers for the coherence maps),
        after ``upto`` steps (all by default)."""
        rho = white_field(self.root_seed, self.beam, self.polarisation_index, STREAM_REFLECTIVITY, lines, pixels)
        for step in self.steps[:upto]:
            c = np.clip(step.coherence.at(lat, lon), 0.0, 1.0)
            change = white_field(step.seed, self.beam, self.polarisation_index, STREAM_CHANGE, lines, pixels)
            rho = c * rho + np.sqrt(1.0 - c * c) * change
        return rho

    def displacement(self, lat: np.ndarray, lon: np.ndarray, upto: Optional[int] = None) -> Optional[np.ndarray]:
        """Cumulative east/north/up displacement (m) after ``upto`` steps, or None if there is none."""
        total = None
        for step in self.steps[:upto]:
            if step.displacement is not None and not step.displacement.is_zero:
                d = step.displacement.enu(lat, lon)
                total = d if total is None else total + d
        return total


class RepeatField:
    """The continuous (ungated) field of acquisition ``index`` of ``lattice`` for one beam/polarisation.

    ``chain``: its ReflectivityChain (all steps up to this acquisition); ``kernel_az``/``kernel_rg``:
    the root's kernels; ``grid``: the acquisition's RadarGrid; ``max_shift_px``: bound of the
    displacement's shift of the scatterers (pixels or lines).
    """

    def __init__(self, lattice: ScattererLattice, index: int, grid, chain: ReflectivityChain,
                 kernel_az: SpeckleKernel, kernel_rg: SpeckleKernel, max_shift_px: float = 0.0,
                 speckle: bool = True):
        self.lattice, self.index, self.grid, self.chain = lattice, int(index), grid, chain
        self.kernel_az, self.kernel_rg = kernel_az, kernel_rg
        self.max_shift = float(max_shift_px)
        self.speckle = speckle
        moving = any(step.displacement is not None and not step.displacement.is_zero for step in chain.steps)
        self._names = None if moving else ["range", "line", "pixel"]
        nodes = lattice.acquisition_nodes[index]
        self._node_line = nodes["line"]
        self._node_pixel = nodes["pixel"]
        self._root_lines = np.broadcast_to(lattice.line_nodes[None, :, None], nodes["line"].shape)
        self._root_pixels = np.broadcast_to(lattice.pixel_nodes[None, None, :], nodes["line"].shape)

    # ------------------------------------------------------------------ regions
    def region(self, lines: Tuple[int, int], pixels: Tuple[int, int]) -> Tuple[int, int, int, int]:
        """Root region [l0, l1) x [p0, p1) whose scatterers reach output lines x pixels (with margins)."""
        (a, b), (c, d) = lines, pixels
        sl, sp = self.lattice.stride
        near = ((self._node_line >= a - 2 * sl) & (self._node_line <= b + 2 * sl)
                & (self._node_pixel >= c - 2 * sp) & (self._node_pixel <= d + 2 * sp))
        if not near.any():
            near = np.ones(self._node_line.shape, dtype=bool)
        dl = (self._root_lines - self._node_line)[near]
        dp = (self._root_pixels - self._node_pixel)[near]
        ml = self.kernel_az.half_width + self.max_shift + 3
        mp = self.kernel_rg.half_width + self.max_shift + 3
        return (int(np.floor(a + dl.min() - ml)), int(np.ceil(b + dl.max() + ml)),
                int(np.floor(c + dp.min() - mp)), int(np.ceil(d + dp.max() + mp)))

    def scatterers(self, region: Tuple[int, int, int, int]):
        """(R m, line, pixel, lat, lon) of the region's scatterers in this acquisition (displaced)."""
        l0, l1, p0, p1 = region
        shape = (l1 - l0, p1 - p0)
        out = [np.empty(shape) for _ in range(5)]
        rows = max(1, _REGION_SAMPLES // shape[1])
        for r0 in range(0, shape[0], rows):
            r1 = min(shape[0], r0 + rows)
            ll, pp = np.meshgrid(np.arange(l0 + r0, l0 + r1, dtype=np.float64),
                                 np.arange(p0, p1, dtype=np.float64), indexing="ij")
            s = self.lattice.evaluate(ll, pp, [self.index], names=self._names)
            d = self.chain.displacement(s.lat, s.lon)
            rng, line, pixel = s.displaced(self.index, d)
            for arr, value in zip(out, (rng, line, pixel, s.lat, s.lon)):
                arr[r0:r1] = value
        return out

    # ------------------------------------------------------------------ the field
    def field(self, lines: Tuple[int, int], pixels: Tuple[int, int]) -> np.ndarray:
        """Complex128 field at output lines [a, b) x pixels [c, d) of this acquisition's grid."""
        for attempt in range(3):
            region = self.region(lines, pixels)
            if attempt:
                grow = 8 * attempt
                region = (region[0] - grow, region[1] + grow, region[2] - grow, region[3] + grow)
            out = self._field(lines, pixels, region)
            if out is not None:
                return out
        raise RuntimeError("repeat-pass field: the scatterer region does not cover the output block")

    def _field(self, lines, pixels, region) -> Optional[np.ndarray]:
        (a, b), (c, d) = lines, pixels
        l0, l1, p0, p1 = region
        rng, line2, pixel2, lat, lon = self.scatterers(region)
        # pass 1: per root column j, the root line Q_l whose scatterer this acquisition sees at line i
        out_lines = np.arange(a, b, dtype=np.float64)
        q_l = _invert_columns(line2, l0, out_lines)
        p_at = _interpolate_columns(pixel2, l0, q_l)
        reach_az = (q_l >= l0 + self.kernel_az.half_width - 1) & (q_l < l1 - self.kernel_az.half_width - 1)
        q_l = np.where(reach_az, q_l, np.nan)
        # pass 2: per output line, the root column Q_p seen at each output pixel
        out_pixels = np.arange(c, d, dtype=np.float64)
        q_p = _invert_rows(p_at, p0, out_pixels)
        half = self.kernel_rg.half_width
        if not np.all(np.isfinite(q_p)):
            return None
        first, last = int(np.floor(q_p.min())) - half + 1 - p0, int(np.floor(q_p.max())) + half - p0
        if first < 0 or last >= p1 - p0 or not np.all(np.isfinite(q_l[:, first:last + 1])):
            return None
        if self.speckle:
            rho = self.chain.values((l0, l1), (p0, p1), lat, lon)
        else:
            rho = np.ones(rng.shape, dtype=np.complex128)
        v = rho * propagation_phasor(rng, self.grid.wavelength_m)
        a_field = pull_azimuth(v, l0, q_l, self.kernel_az)
        return pull_range(a_field, p0, q_p, self.kernel_rg)


def _invert_columns(values: np.ndarray, first: int, targets: np.ndarray, iterations: int = 3) -> np.ndarray:
    """For each column j of ``values`` (increasing down the rows; row 0 = root line ``first``), the
    fractional root line q with values(q, j) = t for every t in ``targets``: (len(targets), columns)."""
    n = values.shape[0]
    offset = values - (first + np.arange(n))[:, None]         # smooth: value = line + offset
    cols = np.arange(values.shape[1])[None, :]
    q = np.broadcast_to(targets[:, None] - np.median(offset, axis=0)[None, :], (len(targets), values.shape[1])).copy()
    for _ in range(iterations):
        x = np.clip(q - first, 0.0, n - 1.000001)
        k = np.floor(x).astype(np.int64)
        w = x - k
        off = (1 - w) * offset[k, cols] + w * offset[k + 1, cols]
        q = targets[:, None] - off
    inside = (q >= first) & (q <= first + n - 1)
    return np.where(inside, q, np.nan)


def _interpolate_columns(values: np.ndarray, first: int, q: np.ndarray) -> np.ndarray:
    """values at fractional root lines ``q`` (outputs x columns), linear along each column."""
    n = values.shape[0]
    cols = np.arange(values.shape[1])[None, :]
    x = np.clip(np.nan_to_num(q - first, nan=0.0), 0.0, n - 1.000001)
    k = np.floor(x).astype(np.int64)
    w = x - k
    return np.where(np.isfinite(q), (1 - w) * values[k, cols] + w * values[k + 1, cols], np.nan)


def _invert_rows(values: np.ndarray, first: int, targets: np.ndarray) -> np.ndarray:
    """For each row i of ``values`` (a position per root column, increasing: made monotone by a running
    maximum), the fractional root column q with values(i, q) = t for t in ``targets``; NaN outside."""
    v = np.where(np.isfinite(values), values, -np.inf)
    v = np.maximum.accumulate(v, axis=1)
    rows, cols = v.shape
    span = np.nanmax(np.where(np.isfinite(v), np.abs(v), 0.0)) + np.max(np.abs(targets)) + 10.0
    key = v + (np.arange(rows) * 4.0 * span)[:, None]
    flat = np.where(np.isfinite(key), key, (np.arange(rows) * 4.0 * span)[:, None] - 2.0 * span).ravel()
    want = (targets[None, :] + (np.arange(rows) * 4.0 * span)[:, None])
    idx = np.searchsorted(flat, want.ravel(), side="right").reshape(want.shape) - 1
    base = (np.arange(rows) * cols)[:, None]
    j = idx - base
    ok = (j >= 0) & (j < cols - 1)
    jc = np.clip(j, 0, cols - 2)
    lo = np.take_along_axis(v, jc, axis=1)
    hi = np.take_along_axis(v, jc + 1, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(hi > lo, (targets[None, :] - lo) / (hi - lo), 0.0)
    q = first + jc + np.clip(frac, 0.0, 1.0)
    return np.where(ok & np.isfinite(lo) & np.isfinite(hi), q, np.nan)
