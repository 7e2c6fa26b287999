"""The scene record: what every catalogue source reports about one PALSAR-2 product.

Conventions: times are timezone-aware UTC ``datetime``; the footprint is one closed ring of
(longitude, latitude) pairs in degrees (EPSG:4326, first point repeated at the end); sizes are
bytes. Names follow JAXA's scheme ``ALOS2<orbit 5><frame 4>-<YYMMDD>`` (scene id) and
``<mode 3><look R|L><level n.n><2 chars><pass A|D>`` (product id, e.g. ``WBDR2.2GUD``,
``WBSR1.1__D``).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ..net.urls import strip_credentials

Ring = Tuple[Tuple[float, float], ...]

SCENE_ID_RE = re.compile(r"ALOS2(?P<orbit>\d{5})(?P<frame>\d{4})-(?P<date>\d{6})")
PRODUCT_ID_RE = re.compile(r"(?P<mode>[A-Z]{3})(?P<look>[RL])(?P<level>\d\.\d)(?P<proc>.{2})(?P<pass>[AD])")
#: Scene id followed by ``_`` or ``-`` and a product id, anywhere in a file name or key.
NAME_RE = re.compile(SCENE_ID_RE.pattern + r"[-_]" + PRODUCT_ID_RE.pattern)

PASS_NAMES = {"A": "ascending", "D": "descending"}
LOOK_NAMES = {"R": "right", "L": "left"}
#: Third letter of the mode: S single, D dual, Q quad polarisation.
DEFAULT_POLARISATIONS = {"S": ("HH",), "D": ("HH", "HV"), "Q": ("HH", "HV", "VH", "VV")}


@dataclass(frozen=True)
class RemoteFile:
    """One file of a product: where it is and what it must look like once downloaded.

    ``url`` is an ``https://`` URL or an SFTP path (starting with ``/``); ``size`` in bytes;
    ``md5`` a lowercase hex digest; ``etag`` the server's ETag as given (quotes stripped).
    """

    url: str
    size: Optional[int] = None
    md5: Optional[str] = None
    etag: Optional[str] = None

    @property
    def name(self) -> str:
        """The file name (last path component of the URL, query removed)."""
        return self.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


@dataclass(frozen=True)
class SceneRecord:
    """One PALSAR-2 product of one scene, as a catalogue knows it.

    ``record_id`` is unique per product (``<scene_id>_<product_id>``); ``level`` is ``"L1.1"``,
    ``"L2.1"`` or ``"L2.2"``; ``pass_direction`` is ``"ascending"``/``"descending"``; ``look_side``
    ``"right"``/``"left"``; ``path``/``frame`` are JAXA's RSP path and frame numbers;
    ``download_path`` is where the product (or its first file) is served; ``files`` lists
    every file to fetch.
    """

    record_id: str
    scene_id: str = ""
    product_id: str = ""
    level: str = ""
    mode: str = ""
    beams: str = ""
    polarisations: Tuple[str, ...] = ()
    pass_direction: str = ""
    look_side: str = ""
    path: Optional[int] = None
    frame: Optional[int] = None
    orbit: Optional[int] = None
    start_time: Optional[datetime] = None
    end_time: Optional[datetime] = None
    footprint: Ring = ()
    size_bytes: Optional[int] = None
    download_path: str = ""
    quicklook_url: str = ""
    source: str = ""
    files: Tuple[RemoteFile, ...] = field(default_factory=tuple)

    # ----------------------------------------------------------------- derived values
    @property
    def bbox(self) -> Tuple[float, float, float, float]:
        """(west, south, east, north) of the footprint in degrees; NaNs if there is none."""
        if not self.footprint:
            nan = float("nan")
            return (nan, nan, nan, nan)
        xs = [p[0] for p in self.footprint]
        ys = [p[1] for p in self.footprint]
        return (min(xs), min(ys), max(xs), max(ys))

    def total_size(self) -> Optional[int]:
        """Sum of the file sizes in bytes if all are known, else ``size_bytes``."""
        if self.files and all(f.size is not None for f in self.files):
            return sum(int(f.size) for f in self.files)
        return self.size_bytes

    # ----------------------------------------------------------------- flat attributes
    def to_attributes(self) -> Dict[str, Any]:
        """Flat attribute dict (str/int/None values) for layers and the GeoPackage index.

        Times are ISO 8601 UTC strings; polarisations are space-separated; files are JSON.
        The footprint is not included (it is the geometry). URLs are stored without credentials
        (``user:password@``): these attributes end up in layers, the scene index and projects.
        """
        return {
            "record_id": self.record_id,
            "scene_id": self.scene_id,
            "product_id": self.product_id,
            "level": self.level,
            "mode": self.mode,
            "beams": self.beams,
            "polarisations": " ".join(self.polarisations),
            "pass_direction": self.pass_direction,
            "look_side": self.look_side,
            "path": self.path,
            "frame": self.frame,
            "orbit": self.orbit,
            "start_time": format_time(self.start_time),
            "end_time": format_time(self.end_time),
            "size_bytes": self.total_size(),
            "download_path": strip_credentials(self.download_path),
            "quicklook_url": strip_credentials(self.quicklook_url),
            "source": self.source,
            "files": json.dumps([_file_to_json(f) for f in self.files], separators=(",", ":")),
        }

    @classmethod
    def from_attributes(cls, attrs: Dict[str, Any], footprint: Iterable[Sequence[float]] = ()) -> "SceneRecord":
        """Inverse of :meth:`to_attributes` (tolerates missing keys and QGIS NULLs)."""
        def text(key: str) -> str:
            value = attrs.get(key)
            return "" if _is_null(value) else str(value)

        def integer(key: str) -> Optional[int]:
            value = attrs.get(key)
            if _is_null(value) or value == "":
                return None
            return int(value)

        files_text = text("files")
        files = tuple(_file_from_json(d) for d in json.loads(files_text)) if files_text else ()
        return cls(
            record_id=text("record_id"), scene_id=text("scene_id"), product_id=text("product_id"),
            level=text("level"), mode=text("mode"), beams=text("beams"),
            polarisations=tuple(text("polarisations").split()), pass_direction=text("pass_direction"),
            look_side=text("look_side"), path=integer("path"), frame=integer("frame"), orbit=integer("orbit"),
            start_time=parse_time(text("start_time")), end_time=parse_time(text("end_time")),
            footprint=tuple((float(x), float(y)) for x, y in footprint), size_bytes=integer("size_bytes"),
            download_path=text("download_path"), quicklook_url=text("quicklook_url"), source=text("source"),
            files=files,
        )

    def with_files(self, files: Iterable[RemoteFile]) -> "SceneRecord":
        """A copy with ``files`` replaced."""
        return replace(self, files=tuple(files))

    def as_dict(self) -> Dict[str, Any]:
        """Plain dict (for JSON dumps and debugging)."""
        d = asdict(self)
        d["start_time"] = format_time(self.start_time)
        d["end_time"] = format_time(self.end_time)
        return d


#: Field names and types of :meth:`SceneRecord.to_attributes`, in order ("str" or "int").
ATTRIBUTE_TYPES: List[Tuple[str, str]] = [
    ("record_id", "str"), ("scene_id", "str"), ("product_id", "str"), ("level", "str"), ("mode", "str"),
    ("beams", "str"), ("polarisations", "str"), ("pass_direction", "str"), ("look_side", "str"),
    ("path", "int"), ("frame", "int"), ("orbit", "int"), ("start_time", "str"), ("end_time", "str"),
    ("size_bytes", "int"), ("download_path", "str"), ("quicklook_url", "str"), ("source", "str"),
    ("files", "str"),
]


def _is_null(value: Any) -> bool:
    if value is None:
        return True
    # QVariant NULL from QGIS features: has isNull() and is falsy; no Qt import needed here.
    is_null = getattr(value, "isNull", None)
    return bool(is_null()) if callable(is_null) else False


def _file_to_json(f: RemoteFile) -> Dict[str, Any]:
    out = {k: v for k, v in asdict(f).items() if v is not None}
    out["url"] = strip_credentials(f.url)
    return out


def _file_from_json(d: Dict[str, Any]) -> RemoteFile:
    return RemoteFile(url=str(d["url"]), size=d.get("size"), md5=d.get("md5"), etag=d.get("etag"))


# --------------------------------------------------------------------------- names and times
def parse_name(name: str) -> Dict[str, Any]:
    """Fields encoded in a JAXA file or product name; empty dict if it has none.

    Returns scene_id, product_id, orbit, frame, date (UTC midnight of the scene date), mode,
    look_side, level (``"L2.2"``), pass_direction and default polarisations for the mode.
    """
    m = NAME_RE.search(name)
    if not m:
        return {}
    scene_id = m.group(0)[: len("ALOS2") + 9 + 7]
    product_id = "".join(m.group(g) for g in ("mode", "look", "level", "proc", "pass"))
    mode = m.group("mode")
    return {
        "scene_id": scene_id,
        "product_id": product_id,
        "orbit": int(m.group("orbit")),
        "frame": int(m.group("frame")),
        "date": datetime.strptime(m.group("date"), "%y%m%d").replace(tzinfo=timezone.utc),
        "mode": mode,
        "look_side": LOOK_NAMES[m.group("look")],
        "level": "L" + m.group("level"),
        "pass_direction": PASS_NAMES[m.group("pass")],
        "polarisations": DEFAULT_POLARISATIONS.get(mode[2], ()),
    }


def format_time(t: Optional[datetime]) -> str:
    """UTC time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (fixed width, sorts as text); "" for None."""
    if t is None:
        return ""
    if t.tzinfo is not None:
        t = t.astimezone(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S",
                 "%Y%m%d %H:%M:%S.%f", "%Y%m%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_time(text: Optional[str]) -> Optional[datetime]:
    """Parse an ISO-like UTC time ("Z", "+00:00", fractional seconds of any length) or None."""
    if not text:
        return None
    s = str(text).strip()
    offset = None
    m = re.search(r"(Z|[+-]\d{2}:?\d{2})$", s)
    if m:
        tz = m.group(1)
        s = s[: m.start()]
        if tz != "Z":
            sign = 1 if tz[0] == "+" else -1
            hh, mm = int(tz[1:3]), int(tz[-2:])
            offset = sign * (hh * 60 + mm)
    frac = re.search(r"\.(\d+)$", s)
    if frac and len(frac.group(1)) != 6:
        s = s[: frac.start()] + "." + (frac.group(1) + "000000")[:6]
    for fmt in _TIME_FORMATS:
        try:
            t = datetime.strptime(s, fmt)
            break
        except ValueError:
            continue
    else:
        raise ValueError(f"not a recognised time: {text!r}")
    t = t.replace(tzinfo=timezone.utc)
    if offset:
        from datetime import timedelta
        t = t - timedelta(minutes=offset)
    return t
