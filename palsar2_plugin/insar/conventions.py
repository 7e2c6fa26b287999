"""Sign conventions of the interferometric products, in one place.

- SLC phase: a scatterer at one-way slant range R appears with phase -4 pi R / lambda (focused to
  zero Doppler), as in JAXA's, ISCE2's and GMTSAR's processors.
- Interferogram: reference x conj(secondary) (ISCE2, GMTSAR). The reference is the earlier
  (archive) acquisition, the secondary the later (event) one.
- Geometric phase (flat earth + topography) = (4 pi / lambda) (R_sec - R_ref) of the same ground
  point; it is removed by multiplying with exp(-j 4 pi (R_sec - R_ref) / lambda).
- What remains is phi = (4 pi / lambda) (R_sec - R_ref)_motion: positive when the ground moved away
  from the satellite between the two dates (range increase).
- Line-of-sight displacement (metres), **positive towards the satellite** (uplift seen from above,
  as GMTSAR and MintPy): d_LOS = -lambda * phi / (4 pi). One fringe (2 pi) = lambda / 2 of motion
  along the line of sight: 12.1 cm at PALSAR-2's 24.25 cm wavelength.
"""

from __future__ import annotations

import numpy as np

FOUR_PI = 4.0 * np.pi


def geometric_phase(delta_range_m, wavelength_m: float):
    """Phase (rad) of reference x conj(secondary) due to ``delta_range_m`` = R_sec - R_ref (m)."""
    return FOUR_PI / wavelength_m * np.asarray(delta_range_m)


def los_displacement_m(unwrapped_phase_rad, wavelength_m: float):
    """Line-of-sight displacement (m, positive towards the satellite) of an unwrapped phase (rad)."""
    return -np.asarray(unwrapped_phase_rad) * (wavelength_m / FOUR_PI)


def phase_of_displacement(los_displacement, wavelength_m: float):
    """Inverse of :func:`los_displacement_m`: the phase (rad) of a displacement (m, towards the satellite)."""
    return -np.asarray(los_displacement) * (FOUR_PI / wavelength_m)


def fringe_m(wavelength_m: float) -> float:
    """Line-of-sight motion (m) of one fringe (2 pi): half the wavelength."""
    return wavelength_m / 2.0


def height_of_ambiguity_m(wavelength_m: float, slant_range_m: float, incidence_deg: float,
                          perpendicular_baseline_m: float) -> float:
    """Height (m) of one topographic fringe: lambda R sin(theta) / (2 B_perp) (inf for B_perp = 0)."""
    if perpendicular_baseline_m == 0:
        return float("inf")
    return abs(wavelength_m * slant_range_m * np.sin(np.radians(incidence_deg)) / (2.0 * perpendicular_baseline_m))
