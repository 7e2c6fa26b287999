"""JAXA ``summary.txt``: lines ``Sss_Keyword="value"`` (sections Odi, Scs, Pds, Img, Pdi, Ach, Rad, Lbi).

Parsed into an ordered tuple of (key, value) pairs; the product's file list is the ``Pdi_``
keys containing ``ProductFileName`` (not ``Cnt``), in order: VOL, LED, IMG..., TRL.
Times ``Img_*DateTime`` are ``YYYYMMDD hh:mm:ss.fff`` UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..errors import CeosFormatError

_LINE = re.compile(r'^(Odi|Scs|Pds|Img|Pdi|Ach|Rad|Lbi)_([A-Za-z0-9_]+)="([^"]*)"$')
SUMMARY_SECTIONS = ("Odi", "Scs", "Pds", "Img", "Pdi", "Ach", "Rad", "Lbi")


def parse_summary(data: bytes, path: str = "summary.txt") -> Tuple[Tuple[str, str], ...]:
    """Parse summary.txt bytes; any malformed line raises CeosFormatError (file, line, byte offset)."""
    pairs: List[Tuple[str, str]] = []
    offset = 0
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise CeosFormatError("summary file is not ASCII text", path=path, record="summary",
                              offset=exc.start) from None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        stripped = line.rstrip("\r\n")
        if stripped.strip():
            m = _LINE.match(stripped.strip())
            if not m:
                raise CeosFormatError(f"summary line {number} is not Sss_Keyword=\"value\": {stripped[:60]!r}",
                                      path=path, record=f"summary line {number}", offset=offset)
            pairs.append((f"{m.group(1)}_{m.group(2)}", m.group(3)))
        offset += len(line)
    if not pairs:
        raise CeosFormatError("summary file holds no Sss_Keyword=\"value\" lines", path=path,
                              record="summary", offset=0)
    return tuple(pairs)


def format_summary(pairs: Iterable[Tuple[str, str]]) -> bytes:
    """summary.txt bytes for (key, value) pairs (keys with their section prefix), CRLF-free."""
    lines = []
    for key, value in pairs:
        if not _LINE.match(f'{key}="{value}"'):
            raise ValueError(f"bad summary entry {key}={value!r}")
        lines.append(f'{key}="{value}"\n')
    return "".join(lines).encode("ascii")


def summary_dict(pairs: Sequence[Tuple[str, str]]) -> Dict[str, str]:
    return dict(pairs)


def product_file_names(pairs: Sequence[Tuple[str, str]]) -> List[str]:
    """The product's file names in summary order (``Pdi_*ProductFileName*``, not the count key)."""
    return [v for k, v in pairs if k.startswith("Pdi_") and "ProductFileName" in k and "Cnt" not in k]


def parse_summary_time(value: str, path: str = "summary.txt", key: str = "") -> datetime:
    """``YYYYMMDD hh:mm:ss.fff`` -> aware UTC datetime."""
    try:
        fmt = "%Y%m%d %H:%M:%S.%f" if "." in value else "%Y%m%d %H:%M:%S"
        return datetime.strptime(value.strip(), fmt).replace(tzinfo=timezone.utc)
    except ValueError:
        raise CeosFormatError(f"summary key {key} holds {value!r}, not YYYYMMDD hh:mm:ss.fff",
                              path=path, record=key) from None


def format_summary_time(t: datetime) -> str:
    """Aware UTC datetime -> ``YYYYMMDD hh:mm:ss.fff`` (rounded to the millisecond)."""
    t = t.astimezone(timezone.utc)
    ms = int(round(t.microsecond / 1000.0))
    base = t.replace(microsecond=0)
    if ms == 1000:
        from datetime import timedelta
        base, ms = base + timedelta(seconds=1), 0
    return base.strftime("%Y%m%d %H:%M:%S") + f".{ms:03d}"


def summary_float(pairs: Dict[str, str], key: str) -> Optional[float]:
    v = pairs.get(key, "").strip()
    try:
        return float(v) if v else None
    except ValueError:
        return None
