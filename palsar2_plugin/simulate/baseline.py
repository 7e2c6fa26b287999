"""Interferometric baselines between two orbits, and the repeat-pass orbit with a chosen baseline.

Baseline at a ground point T (ISCE2's definition, ``Alos2Proc/runBaseline.py``; insar_notes.md §3):
M = the reference sensor at T's zero-Doppler time, S = the secondary sensor at its own zero-Doppler
time of T; b = S - M without its component along the reference velocity; with the slant ranges
R_ref and R_sec, cos(theta) = (R_ref^2 + b^2 - R_sec^2) / (2 R_ref b), parallel baseline
B_par = b cos(theta), perpendicular baseline B_perp = b sin(theta), signed by
((T - M) x (S - M)) . V_ref. Metres; positions Earth-fixed.

:func:`repeat_orbit` places the secondary's synthetic orbit (same model, pass and look side,
``days`` later) so that it sees the scene centre at zero Doppler at the reference's centre time
plus ``days`` at a slightly different incidence, chosen (secant iterations) so that B_perp at
the scene centre is the requested value. Both orbits are circular at the same altitude: the
parallel baseline follows from the geometry (about B_perp tan(look angle)).
"""

from __future__ import annotations

from datetime import datetime
from typing import Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geometry.orbit_model import synthetic_alos2_orbit
from ..geometry.range_doppler import zero_doppler_time


def baseline_at(ref_orbit, sec_orbit, target_xyz, ref_time_guess_s: float, sec_time_guess_s: float
                ) -> Tuple[float, float, float]:
    """(B_perp, B_par, |b|) in metres at the ground point ``target_xyz`` (ECEF, m); see the module docstring."""
    target = np.asarray(target_xyz, dtype=np.float64)
    t1, r1 = zero_doppler_time(ref_orbit, target, ref_time_guess_s)
    t2, r2 = zero_doppler_time(sec_orbit, target, sec_time_guess_s)
    m, v = ref_orbit.position_velocity(np.array([float(t1)]))
    s = sec_orbit.position(np.array([float(t2)]))
    m, v, s = m[0], v[0], s[0]
    vhat = v / np.linalg.norm(v)
    d = s - m
    d = d - np.dot(d, vhat) * vhat
    b = float(np.linalg.norm(d))
    if b == 0.0:
        return 0.0, 0.0, 0.0
    r1, r2 = float(r1), float(r2)
    cos_t = np.clip((r1 * r1 + b * b - r2 * r2) / (2.0 * r1 * b), -1.0, 1.0)
    sign = np.sign(np.dot(np.cross(target - m, s - m), v)) or 1.0
    return float(sign * b * np.sqrt(1.0 - cos_t * cos_t)), float(b * cos_t), b


def repeat_orbit(centre_lat_deg: float, centre_lon_deg: float, centre_time_utc: datetime, pass_direction: str,
                 look_side: str, reference_orbit, reference_time_s: float, reference_incidence_deg: float,
                 target_xyz, perpendicular_baseline_m: float, tolerance_m: float = 0.01):
    """(orbit, centre incidence in degrees) of the secondary seeing the scene centre at ``centre_time_utc``
    with B_perp = ``perpendicular_baseline_m`` at ``target_xyz`` (see the module docstring)."""

    def orbit_of(delta):
        return synthetic_alos2_orbit(centre_lat_deg, centre_lon_deg, centre_time_utc, pass_direction, look_side,
                                     incidence_deg=reference_incidence_deg + delta)

    def bperp(delta):
        orbit = orbit_of(delta)
        return baseline_at(reference_orbit, orbit, target_xyz, reference_time_s,
                           orbit.seconds_from_datetime(centre_time_utc))[0], orbit

    want = float(perpendicular_baseline_m)
    x0, (f0, orbit) = 0.0, bperp(0.0)
    if abs(f0 - want) <= tolerance_m:
        return orbit, reference_incidence_deg
    x1 = np.degrees((want - f0) / 750e3) or 1e-4
    f1, orbit = bperp(x1)
    for _ in range(30):
        if abs(f1 - want) <= tolerance_m:
            return orbit, reference_incidence_deg + x1
        if f1 == f0:
            break
        x0, x1, f0 = x1, x1 - (f1 - want) * (x1 - x0) / (f1 - f0), f1
        f1, orbit = bperp(x1)
    if abs(f1 - want) <= max(tolerance_m, 1e-3 * abs(want)):
        return orbit, reference_incidence_deg + x1
    raise Palsar2Error(f"Could not place a repeat orbit with a perpendicular baseline of {want} m "
                       f"(reached {f1:.2f} m); try a smaller baseline.")
