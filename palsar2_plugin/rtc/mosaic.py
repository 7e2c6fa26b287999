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
from .beam_sums import COUNT, COVERED, BETA0, BeamTileSums, core_facets, pixel_sums


#: Small (2011): do not normalise where the illuminated area is below 5 % of the flat-land area.
AREA_FLOOR_FRACTION = 0.05

#: Per-pixel geometry sums of the compiled path, in this order along the last axis.
(LIT_GAMMA, LIT_SIGMA, N_VALID, N_LAYOVER, N_SHADOW, N_GAP, AREA_X, AREA_Y, AREA_Z, LOOK_X, LOOK_Y, LOOK_Z, COS_ELL,
 HEIGHT) = range(14)


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


def _geometry_sums_numpy(geom, gaps: Optional[np.ndarray], k: int, halo, out_shape) -> GeometrySums:
    core = core_facets(k, halo, out_shape)

    def ps(values):
        return pixel_sums(values[core], k, out_shape)

    def ps_valid(values):
        return ps(np.where(geom.valid, values, 0.0))

    return GeometrySums(lit_gamma=ps(geom.area_gamma_m2), lit_sigma=ps(geom.area_sigma_m2),
                        n_valid=ps(geom.valid.astype(np.float64)), n_layover=ps(geom.layover.astype(np.float64)),
                        n_shadow=ps(geom.shadow.astype(np.float64)),
                        n_gap=ps(gaps.astype(np.float64)) if gaps is not None else None,
                        area_vector=[ps_valid(c) for c in geom.area_vector],
                        to_sensor=[ps_valid(c) for c in geom.to_sensor],
                        cos_ellipsoid_incidence=ps_valid(geom.cos_ellipsoid_incidence), height=ps_valid(geom.height_m))


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
def _geometry_sums(a_gamma, a_sigma, valid, layover, shadow, gaps, ax, ay, az, lx, ly, lz, cos_ell, height,
                   k, hy, hx, out):
    """Pixel by pixel: its k x k core facets summed in scalar registers, each output written once
    (no zero-filled planes read and rewritten per facet; no accumulator array in memory)."""
    ny = out.shape[0]
    nx = out.shape[1]
    for oi in range(ny):
        for oj in range(nx):
            s_gamma = 0.0; s_sigma = 0.0; n_valid = 0.0; n_layover = 0.0; n_shadow = 0.0; n_gap = 0.0
            s_ax = 0.0; s_ay = 0.0; s_az = 0.0; s_lx = 0.0; s_ly = 0.0; s_lz = 0.0; s_ell = 0.0; s_h = 0.0
            for i in range(hy + oi * k, hy + oi * k + k):
                for j in range(hx + oj * k, hx + oj * k + k):
                    s_gamma += a_gamma[i, j]
                    s_sigma += a_sigma[i, j]
                    n_layover += 1.0 if layover[i, j] else 0.0
                    n_shadow += 1.0 if shadow[i, j] else 0.0
                    n_gap += 1.0 if gaps[i, j] else 0.0
                    if valid[i, j]:
                        n_valid += 1.0
                        s_ax += ax[i, j]; s_ay += ay[i, j]; s_az += az[i, j]
                        s_lx += lx[i, j]; s_ly += ly[i, j]; s_lz += lz[i, j]
                        s_ell += cos_ell[i, j]
                        s_h += height[i, j]
            o = out[oi, oj]
            o[LIT_GAMMA] = s_gamma; o[LIT_SIGMA] = s_sigma; o[N_VALID] = n_valid; o[N_LAYOVER] = n_layover
            o[N_SHADOW] = n_shadow; o[N_GAP] = n_gap
            o[AREA_X] = s_ax; o[AREA_Y] = s_ay; o[AREA_Z] = s_az; o[LOOK_X] = s_lx; o[LOOK_Y] = s_ly; o[LOOK_Z] = s_lz
            o[COS_ELL] = s_ell; o[HEIGHT] = s_h


@jit
def _mosaic(beam_sums, beam_looks, n_pols, geo, has_gaps, n_facets, floor_fraction, gamma0, mask, lia, eia, area,
            ratio, looks_out, dem, nan_f32):
    n_beams = beam_sums.shape[0]
    ny, nx = mask.shape
    g_sum = np.empty(n_pols)
    for i in range(ny):
        for j in range(nx):
            w_total = 0.0
            area_sum = 0.0
            looks = 0.0
            covered = 0.0
            for p in range(n_pols):
                g_sum[p] = 0.0
            for b in range(n_beams):
                covered += beam_sums[b, COVERED, i, j]
                count = beam_sums[b, COUNT, i, j]
                anf = beam_sums[b, BETA0 + n_pols, i, j]
                anf_flat = beam_sums[b, BETA0 + n_pols + 1, i, j]
                if count > 0 and anf >= floor_fraction * anf_flat and anf > 0:
                    w = beam_looks[b] * count
                    for p in range(n_pols):
                        g_sum[p] += w * beam_sums[b, BETA0 + p, i, j] / anf
                    area_sum += w * beam_sums[b, BETA0 + n_pols + 2, i, j] / max(count, 1.0)
                    looks += beam_looks[b] * count / n_facets
                    w_total += w
            has = w_total > 0
            n_valid = geo[i, j, N_VALID]
            nodata = covered == 0 or n_valid < n_facets or (has_gaps and geo[i, j, N_GAP] > 0)
            m = MASK_VALID
            if not has:
                m = MASK_INVALID
            if geo[i, j, N_LAYOVER] > 0 and not geo[i, j, N_SHADOW] > 0:
                m = MASK_LAYOVER
            if geo[i, j, N_SHADOW] > 0:
                m = MASK_SHADOW
            if nodata:
                m = MASK_NODATA
            mask[i, j] = m
            for p in range(n_pols):
                gamma0[p, i, j] = nan_f32 if (nodata or not has) else g_sum[p] / w_total
            area[i, j] = nan_f32 if (nodata or not has) else area_sum / w_total
            lit_sigma = geo[i, j, LIT_SIGMA]
            ratio[i, j] = nan_f32 if (nodata or not (has and lit_sigma > 0)) else geo[i, j, LIT_GAMMA] / lit_sigma
            looks_out[i, j] = 0.0 if nodata else looks
            if n_valid < n_facets or nodata:
                lia[i, j] = nan_f32
                eia[i, j] = nan_f32
                dem[i, j] = nan_f32
                continue
            ax = geo[i, j, AREA_X]; ay = geo[i, j, AREA_Y]; az = geo[i, j, AREA_Z]
            lx = geo[i, j, LOOK_X]; ly = geo[i, j, LOOK_Y]; lz = geo[i, j, LOOK_Z]
            norm_a = math.sqrt(ax * ax + ay * ay + az * az)
            norm_l = math.sqrt(lx * lx + ly * ly + lz * lz)
            c = (ax * lx + ay * ly + az * lz) / (norm_a * norm_l)
            lia[i, j] = math.degrees(math.acos(min(max(c, -1.0), 1.0))) if np.isfinite(c) else np.nan
            c = geo[i, j, COS_ELL] / n_valid
            eia[i, j] = math.degrees(math.acos(min(max(c, -1.0), 1.0))) if np.isfinite(c) else np.nan
            dem[i, j] = geo[i, j, HEIGHT] / n_valid


def _geometry_sums_compiled(geom, gaps, oversampling, halo, out_shape):
    """The :class:`GeometrySums` as one array (ny, nx, 14), a pixel's sums side by side (one memory
    stream for the mosaic instead of fourteen), in the order of the index constants LIT_GAMMA .. HEIGHT."""
    hy, hx = _halo(halo)
    out = np.empty(tuple(out_shape) + (14,))
    f64 = lambda x: np.ascontiguousarray(x, dtype=np.float64)
    b = lambda x: np.ascontiguousarray(x, dtype=np.bool_)
    gaps = b(gaps) if gaps is not None else np.zeros(geom.valid.shape, np.bool_)
    _geometry_sums(f64(geom.area_gamma_m2), f64(geom.area_sigma_m2), b(geom.valid), b(geom.layover), b(geom.shadow),
                   gaps, *(f64(c) for c in geom.area_vector), *(f64(c) for c in geom.to_sensor),
                   f64(geom.cos_ellipsoid_incidence), f64(geom.height_m), int(oversampling), int(hy), int(hx), out)
    return out


@compiled_or_numpy(_mosaic_beams_numpy)
def mosaic_beams(geom, sums: Sequence[BeamTileSums], n_pols: int, oversampling: int, halo,
                 out_shape: Tuple[int, int], dem_gap_facets: Optional[np.ndarray] = None) -> TileLayers:
    """Combine the beams of a tile (their :class:`.beam_sums.BeamTileSums`) and its facet geometry
    (with flags) into the output layers; see the module docstring for the rules.
    ``dem_gap_facets``: facets to treat as no data (e.g. near DEM gaps), default none."""
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
            dem_gap_facets is not None, float(k * k), AREA_FLOOR_FRACTION, gamma0, mask, *layers, np.float32(np.nan))
    return TileLayers(list(gamma0), mask, *layers)


