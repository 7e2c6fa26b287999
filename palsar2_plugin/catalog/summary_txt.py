"""JAXA ``summary.txt`` (key="value" lines beside CEOS products) -> scene footprint and times."""

from __future__ import annotations

import re
from typing import Dict, Optional

from .geometry import Ring, close_ring
from .record import parse_time

_LINE_RE = re.compile(r'^\s*([A-Za-z0-9_]+)\s*=\s*"(.*)"\s*$')


def parse_summary(text: str) -> Dict[str, str]:
    """All key="value" pairs of a summary.txt."""
    out = {}
    for line in text.splitlines():
        m = _LINE_RE.match(line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def summary_footprint(fields: Dict[str, str]) -> Ring:
    """Image corner ring (lon, lat) from ``Img_ImageScene{LeftTop,RightTop,RightBottom,LeftBottom}``; () if absent."""
    ring = []
    for corner in ("LeftTop", "RightTop", "RightBottom", "LeftBottom"):
        lat = fields.get(f"Img_ImageScene{corner}Latitude")
        lon = fields.get(f"Img_ImageScene{corner}Longitude")
        if lat in (None, "") or lon in (None, ""):
            return ()
        ring.append((float(lon), float(lat)))
    return close_ring(ring)


def summary_times(fields: Dict[str, str]):
    """(start, end) UTC datetimes from ``Img_SceneStartDateTime``/``Img_SceneEndDateTime`` (None if absent)."""
    return (_time(fields.get("Img_SceneStartDateTime")), _time(fields.get("Img_SceneEndDateTime")))


def _time(text: Optional[str]):
    try:
        return parse_time(text) if text else None
    except ValueError:
        return None
