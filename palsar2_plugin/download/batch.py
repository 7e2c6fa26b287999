"""Many transfers at once, with limited parallelism and one bytes/rate/ETA progress.

:func:`download_scenes` is the entry point of the "download scenes" algorithm: records in,
product folders out (zips extracted safely), with how each file was verified. A failed file does
not stop the others; after all have finished, the failures are raised together (the completed
files stay).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import requests

from ..catalog.gportal import SftpPathRule
from ..catalog.record import SceneRecord
from ..errors import Cancelled
from ..progress import CancelCheck, ProgressCallback, check_cancelled
from .errors import DiskFullError, DownloadError
from .extract import safe_extract_zip
from .http_download import DownloadResult, download_http
from .meter import TransferMeter
from .plan import TransferJob, plan_record
from .retry import RetryPolicy
from ..net.session import make_session
from .sftp import SftpSettings, ThreadConnections, download_sftp

DEFAULT_PARALLEL = 2


@dataclass
class BatchResult:
    """Results per job (same order as the jobs; None where the job failed) and error messages."""

    results: List[Optional[DownloadResult]] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)


@dataclass
class DownloadedScenes:
    """What :func:`download_scenes` produced: the product ``folders`` (one per record, in order) and the
    result of every file (``files``), each saying how it was verified."""

    folders: List[Path]
    files: List[DownloadResult]

    @property
    def unverified(self) -> List[Path]:
        """Files complete by size only: no checksum or strong ETag was available to verify their content."""
        return [r.path for r in self.files if not r.verified]

    def verification_counts(self) -> Dict[str, int]:
        """How many files were verified by "md5", by "etag", and how many are "unverified"."""
        counts = {"md5": 0, "etag": 0, "unverified": 0}
        for r in self.files:
            counts[r.verified_by or "unverified"] += 1
        return counts


def download_jobs(jobs: Sequence[TransferJob], *, session_factory: Callable[[], requests.Session] = make_session,
                  sftp_settings: Optional[SftpSettings] = None, max_parallel: int = DEFAULT_PARALLEL,
                  retry: RetryPolicy = RetryPolicy(), chunk_size: int = 1 << 20,
                  progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None,
                  raise_on_error: bool = True) -> BatchResult:
    """Run ``jobs`` with at most ``max_parallel`` transfers at a time.

    Progress reports bytes done / total (sizes known from the catalogue), rate and ETA.
    Raises :class:`DownloadError` listing every failed file (if ``raise_on_error``),
    :class:`DiskFullError` at once, or :class:`~..errors.Cancelled`.
    """
    meter = TransferMeter(sum(j.size or 0 for j in jobs), progress)
    local = threading.local()
    stop = threading.Event()
    connections = ThreadConnections(sftp_settings) if sftp_settings else None

    def cancelled() -> bool:
        return stop.is_set() or (is_cancelled is not None and is_cancelled())

    def run(job: TransferJob) -> DownloadResult:
        if cancelled():
            raise Cancelled("Cancelled by the user")
        if job.kind == "sftp":
            if connections is None:
                raise DownloadError("SFTP download requested but no SFTP server is configured.")
            return download_sftp(job.source, job.dest, connection=connections.get(), expected_size=job.size,
                                 md5=job.md5, retry=retry, on_bytes=meter.add,
                                 is_cancelled=cancelled)
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = session_factory()
        return download_http(job.source, job.dest, session=session, expected_size=job.size, md5=job.md5,
                             etag=job.etag, retry=retry, chunk_size=chunk_size, on_bytes=meter.add,
                             is_cancelled=cancelled)

    out = BatchResult(results=[None] * len(jobs))
    fatal: List[BaseException] = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, int(max_parallel))) as pool:
            futures = [pool.submit(run, job) for job in jobs]
            for i, fut in enumerate(futures):
                try:
                    out.results[i] = fut.result()
                except (Cancelled, DiskFullError) as exc:
                    stop.set()
                    fatal.append(exc)
                except DownloadError as exc:
                    out.errors.append(f"{jobs[i].dest.name}: {exc}")
    finally:
        if connections is not None:
            connections.close_all()
    meter.emit()
    if fatal:
        raise next((e for e in fatal if isinstance(e, DiskFullError)), fatal[0])
    check_cancelled(is_cancelled)
    if out.errors and raise_on_error:
        raise DownloadError(f"{len(out.errors)} of {len(jobs)} files could not be downloaded (the others are "
                            "complete; run again to retry):\n" + "\n".join(out.errors))
    return out


def download_scenes(records: Sequence[SceneRecord], destination, *, transport: str = "http",
                    sftp_settings: Optional[SftpSettings] = None, sftp_rule: Optional[SftpPathRule] = None,
                    session_factory: Callable[[], requests.Session] = make_session,
                    max_parallel: int = DEFAULT_PARALLEL, retry: RetryPolicy = RetryPolicy(),
                    extract_zips: bool = True, progress: Optional[ProgressCallback] = None,
                    is_cancelled: Optional[CancelCheck] = None) -> DownloadedScenes:
    """Download every file of ``records`` into ``<destination>/<record_id>/``.

    Zip files are extracted safely into their product folder (the zip is kept, so a re-run skips it).
    """
    if not records:
        raise DownloadError("No scenes to download: select footprints of a search result first.")
    folders: Dict[str, Path] = {}
    jobs: List[TransferJob] = []
    for rec in records:
        folder, rec_jobs = plan_record(rec, destination, transport=transport, sftp_rule=sftp_rule)
        folders[rec.record_id] = folder
        jobs.extend(rec_jobs)
    result = download_jobs(jobs, session_factory=session_factory, sftp_settings=sftp_settings,
                           max_parallel=max_parallel, retry=retry, progress=progress, is_cancelled=is_cancelled)
    files = [r for r in result.results if r is not None]
    if extract_zips:
        for res in files:
            if res.path.suffix.lower() == ".zip":
                safe_extract_zip(res.path, res.path.parent, is_cancelled=is_cancelled)
    return DownloadedScenes(list(dict.fromkeys(folders.values())), files)
