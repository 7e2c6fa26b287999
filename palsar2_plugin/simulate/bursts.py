"""ScanSAR burst timing and the burst-gapped azimuth spectrum of full-aperture L1.1 images.

**Timing.** A ScanSAR beam transmits in bursts: burst n of beam b covers the raw (acquisition)
times [s_b + n T_c, s_b + n T_c + T_b), T_b = N_b / PRF_b the burst length and T_c the cycle,
the same for every beam of the mode (the radar visits the beams in turn). WD1 (WBS/WBD/WWS/WWD)
uses isce2's raw-burst table (``MultiMode/ALOS2.py``, ../shared/docs/ceos_format.md §10): N_b =
358, 470, 358, 355, 487 lines and cycles of 2086.26, 2597.80, 1886.18, 1779.60, 2211.17 lines at
the beams' PRFs, i.e. T_c = 0.783767 s for every beam. Within a cycle the beams follow each other
in order with equal gaps (T_c - sum T_b) / n_beams: beam b starts at s_1 + sum_{k<b} (T_b,k + gap).
WD2 (VBS/VBD, 7 beams) has no published numbers: :data:`WD2_BURSTS` are illustrative.

**In the product.** Full-aperture lines are on the beam's PRF grid in the same UTC time axis as
the raw data, so each line prefix records the raw burst under way at the line's time: bytes
217-220 the burst number (1 = the burst, or gap after it, under way at line 0; then counting up)
and 221-224 the line in that burst (1..N_b while the burst transmits, 0 in the gap after it). The
image file descriptor gives the number of bursts met (449) and N_b (453). A processor finds the
burst starts as the lines whose line-in-burst is 1: the true start lies within the line interval
before it; a straight-line fit over the bursts gives start and cycle to a small fraction of a line.

**Spectrum.** A target at zero-Doppler time t0 is seen at raw time tau with Doppler
f = K_a (tau - t0) (K_a < 0, :func:`azimuth_fm_rate`) over the processed azimuth band
|f| < B_a / 2. Bursts keep only the parts of that band whose raw times fall in a burst: the
full-aperture image is the continuous (stripmap-like) band-limited image *defocused* in azimuth
(spectrum times exp(-i pi f^2 / K_a)), multiplied by the burst gate in raw time, and *refocused*
(times exp(+i pi f^2 / K_a)) (:func:`gate_bursts`). Doppler centroid 0 (zero-Doppler
geometry). So a target keeps the bands f in K_a ([burst start, burst end] - t0), each
|K_a| T_b wide (about 75-100 Hz), |K_a| T_c apart. Each line is then scaled by
1 / sqrt(fraction of its targets' |H_a|^2-weighted band kept) (:func:`kept_fraction`; scalloping
correction), so the mean power follows the radiometric model on every line.

Two acquisitions whose bursts are offset by dt (relative to their targets) share the fraction
max(0, 1 - |dt| / T_b) of each burst's band (isce2's burst synchronisation); without azimuth
common-band filtering the rest decorrelates (:func:`burst_coherence`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

# the azimuth DSP lives once, in the processor's module (the simulator gates with the processor's functions)
from ..insar.azimuth_filter import (azimuth_fm_rate, fm_rate_interpolator, gate_bursts,  # noqa: F401
                                    gate_margin_lines)

#: WD1 raw bursts per beam number: (burst length in lines, cycle in lines) at the beam's PRF (isce2).
WD1_BURSTS: Dict[int, Tuple[int, float]] = {1: (358, 2086.26), 2: (470, 2597.80), 3: (358, 1886.18),
                                             4: (355, 1779.60), 5: (487, 2211.17)}
#: WD2 raw bursts per beam number: illustrative values (not published), cycle 1.02 s.
WD2_BURSTS_S: Dict[int, float] = {1: 0.140, 2: 0.140, 3: 0.140, 4: 0.140, 5: 0.140, 6: 0.140, 7: 0.140}
WD2_CYCLE_S = 1.02


@dataclass(frozen=True)
class BurstTiming:
    """Raw burst timing of one beam: burst starts at ``first_start_utc`` + n ``cycle_s`` (n any
    integer), each ``length_lines`` lines (= length_lines / prf_hz seconds) long."""

    beam: int
    prf_hz: float
    length_lines: int
    cycle_s: float
    first_start_utc: datetime

    @property
    def length_s(self) -> float:
        return self.length_lines / self.prf_hz

    @property
    def cycle_lines(self) -> float:
        return self.cycle_s * self.prf_hz

    def start_line(self, first_line_time_utc: datetime) -> float:
        """Fractional line (0-based, of an image whose line 0 is at ``first_line_time_utc``) of a
        burst start: the first one at or after line 0 - one cycle."""
        delta = (self.first_start_utc - first_line_time_utc).total_seconds() * self.prf_hz
        return float(delta - np.floor(delta / self.cycle_lines) * self.cycle_lines)

    def gate(self, seconds_after: np.ndarray, origin_utc: datetime) -> np.ndarray:
        """1.0 where raw times (s after ``origin_utc``) fall in a burst, else 0.0."""
        offset = (origin_utc - self.first_start_utc).total_seconds()
        phase = np.mod(np.asarray(seconds_after, dtype=np.float64) + offset, self.cycle_s)
        return (phase < self.length_s).astype(np.float64)

    def shifted(self, seconds: float) -> "BurstTiming":
        return BurstTiming(self.beam, self.prf_hz, self.length_lines, self.cycle_s,
                           self.first_start_utc + timedelta(microseconds=round(seconds * 1e6)))

    def as_dict(self) -> dict:
        return {"beam": self.beam, "prf_hz": self.prf_hz, "burst_length_lines": self.length_lines,
                "burst_length_s": self.length_s, "cycle_s": self.cycle_s, "cycle_lines": self.cycle_lines,
                "first_burst_start_utc": self.first_start_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}


def mode_burst_table(mode_code: str, beams: Sequence[Tuple[int, float]]) -> Dict[int, Tuple[int, float, float]]:
    """{beam: (burst length in lines, cycle in s, start offset in the cycle in s)} for a ScanSAR
    mode; ``beams``: (beam number, PRF Hz) of every beam of the mode, in order."""
    prf = dict(beams)
    if mode_code.upper() in ("VBS", "VBD"):
        lengths_s = {b: WD2_BURSTS_S[b] for b in prf}
        cycle = WD2_CYCLE_S
        lines = {b: int(round(lengths_s[b] * prf[b])) for b in prf}
    else:
        lines = {b: WD1_BURSTS[b][0] for b in prf}
        cycle = float(np.mean([WD1_BURSTS[b][1] / prf[b] for b in prf]))
    lengths = {b: lines[b] / prf[b] for b in prf}
    order = sorted(prf)
    gap = (cycle - sum(lengths.values())) / len(order)
    table, offset = {}, 0.0
    for b in order:
        table[b] = (lines[b], cycle, offset)
        offset += lengths[b] + gap
    return table


def scene_burst_timings(mode_code: str, beams: Sequence[Tuple[int, float]], epoch_utc: datetime
                        ) -> Dict[int, BurstTiming]:
    """Burst timing of every beam of a scene whose beam-1 bursts start at ``epoch_utc`` + n T_c."""
    out = {}
    for b, (lines, cycle, offset) in mode_burst_table(mode_code, beams).items():
        prf = dict(beams)[b]
        out[b] = BurstTiming(b, prf, lines, cycle, epoch_utc + timedelta(microseconds=round(offset * 1e6)))
    return out


def prefix_burst_fields(timing: BurstTiming, first_line_time_utc: datetime, line_indices: np.ndarray
                        ) -> Tuple[np.ndarray, np.ndarray]:
    """(burst number, line in burst) of the line prefixes (see the module docstring)."""
    from ..ceos.writer import scansar_burst_fields
    return scansar_burst_fields(line_indices, timing.start_line(first_line_time_utc), timing.cycle_lines,
                                timing.length_lines)


def bursts_in_image(timing: BurstTiming, first_line_time_utc: datetime, lines: int) -> int:
    """Number of distinct burst numbers met by the image's lines."""
    number, _ = prefix_burst_fields(timing, first_line_time_utc, np.array([0, lines - 1]))
    return int(number[-1] - number[0] + 1)


# ---------------------------------------------------------------------------------- the spectrum
def kept_fraction(gate_fn, times_s: np.ndarray, fm_rate_hz_s: float, kernel, prf_hz: float,
                  points: int = 512) -> np.ndarray:
    """Fraction of the |H_a|^2-weighted azimuth band a target at each of ``times_s`` keeps:
    sum_f |H_a(f)|^2 gate(t + f / K_a) / sum_f |H_a(f)|^2 (f over one PRF). ``gate_fn(times)``
    returns 0/1 at raw times (same time axis as ``times_s``)."""
    f_cycles = (np.arange(points) + 0.5) / points - 0.5
    weight = kernel.response(f_cycles) ** 2
    weight /= weight.sum()
    t = np.asarray(times_s, dtype=np.float64)
    out = np.zeros(t.shape)
    for fc, w in zip(f_cycles, weight):
        if w < 1e-9:
            continue
        out += w * gate_fn(t + fc * prf_hz / fm_rate_hz_s)
    return out


def burst_coherence(gate_ref, times_ref: np.ndarray, gate_sec, times_sec: np.ndarray, fm_rate_hz_s,
                    kernel, prf_hz: float, doppler_shift_cycles=0.0, points: int = 512) -> np.ndarray:
    """Azimuth coherence of targets seen at ``times_ref`` (reference raw time axis) and
    ``times_sec`` (secondary) without common-band filtering:
    |sum_f H(f) H(f - df) G1(t1 + f/K) G2(t2 + (f - df)/K)| / sqrt(sum H^2 G1 . sum H^2 G2),
    f over one PRF in cycles per line, df = (2 / lambda) d(R_sec - R_ref)/d(line) the azimuth
    spectral shift (cycles per line): the secondary holds the reference's spectral component f at
    f - df (its scatterers carry the extra phase ramp exp(-4 pi i (R_sec - R_ref) / lambda)), i.e.
    at another raw time of its bursts."""
    f_cycles = (np.arange(points) + 0.5) / points - 0.5
    h = kernel.response(f_cycles)
    t1 = np.asarray(times_ref, dtype=np.float64)
    t2 = np.asarray(times_sec, dtype=np.float64)
    ka = np.asarray(fm_rate_hz_s, dtype=np.float64)
    df = np.asarray(doppler_shift_cycles, dtype=np.float64)
    num = np.zeros(np.broadcast(t1, t2, ka, df).shape)
    p1 = np.zeros_like(num)
    p2 = np.zeros_like(num)
    for fc, hv in zip(f_cycles, h):
        if hv * hv < 1e-9 * h.max() ** 2:
            continue
        g1 = gate_ref(t1 + fc * prf_hz / ka)
        shifted = fc - df
        g2 = gate_sec(t2 + shifted * prf_hz / ka)
        h2 = kernel.response_fast(shifted)
        num += hv * h2 * g1 * g2
        p1 += hv * hv * g1
        p2 += hv * hv * gate_sec(t2 + fc * prf_hz / ka)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((p1 > 0) & (p2 > 0), np.abs(num) / np.sqrt(p1 * p2), 0.0)


def describe(timing: Optional[BurstTiming]) -> Optional[dict]:
    return None if timing is None else timing.as_dict()
