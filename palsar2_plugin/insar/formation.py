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

from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from . import looks as looks_mod
from .geometry_model import CoregistrationGeometry, upsample_block
from .resample import TAPS, resample
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
              is_cancelled: Optional[CancelCheck] = None) -> None:
    """Fill the multilooked arrays (shape (lines // la, pixels // lr); memmaps) of one beam."""
    la, lr = looks
    g = sources.ref_grid
    n_az, n_rg = g.lines // la, g.pixels // lr
    step = (max(1, la // 2), max(1, lr // 2))
    cols = max(lr, min(n_rg * lr, (4096 // lr) * lr))
    rows = max(la, (max(1, TILE_PIXELS // cols) // la) * la)
    k = 4.0 * np.pi / sources.wavelength_m
    tiles = [(r, c) for r in range(0, n_az * la, rows) for c in range(0, n_rg * lr, cols)]
    for index, (r0, c0) in enumerate(tiles):
        check_cancelled(is_cancelled)
        r1, c1 = min(r0 + rows, n_az * la), min(c0 + cols, n_rg * lr)
        lines = np.arange(r0, r1)
        pixels = np.arange(c0, c1)
        ref = _native(ref_reader.samples(r0, r1)[:, c0:c1])
        pos = tile_positions(geometry, lines, pixels, step, correction)
        sec = resample_secondary(sec_window, pos.sec_line, pos.sec_pixel, sources.sec_azimuth_cycles_per_line)
        phase = np.where(np.isfinite(pos.delta_range_m), -k * pos.delta_range_m, 0.0)
        sec_flat = sec * np.exp(-1j * phase).astype(np.complex64)     # ref x conj(sec e^{-j phi}) = r s* e^{-j k dR}
        sec_flat[~np.isfinite(pos.delta_range_m)] = 0
        ifg, pr, ps = looks_mod.multilook_pair(ref, sec_flat, la, lr)
        out_ifg[r0 // la:r1 // la, c0 // lr:c1 // lr] = ifg
        out_ref_power[r0 // la:r1 // la, c0 // lr:c1 // lr] = pr
        out_sec_power[r0 // la:r1 // la, c0 // lr:c1 // lr] = ps
        report(progress, (index + 1) / len(tiles), "Forming the interferogram")
