"""Geometric coregistration of a secondary onto the reference's radar grid, from the orbits and a DEM.

For reference radar positions (line, pixel) of one beam this gives the terrain height seen there
(the DEM "radar-coded"), the secondary's (line, pixel) of the same ground point and the range
difference R_sec - R_ref whose phase (4 pi / lambda)(R_sec - R_ref) is the flat-earth + topographic
phase. It uses the single zero-Doppler solver of :mod:`palsar2_plugin.geometry` (``geolocate`` for
the reference, ``zero_doppler_time`` for the secondary), but not at every point:

1. on a fixed lattice of *nodes* (about every 500 m in range and azimuth, anchored at line/pixel 0,
   so a result never depends on how the image is tiled) and at ``K`` = 4 heights spanning the DEM's
   range over the scene, the ground point (lat, lon) of the reference look, and the secondary's
   line, pixel and range of it are solved exactly;
2. every quantity is smooth in (line, pixel) at a given height: it is interpolated bilinearly between
   nodes, and by the cubic through the 4 heights in height (errors below 1e-4 pixel and 0.1 mm of range:
   tests/core/test_insar_geometry.py compares with the direct solution);
3. the height seen at a radar position is where the look's ground curve meets the DEM: a secant
   iteration h = DEM(lat(h), lon(h)) on the DEM resampled to a lon/lat lattice of its own resolution
   (ellipsoidal heights from :class:`palsar2_plugin.rtc.dem.DemSource`). In layover the look meets the
   terrain more than once and one of the solutions is taken (those pixels are masked later).

Units: metres, ellipsoidal heights (WGS84); lines and pixels 0-based, sample centres at integers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
from affine import Affine

from ..compiled import compiled_or_numpy, jit
from ..errors import Palsar2Error
from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.orbit import OrbitError
from ..geometry.range_doppler import geolocate, zero_doppler_time

HEIGHT_NODES = 4
NODE_SPACING_M = 500.0


@dataclass
class BlockGeometry:
    """Geometry of a block of reference positions: arrays of shape (len(lines), len(pixels))."""

    height_m: np.ndarray
    sec_line: np.ndarray
    sec_pixel: np.ndarray
    delta_range_m: np.ndarray


def _lagrange_weights(h: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """(K, ...) weights of the Lagrange polynomial through ``nodes`` evaluated at ``h``."""
    out = []
    for k, hk in enumerate(nodes):
        w = np.ones_like(h)
        for m, hm in enumerate(nodes):
            if m != k:
                w = w * (h - hm) / (hk - hm)
        out.append(w)
    return np.stack(out)


def _interp_axis(values: np.ndarray, node_pos: np.ndarray, pos: np.ndarray, axis: int) -> np.ndarray:
    """Linear interpolation of ``values`` along ``axis`` from ``node_pos`` (increasing) to ``pos``."""
    j = np.clip(np.searchsorted(node_pos, pos, side="right") - 1, 0, len(node_pos) - 2) if len(node_pos) > 1 \
        else np.zeros(len(pos), dtype=np.int64)
    if len(node_pos) == 1:
        return np.take(values, j, axis=axis)
    w = (pos - node_pos[j]) / (node_pos[j + 1] - node_pos[j])
    shape = [1] * values.ndim
    shape[axis] = len(pos)
    w = w.reshape(shape)
    return np.take(values, j, axis=axis) * (1 - w) + np.take(values, j + 1, axis=axis) * w


class CoregistrationGeometry:
    """See the module docstring. ``dem``: a :class:`palsar2_plugin.rtc.dem.DemSource`;
    ``height_range_m``: (min, max) ellipsoidal heights of the DEM over the scene (measured when None)."""

    def __init__(self, ref_orbit, ref_grid, sec_orbit, sec_grid, dem, height_range_m: Optional[Tuple[float, float]] = None):
        self.ref_orbit, self.ref_grid = ref_orbit, ref_grid
        self.sec_orbit, self.sec_grid = sec_orbit, sec_grid
        self.dem = dem
        ground_speed = 7000.0 * 0.9
        self.node_lines = max(8, int(round(NODE_SPACING_M / (ground_speed * ref_grid.line_interval_s))))
        self.node_pixels = max(4, int(round(NODE_SPACING_M / ref_grid.range_spacing_m)))
        self._time_offset = sec_orbit.seconds_from_datetime(ref_orbit.datetime_from_seconds(0.0))
        if height_range_m is None:
            height_range_m = self._scene_height_range()
        lo, hi = float(height_range_m[0]) - 100.0, float(height_range_m[1]) + 100.0
        if hi - lo < 400.0:
            mid = 0.5 * (lo + hi)
            lo, hi = mid - 200.0, mid + 200.0
        self.height_nodes = np.linspace(lo, hi, HEIGHT_NODES)
        self.dem_step_deg = self._dem_step_deg()

    # ---------------------------------------------------------------- set-up
    def _dem_step_deg(self) -> float:
        res = float(min(abs(self.dem.res[0]), abs(self.dem.res[1])))
        if self.dem.crs is not None and not self.dem.crs.is_geographic:
            res = res / 111320.0
        ground_px = self.ref_grid.range_spacing_m
        return max(min(res, 30.0 / 111320.0), ground_px / 111320.0)

    def _scene_height_range(self) -> Tuple[float, float]:
        from ..rtc.dem import VertexGrid

        g = self.ref_grid
        ll, pp = np.meshgrid(np.linspace(0, g.lines - 1, 5), np.linspace(0, g.pixels - 1, 5), indexing="ij")
        lat, lon = geolocate(self.ref_orbit, g.time_of_line(ll), g.range_of_pixel(pp), 0.0, g.look_side)
        margin = 0.1
        west, east = np.nanmin(lon) - margin, np.nanmax(lon) + margin
        south, north = np.nanmin(lat) - margin, np.nanmax(lat) + margin
        n = 201
        vg = VertexGrid("EPSG:4326", Affine((east - west) / (n - 1), 0, west, 0, -(north - south) / (n - 1), north),
                        (n, n))
        _, _, h = self.dem.ellipsoid_heights_on(vg)
        if not np.isfinite(h).any():
            raise Palsar2Error(f"The DEM {self.dem.path} has no heights over the scene: choose a DEM of the scene's area.")
        return float(np.nanmin(h)), float(np.nanmax(h))

    # ---------------------------------------------------------------- nodes
    def _node_axes(self, lines: np.ndarray, pixels: np.ndarray):
        nl, npx = self.node_lines, self.node_pixels
        l_lo = math.floor(float(np.min(lines)) / nl) * nl
        l_hi = math.ceil(float(np.max(lines)) / nl) * nl
        p_lo = math.floor(float(np.min(pixels)) / npx) * npx
        p_hi = math.ceil(float(np.max(pixels)) / npx) * npx
        return (np.arange(l_lo, max(l_hi, l_lo + nl) + 1, nl, dtype=np.float64),
                np.arange(p_lo, max(p_hi, p_lo + npx) + 1, npx, dtype=np.float64))

    def nodes(self, node_lines: np.ndarray, node_pixels: np.ndarray) -> dict:
        """Exact geometry at node lines x pixels x the height nodes: arrays (K, n_lines, n_pixels) of
        lat, lon (degrees), sec_line, sec_pixel, delta_range (m)."""
        g = self.ref_grid
        h = self.height_nodes[:, None, None]
        t = g.time_of_line(node_lines)[None, :, None]
        r = g.range_of_pixel(node_pixels)[None, None, :]
        t, r, h = np.broadcast_arrays(t, r, h)
        lat, lon = geolocate(self.ref_orbit, t, r, h, g.look_side)
        xyz = geodetic_to_ecef(lat, lon, h)
        try:
            ts, rs = zero_doppler_time(self.sec_orbit, xyz, t + self._time_offset)
        except OrbitError as error:
            raise Palsar2Error(f"The secondary's orbit does not cover the reference scene ({error}).") from error
        return {"lat": lat, "lon": np.unwrap(lon, period=360.0, axis=-1), "sec_line": self.sec_grid.line_of_time(ts),
                "sec_pixel": self.sec_grid.pixel_of_range(rs), "delta_range": rs - r}

    # ---------------------------------------------------------------- blocks
    def block(self, lines, pixels, iterations: int = 8) -> BlockGeometry:
        """Geometry at reference positions ``lines`` x ``pixels`` (1-D increasing fractional indices)."""
        from ..rtc.dem import VertexGrid

        lines = np.asarray(lines, dtype=np.float64)
        pixels = np.asarray(pixels, dtype=np.float64)
        nl, npx = self._node_axes(lines, pixels)
        nodes = self.nodes(nl, npx)

        def fine(name):
            a = _interp_axis(nodes[name], nl, lines, axis=1)
            return _interp_axis(a, npx, pixels, axis=2)

        lat_k, lon_k = fine("lat"), fine("lon")
        # the DEM on a lon/lat lattice covering every node's ground point (+2 cells)
        step = self.dem_step_deg
        finite = np.isfinite(nodes["lat"]) & np.isfinite(nodes["lon"])
        if not finite.any():
            nan = np.full((lines.size, pixels.size), np.nan)
            return BlockGeometry(nan, nan.copy(), nan.copy(), nan.copy())
        west = float(np.min(nodes["lon"][finite])) - 2 * step
        east = float(np.max(nodes["lon"][finite])) + 2 * step
        south = float(np.min(nodes["lat"][finite])) - 2 * step
        north = float(np.max(nodes["lat"][finite])) + 2 * step
        shape = (int(math.ceil((north - south) / step)) + 1, int(math.ceil((east - west) / step)) + 1)
        vg = VertexGrid("EPSG:4326", Affine(step, 0, west, 0, -step, north), shape)
        _, _, dem_h = self.dem.ellipsoid_heights_on(vg)

        h = terrain_heights(lat_k, lon_k, self.height_nodes, dem_h, north, west, step, iterations)
        out = [lagrange_combine(h, self.height_nodes, fine(name)) for name in ("sec_line", "sec_pixel", "delta_range")]
        return BlockGeometry(h, out[0], out[1], out[2])


# ------------------------------------------------------------------ the height seen at each position
def _terrain_heights_numpy(lat_k, lon_k, nodes, dem_h, north, west, step, iterations):
    """Heights (m) where each position's look meets the DEM (secant iteration on h = DEM(lat(h), lon(h))).

    ``lat_k``/``lon_k`` (K, n, m): the look's ground point at the K height ``nodes`` (Lagrange in h);
    ``dem_h``: ellipsoidal heights on a lon/lat lattice (row 0 at ``north``, column 0 at ``west``,
    ``step`` degrees). NaN where the look leaves the DEM. All positions iterate together until the
    largest update is below 1 mm (or ``iterations``)."""
    def terrain(h):
        w = _lagrange_weights(h, nodes)
        la = np.sum(w * lat_k, axis=0)
        lo = np.sum(w * lon_k, axis=0)
        return _bilinear(dem_h, (north - la) / step, (lo - west) / step)

    h_prev = np.full(lat_k.shape[1:], float(np.mean(nodes)))
    f_prev = terrain(h_prev) - h_prev
    h = h_prev + np.where(np.isfinite(f_prev), f_prev, 0.0)
    for _ in range(iterations):
        f = terrain(h) - h
        denom = f - f_prev
        with np.errstate(invalid="ignore", divide="ignore"):
            secant = h - f * (h - h_prev) / denom
        step_ok = np.isfinite(secant) & (np.abs(denom) > 1e-9)
        h_new = np.where(step_ok, secant, h + f)
        h_new = np.clip(h_new, nodes[0] - 500.0, nodes[-1] + 500.0)
        h_prev, f_prev, h = h, f, h_new
        if np.nanmax(np.abs(np.where(np.isfinite(f), f, 0.0))) < 1e-3:
            break
    return np.where(np.isfinite(terrain(h)), h, np.nan)


@jit
def _terrain_at(h, lat_k, lon_k, i, j, nodes, dem_h, north, west, step):
    """DEM height (bilinear; NaN outside or next to NaN) at the ground point of the look at height h."""
    n_k = nodes.shape[0]
    la = 0.0
    lo = 0.0
    for k in range(n_k):
        w = 1.0
        for m in range(n_k):
            if m != k:
                w = w * (h - nodes[m]) / (nodes[k] - nodes[m])
        la += w * lat_k[k, i, j]
        lo += w * lon_k[k, i, j]
    row = (north - la) / step
    col = (lo - west) / step
    n_r, n_c = dem_h.shape
    if not (row >= 0.0 and row <= n_r - 1 and col >= 0.0 and col <= n_c - 1):
        return np.nan
    r0 = min(int(math.floor(row)), n_r - 2)
    c0 = min(int(math.floor(col)), n_c - 2)
    fr = row - r0
    fc = col - c0
    return ((dem_h[r0, c0] * (1 - fc) + dem_h[r0, c0 + 1] * fc) * (1 - fr)
            + (dem_h[r0 + 1, c0] * (1 - fc) + dem_h[r0 + 1, c0 + 1] * fc) * fr)


@jit
def _terrain_heights_kernel(lat_k, lon_k, nodes, dem_h, north, west, step, iterations, h, h_prev, f_prev):
    n, m = h.shape
    lo_clip = nodes[0] - 500.0
    hi_clip = nodes[nodes.shape[0] - 1] + 500.0
    start = 0.0
    for k in range(nodes.shape[0]):
        start += nodes[k]
    start /= nodes.shape[0]
    for i in range(n):
        for j in range(m):
            h_prev[i, j] = start
            f = _terrain_at(start, lat_k, lon_k, i, j, nodes, dem_h, north, west, step) - start
            f_prev[i, j] = f
            h[i, j] = start + (f if math.isfinite(f) else 0.0)
    for _ in range(iterations):
        largest = 0.0
        for i in range(n):
            for j in range(m):
                hh = h[i, j]
                f = _terrain_at(hh, lat_k, lon_k, i, j, nodes, dem_h, north, west, step) - hh
                denom = f - f_prev[i, j]
                secant = hh - f * (hh - h_prev[i, j]) / denom
                if math.isfinite(secant) and abs(denom) > 1e-9:
                    new = secant
                else:
                    new = hh + f
                if new < lo_clip:
                    new = lo_clip
                elif new > hi_clip:
                    new = hi_clip
                h_prev[i, j] = hh
                f_prev[i, j] = f
                h[i, j] = new
                if math.isfinite(f) and abs(f) > largest:
                    largest = abs(f)
        if largest < 1e-3:
            break
    for i in range(n):
        for j in range(m):
            if not math.isfinite(_terrain_at(h[i, j], lat_k, lon_k, i, j, nodes, dem_h, north, west, step)):
                h[i, j] = np.nan


@compiled_or_numpy(_terrain_heights_numpy)
def terrain_heights(lat_k, lon_k, nodes, dem_h, north, west, step, iterations):
    shape = lat_k.shape[1:]
    h, h_prev, f_prev = np.empty(shape), np.empty(shape), np.empty(shape)
    _terrain_heights_kernel(np.ascontiguousarray(lat_k), np.ascontiguousarray(lon_k), np.asarray(nodes, np.float64),
                            np.ascontiguousarray(dem_h, dtype=np.float64), float(north), float(west), float(step),
                            int(iterations), h, h_prev, f_prev)
    return h


def lagrange_combine(h: np.ndarray, nodes: np.ndarray, values_k: np.ndarray) -> np.ndarray:
    """``values_k`` (K, ...) at the K height ``nodes`` interpolated (Lagrange) to heights ``h``; NaN where h is."""
    ok = np.isfinite(h)
    w = _lagrange_weights(np.where(ok, h, nodes[0]), nodes)
    out = np.sum(w * values_k, axis=0)
    out[~ok] = np.nan
    return out


def _bilinear(data: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of ``data`` at fractional (row, col); NaN outside or next to NaN."""
    n_r, n_c = data.shape
    out = np.full(np.shape(row), np.nan)
    ok = np.isfinite(row) & np.isfinite(col) & (row >= 0) & (row <= n_r - 1) & (col >= 0) & (col <= n_c - 1)
    if not ok.any():
        return out
    r = row[ok]
    c = col[ok]
    r0 = np.minimum(np.floor(r).astype(np.int64), n_r - 2)
    c0 = np.minimum(np.floor(c).astype(np.int64), n_c - 2)
    fr = r - r0
    fc = c - c0
    out[ok] = ((data[r0, c0] * (1 - fc) + data[r0, c0 + 1] * fc) * (1 - fr)
               + (data[r0 + 1, c0] * (1 - fc) + data[r0 + 1, c0 + 1] * fc) * fr)
    return out


def upsample_block(geometry: BlockGeometry, lines: np.ndarray, pixels: np.ndarray, out_lines: np.ndarray,
                   out_pixels: np.ndarray) -> BlockGeometry:
    """Bilinear interpolation of a block's geometry (at ``lines`` x ``pixels``) to ``out_lines`` x ``out_pixels``."""
    def up(a):
        return _interp_axis(_interp_axis(a, lines, out_lines, axis=0), pixels, out_pixels, axis=1)

    return BlockGeometry(up(geometry.height_m), up(geometry.sec_line), up(geometry.sec_pixel),
                         up(geometry.delta_range_m))
