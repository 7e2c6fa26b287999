"""Azimuth common-band filtering of ScanSAR full-aperture pairs, and the azimuth DSP it shares with the
simulator (:mod:`palsar2_plugin.simulate.bursts` gates its images with these same functions).

A target at zero-Doppler time t0 is seen at raw time tau with Doppler f = K_a (tau - t0) (K_a < 0,
:func:`azimuth_fm_rate`). Its full-aperture spectrum keeps the parts of the band whose raw times fell in
a burst. Two acquisitions whose bursts are offset by dt (relative to their targets) share only the part
where both were in a burst; the rest of each is uncorrelated and lowers the coherence by about the
overlap fraction. The **common gate** of an acquisition is its own burst windows times the other's,
mapped into its raw time by the azimuth offset of the scene centre (the offset
:func:`.bursts.beam_burst_sync` uses). Filtering = defocus each column in azimuth (spectrum times
exp(-i pi f^2 / K_a)), multiply by the common gate in raw time, refocus (:func:`gate_bursts`). Both images
are filtered by blocks of lines with :func:`gate_margin_lines` of context on each side and written to a
scratch file (:func:`filter_beam`); the filtered image is then scaled by 1 / sqrt(kept fraction of the
band) so that the mean backscatter stays calibrated.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from ..geometry.range_doppler import geolocate
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report

#: Output lines filtered at once (plus the margin each side), and columns per FFT block.
FILTER_BLOCK_LINES = 4096
FILTER_COLUMNS = 256


def azimuth_fm_rate(orbit, grid, pixels: np.ndarray, line: float) -> np.ndarray:
    """K_a (Hz/s, negative) of the zero-Doppler targets on the ellipsoid at ``pixels`` of ``line``:
    K_a = -(2 / lambda) (|V|^2 + A . (S - P)) / R (second time derivative of the slant range at
    zero Doppler; S, V, A the sensor's Earth-fixed position, velocity and acceleration)."""
    from ..geometry.ellipsoid import geodetic_to_ecef
    t = grid.time_of_line(float(line))
    r = grid.range_of_pixel(np.asarray(pixels, dtype=np.float64))
    lat, lon = geolocate(orbit, np.full(r.shape, t), r, 0.0, grid.look_side)
    p = geodetic_to_ecef(lat, lon, 0.0)
    s, v, a = orbit.position_velocity_acceleration(np.array([t]))
    d = s[0] - p
    rng = np.linalg.norm(d, axis=-1)
    return -(2.0 / grid.wavelength_m) * (np.dot(v[0], v[0]) + d @ a[0]) / rng


def fm_rate_interpolator(orbit, grid, line: float, samples: int = 9):
    """K_a as a function of (fractional) pixel, from ``samples`` exact values across the beam."""
    pixels = np.linspace(-0.05 * grid.pixels, 1.05 * grid.pixels, samples)
    values = azimuth_fm_rate(orbit, grid, pixels, line)

    def at(p):
        return np.interp(np.asarray(p, dtype=np.float64), pixels, values)
    return at


def gate_margin_lines(fm_rate_hz_s: np.ndarray, prf_hz: float, band_cycles: float) -> int:
    """Lines needed on each side of an output block by :func:`gate_bursts`: the duration of a
    target's raw signal over the band +-``band_cycles`` x PRF (one chirp length)."""
    return int(np.ceil(2.0 * band_cycles * prf_hz / np.min(np.abs(fm_rate_hz_s)) * prf_hz)) + 4


def gate_bursts(block: np.ndarray, gate: np.ndarray, fm_rate_hz_s: np.ndarray, prf_hz: float,
                doppler_hz: float = 0.0) -> np.ndarray:
    """Defocus each column in azimuth, multiply by the raw-time ``gate`` (one value per line), refocus.

    ``block``: (lines, columns) complex; ``gate`` (lines,) 0/1; ``fm_rate_hz_s`` (columns,) K_a of each
    column; ``doppler_hz``: the centre of the azimuth band (frequencies taken within +-PRF/2 of it).
    Zero padding keeps the operation free of wrap-around for lines more than :func:`gate_margin_lines`
    from the block's ends; the lines nearer the ends are not valid (trim them).
    """
    n = block.shape[0]
    margin = int(np.ceil(prf_hz * prf_hz / np.min(np.abs(fm_rate_hz_s))))
    size = _fast_length(n + margin)
    f = np.fft.fftfreq(size, d=1.0 / prf_hz)
    if doppler_hz:
        f = doppler_hz + np.mod(f - doppler_hz + 0.5 * prf_hz, prf_hz) - 0.5 * prf_hz
    f = f[:, None]
    chirp = np.exp(-1j * np.pi * f * f / np.asarray(fm_rate_hz_s, dtype=np.float64)[None, :])
    spectrum = np.fft.fft(block, n=size, axis=0)
    raw = np.fft.ifft(spectrum * chirp, axis=0)
    raw[:n] *= np.asarray(gate, dtype=np.float64)[:, None]
    raw[n:] = 0.0
    spectrum = np.fft.fft(raw, axis=0)
    return np.fft.ifft(spectrum * np.conj(chirp), axis=0)[:n]


def _fast_length(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n."""
    best = 1 << int(np.ceil(np.log2(max(n, 1))))
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            value = p35
            while value < n:
                value *= 2
            best = min(best, value)
            p35 *= 3
        p5 *= 5
    return best


def filter_beam(reader, grid, fm_rate: Callable[[np.ndarray], np.ndarray], gate: Callable[[np.ndarray], np.ndarray],
                kept: float, out_path: str, doppler_hz: float = 0.0, progress: Optional[ProgressCallback] = None,
                is_cancelled: Optional[CancelCheck] = None) -> np.ndarray:
    """The beam image of ``reader`` (an ``ImageReader``) filtered with the raw-time ``gate`` (callable:
    seconds on the grid's time axis -> 0/1) and scaled by 1 / sqrt(``kept``), written to ``out_path``
    (native complex64, lines x pixels; a memory map is returned). ``fm_rate``: pixel -> K_a (Hz/s).
    Blocks of :data:`FILTER_BLOCK_LINES` lines with :func:`gate_margin_lines` of context each side
    (zeros beyond the image), :data:`FILTER_COLUMNS` columns per FFT: memory bounded whatever the size.
    Samples that were exactly 0 (no data) stay 0."""
    lines, pixels, prf = grid.lines, grid.pixels, 1.0 / grid.line_interval_s
    margin = gate_margin_lines(fm_rate(np.array([0.0, pixels - 1.0])), prf, 0.5)
    out = np.lib.format.open_memmap(out_path, mode="w+", dtype=np.complex64, shape=(lines, pixels))
    scale = 1.0 / np.sqrt(max(kept, 1e-6))
    starts = range(0, lines, FILTER_BLOCK_LINES)
    for k, l0 in enumerate(starts):
        l1 = min(lines, l0 + FILTER_BLOCK_LINES)
        a0, a1 = max(0, l0 - margin), min(lines, l1 + margin)
        g = gate(grid.time_of_line(np.arange(a0, a1, dtype=np.float64)))
        rows = np.asarray(reader.samples(a0, a1), dtype=np.complex64)   # read once, filtered by strips
        for p0 in range(0, pixels, FILTER_COLUMNS):
            check_cancelled(is_cancelled)
            p1 = min(pixels, p0 + FILTER_COLUMNS)
            block = rows[:, p0:p1]
            ka = fm_rate(np.arange(p0, p1, dtype=np.float64))
            filtered = gate_bursts(block, g, ka, prf, doppler_hz)[l0 - a0:l1 - a0] * scale
            filtered[block[l0 - a0:l1 - a0] == 0] = 0
            out[l0:l1, p0:p1] = filtered
        report(progress, (k + 1) / len(starts), "Azimuth common-band filtering")
    out.flush()
    return out


class FilteredReader:
    """Stands in for an ``ImageReader`` over a filtered image (:func:`filter_beam`'s memory map)."""

    is_mapped = True

    def __init__(self, array: np.ndarray):
        self.array = array

    def samples(self, start: int, stop: int) -> np.ndarray:
        return self.array[start:stop]

    def block_lines(self, multiple: int = 1, block_bytes: int = 64 << 20) -> int:
        row = self.array.shape[1] * self.array.itemsize
        return max(multiple, (max(1, block_bytes // row) // multiple) * multiple)
