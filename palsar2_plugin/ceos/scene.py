"""The immutable scene model of a PALSAR-2 CEOS product (what ``open_product`` returns).

Conventions: times are timezone-aware UTC datetimes (microsecond resolution); positions ECEF
("ECR") metres, velocities m/s; latitudes/longitudes geodetic degrees (WGS84/GRS80); slant
ranges metres; lines and pixels 0-based, a pixel's value refers to its centre. Beams are
numbered 1..5 (WBS/WBD/WWS/WWD) or 1..7 (VBS/VBD) as in the ``-F<n>`` file suffix; a stripmap
product has a single beam numbered 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, Optional, Tuple

import numpy as np

from ..errors import Palsar2Error

SPEED_OF_LIGHT = 299792458.0  # m/s

#: Exact range sampling rates (Hz) keyed on the integer MHz of the leader's rounded value (§5).
RANGE_SAMPLING_RATES_HZ = {
    104: 104.791595714024e6,
    52: 52.3957978570119e6,
    34: 34.9305319046746e6,
    17: 17.4652659523373e6,
}

SCANSAR_MODES = ("WBS", "WBD", "WWS", "WWD", "VBS", "VBD")
POLARISATION_ORDER = ("HH", "HV", "VH", "VV")


def exact_range_sampling_rate_hz(rounded_mhz: float) -> float:
    """The exact ALOS-2 range sampling rate (Hz) for the rounded MHz value of the leader (DSS 711).

    Unknown rates are returned as given (MHz * 1e6).
    """
    return RANGE_SAMPLING_RATES_HZ.get(int(rounded_mhz), float(rounded_mhz) * 1e6)


def range_pixel_spacing_m(range_sampling_rate_hz: float) -> float:
    """Slant-range pixel spacing c / (2 fs) in metres."""
    return SPEED_OF_LIGHT / (2.0 * range_sampling_rate_hz)


@dataclass(frozen=True)
class StateVector:
    """One orbit state vector: UTC time, ECEF position (m) and velocity (m/s)."""

    time_utc: datetime
    position_m: Tuple[float, float, float]
    velocity_m_s: Tuple[float, float, float]


@dataclass(frozen=True)
class Corners:
    """JAXA's corner coordinates, each ``(latitude, longitude)`` in degrees.

    ``left_top`` is the first line's first pixel as the image is displayed, ``right_top`` the
    first line's last pixel, ``left_bottom``/``right_bottom`` the last line's (summary.txt
    ``Img_ImageScene*`` keys, 3 decimals).
    """

    left_top: Tuple[float, float]
    right_top: Tuple[float, float]
    left_bottom: Tuple[float, float]
    right_bottom: Tuple[float, float]
    centre: Optional[Tuple[float, float]] = None

    def as_dict(self) -> Dict[str, Tuple[float, float]]:
        out = {"left_top": self.left_top, "right_top": self.right_top,
               "left_bottom": self.left_bottom, "right_bottom": self.right_bottom}
        if self.centre is not None:
            out["centre"] = self.centre
        return out


@dataclass(frozen=True)
class CoordinatePolynomials:
    """Facility record 5: 4th-order polynomials between (pixel, line) and (lat, lon), degrees.

    ``lat = sum_{i=4..0} sum_{j=4..0} a[(4-i)*5 + (4-j)] * x**i * y**j`` with x = pixel - P0,
    y = line - L0 (0-based pixel/line, pixel centres); the inverse uses x = lat - lat0,
    y = lon - lon0 with coefficients c (-> pixel) and d (-> line).
    """

    to_latitude: Tuple[float, ...]
    to_longitude: Tuple[float, ...]
    origin_pixel: float
    origin_line: float
    to_pixel: Tuple[float, ...]
    to_line: Tuple[float, ...]
    origin_latitude: float
    origin_longitude: float

    @staticmethod
    def _evaluate(coeffs, x, y):
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        out = np.zeros(np.broadcast(x, y).shape)
        for i in range(5):
            for j in range(5):
                out = out + coeffs[(4 - i) * 5 + (4 - j)] * x ** i * y ** j
        return out

    @property
    def is_zero(self) -> bool:
        return not any(self.to_latitude) and not any(self.to_longitude)

    def pixel_line_to_lat_lon(self, pixel, line):
        """(lat, lon) degrees of 0-based (pixel, line); arrays broadcast."""
        x = np.asarray(pixel, dtype=np.float64) - self.origin_pixel
        y = np.asarray(line, dtype=np.float64) - self.origin_line
        return self._evaluate(self.to_latitude, x, y), self._evaluate(self.to_longitude, x, y)

    def lat_lon_to_pixel_line(self, lat, lon):
        """0-based (pixel, line) of (lat, lon) degrees; arrays broadcast."""
        x = np.asarray(lat, dtype=np.float64) - self.origin_latitude
        y = np.asarray(lon, dtype=np.float64) - self.origin_longitude
        return self._evaluate(self.to_pixel, x, y), self._evaluate(self.to_line, x, y)


@dataclass(frozen=True)
class MapGeoreference:
    """Map georeferencing of an L1.5 geocoded product (map projection record).

    ``corner_lat_lon``: (lat, lon) degrees of the first-line-first-pixel, first-line-last-pixel,
    last-line-last-pixel and last-line-first-pixel centres; ``corner_easting_northing`` the same
    corners in metres of the map projection. ``geotransform`` is GDAL's
    (x0, dx, 0, y0, 0, -dy) of the pixel *corner* (top-left edge), metres; ``epsg`` the UTM EPSG
    code when the projection is UTM (None otherwise).
    """

    projection: str
    utm_zone: Optional[int]
    epsg: Optional[int]
    pixel_spacing_m: float
    line_spacing_m: float
    corner_lat_lon: Tuple[Tuple[float, float], ...]
    corner_easting_northing: Tuple[Tuple[float, float], ...]
    geotransform: Tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class BeamImage:
    """One image file: a beam (1-based) in one polarisation.

    ``path``: the IMG file, or ``archive.zip!member`` for a zip member. ``prf_hz`` is the line
    prefix PRF for ScanSAR (beams differ) and the leader's PRF for stripmap;
    ``line_interval_s`` = 1/PRF. ``first_line_time_utc`` is the first line's acquisition time
    (None when the file holds no line records, as in the cut sample). ``slant_range_first_pixel_m``
    is the slant range to the first pixel's centre (whole metres in L1.1). ``range_pixel_spacing_m``
    = c/(2 fs) with the exact fs. Burst fields are None when the file does not give them.
    ``sample_format`` is ``"C*8"`` (L1.1 complex big-endian float32 I,Q) or ``"IU2"`` (L1.5 16-bit
    amplitude); ``prefix_bytes`` the bytes before the samples of each line record.
    """

    beam: int
    polarisation: str
    path: str
    lines: int
    pixels: int
    prf_hz: float
    line_interval_s: float
    first_line_time_utc: Optional[datetime]
    slant_range_first_pixel_m: Optional[float]
    range_pixel_spacing_m: float
    range_sampling_rate_hz: float
    sample_format: str
    record_length: int
    prefix_bytes: int
    number_of_bursts: Optional[int] = None
    lines_per_burst: Optional[int] = None
    burst_overlap_lines: Optional[int] = None
    scan_id: Optional[int] = None


@dataclass(frozen=True)
class Scene:
    """Everything the plugin needs from a product's metadata (no pixel data).

    ``look_side``: "right" or "left" (from the leader's sensor clock angle, +90 = right);
    ``pass_direction``: "ascending" or "descending"; ``level``: "1.1" or "1.5";
    ``mode``: e.g. "WBD", "FBD"; ``wavelength_m``; ``calibration_factor_db``: CF of the
    radiometric record (dB; sigma0_dB = 10 log10 <I^2+Q^2> + CF - 32 for L1.1, 10 log10 <DN^2> + CF
    for L1.5); ``doppler_centroid_hz``: (constant Hz, linear Hz per km of slant range);
    ``incidence_polynomial``: DSS theta[rad] = sum a_k (R/1000)**k with R slant range (m), zeros
    when not given; ``scene_centre_time_utc`` (ms resolution); ``centre_lat_lon`` from the leader.
    ``images``: all beam/polarisation files, sorted by beam then polarisation. ``warnings``: what
    lies outside ALOS-2's operational envelope (e.g. a pre-launch calibration factor), for the user
    and the products' metadata (see :mod:`.plausibility`).
    """

    scene_id: str
    product_id: str
    mode: str
    level: str
    look_side: str
    pass_direction: str
    polarisations: Tuple[str, ...]
    wavelength_m: float
    calibration_factor_db: float
    doppler_centroid_hz: Tuple[float, float]
    incidence_polynomial: Tuple[float, ...]
    state_vectors: Tuple[StateVector, ...]
    scene_centre_time_utc: datetime
    centre_lat_lon: Tuple[float, float]
    corners: Optional[Corners]
    frame_corners: Optional[Corners]
    clock_angle_deg: float
    range_sampling_rate_hz: float
    images: Tuple[BeamImage, ...]
    coordinate_polynomials: Optional[CoordinatePolynomials] = None
    map_georeference: Optional[MapGeoreference] = None
    product_folder: str = ""
    leader_path: str = ""
    summary: Tuple[Tuple[str, str], ...] = field(default=(), repr=False)
    warnings: Tuple[str, ...] = ()

    # ------------------------------------------------------------------ beams
    @property
    def is_scansar(self) -> bool:
        return self.mode in SCANSAR_MODES

    @property
    def beams(self) -> Tuple[int, ...]:
        """Beam numbers present, ascending."""
        return tuple(sorted({im.beam for im in self.images}))

    def image(self, beam: int, polarisation: str) -> BeamImage:
        """The image of ``beam`` in ``polarisation`` (raises Palsar2Error when absent)."""
        for im in self.images:
            if im.beam == beam and im.polarisation == polarisation.upper():
                return im
        raise Palsar2Error(f"Scene {self.scene_id} has no image for beam {beam} polarisation "
                           f"{polarisation}; it has beams {self.beams} and polarisations {self.polarisations}.")

    def beam_image(self, beam: int) -> BeamImage:
        """The first polarisation's image of ``beam`` (the beam's grid is the same in every polarisation)."""
        return self.image(beam, next(p for p in self.polarisations
                                     if any(i.beam == beam and i.polarisation == p for i in self.images)))

    # ------------------------------------------------------------------ geometry
    def orbit(self):
        """The orbit as a :class:`palsar2_plugin.geometry.orbit.Orbit` (local Hermite interpolation)."""
        from ..geometry.orbit import Orbit
        return Orbit.from_state_vectors((sv.time_utc, sv.position_m, sv.velocity_m_s)
                                        for sv in self.state_vectors)

    def radar_grid(self, beam: int = 1, orbit=None, use_doppler_centroid: bool = False):
        """The slant-range/zero-Doppler grid of ``beam`` as :class:`palsar2_plugin.geometry.radar_grid.RadarGrid`.

        Times are relative to ``orbit`` (default: a new ``self.orbit()``, whose reference time is the
        first state vector's, so grids and orbits of the same scene always agree).

        JAXA's images are focused to zero Doppler: on the real sample, the zero-Doppler solution
        of JAXA's scene centre agrees with JAXA's centre time to 1.4 ms, while using the leader's
        Doppler centroid (-18.6 Hz) as the image geometry puts it 70 ms (about 500 m) off
        (tests/core/test_geometry_real_sample.py). So the grid is zero-Doppler unless
        ``use_doppler_centroid`` asks for the leader's centroid polynomial (constant Hz, Hz per km).
        """
        from ..geometry.radar_grid import RadarGrid
        im = self.beam_image(beam)
        if im.first_line_time_utc is None or im.slant_range_first_pixel_m is None:
            raise Palsar2Error(f"{im.path} holds no line records, so its radar grid (first line time, near "
                               f"range) is unknown; use the complete image file.")
        orbit = orbit if orbit is not None else self.orbit()
        return RadarGrid.for_orbit(orbit, im.first_line_time_utc, line_interval_s=im.line_interval_s,
                                   slant_range_first_m=im.slant_range_first_pixel_m,
                                   range_spacing_m=im.range_pixel_spacing_m, lines=im.lines, pixels=im.pixels,
                                   look_side=self.look_side, wavelength_m=self.wavelength_m,
                                   doppler_hz_coefficients=(self.doppler_centroid_hz if use_doppler_centroid
                                                            else (0.0,)))
