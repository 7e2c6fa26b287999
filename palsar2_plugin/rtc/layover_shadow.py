"""Stage 3, layover and shadow from the acquisition geometry, along each range line.

Facets are binned on a (range line, ground range) raster: range lines are azimuth strips
``azimuth_bin_s`` seconds of zero-Doppler time wide, ground-range bins ``ground_bin_m`` wide (g is
the distance from the sensor to the facet's foot on the ellipsoid). Per bin we keep the largest
look angle and the largest and smallest slant range. Along a range line, for gentle terrain:

- the slant range R grows with g; a facet whose R is below the largest R of the bins nearer the
  sensor, or above the smallest R of the bins farther away, shares its slant range with another
  part of the line: **layover** (active layover on the fore-slope and the passive layover it
  folds onto);
- the off-nadir look angle grows with g; a facet whose look angle is below the largest look angle
  of the bins nearer the sensor is hidden: **shadow** (active and passive).

The running extremes are taken over the facet's strip and its two neighbours, so that a crest
falling between facet centres of one strip is still seen (strips are narrower than a facet).
``tolerance_m`` (for R, and divided by R for the look angle) absorbs the differences between
facets of neighbouring strips; layover or shadow shorter than it is not flagged.

A whole run shares one bin raster (:class:`LayoverBins`), so a facet seen by two tiles gets the
same flags in both; a tile whose steepest facet is too gentle for either flag skips the search
(:func:`too_gentle_for_layover_or_shadow`, most tiles of most scenes). :func:`flag_facets` is the
stage; :func:`layover_shadow` runs the numpy reference or the compiled kernels (same flags).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from .workspace import scratch


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


def typical_along_track_speed(along: np.ndarray, valid: np.ndarray) -> float:
    """Median ground along-track speed (m per s of azimuth time) of the valid facets; 7000 m/s when
    there is none (sets only the azimuth strip width of the layover/shadow search)."""
    v = sample_median(along, valid) if valid.any() else float("nan")
    return v if np.isfinite(v) and v > 0 else 7000.0


def bin_origins(t_min: float, g_min: float, azimuth_bin_s: float, ground_bin_m: float,
                time_origin_s: Optional[float] = None) -> Tuple[float, float]:
    """The first strip's start time (s) and first ground bin's start (m) for facets whose smallest
    time and ground range are ``t_min``, ``g_min``: the bins lie on a fixed raster, strips at
    ``time_origin_s`` + n x ``azimuth_bin_s`` and ground bins at n x ``ground_bin_m``, so that two
    tiles sharing facets bin them alike and flag them alike (with the same bin sizes). Without
    ``time_origin_s`` the strips start at ``t_min`` (a single tile's own raster)."""
    g0 = math.floor(g_min / ground_bin_m) * ground_bin_m
    if time_origin_s is None:
        return t_min, g0
    return time_origin_s + math.floor((t_min - time_origin_s) / azimuth_bin_s) * azimuth_bin_s, g0


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


def _bin_tables(key: np.ndarray, look: np.ndarray, rng: np.ndarray, n_s: int, n_g: int, tables: np.ndarray):
    """Per bin (``key`` = strip x (n_g + 2) + ground bin + 1): the largest ``look`` and the largest and
    smallest ``rng``, into ``tables`` (3, n_s x (n_g + 2)), returned as three (n_s, n_g + 2) tables
    (-inf, -inf, inf where no facet falls, and in the first and last column). A tile's facets come
    nearly in key order (row after row, each a run of increasing keys, neighbours often sharing a
    bin): neighbours in one bin are folded together (one reduceat), then each increasing run is
    written into the tables at once (its keys are distinct), a few hundred numpy calls per tile
    instead of a sort; shuffled keys are sorted once."""
    a_max, r_max, r_min = tables
    a_max.fill(-np.inf)
    r_max.fill(-np.inf)
    r_min.fill(np.inf)
    hi, lo = rng, rng
    changes = np.flatnonzero(key[1:] != key[:-1])
    if changes.size + 1 < key.size:              # neighbours in one bin: fold each group together
        starts = np.empty(changes.size + 1, dtype=np.int64)
        starts[0] = 0
        np.add(changes, 1, out=starts[1:])
        look, hi, lo = (np.maximum.reduceat(look, starts), np.maximum.reduceat(rng, starts),
                        np.minimum.reduceat(rng, starts))
        key = key.take(starts)
    ends = np.flatnonzero(key[1:] < key[:-1]) + 1          # a run ends where the key decreases
    if ends.size <= max(16, key.size // 512):
        bounds = np.concatenate(([0], ends, [key.size]))
        for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            k = key[s:e]
            a_max[k] = np.maximum(a_max[k], look[s:e])
            r_max[k] = np.maximum(r_max[k], hi[s:e])
            r_min[k] = np.minimum(r_min[k], lo[s:e])
    else:
        order = np.argsort(key, kind="stable")
        k = key[order]
        starts = np.concatenate(([0], np.flatnonzero(k[1:] != k[:-1]) + 1))
        bins = k[starts]
        a_max[bins] = np.maximum.reduceat(look[order], starts)
        r_max[bins] = np.maximum.reduceat(hi[order], starts)
        r_min[bins] = np.minimum.reduceat(lo[order], starts)
    shape = (n_s, n_g + 2)
    return a_max.reshape(shape), r_max.reshape(shape), r_min.reshape(shape)


def _neighbour_strips(a: np.ndarray, reduce, out: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Element-wise ``reduce`` of rows s-1, s, s+1 of ``a`` (strips x bins) into ``out`` (like ``a``;
    ``pairs``: scratch of one row fewer)."""
    if a.shape[0] < 2:
        return a
    reduce(a[:-1], a[1:], out=pairs)              # rows (s, s+1)
    out[0] = pairs[0]
    out[-1] = pairs[-1]
    reduce(pairs[:-1], pairs[1:], out=out[1:-1])
    return out


def _layover_shadow_numpy(azimuth_time_s: np.ndarray, ground_range_m: np.ndarray, slant_range_m: np.ndarray,
                         look_angle_rad: np.ndarray, azimuth_bin_s: float, tolerance_m: float,
                         ground_bin_m: float = None, time_origin_s: Optional[float] = None, workspace=None,
                         look_is_minus_cosine: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    shape = slant_range_m.shape
    t = np.ravel(azimuth_time_s)
    g = np.ravel(ground_range_m)
    r = np.ravel(slant_range_m)
    a = np.ravel(look_angle_rad)
    ok = np.isfinite(t)
    for x in (g, r, a):
        ok &= np.isfinite(x)
    layover = np.zeros(t.size, dtype=bool)
    shadow = np.zeros(t.size, dtype=bool)
    n_ok = int(np.count_nonzero(ok))
    if n_ok < 2:
        return layover.reshape(shape), shadow.reshape(shape)
    gb_m = ground_bin_m if ground_bin_m else max(2.0 * tolerance_m, 1e-3)
    some = n_ok < t.size
    tt, gg, rr, aa = (x[ok] if some else x for x in (t, g, r, a))
    t0, g0 = bin_origins(float(tt.min()), float(gg.min()), azimuth_bin_s, gb_m, time_origin_s)
    strip, gbin = scratch(workspace, "layover numpy bins", (2, tt.size), np.int64)
    where = scratch(workspace, "layover numpy where", (tt.size,))
    for values, origin, width, index in ((tt, t0, azimuth_bin_s, strip), (gg, g0, gb_m, gbin)):
        np.subtract(values, origin, out=where)
        where /= width
        np.copyto(index, np.floor(where, out=where), casting="unsafe")
    n_s, n_g = int(strip.max()) + 1, int(gbin.max()) + 1
    # tables (n_s, n_g + 2): bin b in column b + 1, a fill column on either side
    key = strip
    key *= n_g + 2
    key += gbin
    key += 1
    size = n_s * (n_g + 2)
    tables = scratch(workspace, "layover numpy tables", (3, size))       # (the workspace's memory: no page faults)
    a_max, r_max, r_min = _bin_tables(key, aa, rr, n_s, n_g, tables)

    # running extremes along each strip, in place: column b + 1 then holds those of the bins up to b,
    # so column b those strictly nearer than bin b and (for r_min, from the far end) column b + 2
    # those strictly farther
    np.maximum.accumulate(a_max, axis=1, out=a_max)
    np.maximum.accumulate(r_max, axis=1, out=r_max)
    backwards = r_min[:, ::-1]
    np.minimum.accumulate(backwards, axis=1, out=backwards)
    nearby = scratch(workspace, "layover numpy neighbours", (4, size))
    pairs = nearby[3, :max(n_s - 1, 0) * (n_g + 2)].reshape(-1, n_g + 2)
    a_before, r_before, r_after = (
        _neighbour_strips(table, reduce, nearby[q].reshape(table.shape), pairs).ravel()
        for q, (table, reduce) in enumerate(((a_max, np.maximum), (r_max, np.maximum), (r_min, np.minimum))))

    key -= 1                                            # column b: the bins nearer than b
    a_ref = a_before.take(key)
    tol_rad = np.divide(tolerance_m, rr)
    if look_is_minus_cosine:          # a = -cos(angle): the angle tolerance times d(-cos)/d(angle) = sin
        with np.errstate(invalid="ignore"):
            sin_a = np.multiply(a_ref, a_ref)
            np.subtract(1.0, sin_a, out=sin_a)
            np.maximum(sin_a, 0.0, out=sin_a)
            np.sqrt(sin_a, out=sin_a)
        tol_rad *= sin_a
    np.subtract(a_ref, tol_rad, out=a_ref)
    sha = np.less(aa, a_ref)
    nearer = r_before.take(key, out=where)
    nearer -= tolerance_m
    lay = np.less(rr, nearer)
    key += 2                                            # column b + 2: the bins farther than b
    farther = r_after.take(key, out=where)
    farther += tolerance_m
    lay |= np.greater(rr, farther)
    if some:
        layover[ok] = lay
        shadow[ok] = sha
    else:
        layover, shadow = lay, sha
    return layover.reshape(shape), shadow.reshape(shape)


@jit
def _usable(t, g, r, a, q):
    return np.isfinite(t[q]) and np.isfinite(g[q]) and np.isfinite(r[q]) and np.isfinite(a[q])


@jit
def _layover_extent(t, g, r, a):
    """(count, t_min, t_max, g_min, g_max) of the facets with all four values finite."""
    count = 0
    tmin = np.inf
    tmax = -np.inf
    gmin = np.inf
    gmax = -np.inf
    for q in range(t.size):
        if _usable(t, g, r, a, q):
            count += 1
            tmin = min(tmin, t[q])
            tmax = max(tmax, t[q])
            gmin = min(gmin, g[q])
            gmax = max(gmax, g[q])
    return count, tmin, tmax, gmin, gmax


@jit
def _strip_bins(t, g, r, a, tmin, gmin, azimuth_bin_s, gb_m, strip, gbin, bmin, bmax):
    """Each facet's azimuth strip and ground bin (strip -1: not usable), and per strip the first and
    last ground bin holding a facet (bmin > bmax: empty strip)."""
    for q in range(t.size):
        if not _usable(t, g, r, a, q):
            strip[q] = -1
            continue
        s = np.int64(np.floor((t[q] - tmin) / azimuth_bin_s))
        b = np.int64(np.floor((g[q] - gmin) / gb_m))
        strip[q] = s
        gbin[q] = b
        bmin[s] = min(bmin[s], b)
        bmax[s] = max(bmax[s], b)


@jit
def _strip_lookup(tables, totals, offsets, bmin, bmax, s, b):
    """(largest look angle, largest range) of the bins of strip ``s`` nearer than bin ``b`` and the
    smallest range of those farther, from the strip's exclusive running extremes."""
    if bmin[s] > bmax[s]:
        return -np.inf, -np.inf, np.inf
    if b < bmin[s]:
        return -np.inf, -np.inf, totals[2, s]
    if b > bmax[s]:
        return totals[0, s], totals[1, s], np.inf
    c = offsets[s] + b - bmin[s]
    return tables[c, 0], tables[c, 1], tables[c, 2]


@jit
def _layover_shadow(a, r, strip, gbin, tolerance_m, minus_cosine, bmin, bmax, offsets, tables, totals, layover,
                    shadow):
    """``tables`` (cells, 3): per strip, only its bins bmin..bmax (from ``offsets``), filled with the
    per-bin extremes and turned in place into the exclusive running extremes along the strip (column
    0 largest look angle nearer, 1 largest range nearer, 2 smallest range farther; a cell's three
    values side by side, one cache line per lookup); ``totals`` (3,
    strips): the strip's largest look angle, largest range and smallest range. Same flags as dense
    (strips x all ground bins) tables, with memory proportional to the facets whatever the tile's
    rotation against the radar geometry."""
    n_s = bmin.size
    for c in range(tables.shape[0]):
        tables[c, 0] = -np.inf
        tables[c, 1] = -np.inf
        tables[c, 2] = np.inf
    for q in range(strip.size):
        s = strip[q]
        if s < 0:
            continue
        c = offsets[s] + gbin[q] - bmin[s]
        if a[q] > tables[c, 0]:
            tables[c, 0] = a[q]
        if r[q] > tables[c, 1]:
            tables[c, 1] = r[q]
        if r[q] < tables[c, 2]:
            tables[c, 2] = r[q]
    for s in range(n_s):
        am = -np.inf
        rm = -np.inf
        for c in range(offsets[s], offsets[s + 1]):
            va = tables[c, 0]
            vr = tables[c, 1]
            tables[c, 0] = am
            tables[c, 1] = rm
            am = max(am, va)
            rm = max(rm, vr)
        rn = np.inf
        for c in range(offsets[s + 1] - 1, offsets[s] - 1, -1):
            vr = tables[c, 2]
            tables[c, 2] = rn
            rn = min(rn, vr)
        totals[0, s] = am
        totals[1, s] = rm
        totals[2, s] = rn
    for q in range(strip.size):
        s = strip[q]
        if s < 0:
            continue
        b = gbin[q]
        ab = -np.inf
        rb = -np.inf
        ra = np.inf
        for ss in range(max(s - 1, 0), min(s + 1, n_s - 1) + 1):
            x_a, x_rb, x_ra = _strip_lookup(tables, totals, offsets, bmin, bmax, ss, b)
            ab = max(ab, x_a)
            rb = max(rb, x_rb)
            ra = min(ra, x_ra)
        tol_rad = tolerance_m / r[q]
        if minus_cosine:         # a = -cos(angle): the angle tolerance times d(-cos)/d(angle) = sin
            shadow[q] = a[q] < ab - math.sqrt(max(1.0 - ab * ab, 0.0)) * tol_rad
        else:
            shadow[q] = a[q] < ab - tol_rad
        layover[q] = (r[q] < rb - tolerance_m) or (r[q] > ra + tolerance_m)


@compiled_or_numpy(_layover_shadow_numpy)
def layover_shadow(azimuth_time_s, ground_range_m, slant_range_m, look_angle_rad, azimuth_bin_s, tolerance_m,
                   ground_bin_m=None, time_origin_s=None, workspace=None, look_is_minus_cosine=False):
    """Boolean (layover, shadow) arrays shaped like the inputs (NaN inputs give False).

    Inputs per facet: zero-Doppler time (s), ground range (m), slant range (m), off-nadir look
    angle (radians; or, with ``look_is_minus_cosine``, -cos of it: the look key of
    :mod:`.facet_geometry`, the shadow tolerance of tolerance_m / range radians then taken times
    sin(angle), equal to first order). ``ground_bin_m`` defaults to 2 x ``tolerance_m`` (one facet);
    ``time_origin_s``: strips on a run-wide raster (see :func:`bin_origins`); ``workspace``: see
    :mod:`.workspace`. The compiled form keeps, per azimuth strip, only the ground bins between its
    nearest and farthest facet (float64, about two cells per facet) instead of sorting."""
    shape = slant_range_m.shape
    layover, shadow = scratch(workspace, "layover shadow", (2, slant_range_m.size), np.bool_)
    layover.fill(False)
    shadow.fill(False)
    gb_m = ground_bin_m if ground_bin_m else max(2.0 * tolerance_m, 1e-3)
    t, g, r, a = (np.ascontiguousarray(x, dtype=np.float64).ravel()
                  for x in (azimuth_time_s, ground_range_m, slant_range_m, look_angle_rad))
    count, tmin, tmax, gmin, gmax = _layover_extent(t, g, r, a)
    if count >= 2:
        tmin, gmin = bin_origins(tmin, gmin, float(azimuth_bin_s), float(gb_m), time_origin_s)
        n_s = int(np.floor((tmax - tmin) / azimuth_bin_s)) + 1
        bmin = np.full(n_s, np.iinfo(np.int64).max, dtype=np.int64)
        bmax = np.full(n_s, -1, dtype=np.int64)
        strip, gbin = scratch(workspace, "layover bins", (2, t.size), np.int64)
        _strip_bins(t, g, r, a, tmin, gmin, float(azimuth_bin_s), float(gb_m), strip, gbin, bmin, bmax)
        widths = np.where(bmax >= bmin, bmax - bmin + 1, 0)
        offsets = np.zeros(n_s + 1, dtype=np.int64)
        np.cumsum(widths, out=offsets[1:])
        tables = scratch(workspace, "layover tables", (int(offsets[-1]), 3))
        totals = np.empty((3, n_s))
        _layover_shadow(a, r, strip, gbin, float(tolerance_m), bool(look_is_minus_cosine), bmin, bmax, offsets, tables,
                        totals, layover, shadow)
    return layover.reshape(shape), shadow.reshape(shape)


def flag_facets(geom, facet_size_m: float, bins: Optional[LayoverBins] = None, tolerance_m: Optional[float] = None,
                workspace=None) -> Tuple[np.ndarray, np.ndarray]:
    """(layover, shadow) of the facets of a :class:`.facet_geometry.FacetGeometry`: all False on a
    tile too gentle for either, else :func:`layover_shadow` with azimuth strips half a facet wide
    (``facet_size_m``) and a tolerance of half a facet by default; ``bins``: the run's raster."""
    tol = 0.5 * facet_size_m if tolerance_m is None else tolerance_m
    if too_gentle_for_layover_or_shadow(*geom.extremes, tolerance_facets=tol / facet_size_m):
        layover, shadow = scratch(workspace, "layover shadow", (2,) + geom.time_s.shape, np.bool_)
        layover.fill(False)
        shadow.fill(False)
        return layover, shadow
    v_mean = bins.along_track_speed_m_s if bins else typical_along_track_speed(geom.along_track_m_per_s, geom.valid)
    return layover_shadow(geom.time_s, geom.ground_range_m, geom.slant_range_m, geom.look_key,
                          azimuth_bin_s=0.5 * facet_size_m / v_mean, tolerance_m=tol,
                          time_origin_s=bins.time_origin_s if bins else None, workspace=workspace,
                          look_is_minus_cosine=True)
