"""Complex multilooking and coherence on the same window (pure tile functions).

For a window of ``looks_az`` lines x ``looks_rg`` pixels the sums
  I = sum(r conj(s)), P_r = sum |r|^2, P_s = sum |s|^2
give the multilooked interferogram I (its phase: the interferometric phase), the coherence
|I| / sqrt(P_r P_s) (0..1) and the mean powers P_r / n, P_s / n. Output cell (i, j) covers input
lines [i*la, (i+1)*la) and pixels [j*lr, (j+1)*lr) (an incomplete last window is dropped), as
``ceos.image.multilook_intensity``. Pixels that are no data (0 in either image) count as nothing;
a window with no valid pixel gives NaN coherence and power.

Coherence bias: for L independent looks and true coherence g the estimate's mean exceeds g
(Touzi et al. 1999; at g = 0 about sqrt(pi / 4L)): :func:`expected_coherence`.
"""

from __future__ import annotations

import math
from typing import Tuple

import numpy as np


def window_sums(values: np.ndarray, looks_az: int, looks_rg: int) -> np.ndarray:
    """Sum of ``values`` over (looks_az x looks_rg) windows; trailing incomplete windows dropped."""
    n, m = values.shape
    na, nr = n // looks_az, m // looks_rg
    v = values[:na * looks_az, :nr * looks_rg]
    return v.reshape(na, looks_az, nr, looks_rg).sum(axis=(1, 3))


def multilook_pair(reference: np.ndarray, secondary: np.ndarray, looks_az: int, looks_rg: int
                   ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(interferogram sums complex64, reference power sums float32, secondary power sums float32).

    ``reference``/``secondary``: complex blocks of one shape, the secondary already coregistered and
    its geometric phase removed (or pass ``secondary`` = conj-compensated). Pixels where either is
    0 (no data) are left out of all three sums.
    """
    r = np.asarray(reference)
    s = np.asarray(secondary)
    valid = (r != 0) & (s != 0)
    r = np.where(valid, r, 0)
    s = np.where(valid, s, 0)
    ifg = window_sums((r * np.conj(s)).astype(np.complex128), looks_az, looks_rg)
    pr = window_sums((r.real.astype(np.float64) ** 2 + r.imag.astype(np.float64) ** 2), looks_az, looks_rg)
    ps = window_sums((s.real.astype(np.float64) ** 2 + s.imag.astype(np.float64) ** 2), looks_az, looks_rg)
    return ifg.astype(np.complex64), pr.astype(np.float32), ps.astype(np.float32)


def coherence(ifg_sums: np.ndarray, power_ref_sums: np.ndarray, power_sec_sums: np.ndarray) -> np.ndarray:
    """|sum r s*| / sqrt(sum|r|^2 sum|s|^2), float32 in [0, 1]; NaN where a power is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.abs(ifg_sums) / np.sqrt(power_ref_sums.astype(np.float64) * power_sec_sums.astype(np.float64))
    g[~(np.asarray(power_ref_sums) > 0) | ~(np.asarray(power_sec_sums) > 0)] = np.nan
    return np.clip(g, 0.0, 1.0).astype(np.float32)


def expected_coherence(true_coherence: float, looks: float, terms: int = 100000) -> float:
    """Mean of the sample coherence magnitude for ``looks`` independent looks and a true coherence
    (Touzi et al. 1999): Gamma(L) Gamma(3/2) / Gamma(L + 1/2) (1 - g^2)^L 3F2(3/2, L, L; L + 1/2, 1; g^2).
    ``looks`` may be fractional (equivalent independent looks)."""
    g2 = float(true_coherence) ** 2
    L = float(looks)
    if g2 >= 1.0:
        return 1.0
    log_front = math.lgamma(L) + math.lgamma(1.5) - math.lgamma(L + 0.5) + L * math.log1p(-g2)
    if g2 == 0.0:
        return math.exp(log_front)
    # the series' terms rise to a peak near k = L g / (1 - g) before they fall: sum in logarithms
    logs, log_term, peak = [], 0.0, 0.0
    for k in range(terms):
        logs.append(log_term)
        peak = max(peak, log_term)
        if log_term < peak - 40.0:
            break
        log_term += math.log((1.5 + k) * (L + k) * (L + k) / ((L + 0.5 + k) * (1.0 + k) * (1.0 + k)) * g2)
    total = sum(math.exp(v - peak) for v in logs)
    return math.exp(log_front + peak) * total


def independent_looks(looks_az: int, looks_rg: int, azimuth_bandwidth_fraction: float = 1.0,
                      range_bandwidth_fraction: float = 1.0) -> float:
    """Equivalent independent looks of a window: looks x (bandwidth / sampling rate) per direction."""
    return looks_az * min(1.0, azimuth_bandwidth_fraction) * looks_rg * min(1.0, range_bandwidth_fraction)
