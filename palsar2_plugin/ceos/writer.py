"""Write complete ALOS-2 CEOS L1.1 products (VOL, LED, IMG per beam and polarisation, TRL, summary.txt).

The bytes follow ``docs/ceos_format.md`` (JAXA's layouts; record codes, lengths, sequence numbers,
the leader's file descriptor table, 28 state vectors, radiometric CF, facility records 1-5) using
the same layout tables as the reader. Image lines are **streamed**: the caller passes a function
``line_blocks(beam, polarisation)`` returning an iterator of complex arrays of shape
(n_lines_in_block, pixels); blocks of any height are accepted, so multi-GB files can be written
with bounded memory.

Public API::

    description = ProductDescription(mode="WBD", look_side="right", pass_direction="descending",
                                     orbit_number=12345, frame_number=3000, polarisations=("HH", "HV"),
                                     state_vectors=(...28 StateVector, 60 s apart...),
                                     scene_centre_time_utc=..., scene_centre_lat_lon=(lat, lon),
                                     corners=Corners(...), beams=(BeamGrid(beam=1, ...), ...))
    written = write_product(out_dir, description, line_blocks)
    written.files  # paths in summary order: VOL, LED, IMG..., TRL (summary.txt in written.summary)

What is rounded in the file (and therefore read back rounded): PRF to 1 mHz (line prefix),
near range to whole metres (line prefix), line times to the microsecond, the scene centre time to
the millisecond, summary.txt corners to 0.001 degree, leader floats to their field decimals.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Tuple

import numpy as np

from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from . import layouts as L
from .linerecords import line_dtype
from .scene import SCANSAR_MODES, CoordinatePolynomials, Corners, StateVector, range_pixel_spacing_m
from .summary import format_summary, format_summary_time

#: ALOS-2 PALSAR-2 wavelength (m), as in JAXA's leader (c / 1236.5 MHz).
ALOS2_WAVELENGTH_M = 0.2424525
MAX_BEAMS = {"WBS": 5, "WBD": 5, "WWS": 5, "WWD": 5, "VBS": 7, "VBD": 7}
STRIPMAP_MODES = ("SBS", "UBS", "UBD", "HBS", "HBD", "HBQ", "FBS", "FBD", "FBQ")
#: Observation mode code in DSS sensor id characters [10:12] (isce2 MultiMode/ALOS2.py).
MODE_CODES = {"SBS": 0, "UBS": 1, "UBD": 1, "HBS": 2, "HBD": 2, "HBQ": 2, "FBS": 3, "FBD": 3, "FBQ": 3,
              "WBS": 8, "WBD": 8, "WWS": 8, "WWD": 8, "VBS": 9, "VBD": 9}
POLARISATION_CODES = {"H": 0, "V": 1}
LINE_PREFIX_BYTES = L.SIGNAL_PREFIX_BYTES
SOFTWARE_VERSION = "002.012"
#: Records of an L1.1 leader: FDR, DSS, platform, attitude, radiometric, data quality, facility 1-5.
LEADER_RECORDS = 11
FACILITY = "EICS"


@dataclass(frozen=True)
class BeamGrid:
    """The radar grid of one beam (the same for every polarisation).

    ``beam``: 1-based beam number (``-F<n>`` of ScanSAR files; 1 for stripmap). ``lines``,
    ``pixels``: image size. ``prf_hz``: pulse repetition frequency (line interval 1/PRF; written
    in mHz). ``first_line_time_utc``: aware UTC datetime of line 0 (microseconds kept).
    ``near_range_m``: slant range to pixel 0 (written in whole metres). ``range_sampling_rate_hz``:
    one of the exact ALOS-2 rates (e.g. 17.4652659523373e6 for WBD); pixel spacing c/(2 fs).
    Burst fields are written to the image file descriptor when given (ScanSAR only). With
    ``burst_start_line`` (fractional line of a raw burst start) and ``burst_cycle_lines`` also
    given, the line prefixes record the raw burst under way at each line's time: burst number
    (217; 1 = the burst, or the gap after it, under way at line 0) and line in burst (221;
    1..``lines_per_burst`` while it transmits, 0 in the gap); without them the lines are cut
    into consecutive bursts of ``lines_per_burst``.
    """

    beam: int
    lines: int
    pixels: int
    prf_hz: float
    first_line_time_utc: datetime
    near_range_m: float
    range_sampling_rate_hz: float
    number_of_bursts: Optional[int] = None
    lines_per_burst: Optional[int] = None
    burst_overlap_lines: Optional[int] = None
    burst_start_line: Optional[float] = None
    burst_cycle_lines: Optional[float] = None

    @property
    def range_pixel_spacing_m(self) -> float:
        return range_pixel_spacing_m(self.range_sampling_rate_hz)

    @property
    def last_line_time_utc(self) -> datetime:
        return self.first_line_time_utc + timedelta(seconds=(self.lines - 1) / self.prf_hz)


@dataclass(frozen=True)
class ProductDescription:
    """Everything written into an L1.1 product except the pixels.

    ``mode``: WBS/WBD/WWS/WWD (beams 1-5), VBS/VBD (1-7) or a stripmap mode (SBS, UBS, UBD, HBS,
    HBD, HBQ, FBS, FBD, FBQ; one beam numbered 1). ``look_side``: "right"/"left" (clock angle
    +90/-90). ``pass_direction``: "ascending"/"descending". ``orbit_number`` (5 digits) and
    ``frame_number`` (4 digits) form the scene id ``ALOS2<orbit><frame>-<yymmdd of centre>``.
    ``state_vectors``: 28 ECEF vectors 60 s apart (any constant interval is written as given).
    ``scene_centre_time_utc``: aware UTC; ``scene_centre_lat_lon`` degrees. ``corners``: JAXA
    corners (summary.txt, 3 decimals). ``calibration_factor_db``: CF (dB) of the radiometric record.
    ``doppler_centroid_hz``: (constant Hz, linear Hz per km slant range). ``incidence_polynomial``:
    6 coefficients, theta[rad] = sum a_k (R_m/1000)**k. ``coordinate_polynomials``: facility 5
    (zeros when None). Optional numbers (``centre_incidence_deg`` ...) are written blank when None.
    ``range_bandwidth_hz`` and ``chirp_length_s`` give the DSS chirp (linear rate = bandwidth /
    length, pulse length) and range processor bandwidth; ``azimuth_bandwidth_hz`` the azimuth
    processor bandwidth (zeros/blank when None).
    """

    mode: str
    look_side: str
    pass_direction: str
    orbit_number: int
    frame_number: int
    polarisations: Tuple[str, ...]
    state_vectors: Tuple[StateVector, ...]
    scene_centre_time_utc: datetime
    scene_centre_lat_lon: Tuple[float, float]
    corners: Corners
    beams: Tuple[BeamGrid, ...]
    wavelength_m: float = ALOS2_WAVELENGTH_M
    calibration_factor_db: float = -83.0
    doppler_centroid_hz: Tuple[float, float] = (0.0, 0.0)
    incidence_polynomial: Tuple[float, ...] = (0.0,) * 6
    centre_incidence_deg: Optional[float] = None
    off_nadir_deg: Optional[float] = None
    centre_heading_deg: Optional[float] = None
    coordinate_polynomials: Optional[CoordinatePolynomials] = None
    frame_corners: Optional[Corners] = None
    processing_time_utc: Optional[datetime] = None
    range_bandwidth_hz: Optional[float] = None
    chirp_length_s: Optional[float] = None
    azimuth_bandwidth_hz: Optional[float] = None

    def __post_init__(self):
        mode = self.mode.upper()
        if mode not in MODE_CODES:
            raise ValueError(f"unknown observation mode {self.mode!r}; use one of {sorted(MODE_CODES)}")
        if self.look_side not in ("right", "left"):
            raise ValueError("look_side must be 'right' or 'left'")
        if self.pass_direction not in ("ascending", "descending"):
            raise ValueError("pass_direction must be 'ascending' or 'descending'")
        if not self.polarisations or any(p not in ("HH", "HV", "VH", "VV") for p in self.polarisations):
            raise ValueError(f"bad polarisations {self.polarisations!r}")
        numbers = [b.beam for b in self.beams]
        if mode in SCANSAR_MODES:
            if not numbers or len(set(numbers)) != len(numbers) or \
                    any(not 1 <= n <= MAX_BEAMS[mode] for n in numbers):
                raise ValueError(f"{mode} beams must be distinct numbers 1..{MAX_BEAMS[mode]}; got {numbers}")
        elif numbers != [1]:
            raise ValueError(f"a stripmap product has exactly one beam numbered 1; got {numbers}")
        if len({round(b.range_sampling_rate_hz, 3) for b in self.beams}) != 1:
            raise ValueError("all beams must share one range sampling rate (the leader holds one)")
        if len(self.state_vectors) != L.NUMBER_OF_STATE_VECTORS:
            raise ValueError(f"{L.NUMBER_OF_STATE_VECTORS} state vectors are required, got {len(self.state_vectors)}")
        dts = np.diff([(sv.time_utc - self.state_vectors[0].time_utc).total_seconds()
                       for sv in self.state_vectors])
        if np.any(dts <= 0) or np.ptp(dts) > 1e-6:
            raise ValueError("state vectors must be equally spaced in time")
        for t in [self.scene_centre_time_utc] + [b.first_line_time_utc for b in self.beams]:
            if t.tzinfo is None:
                raise ValueError("times must be timezone-aware UTC datetimes")
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "polarisations", tuple(self.polarisations))
        object.__setattr__(self, "beams", tuple(sorted(self.beams, key=lambda b: b.beam)))

    @property
    def is_scansar(self) -> bool:
        return self.mode in SCANSAR_MODES

    @property
    def scene_id(self) -> str:
        return f"ALOS2{self.orbit_number:05d}{self.frame_number:04d}-" \
               f"{self.scene_centre_time_utc.astimezone(timezone.utc):%y%m%d}"

    @property
    def product_id(self) -> str:
        return f"{self.mode}{'R' if self.look_side == 'right' else 'L'}1.1__" \
               f"{'A' if self.pass_direction == 'ascending' else 'D'}"

    def image_file_name(self, beam: int, polarisation: str) -> str:
        suffix = f"-F{beam}" if self.is_scansar else ""
        return f"IMG-{polarisation}-{self.scene_id}-{self.product_id}{suffix}"

    @property
    def file_names(self) -> List[str]:
        """VOL, LED, IMG (polarisation-major, then beam), TRL: the summary.txt order."""
        base = f"{self.scene_id}-{self.product_id}"
        imgs = [self.image_file_name(b.beam, p) for p in self.polarisations for b in self.beams]
        return [f"VOL-{base}", f"LED-{base}"] + imgs + [f"TRL-{base}"]


@dataclass(frozen=True)
class WrittenProduct:
    folder: Path
    files: Tuple[Path, ...]
    summary: Path


LineBlocks = Callable[[int, str], Iterable[np.ndarray]]
PixelGeolocation = Callable[[int, np.ndarray], Tuple[np.ndarray, np.ndarray]]


# ---------------------------------------------------------------------------------- helpers
def _utc(t: datetime) -> datetime:
    return t.astimezone(timezone.utc)


def _record_length(pixels: int) -> int:
    return LINE_PREFIX_BYTES + 8 * pixels


def _fdr_common(file_id: str) -> dict:
    return dict(ascii_flag="A", format_document="CEOS-SAR", format_revision="A",
                record_format_revision="A", software_version=SOFTWARE_VERSION, file_number=1,
                file_id=file_id, sequence_flag="FSEQ", sequence_location=1, sequence_length=4,
                code_flag="FTYP", code_location=5, code_length=4, length_flag="FLGT",
                length_location=9, length_length=4)


def _orbit(d: ProductDescription):
    """The geometry module's Orbit of the description (None if that module is unavailable)."""
    try:
        from ..geometry.orbit import Orbit
    except ImportError:
        return None
    return Orbit.from_state_vectors((sv.time_utc, sv.position_m, sv.velocity_m_s) for sv in d.state_vectors)


def _centre_state(d: ProductDescription) -> Tuple[float, ...]:
    """Position and velocity at the scene centre time (geometry's Hermite orbit, else nearest vector)."""
    try:
        orbit = _orbit(d)
        t = orbit.seconds_from_datetime(d.scene_centre_time_utc)
        pos, vel = orbit.position_velocity(np.array([t]))
        return tuple(float(v) for v in np.concatenate([np.ravel(pos), np.ravel(vel)]))
    except Exception:  # noqa: BLE001 - the geometry module is optional for the writer
        sv = min(d.state_vectors, key=lambda s: abs((s.time_utc - d.scene_centre_time_utc).total_seconds()))
        return tuple(sv.position_m) + tuple(sv.velocity_m_s)


def _line_spacing_m(d: ProductDescription, beam: BeamGrid) -> Optional[float]:
    """Azimuth line spacing on the ground (m): orbital speed x R_earth / |position| / PRF."""
    state = _centre_state(d)
    r = math.sqrt(sum(v * v for v in state[:3]))
    v = math.sqrt(sum(x * x for x in state[3:]))
    return v * 6371000.0 / r / beam.prf_hz if r > 0 else None


# ---------------------------------------------------------------------------------- leader
def build_leader(d: ProductDescription) -> bytes:
    """All records of the LED file: FDR, DSS, platform position, attitude, radiometric, data
    quality, facility 1-5 (no map projection record: L1.1)."""
    first = d.beams[0]
    centre = _utc(d.scene_centre_time_utc)
    fs_mhz = first.range_sampling_rate_hz / 1e6
    sensor_id = f"ALOS2 -L -{MODE_CODES[d.mode]:02d}00-"
    records = []

    table = {"dss_count": 1, "dss_length": L.DSS_LENGTH, "map_projection_count": 0, "map_projection_length": 0,
             "platform_position_count": 1, "platform_position_length": L.PLATFORM_LENGTH,
             "attitude_count": 1, "attitude_length": L.ATTITUDE_LENGTH,
             "radiometric_count": 1, "radiometric_length": L.RADIOMETRIC_LENGTH,
             "data_quality_count": 1, "data_quality_length": L.DATA_QUALITY_LENGTH}
    for name in L._LEADER_TABLE_NAMES:
        table.setdefault(f"{name}_count", 0)
        table.setdefault(f"{name}_length", 0)
    for k, length in enumerate(L.FACILITY_LENGTHS, start=1):
        table[f"facility{k}_count"] = 1
        table[f"facility{k}_length"] = length
    records.append(L.LEADER_FDR.build({**_fdr_common("AL2 SARCSARL"), **table}, sequence=1))

    dss = dict(
        sequence_number=1, scene_id=d.scene_id,
        scene_centre_time=centre.strftime("%Y%m%d%H%M%S") + f"{int(round(centre.microsecond / 1000.0)) % 1000:03d}",
        centre_latitude=d.scene_centre_lat_lon[0], centre_longitude=d.scene_centre_lat_lon[1],
        centre_heading=d.centre_heading_deg, ellipsoid="GRS80", semi_major_axis=6378.137,
        semi_minor_axis=6356.7523141, earth_mass=5.974, gravitational_constant=3.986005,
        j2=0.1082629, j3=-0.0000254, j4=-0.0000162,
        centre_line=first.lines // 2, centre_pixel=first.pixels // 2,
        number_of_sar_channels=4, mission_id="ALOS2", sensor_id=sensor_id,
        orbit_number=str(d.orbit_number), clock_angle=90.0 if d.look_side == "right" else -90.0,
        centre_incidence_angle=d.centre_incidence_deg, wavelength=d.wavelength_m,
        motion_compensation="00", range_pulse_code="LINEAR FM CHIRP", chirp_constant=0.0,
        chirp_linear=(d.range_bandwidth_hz / d.chirp_length_s if d.range_bandwidth_hz and d.chirp_length_s
                      else 0.0), chirp_quadratic=0.0, chirp_cubic=0.0, chirp_quartic=0.0,
        range_sampling_rate=fs_mhz, range_gate_delay=2.0 * first.near_range_m / 299792458.0 * 1e6,
        range_pulse_length=d.chirp_length_s * 1e6 if d.chirp_length_s else None,
        processor_bandwidth_azimuth=d.azimuth_bandwidth_hz,
        processor_bandwidth_range=d.range_bandwidth_hz / 1e3 if d.range_bandwidth_hz else None,
        baseband_conversion="YES", range_compression="YES", quantisation_bits=8,
        quantiser_description="UNIFORM I,Q", echo_tracker="OFF", prf=first.prf_hz * 1000.0,
        processing_facility=FACILITY, processing_system=FACILITY, processing_version=SOFTWARE_VERSION,
        product_level="1.1", product_type="BASIC IMAGE", azimuth_looks=1.0, range_looks=1.0,
        weighting_azimuth="1", weighting_range="1", data_input_source="ONLINE",
        doppler_along_track=(0.0, 0.0, 0.0), doppler_cross_track=(0.0, 0.0, 0.0),
        time_direction_line="ASCEND" if d.pass_direction == "ascending" else "DESCEND",
        doppler_rate_along_track=(0.0, 0.0, 0.0), doppler_rate_cross_track=(0.0, 0.0, 0.0),
        line_content="RANGE", clutter_lock="NO", autofocus="NO",
        line_spacing=_line_spacing_m(d, first), pixel_spacing=first.range_pixel_spacing_m,
        range_compression_designator="EXTRACTED CHIRP",
        doppler_centroid_constant=d.doppler_centroid_hz[0], doppler_centroid_linear=d.doppler_centroid_hz[1],
        calibration_data_indicator=0, calibration_start_line_upper=0, calibration_end_line_upper=0,
        calibration_start_line_bottom=0, calibration_end_line_bottom=0, prf_switching_flag=0,
        prf_switching_line=1, yaw_steering_flag=0, off_nadir_angle=d.off_nadir_deg,
        incidence_polynomial=tuple(d.incidence_polynomial), number_of_annotation_points=0)
    records.append(L.DATA_SET_SUMMARY.build(dss, sequence=2))

    svs = d.state_vectors
    t0 = _utc(svs[0].time_utc)
    interval = (svs[1].time_utc - svs[0].time_utc).total_seconds()
    midnight = t0.replace(hour=0, minute=0, second=0, microsecond=0)
    pp = dict(orbital_elements_designator="2", centre_state=_centre_state(d),
              number_of_points=len(svs), year=t0.year, month=t0.month, day=t0.day,
              day_of_year=t0.timetuple().tm_yday, seconds_of_day=(t0 - midnight).total_seconds(),
              interval=interval, reference_frame="ECR",
              position_errors=(100.0, 100.0, 100.0, 0.3, 0.3, 0.3), leap_second_flag=0)
    for k, key in enumerate(("x", "y", "z")):
        pp[key] = tuple(sv.position_m[k] for sv in svs)
        pp["v" + key] = tuple(sv.velocity_m_s[k] for sv in svs)
    records.append(L.PLATFORM_POSITION.build(pp, sequence=3))

    start = _utc(first.first_line_time_utc).replace(microsecond=0)
    times = [start + timedelta(seconds=k) for k in range(L.ATTITUDE_POINTS)]
    n = L.ATTITUDE_POINTS
    att = dict(number_of_points=n, day_of_year=tuple(t.timetuple().tm_yday for t in times),
               milliseconds_of_day=tuple((t.hour * 3600 + t.minute * 60 + t.second) * 1000 for t in times))
    for key in ("pitch", "roll", "yaw"):
        att[key] = (0.0,) * n
        att[key + "_rate"] = (0.0,) * n
        att[key + "_flag"] = (0,) * n
        att[key + "_rate_flag"] = (0,) * n
    records.append(L.ATTITUDE.build(att, sequence=4))

    records.append(L.RADIOMETRIC.build(dict(
        sar_channel_id=1, number_of_data_sets=1, calibration_factor=d.calibration_factor_db,
        distortion_matrices=(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0) * 2), sequence=5))
    records.append(L.DATA_QUALITY.build(dict(record_number=1, number_of_channels=4), sequence=6))
    for k, layout in enumerate(L.FACILITY_RAW, start=1):
        records.append(layout.build(dict(sequence_number=k), sequence=6 + k))

    poly = d.coordinate_polynomials
    if poly is None:
        poly = CoordinatePolynomials((0.0,) * 25, (0.0,) * 25, float(first.pixels // 2), float(first.lines // 2),
                                     (0.0,) * 25, (0.0,) * 25, float(d.scene_centre_lat_lon[0]),
                                     float(d.scene_centre_lat_lon[1]))
    records.append(L.FACILITY_COORDINATES.build(dict(
        sequence_number=5, map_to_pixel=(0.0,) * 10, map_to_line=(0.0,) * 10,
        calibration_mode_location_flag=0, calibration_lines=(0, 0, 0, 0), prf_switching_flag=0,
        prf_switching_line=1, loss_lines_l10=0, loss_lines_l11=0,
        pixel_line_to_latitude=poly.to_latitude, pixel_line_to_longitude=poly.to_longitude,
        origin_pixel=poly.origin_pixel, origin_line=poly.origin_line,
        lat_lon_to_pixel=poly.to_pixel, lat_lon_to_line=poly.to_line,
        origin_latitude=poly.origin_latitude, origin_longitude=poly.origin_longitude), sequence=len(records) + 1))
    return b"".join(records)


def build_volume_directory(d: ProductDescription) -> bytes:
    """VOL file: descriptor, one file pointer per LED / IMG / TRL, one text record."""
    when = _utc(d.processing_time_utc or d.scene_centre_time_utc)
    names = d.file_names
    n_pointers = len(names) - 1
    recs = [L.VOLUME_DESCRIPTOR.build(dict(
        ascii_flag="A", format_document="CEOS-SAR", format_revision="A", record_format_revision="A",
        software_version=SOFTWARE_VERSION, physical_volume_id=FACILITY,
        logical_volume_id=f"AL2SAR{when:%Y%m%d}", volume_set_id="ALOS2  SAR",
        number_of_physical_volumes=1, first_physical_volume=1, last_physical_volume=1,
        current_physical_volume=1, first_file_number=n_pointers, logical_volume_in_set=1,
        logical_volume_number=1, creation_date=f"{when:%Y%m%d}",
        creation_time=f"{when:%H%M%S}{when.microsecond // 10000:02d}", country="JAPAN", agency="JAXA",
        facility=FACILITY, number_of_file_pointers=n_pointers, number_of_text_records=1), sequence=1)]
    seq = 2
    pointer = dict(ascii_flag="A", data_type="MIXED BINARY AND ASCII", data_type_code="MBAA",
                   record_length_type="VARIABLE LEN", record_length_type_code="VARE",
                   first_physical_volume=1, last_physical_volume=1, first_record_number=1)
    recs.append(L.FILE_POINTER.build(dict(pointer, file_number=1, file_id="AL2 SARCSARL",
                                          file_class="SARLEADER FILE", file_class_code="SARL",
                                          number_of_records=LEADER_RECORDS, first_record_length=L.FDR_LENGTH,
                                          max_record_length=max(L.FACILITY_LENGTHS),
                                          last_record_number=LEADER_RECORDS),
                                     sequence=seq))
    seq += 1
    for p in d.polarisations:
        for b in d.beams:
            recs.append(L.FILE_POINTER.build(dict(
                pointer, file_number=2, file_id="AL2 SARBIMOP", file_class="IMAGERY OPTIONS FILE",
                file_class_code="IMOP", number_of_records=b.lines + 1, first_record_length=L.FDR_LENGTH,
                max_record_length=_record_length(b.pixels), last_record_number=b.lines + 1), sequence=seq))
            seq += 1
    recs.append(L.FILE_POINTER.build(dict(pointer, file_number=3, file_id="AL2 SARCSART",
                                          file_class="SARTRAILER FILE", file_class_code="SART",
                                          number_of_records=1, first_record_length=L.FDR_LENGTH,
                                          max_record_length=L.FDR_LENGTH, last_record_number=1), sequence=seq))
    seq += 1
    lat, lon = d.scene_centre_lat_lon
    recs.append(L.TEXT_RECORD.build(dict(
        ascii_flag="A", product_type=f"PRODUCT:{d.product_id}",
        process=f"PROCESS:JAPAN-JAXA-ALOS2-{FACILITY}  {when:%Y%m%d %H%M%S}", tape_id="TAPE ID:",
        orbit=f"ORBIT :{d.scene_id}",
        frame_centre=f"FRAME CENTRE: N{_signed_degrees(lat)}  E{_signed_degrees(lon)}"), sequence=seq))
    return b"".join(recs)


def _signed_degrees(value: float) -> str:
    """JAXA's text-record style: ``-011.05`` for negative, ``037.20`` for positive degrees."""
    return f"{value:07.2f}" if value < 0 else f"{value:06.2f}"


def build_trailer() -> bytes:
    """TRL file: its file descriptor only (no low-resolution image: count 0)."""
    table = {f"{n}_{k}": 0 for n in L._LEADER_TABLE_NAMES for k in ("count", "length")}
    table.update({f"facility{k}_{x}": 0 for k in range(1, 6) for x in ("count", "length")})
    return L.TRAILER_FDR.build({**_fdr_common("AL2 SARCSART"), **table,
                                "number_of_low_resolution_images": 0}, sequence=1)


def build_image_descriptor(d: ProductDescription, beam: BeamGrid) -> bytes:
    """The 720-byte IMG file descriptor of an L1.1 (C*8) image."""
    return L.IMAGE_FDR.build({**_fdr_common("AL2 SARBIMOP"),
                              **dict(number_of_records=beam.lines, record_length=_record_length(beam.pixels),
                                     bits_per_sample=32, samples_per_group=2, bytes_per_group=8,
                                     number_of_channels=1, number_of_lines=beam.lines, left_border_pixels=0,
                                     number_of_pixels=beam.pixels, right_border_pixels=0, top_border_lines=0,
                                     bottom_border_lines=0, interleaving="BSQ", records_per_line=1,
                                     records_per_channel=1, prefix_bytes=LINE_PREFIX_BYTES,
                                     data_bytes=8 * beam.pixels, suffix_bytes=0,
                                     line_number_locator="13 4PB", channel_number_locator="49 2PB",
                                     time_locator="45 4PB", left_fill_locator="21 4PB",
                                     right_fill_locator="29 4PB", sar_data_indicator_locator="97 4PB",
                                     sample_data_type="COMPLEX*8", format_code="C*8", left_fill_bits=0,
                                     right_fill_bits=0, maximum_data_range=0,
                                     number_of_bursts=beam.number_of_bursts if d.is_scansar else None,
                                     lines_per_burst=beam.lines_per_burst if d.is_scansar else None,
                                     burst_overlap_lines=beam.burst_overlap_lines if d.is_scansar else None)},
                             sequence=1)


def summary_pairs(d: ProductDescription) -> List[Tuple[str, str]]:
    """summary.txt entries in JAXA's order (the L1.5 sample's keys, L11 file-name keys)."""
    when = _utc(d.processing_time_utc or d.scene_centre_time_utc)
    start = min(_utc(b.first_line_time_utc) for b in d.beams)
    end = max(_utc(b.last_line_time_utc) for b in d.beams)
    frame = d.frame_corners or d.corners
    c = d.corners

    def ll(v):
        return f"{v:.3f}"

    pairs = [("Odi_SceneId", f"SARD{d.orbit_number:012d}-00010-000-000"),
             ("Odi_SiteDateTime", f"PROCESS:JAPAN-JAXA-ALOS2-{FACILITY}  {when:%Y%m%d %H%M%S}"),
             ("Scs_SceneID", d.scene_id), ("Scs_SceneShift", "0"), ("Pds_ProductID", d.product_id),
             ("Pds_OrbitDataPrecision", "Precision"), ("Pds_AttitudeDataPrecision", "Onboard"),
             ("Img_SceneCenterDateTime", format_summary_time(d.scene_centre_time_utc)),
             ("Img_SceneStartDateTime", format_summary_time(start)),
             ("Img_SceneEndDateTime", format_summary_time(end)),
             ("Img_ImageSceneCenterLatitude", ll((c.centre or d.scene_centre_lat_lon)[0])),
             ("Img_ImageSceneCenterLongitude", ll((c.centre or d.scene_centre_lat_lon)[1]))]
    for prefix, corners in (("Img_ImageScene", c), ("Img_FrameScene", frame)):
        if prefix == "Img_FrameScene":
            centre = frame.centre or d.scene_centre_lat_lon
            pairs += [(f"{prefix}CenterLatitude", ll(centre[0])), (f"{prefix}CenterLongitude", ll(centre[1]))]
        for key, value in (("LeftTop", corners.left_top), ("RightTop", corners.right_top),
                           ("LeftBottom", corners.left_bottom), ("RightBottom", corners.right_bottom)):
            pairs += [(f"{prefix}{key}Latitude", ll(value[0])), (f"{prefix}{key}Longitude", ll(value[1]))]
    pairs.append(("Img_OffNadirAngle", f"{d.off_nadir_deg:.1f}" if d.off_nadir_deg is not None else "0.0"))
    size_mb = sum(L.FDR_LENGTH + b.lines * _record_length(b.pixels) for b in d.beams) * len(d.polarisations) / 2**20
    names = d.file_names
    pairs += [("Pdi_ProductDataSize", f"{size_mb:.1f}"), ("Pdi_CntOfL11ProductFileName", str(len(names)))]
    pairs += [(f"Pdi_L11ProductFileName{k:02d}", n) for k, n in enumerate(names, start=1)]
    pairs.append(("Pdi_BitPixel", "32"))
    for b in d.beams:
        k = b.beam if d.is_scansar else 0
        pairs += [(f"Pdi_NoOfPixels_{k}", str(b.pixels)), (f"Pdi_NoOfLines_{k}", str(b.lines))]
    pairs += [("Pdi_ProductFormat", "CEOS"), ("Ach_TimeCheck", "GOOD"), ("Ach_AttitudeCheck", "GOOD"),
              ("Ach_HouseKeepingDataCheck", "GOOD"), ("Ach_OrbitCheck", "GOOD"),
              ("Ach_OnBoardAttitudeCheck", "GOOD"), ("Ach_LossLines", "GOOD"),
              ("Rad_PracticeResultCode", "GOOD"), ("Lbi_Satellite", "ALOS2"), ("Lbi_Sensor", "SAR"),
              ("Lbi_ProcessLevel", "1.1"), ("Lbi_ProcessFacility", FACILITY),
              ("Lbi_ObservationDate", f"{_utc(d.scene_centre_time_utc):%Y%m%d}")]
    return pairs


# ---------------------------------------------------------------------------------- image lines
def line_record_dtype(pixels: int) -> np.dtype:
    """Structured dtype of one L1.1 line record (544-byte prefix fields + ``samples`` '>c8')."""
    return line_dtype(L.SIGNAL_PREFIX, LINE_PREFIX_BYTES, pixels, "C*8")


def _platform_fields(rec: np.ndarray, orbit, t_s: np.ndarray) -> None:
    """Prefix platform position (133-144: lat/lon udeg, altitude m), ground speed (145, cm/s),
    velocity (149-160, ECEF cm/s) and acceleration (161-172, cm/s2) at the line times."""
    from ..geometry.ellipsoid import ecef_to_geodetic
    pos, vel, acc = orbit.position_velocity_acceleration(t_s, check=False)
    lat, lon, h = ecef_to_geodetic(pos)
    r = np.linalg.norm(pos, axis=-1)
    rec["platform_latitude"] = np.rint(np.asarray(lat) * 1e6).astype(np.int32)
    rec["platform_longitude"] = np.rint(np.asarray(lon) * 1e6).astype(np.int32)
    rec["platform_altitude"] = np.rint(h).astype(np.int32)
    rec["ground_speed"] = np.rint(np.linalg.norm(vel, axis=-1) * 6371000.0 / r * 100.0).astype(np.int32)
    rec["velocity"] = np.rint(vel * 100.0).astype(np.int32)
    rec["acceleration"] = np.rint(acc * 100.0).astype(np.int32)


def scansar_burst_fields(lines: np.ndarray, burst_start_line: float, cycle_lines: float,
                         lines_per_burst: int) -> Tuple[np.ndarray, np.ndarray]:
    """(burst number, line in burst) of 0-based ``lines`` when raw bursts of ``lines_per_burst``
    lines start at fractional line ``burst_start_line`` + n ``cycle_lines`` (see :class:`BeamGrid`)."""
    k = np.asarray(lines, dtype=np.float64)
    start = burst_start_line % cycle_lines - cycle_lines          # a burst start at or before line 0
    n = np.floor((k - start) / cycle_lines)
    within = k - start - n * cycle_lines
    number = (n - np.floor(-start / cycle_lines) + 1).astype(np.int64)
    return number, np.where(within < lines_per_burst, np.floor(within) + 1, 0).astype(np.int64)


def build_line_records(d: ProductDescription, beam: BeamGrid, polarisation: str, first_line: int,
                       samples: np.ndarray, geolocation: Optional[PixelGeolocation] = None,
                       orbit=None) -> np.ndarray:
    """Line records for lines ``first_line .. first_line + len(samples) - 1`` (0-based) of one file.

    ``orbit`` (geometry Orbit of the state vectors), when given, fills the platform fields."""
    n = samples.shape[0]
    rec = np.zeros(n, dtype=line_record_dtype(beam.pixels))
    k = np.arange(first_line, first_line + n, dtype=np.int64)
    rec["sequence"] = k + 2
    rec["subtype1"], rec["record_type"], rec["subtype2"], rec["subtype3"] = L.CODES_SIGNAL
    rec["record_length"] = _record_length(beam.pixels)
    rec["line_number"] = k + 1
    rec["record_index"] = 1
    rec["data_pixels"] = beam.pixels
    rec["sensor_update_flag"] = (k == 0).astype(np.uint32)
    t0 = _utc(beam.first_line_time_utc)
    midnight = t0.replace(hour=0, minute=0, second=0, microsecond=0)
    us0 = (t0 - midnight) // timedelta(microseconds=1)
    us = us0 + np.rint(k * (1e6 / beam.prf_hz)).astype(np.int64)
    day = us // 86_400_000_000
    us = us - day * 86_400_000_000
    for dd in np.unique(day):
        date = midnight + timedelta(days=int(dd))
        sel = day == dd
        rec["year"][sel] = date.year
        rec["day_of_year"][sel] = date.timetuple().tm_yday
    rec["milliseconds_of_day"] = us // 1000
    rec["microseconds_of_day"] = us
    rec["sar_channel_id"] = {1: 1, 2: 2}.get(len(d.polarisations), 4)
    rec["transmit_polarisation"] = POLARISATION_CODES[polarisation[0]]
    rec["receive_polarisation"] = POLARISATION_CODES[polarisation[1]]
    rec["prf"] = int(round(beam.prf_hz * 1000.0))
    rec["scan_id"] = beam.beam if d.is_scansar else 0
    rec["slant_range"] = int(round(beam.near_range_m))
    rec["platform_update_flag"] = 1
    if d.is_scansar and beam.lines_per_burst and beam.burst_cycle_lines:
        rec["burst_number"], rec["line_in_burst"] = scansar_burst_fields(
            k, beam.burst_start_line or 0.0, beam.burst_cycle_lines, beam.lines_per_burst)
    elif d.is_scansar and beam.lines_per_burst:
        rec["burst_number"] = k // beam.lines_per_burst + 1
        rec["line_in_burst"] = k % beam.lines_per_burst + 1
    rec["frame_number"] = d.frame_number
    if orbit is not None:
        _platform_fields(rec, orbit, orbit.seconds_from_datetime(t0) + k / beam.prf_hz)
    if geolocation is not None:
        lat, lon = geolocation(beam.beam, k)
        rec["latitudes"] = np.rint(np.asarray(lat, dtype=np.float64) * 1e6).astype(np.int32)
        rec["longitudes"] = np.rint(np.asarray(lon, dtype=np.float64) * 1e6).astype(np.int32)
    rec["samples"] = samples
    return rec


def _write_image(path: Path, d: ProductDescription, beam: BeamGrid, polarisation: str,
                 blocks: Iterable[np.ndarray], geolocation, progress, is_cancelled) -> None:
    written = 0
    orbit = _orbit(d)
    with open(path, "wb") as f:
        f.write(build_image_descriptor(d, beam))
        for block in blocks:
            check_cancelled(is_cancelled)
            block = np.asarray(block)
            if block.ndim != 2 or block.shape[1] != beam.pixels:
                raise ValueError(f"beam {beam.beam} {polarisation}: line block of shape {block.shape}, "
                                 f"expected (n, {beam.pixels})")
            if written + block.shape[0] > beam.lines:
                raise ValueError(f"beam {beam.beam} {polarisation}: more than {beam.lines} lines given")
            f.write(build_line_records(d, beam, polarisation, written, block, geolocation, orbit).tobytes())
            written += block.shape[0]
            report(progress, written / beam.lines, f"beam {beam.beam} {polarisation}")
    if written != beam.lines:
        raise ValueError(f"beam {beam.beam} {polarisation}: {written} lines given, {beam.lines} expected")


def write_product(out_dir, description: ProductDescription, line_blocks: LineBlocks, *,
                  pixel_geolocation: Optional[PixelGeolocation] = None,
                  progress: Optional[ProgressCallback] = None,
                  is_cancelled: Optional[CancelCheck] = None) -> WrittenProduct:
    """Write the whole L1.1 product into folder ``out_dir`` (created if needed).

    ``line_blocks(beam, polarisation)`` must return an iterable of complex arrays (any complex
    dtype; written as big-endian complex float32) of shape (n, pixels) whose heights add up to the
    beam's ``lines``. ``pixel_geolocation(beam, line_indices)``, if given, returns (lat, lon)
    arrays of shape (n, 3) in degrees for the first, centre and last pixel of those 0-based lines
    (written in the line prefixes, microdegrees); otherwise those fields are 0. Files are written
    under a ``.part`` name and renamed when complete; on error or cancellation the partial files
    are removed. Returns the written paths.
    """
    d = description
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    names = d.file_names
    parts: List[Path] = []
    finals: List[Path] = []

    def stage(name: str) -> Path:
        p = folder / (name + ".part")
        parts.append(p)
        finals.append(folder / name)
        return p

    try:
        stage(names[0]).write_bytes(build_volume_directory(d))
        stage(names[1]).write_bytes(build_leader(d))
        total = sum(b.lines for b in d.beams) * len(d.polarisations)
        done = 0
        for pol in d.polarisations:
            for b in d.beams:
                sub = None
                if progress is not None:
                    start = done / total

                    def sub(f, m, _s=start, _w=b.lines / total):
                        report(progress, _s + _w * f, m)
                _write_image(stage(d.image_file_name(b.beam, pol)), d, b, pol, line_blocks(b.beam, pol),
                             pixel_geolocation, sub, is_cancelled)
                done += b.lines
        stage(names[-1]).write_bytes(build_trailer())
        stage("summary.txt").write_bytes(format_summary(summary_pairs(d)))
    except BaseException:
        for p in parts:
            try:
                p.unlink()
            except FileNotFoundError:
                pass
        raise
    for p, final in zip(parts, finals):
        os.replace(p, final)
    return WrittenProduct(folder, tuple(finals[:-1]), finals[-1])


def constant_blocks(lines: int, pixels: int, value: complex = 1 + 0j, block_lines: int = 1024) -> Iterator[np.ndarray]:
    """Blocks of a constant complex image (handy for tests and benchmarks)."""
    for start in range(0, lines, block_lines):
        n = min(block_lines, lines - start)
        yield np.full((n, pixels), value, dtype=np.complex64)
