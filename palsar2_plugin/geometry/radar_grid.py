"""The radar (slant-range, zero-Doppler-time) sampling grid of one image (one beam).

Conventions: 0-based line and pixel indices; line ``i`` / pixel ``j`` is the *centre* of that
sample, i.e. integer indices sit at sample centres (line 0 is the first line's time, pixel 0
the slant range to the first sample). Times are seconds after the orbit's
``reference_time_utc`` (build with :meth:`RadarGrid.for_orbit` to convert from UTC). Slant
ranges in metres (one-way). Doppler centroid coefficients in Hz as a polynomial of the
absolute one-way slant range in **kilometres**: f_dc(R) = sum_k c_k * (R / 1000)^k (the layout
of the CEOS data set summary, fields 1735/1751; (0.0,) = zero Doppler).

Which Doppler belongs here: the Doppler of the image *geometry* (the Doppler at which each
line's azimuth time is referenced), not the centroid of the data spectrum. JAXA's products
are in zero-Doppler geometry: on the real sample (tests/core/test_geometry_real_sample.py) the
zero-Doppler time of JAXA's scene centre is within 1.5 ms of JAXA's centre time, while
treating the leader's Doppler centroid as the geometry's Doppler moves it by +70 ms (~500 m).
So build grids of JAXA products with the default (0.0,); the leader's centroid is for
spectral processing, and for products referenced to a non-zero Doppler.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Tuple

import numpy as np

from ..errors import Palsar2Error


class GeometryError(Palsar2Error):
    """Invalid radar geometry parameters, or a geometry problem without a solution."""


LOOK_SIDES = ("right", "left")


@dataclass(frozen=True)
class RadarGrid:
    """Slant-range/azimuth-time grid of one image; see the module docstring for conventions.

    first_line_time_s: time of line 0 (s after the orbit reference time, UTC).
    line_interval_s: time between lines (s), 1/PRF for L1.1.
    slant_range_first_m: one-way slant range of pixel 0 (m).
    range_spacing_m: slant-range pixel spacing (m), c / (2 fs).
    lines, pixels: image size.
    look_side: 'right' or 'left' of the flight direction.
    wavelength_m: radar wavelength (m).
    doppler_hz_coefficients: Doppler centroid polynomial in slant range (km), see module doc.
    """

    first_line_time_s: float
    line_interval_s: float
    slant_range_first_m: float
    range_spacing_m: float
    lines: int
    pixels: int
    look_side: str
    wavelength_m: float
    doppler_hz_coefficients: Tuple[float, ...] = (0.0,)

    def __post_init__(self):
        if self.look_side not in LOOK_SIDES:
            raise GeometryError(f"look_side must be 'right' or 'left', not {self.look_side!r}.")
        if not (self.lines > 0 and self.pixels > 0):
            raise GeometryError(f"A radar grid needs at least one line and pixel, got {self.lines} x {self.pixels}.")
        for name in ("line_interval_s", "range_spacing_m", "wavelength_m", "slant_range_first_m"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise GeometryError(f"Radar grid {name} must be a positive number, got {value!r}.")
        if not np.isfinite(self.first_line_time_s):
            raise GeometryError("Radar grid first_line_time_s must be finite.")
        coeffs = tuple(float(c) for c in np.atleast_1d(self.doppler_hz_coefficients)) or (0.0,)
        object.__setattr__(self, "doppler_hz_coefficients", coeffs)
        object.__setattr__(self, "lines", int(self.lines))
        object.__setattr__(self, "pixels", int(self.pixels))

    @classmethod
    def for_orbit(cls, orbit, first_line_time_utc: datetime, **kwargs) -> "RadarGrid":
        """Build with the first line given as a UTC datetime, converted to the orbit's time axis."""
        return cls(first_line_time_s=orbit.seconds_from_datetime(first_line_time_utc), **kwargs)

    # ---------------------------------------------------------------- conversions
    def time_of_line(self, line):
        """Azimuth time (s) of (fractional, 0-based) line index ``line``."""
        return self.first_line_time_s + np.asarray(line, dtype=np.float64) * self.line_interval_s

    def line_of_time(self, t_s):
        """Fractional 0-based line index of azimuth time ``t_s`` (s)."""
        return (np.asarray(t_s, dtype=np.float64) - self.first_line_time_s) / self.line_interval_s

    def range_of_pixel(self, pixel):
        """Slant range (m) of (fractional, 0-based) pixel index ``pixel``."""
        return self.slant_range_first_m + np.asarray(pixel, dtype=np.float64) * self.range_spacing_m

    def pixel_of_range(self, slant_range_m):
        """Fractional 0-based pixel index of slant range ``slant_range_m`` (m)."""
        return (np.asarray(slant_range_m, dtype=np.float64) - self.slant_range_first_m) / self.range_spacing_m

    def doppler_hz(self, slant_range_m):
        """Doppler centroid (Hz) at slant range ``slant_range_m`` (m)."""
        r_km = np.asarray(slant_range_m, dtype=np.float64) / 1000.0
        result = np.zeros_like(r_km)
        for c in reversed(self.doppler_hz_coefficients):
            result = result * r_km + c
        return result

    @property
    def is_zero_doppler(self) -> bool:
        return all(c == 0.0 for c in self.doppler_hz_coefficients)

    @property
    def last_line_time_s(self) -> float:
        return float(self.time_of_line(self.lines - 1))

    @property
    def mid_time_s(self) -> float:
        """Azimuth time (s) of the grid's central line position (lines - 1) / 2."""
        return float(self.time_of_line((self.lines - 1) / 2.0))

    @property
    def slant_range_last_m(self) -> float:
        return float(self.range_of_pixel(self.pixels - 1))

    @property
    def slant_range_mid_m(self) -> float:
        return float(self.range_of_pixel((self.pixels - 1) / 2.0))

    def multilooked(self, azimuth_looks: int, range_looks: int) -> "RadarGrid":
        """The grid of an image multilooked by (azimuth_looks, range_looks) with block means:
        sample i covers input lines [i*la, (i+1)*la), its centre at line i*la + (la-1)/2."""
        la, lr = int(azimuth_looks), int(range_looks)
        return replace(self, first_line_time_s=self.first_line_time_s + 0.5 * (la - 1) * self.line_interval_s,
                       line_interval_s=self.line_interval_s * la,
                       slant_range_first_m=self.slant_range_first_m + 0.5 * (lr - 1) * self.range_spacing_m,
                       range_spacing_m=self.range_spacing_m * lr, lines=self.lines // la, pixels=self.pixels // lr)
