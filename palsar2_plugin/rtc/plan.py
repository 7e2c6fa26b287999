"""Planning a terrain-correction run: output grid, DEM, orbit polynomial, tiling, halo, shared choices.

:func:`plan_run` turns a radar input, a DEM and the user's choices into a :class:`RunPlan`: what
every tile of the run needs and nothing a tile computes itself, small and picklable (executors may
send it to other processes, see :mod:`.executors`).

Halo: along the range direction, facets within (relief / tan(near incidence)) and (relief x
tan(far incidence)) of a tile can share radar cells with it (layover) or shade it (shadow); along
azimuth only the spread of the bilinear area distribution matters. The halo is therefore
anisotropic - range reach plus three radar cells along range, three radar cells along azimuth -
projected on the map axes, the range part capped at ``max_halo_facets``; tiles are made long in the
map axis closest to range so that the halo costs little. Per tile the range reach only covers the
neighbours high or low enough to meet the tile's heights (:meth:`RunSettings.halo_for`).

The product does not depend on the tiling: what the tile stages would otherwise choose per tile
is chosen once per run (:func:`beam_facet_geometry`): the layover/shadow bin raster and each beam's
sub-points per facet. Tiles share facets only through the halo, and a facet's flags and area
contributions are then the same in every tile that holds it (tests/core/test_rtc_flat.py compares
a run in small tiles with one in a single tile).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.orbit_polynomial import OrbitPolynomial, orbit_polynomial
from ..geometry.range_doppler import geolocate
from ..geometry.zero_doppler import solve
from .area_distribution import subpoint_count
from .dem import DemSource, check_dem_covers, lon_lat_transformer
from .grid import OutputGrid, Tile, iter_tiles, make_output_grid
from .layover_shadow import LayoverBins
from .radar_input import RadarBeam, RadarGeometry
from .relief import CoarseRelief, coarse_relief


#: The largest range halo of a tile (facets): reach of layover and shadow from the terrain around it.
MAX_HALO_FACETS = 512


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
    max_halo_facets: int = MAX_HALO_FACETS
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
        facet = self.facet_size_m
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




@dataclass(frozen=True)
class RunPlan:
    """Everything the tiles of a run share: the output grid, the DEM (path and height reference),
    the beams' radar grids and looks, the polarisations, the run's orbit polynomial (over the scene
    +- 20 s), the tiling and its settings, and the tiles. Small and picklable."""

    grid: OutputGrid
    dem_path: str
    height_reference: str
    beams: Tuple[RadarBeam, ...]
    polarisations: Tuple[str, ...]
    orbit: OrbitPolynomial
    settings: RunSettings
    tiles: Tuple[Tile, ...] = field(repr=False)
    #: what the user should know about the inputs (the DEM's coverage and plausibility, see
    #: :func:`.dem.check_dem_covers`)
    warnings: Tuple[str, ...] = ()


def plan_run(radar: RadarGeometry, dem_path: str, *, height_reference: str = "egm96",
             polarisations: Optional[Sequence[str]] = None, crs: Optional[str] = None, pixel_size_m: float = 25.0,
             extent=None, extent_crs: Optional[str] = None, oversampling: int = 2, tile_size: int = 362,
             dem: Optional[DemSource] = None) -> RunPlan:
    """The :class:`RunPlan` of terrain-correcting ``radar`` (a RadarGeometry or RadarInput) against the
    DEM at ``dem_path`` (``dem``: that DEM already open). Raises a Palsar2Error (what to do) on
    polarisations the product lacks, an extent off the scene, an output CRS not in metres, a DEM
    that does not cover it; the plan's ``warnings`` say what may be wrong (partial DEM coverage)."""
    available = tuple(getattr(radar, "polarisations", ()) or ())
    pols = tuple(p.upper() for p in (polarisations or available))
    missing = [p for p in pols if available and p not in available]
    if missing or not pols:
        raise Palsar2Error(f"The product has no {', '.join(missing) or 'polarisation'} data; it has "
                           f"{', '.join(available)}. Choose among those.")
    footprint = radar.footprint_lon_lat()
    grid = make_output_grid(footprint, crs=crs, pixel_size_m=pixel_size_m, extent=extent, extent_crs=extent_crs)
    own = dem is None
    dem = DemSource(dem_path, height_reference) if own else dem
    try:
        warnings = tuple(check_dem_covers(dem, grid, footprint_lon_lat=footprint))
        settings = plan_settings(grid, dem, radar, oversampling, tile_size)
    finally:
        if own:
            dem.close()
    t0, t1 = radar.time_span_s()
    orbit = orbit_polynomial(radar.orbit, t0, t1, degree=9, margin_s=20.0)
    tiles = tuple(iter_tiles(grid, settings.tile_rows, settings.tile_cols))
    return RunPlan(grid, str(dem_path), dem.height_reference, tuple(radar.beams), pols, orbit, settings, tiles,
                   warnings)


def tile_may_see_beams(plan: "RunPlan", tile: Tile, heights_m=(-500.0, 9000.0)) -> bool:
    """False when no beam can see any pixel of ``tile`` (a corner of a rotated swath's bounding box):
    a 5 x 5 lattice of the tile at the lowest and highest plausible heights is geocoded and its
    time/range span, widened by the halo reach, compared with the beams' grids."""
    grid, orbit, settings = plan.grid, plan.orbit, plan.settings
    rows = np.linspace(tile.row0, tile.row1, 5)
    cols = np.linspace(tile.col0, tile.col1, 5)
    x = grid.transform.c + cols[None, :] * grid.transform.a
    y = grid.transform.f + rows[:, None] * grid.transform.e
    x, y = np.broadcast_arrays(x, y)
    lon, lat = lon_lat_transformer(str(grid.crs)).transform(x, y)
    t_all, r_all = [], []
    for h in heights_m:
        p = geodetic_to_ecef(np.asarray(lat), np.asarray(lon), h)
        sol = solve((p[..., 0], p[..., 1], p[..., 2]), orbit)
        t_all.append(sol.time_s)
        r_all.append(sol.slant_range_m)
    t = np.concatenate([a.ravel() for a in t_all])
    r = np.concatenate([a.ravel() for a in r_all])
    if not (np.isfinite(t).all() and np.isfinite(r).all()):
        return True
    reach_m = max(settings.halo_facets) * settings.facet_size_m + 2.0 * settings.cell_m
    t_margin = reach_m / 6000.0
    for beam in plan.beams:
        g = beam.grid
        if (t.max() + t_margin >= g.first_line_time_s and t.min() - t_margin <= g.last_line_time_s
                and r.max() + reach_m >= g.slant_range_first_m and r.min() - reach_m <= g.slant_range_last_m):
            return True
    return False


def beam_facet_geometry(radar: RadarGeometry, grid: OutputGrid, oversampling: int, height_m: float = 0.0
                        ) -> Tuple[LayoverBins, Tuple[Tuple[int, int, int], ...]]:
    """What every tile of a run must share, from each beam's geometry at its centre on the ellipsoid
    (+ ``height_m``): the layover/shadow bin raster (ground along-track speed of the middle beam,
    strips from the scene's first line time) and, per beam, the sub-points per facet along the facet
    lattice's rows and columns (:func:`.tile.subpoint_count` of a facet's extent in radar cells
    there: what a tile in the middle of the beam would choose from its own facets)."""
    from pyproj import Transformer

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


def range_direction(radar: RadarGeometry, grid: OutputGrid) -> Tuple[float, float]:
    """Unit vector (dx, dy) on the map of increasing ground range at the scene middle."""
    from pyproj import Transformer

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


def plan_settings(grid: OutputGrid, dem: DemSource, radar: RadarGeometry, oversampling: int, tile_size: int,
                  max_halo_facets: int = MAX_HALO_FACETS) -> RunSettings:
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


