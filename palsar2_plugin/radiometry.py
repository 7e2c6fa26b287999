"""Radiometric calibration of PALSAR-2 products: sigma0, beta0, gamma0 in LINEAR POWER.

JAXA (calval 2014-11-20): L1.1 sigma0[dB] = 10 log10 <I^2 + Q^2> + CF - 32;
L1.5/L2.1 sigma0[dB] = 10 log10 <DN^2> + CF, with CF the leader's calibration factor (dB,
radiometric record, usually -83.0) and <> the spatial mean (multilook) taken *before* the log.
JAXA's sigma0 refers to the ellipsoid: beta0 = sigma0 / sin(theta_ell) and
gamma0 = sigma0 / cos(theta_ell), theta_ell the incidence angle on the ellipsoid (DEGREES in this
module's arguments). Pure functions on numpy arrays; float32 in, float32 out.
"""

from __future__ import annotations

import numpy as np

from .errors import Palsar2Error

#: JAXA's constant A (dB) subtracted for complex (L1.1) products.
L11_OFFSET_DB = 32.0
QUANTITIES = ("sigma0", "beta0", "gamma0")


def calibration_gain(calibration_factor_db: float, level: str = "1.1") -> float:
    """Linear factor k with sigma0 = k * <intensity>: 10^((CF - 32)/10) for L1.1, 10^(CF/10) for L1.5."""
    offset = L11_OFFSET_DB if str(level).startswith("1.1") or str(level).startswith("1.0") else 0.0
    return float(10.0 ** ((calibration_factor_db - offset) / 10.0))


def sigma0_from_intensity(mean_intensity, calibration_factor_db: float, level: str = "1.1") -> np.ndarray:
    """sigma0 (linear power, ellipsoid) from the multilooked intensity <I^2+Q^2> (L1.1) or <DN^2> (L1.5)."""
    out = np.asarray(mean_intensity, dtype=np.float32) * np.float32(calibration_gain(calibration_factor_db, level))
    return out


def sigma0_to_beta0(sigma0, incidence_deg) -> np.ndarray:
    """beta0 = sigma0 / sin(theta_ell); ``incidence_deg`` ellipsoid incidence angle (degrees)."""
    return (np.asarray(sigma0, dtype=np.float32) /
            np.sin(np.deg2rad(np.asarray(incidence_deg, dtype=np.float64))).astype(np.float32))


def sigma0_to_gamma0(sigma0, incidence_deg) -> np.ndarray:
    """gamma0 (ellipsoid) = sigma0 / cos(theta_ell); ``incidence_deg`` in degrees."""
    return (np.asarray(sigma0, dtype=np.float32) /
            np.cos(np.deg2rad(np.asarray(incidence_deg, dtype=np.float64))).astype(np.float32))


def beta0_to_sigma0(beta0, incidence_deg) -> np.ndarray:
    """sigma0 = beta0 * sin(theta_ell) (degrees)."""
    return (np.asarray(beta0, dtype=np.float32) *
            np.sin(np.deg2rad(np.asarray(incidence_deg, dtype=np.float64))).astype(np.float32))


def gamma0_to_sigma0(gamma0, incidence_deg) -> np.ndarray:
    """sigma0 = gamma0 * cos(theta_ell) (degrees)."""
    return (np.asarray(gamma0, dtype=np.float32) *
            np.cos(np.deg2rad(np.asarray(incidence_deg, dtype=np.float64))).astype(np.float32))


def calibrate(mean_intensity, calibration_factor_db: float, level: str = "1.1", quantity: str = "sigma0",
              incidence_deg=None) -> np.ndarray:
    """Multilooked intensity -> ``quantity`` ("sigma0", "beta0" or "gamma0") in linear power.

    beta0 and gamma0 need ``incidence_deg`` (ellipsoid incidence, degrees, broadcastable).
    """
    quantity = quantity.lower()
    if quantity not in QUANTITIES:
        raise Palsar2Error(f"unknown calibration {quantity!r}; choose one of {', '.join(QUANTITIES)}")
    sigma0 = sigma0_from_intensity(mean_intensity, calibration_factor_db, level)
    if quantity == "sigma0":
        return sigma0
    if incidence_deg is None:
        raise Palsar2Error(f"{quantity} needs the ellipsoid incidence angle of each pixel")
    return sigma0_to_beta0(sigma0, incidence_deg) if quantity == "beta0" else sigma0_to_gamma0(sigma0, incidence_deg)


def incidence_from_polynomial_deg(coefficients, slant_range_m) -> np.ndarray:
    """Ellipsoid incidence (degrees) from the DSS polynomial theta[rad] = sum a_k (R/1000)^k, R in m.

    Fallback when the orbit geometry is not used; all-zero coefficients give NaN (not given).
    """
    coeffs = [float(c) for c in coefficients]
    r_km = np.asarray(slant_range_m, dtype=np.float64) / 1000.0
    if not any(coeffs):
        return np.full(r_km.shape, np.nan)
    theta = np.zeros_like(r_km)
    for c in reversed(coeffs):
        theta = theta * r_km + c
    return np.rad2deg(theta)


def to_db(linear) -> np.ndarray:
    """10 log10 of linear power; 0 or negative -> -inf/NaN as numpy gives (no warnings)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (10.0 * np.log10(np.asarray(linear, dtype=np.float32))).astype(np.float32)


def from_db(db) -> np.ndarray:
    """Linear power from dB."""
    return (10.0 ** (np.asarray(db, dtype=np.float64) / 10.0)).astype(np.float32)
