"""Interferogram formation in the reference's radar geometry, one beam, tile by tile.

For a tile of reference lines x pixels: the geometric model (:mod:`.geometry_model`) on a sub-grid
(about two points per multilook window each way) interpolated bilinearly to every pixel, plus the
low-order correction from amplitude cross-correlation (:func:`refine_offsets`); the secondary
window those positions need is read and resampled (:mod:`.resample`, Doppler-centred); the
geometric phase (4 pi / lambda)(R_sec - R_ref) is removed; the pair is multilooked with the
coherence on the same window (:mod:`.looks`). Only the multilooked sums are kept (raw float files
in a work folder), so memory is bounded by the tile size whatever the scene size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, jit
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from . import looks as looks_mod
from .geometry_model import CoregistrationGeometry, upsample_block
from .resample import _TABLE as RESAMPLE_TABLE
from .resample import TAPS, resample, resample_point
from .xcorr import OffsetFit, chip_grid, chip_offset, fit_offsets, ChipOffset

#: Tiles of about this many reference pixels (a few tens of MB of working arrays each).
TILE_PIXELS = 1 << 20


@dataclass
class BeamSources:
    """What one beam's formation reads: the two images (``ceos.BeamImage``), their radar grids and
    orbits, the wavelength and the secondary's azimuth spectrum centre (Doppler / PRF)."""

    ref_image: object
    sec_image: object
    ref_grid: object
    sec_grid: object
    wavelength_m: float
    sec_azimuth_cycles_per_line: float = 0.0


def _native(samples: np.ndarray) -> np.ndarray:
    return np.asarray(samples, dtype=np.complex64)


class SecondaryWindow:
    """Reads windows of the secondary image as native complex64 (0 outside the image)."""

    def __init__(self, reader, lines: int, pixels: int):
        self.reader, self.lines, self.pixels = reader, lines, pixels

    def read(self, l0: int, l1: int, p0: int, p1: int) -> np.ndarray:
        out = np.zeros((l1 - l0, p1 - p0), dtype=np.complex64)
        a0, a1 = max(0, l0), min(self.lines, l1)
        b0, b1 = max(0, p0), min(self.pixels, p1)
        if a1 > a0 and b1 > b0:
            out[a0 - l0:a1 - l0, b0 - p0:b1 - p0] = _native(self.reader.samples(a0, a1)[:, b0:b1])
        return out


def resample_secondary(window: SecondaryWindow, sec_line: np.ndarray, sec_pixel: np.ndarray,
                       cycles_per_line: float) -> np.ndarray:
    """The secondary interpolated at (sec_line, sec_pixel) (2-D arrays); 0 where not available."""
    finite = np.isfinite(sec_line) & np.isfinite(sec_pixel)
    if not finite.any():
        return np.zeros(sec_line.shape, dtype=np.complex64)
    half = TAPS // 2
    l0 = int(math.floor(np.min(sec_line[finite]))) - half
    l1 = int(math.ceil(np.max(sec_line[finite]))) + half + 1
    p0 = int(math.floor(np.min(sec_pixel[finite]))) - half
    p1 = int(math.ceil(np.max(sec_pixel[finite]))) + half + 1
    l0, l1 = max(l0, -half), min(l1, window.lines + half)
    p0, p1 = max(p0, -half), min(p1, window.pixels + half)
    if l1 <= l0 or p1 <= p0:
        return np.zeros(sec_line.shape, dtype=np.complex64)
    block = window.read(l0, l1, p0, p1)
    # the azimuth modulation refers to absolute line numbers: shift the phase origin to the block
    out = resample(block, sec_line - l0, sec_pixel - p0, cycles_per_line)
    if cycles_per_line:
        out *= np.exp(2j * np.pi * cycles_per_line * l0).astype(np.complex64)
    return out


def tile_positions(geometry: CoregistrationGeometry, lines: np.ndarray, pixels: np.ndarray, step: Tuple[int, int],
                   correction: Optional[OffsetFit] = None):
    """(sec_line, sec_pixel, delta_range) at every reference pixel of ``lines`` x ``pixels`` (1-D
    integer ranges): the model on a sub-grid of ``step`` interpolated bilinearly, plus ``correction``."""
    sl, sp = step
    sub_l = np.arange(lines[0] - (lines[0] % sl), lines[-1] + sl + 1, sl, dtype=np.float64)
    sub_p = np.arange(pixels[0] - (pixels[0] % sp), pixels[-1] + sp + 1, sp, dtype=np.float64)
    coarse = geometry.block(sub_l, sub_p)
    full = upsample_block(coarse, sub_l, sub_p, lines.astype(np.float64), pixels.astype(np.float64))
    if correction is not None:
        ll, pp = np.meshgrid(lines, pixels, indexing="ij")
        dl, dp = correction.evaluate(ll, pp)
        full.sec_line = full.sec_line + dl
        full.sec_pixel = full.sec_pixel + dp
    return full


@dataclass
class MeasurementChip:
    """One chip of the cross-correlation grid: its first reference line and pixel, the reference
    samples and the geometric model's secondary positions (without any correction)."""

    line0: int
    pixel0: int
    reference: np.ndarray
    sec_line: np.ndarray
    sec_pixel: np.ndarray


def measurement_chips(sources: BeamSources, ref_reader, geometry: CoregistrationGeometry, step: Tuple[int, int],
                      chip: Tuple[int, int] = (64, 64), count: Tuple[int, int] = (12, 12),
                      is_cancelled: Optional[CancelCheck] = None) -> List[MeasurementChip]:
    """The chips :func:`refine_offsets` measures, read and geometrically modelled once (the refinement
    passes only add a correction to the positions). Chips with more than 10 % no data are left out."""
    g = sources.ref_grid
    out = []
    for l0, p0 in chip_grid(g.lines, g.pixels, chip, count):
        check_cancelled(is_cancelled)
        ref = _native(ref_reader.samples(l0, l0 + chip[0])[:, p0:p0 + chip[1]])
        if np.count_nonzero(ref) < 0.9 * ref.size:
            continue
        pos = tile_positions(geometry, np.arange(l0, l0 + chip[0]), np.arange(p0, p0 + chip[1]), step)
        out.append(MeasurementChip(l0, p0, ref, pos.sec_line, pos.sec_pixel))
    return out


def refine_offsets(sources: BeamSources, chips: Sequence[MeasurementChip], sec_window: SecondaryWindow,
                   order: int = 0, start: Optional[OffsetFit] = None, is_cancelled: Optional[CancelCheck] = None
                   ) -> Optional[OffsetFit]:
    """Offsets of the geometrically resampled secondary against the reference on the ``chips``
    (:func:`measurement_chips`), fitted (see :mod:`.xcorr`); ``start``: a correction already applied.
    The returned fit includes ``start``."""
    measured = []
    for c in chips:
        check_cancelled(is_cancelled)
        n_l, n_p = c.reference.shape
        sec_line, sec_pixel = c.sec_line, c.sec_pixel
        base_l = base_p = 0.0
        if start is not None:
            ll, pp = np.meshgrid(np.arange(c.line0, c.line0 + n_l), np.arange(c.pixel0, c.pixel0 + n_p), indexing="ij")
            dl, dp = start.evaluate(ll, pp)
            sec_line, sec_pixel = sec_line + dl, sec_pixel + dp
            base_l, base_p = start.evaluate(c.line0 + n_l / 2, c.pixel0 + n_p / 2)
        sec = resample_secondary(sec_window, sec_line, sec_pixel, sources.sec_azimuth_cycles_per_line)
        if np.count_nonzero(sec) < 0.9 * sec.size:
            continue
        d_line, d_pixel, rho, snr = chip_offset(c.reference, sec)
        measured.append(ChipOffset(c.line0 + (n_l - 1) / 2.0, c.pixel0 + (n_p - 1) / 2.0, float(base_l) + d_line,
                                   float(base_p) + d_pixel, rho, snr))
    return fit_offsets(measured, order=order)


def form_beam(sources: BeamSources, geometry: CoregistrationGeometry, looks: Tuple[int, int], out_ifg: np.ndarray,
              out_ref_power: np.ndarray, out_sec_power: np.ndarray, ref_reader, sec_window: SecondaryWindow,
              correction: Optional[OffsetFit] = None, progress: Optional[ProgressCallback] = None,
              is_cancelled: Optional[CancelCheck] = None, workers: int = 1) -> None:
    """Fill the multilooked arrays (shape (lines // la, pixels // lr); memmaps) of one beam, tile by tile
    (:func:`form_tile`) on ``workers`` threads."""
    la, lr = looks
    g = sources.ref_grid
    n_az, n_rg = g.lines // la, g.pixels // lr
    cols = max(lr, min(n_rg * lr, (4096 // lr) * lr))
    rows = max(la, (max(1, TILE_PIXELS // cols) // la) * la)
    tiles = [(r, c) for r in range(0, n_az * la, rows) for c in range(0, n_rg * lr, cols)]

    def one(tile):
        r0, c0 = tile
        check_cancelled(is_cancelled)
        r1, c1 = min(r0 + rows, n_az * la), min(c0 + cols, n_rg * lr)
        ifg, pr, ps = form_tile(sources, geometry, looks, ref_reader, sec_window, correction, r0, r1, c0, c1)
        out_ifg[r0 // la:r1 // la, c0 // lr:c1 // lr] = ifg
        out_ref_power[r0 // la:r1 // la, c0 // lr:c1 // lr] = pr
        out_sec_power[r0 // la:r1 // la, c0 // lr:c1 // lr] = ps

    # tiles on ``workers`` threads when the readers may be read from several (memory-mapped files); the
    # compiled kernels release the GIL
    threads = max(1, int(workers)) if ref_reader.is_mapped and sec_window.reader.is_mapped else 1
    done = 0
    if threads == 1:
        for tile in tiles:
            one(tile)
            done += 1
            report(progress, done / len(tiles), "Forming the interferogram")
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in pool.map(one, tiles):
            done += 1
            report(progress, done / len(tiles), "Forming the interferogram")


def _form_tile_numpy(sources: BeamSources, geometry: CoregistrationGeometry, looks: Tuple[int, int], ref_reader,
                     sec_window: SecondaryWindow, correction: Optional[OffsetFit], r0: int, r1: int, c0: int, c1: int):
    """Multilooked sums (interferogram complex64, reference and secondary power float32) of the tile of
    reference lines [r0, r1) x pixels [c0, c1) (multiples of the looks)."""
    la, lr = looks
    k = 4.0 * np.pi / sources.wavelength_m
    lines = np.arange(r0, r1)
    pixels = np.arange(c0, c1)
    ref = _native(ref_reader.samples(r0, r1)[:, c0:c1])
    pos = tile_positions(geometry, lines, pixels, (max(1, la // 2), max(1, lr // 2)), correction)
    sec = resample_secondary(sec_window, pos.sec_line, pos.sec_pixel, sources.sec_azimuth_cycles_per_line)
    phase = np.where(np.isfinite(pos.delta_range_m), -k * pos.delta_range_m, 0.0)
    sec_flat = sec * np.exp(-1j * phase).astype(np.complex64)     # ref x conj(sec e^{-j phi}) = r s* e^{-j k dR}
    sec_flat[~np.isfinite(pos.delta_range_m)] = 0
    return looks_mod.multilook_pair(ref, sec_flat, la, lr)


def _affine_correction(correction: Optional[OffsetFit]) -> np.ndarray:
    """(a0, a_line, a_pixel) of the line offset and of the pixel offset: d = a0 + a_line l + a_pixel p."""
    out = np.zeros(6)
    if correction is None:
        return out
    for base, coeffs in ((0, correction.line_coefficients), (3, correction.pixel_coefficients)):
        out[base] = coeffs[0]
        if correction.order:
            out[base] -= (coeffs[1] * correction.line0 + coeffs[2] * correction.pixel0) / 1000.0
            out[base + 1] = coeffs[1] / 1000.0
            out[base + 2] = coeffs[2] / 1000.0
    return out


@compiled_or_numpy(_form_tile_numpy)
def form_tile(sources: BeamSources, geometry: CoregistrationGeometry, looks: Tuple[int, int], ref_reader,
              sec_window: SecondaryWindow, correction: Optional[OffsetFit], r0: int, r1: int, c0: int, c1: int):
    """The tile's multilooked sums in one compiled pass: positions bilinear from the geometry's sub-grid
    plus the correction, resampling, geometric phase removal and multilook per pixel, without
    full-resolution geometry arrays (the same numbers as :func:`_form_tile_numpy` to rounding)."""
    la, lr = looks
    sl, sp = max(1, la // 2), max(1, lr // 2)
    sub_l = np.arange(r0 - (r0 % sl), (r1 - 1) + sl + 1, sl, dtype=np.float64)
    sub_p = np.arange(c0 - (c0 % sp), (c1 - 1) + sp + 1, sp, dtype=np.float64)
    coarse = geometry.block(sub_l, sub_p)
    corr = _affine_correction(correction)
    n_l, n_p = r1 - r0, c1 - c0
    ifg = np.zeros((n_l // la, n_p // lr), dtype=np.complex128)
    pr = np.zeros(ifg.shape)
    ps = np.zeros(ifg.shape)
    finite = np.isfinite(coarse.sec_line) & np.isfinite(coarse.sec_pixel)
    if finite.any():
        corners_l = np.array([r0, r0, r1 - 1, r1 - 1], dtype=np.float64)
        corners_p = np.array([c0, c1 - 1, c0, c1 - 1], dtype=np.float64)
        dl = corr[0] + corr[1] * corners_l + corr[2] * corners_p
        dp = corr[3] + corr[4] * corners_l + corr[5] * corners_p
        half = TAPS // 2
        b_l0 = max(int(math.floor(np.min(coarse.sec_line[finite]) + dl.min())) - half, -half)
        b_l1 = min(int(math.ceil(np.max(coarse.sec_line[finite]) + dl.max())) + half + 1, sec_window.lines + half)
        b_p0 = max(int(math.floor(np.min(coarse.sec_pixel[finite]) + dp.min())) - half, -half)
        b_p1 = min(int(math.ceil(np.max(coarse.sec_pixel[finite]) + dp.max())) + half + 1, sec_window.pixels + half)
        if b_l1 > b_l0 and b_p1 > b_p0:
            ref = _native(ref_reader.samples(r0, r1)[:, c0:c1])
            block = sec_window.read(b_l0, b_l1, b_p0, b_p1)
            _form_kernel(ref, block, float(b_l0), float(b_p0), coarse.sec_line, coarse.sec_pixel,
                         coarse.delta_range_m, float(sub_l[0]), float(sl), float(sub_p[0]), float(sp), float(r0),
                         float(c0), corr, float(sources.sec_azimuth_cycles_per_line), RESAMPLE_TABLE,
                         4.0 * np.pi / sources.wavelength_m, la, lr, ifg, pr, ps)
    return ifg.astype(np.complex64), pr.astype(np.float32), ps.astype(np.float32)


@jit
def _form_kernel(ref, block, b_l0, b_p0, g_line, g_pixel, g_dr, s_l0, s_ls, s_p0, s_ps, r0, c0, corr, nu, table,
                 k, la, lr, out_ifg, out_pr, out_ps):
    g_nl, g_np = g_line.shape
    n_l = out_ifg.shape[0] * la
    n_p = out_ifg.shape[1] * lr
    two_pi_nu = 2.0 * np.pi * nu
    origin_re = math.cos(two_pi_nu * b_l0)
    origin_im = math.sin(two_pi_nu * b_l0)
    for i in range(n_l):
        line = r0 + i
        gi = (line - s_l0) / s_ls
        gi0 = min(int(math.floor(gi)), g_nl - 2)
        fi = gi - gi0
        for j in range(n_p):
            r = ref[i, j]
            if r.real == 0.0 and r.imag == 0.0:
                continue
            pixel = c0 + j
            gj = (pixel - s_p0) / s_ps
            gj0 = min(int(math.floor(gj)), g_np - 2)
            fj = gj - gj0
            sec_l = ((g_line[gi0, gj0] * (1 - fj) + g_line[gi0, gj0 + 1] * fj) * (1 - fi)
                     + (g_line[gi0 + 1, gj0] * (1 - fj) + g_line[gi0 + 1, gj0 + 1] * fj) * fi)
            sec_p = ((g_pixel[gi0, gj0] * (1 - fj) + g_pixel[gi0, gj0 + 1] * fj) * (1 - fi)
                     + (g_pixel[gi0 + 1, gj0] * (1 - fj) + g_pixel[gi0 + 1, gj0 + 1] * fj) * fi)
            dr = ((g_dr[gi0, gj0] * (1 - fj) + g_dr[gi0, gj0 + 1] * fj) * (1 - fi)
                  + (g_dr[gi0 + 1, gj0] * (1 - fj) + g_dr[gi0 + 1, gj0 + 1] * fj) * fi)
            if not (math.isfinite(sec_l) and math.isfinite(sec_p) and math.isfinite(dr)):
                continue
            x_l = sec_l + corr[0] + corr[1] * line + corr[2] * pixel - b_l0
            x_p = sec_p + corr[3] + corr[4] * line + corr[5] * pixel - b_p0
            acc_re, acc_im = resample_point(block, x_l, x_p, nu, table)
            if nu != 0.0:
                acc_re, acc_im = acc_re * origin_re - acc_im * origin_im, acc_re * origin_im + acc_im * origin_re
            if acc_re == 0.0 and acc_im == 0.0:
                continue
            # secondary with the geometric phase removed: s e^{+j k dR}; interferogram r conj(that)
            c = math.cos(k * dr)
            s = math.sin(k * dr)
            f_re = acc_re * c - acc_im * s
            f_im = acc_re * s + acc_im * c
            a = i // la
            b = j // lr
            out_ifg[a, b] += complex(r.real * f_re + r.imag * f_im, r.imag * f_re - r.real * f_im)
            out_pr[a, b] += r.real * r.real + r.imag * r.imag
            out_ps[a, b] += f_re * f_re + f_im * f_im
