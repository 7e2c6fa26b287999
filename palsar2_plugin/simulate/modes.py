"""PALSAR-2 observation modes and beams used by the simulator.

Facts from ../shared/docs/ceos_format.md: mode codes (§1), exact range sampling rates (§5:
104.79/52.40/34.93/17.47 MHz, slant-range pixel c/(2 fs)), ScanSAR WD1 PRFs per beam (§10:
2661.847, 3314.512, 2406.568, 2270.575, 2821.225 Hz), the sample FBD PRF (2122.318 Hz), the
wavelength (0.2424525 m) and CF (-83 dB). Beam incidence intervals and stripmap PRFs are
realistic values chosen for the simulator (JAXA's beam tables are not in the notes); the WD2
(VBS/VBD) PRFs are illustrative. Each beam is described by its ellipsoid incidence angles
(degrees) at near and far range; the simulator turns them into a near slant range (whole
metres, as the line prefix stores it) and a pixel count on the actual orbit.

PRFs are whole millihertz (the line prefix stores mHz as an integer), so the line interval
1/PRF is the same for the writer and any reader.

Processed azimuth bandwidth (the band of the band-limited speckle, :mod:`.speckle_kernel`):
ScanSAR 0.85 x 2270.575 Hz for every beam (isce2's value, insar_notes.md §1.1); FBS/FBD
1355.93 Hz (the DSS of JAXA's FBD sample); other stripmap modes 0.7 x PRF (chosen: 3 m azimuth
resolution for UBS at ~6.9 km/s ground speed). Range bandwidths are the chirp bandwidths.

Stripmap beam numbers (:data:`STRIPMAP_BEAMS`): JAXA's off-nadir angles of the calibrated SM1
(U2-6 .. U3-14) and SM2 (FP6-3 .. FP6-7) beams (JAXA EORC, "ALOS-2 accumulated observation
results", beam number table). ``plan_scene(..., beam_id=...)`` centres the mode's incidence
interval on the incidence that off-nadir angle gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

from ..errors import Palsar2Error

SPEED_OF_LIGHT_M_S = 299792458.0

#: PALSAR-2 wavelength (m), as in the DSS of JAXA's products (c / 1236.5 MHz).
WAVELENGTH_M = 0.2424525

#: JAXA calibration factor for L1.1 (dB): sigma0_dB = 10 log10 <I^2+Q^2> + CF - 32.
CALIBRATION_FACTOR_DB = -83.0
CALIBRATION_OFFSET_DB = 32.0

#: Exact range sampling rates (Hz) keyed by the rounded MHz value JAXA writes (ceos_format.md §5).
RANGE_SAMPLING_RATE_HZ = {
    104: 104.791595714024e6,
    52: 52.3957978570119e6,
    34: 34.9305319046746e6,
    17: 17.4652659523373e6,
}


@dataclass(frozen=True)
class BeamSpec:
    """One beam: name (``"F1"``.. for ScanSAR, ``""`` for stripmap), ellipsoid incidence at near and
    far range (degrees), PRF in millihertz (integer), scan id (1-based beam number in the line prefix)."""

    name: str
    incidence_near_deg: float
    incidence_far_deg: float
    prf_mhz: int
    scan_id: int = 1

    @property
    def prf_hz(self) -> float:
        return self.prf_mhz / 1000.0


@dataclass(frozen=True)
class ModeSpec:
    """An observation mode: its code (product id letters), kind (``"stripmap"`` / ``"scansar"``),
    polarisations (``("HH", "HV")`` dual, ``("HH",)`` single), range sampling rate key (MHz, see
    :data:`RANGE_SAMPLING_RATE_HZ`), range bandwidth (Hz), chirp length (s), DSS sensor mode digits
    (``"03"`` fine, ``"02"`` high sensitive, ``"01"`` ultra fine, ``"08"`` ScanSAR nominal,
    ``"09"`` ScanSAR wide), the nominal scene length along track (m) and the beams."""

    code: str
    kind: str
    polarisations: Tuple[str, ...]
    sampling_rate_key_mhz: int
    range_bandwidth_hz: float
    chirp_length_s: float
    sensor_mode_id: str
    scene_length_m: float
    beams: Tuple[BeamSpec, ...]
    azimuth_bandwidth_hz: float = 0.0

    def azimuth_bandwidth_of(self, beam: BeamSpec) -> float:
        """Processed azimuth bandwidth (Hz) of ``beam`` (0.7 x PRF when the mode gives none)."""
        return self.azimuth_bandwidth_hz or 0.7 * beam.prf_hz

    @property
    def range_sampling_rate_hz(self) -> float:
        return RANGE_SAMPLING_RATE_HZ[self.sampling_rate_key_mhz]

    @property
    def range_pixel_spacing_m(self) -> float:
        """Slant-range pixel spacing c / (2 fs) in metres."""
        return SPEED_OF_LIGHT_M_S / (2.0 * self.range_sampling_rate_hz)

    @property
    def is_scansar(self) -> bool:
        return self.kind == "scansar"

    @property
    def centre_incidence_deg(self) -> float:
        """Ellipsoid incidence (degrees) at the middle of the whole swath: the scene centre sees it."""
        return 0.5 * (self.beams[0].incidence_near_deg + self.beams[-1].incidence_far_deg)


_WD1_BEAMS = (  # ScanSAR nominal (350 km): PRFs of ceos_format.md §10, overlapping incidence intervals
    BeamSpec("F1", 25.0, 31.2, 2661847, 1),
    BeamSpec("F2", 30.8, 36.2, 3314512, 2),
    BeamSpec("F3", 35.8, 40.6, 2406568, 3),
    BeamSpec("F4", 40.2, 44.6, 2270575, 4),
    BeamSpec("F5", 44.2, 48.5, 2821225, 5),
)
_WD2_BEAMS = (  # ScanSAR wide (490 km), 7 beams; PRFs illustrative
    BeamSpec("F1", 20.0, 26.4, 2731200, 1),
    BeamSpec("F2", 26.0, 31.6, 3152800, 2),
    BeamSpec("F3", 31.2, 36.0, 2521600, 3),
    BeamSpec("F4", 35.6, 40.0, 2384400, 4),
    BeamSpec("F5", 39.6, 43.6, 2953100, 5),
    BeamSpec("F6", 43.2, 46.8, 2206300, 6),
    BeamSpec("F7", 46.4, 49.8, 2604500, 7),
)


def _stripmap(code, pols, key, bandwidth, chirp, mode_id, incidence, prf_mhz, length_m=70_000.0,
              azimuth_bandwidth=0.0):
    return ModeSpec(code, "stripmap", pols, key, bandwidth, chirp, mode_id, length_m,
                    (BeamSpec("", incidence[0], incidence[1], prf_mhz, 1),), azimuth_bandwidth)


_SCANSAR_AZIMUTH_BANDWIDTH_HZ = 0.85 * 2270.575


MODES: Dict[str, ModeSpec] = {
    # ScanSAR WD1, 14 MHz (W?) and 28 MHz (WW?)
    "WBD": ModeSpec("WBD", "scansar", ("HH", "HV"), 17, 14e6, 27.0e-6, "08", 350_000.0, _WD1_BEAMS,
                    _SCANSAR_AZIMUTH_BANDWIDTH_HZ),
    "WBS": ModeSpec("WBS", "scansar", ("HH",), 17, 14e6, 27.0e-6, "08", 350_000.0, _WD1_BEAMS,
                    _SCANSAR_AZIMUTH_BANDWIDTH_HZ),
    "WWD": ModeSpec("WWD", "scansar", ("HH", "HV"), 34, 28e6, 27.0e-6, "08", 350_000.0, _WD1_BEAMS,
                    _SCANSAR_AZIMUTH_BANDWIDTH_HZ),
    "WWS": ModeSpec("WWS", "scansar", ("HH",), 34, 28e6, 27.0e-6, "08", 350_000.0, _WD1_BEAMS,
                    _SCANSAR_AZIMUTH_BANDWIDTH_HZ),
    # ScanSAR WD2 (wide), 7 beams
    "VBD": ModeSpec("VBD", "scansar", ("HH", "HV"), 17, 14e6, 27.0e-6, "09", 490_000.0, _WD2_BEAMS,
                    _SCANSAR_AZIMUTH_BANDWIDTH_HZ),
    "VBS": ModeSpec("VBS", "scansar", ("HH",), 17, 14e6, 27.0e-6, "09", 490_000.0, _WD2_BEAMS,
                    _SCANSAR_AZIMUTH_BANDWIDTH_HZ),
    # Stripmap SM3 (10 m, 28 MHz), SM2 (6 m, 42 MHz), SM1 (3 m, 84 MHz)
    "FBD": _stripmap("FBD", ("HH", "HV"), 34, 28e6, 30.8e-6, "03", (36.5, 41.8), 2122318,
                     azimuth_bandwidth=1355.93),
    "FBS": _stripmap("FBS", ("HH",), 34, 28e6, 30.8e-6, "03", (36.5, 41.8), 2122318,
                     azimuth_bandwidth=1355.93),
    "HBD": _stripmap("HBD", ("HH", "HV"), 52, 42e6, 30.8e-6, "02", (34.0, 38.6), 2415200, 50_000.0),
    "HBS": _stripmap("HBS", ("HH",), 52, 42e6, 30.8e-6, "02", (34.0, 38.6), 2415200, 50_000.0),
    "UBS": _stripmap("UBS", ("HH",), 104, 84e6, 25.0e-6, "01", (33.0, 37.6), 3308100, 50_000.0),
    "UBD": _stripmap("UBD", ("HH", "HV"), 104, 84e6, 25.0e-6, "01", (33.0, 37.6), 3308100, 50_000.0),
}


#: Off-nadir angle (degrees, at the swath centre) of JAXA's stripmap beam numbers, and their modes.
STRIPMAP_BEAMS: Dict[str, Tuple[float, Tuple[str, ...]]] = {
    **{b: (a, ("UBS", "UBD")) for b, a in (("U2-6", 29.1), ("U2-7", 32.7), ("U2-8", 35.4), ("U2-9", 38.2),
                                          ("U3-10", 40.6), ("U3-11", 42.7), ("U3-12", 44.7), ("U3-13", 46.4),
                                          ("U3-14", 48.0))},
    **{b: (a, ("HBS", "HBD")) for b, a in (("FP6-3", 18.0), ("FP6-4", 21.9), ("FP6-5", 25.6), ("FP6-6", 29.1),
                                          ("FP6-7", 32.7))},
}


def stripmap_beam_off_nadir(mode: "ModeSpec", beam_id: str) -> float:
    """Off-nadir angle (degrees) of JAXA stripmap beam ``beam_id`` (e.g. ``U2-7``) for ``mode``, or a
    :class:`Palsar2Error` naming the beams the mode has."""
    key = str(beam_id).strip().upper()
    if key not in STRIPMAP_BEAMS or mode.code not in STRIPMAP_BEAMS[key][1]:
        have = [b for b, (_, modes) in STRIPMAP_BEAMS.items() if mode.code in modes]
        raise Palsar2Error(f"Beam {beam_id!r} is not a {mode.code} beam of this simulator"
                           + (f": choose one of {', '.join(have)}" if have else f"; {mode.code} takes no --beam"))
    return STRIPMAP_BEAMS[key][0]


def mode_spec(code: str) -> ModeSpec:
    """The :class:`ModeSpec` of ``code`` (case-insensitive), or a :class:`Palsar2Error` listing the modes."""
    key = str(code).strip().upper()
    if key not in MODES:
        raise Palsar2Error(f"Unknown PALSAR-2 mode {code!r}: choose one of {', '.join(sorted(MODES))}")
    return MODES[key]
