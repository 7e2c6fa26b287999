"""Sub-pixel offsets between SLC chips from amplitude cross-correlation, and their robust low-order fit.

:func:`chip_offset`: both complex chips are oversampled x2 (FFT zero padding, so that the detected
intensity is band-limited), detected (|z|^2), made zero-mean and cross-correlated through the FFT;
the integer peak is then refined on the band-limited correlation surface itself with a matrix
(upsampled) DFT around it, to 1/512 of a pixel. Result: (d_line, d_pixel) in input pixels such that
the secondary chip holds the reference's content at x + d (sum_x ref(x) sec(x + d) is largest).

:func:`fit_offsets`: a constant or affine (in line, pixel) model fitted by least squares to the
offsets of many chips, after dropping chips with a weak peak and, iteratively, those more than
3 robust standard deviations (1.4826 MAD) from the fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np


def _oversample2(chip: np.ndarray) -> np.ndarray:
    """Complex chip oversampled x2 in both directions by zero padding its spectrum (centred on zero)."""
    n, m = chip.shape
    spec = np.fft.fftshift(np.fft.fft2(chip))
    padded = np.zeros((2 * n, 2 * m), dtype=np.complex128)
    padded[n // 2:n // 2 + n, m // 2:m // 2 + m] = spec
    return np.fft.ifft2(np.fft.ifftshift(padded)) * 4.0


def _dft_correlation(cross_spectrum: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Real correlation at fractional shifts ``rows`` x ``cols`` (samples) from its spectrum."""
    ny, nx = cross_spectrum.shape
    ky = np.fft.fftfreq(ny) * ny
    kx = np.fft.fftfreq(nx) * nx
    ey = np.exp(2j * np.pi * np.outer(rows, ky) / ny)
    ex = np.exp(2j * np.pi * np.outer(kx, cols) / nx)
    return (ey @ cross_spectrum @ ex).real / (ny * nx)


@dataclass(frozen=True)
class ChipOffset:
    """One chip's measurement: centre (line, pixel) in the reference, offset (lines, pixels), peak
    correlation coefficient and signal-to-noise ratio of the peak."""

    line: float
    pixel: float
    d_line: float
    d_pixel: float
    correlation: float
    snr: float


def chip_offset(reference: np.ndarray, secondary: np.ndarray) -> Tuple[float, float, float, float]:
    """(d_line, d_pixel, correlation coefficient, peak SNR) of two complex chips of one shape."""
    a = np.abs(_oversample2(np.asarray(reference, dtype=np.complex128))) ** 2
    b = np.abs(_oversample2(np.asarray(secondary, dtype=np.complex128))) ** 2
    a -= a.mean()
    b -= b.mean()
    norm = np.sqrt(np.sum(a * a) * np.sum(b * b))
    if not norm > 0:
        return float("nan"), float("nan"), 0.0, 0.0
    cross = np.conj(np.fft.fft2(a)) * np.fft.fft2(b)
    surface = np.fft.ifft2(cross).real
    ny, nx = surface.shape
    peak = np.unravel_index(int(np.argmax(surface)), surface.shape)
    py = peak[0] if peak[0] <= ny // 2 else peak[0] - ny
    px = peak[1] if peak[1] <= nx // 2 else peak[1] - nx
    # noise: the surface away from the peak (outside +-4 oversampled samples)
    yy = (np.arange(ny)[:, None] - peak[0] + ny // 2) % ny - ny // 2
    xx = (np.arange(nx)[None, :] - peak[1] + nx // 2) % nx - nx // 2
    away = (np.abs(yy) > 4) | (np.abs(xx) > 4)
    noise = float(np.sqrt(np.mean(surface[away] ** 2))) if away.any() else 0.0
    snr = float(surface[peak] / noise) if noise > 0 else float("inf")
    # refine: +-1.2 samples at 1/32, then +-1/32 at 1/512 (oversampled samples)
    cy, cx = float(py), float(px)
    for half, step in ((1.2, 1.0 / 32.0), (1.0 / 32.0, 1.0 / 512.0)):
        rows = cy + np.arange(-half, half + step / 2, step)
        cols = cx + np.arange(-half, half + step / 2, step)
        fine = _dft_correlation(cross, rows, cols)
        iy, ix = np.unravel_index(int(np.argmax(fine)), fine.shape)
        cy, cx = float(rows[iy]), float(cols[ix])
    best = float(_dft_correlation(cross, np.array([cy]), np.array([cx]))[0, 0])
    return cy / 2.0, cx / 2.0, best / norm, snr


def chip_grid(lines: int, pixels: int, chip: Tuple[int, int], count: Tuple[int, int],
              margin: int = 16) -> List[Tuple[int, int]]:
    """Top-left corners (line, pixel) of up to count[0] x count[1] chips of size ``chip`` spread
    evenly over an image of ``lines`` x ``pixels``, ``margin`` pixels from its edges."""
    out = []
    ch, cw = chip
    l_space = lines - ch - 2 * margin
    p_space = pixels - cw - 2 * margin
    if l_space < 0 or p_space < 0:
        return out
    for i in range(count[0]):
        l0 = margin + (int(round(l_space * (i + 0.5) / count[0])) if count[0] > 1 else l_space // 2)
        for j in range(count[1]):
            p0 = margin + (int(round(p_space * (j + 0.5) / count[1])) if count[1] > 1 else p_space // 2)
            out.append((l0, p0))
    return out


@dataclass
class OffsetFit:
    """A low-order model of the offsets: d = c0 + c1 * (line - line0) + c2 * (pixel - pixel0) per axis
    (``order`` 0: constant only). ``rms`` is the scatter (pixels) of the kept chips about the fit,
    ``standard_error`` that of the constant term; ``used``/``total`` chips."""

    order: int
    line0: float
    pixel0: float
    line_coefficients: Tuple[float, ...]
    pixel_coefficients: Tuple[float, ...]
    rms_line: float
    rms_pixel: float
    standard_error_line: float
    standard_error_pixel: float
    used: int
    total: int
    chips: List[ChipOffset] = field(default_factory=list, repr=False)

    def evaluate(self, line, pixel) -> Tuple[np.ndarray, np.ndarray]:
        """(d_line, d_pixel) of the model at (line, pixel) (arrays broadcast)."""
        design = _design(np.asarray(line, dtype=np.float64) - self.line0,
                         np.asarray(pixel, dtype=np.float64) - self.pixel0, self.order)
        return (sum(c * d for c, d in zip(self.line_coefficients, design)),
                sum(c * d for c, d in zip(self.pixel_coefficients, design)))

    def as_dict(self) -> dict:
        return {"order": self.order, "line0": self.line0, "pixel0": self.pixel0,
                "line_coefficients": list(self.line_coefficients),
                "pixel_coefficients": list(self.pixel_coefficients),
                "rms_line_px": self.rms_line, "rms_pixel_px": self.rms_pixel,
                "standard_error_line_px": self.standard_error_line,
                "standard_error_pixel_px": self.standard_error_pixel,
                "chips_used": self.used, "chips_measured": self.total}


def _design(dl: np.ndarray, dp: np.ndarray, order: int):
    one = np.ones(np.broadcast(dl, dp).shape)
    if order == 0:
        return [one]
    return [one, dl / 1000.0, dp / 1000.0]


def fit_offsets(chips: Sequence[ChipOffset], order: int = 0, min_snr: float = 4.0,
                min_chips: int = 5) -> Optional[OffsetFit]:
    """Robust fit of ``chips`` (see the module docstring); None when fewer than ``min_chips`` survive."""
    good = [c for c in chips if c.snr >= min_snr and np.isfinite(c.d_line) and np.isfinite(c.d_pixel)]
    if len(good) < max(min_chips, 3 if order else 1):
        return None
    line = np.array([c.line for c in good])
    pixel = np.array([c.pixel for c in good])
    dl = np.array([c.d_line for c in good])
    dp = np.array([c.d_pixel for c in good])
    line0, pixel0 = float(np.mean(line)), float(np.mean(pixel))
    if order and (np.ptp(line) == 0 or np.ptp(pixel) == 0):
        order = 0
    a = np.stack(_design(line - line0, pixel - pixel0, order), axis=1)
    keep = np.ones(len(good), dtype=bool)
    for _ in range(10):
        if keep.sum() < max(min_chips, a.shape[1] + 1):
            return None
        cl, *_ = np.linalg.lstsq(a[keep], dl[keep], rcond=None)
        cp, *_ = np.linalg.lstsq(a[keep], dp[keep], rcond=None)
        rl, rp = dl - a @ cl, dp - a @ cp
        sl = max(1.4826 * np.median(np.abs(rl[keep] - np.median(rl[keep]))), 0.002)
        sp = max(1.4826 * np.median(np.abs(rp[keep] - np.median(rp[keep]))), 0.002)
        new = (np.abs(rl) <= 3 * sl) & (np.abs(rp) <= 3 * sp)
        if np.array_equal(new, keep):
            break
        keep = new
    n = int(keep.sum())
    dof = max(1, n - a.shape[1])
    rms_l = float(np.sqrt(np.sum(rl[keep] ** 2) / dof))
    rms_p = float(np.sqrt(np.sum(rp[keep] ** 2) / dof))
    return OffsetFit(order, line0, pixel0, tuple(float(c) for c in cl), tuple(float(c) for c in cp),
                     rms_l, rms_p, rms_l / np.sqrt(n), rms_p / np.sqrt(n), n, len(chips),
                     [c for c, k in zip(good, keep) if k])
