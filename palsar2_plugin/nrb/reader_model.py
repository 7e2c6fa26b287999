"""What the NRB reader knows about one product: files, calibration and descriptive metadata.

Plain data, no I/O. Paths are GDAL paths (``/vsizip/...`` inside a zip). Times are UTC.
Angles are degrees. "Amplitude DN" means the file holds 16-bit digital numbers proportional to
the amplitude (square root of power) of the backscatter coefficient.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .mask import MASK_CLASSES, MASK_NODATA  # noqa: F401 - the product's mask values, for the readers and styles

#: Product kinds the reader recognises.
KIND_JAXA_L22 = "jaxa_l22"
KIND_JAXA_L21 = "jaxa_l21"
KIND_OWN_NRB = "palsar2_nrb"


@dataclass(frozen=True)
class Calibration:
    """How a backscatter file's pixel value becomes the backscatter coefficient.

    ``encoding`` is one of:

    * ``"amplitude_dn"``: value [dB] = 20*log10(DN) + ``offset_db`` (JAXA: offset -83.0);
      DN 0 is no data.
    * ``"power"``: the file already holds linear power (γ⁰ or σ⁰), NaN or ``nodata`` is no data.
    * ``"db"``: the file already holds dB.
    """

    encoding: str = "amplitude_dn"
    offset_db: float = -83.0
    nodata: Optional[float] = 0.0

    def amplitude_scale(self) -> float:
        """Factor turning DN into calibrated linear amplitude: 10**(offset_db/20)."""
        return 10.0 ** (self.offset_db / 20.0)


@dataclass(frozen=True)
class ProductInfo:
    """Descriptive metadata of one scene product (from its XML/summary and its name)."""

    scene_id: str                    # e.g. ALOS2437590500-220630
    product_id: str                  # e.g. WWDR2.2GUA
    level: str                       # "L2.2", "L2.1" or "NRB"
    producer: str                    # "JAXA" or "PALSAR-2 ScanSAR plugin"
    measurement: str                 # "gamma0" or "sigma0"
    observation_mode: str = ""       # WWD, WBD, WBS, UBS ...
    beam: str = ""                   # W3 ...
    pass_direction: str = ""         # "Ascending" / "Descending"
    look_side: str = ""              # "Right" / "Left"
    path_number: Optional[int] = None
    frame_number: Optional[int] = None
    incidence_near_deg: Optional[float] = None
    incidence_far_deg: Optional[float] = None
    start_time: Optional[_dt.datetime] = None   # UTC
    end_time: Optional[_dt.datetime] = None     # UTC
    processing_level_text: str = ""  # e.g. "CEOS-ARD NRB v5.5 (L2.2), from SLC L1.1"
    software: str = ""
    processing_facility: str = ""
    processing_time: Optional[_dt.datetime] = None
    source_product_id: str = ""
    polarisations: Tuple[str, ...] = ()
    footprint_wkt: str = ""          # lon/lat polygon, EPSG:4326
    epsg: Optional[int] = None
    noise_equivalent_db: Dict[str, float] = field(default_factory=dict)

    @property
    def observation_date(self) -> str:
        """Observation date ``YYYY-MM-DD`` (UTC) from the start time, else from the scene id."""
        if self.start_time is not None:
            return self.start_time.strftime("%Y-%m-%d")
        token = self.scene_id.rsplit("-", 1)[-1]
        if len(token) == 6 and token.isdigit():
            return f"20{token[:2]}-{token[2:4]}-{token[4:]}"
        return ""

    @property
    def short_name(self) -> str:
        """Layer-group name: ``2022-06-30 P137 F500 WWD Asc (ALOS2437590500-220630 L2.2)``."""
        parts = [self.observation_date]
        if self.path_number is not None:
            parts.append(f"P{self.path_number}")
        if self.frame_number is not None:
            parts.append(f"F{self.frame_number}")
        if self.observation_mode:
            parts.append(self.observation_mode)
        if self.pass_direction:
            parts.append(self.pass_direction[:3] if self.pass_direction[:1] in "AD" else self.pass_direction)
        return " ".join(p for p in parts if p) + f" ({self.scene_id} {self.level})"

    def abstract(self) -> str:
        """Human-readable abstract: mode, beam, pass, look side, incidence, times, level, software."""
        quantity = "γ⁰ (terrain-flattened)" if self.measurement == "gamma0" else "σ⁰"
        lines = [f"ALOS-2 PALSAR-2 {self.level} backscatter {quantity}, produced by {self.producer}."]
        mode = ", ".join(p for p in (
            f"observation mode {self.observation_mode}" if self.observation_mode else "",
            f"beam {self.beam}" if self.beam else "",
            f"{self.pass_direction.lower()} pass" if self.pass_direction else "",
            f"{self.look_side.lower()}-looking" if self.look_side else "",
            f"path {self.path_number}" if self.path_number is not None else "",
            f"frame {self.frame_number}" if self.frame_number is not None else "",
        ) if p)
        if mode:
            lines.append(mode[0].upper() + mode[1:] + ".")
        if self.polarisations:
            lines.append("Polarisations: " + " ".join(self.polarisations) + ".")
        if self.incidence_near_deg is not None and self.incidence_far_deg is not None:
            lines.append(f"Incidence angle {self.incidence_near_deg:.2f}° (near) to "
                         f"{self.incidence_far_deg:.2f}° (far).")
        if self.start_time is not None:
            end = f" to {_iso(self.end_time)}" if self.end_time is not None else ""
            lines.append(f"Acquired {_iso(self.start_time)}{end} (UTC).")
        processing = ", ".join(p for p in (
            self.processing_level_text,
            f"software {self.software}" if self.software else "",
            f"by {self.processing_facility}" if self.processing_facility else "",
            f"on {_iso(self.processing_time)}" if self.processing_time is not None else "",
        ) if p)
        if processing:
            lines.append(f"Processing: {processing}.")
        if self.source_product_id:
            lines.append(f"Source product: {self.source_product_id}.")
        return "\n".join(lines)

    def keywords(self) -> List[str]:
        """Keywords for layer metadata."""
        words = ["ALOS-2", "PALSAR-2", "SAR", "L-band", "JAXA", self.level, "backscatter",
                 "gamma0" if self.measurement == "gamma0" else "sigma0"]
        if self.level in ("L2.2", "NRB"):
            words += ["CEOS-ARD", "NRB"]
        words += [w for w in (self.observation_mode, self.beam, self.pass_direction, *self.polarisations) if w]
        return words


@dataclass(frozen=True)
class NrbProduct:
    """One recognised product: where its rasters are and how to read them."""

    kind: str
    name: str                               # file stem, e.g. ALOS2437590500-220630_WWDR2.2GUA
    info: ProductInfo
    backscatter: Dict[str, str]             # polarisation -> GDAL path
    calibration: Calibration
    mask: Optional[str] = None              # GDAL path of the data mask (values of MASK_CLASSES)
    local_incidence: Optional[str] = None   # GDAL path of the local incidence angle
    local_incidence_scale: float = 0.01     # degrees per stored unit
    metadata_file: Optional[str] = None     # summary.xml / STAC item / summary.txt
    footprint_file: Optional[str] = None    # KML

    @property
    def polarisations(self) -> Tuple[str, ...]:
        return tuple(p for p in ("HH", "HV", "VV", "VH") if p in self.backscatter)

    def raster_paths(self) -> List[str]:
        """Every raster of the product (backscatter, then mask and LIA if present)."""
        paths = [self.backscatter[p] for p in self.polarisations]
        return paths + [p for p in (self.mask, self.local_incidence) if p]


def _iso(moment: Optional[_dt.datetime]) -> str:
    if moment is None:
        return ""
    text = moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return text + "Z"
