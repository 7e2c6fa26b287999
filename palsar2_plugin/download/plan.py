"""Which files of a scene record go where: one folder per product under the destination."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from ..catalog.gportal import SftpPathRule
from ..catalog.record import RemoteFile, SceneRecord
from .errors import DownloadError

_SAFE_RE = re.compile(r"[^A-Za-z0-9._+-]")


@dataclass(frozen=True)
class TransferJob:
    """One file to fetch: ``kind`` "http" or "sftp", ``source`` URL or remote path, ``dest`` local path,
    and what the file must look like (``size`` bytes, ``md5``, ``etag``)."""

    kind: str
    source: str
    dest: Path
    record_id: str = ""
    size: Optional[int] = None
    md5: Optional[str] = None
    etag: Optional[str] = None


def safe_name(name: str) -> str:
    """A file/folder name without separators or "..", usable on every OS."""
    cleaned = _SAFE_RE.sub("_", name).strip("._") or "unnamed"
    return cleaned


def plan_record(record: SceneRecord, destination, transport: str = "http",
                sftp_rule: Optional[SftpPathRule] = None) -> Tuple[Path, List[TransferJob]]:
    """(product folder, jobs) for ``record``: files go to ``<destination>/<record_id>/<file name>``.

    ``transport`` "sftp" rewrites each file location with ``sftp_rule`` (locations already
    starting with "/" are used as they are).
    """
    if transport not in ("http", "sftp"):
        raise DownloadError(f"Unknown transport {transport!r}: use http or sftp.")
    folder = Path(destination) / safe_name(record.record_id or record.scene_id)
    files = list(record.files) or ([RemoteFile(record.download_path, record.size_bytes)] if record.download_path else [])
    if not files:
        raise DownloadError(f"Scene {record.record_id} has no download location: search again to refresh it.")
    jobs = []
    for f in files:
        source = f.url
        if transport == "sftp" and not source.startswith("/"):
            source = (sftp_rule or SftpPathRule()).apply(source)
        elif transport == "http" and not re.match(r"^https?://", source):
            raise DownloadError(f"{f.name} of scene {record.record_id} is not an HTTP(S) location: "
                                "download it over SFTP.")
        jobs.append(TransferJob(kind=transport, source=source, dest=folder / safe_name(f.name),
                                record_id=record.record_id, size=f.size, md5=f.md5, etag=f.etag))
    return folder, jobs
