"""The unit-variance band-limited speckle field of one image (beam, polarisation), block by block.

:class:`ReferenceField` is the field of the first acquisition over its scatterer grid
(:mod:`.speckle_field`): output sample k sits on scatterer k, v(m) = rho(m) exp(-4 pi i R(m) /
lambda) with R(m) the slant range of pixel m. A repeat pass supplies its own field object with
the same method (:class:`.repeat_field.RepeatField`).

:class:`SpeckleSource` turns such a field into image blocks: stripmap images are the field
itself; ScanSAR images are the field gated by the beam's raw bursts and normalised per line
(:mod:`.bursts`), computed in chunks of :data:`SCANSAR_CHUNK_LINES` lines (plus the gating margin
on both sides) and narrow column pieces, so memory stays bounded. Point targets
(:func:`point_target_block`) go through the same kernels and burst gating.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional, Sequence, Tuple

import numpy as np

from .bursts import BurstTiming, gate_bursts, gate_margin_lines, kept_fraction
from .speckle_field import (STREAM_REFLECTIVITY, propagation_phasor, pull_azimuth, pull_range,
                            white_field)
from .speckle_kernel import SpeckleKernel

#: Output lines per ScanSAR chunk, and columns per piece of the burst gating.
SCANSAR_CHUNK_LINES = 4096
GATE_COLUMNS = 128
#: Output lines per stripmap chunk, and columns per piece (bounds the scatterer fields in memory).
STRIP_CHUNK_LINES = 512
STRIP_COLUMNS = 4096
#: Transition of the kernels' band edge (cycles per sample) counted in the gating's chirp length.
_BAND_EDGE = 0.06


class ReferenceField:
    """The continuous (ungated) field of the reference acquisition of one beam/polarisation.

    ``grid``: the beam's RadarGrid; ``seed``/``beam``/``polarisation_index``: the scatterer key;
    ``kernel_az``/``kernel_rg``: band-limiting kernels; ``reflectivity(lines, pixels)`` (optional)
    returns the scatterers' reflectivity over a region instead of the seed's white field (used
    by repeat chains).
    """

    def __init__(self, grid, seed: int, beam: int, polarisation_index: int, kernel_az: SpeckleKernel,
                 kernel_rg: SpeckleKernel, reflectivity: Optional[Callable] = None):
        self.grid = grid
        self.seed, self.beam, self.polarisation_index = int(seed), int(beam), int(polarisation_index)
        self.kernel_az, self.kernel_rg = kernel_az, kernel_rg
        self._reflectivity = reflectivity

    def reflectivity(self, lines: Tuple[int, int], pixels: Tuple[int, int]) -> np.ndarray:
        if self._reflectivity is not None:
            return self._reflectivity(lines, pixels)
        return white_field(self.seed, self.beam, self.polarisation_index, STREAM_REFLECTIVITY, lines, pixels)

    def field(self, lines: Tuple[int, int], pixels: Tuple[int, int]) -> np.ndarray:
        """Complex128 field at output lines [l0, l1) x pixels [p0, p1) (any integers)."""
        l0, l1 = lines
        p0, p1 = pixels
        la, lb = l0 - self.kernel_az.half_width + 1, l1 + self.kernel_az.half_width
        pa, pb = p0 - self.kernel_rg.half_width + 1, p1 + self.kernel_rg.half_width
        v = self.reflectivity((la, lb), (pa, pb))
        v *= propagation_phasor(self.grid.range_of_pixel(np.arange(pa, pb)), self.grid.wavelength_m)[None, :]
        q_l = np.broadcast_to(np.arange(l0, l1, dtype=np.float64)[:, None], (l1 - l0, pb - pa))
        a = pull_azimuth(v, la, q_l, self.kernel_az)
        q_p = np.broadcast_to(np.arange(p0, p1, dtype=np.float64)[None, :], (l1 - l0, p1 - p0))
        return pull_range(a, pa, q_p, self.kernel_rg)


class SpeckleSource:
    """Blocks of the unit-variance speckle field of one image (see the module docstring).

    ``field``: an object with ``field((l0, l1), (p0, p1)) -> complex128``; ``lines``/``pixels``:
    the image size; ``bursts``: the beam's BurstTiming (ScanSAR) or None; ``first_line_time_utc``,
    ``prf_hz`` and ``fm_rate`` (callable: pixel -> K_a in Hz/s) for the gating.
    """

    def __init__(self, field, lines: int, pixels: int, *, bursts: Optional[BurstTiming] = None,
                 first_line_time_utc=None, prf_hz: Optional[float] = None,
                 fm_rate: Optional[Callable[[np.ndarray], np.ndarray]] = None):
        self.source, self.lines, self.pixels = field, int(lines), int(pixels)
        self.bursts, self.first_line_time_utc, self.prf_hz, self.fm_rate = bursts, first_line_time_utc, prf_hz, fm_rate
        self._chunk: Optional[Tuple[int, int, np.ndarray]] = None
        self._lock = threading.Lock()
        if bursts is not None:
            band = field.kernel_az.cutoff + _BAND_EDGE
            ka = fm_rate(np.array([0.0, pixels - 1.0]))
            self.margin = gate_margin_lines(ka, prf_hz, band)

    def gate(self, seconds_after_first_line: np.ndarray) -> np.ndarray:
        return self.bursts.gate(seconds_after_first_line, self.first_line_time_utc)

    def block(self, l0: int, l1: int) -> np.ndarray:
        """Complex64 field of image lines [l0, l1) (all pixels), from cached chunks of lines (the
        cache is dropped once the last line has been served)."""
        out = np.empty((l1 - l0, self.pixels), dtype=np.complex64)
        line = l0
        while line < l1:
            c0, c1, chunk = self._chunk_at(line)
            stop = min(l1, c1)
            out[line - l0:stop - l0] = chunk[line - c0:stop - c0]
            line = stop
        if l1 >= self.lines:
            self._chunk = None
        return out

    def _chunk_at(self, line: int) -> Tuple[int, int, np.ndarray]:
        with self._lock:
            if self._chunk is not None and self._chunk[0] <= line < self._chunk[1]:
                return self._chunk
            size = SCANSAR_CHUNK_LINES if self.bursts is not None else STRIP_CHUNK_LINES
            c0 = (line // size) * size
            c1 = min(self.lines, c0 + size)
            self._chunk = None                       # free the previous chunk first
            self._chunk = (c0, c1, self._gated(c0, c1) if self.bursts is not None else self._continuous(c0, c1))
            return self._chunk

    def _continuous(self, c0: int, c1: int) -> np.ndarray:
        out = np.empty((c1 - c0, self.pixels), dtype=np.complex64)
        for p0 in range(0, self.pixels, STRIP_COLUMNS):
            p1 = min(self.pixels, p0 + STRIP_COLUMNS)
            out[:, p0:p1] = self.source.field((c0, c1), (p0, p1))
        return out

    def _gated(self, c0: int, c1: int) -> np.ndarray:
        m = self.margin
        n = c1 - c0
        out = np.empty((n, self.pixels), dtype=np.complex64)
        times = (np.arange(c0 - m, c1 + m) / self.prf_hz)
        gate = self.gate(times)
        norm = self._normalisation(np.arange(c0, c1) / self.prf_hz)
        for p0 in range(0, self.pixels, GATE_COLUMNS):
            p1 = min(self.pixels, p0 + GATE_COLUMNS)
            cont = self.source.field((c0 - m, c1 + m), (p0, p1))
            ka = self.fm_rate(np.arange(p0, p1, dtype=np.float64))
            gated = gate_bursts(cont, gate, ka, self.prf_hz)[m:m + n]
            out[:, p0:p1] = gated * norm(np.arange(p0, p1))
        return out

    def _normalisation(self, times: np.ndarray):
        """Callable pixels -> (lines, len(pixels)) factors 1 / sqrt(kept fraction) (scalloping)."""
        nodes = np.linspace(0.0, self.pixels - 1.0, 5)
        ka_nodes = self.fm_rate(nodes)
        fractions = np.stack([kept_fraction(self.gate, times, float(k), self.source.kernel_az, self.prf_hz)
                              for k in ka_nodes], axis=1)
        scale = 1.0 / np.sqrt(np.maximum(fractions, 1e-6))

        def at(pixels):
            p = np.asarray(pixels, dtype=np.float64)
            w = np.interp(p, nodes, np.arange(len(nodes), dtype=np.float64))
            k = np.clip(np.floor(w).astype(np.int64), 0, len(nodes) - 2)
            f = w - k
            return scale[:, k] * (1.0 - f) + scale[:, k + 1] * f
        return at


def point_target_block(l0: int, l1: int, pixels: int, targets: Sequence, kernel_az: SpeckleKernel,
                       kernel_rg: SpeckleKernel, source: Optional[SpeckleSource] = None) -> Optional[np.ndarray]:
    """The point targets' contribution to image lines [l0, l1) (complex128), or None if none reach it.

    ``targets``: (line, pixel, amplitude, slant range m, wavelength m) each; response amplitude x
    exp(-4 pi i R / lambda) h_a(line - l_t) h_r(pixel - p_t) (unit-energy kernels, so the
    integrated power is amplitude^2). With a ScanSAR ``source`` the azimuth response is gated by
    its bursts and normalised like the speckle.
    """
    out = None
    for line_t, pixel_t, amplitude, slant_range, wavelength in targets:
        reach = kernel_az.half_width + (source.margin if source is not None and source.bursts is not None else 0)
        if line_t + reach < l0 or line_t - reach >= l1:
            continue
        pa = max(0, int(np.floor(pixel_t)) - kernel_rg.half_width + 1)
        pb = min(pixels, int(np.floor(pixel_t)) + kernel_rg.half_width + 1)
        if pa >= pb:
            continue
        phasor = complex(amplitude * propagation_phasor(np.array([slant_range]), wavelength)[0])
        lines = np.arange(l0, l1)
        if source is None or source.bursts is None:
            az = kernel_az(lines - line_t).astype(np.complex128)
        else:
            m = source.margin
            around = np.arange(int(np.floor(line_t)) - m - kernel_az.half_width,
                               int(np.floor(line_t)) + m + kernel_az.half_width + 1)
            resp = kernel_az(around - line_t).astype(np.complex128)[:, None]
            ka = source.fm_rate(np.array([pixel_t]))
            gated = gate_bursts(resp, source.gate(around / source.prf_hz), ka, source.prf_hz)[:, 0]
            gated *= source._normalisation(around / source.prf_hz)(np.array([pixel_t]))[:, 0]
            az = np.zeros(l1 - l0, dtype=np.complex128)
            sel = (lines >= around[0]) & (lines <= around[-1])
            az[sel] = gated[lines[sel] - around[0]]
        if out is None:
            out = np.zeros((l1 - l0, pixels), dtype=np.complex128)
        out[:, pa:pb] += phasor * np.outer(az, kernel_rg(np.arange(pa, pb) - pixel_t))
    return out
