"""JAXA ALOS-2/PALSAR-2 L2.1 (geocoded, not terrain-flattened) GeoTIFF products.

Naming: ``IMG-<POL>-ALOS2<orbit5><frame4>-<YYMMDD>-<MODE><R|L>2.1<G..><A|D>.tif``, e.g.
``IMG-HH-ALOS2551802860-240811-UBSR2.1GUD.tif``. Values are UInt16 amplitude DN with
σ⁰ [dB] = 20·log10(DN) − 83.0 (= 10·log10(DN²) − 83.0); DN 0 is no data. An optional
``summary.txt`` (key="value" lines) beside the GeoTIFFs gives acquisition times and the
off-nadir angle.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Dict, Optional

from ..catalog.summary_txt import parse_summary
from .reader_model import ProductInfo

#: One L2.1 GeoTIFF (per polarisation).
FILE_RE = re.compile(
    r"^IMG-(?P<pol>HH|HV|VV|VH)-(?P<scene>ALOS2(?P<orbit>\d{5})(?P<frame>\d{4})-(?P<date>\d{6}))-"
    r"(?P<pid>(?P<mode>[A-Z]{3})(?P<look>[RL])2\.1(?P<proc>[A-Z]{1,2})(?P<pass>[AD]))\.tiff?$", re.IGNORECASE)

def info_from_name(file_name: str, summary_text: Optional[str] = None) -> ProductInfo:
    """Metadata of an L2.1 product from one GeoTIFF name and, if given, its ``summary.txt`` text."""
    match = FILE_RE.match(file_name)
    if not match:
        raise ValueError(f"not an L2.1 GeoTIFF name: {file_name}")
    fields: Dict[str, str] = parse_summary(summary_text) if summary_text else {}
    start = _summary_time(fields.get("Img_SceneStartDateTime"))
    end = _summary_time(fields.get("Img_SceneEndDateTime"))
    level_text = "JAXA L2.1 geocoded σ⁰ (no terrain flattening)"
    facility = fields.get("Lbi_ProcessFacility", "")
    ring = _footprint(fields)
    return ProductInfo(
        scene_id=match.group("scene"), product_id=match.group("pid").upper(), level="L2.1", producer="JAXA",
        measurement="sigma0", observation_mode=match.group("mode").upper(),
        look_side="Right" if match.group("look").upper() == "R" else "Left",
        pass_direction="Ascending" if match.group("pass").upper() == "A" else "Descending",
        start_time=start, end_time=end, processing_level_text=level_text, processing_facility=facility,
        footprint_wkt=ring,
    )


def _summary_time(text: Optional[str]) -> Optional[_dt.datetime]:
    """``YYYYMMDD hh:mm:ss.fff`` (UTC) -> aware datetime; None if absent or malformed."""
    if not text:
        return None
    match = re.match(r"^(\d{8}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$", text.strip())
    if not match:
        return None
    day = _dt.datetime.strptime(match.group(1), "%Y%m%d")
    micro = int((match.group(5) or "0")[:6].ljust(6, "0"))
    return day.replace(hour=int(match.group(2)), minute=int(match.group(3)), second=int(match.group(4)),
                       microsecond=micro, tzinfo=_dt.timezone.utc)


def _footprint(fields: Dict[str, str]) -> str:
    corners = []
    for corner in ("LeftTop", "RightTop", "RightBottom", "LeftBottom"):
        lat, lon = fields.get(f"Img_ImageScene{corner}Latitude"), fields.get(f"Img_ImageScene{corner}Longitude")
        try:
            corners.append(f"{float(lon):.6f} {float(lat):.6f}")
        except (TypeError, ValueError):
            return ""
    return "Polygon ((" + ", ".join(corners + corners[:1]) + "))"
