"""Stage 6, mosaic: the beams of a tile combined into the output layers and the L2.2 mask.

Per output pixel, from the beams' sums (:mod:`.beam_sums`) and its k x k facets' geometry:

- gamma0_T = sum(beta0) / sum(ANF) per beam; where sum(ANF) < :data:`AREA_FLOOR_FRACTION` of the
  flat-ellipsoid value sum(cot theta_ell) (Small 2011) the beam does not normalise the pixel;
- beams overlapping a pixel: the mean of their values in linear power weighted by looks x valid
  facets (a seam has no step when the beams agree; the weight fades where a beam's coverage ends);
- local incidence from the pixel's summed facet area vector and look vector; ellipsoid incidence
  and DEM (mean ellipsoidal facet height) over its facets; scattering area = the read-back A_gamma
  of the radar cells (m^2); gamma-to-sigma ratio sigma0_T / gamma0_T = sum A_gamma / sum A_sigma of
  its illuminated facets; looks = the beams' looks per radar sample, summed where beams overlap;
- mask (JAXA L2.2 values, :data:`MASK_NODATA` .. :data:`MASK_INVALID`): no data (no beam has beta0
  there, or a facet has no DEM; all layers NaN), valid, layover (any facet; gamma0 kept), shadow
  (any facet; gamma0 from the unshadowed facets, NaN if none), invalid (area below the floor, or no
  valid beta0). Shadow wins over layover (a shadowed facet sends nothing back).

:func:`mosaic_beams` runs the numpy reference or the compiled kernels (per-pixel geometry sums in
one pass, then the rules in one pass); both give the same layers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from ..nrb.mask import MASK_INVALID, MASK_LAYOVER, MASK_NODATA, MASK_SHADOW, MASK_VALID  # JAXA L2.2 values
from .area_distribution import _halo
from .beam_sums import BETA0, COUNT, COVERED, MAX_POLARISATIONS, BeamTileSums, core_facets
from .facet_geometry import (AREA_X, AREA_Y, AREA_Z, LOOK_X, LOOK_Y, LOOK_Z, N_VALID, SUM_COS_ELL, SUM_HEIGHT,
                             pixel_sums)


#: Small (2011): do not normalise where the illuminated area is below 5 % of the flat-land area.
AREA_FLOOR_FRACTION = 0.05

#: Per-pixel sums of the facets' areas and flags (the compiled path's planes, in this order); the
#: other geometry sums come with the facet geometry (:data:`.facet_geometry.PIXEL_SUMS`).
(LIT_GAMMA, LIT_SIGMA, N_LAYOVER, N_SHADOW, N_GAP) = range(5)


class GeometrySums(NamedTuple):
    """Per-output-pixel sums of a tile's facet geometry over each pixel's k x k core facets: A_gamma
    and A_sigma of all facets (m^2); counts of valid, layover, shadow and DEM-gap facets; over valid
    facets the area vector (m^2), look vector, cos(ellipsoid incidence) and height (m)."""

    lit_gamma: np.ndarray
    lit_sigma: np.ndarray
    n_valid: np.ndarray
    n_layover: np.ndarray
    n_shadow: np.ndarray
    n_gap: Optional[np.ndarray]
    area_vector: List[np.ndarray]
    to_sensor: List[np.ndarray]
    cos_ellipsoid_incidence: np.ndarray
    height: np.ndarray


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


def empty_layers(shape, n_pols) -> TileLayers:
    """The layers of a tile no beam sees (or without DEM): no data everywhere."""
    nan = np.full(shape, np.nan, dtype=np.float32)
    return TileLayers([nan.copy() for _ in range(n_pols)], np.zeros(shape, dtype=np.uint8), nan.copy(), nan.copy(),
                      nan.copy(), nan.copy(), np.zeros(shape, dtype=np.float32), nan.copy())


def _pixel_sums_of(geom):
    """The facet geometry's per-pixel sums (made with the tile's PixelCore)."""
    if geom.pixel_sums is None:
        raise ValueError("the facet geometry has no per-pixel sums: make it with the tile's PixelCore")
    return geom.pixel_sums


def _geometry_sums_numpy(geom, gaps: Optional[np.ndarray], k: int, halo, out_shape) -> GeometrySums:
    core = core_facets(k, halo, out_shape)

    def ps(values):
        return pixel_sums(values[core], k, out_shape)

    sums = _pixel_sums_of(geom)
    return GeometrySums(lit_gamma=ps(geom.area_gamma_m2), lit_sigma=ps(geom.area_sigma_m2),
                        n_valid=sums[N_VALID], n_layover=ps(geom.layover.astype(np.float64)),
                        n_shadow=ps(geom.shadow.astype(np.float64)),
                        n_gap=ps(gaps.astype(np.float64)) if gaps is not None else None,
                        area_vector=[sums[AREA_X], sums[AREA_Y], sums[AREA_Z]],
                        to_sensor=[sums[LOOK_X], sums[LOOK_Y], sums[LOOK_Z]],
                        cos_ellipsoid_incidence=sums[SUM_COS_ELL], height=sums[SUM_HEIGHT])


def _mosaic_beams_numpy(geom, sums: Sequence[BeamTileSums], n_pols: int, oversampling: int, halo,
                        out_shape: Tuple[int, int], dem_gap_facets: Optional[np.ndarray] = None) -> TileLayers:
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
    sums_g = _geometry_sums_numpy(geom, dem_gap_facets, k, halo, out_shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        gamma0 = [np.where(has, g / w_total, np.nan).astype(np.float32) for g in g_sum]
        area = np.where(has, area_sum / w_total, np.nan).astype(np.float32)
        # sigma0_T / gamma0_T = A_gamma / A_sigma of the pixel's own illuminated facets
        lit_gamma = sums_g.lit_gamma
        lit_sigma = sums_g.lit_sigma
        ratio = np.where(has & (lit_sigma > 0), lit_gamma / lit_sigma, np.nan).astype(np.float32)

    n_valid = sums_g.n_valid
    lay = sums_g.n_layover > 0
    sha = sums_g.n_shadow > 0
    mask = np.full(out_shape, MASK_VALID, dtype=np.uint8)
    mask[~has] = MASK_INVALID
    mask[lay & ~sha] = MASK_LAYOVER
    mask[sha] = MASK_SHADOW
    nodata = (covered == 0) | (n_valid < n_f)
    if dem_gap_facets is not None:
        nodata |= sums_g.n_gap > 0
    mask[nodata] = MASK_NODATA
    for g in gamma0:
        g[nodata] = np.nan

    # angles from the pixel's summed area vector and mean look vector
    sums3 = sums_g.area_vector
    look3 = sums_g.to_sensor
    with np.errstate(invalid="ignore", divide="ignore"):
        norm_a = np.sqrt(sum(c * c for c in sums3))
        norm_l = np.sqrt(sum(c * c for c in look3))
        cos_lia = (sums3[0] * look3[0] + sums3[1] * look3[1] + sums3[2] * look3[2]) / (norm_a * norm_l)
        lia = np.degrees(np.arccos(np.clip(cos_lia, -1.0, 1.0)))
        cos_ell = sums_g.cos_ellipsoid_incidence / n_valid
        eia = np.degrees(np.arccos(np.clip(cos_ell, -1.0, 1.0)))
        dem = sums_g.height / n_valid
    no_geom = (n_valid < n_f) | nodata
    for arr in (lia, eia, dem):
        arr[no_geom] = np.nan
    for arr in (area, ratio):
        arr[nodata] = np.nan
    looks = looks.astype(np.float32)
    looks[nodata] = 0
    return TileLayers(gamma0, mask, lia.astype(np.float32), eia.astype(np.float32), area, ratio, looks,
                      dem.astype(np.float32))


@jit
def _geometry_sums(a_gamma, a_sigma, layover, shadow, gaps, k, hy, hx, out):
    """Pixel by pixel: the areas and flags of its k x k core facets summed in scalar registers, each
    output written once."""
    ny = out.shape[1]
    nx = out.shape[2]
    for oi in range(ny):
        for oj in range(nx):
            s_gamma = 0.0; s_sigma = 0.0; n_layover = 0.0; n_shadow = 0.0; n_gap = 0.0
            for i in range(hy + oi * k, hy + oi * k + k):
                for j in range(hx + oj * k, hx + oj * k + k):
                    s_gamma += a_gamma[i, j]
                    s_sigma += a_sigma[i, j]
                    n_layover += 1.0 if layover[i, j] else 0.0
                    n_shadow += 1.0 if shadow[i, j] else 0.0
                    n_gap += 1.0 if gaps[i, j] else 0.0
            out[LIT_GAMMA, oi, oj] = s_gamma; out[LIT_SIGMA, oi, oj] = s_sigma
            out[N_LAYOVER, oi, oj] = n_layover; out[N_SHADOW, oi, oj] = n_shadow; out[N_GAP, oi, oj] = n_gap


#: Pixels of a row the compiled mosaic combines at once (its buffer stays in the L1 cache).
BLOCK = 128
# block-buffer rows: the beams' running sums, the current beam's weight, the layers as float64, the
# pixels' geometry sums (_GEO + LIT_GAMMA ...), then per polarisation the running sum of weight x
# beta0 / ANF (_G_SUM + p) and gamma0 (_G_SUM + MAX_POLARISATIONS + p)
_W_TOTAL, _AREA_SUM, _LOOKS, _COVERED, _WEIGHT, _MASK, _LIA, _EIA, _AREA, _RATIO, _LOOKS_OUT, _DEM = range(12)
_GEO = 12                                       # + LIT_GAMMA .. N_GAP
_PIX = _GEO + 5                                 # + N_VALID .. SUM_HEIGHT (facet_geometry.PIXEL_SUMS)
_G_SUM = _PIX + 9
_MOSAIC_ROWS = _G_SUM + 2 * MAX_POLARISATIONS

# acos on [-1, 1] to 1.4e-15 rad, branch-free (so that the loop around it is vectorised): asin(y) =
# y + y z P(z), z = y^2, for |y| <= 1/2 (least-squares fit to asin at 400 Chebyshev nodes), and
# acos(|x|) = 2 asin(sqrt((1 - |x|) / 2)) above 1/2
_ASIN_P = (0.16666666666666985, 0.07499999999710419, 0.04464285759993631, 0.03038191638780315,
           0.02237303886065287, 0.017336759147176268, 0.014144909646664486, 0.010267173941420954,
           0.015521967019542504, -0.0069674479296825765, 0.02798819095883663)
_P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8, _P9, _P10 = _ASIN_P


@jit
def _acos_deg(x):
    """arccos(x) in degrees, x clipped to [-1, 1]; NaN for a non-finite x (see _ASIN_P)."""
    x = -1.0 if x < -1.0 else x
    x = 1.0 if x > 1.0 else x
    x = x if (x - x) == 0.0 else np.nan
    a = abs(x)
    big = a > 0.5
    y = math.sqrt((1.0 - a) * 0.5) if big else a
    z = y * y
    p = ((((((((((_P10 * z + _P9) * z + _P8) * z + _P7) * z + _P6) * z + _P5) * z + _P4) * z + _P3) * z + _P2) * z
          + _P1) * z + _P0)
    s = y + y * z * p
    r = 2.0 * s if big else 0.5 * math.pi - s
    return math.degrees(math.pi - r if x < 0 else r)


@jit
def _mosaic_weights(count, covered, anf, anf_flat, area, looks, floor_fraction, n_facets, buf, m):
    """One beam's part of a block (its sums' rows from the block's first pixel): its weight looks x
    count where it normalises the pixel (count > 0, ANF > 0 and >= the floor of the flat ANF; else 0)
    into row _WEIGHT, and its covered count, weighted area, looks and weight added to the running sums."""
    for j in range(m):
        c = count[j]
        a = anf[j]
        ok = c > 0 and a >= floor_fraction * anf_flat[j] and a > 0
        w = looks * c if ok else 0.0
        weighted_area = w * area[j] / max(c, 1.0)
        buf[np.uint64(_WEIGHT * BLOCK + j)] = w
        buf[np.uint64(_COVERED * BLOCK + j)] += covered[j]
        buf[np.uint64(_AREA_SUM * BLOCK + j)] += weighted_area if ok else 0.0
        buf[np.uint64(_LOOKS * BLOCK + j)] += looks * c / n_facets if ok else 0.0
        buf[np.uint64(_W_TOTAL * BLOCK + j)] += w


@jit
def _mosaic_gamma(beta0, anf, p, buf, m):
    """One polarisation of one beam: weight x beta0 / ANF added to its running sum (row _G_SUM + p)."""
    for j in range(m):
        w = buf[np.uint64(_WEIGHT * BLOCK + j)]
        term = w * beta0[j] / anf[j]
        buf[np.uint64((_G_SUM + p) * BLOCK + j)] += term if w > 0 else 0.0


@jit
def _row_in(src, buf, row, m):
    for j in range(m):
        buf[np.uint64(row * BLOCK + j)] = src[j]


@jit
def _mosaic_layers(has_gaps, n_facets, buf, m):
    """Rows _MASK .. _DEM of the block from the running sums and the geometry sums, NaN where the
    rules say so (module docstring)."""
    nan = np.nan
    for j in range(m):
        w_total = buf[np.uint64(_W_TOTAL * BLOCK + j)]
        has = w_total > 0
        n_valid = buf[np.uint64((_PIX + N_VALID) * BLOCK + j)]
        nodata = (buf[np.uint64(_COVERED * BLOCK + j)] == 0 or n_valid < n_facets
                  or (has_gaps and buf[np.uint64((_GEO + N_GAP) * BLOCK + j)] > 0))
        shadowed = buf[np.uint64((_GEO + N_SHADOW) * BLOCK + j)] > 0
        layover = buf[np.uint64((_GEO + N_LAYOVER) * BLOCK + j)] > 0
        mask = MASK_VALID if has else MASK_INVALID
        mask = MASK_LAYOVER if (layover and not shadowed) else mask
        mask = MASK_SHADOW if shadowed else mask
        mask = MASK_NODATA if nodata else mask
        value = has and not nodata
        lit_sigma = buf[np.uint64((_GEO + LIT_SIGMA) * BLOCK + j)]
        geometry = not (n_valid < n_facets or nodata)
        ax = buf[np.uint64((_PIX + AREA_X) * BLOCK + j)]
        ay = buf[np.uint64((_PIX + AREA_Y) * BLOCK + j)]
        az = buf[np.uint64((_PIX + AREA_Z) * BLOCK + j)]
        lx = buf[np.uint64((_PIX + LOOK_X) * BLOCK + j)]
        ly = buf[np.uint64((_PIX + LOOK_Y) * BLOCK + j)]
        lz = buf[np.uint64((_PIX + LOOK_Z) * BLOCK + j)]
        c_lia = (ax * lx + ay * ly + az * lz) / (math.sqrt(ax * ax + ay * ay + az * az)
                                                 * math.sqrt(lx * lx + ly * ly + lz * lz))
        c_eia = buf[np.uint64((_PIX + SUM_COS_ELL) * BLOCK + j)] / n_valid
        buf[np.uint64(_MASK * BLOCK + j)] = mask
        buf[np.uint64(_AREA * BLOCK + j)] = buf[np.uint64(_AREA_SUM * BLOCK + j)] / w_total if value else nan
        buf[np.uint64(_RATIO * BLOCK + j)] = (buf[np.uint64((_GEO + LIT_GAMMA) * BLOCK + j)] / lit_sigma
                                              if (value and lit_sigma > 0) else nan)
        buf[np.uint64(_LOOKS_OUT * BLOCK + j)] = 0.0 if nodata else buf[np.uint64(_LOOKS * BLOCK + j)]
        buf[np.uint64(_LIA * BLOCK + j)] = _acos_deg(c_lia) if geometry else nan
        buf[np.uint64(_EIA * BLOCK + j)] = _acos_deg(c_eia) if geometry else nan
        buf[np.uint64(_DEM * BLOCK + j)] = buf[np.uint64((_PIX + SUM_HEIGHT) * BLOCK + j)] / n_valid if geometry else nan
        buf[np.uint64(_WEIGHT * BLOCK + j)] = w_total if value else nan      # the divisor of gamma0


@jit
def _gamma_out(buf, p, m):
    """gamma0 of polarisation ``p``: its running sum over the total weight (NaN without a value)."""
    for j in range(m):
        buf[np.uint64((_G_SUM + MAX_POLARISATIONS + p) * BLOCK + j)] = (buf[np.uint64((_G_SUM + p) * BLOCK + j)]
                                                                        / buf[np.uint64(_WEIGHT * BLOCK + j)])


@jit
def _block_to_float32(buf, row, dst, m):
    for j in range(m):
        dst[j] = np.float32(buf[np.uint64(row * BLOCK + j)])


@jit
def _block_to_uint8(buf, row, dst, m):
    for j in range(m):
        dst[j] = np.uint8(buf[np.uint64(row * BLOCK + j)])


@jit
def _mosaic(beam_sums, beam_looks, n_pols, geo, pix, has_gaps, n_facets, floor_fraction, gamma0, mask, lia, eia, area,
            ratio, looks_out, dem):
    """Row by row, blocks of :data:`BLOCK` pixels: the beams' running sums (:func:`_mosaic_weights`,
    :func:`_mosaic_gamma`), then the layers (:func:`_mosaic_layers`, :func:`_gamma_out`), each a
    vectorised loop; ``beam_sums`` (beams, COUNT .. area, ny, nx), ``geo`` (5, ny, nx) the areas and
    flags, ``pix`` (9, ny, nx) the facet geometry's pixel sums."""
    n_beams = beam_sums.shape[0]
    ny, nx = mask.shape
    buf = np.empty(_MOSAIC_ROWS * BLOCK)
    anf_row = BETA0 + n_pols
    for i in range(ny):
        for j0 in range(0, nx, BLOCK):
            m = min(BLOCK, nx - j0)
            buf[:_GEO * BLOCK] = 0.0
            buf[_G_SUM * BLOCK:(_G_SUM + n_pols) * BLOCK] = 0.0
            for b in range(n_beams):
                _mosaic_weights(beam_sums[b, COUNT, i, j0:], beam_sums[b, COVERED, i, j0:],
                                beam_sums[b, anf_row, i, j0:], beam_sums[b, anf_row + 1, i, j0:],
                                beam_sums[b, anf_row + 2, i, j0:], beam_looks[b], floor_fraction, n_facets, buf, m)
                for p in range(n_pols):
                    _mosaic_gamma(beam_sums[b, BETA0 + p, i, j0:], beam_sums[b, anf_row, i, j0:], p, buf, m)
            for q in range(5):
                _row_in(geo[q, i, j0:], buf, _GEO + q, m)
            for q in range(9):
                _row_in(pix[q, i, j0:], buf, _PIX + q, m)
            _mosaic_layers(has_gaps, n_facets, buf, m)
            _block_to_uint8(buf, _MASK, mask[i, j0:], m)
            for row, layer in ((_LIA, lia), (_EIA, eia), (_AREA, area), (_RATIO, ratio), (_LOOKS_OUT, looks_out),
                               (_DEM, dem)):
                _block_to_float32(buf, row, layer[i, j0:], m)
            for p in range(n_pols):
                _gamma_out(buf, p, m)
                _block_to_float32(buf, _G_SUM + MAX_POLARISATIONS + p, gamma0[p, i, j0:], m)


def _geometry_sums_compiled(geom, gaps, oversampling, halo, out_shape):
    """The areas and flags of :class:`GeometrySums` as one array (5, ny, nx), in the order of the
    index constants LIT_GAMMA .. N_GAP."""
    hy, hx = _halo(halo)
    out = np.empty((5,) + tuple(out_shape))
    f64 = lambda x: np.ascontiguousarray(x, dtype=np.float64)
    b = lambda x: np.ascontiguousarray(x, dtype=np.bool_)
    gaps = b(gaps) if gaps is not None else np.zeros(geom.valid.shape, np.bool_)
    _geometry_sums(f64(geom.area_gamma_m2), f64(geom.area_sigma_m2), b(geom.layover), b(geom.shadow), gaps,
                   int(oversampling), int(hy), int(hx), out)
    return out


@compiled_or_numpy(_mosaic_beams_numpy)
def mosaic_beams(geom, sums: Sequence[BeamTileSums], n_pols: int, oversampling: int, halo,
                 out_shape: Tuple[int, int], dem_gap_facets: Optional[np.ndarray] = None) -> TileLayers:
    """Combine the beams of a tile (their :class:`.beam_sums.BeamTileSums`) and its facet geometry
    (with flags) into the output layers; see the module docstring for the rules.
    ``dem_gap_facets``: facets to treat as no data (e.g. near DEM gaps), default none."""
    if n_pols > MAX_POLARISATIONS:
        return _mosaic_beams_numpy(geom, sums, n_pols, oversampling, halo, out_shape, dem_gap_facets)
    k = oversampling
    geometry = _geometry_sums_compiled(geom, dem_gap_facets, k, halo, out_shape)
    stacked = np.empty((len(sums), BETA0 + n_pols + 3) + tuple(out_shape))     # one copy of each beam's sums
    for b, s in enumerate(sums):
        for q, plane in enumerate((s.count, s.covered, *s.beta0, s.anf, s.anf_flat, s.area_gamma)):
            stacked[b, q] = plane
    ny, nx = out_shape
    gamma0 = np.empty((n_pols, ny, nx), dtype=np.float32)
    mask = np.empty((ny, nx), dtype=np.uint8)
    layers = [np.empty((ny, nx), dtype=np.float32) for _ in range(6)]
    _mosaic(stacked, np.array([s.looks for s in sums], dtype=np.float64), int(n_pols), geometry,
            np.ascontiguousarray(_pixel_sums_of(geom)), dem_gap_facets is not None, float(k * k), AREA_FLOOR_FRACTION, gamma0, mask, *layers)
    return TileLayers(list(gamma0), mask, *layers)


