"""Resumable, verified HTTP(S) download of one file.

Guarantees: bytes go to ``<dest>.part``; ``dest`` appears (atomic rename) only after the size
and, where known, the MD5 (given, or the server's single-part S3 ETag) have been verified.
An interrupted transfer resumes with ``Range`` (guarded by ``If-Range`` on the ETag); a server
that ignores the range restarts cleanly from byte 0. 429/5xx answers and broken connections are
retried with exponential backoff, honouring ``Retry-After``. A full disk stops at once with the
``.part`` kept. Bytes are reported through ``on_bytes(delta)`` (negative when bytes are discarded).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import queue
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import requests
from urllib3.exceptions import HTTPError as Urllib3Error

from ..errors import Cancelled
from ..progress import CancelCheck, check_cancelled
from .errors import DISK_FULL_ERRNOS, AuthenticationError, DiskFullError, DownloadError, TransferError, VerificationError
from .retry import RetryPolicy, parse_retry_after
from ..net.session import DEFAULT_TIMEOUT, describe_network_error
from ..net.urls import redact_url

_MD5_RE = re.compile(r"^[0-9a-f]{32}$")
_CONTENT_RANGE_RE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class DownloadResult:
    """``path`` written (bytes ``size``); ``skipped`` if it was already complete; ``attempts`` made;
    ``resumed_from`` the byte offset of the first request (0 unless a .part was found)."""

    path: Path
    size: int
    skipped: bool = False
    attempts: int = 0
    resumed_from: int = 0


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, message: str, retry_after: Optional[float] = None, verification: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.verification = verification


def part_path(dest: Path) -> Path:
    """The temporary name a download is written to before verification: ``<dest>.part``."""
    return dest.with_name(dest.name + ".part")


def clean_etag(value: Optional[str]) -> Optional[str]:
    """ETag without weak prefix and quotes (None if empty)."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"') or None


def md5_of_file(path: Path, block: int = 4 << 20, upto: Optional[int] = None) -> "hashlib._Hash":
    h = hashlib.md5()
    remaining = upto
    with open(path, "rb") as f:
        while True:
            n = block if remaining is None else min(block, remaining)
            if n == 0:
                break
            data = f.read(n)
            if not data:
                break
            h.update(data)
            if remaining is not None:
                remaining -= len(data)
    return h


def _disk_full(exc: OSError, dest: Path) -> DiskFullError:
    return DiskFullError(
        f"Not enough space to write {dest.name} in {dest.parent} ({os.strerror(exc.errno)}): free some space "
        f"or choose another destination folder, then run again; the partial file {dest.name}.part is kept "
        "and the download will resume.")


def download_http(url: str, dest, *, session: requests.Session, expected_size: Optional[int] = None,
                  md5: Optional[str] = None, etag: Optional[str] = None, retry: RetryPolicy = RetryPolicy(),
                  timeout=DEFAULT_TIMEOUT, chunk_size: int = 1 << 20,
                  on_bytes: Optional[Callable[[int], None]] = None, is_cancelled: Optional[CancelCheck] = None,
                  sleep: Callable[[float], None] = time.sleep, etag_md5: bool = True) -> DownloadResult:
    """Download ``url`` to ``dest`` (a path), verified, resuming a previous ``.part`` if any.

    ``expected_size`` in bytes, ``md5`` lowercase hex and ``etag`` (from a catalogue listing)
    are checked when given; an MD5-shaped ETag (S3 single-part upload) is checked as an MD5
    (computed while downloading, in a second thread) unless ``etag_md5`` is False.
    Raises :class:`VerificationError` (bad bytes; nothing kept), :class:`TransferError` (gave up
    after retries; ``.part`` kept), :class:`DiskFullError`, :class:`AuthenticationError`,
    :class:`DownloadError` (e.g. 404) or :class:`~..errors.Cancelled` (``.part`` kept).
    """
    dest = Path(dest)
    part = part_path(dest)
    emit = on_bytes or (lambda n: None)
    md5 = md5.lower() if md5 else None
    etag = clean_etag(etag)
    shown = redact_url(url)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"Cannot create the destination folder {dest.parent} ({exc.strerror}).") from None

    if dest.exists() and _already_complete(dest, session, url, expected_size, md5, etag, timeout):
        return DownloadResult(dest, dest.stat().st_size, skipped=True)

    failures = 0
    attempts = 0
    first_offset = None
    while True:
        check_cancelled(is_cancelled)
        attempts += 1
        offset = part.stat().st_size if part.exists() else 0
        if expected_size is not None and offset > expected_size:
            part.unlink()
            offset = 0
        if first_offset is None:
            first_offset = offset
            if offset:
                emit(offset)
        try:
            size, digest = _attempt(url, part, session, offset, expected_size, md5, etag, timeout, chunk_size,
                                    emit, is_cancelled, etag_md5)
            _verify(part, size, expected_size, digest)
        except _Retry as exc:
            failures += 1
            if exc.verification and part.exists():
                emit(-part.stat().st_size)
                part.unlink()
            if failures >= retry.attempts:
                cls = VerificationError if exc.verification else TransferError
                tail = ("" if exc.verification else
                        f"; the partial file {part.name} is kept and a new run resumes it")
                raise cls(f"Download of {shown} failed after {attempts} attempts: {exc}{tail}.") from None
            sleep(retry.delay(failures, exc.retry_after))
            continue
        except OSError as exc:
            if exc.errno in DISK_FULL_ERRNOS:
                raise _disk_full(exc, dest) from None
            raise DownloadError(f"Cannot write {part} ({exc.strerror}).") from None
        try:
            os.replace(part, dest)
        except OSError as exc:
            raise DownloadError(f"Cannot rename {part.name} to {dest.name} ({exc.strerror}).") from None
        return DownloadResult(dest, size, attempts=attempts, resumed_from=first_offset or 0)


def _already_complete(dest: Path, session, url, expected_size, md5, etag, timeout) -> bool:
    """True if ``dest`` matches what is known (size, MD5); with nothing known, ask the server (HEAD)."""
    size = dest.stat().st_size
    if expected_size is not None and size != expected_size:
        return False
    want_md5 = md5 or (etag if etag and _MD5_RE.match(etag) else None)
    if want_md5:
        return md5_of_file(dest).hexdigest() == want_md5
    if expected_size is not None:
        return True
    try:
        head = session.head(url, timeout=timeout, allow_redirects=True, headers={"Accept-Encoding": "identity"})
    except requests.exceptions.RequestException:
        return False
    length = head.headers.get("Content-Length")
    return head.status_code == 200 and length is not None and int(length) == size


def _attempt(url, part: Path, session, offset, expected_size, md5, etag, timeout, chunk_size, emit,
             is_cancelled, etag_md5=True):
    """One GET. Returns (size of the complete ``.part``, (wanted MD5, MD5 of the .part) or Nones);
    raises _Retry for retryable trouble."""
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if etag:
            headers["If-Range"] = f'"{etag}"'
    try:
        response = session.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.exceptions.RequestException as exc:
        raise _Retry(describe_network_error(exc, url)) from None
    with response:
        status = response.status_code
        if status in _RETRY_STATUS:
            raise _Retry(f"the server answered HTTP {status}",
                         retry_after=parse_retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            raise AuthenticationError(
                f"Access to {redact_url(url)} was refused (HTTP {status}): check the authentication "
                "configuration chosen for the download, or whether the product is public.")
        if status == 404:
            raise DownloadError(f"{redact_url(url)} does not exist on the server (HTTP 404): refresh the "
                                "catalogue or check the service URL.")
        resp_etag = clean_etag(response.headers.get("ETag"))
        if status == 416:
            m = re.search(r"/(\d+)", response.headers.get("Content-Range", ""))
            if m and int(m.group(1)) == offset:  # the .part was already complete
                want = md5 or next((e for e in (etag, resp_etag) if etag_md5 and e and _MD5_RE.match(e)), None)
                return offset, (want, md5_of_file(part).hexdigest() if want else None)
            emit(-offset)
            part.unlink(missing_ok=True)
            raise _Retry("the partial file did not fit the server's file; restarting from zero")
        if status == 200:
            total = response.headers.get("Content-Length")
            total = int(total) if total is not None else None
            if offset:
                emit(-offset)
                offset = 0
        elif status == 206:
            m = _CONTENT_RANGE_RE.match(response.headers.get("Content-Range", ""))
            if not m or int(m.group(1)) != offset:
                emit(-offset)
                part.unlink(missing_ok=True)
                raise _Retry("the server answered a different byte range than asked; restarting from zero")
            total = int(m.group(3)) if m.group(3) != "*" else None
        else:
            raise DownloadError(f"{redact_url(url)} answered HTTP {status}; cannot download it.")
        if etag and resp_etag and resp_etag != etag:
            raise _Retry("the file changed on the server since the catalogue was read (ETag differs); "
                         "refresh the catalogue", verification=True)
        if expected_size is not None and total is not None and total != expected_size:
            raise _Retry(f"the server announces {total} bytes but the catalogue says {expected_size}",
                         verification=True)
        want_md5 = md5 or next((e for e in (etag, resp_etag) if etag_md5 and e and _MD5_RE.match(e)), None)
        hasher = None
        if want_md5:
            hasher = BackgroundHasher(md5_of_file(part, upto=offset) if offset else hashlib.md5())
        try:
            written = _stream_body(response, part, offset, total, hasher, chunk_size, emit, is_cancelled)
        finally:
            digest = hasher.hexdigest() if hasher is not None else None  # always stops the thread
        size = offset + written
        if total is not None and size < total:
            raise _Retry(f"the body ended early ({size} of {total} bytes)")
        return size, (want_md5, digest)


class BackgroundHasher:
    """Feeds a hashlib object from a worker thread, so hashing overlaps receiving and writing.

    ``update`` takes immutable ``bytes`` (no copy); at most ``depth`` chunks wait in the queue.
    ``hexdigest`` waits for the queue to drain and stops the thread.
    """

    def __init__(self, hasher, depth: int = 32):
        self._hasher = hasher
        self._queue: "queue.Queue[Optional[bytes]]" = queue.Queue(maxsize=depth)
        self._thread = threading.Thread(target=self._run, name="md5", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            self._hasher.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._queue.put(bytes(chunk) if not isinstance(chunk, bytes) else chunk)

    def hexdigest(self) -> str:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        return self._hasher.hexdigest()


def _stream_body(response, part: Path, offset: int, total: Optional[int], hasher, chunk_size: int, emit,
                 is_cancelled) -> int:
    """Append the response body to ``part`` (hashing it if ``hasher``); returns the bytes written.

    Reads with ``read1`` of the underlying http.client response when possible (whatever the
    socket has, no extra copies), else through ``iter_content``.
    """
    written = 0
    limit = None if total is None else total - offset
    raw_fp = getattr(response.raw, "_fp", None)
    direct = (raw_fp is not None and hasattr(raw_fp, "read1") and not response.headers.get("Content-Encoding")
              and not getattr(response, "_content_consumed", False))
    with open(part, "ab" if offset else "wb", buffering=1 << 20) as out:
        try:
            if direct:  # what the socket has, up to chunk_size, without urllib3's extra copies
                chunks = iter(lambda: raw_fp.read1(chunk_size), b"")
            else:
                chunks = response.iter_content(chunk_size=chunk_size)
            for chunk in chunks:
                n = len(chunk)
                if n == 0:
                    break
                if limit is not None and written + n > limit:
                    raise _Retry("the server sent more bytes than announced", verification=True)
                out.write(chunk)
                if hasher is not None:
                    hasher.update(chunk)
                written += n
                emit(n)
                if is_cancelled is not None and is_cancelled():
                    raise Cancelled(f"Download cancelled; {part.name} is kept and will resume.")
        except (requests.exceptions.RequestException, Urllib3Error, http.client.HTTPException, ConnectionError,
                socket.timeout) as exc:
            raise _Retry(f"the connection broke after {offset + written} bytes ({type(exc).__name__})") from None
        out.flush()
        getattr(os, "fdatasync", os.fsync)(out.fileno())  # on disk before the rename makes it "complete"
    return written


def _verify(part: Path, size: int, expected_size, digest) -> None:
    """Check the finished ``.part`` against the expected size and, if known, the MD5 computed while streaming."""
    actual = part.stat().st_size
    if actual != size or (expected_size is not None and actual != expected_size):
        raise _Retry(f"size {actual} bytes differs from the expected {expected_size if expected_size is not None else size}",
                     verification=True)
    want, got = digest
    if want and got != want:
        raise _Retry("checksum (MD5) mismatch", verification=True)
