"""Read a product's files where they lie: HTTP(S) and S3 URLs through ranged reads.

:class:`RangeSource` reads byte ranges of one remote file with HTTP ``Range`` requests (never the
whole file unless asked), keeps the last blocks read in a small LRU cache (``block_bytes`` each,
aligned), retries dropped connections and 5xx/429 answers, and counts the bytes it received
(:attr:`RangeSource.bytes_read`, also summed over all sources in :data:`BYTES_READ`).

``s3://bucket/key`` URLs are read anonymously as ``https://<bucket>.s3.<region>.amazonaws.com/<key>``
(region from ``PALSAR2_S3_REGION``, default ap-northeast-1, the region of JAXA's open-data bucket).

What arrives is checked like a download: a web page (``text/html``) answered in place of the file,
a range other than the one asked, or another version of the file than the one measured first
(its ETag or Last-Modified changed between reads) is a :class:`CeosFormatError`, never data.
Credentials written in the URL (``https://user:password@host/...``) are used for the requests
and kept out of :attr:`RangeSource.display`, messages and everything derived from them (in this
process they are remembered per host, so a path re-opened from its display still reads).

:func:`remote_product_sources` finds a product's files beside the URL of any one of them (VOL-, LED-,
TRL-, IMG-<pol>-[-F<n>] or <stem>.summary / summary.txt), asking the server for the size of each
candidate with a HEAD request (no directory listing is needed).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

from ..errors import CeosFormatError
from ..net.urls import origin, redact_url, split_credentials, strip_credentials

DEFAULT_BLOCK_BYTES = 1 << 18
DEFAULT_CACHE_BLOCKS = 16
DEFAULT_S3_REGION = "ap-northeast-1"
POLARISATIONS = ("HH", "HV", "VH", "VV")

_counter_lock = threading.Lock()
BYTES_READ = {"total": 0}
#: Credentials given inside URLs in this process, by (scheme, host, port): never written anywhere.
_URL_CREDENTIALS: Dict[tuple, tuple] = {}


def is_url(path) -> bool:
    """True for http://, https:// and s3:// strings."""
    return isinstance(path, str) and path.split("://", 1)[0].lower() in ("http", "https", "s3") and "://" in path


def http_url(url: str, region: Optional[str] = None) -> str:
    """The HTTPS URL of an ``s3://bucket/key`` URL (anonymous, virtual-hosted style); others unchanged."""
    if not url.lower().startswith("s3://"):
        return url
    rest = url[5:]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise CeosFormatError("an s3:// URL needs a bucket name (s3://<bucket>/<key>)", path=url)
    region = region or os.environ.get("PALSAR2_S3_REGION") or DEFAULT_S3_REGION
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def _session():
    from ..net.session import make_session

    return make_session(trust_env=True)


class RangeSource:
    """Random access to one remote file of known ``size`` (bytes) at ``url`` through Range requests."""

    def __init__(self, url: str, size: Optional[int] = None, *, block_bytes: int = DEFAULT_BLOCK_BYTES,
                 cache_blocks: int = DEFAULT_CACHE_BLOCKS, retries: int = 4, timeout_s: float = 30.0):
        self.url, credentials = split_credentials(http_url(url))
        if credentials is not None:
            _URL_CREDENTIALS[origin(self.url)] = credentials
        self._auth = credentials or _URL_CREDENTIALS.get(origin(self.url))
        self.display = strip_credentials(url)  # what the product records; messages show redact_url of it
        self.block_bytes = int(block_bytes)
        self.cache_blocks = int(cache_blocks)
        self.retries = int(retries)
        self.timeout_s = float(timeout_s)
        self.bytes_read = 0
        self.requests = 0
        self._cache: "OrderedDict[int, bytes]" = OrderedDict()
        self._lock = threading.Lock()
        self._http = None
        self.version: Tuple[Optional[str], Optional[str]] = (None, None)  # (strong ETag, Last-Modified)
        self.size = int(size) if size is not None else self._head_size()

    @property
    def shown(self) -> str:
        """The URL as messages show it: no credentials, no query string."""
        return redact_url(self.display)

    def __getstate__(self):  # picklable for Dask workers: no session, no cache
        state = dict(self.__dict__)
        state.update(_cache=OrderedDict(), _lock=None, _http=None, bytes_read=0, requests=0)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _client(self):
        if self._http is None:
            self._http = _session()
        return self._http

    def _request(self, method: str, headers: Dict[str, str], stream: bool = False):
        import requests

        delay = 0.2
        last = None
        for attempt in range(self.retries + 1):
            try:
                resp = self._client().request(method, self.url, headers=headers, timeout=self.timeout_s,
                                               stream=stream, auth=self._auth)
                if resp.status_code in (429, 500, 502, 503, 504) and attempt < self.retries:
                    last = f"HTTP {resp.status_code}"
                    time.sleep(delay)
                    delay *= 2
                    continue
                return resp
            except requests.RequestException as exc:
                last = str(exc)
                self._http = None
                if attempt < self.retries:
                    time.sleep(delay)
                    delay *= 2
        raise CeosFormatError(f"cannot read from the server after {self.retries + 1} tries ({last}); "
                              "check the URL and the network and try again", path=self.shown)

    def _check_answer(self, resp, offset: Optional[int] = None) -> None:
        """Refuse a web page in place of the file, and another version than the one first measured."""
        kind = resp.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            raise CeosFormatError("the server answered a web page instead of the file (a sign-in page or a wrong "
                                  "URL?)", path=self.shown, offset=offset)
        etag = resp.headers.get("ETag")
        version = (etag if etag and not etag.startswith("W/") else None, resp.headers.get("Last-Modified"))
        if self.version == (None, None):
            self.version = version
        elif (version[0] or version[1]) and version != self.version:
            raise CeosFormatError("the file changed on the server while it was being read (its ETag or "
                                  "modification time differs); run again", path=self.shown, offset=offset)

    def _head_size(self) -> int:
        resp = self._request("HEAD", {})
        if resp.status_code == 404:
            raise CeosFormatError("no such file on the server (HTTP 404)", path=self.shown)
        if resp.status_code >= 400:
            raise CeosFormatError(f"the server refused the file (HTTP {resp.status_code})", path=self.shown)
        self._check_answer(resp)
        length = resp.headers.get("Content-Length")
        if length is None:
            raise CeosFormatError("the server gives no file size (Content-Length)", path=self.shown)
        return int(length)

    def _fetch(self, start: int, stop: int) -> bytes:
        """Bytes [start, stop) straight from the server: one ranged GET, read as a stream and closed
        once the range is in (so a server that ignores the range end, or the Range header, sends
        no more than we take), checked and counted."""
        import requests

        want = stop - start
        data = b""
        for attempt in range(self.retries + 1):
            resp = self._request("GET", {"Range": f"bytes={start}-{stop - 1}"}, stream=True)
            try:
                if resp.status_code not in (200, 206):
                    raise CeosFormatError(f"ranged read refused (HTTP {resp.status_code})", path=self.shown,
                                          offset=start)
                self._check_answer(resp, start)
                answered = resp.headers.get("Content-Range", "")
                if resp.status_code == 206 and not answered.replace("bytes", "").strip().startswith(f"{start}-"):
                    raise CeosFormatError(f"the server answered another byte range ({answered or 'none'}) than "
                                          f"asked ({start}-{stop - 1})", path=self.shown, offset=start)
                skip = start if resp.status_code == 200 else 0   # server ignored Range: skip to our part
                need = skip + want
                chunks, got = [], 0
                try:
                    for chunk in resp.iter_content(chunk_size=min(need, 1 << 18) or 1):
                        chunks.append(chunk)
                        got += len(chunk)
                        if got >= need:
                            break
                except requests.RequestException:
                    self._http = None
                self._count(got)
                data = b"".join(chunks)[skip:need]
            finally:
                resp.close()
            if len(data) == want:
                return data
        raise CeosFormatError(f"the server sent {len(data)} of {want} bytes (connection cut); try again",
                              path=self.shown, offset=start)

    def _count(self, n: int) -> None:
        self.bytes_read += n
        self.requests += 1
        with _counter_lock:
            BYTES_READ["total"] += n

    def read(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes from ``offset`` (fewer at the end of the file)."""
        offset = max(0, int(offset))
        stop = min(self.size, offset + max(0, int(size)))
        if stop <= offset:
            return b""
        bb = self.block_bytes
        first, last = offset // bb, (stop - 1) // bb
        with self._lock:
            cached = {i: self._cache[i] for i in range(first, last + 1) if i in self._cache}
        missing = [i for i in range(first, last + 1) if i not in cached]
        # one request for each run of consecutive missing blocks
        runs = []
        for i in missing:
            if runs and runs[-1][1] == i - 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        for r0, r1 in runs:
            data = self._fetch(r0 * bb, min(self.size, (r1 + 1) * bb))
            for i in range(r0, r1 + 1):
                cached[i] = data[(i - r0) * bb:(i - r0 + 1) * bb]
        with self._lock:
            for i in range(first, last + 1):
                self._cache[i] = cached[i]
                self._cache.move_to_end(i)
            while len(self._cache) > self.cache_blocks:
                self._cache.popitem(last=False)
        joined = b"".join(cached[i] for i in range(first, last + 1))
        return joined[offset - first * bb:stop - first * bb]

    def open_stream(self) -> "RangeStream":
        return RangeStream(self)


class RangeStream:
    """A read-only binary file object over a :class:`RangeSource` (seek, tell, read)."""

    def __init__(self, source: RangeSource):
        self.source = source
        self.pos = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.source.size}[whence]
        self.pos = max(0, base + int(offset))
        return self.pos

    def tell(self) -> int:
        return self.pos

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.source.size - self.pos
        data = self.source.read(self.pos, size)
        self.pos += len(data)
        return data

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _candidate_names(stem: str) -> List[str]:
    names = [f"VOL-{stem}", f"LED-{stem}", f"TRL-{stem}", f"{stem}.summary", "summary.txt"]
    for pol in POLARISATIONS:
        names.append(f"IMG-{pol}-{stem}")
        names.extend(f"IMG-{pol}-{stem}-F{n}" for n in range(1, 6))
    return names


def remote_product_sources(url: str, stem: str) -> List["RangeSource"]:
    """A :class:`RangeSource` for each file of the product ``stem`` that the server has beside ``url``
    (found by JAXA's naming convention, each checked with a HEAD request; no listing is needed)."""
    base, _, name = url.rpartition("/")
    found = []
    for candidate in _candidate_names(stem):
        try:
            found.append(RangeSource(f"{base}/{candidate}", retries=1))
        except CeosFormatError:
            if candidate == name:
                raise
    return found
