"""The band-limiting kernel of simulated SLCs and what it implies for coherence.

A real L1.1 SLC is band-limited: its range spectrum covers the chirp bandwidth B_r inside the
sampling rate f_s, its azimuth spectrum the processed Doppler bandwidth B_a inside the PRF. The
simulator makes speckle the same way (:mod:`.speckle_field`): white circular Gaussian scatterers,
one per sample of the reference acquisition's radar grid, filtered by the separable kernel
h_a(line) h_r(pixel) of this module. A secondary acquisition evaluates the same continuous,
band-limited field at its own (fractional) sample positions, so a processor's band-limited
resampler recovers it.

Kernel (one dimension, x in samples, cutoff f_c = B / (2 f_s) in cycles per sample)::

    h(x) = A sinc(2 f_c x) kaiser(x / L, beta),    |x| <= L (zero beyond),

the Kaiser window w(u) = I0(beta sqrt(1 - u^2)) / I0(beta), A chosen so that sum_j h(j)^2 = 1
(unit output variance for unit-variance white input). Defaults L = 16 samples, beta = 6: the
response H(f) is flat within 0.1 dB to about f_c - 0.05 and below -55 dB beyond f_c + 0.06 cycles
per sample. Point targets use the same kernel, so their response is real and positive within
+-0.5 sample of the peak (its phase there is the target's own phase).

Spectral (geometric) coherence: multiplying the white scatterers by a phase ramp of Delta f cycles
per sample (the spectral shift of a baseline: a gradient of R_sec - R_ref across samples) and
filtering again keeps only the common part of the two spectra, so the coherence an ideal processor
measures without common-band filtering is

    gamma(Delta f) = |sum_f H(f) H*(f + Delta f)| / sum_f |H(f)|^2

(frequencies modulo 1 cycle per sample, as for sampled white noise); about 1 - |Delta f| / (2 f_c)
for small shifts. :meth:`SpeckleKernel.spectral_coherence` evaluates it on the kernel's own H.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: Default half-width L (samples) and Kaiser beta of the band-limiting kernels.
DEFAULT_HALF_WIDTH = 16
DEFAULT_KAISER_BETA = 6.0
#: Fractional positions per sample in the kernel look-up tables.
LUT_STEPS = 8192
#: Frequency samples per cycle for the spectral computations.
_SPECTRUM_POINTS = 4096


@dataclass(frozen=True)
class SpeckleKernel:
    """One-dimensional band-limiting kernel (see the module docstring).

    ``cutoff``: f_c in cycles per sample (half the bandwidth over the sampling rate, < 0.5);
    ``half_width``: L in samples; ``beta``: Kaiser window parameter.
    """

    cutoff: float
    half_width: int = DEFAULT_HALF_WIDTH
    beta: float = DEFAULT_KAISER_BETA

    def __post_init__(self):
        if not 0.0 < self.cutoff < 0.5:
            raise ValueError(f"kernel cutoff must be in (0, 0.5) cycles per sample, got {self.cutoff}")
        if int(self.half_width) < 2:
            raise ValueError("kernel half-width must be at least 2 samples")
        object.__setattr__(self, "half_width", int(self.half_width))

    # ------------------------------------------------------------------ the kernel
    def _shape(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        u = x / self.half_width
        inside = np.abs(u) <= 1.0
        window = np.where(inside, np.i0(self.beta * np.sqrt(np.clip(1.0 - u * u, 0.0, 1.0))), 0.0)
        return np.sinc(2.0 * self.cutoff * x) * window / np.i0(self.beta)

    @cached_property
    def amplitude(self) -> float:
        """A of the module docstring: sum over integer taps of h^2 is 1."""
        taps = self._shape(np.arange(-self.half_width, self.half_width + 1))
        return float(1.0 / np.sqrt(np.sum(taps * taps)))

    def __call__(self, x) -> np.ndarray:
        """h(x) (float64) at offsets ``x`` in samples."""
        return self.amplitude * self._shape(x)

    @property
    def taps(self) -> int:
        """Taps per output sample: 2 L (offsets floor(q) - L + 1 .. floor(q) + L)."""
        return 2 * self.half_width

    @cached_property
    def lut(self) -> np.ndarray:
        """(LUT_STEPS + 1, 2 L) float64 table: row k holds h(k / LUT_STEPS + L - 1 - i) for tap i.

        For an output at position q the input samples are m_i = floor(q) - L + 1 + i and the weights
        h(q - m_i) = row round(frac(q) * LUT_STEPS) (nearest row; error below 2e-4 of the peak).
        """
        frac = np.arange(LUT_STEPS + 1)[:, None] / LUT_STEPS
        offsets = frac + (self.half_width - 1) - np.arange(self.taps)[None, :]
        return self(offsets)

    # ------------------------------------------------------------------ its spectrum
    @cached_property
    def _frequencies(self) -> np.ndarray:
        return (np.arange(_SPECTRUM_POINTS) - _SPECTRUM_POINTS // 2) / _SPECTRUM_POINTS

    def response(self, frequency) -> np.ndarray:
        """H(f) = sum_j h(j) exp(-2 pi i f j) of the integer taps (real: the kernel is symmetric)."""
        f = np.asarray(frequency, dtype=np.float64)
        j = np.arange(-self.half_width, self.half_width + 1)
        h = self(j)
        return np.tensordot(np.cos(2.0 * np.pi * f[..., None] * j), h, axes=([-1], [0]))

    @cached_property
    def _response_table(self) -> np.ndarray:
        return self.response(np.arange(_SPECTRUM_POINTS + 1) / _SPECTRUM_POINTS - 0.5)

    def response_fast(self, frequency) -> np.ndarray:
        """:meth:`response` interpolated linearly from a table of 4096 points per cycle (error < 1e-5
        of the peak), for many frequencies at once; periodic with period 1."""
        x = (np.mod(np.asarray(frequency, dtype=np.float64) + 0.5, 1.0)) * _SPECTRUM_POINTS
        k = np.minimum(np.floor(x).astype(np.int64), _SPECTRUM_POINTS - 1)
        w = x - k
        table = self._response_table
        return (1.0 - w) * table[k] + w * table[k + 1]

    @cached_property
    def power_spectrum(self) -> np.ndarray:
        """|H(f)|^2 on the grid ``_frequencies`` (cycles per sample, -0.5 .. 0.5)."""
        return self.response(self._frequencies) ** 2

    def spectral_coherence(self, shift) -> np.ndarray:
        """gamma(Delta f) of the module docstring for shifts in cycles per sample (any shape)."""
        shift = np.asarray(shift, dtype=np.float64)
        h = self.response(self._frequencies)
        total = float(np.sum(h * h))
        # the correlation of H with its shifted copy, modulo one cycle, tabulated by FFT
        corr = np.fft.ifft(np.abs(np.fft.fft(h)) ** 2).real  # circular autocorrelation of H over f
        table = np.abs(corr) / total
        x = np.mod(shift, 1.0) * _SPECTRUM_POINTS
        k = np.floor(x).astype(np.int64)
        w = x - k
        value = (1.0 - w) * table[k % _SPECTRUM_POINTS] + w * table[(k + 1) % _SPECTRUM_POINTS]
        return np.clip(value, 0.0, 1.0)

    @cached_property
    def independent_fraction(self) -> float:
        """Independent samples per sample of the filtered field: (sum |H|^2)^2 / (N sum |H|^4) over
        one cycle (2 f_c for an ideal rectangular band); multiply a window's sample count by it (per
        dimension) for the number of independent looks of a coherence or intensity estimate."""
        p = self.power_spectrum
        return float(np.sum(p) ** 2 / (len(p) * np.sum(p * p)))


def kernel_for_band(bandwidth_hz: float, sampling_hz: float, half_width: int = DEFAULT_HALF_WIDTH,
                    beta: float = DEFAULT_KAISER_BETA) -> SpeckleKernel:
    """The kernel of a band of ``bandwidth_hz`` sampled at ``sampling_hz`` (cutoff B / (2 f_s))."""
    return SpeckleKernel(0.5 * float(bandwidth_hz) / float(sampling_hz), half_width, beta)
