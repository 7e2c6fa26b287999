"""Log-ratio of two backscatter tiles and its classification (pure tile functions).

Inputs are linear power (γ⁰/σ⁰ intensity). The log-ratio is 10·log10(after / before) in dB:
positive where backscatter increased. NaN where either input is NaN or not positive.
"""

from __future__ import annotations

import numpy as np

#: Class codes of a thresholded log-ratio.
NO_CHANGE = 0
INCREASE = 1
DECREASE = 2
CLASS_NAMES = {INCREASE: "increase", DECREASE: "decrease"}


def log_ratio_db(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """10·log10(after / before) in dB (float32), NaN where either value is missing or <= 0."""
    b = np.asarray(before, dtype=np.float64)
    a = np.asarray(after, dtype=np.float64)
    valid = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 10.0 * (np.log10(np.where(valid, a, 1.0)) - np.log10(np.where(valid, b, 1.0)))
    return np.where(valid, ratio, np.nan).astype(np.float32)


def classify(ratio_db: np.ndarray, threshold_db: float) -> np.ndarray:
    """uint8 classes: INCREASE where ratio >= threshold, DECREASE where <= -threshold, else NO_CHANGE."""
    if not threshold_db > 0:
        raise ValueError("the change threshold must be a positive number of dB")
    r = np.asarray(ratio_db)
    out = np.zeros(r.shape, dtype=np.uint8)
    with np.errstate(invalid="ignore"):
        out[r >= threshold_db] = INCREASE
        out[r <= -threshold_db] = DECREASE
    return out
