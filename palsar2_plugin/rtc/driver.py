"""The tiled terrain-correction run: output grid, DEM, tiles (in threads), NRB product.

:func:`terrain_correct` walks the output grid tile by tile. Each tile reads its DEM window (with a
halo of extra facets so that every radar cell its pixels use receives all its area, including
from layover and shadow casters outside the tile), runs the pure functions of :mod:`.tile`, and
hands its layers to the :class:`..nrb.writer.NrbWriter`. Memory is bounded by tile size x halo x
workers, whatever the output size. Progress is reported per tile, cancel is checked between tiles
and between the stages of a tile.

Halo: along the range direction, facets within (relief / tan(near incidence)) and (relief x
tan(far incidence)) of a tile can share radar cells with it (layover) or shade it (shadow); along
azimuth only the spread of the bilinear area distribution matters. The halo is therefore
anisotropic - range reach plus three radar cells along range, three radar cells along azimuth -
projected on the map axes, the range part capped at ``max_halo_facets``; tiles are made long in the
map axis closest to range so that the halo costs little. Per tile the range reach only covers the
neighbours high or low enough to meet the tile's heights (:meth:`RunSettings.halo_for`).

The product does not depend on the tiling: what the tile functions would otherwise choose per tile
is chosen once per run (:func:`beam_facet_geometry`): the layover/shadow bin raster and each beam's
sub-points per facet. Tiles share facets only through the halo, and a facet's flags and area
contributions are then the same in every tile that holds it (tests/core/test_rtc_flat.py compares
a run in small tiles with one in a single tile).
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import __version__
from ..errors import Palsar2Error
from ..gdal_cache import bounded_block_cache
from ..progress import CancelCheck, ProgressCallback, SubProgress, WarningCallback, check_cancelled, report
from ..progress import warn as report_warning
from .dem import DemSource, check_dem_covers, lon_lat_transformer, vertex_grid
from .grid import OutputGrid, Tile, iter_tiles, make_output_grid, tile_count
from .orbit_poly import OrbitPolynomial
from .radar_input import RadarInput
from .relief import CoarseRelief, coarse_relief
from .stage_times import StageTimes, stage
from .workspace import Workspace, WorkspacePool
from .tile import (AREA_FLOOR_FRACTION, MASK_NODATA, LayoverBins, TileLayers, beam_window, flatten_beam, mosaic_beams,
                   subpoint_count, tile_geometry_ecef)

OVERLAP_RULE = "looks-weighted mean of the beams' gamma0 in linear power"


@dataclass(frozen=True)
class RunSettings:
    """How a run is tiled: facets per pixel side, the largest halo (rows, cols) in facets, tile size in
    pixels, and what :meth:`halo_for` needs to shrink the halo where the terrain is flat."""

    oversampling: int
    halo_facets: Tuple[int, int]
    tile_rows: int
    tile_cols: int
    facet_size_m: float
    gap_dilation_facets: int
    range_dir: Tuple[float, float] = (1.0, 0.0)
    reach_per_m: float = 0.0            # ground reach (m) per metre of relief
    cell_m: float = 0.0                 # largest radar cell on the ground (m)
    max_halo_facets: int = 512
    relief: Optional[CoarseRelief] = field(default=None, repr=False, compare=False)
    #: the run's layover/shadow bin raster and, per beam number, the sub-points (s_i, s_j) per facet:
    #: the same for every tile, so that the product does not depend on the tiling (None / absent:
    #: each tile chooses its own)
    layover_bins: Optional[LayoverBins] = None
    subpoints: Tuple[Tuple[int, int, int], ...] = ()

    def subpoints_for(self, beam_number: int) -> Optional[Tuple[int, int]]:
        """(s_i, s_j) sub-points per facet for the beam, None if the run did not fix them."""
        for number, s_i, s_j in self.subpoints:
            if number == beam_number:
                return s_i, s_j
        return None

    def halos(self, relief_m: float) -> Tuple[int, int]:
        """(rows, cols) halo in facets for terrain of ``relief_m`` metres."""
        k, facet = self.oversampling, self.facet_size_m
        range_halo = min(int(math.ceil((relief_m * self.reach_per_m + 3.0 * self.cell_m) / facet)),
                         self.max_halo_facets)
        azimuth_halo = int(math.ceil(3.0 * self.cell_m / facet)) + 2
        rx, ry = self.range_dir
        return (int(math.ceil(range_halo * abs(ry) + azimuth_halo * abs(rx))),
                int(math.ceil(range_halo * abs(rx) + azimuth_halo * abs(ry))))

    def halo_for(self, tile: Tile) -> Tuple[int, int]:
        """The halo of ``tile`` from the coarse min/max heights around it, so that flat tiles (sea,
        plains) and tiles whose high neighbours are far get a small halo.

        A facet at ground distance d (along range) shares radar cells with a tile facet (layover) or
        shades it only if their heights differ by at least d / reach_per_m. So a coarse cell at
        distance d_cell from the tile (its nearest point) can hold such a facet only if
        reach_per_m x (its height difference to the tile's, the larger of max_cell - min_tile and
        max_tile - min_cell, + 50 m) >= d_cell; the range reach is the largest such reach, never more
        than the whole relief's (:meth:`halos`)."""
        if self.relief is None or not self.reach_per_m > 0:
            return self.halo_facets
        k = self.oversampling
        reach_px = max(self.halo_facets) / k
        step = self.relief.step_px
        lo, hi, rows, cols = self.relief.cells(tile.row0 - reach_px, tile.row1 + reach_px, tile.col0 - reach_px,
                                               tile.col1 + reach_px)
        if lo.size == 0 or not np.isfinite(lo).any():
            return self.halos(50.0)
        own_lo, own_hi, _, _ = self.relief.cells(tile.row0, tile.row1, tile.col0, tile.col1)
        if own_lo.size == 0 or not np.isfinite(own_lo).any():   # no DEM in the tile: the neighbourhood's relief
            own_lo, own_hi = lo, hi
        tile_min, tile_max = float(np.nanmin(own_lo)), float(np.nanmax(own_hi))
        # distance (m) from each coarse cell's nearest point to the tile
        pixel_m = self.facet_size_m * k
        gap_r = np.maximum(np.maximum(tile.row0 - (rows + step), rows - tile.row1), 0.0)
        gap_c = np.maximum(np.maximum(tile.col0 - (cols + step), cols - tile.col1), 0.0)
        distance_m = np.hypot(gap_r[:, None], gap_c[None, :]) * pixel_m
        with np.errstate(invalid="ignore"):
            reach_m = (np.maximum(hi - tile_min, tile_max - lo) + 50.0) * self.reach_per_m
            partner = np.isfinite(reach_m) & (reach_m >= distance_m)
        relief = float(reach_m[partner].max()) / self.reach_per_m if partner.any() else 50.0
        hy, hx = self.halos(relief)
        return min(hy, self.halo_facets[0]), min(hx, self.halo_facets[1])


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Square binary dilation by ``radius`` cells (numpy only)."""
    if radius <= 0 or not mask.any():
        return mask
    out = mask.copy()
    for axis in (0, 1):
        src = out.copy()
        for shift in range(1, radius + 1):
            if axis == 0:
                out[shift:, :] |= src[:-shift, :]
                out[:-shift, :] |= src[shift:, :]
            else:
                out[:, shift:] |= src[:, :-shift]
                out[:, :-shift] |= src[:, shift:]
    return out


def _empty_layers(shape, n_pols) -> TileLayers:
    nan = np.full(shape, np.nan, dtype=np.float32)
    return TileLayers([nan.copy() for _ in range(n_pols)], np.zeros(shape, dtype=np.uint8), nan.copy(), nan.copy(),
                      nan.copy(), nan.copy(), np.zeros(shape, dtype=np.float32), nan.copy())


def tile_may_see_beams(grid: OutputGrid, tile: Tile, radar: RadarInput, orbit: OrbitPolynomial,
                       settings: RunSettings, heights_m=(-500.0, 9000.0)) -> bool:
    """False when no beam can see any pixel of ``tile`` (a corner of a rotated swath's bounding box):
    a 5 x 5 lattice of the tile at the lowest and highest plausible heights is geocoded and its
    time/range span, widened by the halo reach, compared with the beams' grids."""
    from ..geometry.ellipsoid import geodetic_to_ecef
    from .geocode import zero_doppler

    rows = np.linspace(tile.row0, tile.row1, 5)
    cols = np.linspace(tile.col0, tile.col1, 5)
    x = grid.transform.c + cols[None, :] * grid.transform.a
    y = grid.transform.f + rows[:, None] * grid.transform.e
    x, y = np.broadcast_arrays(x, y)
    lon, lat = lon_lat_transformer(str(grid.crs)).transform(x, y)
    t_all, r_all = [], []
    for h in heights_m:
        p = geodetic_to_ecef(np.asarray(lat), np.asarray(lon), h)
        sol = zero_doppler((p[..., 0], p[..., 1], p[..., 2]), orbit)
        t_all.append(sol.time_s)
        r_all.append(sol.slant_range_m)
    t = np.concatenate([a.ravel() for a in t_all])
    r = np.concatenate([a.ravel() for a in r_all])
    if not (np.isfinite(t).all() and np.isfinite(r).all()):
        return True
    reach_m = max(settings.halo_facets) * settings.facet_size_m + 2.0 * settings.cell_m
    t_margin = reach_m / 6000.0
    for beam in radar.beams:
        g = beam.grid
        if (t.max() + t_margin >= g.first_line_time_s and t.min() - t_margin <= g.last_line_time_s
                and r.max() + reach_m >= g.slant_range_first_m and r.min() - reach_m <= g.slant_range_last_m):
            return True
    return False


def correct_tile(grid: OutputGrid, tile: Tile, dem: DemSource, radar: RadarInput, polarisations: Sequence[str],
                 orbit: OrbitPolynomial, settings: RunSettings, is_cancelled: Optional[CancelCheck] = None,
                 times: Optional[StageTimes] = None, workspace: Optional[Workspace] = None) -> TileLayers:
    """All layers of one tile (reads the DEM and beta0 windows, then the pure tile functions).
    ``times``: CPU seconds per stage are added to it (see :mod:`.stage_times`); ``workspace``: the
    calling thread's scratch buffers, reused from tile to tile (see :mod:`.workspace`)."""
    with stage(times, "tile check"):
        if not tile_may_see_beams(grid, tile, radar, orbit, settings):
            return _empty_layers(tile.shape, len(polarisations))
    k, halo = settings.oversampling, settings.halo_for(tile)
    verts = vertex_grid(grid, tile, k, halo)
    with stage(times, "DEM to ECEF vertices"):
        vx, vy, vz, h = dem.vertex_ecef(verts, workspace)
    if not np.isfinite(h).any():
        return _empty_layers(tile.shape, len(polarisations))
    check_cancelled(is_cancelled)
    with stage(times, "facet geometry, layover/shadow"):
        geom = tile_geometry_ecef(vx, vy, vz, h, orbit, settings.facet_size_m, workspace=workspace,
                                  bins=settings.layover_bins)
    del vx, vy, vz, h
    check_cancelled(is_cancelled)
    sums = []
    for beam in radar.beams:
        with stage(times, "beta0 windows"):
            window = beam_window(geom, beam.grid, halo=halo, out_shape=tile.shape, oversampling=k)
            if window is None:
                continue
            betas = [radar.read_beta0(beam.number, pol, *window) for pol in polarisations]
        with stage(times, "area distribution, read-back"):
            sums.append(flatten_beam(geom, beam.grid, window, betas, k, halo, tile.shape, beam.looks,
                                     subsamples=settings.subpoints_for(beam.number)))
        check_cancelled(is_cancelled)
    with stage(times, "mosaic, layers"):
        gaps = _dilate(~geom.valid, settings.gap_dilation_facets) if not geom.valid.all() else None
        return mosaic_beams(geom, sums, len(polarisations), k, halo, tile.shape, gaps)


def beam_facet_geometry(radar: RadarInput, grid: OutputGrid, oversampling: int, height_m: float = 0.0
                        ) -> Tuple[LayoverBins, Tuple[Tuple[int, int, int], ...]]:
    """What every tile of a run must share, from each beam's geometry at its centre on the ellipsoid
    (+ ``height_m``): the layover/shadow bin raster (ground along-track speed of the middle beam,
    strips from the scene's first line time) and, per beam, the sub-points per facet along the facet
    lattice's rows and columns (:func:`.tile.subpoint_count` of a facet's extent in radar cells
    there: what a tile in the middle of the beam would choose from its own facets)."""
    from pyproj import Transformer

    from ..geometry.range_doppler import geolocate

    to_map = Transformer.from_crs("EPSG:4326", grid.crs, always_xy=True)
    k = max(1, int(oversampling))
    tr = grid.transform
    steps = (np.array([tr.b, tr.e]) / k, np.array([tr.a, tr.d]) / k)   # one facet down, one across (map m)
    subpoints, speeds = [], []
    for beam in radar.beams:
        g = beam.grid
        dl, dp = max(1.0, 0.01 * g.lines), max(1.0, 0.01 * g.pixels)      # finite-difference steps
        t = g.first_line_time_s + 0.5 * (g.lines - 1) * g.line_interval_s
        r = g.slant_range_first_m + 0.5 * max(g.pixels - 1 - dp, 0.0) * g.range_spacing_m
        times = np.array([t, t + dl * g.line_interval_s, t])
        ranges = np.array([r, r, r + dp * g.range_spacing_m])
        lat, lon = geolocate(radar.orbit, times, ranges, np.full(3, height_m), g.look_side)
        x, y = to_map.transform(np.asarray(lon), np.asarray(lat))
        jac = np.array([[x[1] - x[0], x[2] - x[0]], [y[1] - y[0], y[2] - y[0]]]) / np.array([dl, dp])
        if not np.isfinite(jac).all() or abs(np.linalg.det(jac)) < 1e-12:
            continue                                       # the tiles then choose their own
        inv = np.linalg.inv(jac)                           # (line, pixel) per map metre
        s_i, s_j = (subpoint_count(float(np.max(np.abs(inv @ step)))) for step in steps)
        subpoints.append((int(beam.number), s_i, s_j))
        speeds.append(math.hypot(jac[0, 0], jac[1, 0]) / g.line_interval_s)
    middle = speeds[len(speeds) // 2] if speeds else 7000.0
    return LayoverBins(middle, float(radar.time_span_s()[0])), tuple(subpoints)


def range_direction(radar: RadarInput, grid: OutputGrid) -> Tuple[float, float]:
    """Unit vector (dx, dy) on the map of increasing ground range at the scene middle."""
    from pyproj import Transformer

    from ..geometry.range_doppler import geolocate

    t0, t1 = radar.time_span_s()
    beam = radar.beams[len(radar.beams) // 2].grid
    tm = 0.5 * (t0 + t1)
    r = beam.slant_range_mid_m
    lat, lon = geolocate(radar.orbit, np.array([tm, tm]), np.array([r, r + 1000.0]), np.zeros(2), beam.look_side)
    x, y = Transformer.from_crs("EPSG:4326", grid.crs, always_xy=True).transform(lon, lat)
    dx, dy = float(x[1] - x[0]), float(y[1] - y[0])
    n = math.hypot(dx, dy)
    if not (n > 0 and math.isfinite(n)):
        return (1.0, 0.0)
    return dx / n, dy / n


def tile_shape(tile_size: int, k: int, halo: Tuple[int, int], range_is_x: bool) -> Tuple[int, int]:
    """(rows, cols) of the tiles: of the shapes holding at most about 9 tile_size^2 facets (halo
    included; ~0.6 M for 256, ~0.6 GB of working memory per thread), the one whose halo costs least
    (long along the map axis nearer to range)."""
    h_short, h_long = (halo[0], halo[1]) if range_is_x else (halo[1], halo[0])
    budget = 9 * tile_size * tile_size
    best = None
    for long_side in (tile_size, 2 * tile_size, 4 * tile_size, 8 * tile_size, 16 * tile_size):
        span_long = k * long_side + 2 * h_long
        short_side = int((budget / span_long - 2 * h_short) // k)
        if short_side < 8:
            continue
        short_side = min(short_side, 8 * tile_size)
        cost = (k * short_side + 2 * h_short) * span_long / float(k * k * short_side * long_side)
        if best is None or cost < best[0]:
            best = (cost, short_side, long_side)
    if best is None:
        best = (0.0, 8, tile_size)
    _, short_side, long_side = best
    return (short_side, long_side) if range_is_x else (long_side, short_side)


#: Facets being worked on at once over all threads (:func:`tile_shape` gives a tile about 9 x
#: tile_size^2 facets): tiles of 362 with 2 threads, 256 with 4 (~1.1 GB peak RSS either way).
FACETS_IN_FLIGHT = 36 * 256 * 256


def default_tile_size(workers: int) -> int:
    """Tile size (output pixels, the ``tile_size`` of :func:`tile_shape`) for ``workers`` threads:
    larger tiles need relatively fewer halo facets (measured -8..-14 % time with 2 threads at 362
    against 256), but every thread holds one, so the total stays near :data:`FACETS_IN_FLIGHT`."""
    return max(128, min(362, int(math.sqrt(FACETS_IN_FLIGHT / (9.0 * max(1, int(workers)))))))


def plan_settings(grid: OutputGrid, dem: DemSource, radar: RadarInput, oversampling: int, tile_size: int,
                  max_halo_facets: int = 512) -> RunSettings:
    """Facet size, halo, tile shape and gap dilation for a run (see the module docstring)."""
    k = max(1, int(oversampling))
    facet = grid.pixel_size_m / k
    near, far = radar.incidence_range_deg()
    near, far = max(near, 10.0), min(max(far, near), 80.0)
    reach_per_m = max(1.0 / math.tan(math.radians(near)), math.tan(math.radians(far)))
    cell = max(max(b.grid.range_spacing_m / math.sin(math.radians(near)),
                   b.grid.line_interval_s * 7000.0) for b in radar.beams)
    rx, ry = range_direction(radar, grid)
    gap = int(math.ceil(2.0 * cell / facet)) + 1
    base = RunSettings(k, (0, 0), 0, 0, facet, gap, (rx, ry), reach_per_m, cell, max_halo_facets)
    # the relief out to the largest halo any relief could ask for, beyond the grid too
    relief_map = coarse_relief(dem, grid, margin_px=max(base.halos(1e9)) / k + 1.0)
    if relief_map.has_heights():
        relief = float(np.nanmax(relief_map.max_m) - np.nanmin(relief_map.min_m)) + 50.0
        typical_height = float(np.nanmedian(relief_map.min_m))
    else:
        relief, typical_height = 50.0, 0.0
    halo_rows, halo_cols = base.halos(relief)
    tile_rows, tile_cols = tile_shape(tile_size, k, (halo_rows, halo_cols), abs(rx) >= abs(ry))
    bins, subpoints = beam_facet_geometry(radar, grid, k, typical_height)
    return RunSettings(k, (halo_rows, halo_cols), tile_rows, tile_cols, facet, gap, (rx, ry), reach_per_m, cell,
                       max_halo_facets, relief_map, bins, subpoints)


def _wkt_polygon(points: Sequence[Tuple[float, float]]) -> str:
    ring = list(points) + [points[0]]
    return "Polygon ((" + ", ".join(f"{x:.6f} {y:.6f}" for x, y in ring) + "))"


@bounded_block_cache()
def terrain_correct(radar: RadarInput, dem_path: str, output_folder: str, *, height_reference: str = "egm96",
                    polarisations: Optional[Sequence[str]] = None, crs: Optional[str] = None,
                    pixel_size_m: float = 25.0, extent: Optional[Tuple[float, float, float, float]] = None,
                    extent_crs: Optional[str] = None, oversampling: int = 2, tile_size: Optional[int] = None,
                    workers: int = 2, progress: Optional[ProgressCallback] = None,
                    is_cancelled: Optional[CancelCheck] = None, tile_runner=None,
                    warn: Optional[WarningCallback] = None) -> Dict[str, object]:
    """Terrain-correct ``radar`` against the DEM at ``dem_path`` and write an NRB product folder.

    ``tile_runner`` (optional) computes the tiles elsewhere (e.g. :mod:`palsar2_plugin.scale` on
    Dask): it is called as ``tile_runner(job, tiles, write, progress, is_cancelled)`` with ``job`` a
    dict (grid, dem_path, height_reference, radar, polarisations, orbit, settings) and must call
    ``write(layers, tile)`` for every tile, in any order, from the calling thread. ``tile_size`` None:
    :func:`default_tile_size` of ``workers``.

    Returns the writer's paths (``folder``, ``gamma0`` {pol: path}, ``mask``, ``local_incidence``,
    ``ellipsoid_incidence``, ``scattering_area``, ``gamma_to_sigma``, ``number_of_looks``, ``dem``,
    ``metadata``, ``stac``, ``quicklook``) plus ``grid``, ``settings``, ``timings`` (wall seconds
    of the tiles and of finishing the product, CPU seconds per tile stage) and ``warnings`` (the
    radar input's, e.g. an implausible calibration factor, and the DEM's, e.g. partial coverage;
    each also passed to ``warn`` and written into the product's metadata). GDAL's block cache is
    bounded while it runs (:mod:`palsar2_plugin.gdal_cache`).
    """
    from ..nrb.naming import product_name
    from ..nrb.writer import NrbWriter

    report(progress, 0.0, "Preparing the output grid and the DEM")
    pols = [p.upper() for p in (polarisations or radar.polarisations)]
    missing = [p for p in pols if p not in radar.polarisations]
    if missing or not pols:
        raise Palsar2Error(f"The product has no {', '.join(missing) or 'polarisation'} data; it has "
                           f"{', '.join(radar.polarisations)}. Choose among those.")
    footprint = radar.footprint_lon_lat()
    grid = make_output_grid(footprint, crs=crs, pixel_size_m=pixel_size_m, extent=extent, extent_crs=extent_crs)
    dem = DemSource(dem_path, height_reference)
    try:
        warnings = list(radar.metadata.get("warnings", ())) + check_dem_covers(dem, grid,
                                                                                footprint_lon_lat=footprint)
    except BaseException:
        dem.close()
        raise
    for message in warnings:
        report_warning(warn, message)
    settings = plan_settings(grid, dem, radar, oversampling, tile_size or default_tile_size(workers))
    t0, t1 = radar.time_span_s()
    orbit = OrbitPolynomial.fit(radar.orbit.position_velocity_acceleration, t0, t1, degree=9, margin_s=20.0)
    meta = radar.metadata
    name = product_name(meta["scene_id"], meta["mode"], meta["look_side"], meta["pass_direction"])
    writer = NrbWriter(output_folder, name, grid, pols)
    tiles = list(iter_tiles(grid, settings.tile_rows, settings.tile_cols))
    n_tiles = len(tiles)
    tile_progress = SubProgress(progress, 0.02, 0.85)
    finish_progress = SubProgress(progress, 0.85, 1.0)
    lock = threading.Lock()
    stop = threading.Event()
    stage_times = StageTimes()
    workspaces = WorkspacePool()

    def cancelled() -> bool:
        return stop.is_set() or (is_cancelled is not None and is_cancelled())

    def work(tile: Tile) -> Tile:
        if cancelled():
            check_cancelled(lambda: True)
        layers = correct_tile(grid, tile, dem, radar, pols, orbit, settings, cancelled, stage_times,
                              workspaces.get())
        with lock, stage(stage_times, "writing tiles"):
            writer.write_tile(layers, tile.row0, tile.col0)
        return tile

    import time as _time

    timings = {}
    started = _time.perf_counter()
    try:
        done = 0
        report(tile_progress, 0.0, f"Terrain correction: {n_tiles} tiles of {settings.tile_rows} x {settings.tile_cols} px")
        if tile_runner is not None:
            job = dict(grid=grid, dem_path=dem_path, height_reference=height_reference, radar=radar,
                       polarisations=pols, orbit=orbit, settings=settings)
            tile_runner(job, tiles, lambda layers, tile: writer.write_tile(layers, tile.row0, tile.col0),
                        tile_progress, is_cancelled)
        elif workers <= 1:
            for tile in tiles:
                check_cancelled(is_cancelled)
                work(tile)
                done += 1
                report(tile_progress, done / n_tiles, f"Tile {done}/{n_tiles}")
        else:
            with ThreadPoolExecutor(max_workers=int(workers)) as pool:
                pending = set()
                it = iter(tiles)
                try:
                    for _ in range(2 * int(workers)):
                        tile = next(it, None)
                        if tile is not None:
                            pending.add(pool.submit(work, tile))
                    while pending:
                        from concurrent.futures import FIRST_COMPLETED, wait
                        finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                        if is_cancelled is not None and is_cancelled():
                            stop.set()
                        for fut in finished:
                            fut.result()
                            done += 1
                            report(tile_progress, done / n_tiles, f"Tile {done}/{n_tiles}")
                            tile = next(it, None)
                            if tile is not None and not stop.is_set():
                                pending.add(pool.submit(work, tile))
                        check_cancelled(is_cancelled)
                except BaseException:
                    stop.set()
                    for fut in pending:
                        fut.cancel()
                    raise
        timings["tiles_s"] = _time.perf_counter() - started
        near, far = radar.incidence_range_deg()
        lons = [p[0] for p in footprint]
        lats = [p[1] for p in footprint]
        epsg = None
        try:
            from pyproj import CRS
            c = CRS.from_user_input(grid.crs)
            epsg = c.to_epsg()
            crs_wkt = c.to_wkt()
        except Exception:  # noqa: BLE001 - the CRS came from the user; keep the text
            crs_wkt = str(grid.crs)
        info = {
            "start_time": radar.utc_of(t0), "end_time": radar.utc_of(t1), "centre_time": radar.utc_of(0.5 * (t0 + t1)),
            "mode": meta["mode"], "polarisations": pols, "look_side": meta["look_side"],
            "pass_direction": meta["pass_direction"], "beams": [b.number for b in radar.beams],
            "source_product_id": f"{meta['scene_id']}_{meta.get('product_id', '')}",
            "processing_time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "software_version": f"palsar2_plugin {__version__}", "pixel_size_m": grid.pixel_size_m,
            "epsg": epsg, "crs_wkt": crs_wkt, "bounds": grid.bounds,
            "footprint_wkt": _wkt_polygon(footprint), "footprint_lon_lat": footprint,
            "lon_lat_bbox": (min(lons), min(lats), max(lons), max(lats)),
            "centre_lon_lat": (float(np.mean(lons)), float(np.mean(lats))),
            "shape": (grid.height, grid.width), "transform": tuple(grid.transform)[:6],
            "dem_path": os.path.abspath(dem_path), "dem_height_reference": dem.height_reference,
            "oversampling": settings.oversampling, "incidence_near_far": (near, far),
            "overlap_rule": OVERLAP_RULE, "area_floor": AREA_FLOOR_FRACTION, "warnings": warnings,
        }
        finishing, finishing_cpu = _time.perf_counter(), _time.process_time()
        result = writer.finish(info, finish_progress, is_cancelled)
        timings["finish_s"] = _time.perf_counter() - finishing
        timings["finish_cpu_s"] = _time.process_time() - finishing_cpu
        timings["stages_cpu_s"] = stage_times.totals()
    except BaseException:
        writer.abort()
        raise
    finally:
        dem.close()
    result["grid"] = grid
    result["settings"] = settings
    result["timings"] = timings
    result["warnings"] = warnings
    return result
