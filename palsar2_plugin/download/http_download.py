"""Resumable, verified HTTP(S) download of one file.

Guarantees: bytes go to ``<dest>.part``; ``dest`` appears (atomic rename) only after the size and
a content validator agree: the MD5 (from the catalogue, or the server's single-part S3 ETag) computed
while downloading, or else a strong ETag that every answer carried (and that the catalogue gave, if
it gave one). Where neither exists the file is complete but *unverified* (``DownloadResult.verified_by``
is ""), and says so. A web page answered in place of a binary product file is an error and never
kept. An interrupted transfer resumes only with ``If-Range`` on the validator recorded when the
``.part`` was started (see :mod:`.state`), so a ``.part`` of an older version is never continued; one
without a recorded validator is started again. An existing ``dest`` is skipped only when it is
provably the same object (its recorded validator or MD5 matches, or its MD5 matches the catalogue's);
a file of the right size that cannot be proven so is downloaded again (and replaced only once the
new one is verified). 429/5xx answers and broken connections are retried with exponential backoff,
honouring ``Retry-After``. A full disk stops at once with the ``.part`` kept. Bytes are reported
through ``on_bytes(delta)`` (negative when bytes are discarded).
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
from ..net.session import DEFAULT_TIMEOUT, describe_network_error
from ..net.urls import redact_url
from ..progress import CancelCheck, check_cancelled
from . import state as file_state
from .content import check_is_a_file, page_instead_of_file
from .errors import (DISK_FULL_ERRNOS, AuthenticationError, DiskFullError, DownloadError, NotAFileError,
                     TransferError, VerificationError)
from .retry import RetryPolicy, parse_retry_after
from .state import BY_ETAG, BY_MD5, UNVERIFIED, Validator

_MD5_RE = re.compile(r"^[0-9a-f]{32}$")
_CONTENT_RANGE_RE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class DownloadResult:
    """``path`` written (bytes ``size``); ``skipped`` if it was already complete; ``attempts`` made;
    ``resumed_from`` the byte offset of the first request (0 unless a .part was resumed);
    ``verified_by`` "md5", "etag" or "" (unverified: size only)."""

    path: Path
    size: int
    skipped: bool = False
    attempts: int = 0
    resumed_from: int = 0
    verified_by: str = UNVERIFIED

    @property
    def verified(self) -> bool:
        return self.verified_by != UNVERIFIED


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, message: str, retry_after: Optional[float] = None, verification: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.verification = verification


@dataclass(frozen=True)
class _Fetched:
    """What one successful GET produced: the ``.part``'s size, the wanted and computed MD5 (or Nones),
    the object's validator and the answer's content type."""

    size: int
    want_md5: Optional[str]
    got_md5: Optional[str]
    validator: Validator
    content_type: str


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


def strong_etag(value: Optional[str]) -> Optional[str]:
    """A strong ETag without quotes; None for a weak (``W/``) or missing one, which proves nothing."""
    if not value or value.strip().startswith("W/"):
        return None
    return clean_etag(value)


def is_md5(value: Optional[str]) -> bool:
    return bool(value) and bool(_MD5_RE.match(value))


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
    """Download ``url`` to ``dest`` (a path), verified, resuming a previous ``.part`` if it provably
    holds the start of the same object.

    ``expected_size`` in bytes, ``md5`` lowercase hex and ``etag`` (from a catalogue listing)
    are checked when given; an MD5-shaped ETag (S3 single-part upload) is checked as an MD5
    (computed while downloading, in a second thread) unless ``etag_md5`` is False.
    Raises :class:`VerificationError` (bad bytes; nothing kept), :class:`TransferError` (gave up
    after retries; ``.part`` kept), :class:`DiskFullError`, :class:`AuthenticationError`,
    :class:`DownloadError` (e.g. 404, or a web page instead of the file; nothing kept) or
    :class:`~..errors.Cancelled` (``.part`` kept).
    """
    dest = Path(dest)
    part = part_path(dest)
    emit = on_bytes or (lambda n: None)
    md5 = md5.lower() if md5 else None
    etag = strong_etag(etag)
    want_md5 = md5 or (etag if etag_md5 and is_md5(etag) else None)
    shown = redact_url(url)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"Cannot create the destination folder {dest.parent} ({exc.strerror}).") from None

    if dest.exists():
        proven = _proven_complete(dest, url, session, expected_size, want_md5, etag, timeout)
        if proven is not None:
            return DownloadResult(dest, dest.stat().st_size, skipped=True, verified_by=proven)

    failures = 0
    attempts = 0
    first_offset = None
    while True:
        check_cancelled(is_cancelled)
        attempts += 1
        offset, resume = _resume_point(dest, part, expected_size, etag)
        if first_offset is None:
            first_offset = offset
            if offset:
                emit(offset)
        try:
            fetched = _attempt(url, dest, part, session, offset, resume, expected_size, md5, etag, timeout,
                               chunk_size, emit, is_cancelled, etag_md5)
            verified_by = _verify(part, fetched, expected_size, etag)
            check_is_a_file(part, dest.name, shown, fetched.content_type)
        except _Retry as exc:
            failures += 1
            if exc.verification and part.exists():
                emit(-part.stat().st_size)
                part.unlink()
                file_state.clear_state(dest)
            if failures >= retry.attempts:
                cls = VerificationError if exc.verification else TransferError
                tail = ("" if exc.verification else
                        f"; the partial file {part.name} is kept and a new run resumes it")
                raise cls(f"Download of {shown} failed after {attempts} attempts: {exc}{tail}.") from None
            sleep(retry.delay(failures, exc.retry_after))
            continue
        except NotAFileError:
            if part.exists():
                emit(-part.stat().st_size)
                part.unlink()
            file_state.clear_state(dest)
            raise
        except OSError as exc:
            if exc.errno in DISK_FULL_ERRNOS:
                raise _disk_full(exc, dest) from None
            raise DownloadError(f"Cannot write {part} ({exc.strerror}).") from None
        try:
            os.replace(part, dest)
            file_state.record_complete(dest, url, fetched.validator, verified_by,
                                       fetched.got_md5 if verified_by == BY_MD5 else None)
        except OSError as exc:
            raise DownloadError(f"Cannot rename {part.name} to {dest.name} ({exc.strerror}).") from None
        return DownloadResult(dest, fetched.size, attempts=attempts, resumed_from=first_offset or 0,
                              verified_by=verified_by)


def _proven_complete(dest: Path, url: str, session, expected_size, want_md5, etag, timeout) -> Optional[str]:
    """How ``dest`` is proven to be the wanted object ("md5", "etag", "" when it was never verified but
    is provably the recorded object), or None when it cannot be proven (then it is fetched again).

    Proof: the MD5 recorded for the unchanged local file, or computed now, equals the catalogue's;
    or the recorded validator equals the catalogue's ETag, or what the server reports now (HEAD).
    """
    size = dest.stat().st_size
    if expected_size is not None and size != expected_size:
        return None
    recorded = file_state.complete_state(dest)
    if recorded is not None:
        if want_md5 and recorded.md5 == want_md5:
            return BY_MD5
        if not want_md5 and etag and recorded.validator.etag == etag:
            return recorded.verified_by
        if not want_md5 and not etag and _server_still_has(url, session, recorded.validator, size, timeout):
            return recorded.verified_by
    if want_md5:
        if md5_of_file(dest).hexdigest() != want_md5:
            return None
        try:
            file_state.record_complete(dest, url, Validator(etag=etag, size=size), BY_MD5, want_md5)
        except OSError:
            pass  # the record only saves hashing next time
        return BY_MD5
    return None


def _server_still_has(url: str, session, validator: Validator, size: int, timeout) -> bool:
    """True if the server's answer to HEAD names the version recorded in ``validator``."""
    try:
        head = session.head(url, timeout=timeout, allow_redirects=True, headers={"Accept-Encoding": "identity"})
    except requests.exceptions.RequestException:
        return False
    length = head.headers.get("Content-Length")
    now = Validator(etag=strong_etag(head.headers.get("ETag")), last_modified=head.headers.get("Last-Modified"),
                    size=int(length) if length and length.isdigit() else None)
    return head.status_code == 200 and now.size == size and validator.same_object(now)


def _resume_point(dest: Path, part: Path, expected_size, etag):
    """(offset, validator) to resume ``part`` from, or (0, None) after removing a ``.part`` that
    cannot be proven to hold the start of the wanted object."""
    if not part.exists():
        return 0, None
    offset = part.stat().st_size
    recorded = file_state.partial_validator(dest)
    usable = (recorded is not None and offset > 0
              and (etag is None or recorded.etag in (None, etag))
              and (recorded.size is None or offset <= recorded.size)
              and (expected_size is None or recorded.size in (None, expected_size)))
    if usable:
        return offset, recorded
    part.unlink()
    file_state.clear_state(dest)
    return 0, None


def _attempt(url, dest: Path, part: Path, session, offset, resume: Optional[Validator], expected_size, md5, etag,
             timeout, chunk_size, emit, is_cancelled, etag_md5=True) -> _Fetched:
    """One GET; raises _Retry for retryable trouble, DownloadError for a final one."""
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        headers["If-Range"] = resume.if_range()
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
        content_type = response.headers.get("Content-Type", "")
        length = response.headers.get("Content-Length")
        found = Validator(etag=strong_etag(response.headers.get("ETag")),
                          last_modified=response.headers.get("Last-Modified"))
        if status == 416:
            m = re.search(r"/(\d+)", response.headers.get("Content-Range", ""))
            if m and offset and int(m.group(1)) == offset and resume.same_object(found):  # the .part was complete
                want = md5 or next((e for e in (etag, found.etag) if etag_md5 and is_md5(e)), None)
                return _Fetched(offset, want, md5_of_file(part).hexdigest() if want else None,
                                Validator(found.etag, found.last_modified, offset), content_type)
            emit(-offset)
            part.unlink(missing_ok=True)
            raise _Retry("the partial file did not fit the server's file; restarting from zero")
        if status == 200:
            total = int(length) if length is not None and length.isdigit() else None
            if offset:  # If-Range did not match: the object changed, start again
                emit(-offset)
                offset = 0
        elif status == 206:
            m = _CONTENT_RANGE_RE.match(response.headers.get("Content-Range", ""))
            if not m or int(m.group(1)) != offset or (found.etag or found.last_modified) and not \
                    resume.same_object(Validator(found.etag, found.last_modified, resume.size)):
                emit(-offset)
                part.unlink(missing_ok=True)
                raise _Retry("the server answered another byte range or another version than asked; "
                             "restarting from zero")
            total = int(m.group(3)) if m.group(3) != "*" else None
        else:
            raise DownloadError(f"{redact_url(url)} answered HTTP {status}; cannot download it.")
        reason = page_instead_of_file(dest.name, b"", content_type)
        if reason:
            raise NotAFileError(f"{redact_url(url)} answered {reason} instead of the product file {dest.name}: "
                                "the server may want you to sign in, or the service URL is wrong. Nothing was kept.")
        if etag and found.etag and found.etag != etag:
            raise _Retry("the file changed on the server since the catalogue was read (ETag differs); "
                         "refresh the catalogue", verification=True)
        if expected_size is not None and total is not None and total != expected_size:
            raise _Retry(f"the server announces {total} bytes but the catalogue says {expected_size}",
                         verification=True)
        validator = Validator(found.etag or (resume.etag if offset else None),
                              found.last_modified or (resume.last_modified if offset else None),
                              total if total is not None else expected_size)
        if offset == 0:
            file_state.record_partial(dest, url, validator)
        want_md5 = md5 or next((e for e in (etag, found.etag) if etag_md5 and is_md5(e)), None)
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
        return _Fetched(size, want_md5, digest, validator, content_type)


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


def _verify(part: Path, fetched: _Fetched, expected_size, etag) -> str:
    """Check the finished ``.part``: its size against what was expected, then its content; returns
    how it was verified ("md5", "etag" or "" when no content validator exists)."""
    actual = part.stat().st_size
    if actual != fetched.size or (expected_size is not None and actual != expected_size):
        wanted = expected_size if expected_size is not None else fetched.size
        raise _Retry(f"size {actual} bytes differs from the expected {wanted}", verification=True)
    if fetched.want_md5:
        if fetched.got_md5 != fetched.want_md5:
            raise _Retry("checksum (MD5) mismatch", verification=True)
        return BY_MD5
    known_size = expected_size is not None or fetched.validator.size is not None
    if fetched.validator.etag and known_size and (etag is None or fetched.validator.etag == etag):
        return BY_ETAG
    return UNVERIFIED
