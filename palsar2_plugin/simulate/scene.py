"""Scene geometry of a simulated product: orbit, beams and their radar grids, names.

The scene centre (latitude, longitude; usually the DEM's centre) is seen at the scene centre
time at the ellipsoid incidence of the middle of the mode's swath
(:attr:`ModeSpec.centre_incidence_deg`), on the chosen side and pass, by a synthetic ALOS-2 orbit
from :func:`palsar2_plugin.geometry.orbit_model.synthetic_alos2_orbit`.

Beam layout:
- full size (no ``pixels`` given): each beam covers its incidence interval of the mode table
  (near slant range rounded to whole metres; pixel count to the far incidence);
- ``pixels`` given (small test products): every beam has that many pixels; the beams are laid
  side by side in range with 10 % overlap, in beam order (F1 nearest), the whole set centred on
  the scene centre's slant range, so that a small product still covers the DEM centre.
Lines: ``lines`` per beam if given, else the mode's scene length; every beam is centred in time
on the scene centre time (first-line time rounded to a whole microsecond, as the line prefix
stores it), shifted by ``azimuth_shift_lines`` lines if given. Times UTC; ranges metres (one-way
slant range).

A stripmap ``beam_id`` (e.g. ``U2-7``, :data:`.modes.STRIPMAP_BEAMS`) moves the mode's incidence
interval to the beam's off-nadir angle. ``centre_incidence_deg`` overrides the incidence at which
the orbit sees the scene centre (a repeat pass with a baseline sees it at a slightly different
angle; small products are then centred on the scene centre's slant range from that orbit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.radar_grid import RadarGrid
from ..geometry.range_doppler import ellipsoid_incidence_deg, geolocate
from .modes import WAVELENGTH_M, BeamSpec, ModeSpec

#: ALOS-2 launch (orbit numbering origin, approximate) and revolutions per day (207 in 14 days).
_ORBIT_EPOCH = datetime(2014, 5, 24, 3, 5, tzinfo=timezone.utc)
_REVS_PER_DAY = 207.0 / 14.0
_INCLINATION_DEG = 97.9


@dataclass(frozen=True)
class SimulatedBeam:
    """One beam of a simulated product: its table entry, radar grid (times in s after the orbit's
    reference time) and the UTC time of its first line (whole microseconds)."""

    spec: BeamSpec
    grid: RadarGrid
    first_line_time_utc: datetime

    @property
    def number(self) -> int:
        """1-based beam (scan) number."""
        return self.spec.scan_id


@dataclass(frozen=True)
class SimulatedScene:
    """Everything geometric about a simulated product (see the module docstring)."""

    mode: ModeSpec
    orbit: object
    centre_lat_deg: float
    centre_lon_deg: float
    centre_time_utc: datetime
    pass_direction: str
    look_side: str
    beams: Tuple[SimulatedBeam, ...]
    orbit_number: int
    frame_number: int

    @property
    def scene_id(self) -> str:
        """``ALOS2`` + 5-digit orbit + 4-digit frame + ``-yymmdd``."""
        return f"ALOS2{self.orbit_number % 100000:05d}{self.frame_number % 10000:04d}-{self.centre_time_utc:%y%m%d}"

    @property
    def product_id(self) -> str:
        """e.g. ``WBDR1.1__D``: mode, look side R/L, level 1.1, no option/projection, pass A/D."""
        side = "R" if self.look_side == "right" else "L"
        return f"{self.mode.code}{side}1.1__{'A' if self.pass_direction == 'ascending' else 'D'}"


def default_centre_time(lon_deg: float, pass_direction: str, date=(2024, 6, 1)) -> datetime:
    """A plausible ALOS-2 time (UTC) over longitude ``lon_deg``: local solar time 12:00 descending,
    00:00 ascending (sun-synchronous, descending node at noon), rounded to the millisecond."""
    local_hour = 12.0 if pass_direction == "descending" else 24.0
    utc_hours = (local_hour - lon_deg / 15.0) % 24.0
    t = datetime(*date, tzinfo=timezone.utc) + timedelta(hours=utc_hours)
    return t.replace(microsecond=(t.microsecond // 1000) * 1000)


def _orbit_and_frame(lat_deg: float, t: datetime, pass_direction: str) -> Tuple[int, int]:
    orbit_number = int((t - _ORBIT_EPOCH).total_seconds() / 86400.0 * _REVS_PER_DAY)
    u = np.degrees(np.arcsin(np.clip(np.sin(np.radians(lat_deg)) / np.sin(np.radians(_INCLINATION_DEG)), -1, 1)))
    if pass_direction == "descending":
        u = 180.0 - u
    return orbit_number, int(round((u % 360.0) * 20.0)) % 7200


def slant_range_of_incidence(orbit, time_s: float, look_side: str, incidence_deg) -> np.ndarray:
    """Slant range (m) at which the ellipsoid (h = 0) incidence equals ``incidence_deg`` at ``time_s``."""
    ranges = np.linspace(620e3 / np.cos(np.radians(5.0)), 1600e3, 4001)
    lat, lon = geolocate(orbit, np.full(ranges.shape, time_s), ranges, 0.0, look_side)
    inc = ellipsoid_incidence_deg(orbit, time_s, geodetic_to_ecef(lat, lon, 0.0))
    ok = np.isfinite(inc)
    return np.interp(incidence_deg, inc[ok], ranges[ok])


def ground_speed_m_s(orbit, time_s: float, slant_range_m: float, look_side: str) -> float:
    """Speed (m/s) of the zero-Doppler point on the ellipsoid at ``slant_range_m`` along track."""
    lat, lon = geolocate(orbit, np.array([time_s - 0.5, time_s + 0.5]), slant_range_m, 0.0, look_side)
    p = geodetic_to_ecef(lat, lon, 0.0)
    return float(np.linalg.norm(p[1] - p[0]))


def incidence_of_off_nadir(off_nadir_deg: float, lat_deg: float) -> float:
    """Ellipsoid incidence (degrees) at which a satellite at ALOS-2's altitude looking ``off_nadir_deg``
    off nadir meets the Earth at latitude ``lat_deg`` (sphere of the local geocentric radius)."""
    from ..geometry.orbit_model import ALOS2_ALTITUDE_M
    r_e = float(np.linalg.norm(geodetic_to_ecef(lat_deg, 0.0, 0.0)))
    return float(np.degrees(np.arcsin(np.sin(np.radians(off_nadir_deg)) * (r_e + ALOS2_ALTITUDE_M) / r_e)))


def beam_table(mode: ModeSpec, beam_id: Optional[str], lat_deg: float) -> ModeSpec:
    """``mode`` with its incidence intervals moved to stripmap beam ``beam_id`` (unchanged when None)."""
    if not beam_id:
        return mode
    from dataclasses import replace

    from .modes import stripmap_beam_off_nadir
    shift = incidence_of_off_nadir(stripmap_beam_off_nadir(mode, beam_id), lat_deg) - mode.centre_incidence_deg
    return replace(mode, beams=tuple(replace(b, incidence_near_deg=b.incidence_near_deg + shift,
                                             incidence_far_deg=b.incidence_far_deg + shift) for b in mode.beams))


def plan_scene(mode: ModeSpec, centre_lat_deg: float, centre_lon_deg: float, *,
               pass_direction: str = "descending", look_side: str = "right",
               centre_time_utc: Optional[datetime] = None, lines: Optional[int] = None,
               pixels: Optional[int] = None, beam_id: Optional[str] = None,
               centre_incidence_deg: Optional[float] = None, azimuth_shift_lines: float = 0.0,
               beams: Optional[Sequence[int]] = None) -> SimulatedScene:
    """Orbit and beam grids of a product of ``mode`` centred on (``centre_lat_deg``, ``centre_lon_deg``);
    ``beams``: keep only these ScanSAR beam numbers (each where it would be in the whole product)."""
    from ..geometry.orbit_model import synthetic_alos2_orbit

    mode = beam_table(mode, beam_id, centre_lat_deg)

    if pass_direction not in ("ascending", "descending"):
        raise Palsar2Error(f"Pass must be 'ascending' or 'descending', not {pass_direction!r}")
    if look_side not in ("right", "left"):
        raise Palsar2Error(f"Look side must be 'right' or 'left', not {look_side!r}")
    if lines is not None and lines < 2 or pixels is not None and pixels < 2:
        raise Palsar2Error("A simulated beam needs at least 2 lines and 2 pixels (--lines, --pixels).")
    if not (-80.0 <= centre_lat_deg <= 80.0):
        raise Palsar2Error(f"Scene centre latitude {centre_lat_deg:.3f} is outside ALOS-2's coverage "
                           "for this simulator (-80..80 degrees).")
    if centre_time_utc is None:
        centre_time_utc = default_centre_time(centre_lon_deg, pass_direction)
    centre_incidence = mode.centre_incidence_deg if centre_incidence_deg is None else float(centre_incidence_deg)
    orbit = synthetic_alos2_orbit(centre_lat_deg, centre_lon_deg, centre_time_utc, pass_direction, look_side,
                                  incidence_deg=centre_incidence)
    tc = orbit.seconds_from_datetime(centre_time_utc)
    spacing = mode.range_pixel_spacing_m
    n_beams = len(mode.beams)

    if pixels is None:
        near = slant_range_of_incidence(orbit, tc, look_side, [b.incidence_near_deg for b in mode.beams])
        far = slant_range_of_incidence(orbit, tc, look_side, [b.incidence_far_deg for b in mode.beams])
        near_ranges = np.round(near)
        beam_pixels = [int(np.ceil((f - n) / spacing)) + 1 for n, f in zip(near_ranges, far)]
    else:
        centre_range = float(slant_range_of_incidence(orbit, tc, look_side, centre_incidence))
        step = 0.9 * pixels * spacing
        width = step * (n_beams - 1) + (pixels - 1) * spacing
        near_ranges = np.round(centre_range - width / 2.0 + step * np.arange(n_beams))
        beam_pixels = [int(pixels)] * n_beams

    out = []
    for spec, near_range, n_pix in zip(mode.beams, near_ranges, beam_pixels):
        interval = 1.0 / spec.prf_hz
        if lines is None:
            speed = ground_speed_m_s(orbit, tc, near_range + spacing * n_pix / 2.0, look_side)
            n_lines = int(round(mode.scene_length_m / (speed * interval)))
        else:
            n_lines = int(lines)
        # timedelta rounds to whole microseconds, the resolution of the line prefix time
        first = centre_time_utc - timedelta(seconds=((n_lines - 1) / 2.0 - azimuth_shift_lines) * interval)
        grid = RadarGrid(first_line_time_s=orbit.seconds_from_datetime(first), line_interval_s=interval,
                         slant_range_first_m=float(near_range), range_spacing_m=spacing, lines=n_lines,
                         pixels=int(n_pix), look_side=look_side, wavelength_m=WAVELENGTH_M)
        out.append(SimulatedBeam(spec, grid, first))
    if beams is not None:
        wanted = sorted({int(b) for b in beams})
        unknown = [b for b in wanted if b not in [x.number for x in out]]
        if unknown or not wanted:
            raise Palsar2Error(f"Beams {unknown or wanted} are not beams of {mode.code}: it has beams "
                               f"{[x.number for x in out]}")
        out = [b for b in out if b.number in wanted]
    orbit_number, frame = _orbit_and_frame(centre_lat_deg, centre_time_utc, pass_direction)
    return SimulatedScene(mode, orbit, float(centre_lat_deg), float(centre_lon_deg), centre_time_utc,
                          pass_direction, look_side, tuple(out), orbit_number, frame)
