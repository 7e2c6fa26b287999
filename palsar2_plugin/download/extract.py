"""Safe zip extraction: every member must land inside the destination folder, and fit.

Refused (the whole archive, before anything is written): absolute paths, drive letters,
"..", symbolic links and other special files; an archive that expands more than
:data:`MAX_RATIO` times (a "zip bomb"; only above :data:`RATIO_FLOOR_BYTES`); members that need more
space than the destination has free (plus :data:`SPARE_BYTES`). No member can grow beyond the size
its header declares (``zipfile`` stops there and checks the CRC). Each member is written to
``<name>.part`` and renamed when complete, so an interrupted extraction never leaves a
complete-looking file; an existing file is kept only when its size and CRC-32 are the member's.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import List, Optional

from ..progress import CancelCheck, check_cancelled
from .errors import DISK_FULL_ERRNOS, DiskFullError, DownloadError, UnsafeArchiveError
from .meter import format_bytes

#: Largest accepted ratio of uncompressed to compressed bytes of a whole archive.
MAX_RATIO = 100.0
#: Archives expanding to less than this are not judged by their ratio (a small file of zeros is harmless).
RATIO_FLOOR_BYTES = 256 << 20
#: Free space left on the destination after extraction, in bytes.
SPARE_BYTES = 64 << 20


def _member_target(info: zipfile.ZipInfo, root: Path) -> Optional[Path]:
    """Destination of one member (None for a directory entry); raises UnsafeArchiveError."""
    name = info.filename.replace("\\", "/")
    pure = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in pure.parts:
        raise UnsafeArchiveError(f"The archive member {info.filename!r} points outside the destination folder; "
                                 "the archive was not extracted.")
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)  # 0 when the archiver stored permission bits only
    if kind and (stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))):
        raise UnsafeArchiveError(f"The archive member {info.filename!r} is a link or special file; "
                                 "the archive was not extracted.")
    target = (root / pure).resolve()
    if root != target and root not in target.parents:
        raise UnsafeArchiveError(f"The archive member {info.filename!r} points outside the destination folder.")
    return None if info.is_dir() else target


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(4 << 20), b""):
            crc = zlib.crc32(block, crc)
    return crc & 0xFFFFFFFF


def _already_extracted(info: zipfile.ZipInfo, target: Path) -> bool:
    """True if ``target`` holds exactly the member (same size and CRC-32)."""
    try:
        return target.stat().st_size == info.file_size and _crc32(target) == info.CRC
    except OSError:
        return False


def _check_bounds(name: str, root: Path, infos, todo) -> None:
    """Refuse an archive that expands suspiciously, or whose members to write do not fit in ``root``."""
    expanded = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if expanded > RATIO_FLOOR_BYTES and expanded > MAX_RATIO * max(packed, 1):
        raise UnsafeArchiveError(f"{name} would expand {expanded / max(packed, 1):.0f} times (to "
                                 f"{format_bytes(expanded)}), more than a product archive does: it was not "
                                 "extracted.")
    needed = sum(i.file_size for i in todo)
    free = shutil.disk_usage(root).free
    if needed + SPARE_BYTES > free:
        raise DiskFullError(f"Extracting {name} needs {format_bytes(needed)} but {root} has {format_bytes(free)} "
                            "free: free some space or choose another folder, then run again (nothing was "
                            "extracted; the archive is kept).")


def safe_extract_zip(zip_path, dest_dir, is_cancelled: Optional[CancelCheck] = None) -> List[Path]:
    """Extract ``zip_path`` into ``dest_dir``; return the files written (or already there, identical)."""
    root = Path(dest_dir).resolve()
    name = Path(zip_path).name
    root.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DownloadError(f"{name} is not a readable zip archive ({exc}); delete it and "
                            "download it again.") from None
    written: List[Path] = []
    with archive:
        plan = [(info, _member_target(info, root)) for info in archive.infolist()]  # all checked first
        todo = []
        for info, target in plan:
            check_cancelled(is_cancelled)
            if target is not None and _already_extracted(info, target):
                written.append(target)
            else:
                todo.append((info, target))
        _check_bounds(name, root, [i for i, _ in plan], [i for i, t in todo if t is not None])
        for info, target in todo:
            check_cancelled(is_cancelled)
            if target is None:
                (root / info.filename).mkdir(parents=True, exist_ok=True)
                continue
            part = target.with_name(target.name + ".part")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, open(part, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
                os.replace(part, target)
            except zipfile.BadZipFile as exc:
                part.unlink(missing_ok=True)
                raise DownloadError(f"{name} is corrupt ({exc}); delete it and download again.") from None
            except OSError as exc:
                part.unlink(missing_ok=True)
                if exc.errno in DISK_FULL_ERRNOS:
                    raise DiskFullError(f"Not enough space to extract {name} into {root}: free some "
                                        "space and run again.") from None
                raise DownloadError(f"Cannot extract {info.filename} of {name} into {root} "
                                    f"({exc.strerror or exc}).") from None
            written.append(target)
    return written
