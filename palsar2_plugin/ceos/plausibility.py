"""Is what the leader says plausible for ALOS-2 / PALSAR-2? Checked by ``open_product``.

Two envelopes per quantity: outside the *operational* one (what ALOS-2 products have) the scene opens
with a warning (``Scene.warnings``: shown in the algorithm's log and written into the metadata JSON
and the NRB XML); outside the *usable* one the numbers cannot give a meaningful result and the product
is refused (:class:`~..errors.CeosFormatError`).

Operational values (docs/ceos_format.md; JAXA's calibration page of 2014-11-20): calibration factor
CF = -83.0 dB (L1.1 and L1.5), so a CF of +32 dB (a pre-launch value in one of JAXA's own sample
products) would put sigma0 115 dB too high; wavelength 0.2424525 m (1236.5 MHz; PALSAR-2's band is
1215-1300 MHz); range sampling 104.79, 52.40, 34.93 or 17.47 MHz (slant-range pixels 1.43, 2.86, 4.29,
8.58 m); PRF about 1.5-3.5 kHz (ScanSAR beams 2.27-3.31 kHz, quad-pol stripmap up to twice that);
28 state vectors 60 s apart on a 628 km orbit (|r| about 7.0e6 m, |v| about 7.5 km/s).
"""

from __future__ import annotations

import math
from typing import Iterable, List, Sequence, Tuple

from ..errors import CeosFormatError
from .scene import RANGE_SAMPLING_RATES_HZ, StateVector

OPERATIONAL_CF_DB = -83.0
CF_WARNING_DB = 5.0                       # |CF - (-83)| above this: warning
WAVELENGTH_M = (0.230, 0.250)             # operational (PALSAR-2: 1215-1300 MHz)
WAVELENGTH_USABLE_M = (0.15, 0.35)        # L band at all
PRF_HZ = (1000.0, 7000.0)
PRF_USABLE_HZ = (100.0, 20000.0)
PIXEL_SPACING_USABLE_M = (0.5, 50.0)
STATE_VECTOR_INTERVAL_S = (10.0, 120.0)
STATE_VECTOR_INTERVAL_USABLE_S = (0.0, 600.0)
ORBIT_RADIUS_M = (6.85e6, 7.15e6)
ORBIT_RADIUS_USABLE_M = (6.5e6, 8.0e6)
ORBIT_SPEED_M_S = (6.5e3, 8.5e3)


def _outside(value: float, bounds: Tuple[float, float]) -> bool:
    return not (math.isfinite(value) and bounds[0] <= value <= bounds[1])


def _refuse(message: str, path: str, record: str, offset: int):
    raise CeosFormatError(f"{message}; this is not a usable ALOS-2 product (download it again, or report it to "
                          f"JAXA if it is as delivered)", path=path, record=record, offset=offset)


def calibration_warnings(cf_db: float) -> List[str]:
    if abs(cf_db - OPERATIONAL_CF_DB) <= CF_WARNING_DB:
        return []
    return [f"The leader's calibration factor is {cf_db:+.1f} dB, far from ALOS-2's operational {OPERATIONAL_CF_DB:.1f} "
            f"dB: calibrated backscatter is {cf_db - OPERATIONAL_CF_DB:+.1f} dB off what the operational factor "
            f"gives (a pre-launch or test product?). Do not use its absolute values."]


def leader_warnings(path: str, cf_db: float, wavelength_m: float, range_sampling_rate_hz: float,
                    range_pixel_spacing_m: float, prfs_hz: Iterable[Tuple[str, float]],
                    state_vectors: Sequence[StateVector]) -> Tuple[str, ...]:
    """Warnings about values outside ALOS-2's operational envelope; raises CeosFormatError for values
    outside the usable one. ``prfs_hz``: (image path, PRF Hz) of every image; ``path``: the leader."""
    out = calibration_warnings(cf_db)
    if _outside(wavelength_m, WAVELENGTH_USABLE_M):
        _refuse(f"the leader's wavelength {wavelength_m} m is not L band ({WAVELENGTH_USABLE_M[0]}-"
                f"{WAVELENGTH_USABLE_M[1]} m)", path, "data set summary", 720 + 500)
    if _outside(wavelength_m, WAVELENGTH_M):
        out.append(f"The leader's wavelength {wavelength_m:.7f} m is outside PALSAR-2's band "
                   f"({WAVELENGTH_M[0]}-{WAVELENGTH_M[1]} m).")
    if _outside(range_pixel_spacing_m, PIXEL_SPACING_USABLE_M):
        _refuse(f"the leader's range sampling rate {range_sampling_rate_hz / 1e6:.4f} MHz gives slant-range pixels "
                f"of {range_pixel_spacing_m:.3f} m", path, "data set summary", 720 + 710)
    if not any(abs(range_sampling_rate_hz - fs) <= 1e-3 * fs for fs in RANGE_SAMPLING_RATES_HZ.values()):
        known = ", ".join(f"{fs / 1e6:.2f}" for fs in sorted(RANGE_SAMPLING_RATES_HZ.values()))
        out.append(f"The leader's range sampling rate {range_sampling_rate_hz / 1e6:.4f} MHz is none of ALOS-2's "
                   f"({known} MHz): slant-range pixel spacing {range_pixel_spacing_m:.4f} m is taken as given.")
    for image, prf in prfs_hz:
        if _outside(prf, PRF_USABLE_HZ):
            _refuse(f"PRF {prf:.3f} Hz is outside {PRF_USABLE_HZ[0]:g}-{PRF_USABLE_HZ[1]:g} Hz (line times would be "
                    f"wrong)", image, "line 1", 720 + 56)
        if _outside(prf, PRF_HZ):
            out.append(f"The PRF {prf:.3f} Hz of {image} is outside ALOS-2's {PRF_HZ[0]:g}-{PRF_HZ[1]:g} Hz.")
    out += _orbit_warnings(path, state_vectors)
    return tuple(out)


def _orbit_warnings(path: str, state_vectors: Sequence[StateVector]) -> List[str]:
    out: List[str] = []
    record, offset = "platform position", 720 + 4096 + 182
    if len(state_vectors) >= 2:
        interval = (state_vectors[1].time_utc - state_vectors[0].time_utc).total_seconds()
        if _outside(interval, STATE_VECTOR_INTERVAL_USABLE_S) or interval <= 0:
            _refuse(f"the leader's state vectors are {interval:g} s apart (an orbit cannot be interpolated from "
                    f"them)", path, record, offset)
        if _outside(interval, STATE_VECTOR_INTERVAL_S):
            out.append(f"The leader's state vectors are {interval:g} s apart; ALOS-2's are 60 s apart.")
    radii = [math.sqrt(sum(c * c for c in sv.position_m)) for sv in state_vectors]
    speeds = [math.sqrt(sum(c * c for c in sv.velocity_m_s)) for sv in state_vectors]
    if any(_outside(r, ORBIT_RADIUS_USABLE_M) for r in radii):
        _refuse(f"the leader's state vectors lie {min(radii) / 1e3:.0f}-{max(radii) / 1e3:.0f} km from the Earth's "
                f"centre, not on a low Earth orbit", path, record, 720 + 4096 + 386)
    if any(_outside(r, ORBIT_RADIUS_M) for r in radii) or any(_outside(v, ORBIT_SPEED_M_S) for v in speeds):
        out.append(f"The leader's orbit ({min(radii) / 1e3:.0f}-{max(radii) / 1e3:.0f} km from the Earth's centre, "
                   f"{min(speeds):.0f}-{max(speeds):.0f} m/s) is not ALOS-2's (about 7000 km, 7500 m/s).")
    return out
