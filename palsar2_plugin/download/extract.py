"""Safe zip extraction: every member must land inside the destination folder.

Refused (the whole archive, before anything is written): absolute paths, drive letters,
"..", symbolic links and other special files. Each member is written to ``<name>.part`` and
renamed when complete, so an interrupted extraction never leaves a complete-looking file.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import List, Optional

from ..progress import CancelCheck, check_cancelled
from .errors import DISK_FULL_ERRNOS, DiskFullError, DownloadError, UnsafeArchiveError


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


def safe_extract_zip(zip_path, dest_dir, is_cancelled: Optional[CancelCheck] = None) -> List[Path]:
    """Extract ``zip_path`` into ``dest_dir``; return the files written (existing complete files are kept)."""
    root = Path(dest_dir).resolve()
    root.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DownloadError(f"{Path(zip_path).name} is not a readable zip archive ({exc}); delete it and "
                            "download it again.") from None
    written: List[Path] = []
    with archive:
        plan = [(info, _member_target(info, root)) for info in archive.infolist()]  # all checked first
        for info, target in plan:
            check_cancelled(is_cancelled)
            if target is None:
                (root / info.filename).mkdir(parents=True, exist_ok=True)
                continue
            if target.exists() and target.stat().st_size == info.file_size:
                written.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_name(target.name + ".part")
            try:
                with archive.open(info) as src, open(part, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            except zipfile.BadZipFile as exc:
                part.unlink(missing_ok=True)
                raise DownloadError(f"{Path(zip_path).name} is corrupt ({exc}); delete it and download again.") from None
            except OSError as exc:
                if exc.errno in DISK_FULL_ERRNOS:
                    raise DiskFullError(f"Not enough space to extract {Path(zip_path).name} into {root}: free some "
                                        "space and run again.") from None
                raise
            os.replace(part, target)
            written.append(target)
    return written
