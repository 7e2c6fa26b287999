"""Terrain correction of one output tile: the pipeline of the stages, arrays in and arrays out.

For a tile of ny x nx output pixels with oversampling k and a halo of (hy, hx) facets, each stage
one module (its numpy reference and its compiled kernel side by side, see :mod:`..compiled`):

1. :mod:`.vertices` - DEM heights (ellipsoidal) at the facet corners, (k*ny + 2hy + 1, k*nx + 2hx + 1)
   vertices, and their ECEF positions (:meth:`.dem.DemSource.vertex_ecef`).
2. :mod:`.facet_geometry` - per facet: zero-Doppler time, slant range, illuminated areas, local and
   ellipsoid incidence, along-track speed; beam independent.
3. :mod:`.layover_shadow` - layover and shadow along each range line (skipped on gentle tiles);
   shadowed facets illuminate nothing.
4. :mod:`.area_distribution` - per beam: the radar window the tile's core facets read, and A_gamma
   of every facet spread bilinearly onto it from a few sub-points per facet (Small 2011).
5. :mod:`.beam_sums` - per beam: the area and beta0 read back at every core facet and summed per
   output pixel.
6. :mod:`.mosaic` - the beams combined (looks-weighted mean in linear power) into the output
   layers and the L2.2 mask.

Flattening: with A_beta the area of a radar cell in the slant plane (range spacing x azimuth
spacing at the facet, computed from the local geometry), the normalisation factor of a cell is
ANF = A_gamma / A_beta and gamma0_T = beta0 / ANF (so on the ellipsoid ANF = 1 / tan(theta) and
gamma0_T = beta0 tan(theta), the ellipsoid gamma0). An output pixel takes
gamma0_T = sum(beta0) / sum(ANF) over its k x k facets (facets in shadow excluded). Where
sum(ANF) < 5 % of the flat-ellipsoid value (Small 2011) the pixel is not normalised: NaN, mask 5.
The other layers and the mask: see :mod:`.mosaic`.

Geometry is zero-Doppler (the product's Doppler centroid polynomial is not applied), as JAXA's
L1.1 sample checks in ../shared/docs/ceos_format.md suggest.

A :class:`.workspace.Workspace` passed to the stages lends reusable scratch arrays (results then
live until the next tile of that workspace); ``times`` (:mod:`.stage_times`) sums CPU seconds per stage.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np

from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.orbit_polynomial import OrbitPolynomial
from ..progress import CancelCheck, check_cancelled
from .area_distribution import beam_window, distribute_area, facet_subpoints, radar_axes
from .beam_sums import BeamTileSums, beam_sums
from .facet_geometry import FacetGeometry, PixelCore, facet_geometry
from .layover_shadow import LayoverBins, flag_facets
from .mosaic import TileLayers, empty_layers, mosaic_beams
from .stage_times import StageTimes, stage
from .workspace import Workspace


def tile_geometry_ecef(vx: np.ndarray, vy: np.ndarray, vz: np.ndarray, height_m: np.ndarray, orbit: OrbitPolynomial,
                       facet_size_m: float, layover_tolerance_m: Optional[float] = None,
                       workspace: Optional[Workspace] = None, bins: Optional[LayoverBins] = None,
                       core: Optional[PixelCore] = None) -> FacetGeometry:
    """Stages 2 and 3: the facet geometry of vertices (ECEF x, y, z and ellipsoidal heights, m) with
    its layover and shadow flags, shadowed facets' areas zeroed. ``facet_size_m``: the fine grid
    spacing (the layover/shadow strip width and default tolerance, half a facet); ``bins``: the
    run's layover/shadow bin raster (default: the tile's own); ``core``: the output pixels (their
    geometry sums are made, see :class:`.facet_geometry.FacetGeometry`)."""
    geom = facet_geometry(vx, vy, vz, height_m, orbit, workspace, core)
    geom.layover, geom.shadow = flag_facets(geom, facet_size_m, bins, layover_tolerance_m, workspace)
    lit = geom.valid & ~geom.shadow
    geom.area_gamma_m2[~lit] = 0.0
    geom.area_sigma_m2[~(lit & (geom.cos_local_incidence > 0))] = 0.0
    return geom


def tile_geometry(lat_deg: np.ndarray, lon_deg: np.ndarray, height_m: np.ndarray, orbit: OrbitPolynomial,
                  facet_size_m: float, layover_tolerance_m: Optional[float] = None) -> FacetGeometry:
    """:func:`tile_geometry_ecef` from vertex latitude, longitude (degrees) and ellipsoidal height (m)."""
    v = geodetic_to_ecef(lat_deg, lon_deg, height_m)
    return tile_geometry_ecef(v[..., 0], v[..., 1], v[..., 2], np.asarray(height_m, dtype=np.float64), orbit,
                              facet_size_m, layover_tolerance_m)


def flatten_beam(geom: FacetGeometry, grid, window: Tuple[int, int, int, int], beta0_windows: Sequence[np.ndarray],
                 oversampling: int, halo, out_shape: Tuple[int, int], looks: float = 1.0,
                 subsamples=None) -> BeamTileSums:
    """Stages 4 and 5 for one beam: A_gamma spread onto the beam's radar ``window`` (line0, line1,
    pixel0, pixel1 of ``grid``, a geometry.RadarGrid) and read back with beta0 (``beta0_windows``,
    one per polarisation, linear power over the window; NaN or 0 is no data) at the core facets.
    ``subsamples``: sub-points per facet, an int s, a pair (s_i, s_j), or None (chosen from the
    tile's typical facet size in radar cells; a tiled run passes its own, see :mod:`.plan`)."""
    l0, l1, p0, p1 = window
    s_i, s_j = facet_subpoints(geom, grid, subsamples)
    acc = distribute_area(geom.time_s, geom.slant_range_m, geom.valid, geom.area_gamma_m2, radar_axes(grid), l0, p0,
                          (l1 - l0, p1 - p0), s_i, s_j)
    return beam_sums(geom, grid, window, acc, beta0_windows, oversampling, halo, out_shape, looks)


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
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


def correct_tile(plan, tile, dem, radar, is_cancelled: Optional[CancelCheck] = None,
                 times: Optional[StageTimes] = None, workspace: Optional[Workspace] = None) -> TileLayers:
    """All layers of one tile of a :class:`.plan.RunPlan`: reads its DEM window (``dem``, a
    :class:`.dem.DemSource`) and the beams' beta0 windows (``radar``, a RadarInput), then the stages.
    ``times``: CPU seconds per stage are added to it; ``workspace``: the calling thread's scratch
    buffers, reused from tile to tile."""
    from .dem import vertex_grid
    from .plan import tile_may_see_beams

    settings, pols = plan.settings, plan.polarisations
    with stage(times, "tile check"):
        if not tile_may_see_beams(plan, tile):
            return empty_layers(tile.shape, len(pols))
    k, halo = settings.oversampling, settings.halo_for(tile)
    with stage(times, "DEM to ECEF vertices"):
        vx, vy, vz, h = dem.vertex_ecef(vertex_grid(plan.grid, tile, k, halo), workspace)
    if not np.isfinite(h).any():
        return empty_layers(tile.shape, len(pols))
    check_cancelled(is_cancelled)
    with stage(times, "facet geometry, layover/shadow"):
        geom = tile_geometry_ecef(vx, vy, vz, h, plan.orbit, settings.facet_size_m, workspace=workspace,
                                  bins=settings.layover_bins, core=PixelCore(k, halo[0], halo[1], *tile.shape))
    del vx, vy, vz, h
    check_cancelled(is_cancelled)
    sums = []
    for beam in radar.beams:
        with stage(times, "beta0 windows"):
            window = beam_window(geom, beam.grid, halo=halo, out_shape=tile.shape, oversampling=k)
            if window is None:
                continue
            betas = [radar.read_beta0(beam.number, pol, *window) for pol in pols]
        with stage(times, "area distribution, read-back"):
            sums.append(flatten_beam(geom, beam.grid, window, betas, k, halo, tile.shape, beam.looks,
                                     subsamples=settings.subpoints_for(beam.number)))
        check_cancelled(is_cancelled)
    with stage(times, "mosaic, layers"):
        gaps = dilate(~geom.valid, settings.gap_dilation_facets) if not geom.valid.all() else None
        return mosaic_beams(geom, sums, len(pols), k, halo, tile.shape, gaps)


def warm_up() -> bool:
    """Compile (or load from numba's cache) every terrain-correction kernel on a tiny tile; True
    when the compiled kernels are enabled. Benchmarks call it so that compiling is not timed."""
    from .. import compiled
    from ..geometry.radar_grid import RadarGrid

    if not compiled.enabled():
        return False
    orbit = OrbitPolynomial(0.0, 10.0, np.array([[7e6, 0.0, 0.0], [0.0, 7e4, 0.0]]))
    n = 6
    v = np.full((n, n), 6.4e6)
    vertices = (v, np.add.outer(np.arange(n) * 10.0, np.zeros(n)), np.add.outer(np.zeros(n), np.arange(n) * 10.0))
    grid = RadarGrid(-1.0, 0.01, 6.0e5, 5.0, 400, 400, "right", 0.23)
    for gentle in (True, False):
        h = np.zeros((n, n)) if gentle else np.add.outer(np.zeros(n), [0.0, 900.0, 0.0, 900.0, 0.0, 900.0])
        geom = tile_geometry_ecef(*vertices, h, orbit, 10.0, core=PixelCore(2, 1, 1, 2, 2))
    window = beam_window(geom, grid, halo=1, out_shape=(2, 2), oversampling=2)
    if window is not None:
        shape = (window[1] - window[0], window[3] - window[2])
        for dtype in (np.float32, np.float64):
            sums = flatten_beam(geom, grid, window, [np.ones(shape, dtype)], 2, 1, (2, 2), 1.0, (2, 3))
        flatten_beam(geom, grid, window, [np.ones(shape, np.float32)], 2, 1, (2, 2), 1.0, 1)
        for gaps in (None, np.zeros(geom.valid.shape, bool)):
            mosaic_beams(geom, [sums], 1, 2, 1, (2, 2), gaps)
    mosaic_beams(geom, [], 1, 2, 1, (2, 2), None)
    return True
