"""Does a reference/secondary pair make an interferogram? Checks, baselines and overlap.

:func:`check_pair` refuses, with a message that says why and what to do, a pair that cannot
interfere: not both L1.1 (complex), different look side or pass, wavelength, range sampling rate
(mode bandwidth), stripmap with ScanSAR, no common beam or polarisation, no common area, or a
different track. "Different track" is measured, not guessed from names: the reference scene
centre is located on the ellipsoid, found in the secondary's orbit by zero-Doppler geometry, and
the perpendicular baseline between the two orbits compared with the critical baseline
lambda R tan(theta) B_r / c (beyond it no fringe survives; ALOS-2's neighbouring paths are hundreds
of kilometres apart, a repeat pass of the same path within about a kilometre).

Baselines (ISCE2's definition): for a ground point T seen by the reference at position M, the
secondary's zero-Doppler position S; b = S - M without its component along the reference velocity;
B_par = |b| cos(theta_b), B_perp = |b| sin(theta_b) from the law of cosines with the two ranges, B_perp
signed by ((T - M) x b) . V_M as ISCE2 does.
Times UTC; distances metres; temporal baseline in days (secondary minus reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.orbit import OrbitError
from ..geometry.range_doppler import ellipsoid_incidence_deg, geolocate, zero_doppler_time

SPEED_OF_LIGHT = 299792458.0
#: Range bandwidth / range sampling rate of every PALSAR-2 mode (84/104.8, 42/52.4, 28/34.9, 14/17.5 MHz).
RANGE_BANDWIDTH_FRACTION = 0.8
#: A pair whose perpendicular baseline exceeds this fraction of the critical baseline is refused.
MAX_CRITICAL_FRACTION = 0.9
#: Least overlap (fraction of the reference beam's area also imaged by the secondary).
MIN_OVERLAP = 0.05


class InsarPairError(Palsar2Error):
    """The two products do not make an interferogram (the message says why)."""


@dataclass(frozen=True)
class Baseline:
    """Baselines at one ground point: perpendicular and parallel (m), along-track offset (m), the
    reference look's incidence (degrees) and slant range (m)."""

    perpendicular_m: float
    parallel_m: float
    along_track_m: float
    incidence_deg: float
    slant_range_m: float


@dataclass
class PairInfo:
    """What :func:`check_pair` found: the common beams and polarisation, baselines at the centre of
    each beam and at the scene corners, the critical baseline, temporal baseline, overlap per beam."""

    beams: Tuple[int, ...]
    polarisation: str
    baselines: Dict[int, Baseline]
    critical_baseline_m: float
    temporal_baseline_days: float
    overlap: Dict[int, float]
    reference_time_utc: str
    secondary_time_utc: str
    warnings: List[str] = field(default_factory=list)

    @property
    def perpendicular_baseline_m(self) -> float:
        values = [b.perpendicular_m for b in self.baselines.values()]
        return float(np.mean(values)) if values else float("nan")

    def as_dict(self) -> dict:
        return {"beams": list(self.beams), "polarisation": self.polarisation,
                "perpendicular_baseline_m": self.perpendicular_baseline_m,
                "baselines_by_beam": {str(k): vars(v) for k, v in self.baselines.items()},
                "critical_baseline_m": self.critical_baseline_m,
                "temporal_baseline_days": self.temporal_baseline_days,
                "overlap_by_beam": {str(k): v for k, v in self.overlap.items()},
                "reference_time_utc": self.reference_time_utc, "secondary_time_utc": self.secondary_time_utc,
                "warnings": list(self.warnings)}


def baseline_at(ref_orbit, ref_grid, sec_orbit, line: float, pixel: float, height_m: float = 0.0) -> Baseline:
    """Baselines (see the module docstring) for the reference radar position (line, pixel) at ``height_m``."""
    t = float(ref_grid.time_of_line(line))
    r = float(ref_grid.range_of_pixel(pixel))
    lat, lon = geolocate(ref_orbit, t, r, height_m, ref_grid.look_side)
    if not (np.isfinite(lat) and np.isfinite(lon)):
        raise InsarPairError("The reference product's geometry does not reach the ground (orbit or timing "
                             "corrupt?): check the reference product.")
    target = geodetic_to_ecef(lat, lon, height_m)
    try:
        ts, rs = zero_doppler_time(sec_orbit, target, sec_orbit.seconds_from_datetime(
            ref_orbit.datetime_from_seconds(t)))
    except OrbitError:
        ts, rs = np.nan, np.nan
    if not (np.isfinite(ts) and np.isfinite(rs)):
        raise InsarPairError("The secondary's orbit never sees the reference scene: the two products are not of "
                             "the same area and track. Choose a secondary of the same path and frame.")
    m, vm = ref_orbit.position_velocity(t)
    s = sec_orbit.position(float(ts))
    v_hat = vm / np.linalg.norm(vm)
    d = s - m
    along = float(np.dot(d, v_hat))
    b = d - along * v_hat
    b_len = float(np.linalg.norm(b))
    r_ref = float(np.linalg.norm(target - m))
    r_sec = float(rs)
    if b_len == 0:
        par = perp = 0.0
    else:
        cos_t = np.clip((r_ref ** 2 + b_len ** 2 - r_sec ** 2) / (2 * r_ref * b_len), -1.0, 1.0)
        par = b_len * float(cos_t)
        perp = b_len * float(np.sqrt(1 - cos_t ** 2))
        perp *= float(np.sign(np.dot(np.cross(target - m, b), vm)) or 1.0)
    inc = float(ellipsoid_incidence_deg(ref_orbit, t, target))
    return Baseline(perp, par, along, inc, r_ref)


def critical_baseline_m(wavelength_m: float, slant_range_m: float, incidence_deg: float,
                        range_sampling_rate_hz: float) -> float:
    """lambda R tan(theta) B_r / c with B_r = 0.8 f_s (flat terrain)."""
    b_r = RANGE_BANDWIDTH_FRACTION * range_sampling_rate_hz
    return float(wavelength_m * slant_range_m * np.tan(np.radians(incidence_deg)) * b_r / SPEED_OF_LIGHT)


def overlap_fraction(ref_orbit, ref_grid, sec_orbit, sec_grid, height_m: float = 0.0, n: int = 9) -> float:
    """Fraction of an n x n lattice over the reference beam whose ground points the secondary images."""
    lines = np.linspace(0, ref_grid.lines - 1, n)
    pixels = np.linspace(0, ref_grid.pixels - 1, n)
    ll, pp = np.meshgrid(lines, pixels, indexing="ij")
    lat, lon = geolocate(ref_orbit, ref_grid.time_of_line(ll), ref_grid.range_of_pixel(pp), height_m,
                         ref_grid.look_side)
    xyz = geodetic_to_ecef(lat, lon, height_m)
    guess = sec_orbit.seconds_from_datetime(ref_orbit.datetime_from_seconds(ref_grid.mid_time_s))
    try:
        t, r = zero_doppler_time(sec_orbit, xyz, guess)
    except OrbitError:
        return 0.0
    sl = sec_grid.line_of_time(t)
    sp = sec_grid.pixel_of_range(r)
    inside = np.isfinite(sl) & np.isfinite(sp) & (sl >= 0) & (sl <= sec_grid.lines - 1) & (sp >= 0) & \
        (sp <= sec_grid.pixels - 1)
    return float(inside.mean())


def _refuse(message: str):
    raise InsarPairError(message)


def check_pair(reference, secondary, polarisation: Optional[str] = None) -> PairInfo:
    """Check that the scenes ``reference`` and ``secondary`` (``ceos.Scene``) make an interferogram in
    ``polarisation`` (default: the first one both have); raises :class:`InsarPairError` otherwise."""
    ref, sec = reference, secondary
    names = f"reference {ref.scene_id} ({ref.mode}) and secondary {sec.scene_id} ({sec.mode})"
    for label, scene in (("reference", ref), ("secondary", sec)):
        if not str(scene.level).startswith("1.1") or any(im.sample_format != "C*8" for im in scene.images):
            _refuse(f"The {label} {scene.scene_id} is a level {scene.level} product: interferometry needs the "
                    "complex L1.1 (SLC) products of both dates.")
    if ref.look_side != sec.look_side:
        _refuse(f"The {names} look to different sides ({ref.look_side} / {sec.look_side}): choose two "
                "acquisitions of the same path, beam and look side.")
    if ref.pass_direction != sec.pass_direction:
        _refuse(f"The {names} are from different passes ({ref.pass_direction} / {sec.pass_direction}): "
                "interferometry needs two passes along the same track.")
    if abs(ref.wavelength_m - sec.wavelength_m) > 1e-4 * ref.wavelength_m:
        _refuse(f"The {names} have different wavelengths ({ref.wavelength_m:.6f} / {sec.wavelength_m:.6f} m).")
    if ref.is_scansar != sec.is_scansar:
        _refuse(f"The {names} mix ScanSAR and stripmap: this plugin interferes ScanSAR with ScanSAR and stripmap "
                "with stripmap.")
    if abs(ref.range_sampling_rate_hz - sec.range_sampling_rate_hz) > 1e3:
        _refuse(f"The {names} have different range bandwidths (sampling {ref.range_sampling_rate_hz / 1e6:.2f} / "
                f"{sec.range_sampling_rate_hz / 1e6:.2f} MHz): choose two acquisitions of the same beam mode.")
    common_pols = [p for p in ref.polarisations if p in sec.polarisations]
    if polarisation:
        pol = polarisation.upper()
        if pol not in common_pols:
            _refuse(f"Polarisation {pol} is not in both products (reference {', '.join(ref.polarisations)}, "
                    f"secondary {', '.join(sec.polarisations)}): choose one of {', '.join(common_pols) or 'none'}.")
    else:
        if not common_pols:
            _refuse(f"The {names} share no polarisation (reference {', '.join(ref.polarisations)}, secondary "
                    f"{', '.join(sec.polarisations)}).")
        pol = common_pols[0]
    beams = tuple(b for b in ref.beams if b in sec.beams)
    if not beams:
        _refuse(f"The {names} share no beam (reference beams {list(ref.beams)}, secondary {list(sec.beams)}): "
                "choose the same beam's file of both dates.")
    ref_orbit, sec_orbit = ref.orbit(), sec.orbit()
    baselines, overlaps = {}, {}
    critical = float("inf")
    for beam in beams:
        rg = ref.radar_grid(beam, ref_orbit)
        sg = sec.radar_grid(beam, sec_orbit)
        if abs(rg.range_spacing_m - sg.range_spacing_m) > 1e-6 * rg.range_spacing_m:
            _refuse(f"Beam {beam} has different range sampling in the {names}.")
        base = baseline_at(ref_orbit, rg, sec_orbit, (rg.lines - 1) / 2.0, (rg.pixels - 1) / 2.0)
        crit = critical_baseline_m(ref.wavelength_m, base.slant_range_m, base.incidence_deg, ref.range_sampling_rate_hz)
        critical = min(critical, crit)
        if abs(base.perpendicular_m) > MAX_CRITICAL_FRACTION * crit or abs(base.parallel_m) > 20 * crit:
            _refuse(f"The {names} are not a repeat pass of the same track: the secondary's orbit passes "
                    f"{np.hypot(base.perpendicular_m, base.parallel_m) / 1000:.1f} km from the reference's "
                    f"(perpendicular baseline {base.perpendicular_m / 1000:.1f} km; fringes need less than "
                    f"{crit / 1000:.1f} km, the critical baseline of this mode). Choose an archive scene of the "
                    "same path (orbit track), frame and beam.")
        ov = overlap_fraction(ref_orbit, rg, sec_orbit, sg)
        if ov < MIN_OVERLAP:
            _refuse(f"Beam {beam} of the {names} images almost no common ground ({100 * ov:.0f} % of the reference "
                    "beam): choose scenes of the same frame.")
        baselines[beam] = base
        overlaps[beam] = ov
    t_ref = ref.scene_centre_time_utc
    t_sec = sec.scene_centre_time_utc
    days = (t_sec - t_ref).total_seconds() / 86400.0
    info = PairInfo(beams, pol, baselines, critical, days, overlaps,
                    t_ref.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), t_sec.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    if days < 0:
        info.warnings.append("The secondary was acquired before the reference: displacement is then from the "
                             "secondary's date to the reference's, with the sign reversed.")
    if abs(info.perpendicular_baseline_m) > 0.5 * critical:
        info.warnings.append(f"Perpendicular baseline {info.perpendicular_baseline_m:.0f} m is more than half the "
                             f"critical baseline ({critical:.0f} m): expect strong geometric decorrelation.")
    return info
