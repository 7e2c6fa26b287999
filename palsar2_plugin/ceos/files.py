"""Finding a product's files: a folder, the zip as distributed, or any one file (also the flat
bucket layout with ``summary_<stem>.txt`` and several products side by side).

Files are accessed through :class:`ProductFile` (a local file or a zip member read in place,
never extracted). Zip member names are checked: absolute paths, ``..`` components, drive letters
and symbolic links are refused with a CeosFormatError.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from ..errors import CeosFormatError
from ..net.urls import redact_url, strip_credentials
from .remote import RangeSource, is_url, remote_product_sources

STEM = r"ALOS2\d{9}-\d{6}-[A-Z0-9._]{10}"
FILE_NAME = re.compile(
    rf"^(?:(?P<kind>VOL|LED|TRL)-(?P<stem>{STEM})"
    rf"|IMG-(?P<pol>HH|HV|VH|VV)-(?P<img_stem>{STEM})(?:-(?P<method>[FB])(?P<beam>\d))?"
    rf"|summary_(?P<sum_stem>{STEM})\.txt)$")


@dataclass(frozen=True)
class NameInfo:
    kind: str            # VOL, LED, TRL, IMG, SUMMARY
    stem: str            # <scene id>-<product id>
    polarisation: Optional[str] = None
    beam: Optional[int] = None


def classify_name(name: str) -> Optional[NameInfo]:
    """What a product file name is (None for other files, e.g. BRS jpg, kml, plain summary.txt)."""
    m = FILE_NAME.match(name)
    if not m:
        return None
    if m.group("kind"):
        return NameInfo(m.group("kind"), m.group("stem"))
    if m.group("pol"):
        beam = int(m.group("beam")) if m.group("beam") else None
        return NameInfo("IMG", m.group("img_stem"), m.group("pol"), beam)
    return NameInfo("SUMMARY", m.group("sum_stem"))


class ProductFile:
    """A file of the product: local, or a member of a zip archive (read in place)."""

    def __init__(self, name: str, display: str, size: int, local_path: Optional[str] = None,
                 zip_path: Optional[str] = None, member: Optional[str] = None,
                 data_offset: Optional[int] = None, source=None):
        self.name = name
        self.source = source  # a remote byte source (ceos.remote.RangeSource) or None
        self.display = display
        self.size = size
        self.local_path = local_path
        self.zip_path = zip_path
        self.member = member
        # Offset of the data in the file that can be memory-mapped (stored zip member or local file).
        self.data_offset = data_offset if zip_path else 0

    @property
    def mappable_path(self) -> Optional[str]:
        """Path of a file whose bytes from ``data_offset`` are this file's bytes (None if compressed)."""
        if self.local_path:
            return self.local_path
        return self.zip_path if self.data_offset is not None else None

    def read(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes from ``offset`` (fewer at the end of the file)."""
        if self.source is not None:
            return self.source.read(offset, size)
        if self.mappable_path:
            with open(self.mappable_path, "rb") as f:
                f.seek(self.data_offset + offset)
                return f.read(max(0, min(size, self.size - offset)))
        with zipfile.ZipFile(self.zip_path) as zf, zf.open(self.member) as f:
            f.seek(offset)
            return f.read(size)

    def read_all(self) -> bytes:
        return self.read(0, self.size)

    def open_stream(self):
        """A binary file object positioned at 0 (caller closes it)."""
        if self.source is not None:
            return self.source.open_stream()
        if self.mappable_path:
            f = open(self.mappable_path, "rb")
            f.seek(self.data_offset)
            return f
        zf = zipfile.ZipFile(self.zip_path)
        stream = zf.open(self.member)
        stream._owner_zip = zf  # keep the archive alive while the member is read
        return stream


def _check_member(zip_path: str, info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    bad = (name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name)
           or stat.S_ISLNK(info.external_attr >> 16))
    if bad:
        raise CeosFormatError(f"unsafe member name {name!r} in the zip archive (absolute path, '..' or link); "
                              f"the archive is refused - download it again from JAXA",
                              path=zip_path, record=f"zip member {name}", offset=info.header_offset)


def _stored_data_offset(zip_path: str, info: zipfile.ZipInfo) -> Optional[int]:
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        return None
    with open(zip_path, "rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise CeosFormatError("zip local header missing", path=zip_path, record=f"zip member {info.filename}",
                              offset=info.header_offset)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_len + extra_len


def list_zip(zip_path: str) -> List[ProductFile]:
    """The members of a product zip as ProductFiles (checked for unsafe names)."""
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CeosFormatError(f"not a readable zip archive: {exc}", path=zip_path, record="zip", offset=0) from None
    with zf:
        infos = zf.infolist()
    out = []
    for info in infos:
        _check_member(zip_path, info)
        if info.is_dir():
            continue
        base = PurePosixPath(info.filename).name
        out.append(ProductFile(base, f"{zip_path}!{info.filename}", info.file_size, zip_path=zip_path,
                               member=info.filename, data_offset=_stored_data_offset(zip_path, info)))
    return out


def list_folder(folder: str) -> List[ProductFile]:
    out = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_file():
            out.append(ProductFile(entry.name, entry.path, entry.stat().st_size, local_path=entry.path))
    return out


@dataclass
class ProductFiles:
    """The files of one product, by role. ``images`` maps (beam or None, polarisation) -> file."""

    stem: str
    source: str
    volume: Optional[ProductFile]
    leader: Optional[ProductFile]
    trailer: Optional[ProductFile]
    summary: Optional[ProductFile]
    images: Dict[Tuple[Optional[int], str], ProductFile]


def _group(files: List[ProductFile], source: str, wanted_stem: Optional[str]) -> ProductFiles:
    by_stem: Dict[str, Dict[str, object]] = {}
    plain_summary = None
    for pf in files:
        if pf.name == "summary.txt":
            plain_summary = pf
            continue
        info = classify_name(pf.name)
        if info is None:
            continue
        group = by_stem.setdefault(info.stem, {"images": {}})
        if info.kind == "IMG":
            group["images"][(info.beam, info.polarisation)] = pf
        else:
            group[info.kind] = pf
    if wanted_stem is None:
        with_leader = [s for s, g in by_stem.items() if "LED" in g]
        candidates = with_leader or list(by_stem)
        if not candidates:
            raise CeosFormatError("no ALOS-2 CEOS product files (VOL-, LED-, IMG-, TRL-ALOS2...) found; "
                                  "choose a product folder, its zip or one of its files", path=source)
        if len(candidates) > 1:
            raise CeosFormatError(f"{len(candidates)} products lie side by side ({', '.join(sorted(candidates))}); "
                                  f"choose one of their files instead of the folder", path=source)
        wanted_stem = candidates[0]
    group = by_stem.get(wanted_stem, {"images": {}})
    _refuse_strangers(by_stem, wanted_stem, group, source)
    summary = group.get("SUMMARY") or (plain_summary if len(by_stem) <= 1 else None)
    return ProductFiles(wanted_stem, source, group.get("VOL"), group.get("LED"), group.get("TRL"),
                        summary, dict(group["images"]))


def _refuse_strangers(by_stem: Dict[str, Dict[str, object]], stem: str, group: Dict[str, object],
                      source: str) -> None:
    """A leader without images beside images without a leader (or the reverse): files of different
    scenes or products put together; say so instead of "no images" or "no leader"."""
    others = {s: g for s, g in by_stem.items() if s != stem}
    advice = "keep each product's files together as JAXA delivered them (download or unpack it again)"
    if "LED" in group and not group["images"]:
        strays = sorted(s for s, g in others.items() if g["images"] and "LED" not in g)
        if strays:
            raise CeosFormatError(f"the leader LED-{stem} lies beside image files of {strays[0]} and has none of its "
                                  f"own: the leader and the images belong to different scenes or products; {advice}",
                                  path=group["LED"].display, record="leader file")
    if "LED" not in group and group["images"]:
        strays = sorted(s for s, g in others.items() if "LED" in g and not g["images"])
        if strays:
            first = next(iter(group["images"].values()))
            raise CeosFormatError(f"the leader file LED-{stem} is missing; the leader beside the images, "
                                  f"LED-{strays[0]}, belongs to another scene or product; {advice}",
                                  path=first.display, record="leader file")


def locate_product(path) -> ProductFiles:
    """Find the product's files from a folder, a zip, or any one of its files (local, or an
    http(s):// or s3:// URL of one of its files, read through ranged requests)."""
    if is_url(path):
        return _locate_remote(path)
    p = Path(path)
    if not p.exists():
        raise CeosFormatError("no such file or folder", path=str(p))
    if p.is_dir():
        files = list_folder(str(p))
        if not any(classify_name(f.name) for f in files):
            # e.g. the folder a zip was extracted into: use its one sub-folder holding a product
            subs = [d for d in sorted(p.iterdir()) if d.is_dir()
                    and any(classify_name(e.name) for e in os.scandir(d) if e.is_file())]
            if len(subs) == 1:
                return _group(list_folder(str(subs[0])), str(subs[0]), None)
        return _group(files, str(p), None)
    if p.suffix.lower() == ".zip" or zipfile.is_zipfile(p):
        return _group(list_zip(str(p)), str(p), None)
    info = classify_name(p.name)
    files = list_folder(str(p.parent))
    if info is None:
        if p.name == "summary.txt":
            return _group(files, str(p), None)
        raise CeosFormatError("not an ALOS-2 CEOS product file name (expected VOL-, LED-, IMG-<pol>-, TRL-ALOS2... "
                              "or summary.txt); choose a file of the product or its folder", path=str(p))
    return _group(files, str(p), info.stem)


def _locate_remote(url: str) -> ProductFiles:
    """The product of which ``url`` names one file, read in place through ranged requests."""
    name = url.rsplit("/", 1)[-1]
    info = classify_name(name)
    if not urlsplit(url).netloc or info is None:
        raise CeosFormatError("give the URL of one of the product's files (VOL-, LED-, IMG-<pol>-, TRL-ALOS2... "
                              "or its .summary), not of a folder or archive", path=redact_url(url))
    found = [ProductFile(src.display.rsplit("/", 1)[-1], src.display, src.size, source=src)
             for src in remote_product_sources(url, info.stem)]
    return _group(found, strip_credentials(url), info.stem)


def product_file_from_display(display: str) -> ProductFile:
    """The ProductFile of a path as shown in a Scene (``archive.zip!member`` for zip members, or a URL)."""
    if is_url(display):
        src = RangeSource(display)
        return ProductFile(display.rsplit("/", 1)[-1], display, src.size, source=src)
    if "!" in display:
        zip_path, member = display.split("!", 1)
        if os.path.isfile(zip_path):
            for pf in list_zip(zip_path):
                if pf.member == member:
                    return pf
            raise CeosFormatError("member not found in the zip archive", path=zip_path, record=member)
    if not os.path.isfile(display):
        raise CeosFormatError("file not found", path=display)
    return ProductFile(os.path.basename(display), display, os.path.getsize(display), local_path=display)
