"""Terrain correction of one output tile: pure functions, arrays in and arrays out.

The stages, for a tile of ny x nx output pixels with oversampling k and a halo of (hy, hx) facets:

1. :func:`tile_geometry` - from DEM vertex heights (ellipsoidal, (k*ny + 2hy + 1, k*nx + 2hx + 1)
   samples at facet corners) to per-facet geometry: zero-Doppler time, slant range, illuminated
   areas, local and ellipsoid incidence, layover and shadow. Beam independent.
2. :func:`beam_window` - the part of one beam's radar grid the tile's facets fall in.
3. :func:`flatten_beam` - accumulate A_gamma of the facets bilinearly on that beam's radar cells
   (Small 2011; each facet spread from a few sub-points, see :func:`_distribute_subsampled`), read
   the area and beta0 back at every facet and sum them per output pixel.
4. :func:`mosaic_beams` - combine the beams (looks-weighted mean in linear power) into the output
   layers and the L2.2 mask.

Flattening: with A_beta the area of a radar cell in the slant plane (range spacing x azimuth
spacing at the facet, computed from the local geometry), the normalisation factor of a cell is
ANF = A_gamma / A_beta and gamma0_T = beta0 / ANF (so on the ellipsoid ANF = 1 / tan(theta) and
gamma0_T = beta0 tan(theta), the ellipsoid gamma0). An output pixel takes
gamma0_T = sum(beta0) / sum(ANF) over its k x k facets (facets in shadow excluded). Where
sum(ANF) < 5 % of the flat-ellipsoid value (Small 2011) the pixel is not normalised: NaN, mask 5.

Other layers: local incidence from the pixel's summed facet area vector; ellipsoid incidence;
scattering area = the read-back A_gamma of the radar cells (m^2); gamma-to-sigma ratio
sigma0_T / gamma0_T = sum A_gamma / sum A_sigma of the pixel's illuminated facets; looks = the
beams' looks per radar sample, summed where beams overlap; DEM = mean ellipsoidal facet height.

Mask values (JAXA L2.2): 0 no data (no beam with beta0 there, or no DEM; all layers NaN),
1 valid, 2 layover (any facet of the pixel; gamma0 kept), 3 shadow (any facet; gamma0 from the
unshadowed facets, NaN if none), 5 invalid (area below the floor, or no valid beta0). Shadow wins
over layover (a shadowed facet sends nothing back, even where its slant range coincides with a
fore-slope's).

Geometry is zero-Doppler (the product's Doppler centroid polynomial is not applied), as JAXA's
L1.1 sample checks in ../shared/docs/ceos_format.md suggest.

Speed: when numba imports (and PALSAR2_NO_NUMBA is not set) the stages run as the fused ``nogil``
kernels of :mod:`.kernels` (one loop per facet for the geometry, direct binning for layover/shadow,
sub-point distribution into one window, read-back and pixel sums over the core facets only); the
numpy code below is the reference and the fallback, and both give the same layers
(tests/core/test_rtc_kernels.py). bench/bench_rtc.py measures both. The compiled path skips the
layover/shadow search on a tile whose steepest facet is too gentle for either
(:func:`too_gentle_for_layover_or_shadow`; most tiles of most scenes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..geometry.ellipsoid import WGS84_E2, geodetic_to_ecef
from . import kernels
from .area import distribute_bilinear, read_bilinear
from .facets import cos_angle_to, facet_area_vectors, facet_centres, illuminated_areas
from .geocode import (azimuth_spacing_factor, look_angle_rad, seed_lattice_from_vertices, seed_times, unit_to_sensor,
                      zero_doppler)
from .layover_shadow import layover_shadow as layover_shadow_numpy
from .orbit_poly import OrbitPolynomial
from .workspace import Workspace, scratch

MASK_NODATA, MASK_VALID, MASK_LAYOVER, MASK_SHADOW, MASK_OCEAN, MASK_INVALID = 0, 1, 2, 3, 4, 5

#: Small (2011): do not normalise where the illuminated area is below 5 % of the flat-land area.
AREA_FLOOR_FRACTION = 0.05


def ellipsoid_normal(points):
    """Unit outward ellipsoid normal (x, y, z) at ECEF points: the gradient of the WGS84 ellipsoid
    equation, (x, y, z / (1 - e^2)) normalised; exact on the ellipsoid, within ~1e-6 rad of the
    geodetic vertical at heights of a few km (no trigonometry)."""
    x, y, z = points
    zz = z / (1.0 - WGS84_E2)
    norm = np.sqrt(x * x + y * y + zz * zz)
    return x / norm, y / norm, zz / norm


@dataclass
class TileGeometry:
    """Per-facet geometry of a tile (arrays (ny_f, nx_f); NaN where the DEM has no value)."""

    time_s: np.ndarray            # zero-Doppler time of the facet centre (s)
    slant_range_m: np.ndarray     # slant range of the facet centre (m)
    along_track_m_per_s: np.ndarray  # ground along-track metres per second of azimuth time
    area_gamma_m2: np.ndarray     # illuminated area A_gamma (0 in shadow or facing away)
    area_sigma_m2: np.ndarray     # surface area A_sigma (0 in shadow or facing away)
    cos_local_incidence: np.ndarray
    cos_ellipsoid_incidence: np.ndarray
    area_vector: Tuple[np.ndarray, np.ndarray, np.ndarray]
    to_sensor: Tuple[np.ndarray, np.ndarray, np.ndarray]
    height_m: np.ndarray          # ellipsoidal height of the facet centre (m)
    layover: np.ndarray
    shadow: np.ndarray
    valid: np.ndarray             # DEM and geometry available


def tile_geometry(lat_deg: np.ndarray, lon_deg: np.ndarray, height_m: np.ndarray, orbit: OrbitPolynomial,
                  facet_size_m: float, layover_tolerance_m: Optional[float] = None) -> TileGeometry:
    """Per-facet geometry from vertex latitude, longitude (degrees) and ellipsoidal height (m).

    ``facet_size_m``: the fine grid spacing (sets the azimuth strip width of the layover/shadow
    search and its default tolerance, half a facet).
    """
    vx = None
    if kernels.enabled():
        try:
            vx, vy, vz = kernels.vertex_ecef(lat_deg, lon_deg, height_m)
        except Exception as exc:          # a numba failure must not stop a run: numpy from now on
            if not kernels.is_numba_error(exc):
                raise
            kernels.disable()
    if vx is None:
        vert = geodetic_to_ecef(lat_deg, lon_deg, height_m)
        vx, vy, vz = vert[..., 0], vert[..., 1], vert[..., 2]
    return tile_geometry_ecef(vx, vy, vz, height_m, orbit, facet_size_m, layover_tolerance_m)


def tile_geometry_ecef(vx: np.ndarray, vy: np.ndarray, vz: np.ndarray, height_m: np.ndarray, orbit: OrbitPolynomial,
                       facet_size_m: float, layover_tolerance_m: Optional[float] = None,
                       workspace: Optional[Workspace] = None, bins: Optional["LayoverBins"] = None) -> TileGeometry:
    """:func:`tile_geometry` from the vertices' ECEF x, y, z (m) and ellipsoidal heights (m).
    ``workspace``: the compiled path keeps its per-facet arrays there (see :mod:`.workspace`);
    ``bins``: the run's layover/shadow bin raster (default: the tile's own, see :class:`LayoverBins`)."""
    if kernels.enabled():
        try:
            return _tile_geometry_compiled(vx, vy, vz, height_m, orbit, facet_size_m, layover_tolerance_m, workspace,
                                           bins)
        except Exception as exc:          # a numba failure must not stop a run: numpy from now on
            if not kernels.is_numba_error(exc):
                raise
            kernels.disable()
    centre = (facet_centres(vx), facet_centres(vy), facet_centres(vz))
    h_c = facet_centres(height_m)
    valid = np.isfinite(centre[0])
    up = ellipsoid_normal(centre)
    area = facet_area_vectors((vx, vy, vz), up)
    del vx, vy, vz

    seeds = seed_times(centre, orbit)
    finite = np.isfinite(seeds) & valid
    if finite.any():
        local = orbit.local(float(seeds[finite].min()), float(seeds[finite].max()))
        sol = zero_doppler(centre, local, seeds)
    else:
        sol = zero_doppler(centre, orbit)
    to_sensor = unit_to_sensor(centre, sol)
    a_gamma, a_sigma, cos_lia = illuminated_areas(area, to_sensor)
    cos_ell = cos_angle_to(up, to_sensor)
    along = azimuth_spacing_factor(centre, sol)
    look = look_angle_rad(centre, sol)
    # the facet's foot on the ellipsoid: P - h * up (exact along the normal, to ~1e-6 rad of its tilt)
    sx, sy, sz = sol.sat_position
    ground = np.sqrt((centre[0] - h_c * up[0] - sx) ** 2 + (centre[1] - h_c * up[1] - sy) ** 2
                     + (centre[2] - h_c * up[2] - sz) ** 2)
    v_mean = bins.along_track_speed_m_s if bins else _typical_along_track_speed(along, valid)
    tol = 0.5 * facet_size_m if layover_tolerance_m is None else layover_tolerance_m
    layover, shadow = layover_shadow_numpy(sol.time_s, ground, sol.slant_range_m, look,
                                           azimuth_bin_s=0.5 * facet_size_m / v_mean, tolerance_m=tol,
                                           time_origin_s=bins.time_origin_s if bins else None)
    lit = valid & ~shadow
    a_gamma = np.where(lit, a_gamma, 0.0)
    a_sigma = np.where(lit & (cos_lia > 0), a_sigma, 0.0)
    return TileGeometry(sol.time_s, sol.slant_range_m, along, a_gamma, a_sigma, cos_lia, cos_ell, area,
                        to_sensor, h_c, layover, shadow, valid)


@dataclass(frozen=True)
class LayoverBins:
    """The layover/shadow bin raster of a whole run: azimuth strips half a facet wide at
    ``along_track_speed_m_s`` (ground m per s of azimuth time), starting at ``time_origin_s`` + n
    strips (zero-Doppler time, s). With one raster for every tile, a facet seen by two tiles lands
    in the same bins in both and gets the same flags, so the product does not depend on the tiling
    (each tile's own raster could shift a borderline shadow caster into a facet's own bin)."""

    along_track_speed_m_s: float
    time_origin_s: float


#: Largest number of values :func:`sample_median` looks at.
MEDIAN_SAMPLES = 40_000


def sample_median(values: np.ndarray, where: Optional[np.ndarray] = None) -> float:
    """Median of the finite ``values`` (those where ``where`` is true), from an even subsample of at
    most :data:`MEDIAN_SAMPLES` of them (a tile statistic: the typical facet size or velocity);
    NaN when there is none."""
    flat = np.ravel(values)
    mask = None if where is None else np.ravel(where)
    step = max(1, flat.size // MEDIAN_SAMPLES)
    sample = flat[::step]
    keep = np.isfinite(sample)
    if mask is not None:
        keep &= mask[::step]
    if not keep.any():                       # too sparse for the sample: look at every value
        keep_all = np.isfinite(flat) if mask is None else np.isfinite(flat) & mask
        return float(np.median(flat[keep_all])) if keep_all.any() else float("nan")
    return float(np.median(sample[keep]))


def _typical_along_track_speed(along: np.ndarray, valid: np.ndarray) -> float:
    """Median ground along-track speed (m per s of azimuth time) of the valid facets; 7000 m/s when
    there is none (sets only the azimuth strip width of the layover/shadow search)."""
    v = sample_median(along, valid) if valid.any() else float("nan")
    return v if np.isfinite(v) and v > 0 else 7000.0


def _tile_geometry_compiled(vx, vy, vz, height_m, orbit: OrbitPolynomial, facet_size_m: float,
                            layover_tolerance_m: Optional[float], workspace: Optional[Workspace] = None,
                            bins: Optional["LayoverBins"] = None) -> TileGeometry:
    """:func:`tile_geometry` from ECEF vertices with the fused kernels (one pass per facet)."""
    fin = np.isfinite(vx)
    valid = fin[:-1, :-1] & fin[:-1, 1:] & fin[1:, :-1] & fin[1:, 1:]
    del fin
    seeds = seed_lattice_from_vertices((vx, vy, vz), orbit)
    finite = np.isfinite(seeds.time_s)
    # a short polynomial over the solved lattice times (+- its margin covers the facets in between)
    local = orbit.local(float(seeds.time_s[finite].min()), float(seeds.time_s[finite].max())) if finite.any() else orbit
    extremes = np.empty(3)
    g = kernels.facet_geometry(vx, vy, vz, height_m, seeds, local, 1.0 - WGS84_E2, workspace, extremes)
    time_s, rng, along, a_gamma, a_sigma, cos_lia, cos_ell = g[:7]
    look, ground = g[14], g[15]
    tol = 0.5 * facet_size_m if layover_tolerance_m is None else layover_tolerance_m
    if too_gentle_for_layover_or_shadow(*extremes, tolerance_facets=tol / facet_size_m):
        layover, shadow = scratch(workspace, "layover shadow", (2,) + time_s.shape, np.bool_)
        layover.fill(False)
        shadow.fill(False)
    else:
        v_mean = bins.along_track_speed_m_s if bins else _typical_along_track_speed(along, valid)
        layover, shadow = kernels.layover_shadow(time_s, ground, rng, look,
                                                 azimuth_bin_s=0.5 * facet_size_m / v_mean, tolerance_m=tol,
                                                 workspace=workspace, look_is_minus_cosine=True,
                                                 time_origin_s=bins.time_origin_s if bins else None)
    lit = valid & ~shadow
    a_gamma[~lit] = 0.0
    a_sigma[~(lit & (cos_lia > 0))] = 0.0
    return TileGeometry(time_s, rng, along, a_gamma, a_sigma, cos_lia, cos_ell, (g[7], g[8], g[9]),
                        (g[10], g[11], g[12]), g[13], layover, shadow, valid)


#: Degrees kept between a tile's steepest facet and the slope at which layover or shadow could be
#: flagged (:func:`too_gentle_for_layover_or_shadow`): covers Earth curvature and second-order terms.
GENTLE_SLOPE_MARGIN_DEG = 5.0


def too_gentle_for_layover_or_shadow(min_cos_slope: float, max_cos_incidence: float, min_cos_incidence: float,
                                     tolerance_facets: float = 0.5) -> bool:
    """True when no facet of a tile can be flagged layover or shadow, so the search can be skipped.

    ``min_cos_slope``: cos of the steepest facet's slope S (normal against the ellipsoid normal);
    ``max_cos_incidence`` / ``min_cos_incidence``: cos of the smallest / largest ellipsoid incidence
    angle theta; ``tolerance_facets``: the search's tolerance t in facets f. Two facets d metres
    apart differ in height by dh <= tan(S) d. The search compares a facet with those nearer in ground
    range by g >= 0 and within one facet along azimuth: their slant ranges differ by about
    -g sin(theta) + dh cos(theta), their look angles (times the range) by -g cos(alpha) + dh sin(alpha)
    (look angle alpha < theta); a flag needs one of them above t f. For g large neither can be while
    S < theta and S < 90 deg - theta; for g -> 0 while tan(S) cos(theta) < t and tan(S) sin(theta) < t.
    The rule keeps :data:`GENTLE_SLOPE_MARGIN_DEG` below all four, at the tile's extreme incidences."""
    values = (min_cos_slope, max_cos_incidence, min_cos_incidence)
    if not (all(np.isfinite(v) for v in values) and 0.0 < min_cos_incidence <= max_cos_incidence <= 1.0):
        return False
    slope = math.degrees(math.acos(min(max(min_cos_slope, -1.0), 1.0)))
    theta_min = math.degrees(math.acos(max_cos_incidence))
    theta_max = math.degrees(math.acos(min_cos_incidence))
    sin_max = math.sin(math.radians(theta_max))
    limit = min(theta_min, 90.0 - theta_max, math.degrees(math.atan(tolerance_facets / max_cos_incidence)),
                math.degrees(math.atan(tolerance_facets / sin_max)) if sin_max > 0 else 90.0)
    return slope < limit - GENTLE_SLOPE_MARGIN_DEG


def radar_axes(grid) -> Tuple[float, float, float, float]:
    """(first line time s, line interval s, first slant range m, range spacing m) of a RadarGrid:
    line = (t - t0) / dt, pixel = (R - R0) / dR."""
    return (float(grid.first_line_time_s), float(grid.line_interval_s), float(grid.slant_range_first_m),
            float(grid.range_spacing_m))


def beam_window(geom: TileGeometry, grid, margin: int = 2, halo=None,
                out_shape: Optional[Tuple[int, int]] = None, oversampling: int = 1
                ) -> Optional[Tuple[int, int, int, int]]:
    """(line0, line1, pixel0, pixel1) (end exclusive) of ``grid`` (a geometry.RadarGrid) covering the
    tile's facets plus ``margin`` cells, clipped to the grid; None if the tile misses the beam.

    With ``halo`` and ``out_shape`` (and ``oversampling``) only the core facets count: the window
    then holds exactly the cells whose area and beta0 the core facets read back (halo facets only
    give area to them), and a tile whose core misses the beam is None."""
    if halo is not None and out_shape is not None:
        hy, hx = _halo(halo)
        core = (hy, hy + oversampling * out_shape[0], hx, hx + oversampling * out_shape[1])
    else:
        core = (0, geom.valid.shape[0], 0, geom.valid.shape[1])
    if kernels.enabled():
        try:
            found = kernels.window_extent(geom.time_s, geom.slant_range_m, geom.valid, radar_axes(grid), grid.lines,
                                          grid.pixels, core)
        except Exception as exc:
            if not kernels.is_numba_error(exc):
                raise
            kernels.disable()
            return beam_window(geom, grid, margin, halo, out_shape, oversampling)
        if found is None:
            return None
        lmin, lmax, pmin, pmax = found
    else:
        i0, i1, j0, j1 = core
        line = grid.line_of_time(geom.time_s[i0:i1, j0:j1])
        pixel = grid.pixel_of_range(geom.slant_range_m[i0:i1, j0:j1])
        ok = geom.valid[i0:i1, j0:j1] & (line > -1) & (line < grid.lines) & (pixel > -1) & (pixel < grid.pixels)
        if not ok.any():
            return None
        lmin, lmax, pmin, pmax = line[ok].min(), line[ok].max(), pixel[ok].min(), pixel[ok].max()
    l0 = max(int(np.floor(lmin)) - margin, 0)
    l1 = min(int(np.floor(lmax)) + margin + 2, grid.lines)
    p0 = max(int(np.floor(pmin)) - margin, 0)
    p1 = min(int(np.floor(pmax)) + margin + 2, grid.pixels)
    return l0, l1, p0, p1


#: Largest step (radar cells) between the sub-points a facet's area is spread from.
MAX_SUBPOINT_STEP_CELLS = 0.5


def subpoint_count(facet_cells: float, largest: int = 6) -> int:
    """Sub-points per facet side for a facet ``facet_cells`` radar cells long.

    Bilinear (tent) weights summed over points a step h apart are constant exactly when 1/h is an
    integer; otherwise they ripple by about sinc^2(1/h) (the tent's spectrum at the sampling
    frequency). Of the counts s giving h = facet_cells / s <= :data:`MAX_SUBPOINT_STEP_CELLS`, the
    smallest whose ripple is below 0.2 % (0.01 dB), else the one with the least ripple, is chosen.
    """
    if not (facet_cells > 0 and np.isfinite(facet_cells)):
        return 2
    best = None
    for s in range(2, largest + 1):   # at least 2: with the lattice skewed on the radar grid, one point aliases
        f = s / facet_cells
        if f < 1.0 / MAX_SUBPOINT_STEP_CELLS - 1e-9:
            continue
        ripple = (np.sin(np.pi * f) / (np.pi * f)) ** 2
        if ripple < 2e-3:
            return s
        if best is None or ripple < best[0]:
            best = (ripple, s)
    return best[1] if best else largest


def _sampled_gradient_medians(coordinate, ny: int, nx: int, max_samples: int = 40_000) -> Tuple[float, float]:
    """Medians of |d/di| and |d/dj| (np.gradient rules, non-finite -> 0) of a facet-lattice field
    over an even sample of its rows (and columns); ``coordinate(rows)`` returns those rows (NaN
    where a facet has no value)."""
    if ny < 2 or nx < 2:
        return 0.0, 0.0
    rows = np.arange(0, ny, max(1, ny // max(1, max_samples // nx)))
    above = np.minimum(rows + 1, ny - 1)
    below = np.maximum(rows - 1, 0)
    with np.errstate(invalid="ignore"):
        at = coordinate(rows)
        d_i = (coordinate(above) - coordinate(below)) / (above - below)[:, None]
        d_j = np.gradient(at, axis=1)
    medians = []
    for d in (d_i, d_j):
        d = d[:, ::max(1, d.size // max_samples)] if d.size > max_samples else d
        d = np.where(np.isfinite(d), np.abs(d), 0.0)
        medians.append(float(np.median(d)))
    return medians[0], medians[1]


def subpoint_counts(line_rows, pixel_rows, shape: Tuple[int, int], subsamples=None
                    ) -> Tuple[int, int]:
    """(s_i, s_j) sub-points per facet along the lattice rows/columns (see :func:`subpoint_count`),
    from the typical facet size in radar cells; ``line_rows(rows)`` / ``pixel_rows(rows)`` give the
    facets' radar line / pixel on those lattice rows; ``subsamples`` forces s x s (an int) or
    (s_i, s_j) (a pair), e.g. a run's own counts so that every tile spreads its facets alike."""
    if isinstance(subsamples, (tuple, list)):
        return max(1, int(subsamples[0])), max(1, int(subsamples[1]))
    if subsamples is not None:
        s = max(1, int(subsamples))
        return s, s
    dl_i, dl_j = _sampled_gradient_medians(line_rows, *shape)
    dp_i, dp_j = _sampled_gradient_medians(pixel_rows, *shape)
    return subpoint_count(max(dl_i, dp_i)), subpoint_count(max(dl_j, dp_j))


def _distribute_subsampled(line, pixel, weights, line0, pixel0, shape, subsamples=None):
    """Bilinear distribution of several weight arrays from s_i x s_j sub-points of every facet.

    The sub-points split the facet evenly along its two lattice axes, at positions from the local
    gradient of its radar coordinates. ``subsamples`` None chooses s per axis with
    :func:`subpoint_counts` (sub-points at most half a cell apart, spaced so that the beat between
    the facet lattice and the radar grid nearly cancels); an int forces s x s.
    """
    with np.errstate(invalid="ignore"):
        dl_i, dl_j = np.gradient(line) if min(line.shape) > 1 else (np.zeros_like(line),) * 2
        dp_i, dp_j = np.gradient(pixel) if min(pixel.shape) > 1 else (np.zeros_like(pixel),) * 2
    # NaN gradients next to DEM gaps: fall back to the facet centre
    for g in (dl_i, dl_j, dp_i, dp_j):
        g[~np.isfinite(g)] = 0.0
    s_i, s_j = subpoint_counts(lambda r: line[r], lambda r: pixel[r], line.shape, subsamples)
    if s_i == 1 and s_j == 1:
        return distribute_bilinear(line, pixel, tuple(weights), line0, pixel0, shape)
    parts = [w / (s_i * s_j) for w in weights]
    outs = [np.zeros(shape) for _ in weights]
    for a in (np.arange(s_i) + 0.5) / s_i - 0.5:
        for b in (np.arange(s_j) + 0.5) / s_j - 0.5:
            sums = distribute_bilinear(line + a * dl_i + b * dl_j, pixel + a * dp_i + b * dp_j, tuple(parts),
                                       line0, pixel0, shape)
            for out, add in zip(outs, sums):
                out += add
    return tuple(outs)


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


def _halo(halo) -> Tuple[int, int]:
    """(rows, cols) from an int or a pair."""
    if isinstance(halo, (tuple, list)):
        return int(halo[0]), int(halo[1])
    return int(halo), int(halo)


def pixel_sums(facet_values: np.ndarray, oversampling: int, halo, shape: Tuple[int, int]) -> np.ndarray:
    """Sum the k x k core facets of each output pixel: (ny_f, nx_f) -> shape (ny, nx).

    ``halo``: facets around the core, an int or (rows, cols)."""
    ny, nx = shape
    k = oversampling
    hy, hx = _halo(halo)
    core = facet_values[hy:hy + k * ny, hx:hx + k * nx]
    return core.reshape(ny, k, nx, k).sum(axis=(1, 3))


def flatten_beam(geom: TileGeometry, grid, window: Tuple[int, int, int, int], beta0_windows: Sequence[np.ndarray],
                 oversampling: int, halo, out_shape: Tuple[int, int], looks: float = 1.0,
                 subsamples=None) -> BeamTileSums:
    """Flatten one beam over a tile.

    ``grid``: the beam's radar grid (geometry.RadarGrid: line_of_time, pixel_of_range, lines, pixels,
    line_interval_s, range_spacing_m) of the beta0 images; ``beta0_windows``: one array per
    polarisation, the beam's beta0 (linear power) over ``window``; NaN or 0 is no data.
    ``subsamples``: each facet's area is spread from s x s points inside it (positions from the local
    gradient of its radar coordinates), which removes most of the beat between the facet lattice and
    the radar grid at the cost of s^2 cheap scatter-adds (no extra geocoding); an int s, a pair
    (s_i, s_j), or None (default): s per axis from the tile's typical facet size in radar cells (see
    :func:`_distribute_subsampled`; a tiled run passes its own, :func:`.driver.plan_settings`).
    """
    l0, l1, p0, p1 = window
    shape = (l1 - l0, p1 - p0)
    if kernels.enabled():
        try:
            return _flatten_beam_compiled(geom, grid, window, beta0_windows, oversampling, halo, out_shape, looks,
                                          subsamples)
        except Exception as exc:
            if not kernels.is_numba_error(exc):
                raise
            kernels.disable()
    line = grid.line_of_time(geom.time_s)
    pixel = grid.pixel_of_range(geom.slant_range_m)
    inside = geom.valid & (line >= 0) & (line <= grid.lines - 1) & (pixel >= 0) & (pixel <= grid.pixels - 1)
    # radar-cell area in the slant plane at each facet (m^2)
    a_beta = grid.range_spacing_m * grid.line_interval_s * geom.along_track_m_per_s
    lv = np.where(geom.valid, line, np.nan)
    pv = np.where(geom.valid, pixel, np.nan)
    (acc_gamma,) = _distribute_subsampled(lv, pv, (geom.area_gamma_m2,), l0, p0, shape, subsamples)
    read_gamma = read_bilinear(acc_gamma, lv, pv, l0, p0)
    anf = read_gamma / a_beta
    betas = [read_bilinear(b, lv, pv, l0, p0, nodata_zero=True) for b in beta0_windows]
    good = inside & ~geom.shadow & np.isfinite(anf)
    for b in betas:
        good &= np.isfinite(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        cot_ell = geom.cos_ellipsoid_incidence / np.sqrt(np.maximum(1.0 - geom.cos_ellipsoid_incidence ** 2, 1e-12))
    g = good.astype(np.float64)
    has_data = inside & np.isfinite(geom.time_s)
    for b in betas:
        has_data &= np.isfinite(b)

    def psum(values):
        return pixel_sums(np.where(good, values, 0.0), oversampling, halo, out_shape)

    return BeamTileSums(
        count=pixel_sums(g, oversampling, halo, out_shape),
        covered=pixel_sums(has_data.astype(np.float64), oversampling, halo, out_shape),
        beta0=[psum(b) for b in betas],
        anf=psum(anf),
        anf_flat=psum(cot_ell),
        area_gamma=psum(read_gamma),
        looks=float(looks),
    )


def _flatten_beam_compiled(geom: TileGeometry, grid, window, beta0_windows, oversampling, halo, out_shape, looks,
                           subsamples) -> BeamTileSums:
    """:func:`flatten_beam` with the compiled kernels: the sub-point distribution straight into one
    window (radar coordinates and their gradients computed in the kernel), then read-back and
    per-pixel sums over the core facets only."""
    l0, l1, p0, p1 = window
    shape = (l1 - l0, p1 - p0)
    axes = radar_axes(grid)
    valid = geom.valid

    def line_rows(rows):
        return np.where(valid[rows], grid.line_of_time(geom.time_s[rows]), np.nan)

    def pixel_rows(rows):
        return np.where(valid[rows], grid.pixel_of_range(geom.slant_range_m[rows]), np.nan)

    s_i, s_j = subpoint_counts(line_rows, pixel_rows, valid.shape, subsamples)
    acc = kernels.distribute_subsampled(geom.time_s, geom.slant_range_m, valid, geom.area_gamma_m2, axes, l0, p0,
                                        shape, s_i, s_j)
    count, covered, betas, anf, anf_flat, area = kernels.beam_sums(
        geom.time_s, geom.slant_range_m, valid, geom.shadow, geom.along_track_m_per_s, geom.cos_ellipsoid_incidence,
        acc, beta0_windows, axes, grid.range_spacing_m * grid.line_interval_s, l0, p0, grid.lines, grid.pixels,
        oversampling, _halo(halo), out_shape)
    return BeamTileSums(count=count, covered=covered, beta0=betas, anf=anf, anf_flat=anf_flat, area_gamma=area,
                        looks=float(looks))


def _geometry_sums(geom: TileGeometry, gaps: Optional[np.ndarray], k: int, halo, out_shape) -> Dict[str, object]:
    """Per-pixel sums of the facet geometry that :func:`mosaic_beams` needs (one fused pass when the
    compiled kernels are enabled): A_gamma, A_sigma (all facets), counts of valid, layover, shadow
    and gap facets, and over valid facets the area vector, look vector, cos(ellipsoid incidence), height."""
    if kernels.enabled():
        try:
            o = np.moveaxis(kernels.geometry_sums(geom, gaps, k, _halo(halo), out_shape), -1, 0)
            return dict(lit_gamma=o[0], lit_sigma=o[1], n_valid=o[2], n_layover=o[3], n_shadow=o[4], n_gap=o[5],
                        area_vector=[o[6], o[7], o[8]], to_sensor=[o[9], o[10], o[11]],
                        cos_ellipsoid_incidence=o[12], height=o[13])
        except Exception as exc:
            if not kernels.is_numba_error(exc):
                raise
            kernels.disable()

    def ps(values):
        return pixel_sums(values, k, halo, out_shape)

    def ps_valid(values):
        return ps(np.where(geom.valid, values, 0.0))

    return dict(lit_gamma=ps(geom.area_gamma_m2), lit_sigma=ps(geom.area_sigma_m2),
                n_valid=ps(geom.valid.astype(np.float64)), n_layover=ps(geom.layover.astype(np.float64)),
                n_shadow=ps(geom.shadow.astype(np.float64)),
                n_gap=ps(gaps.astype(np.float64)) if gaps is not None else None,
                area_vector=[ps_valid(c) for c in geom.area_vector], to_sensor=[ps_valid(c) for c in geom.to_sensor],
                cos_ellipsoid_incidence=ps_valid(geom.cos_ellipsoid_incidence), height=ps_valid(geom.height_m))


@dataclass
class TileLayers:
    """The output layers of a tile (arrays (ny, nx)); see the module docstring for conventions."""

    gamma0: List[np.ndarray]                  # float32 linear power, NaN = no value
    mask: np.ndarray                          # uint8, L2.2 values
    local_incidence_deg: np.ndarray           # float32
    ellipsoid_incidence_deg: np.ndarray       # float32
    scattering_area_m2: np.ndarray            # float32, A_gamma of the radar cells
    gamma_to_sigma: np.ndarray                # float32, sigma0_T / gamma0_T
    number_of_looks: np.ndarray               # float32
    dem_m: np.ndarray                         # float32, ellipsoidal height
    extras: Dict[str, np.ndarray] = field(default_factory=dict)


def mosaic_beams(geom: TileGeometry, sums: Sequence[BeamTileSums], n_pols: int, oversampling: int, halo,
                 out_shape: Tuple[int, int], dem_gap_facets: Optional[np.ndarray] = None) -> TileLayers:
    """Combine the beams of a tile into the output layers.

    Overlap rule: where several beams cover a pixel, gamma0 (and the area layers) are the mean of
    the beams' values in linear power weighted by looks x valid facets, so a beam seam has no
    step when the beams agree and the weight fades where a beam's coverage ends inside a pixel.
    ``dem_gap_facets``: facets to treat as no data (e.g. near DEM gaps), default none.
    """
    if kernels.enabled():
        try:
            return _mosaic_beams_compiled(geom, sums, n_pols, oversampling, halo, out_shape, dem_gap_facets)
        except Exception as exc:
            if not kernels.is_numba_error(exc):
                raise
            kernels.disable()
    k = oversampling
    ny, nx = out_shape
    n_f = float(k * k)
    w_total = np.zeros(out_shape)
    g_sum = [np.zeros(out_shape) for _ in range(n_pols)]
    area_sum = np.zeros(out_shape)
    looks = np.zeros(out_shape)
    covered = np.zeros(out_shape)
    for s in sums:
        covered += s.covered
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = (s.count > 0) & (s.anf >= AREA_FLOOR_FRACTION * s.anf_flat) & (s.anf > 0)
            w = np.where(ok, s.looks * s.count, 0.0)
            for i in range(n_pols):
                g_sum[i] += np.where(ok, w * s.beta0[i] / np.where(ok, s.anf, 1.0), 0.0)
            area_sum += np.where(ok, w * s.area_gamma / np.maximum(s.count, 1), 0.0)
        looks += np.where(ok, s.looks * s.count / n_f, 0.0)
        w_total += w
    has = w_total > 0
    sums_g = _geometry_sums(geom, dem_gap_facets, k, halo, out_shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        gamma0 = [np.where(has, g / w_total, np.nan).astype(np.float32) for g in g_sum]
        area = np.where(has, area_sum / w_total, np.nan).astype(np.float32)
        # sigma0_T / gamma0_T = A_gamma / A_sigma of the pixel's own illuminated facets
        lit_gamma = sums_g["lit_gamma"]
        lit_sigma = sums_g["lit_sigma"]
        ratio = np.where(has & (lit_sigma > 0), lit_gamma / lit_sigma, np.nan).astype(np.float32)

    n_valid = sums_g["n_valid"]
    lay = sums_g["n_layover"] > 0
    sha = sums_g["n_shadow"] > 0
    mask = np.full(out_shape, MASK_VALID, dtype=np.uint8)
    mask[~has] = MASK_INVALID
    mask[lay & ~sha] = MASK_LAYOVER
    mask[sha] = MASK_SHADOW
    nodata = (covered == 0) | (n_valid < n_f)
    if dem_gap_facets is not None:
        nodata |= sums_g["n_gap"] > 0
    mask[nodata] = MASK_NODATA
    for g in gamma0:
        g[nodata] = np.nan

    # angles from the pixel's summed area vector and mean look vector
    sums3 = sums_g["area_vector"]
    look3 = sums_g["to_sensor"]
    with np.errstate(invalid="ignore", divide="ignore"):
        norm_a = np.sqrt(sum(c * c for c in sums3))
        norm_l = np.sqrt(sum(c * c for c in look3))
        cos_lia = (sums3[0] * look3[0] + sums3[1] * look3[1] + sums3[2] * look3[2]) / (norm_a * norm_l)
        lia = np.degrees(np.arccos(np.clip(cos_lia, -1.0, 1.0)))
        cos_ell = sums_g["cos_ellipsoid_incidence"] / n_valid
        eia = np.degrees(np.arccos(np.clip(cos_ell, -1.0, 1.0)))
        dem = sums_g["height"] / n_valid
    no_geom = (n_valid < n_f) | nodata
    for arr in (lia, eia, dem):
        arr[no_geom] = np.nan
    for arr in (area, ratio):
        arr[nodata] = np.nan
    looks = looks.astype(np.float32)
    looks[nodata] = 0
    return TileLayers(gamma0, mask, lia.astype(np.float32), eia.astype(np.float32), area, ratio, looks,
                      dem.astype(np.float32))


def _mosaic_beams_compiled(geom: TileGeometry, sums: Sequence[BeamTileSums], n_pols: int, oversampling: int, halo,
                           out_shape: Tuple[int, int], dem_gap_facets: Optional[np.ndarray]) -> TileLayers:
    """:func:`mosaic_beams` with the compiled kernels: the geometry sums and the per-pixel rules in
    two passes, no full-tile temporaries."""
    k = oversampling
    geometry = kernels.geometry_sums(geom, dem_gap_facets, k, _halo(halo), out_shape)
    beam_sums = np.empty((len(sums), 5 + n_pols) + tuple(out_shape))       # one copy of each beam's sums
    for b, s in enumerate(sums):
        for q, plane in enumerate((s.count, s.covered, *s.beta0, s.anf, s.anf_flat, s.area_gamma)):
            beam_sums[b, q] = plane
    gamma0, mask, lia, eia, area, ratio, looks, dem = kernels.mosaic(
        beam_sums, [s.looks for s in sums], n_pols, geometry, dem_gap_facets is not None, k * k, AREA_FLOOR_FRACTION,
        out_shape)
    return TileLayers(list(gamma0), mask, lia, eia, area, ratio, looks, dem)
