"""Where the scatterers of a scene are on the ground, and where every acquisition sees them.

The scatterers of a beam are the samples of the first (root) acquisition's radar grid
(:mod:`.speckle_field`): scatterer m = (line m_l, pixel m_p), fractional values allowed, is the
point of the DEM surface the root acquisition sees at azimuth time t(m_l) and slant range R(m_p)
(zero Doppler, on its look side). Its height h solves h = DEM(ground(m, h)) (secant iterations on
the bilinear DEM, started at the middle of the DEM's height range; in layover, where several
heights qualify, the iteration keeps one of them: the scatterer is then off the surface but
every acquisition uses the same point, so the images stay consistent).

Positions are computed exactly (``palsar2_plugin.geometry``: geolocate, zero_doppler_time) on a
lattice of root (line, pixel) nodes every ``stride`` samples at 4 heights (Chebyshev nodes over
the DEM's ellipsoid height range) and interpolated: bilinear in line and pixel, cubic (Lagrange)
in height. Per acquisition the lattice holds the slant range R (m), its fractional line and
pixel, the unit line-of-sight vector towards it (east, north, up) and the derivatives of line and
pixel with respect to an east, north, up displacement of the point (per metre): a displaced
scatterer (deformation D) is seen at R - LOS . D and at (line, pixel) + J D (first order in D:
the error is below |D|^2 / R, 20 micrometres for 4 m). Interpolation errors are checked by the
tests against exact solutions (well below 0.1 mm in range and 1e-3 pixel).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from ..geometry.ellipsoid import enu_basis, geodetic_to_ecef
from ..geometry.range_doppler import geolocate, zero_doppler_time

#: Lattice spacing (root lines, root pixels) and number of height levels.
DEFAULT_STRIDE = (64, 64)
HEIGHT_LEVELS = 4
#: Secant iterations solving a scatterer's height on the DEM.
_HEIGHT_ITERATIONS = 12


@dataclass(frozen=True)
class Acquisition:
    """One acquisition seen from the scatterer grid: its orbit, radar grid (of the same beam), the
    cumulative ground displacement since the root acquisition (a callable (lat, lon) -> (..., 3)
    east/north/up metres, or None) and whether it is the root (then positions are the identity)."""

    orbit: object
    grid: object
    displacement: Optional[object] = None
    is_root: bool = False


class ScattererLattice:
    """Positions of the scatterers of one beam (see the module docstring).

    ``root``: the root Acquisition; ``heights``: a :class:`.dem_source.DemHeights` or None (flat
    ellipsoid); ``height_range``: (min, max) ellipsoid heights (m); ``lines``/``pixels``: the
    spans (first, last) of root lines and pixels to cover (beyond the image is fine);
    ``acquisitions``: the others (their lattices are built here; indices 1, 2, ...; the root is 0).
    """

    def __init__(self, root: Acquisition, heights, height_range: Tuple[float, float],
                 lines: Tuple[float, float], pixels: Tuple[float, float], acquisitions: Sequence[Acquisition] = (),
                 stride: Tuple[int, int] = DEFAULT_STRIDE):
        self.root, self.dem = root, heights
        self.stride = (int(stride[0]), int(stride[1]))
        self.line_nodes = self._nodes(lines, self.stride[0])
        self.pixel_nodes = self._nodes(pixels, self.stride[1])
        if heights is None:
            self.levels = np.array([0.0])
        else:  # Chebyshev-Lobatto nodes: the ends of the range and interior points, no extrapolation
            lo, hi = float(height_range[0]) - 20.0, float(height_range[1]) + 20.0
            k = np.arange(HEIGHT_LEVELS)
            self.levels = lo + (hi - lo) * 0.5 * (1.0 - np.cos(np.pi * k / (HEIGHT_LEVELS - 1)))
        self.height_span = (float(self.levels.min()), float(self.levels.max()))
        grid = root.grid
        t = grid.time_of_line(self.line_nodes)[None, :, None]
        r = grid.range_of_pixel(self.pixel_nodes)[None, None, :]
        h = self.levels[:, None, None]
        lat, lon = geolocate(root.orbit, t, r, h, grid.look_side)
        lon = np.unwrap(np.unwrap(lon, period=360.0, axis=2), period=360.0, axis=1)
        self.nodes: Dict[str, np.ndarray] = {"lat": lat, "lon": lon}
        if heights is not None:
            fc, fr = heights.fractional_cells(lat, lon)
            self.nodes["dem_col"], self.nodes["dem_row"] = fc, fr
        self.acquisitions: List[Acquisition] = []
        self.acquisition_nodes: List[Dict[str, np.ndarray]] = []
        self.add(root)                                  # index 0
        for acq in acquisitions:
            self.add(acq)

    @staticmethod
    def _nodes(span, stride) -> np.ndarray:
        lo = np.floor(float(span[0]) / stride) - 1
        hi = np.ceil(float(span[1]) / stride) + 1
        return np.arange(lo, hi + 1) * stride

    def add(self, acq: Acquisition) -> int:
        """Build the lattice of one more acquisition; returns its index."""
        self.acquisitions.append(acq)
        if acq.is_root:
            self.acquisition_nodes.append({})
            return len(self.acquisitions) - 1
        lat, lon = self.nodes["lat"], self.nodes["lon"]
        h = np.broadcast_to(self.levels[:, None, None], lat.shape)
        xyz = geodetic_to_ecef(lat, lon, h)
        t_guess = acq.grid.mid_time_s
        t, r = zero_doppler_time(acq.orbit, xyz, t_guess)
        s = acq.orbit.position(t)
        east, north, up = enu_basis(lat, lon)
        los = (s - xyz) / r[..., None]
        fields = {"range": r, "line": acq.grid.line_of_time(t), "pixel": acq.grid.pixel_of_range(r),
                  "los_e": np.einsum("...k,...k->...", los, east), "los_n": np.einsum("...k,...k->...", los, north),
                  "los_u": np.einsum("...k,...k->...", los, up)}
        for name, axis in (("e", east), ("n", north), ("u", up)):
            t2, r2 = zero_doppler_time(acq.orbit, xyz + axis, t)           # the point moved 1 m
            fields[f"dline_d{name}"] = acq.grid.line_of_time(t2) - fields["line"]
            fields[f"dpixel_d{name}"] = acq.grid.pixel_of_range(r2) - fields["pixel"]
        self.acquisition_nodes.append(fields)
        return len(self.acquisitions) - 1

    # ------------------------------------------------------------------ interpolation
    def _weights(self, values: np.ndarray, nodes: np.ndarray, stride: int):
        u = (np.asarray(values, dtype=np.float64) - nodes[0]) / stride
        k = np.clip(np.floor(u).astype(np.int64), 0, len(nodes) - 2)
        return k, u - k

    def _level_weights(self, h: np.ndarray) -> np.ndarray:
        """Lagrange weights (levels, ...) of heights ``h`` on the height nodes."""
        lv = self.levels
        if len(lv) == 1:
            return np.ones((1,) + np.shape(h))
        out = []
        for i in range(len(lv)):
            w = np.ones(np.shape(h))
            for j in range(len(lv)):
                if j != i:
                    w = w * (h - lv[j]) / (lv[i] - lv[j])
            out.append(w)
        return np.stack(out)

    def _planar(self, field: np.ndarray, kl, wl, kp, wp) -> np.ndarray:
        """(levels, ...) bilinear values of a node field at the points."""
        f = field
        return ((1 - wl) * ((1 - wp) * f[:, kl, kp] + wp * f[:, kl, kp + 1])
                + wl * ((1 - wp) * f[:, kl + 1, kp] + wp * f[:, kl + 1, kp + 1]))

    def evaluate(self, lines: np.ndarray, pixels: np.ndarray, acquisitions: Sequence[int] = (),
                 names: Optional[Sequence[str]] = None) -> "ScattererSet":
        """Heights and positions of the scatterers at root ``lines``, ``pixels`` (arrays of one shape,
        fractional allowed) and their positions in the given acquisitions (indices from :meth:`add`)."""
        lines = np.asarray(lines, dtype=np.float64)
        pixels = np.asarray(pixels, dtype=np.float64)
        shape = lines.shape
        fields = [("lat", self.nodes)] + [("lon", self.nodes)]
        if self.dem is not None:
            fields += [("dem_col", self.nodes), ("dem_row", self.nodes)]
        for index in acquisitions:
            nodes = self.acquisition_nodes[index]
            fields += [(n, nodes) for n in (names or list(nodes))]
        h, values = self._evaluate_flat(lines.ravel(), pixels.ravel(), fields)
        out = ScattererSet(lines, pixels, h.reshape(shape), values[0].reshape(shape), values[1].reshape(shape), {})
        k = 4 if self.dem is not None else 2
        for index in acquisitions:
            acq, nodes = self.acquisitions[index], self.acquisition_nodes[index]
            if acq.is_root:
                out.acquisition[index] = {"range": acq.grid.range_of_pixel(pixels), "line": lines, "pixel": pixels}
                continue
            wanted = names or list(nodes)
            out.acquisition[index] = {n: values[k + i].reshape(shape) for i, n in enumerate(wanted)}
            k += len(wanted)
        return out

    def _stack(self, fields) -> np.ndarray:
        key = tuple((id(nodes), name) for name, nodes in fields)
        cached = getattr(self, "_stacks", None)
        if cached is None:
            cached = self._stacks = {}
        if key not in cached:
            cached[key] = np.ascontiguousarray(np.stack([nodes[name] for name, nodes in fields]))
        return cached[key]

    def _evaluate_flat(self, lines: np.ndarray, pixels: np.ndarray, fields) -> Tuple[np.ndarray, List[np.ndarray]]:
        """(heights, [field values]) at 1-D points (compiled when available, :func:`evaluate_points`)."""
        if lines.size == 0:
            return np.zeros(0), [np.zeros(0) for _ in fields]
        stack = self._stack(fields)
        kl, _ = self._weights(lines, self.line_nodes, self.stride[0])
        kp, _ = self._weights(pixels, self.pixel_nodes, self.stride[1])
        window = None
        if self.dem is not None:
            sub = stack[2:4, :, kl.min():kl.max() + 2, kp.min():kp.max() + 2]
            window = _DemWindow(self.dem, sub[0], sub[1])
        h, values = evaluate_points(self, np.ascontiguousarray(lines), np.ascontiguousarray(pixels), stack, window)
        return h, list(values)

    def _solve_heights(self, fc_levels: np.ndarray, fr_levels: np.ndarray, sample: "_DemWindow") -> np.ndarray:
        """Heights h (m) with h = DEM(cell(h)) (secant iterations), cell(h) interpolated in height from
        the per-level DEM cells ``fc_levels``/``fr_levels`` (levels, ...) of the points."""
        lo, hi = self.height_span

        def f(hh):
            w = self._level_weights(hh)
            return sample(np.einsum("k...,k...->...", fc_levels, w), np.einsum("k...,k...->...", fr_levels, w)) - hh

        h0 = np.full(fc_levels.shape[1:], 0.5 * (lo + hi))
        f0 = f(h0)
        h1 = np.clip(h0 + f0, lo, hi)
        f1 = f(h1)
        better = np.abs(f1) < np.abs(f0)
        best, best_f = np.where(better, h1, h0), np.where(better, np.abs(f1), np.abs(f0))
        for _ in range(_HEIGHT_ITERATIONS):
            if np.all(best_f < 1e-4):
                break
            denom = f1 - f0
            safe = np.abs(denom) > 1e-12
            step = np.where(safe, f1 * (h1 - h0) / np.where(safe, denom, 1.0), -f1)
            h0, f0 = h1, f1
            h1 = np.clip(h1 - step, lo, hi)
            f1 = f(h1)
            better = np.abs(f1) < best_f
            best = np.where(better, h1, best)
            best_f = np.where(better, np.abs(f1), best_f)
        return best


class _DemWindow:
    """Bilinear ellipsoid heights from one DEM window read once (covering all given cells)."""

    def __init__(self, dem, fc_levels: np.ndarray, fr_levels: np.ndarray):
        self.dem = dem
        finite = np.isfinite(fc_levels) & np.isfinite(fr_levels)
        if not finite.any():
            self.grid = None
            return
        self.c0 = int(np.floor(np.nanmin(fc_levels))) - 1
        self.r0 = int(np.floor(np.nanmin(fr_levels))) - 1
        c1 = int(np.floor(np.nanmax(fc_levels))) + 3
        r1 = int(np.floor(np.nanmax(fr_levels))) + 3
        self.grid = dem._window_ellipsoid_heights(self.r0, r1, self.c0, c1)

    def __call__(self, fc: np.ndarray, fr: np.ndarray) -> np.ndarray:
        if self.grid is None:
            return np.zeros(np.shape(fc))
        rows, cols = self.grid.shape
        x = np.clip(np.asarray(fc) - self.c0, 0.0, cols - 1.000001)
        y = np.clip(np.asarray(fr) - self.r0, 0.0, rows - 1.000001)
        ic = np.floor(x).astype(np.int64)
        ir = np.floor(y).astype(np.int64)
        dc, dr = x - ic, y - ir
        g = self.grid
        return (g[ir, ic] * (1 - dr) * (1 - dc) + g[ir, ic + 1] * (1 - dr) * dc
                + g[ir + 1, ic] * dr * (1 - dc) + g[ir + 1, ic + 1] * dr * dc)


@dataclass
class ScattererSet:
    """Scatterers at root ``lines``/``pixels``: ellipsoid height ``h`` (m), ``lat``/``lon`` (degrees)
    and per acquisition index a dict of ``range`` (m), ``line``, ``pixel`` (undisplaced), ``los_e``..
    ``los_u``, ``dline_de``.. ``dpixel_du`` (see the module docstring)."""

    lines: np.ndarray
    pixels: np.ndarray
    h: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    acquisition: Dict[int, Dict[str, np.ndarray]]

    def displaced(self, index: int, displacement_enu: Optional[np.ndarray]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(slant range m, line, pixel) in acquisition ``index`` of the scatterers moved by
        ``displacement_enu`` (..., 3) metres (None: not moved)."""
        a = self.acquisition[index]
        if displacement_enu is None or "los_e" not in a:
            return a["range"], a["line"], a["pixel"]
        d = displacement_enu
        los = a["los_e"] * d[..., 0] + a["los_n"] * d[..., 1] + a["los_u"] * d[..., 2]
        line = a["line"] + a["dline_de"] * d[..., 0] + a["dline_dn"] * d[..., 1] + a["dline_du"] * d[..., 2]
        pixel = a["pixel"] + a["dpixel_de"] * d[..., 0] + a["dpixel_dn"] * d[..., 1] + a["dpixel_du"] * d[..., 2]
        return a["range"] - los, line, pixel

    def line_of_sight_m(self, index: int, displacement_enu: np.ndarray) -> np.ndarray:
        """Displacement along the line of sight of acquisition ``index`` (m, positive towards it)."""
        a = self.acquisition[index]
        d = displacement_enu
        return a["los_e"] * d[..., 0] + a["los_n"] * d[..., 1] + a["los_u"] * d[..., 2]


def _evaluate_numpy(lattice: ScattererLattice, lines, pixels, stack, window):
    """numpy reference of :func:`evaluate_points`."""
    kl, wl = lattice._weights(lines, lattice.line_nodes, lattice.stride[0])
    kp, wp = lattice._weights(pixels, lattice.pixel_nodes, lattice.stride[1])
    planar = [lattice._planar(stack[i], kl, wl, kp, wp) for i in range(stack.shape[0])]
    h = np.zeros(lines.shape) if lattice.dem is None else lattice._solve_heights(planar[2], planar[3], window)
    weights = lattice._level_weights(h)
    return h, np.stack([np.einsum("k...,k...->...", p, weights) for p in planar])


@jit
def _lagrange(levels, h, out):
    n = levels.shape[0]
    for i in range(n):
        w = 1.0
        for j in range(n):
            if j != i:
                w *= (h - levels[j]) / (levels[i] - levels[j])
        out[i] = w



@jit
def _evaluate_kernel(lines, pixels, line0, line_stride, pixel0, pixel_stride, levels, nodes, col_field, row_field,
              dem, dem_c0, dem_r0, h_lo, h_hi, iterations, out_h, out):
    """Scatterer heights and interpolated node fields at points (see ScattererLattice.evaluate)."""
    n_points = lines.shape[0]
    n_fields, n_levels, n_l, n_p = nodes.shape
    plane = np.empty((n_fields, n_levels))
    weights = np.empty(n_levels)
    rows_dem, cols_dem = dem.shape
    for k in range(n_points):
        u = (lines[k] - line0) / line_stride
        v = (pixels[k] - pixel0) / pixel_stride
        kl = min(max(int(np.floor(u)), 0), n_l - 2)
        kp = min(max(int(np.floor(v)), 0), n_p - 2)
        wl = u - kl
        wp = v - kp
        for f in range(n_fields):
            for lv in range(n_levels):
                plane[f, lv] = ((1.0 - wl) * ((1.0 - wp) * nodes[f, lv, kl, kp] + wp * nodes[f, lv, kl, kp + 1])
                                + wl * ((1.0 - wp) * nodes[f, lv, kl + 1, kp] + wp * nodes[f, lv, kl + 1, kp + 1]))
        h = 0.0
        if col_field >= 0:
            # secant iterations on f(h) = DEM(cell(h)) - h
            best = 0.5 * (h_lo + h_hi)
            best_f = 1e300
            h0 = best
            f0 = 0.0
            h1 = h0
            for it in range(iterations + 2):
                hh = h0 if it == 0 else h1
                _lagrange(levels, hh, weights)
                fc = 0.0
                fr = 0.0
                for lv in range(n_levels):
                    fc += weights[lv] * plane[col_field, lv]
                    fr += weights[lv] * plane[row_field, lv]
                x = min(max(fc - dem_c0, 0.0), cols_dem - 1.000001)
                y = min(max(fr - dem_r0, 0.0), rows_dem - 1.000001)
                ic = int(np.floor(x))
                ir = int(np.floor(y))
                dc = x - ic
                dr = y - ir
                value = (dem[ir, ic] * (1 - dr) * (1 - dc) + dem[ir, ic + 1] * (1 - dr) * dc
                         + dem[ir + 1, ic] * dr * (1 - dc) + dem[ir + 1, ic + 1] * dr * dc) - hh
                if abs(value) < best_f:
                    best_f = abs(value)
                    best = hh
                if best_f < 1e-4:
                    break
                if it == 0:
                    f0 = value
                    h1 = min(max(h0 + value, h_lo), h_hi)
                    continue
                denom = value - f0
                if abs(denom) > 1e-12:
                    step = value * (h1 - h0) / denom
                else:
                    step = -value
                h0 = h1
                f0 = value
                h1 = min(max(h1 - step, h_lo), h_hi)
            h = best
        out_h[k] = h
        _lagrange(levels, h, weights)
        for f in range(n_fields):
            acc = 0.0
            for lv in range(n_levels):
                acc += weights[lv] * plane[f, lv]
            out[f, k] = acc



@compiled_or_numpy(_evaluate_numpy)
def evaluate_points(lattice: ScattererLattice, lines, pixels, stack, window):
    """Heights (n,) and the stacked node fields (F, n) interpolated at the points ``lines``/``pixels``
    (1-D root positions): bilinear in line and pixel, Lagrange in height at the height that solves
    h = DEM(cell(h)) (secant iterations, as :meth:`ScattererLattice._solve_heights`)."""
    grid = window.grid if window is not None and window.grid is not None else np.zeros((2, 2))
    c0, r0 = (window.c0, window.r0) if window is not None and window.grid is not None else (0, 0)
    lo, hi = lattice.height_span
    n = lines.shape[0]
    out_h = np.empty(n)
    out = np.empty((stack.shape[0], n))
    with_dem = lattice.dem is not None
    _evaluate_kernel(lines, pixels, float(lattice.line_nodes[0]), float(lattice.stride[0]),
                     float(lattice.pixel_nodes[0]), float(lattice.stride[1]), np.ascontiguousarray(lattice.levels),
                     stack, 2 if with_dem else -1, 3 if with_dem else -1, np.ascontiguousarray(grid, dtype=np.float64),
                     int(c0), int(r0), float(lo), float(hi), int(_HEIGHT_ITERATIONS), out_h, out)
    return out_h, out
