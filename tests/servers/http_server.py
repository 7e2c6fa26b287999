"""A loopback HTTP server for the catalogue and download tests: S3 listing, files, CSW, faults.

- ``GET /?list-type=2&prefix=&delimiter=&max-keys=&continuation-token=``: S3 ListObjectsV2 XML.
- ``GET|HEAD /<key>``: the object, with ``Range`` (206/416), ``If-Range`` (ETag or Last-Modified) and
  validators chosen by ``server.etag_mode``: "md5" (the content's MD5, as S3 for single-part uploads),
  "opaque" (a strong ETag that is not an MD5, as S3 for multipart uploads), "weak" (``W/"..."``) or
  "none"; ``Last-Modified`` is the time of ``put`` (or the ``modified`` text given to it) unless
  ``server.last_modified`` is False. The listing's ETags follow the same mode.
  ``server.listing_mode`` = "ok", or a fault: "html" (a sign-in web page with 200), "json" (JSON with
  200), "cut" (the XML cut in half), "repeat_token" (the first page again and again: its continuation
  token repeats), "no_progress" (the first page again with a new token each time); an endless client
  gets HTTP 500 after 300 listing requests. ``server.listing_requests`` counts them.
- ``GET /csw?...``: a G-Portal-like CSW GetRecords JSON answer with ``startIndex``/``count`` paging
  over ``server.csw_features``; ``server.csw_mode`` = "ok", "malformed", "error500", "repeat" (every
  page is the first: paging does not advance) or "stop" (pages after the first are empty).
- Faults are queued per key (``server.add_fault(key, Fault(...))``) and each consumes one request:
  ``drop`` (reset the connection after ``n`` body bytes), ``truncate`` (announce the full length,
  send ``n`` bytes, close), ``overlong`` (append ``n`` junk bytes and announce them), ``status``
  (answer ``code`` with an optional ``Retry-After``), ``slow`` (``delay`` seconds per 64 KiB),
  ``ignore_range`` (answer 200 with the whole file), ``page`` (answer 200 with an HTML sign-in page,
  Content-Type ``ctype``, default text/html).

- ``server.require_auth = (user, password)``: objects answer 401 without that HTTP Basic login.
- Fault ``redirect``: answer 302 to ``location``.

Binds 127.0.0.1 on a free port (``url_host`` names it in URLs: "127.0.0.1" or "localhost", which
are different hosts to a client); with ``tls=(certificate, key)`` it speaks HTTPS. Stops itself
after ``lifetime`` seconds at most.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import re
import socket
import ssl
import struct
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Deque, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, quote, unquote, urlsplit
from xml.sax.saxutils import escape

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fault:
    kind: str  # drop | truncate | overlong | status | slow | ignore_range | page | redirect
    n: int = 0
    code: int = 503
    retry_after: Optional[str] = None
    delay: float = 0.0
    ctype: str = "text/html"
    body: Optional[bytes] = None  # of a "page" (default: an HTML sign-in page)
    location: str = ""  # of a "redirect"


SIGN_IN_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action=\"/login\">"
                b"<input name=\"user\"><input name=\"password\" type=\"password\"></form></body></html>\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # clients that hang up mid-body are part of the tests
        pass


class LoopbackHttpServer:
    """Start with :meth:`start` (or as a context manager); ``base_url`` is ``http://127.0.0.1:<port>``."""

    def __init__(self, lifetime: float = 600.0, tls: Optional[Tuple[str, str]] = None, url_host: str = "127.0.0.1"):
        self.tls = tls
        self.url_host = url_host
        self.require_auth: Optional[Tuple[str, str]] = None
        self.objects: Dict[str, bytes] = {}
        self.faults: Dict[str, Deque[Fault]] = defaultdict(deque)
        self.requests: List[dict] = []
        self.csw_features: List[dict] = []
        self.csw_mode = "ok"
        self.etag_mode = "md5"
        self.last_modified = True
        self.modified: Dict[str, str] = {}
        self.listing_mode = "ok"
        self.listing_requests = 0
        self.active_bodies = 0   # file bodies being sent right now
        self.peak_active_bodies = 0
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._httpd: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._timer: Optional[threading.Timer] = None

    # ------------------------------------------------------------------ control
    def start(self) -> "LoopbackHttpServer":
        handler = _make_handler(self)
        self._httpd = _Server(("127.0.0.1", 0), handler)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*map(str, self.tls))
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._timer is not None:
            self._timer.cancel()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.url_host}:{self.port}"

    def url_of(self, key: str) -> str:
        return f"{self.base_url}/{quote(key)}"

    def put(self, key: str, data: bytes, modified: Optional[str] = None) -> str:
        """Store an object (Last-Modified ``modified``, an HTTP date, or now); returns its URL."""
        with self._lock:
            self.objects[key] = bytes(data)
            self.modified[key] = modified or email.utils.formatdate(time.time(), usegmt=True)
        return self.url_of(key)

    def etag_of(self, key: str) -> str:
        """The object's ETag as listed (quotes stripped): its MD5, or another strong value in "opaque" mode."""
        return _etag_text(self, self.objects[key])

    def add_fault(self, key: str, *faults: Fault) -> None:
        with self._lock:
            self.faults[key].extend(faults)

    def next_fault(self, key: str) -> Optional[Fault]:
        with self._lock:
            q = self.faults.get(key)
            return q.popleft() if q else None

    def requests_for(self, key: str) -> List[dict]:
        return [r for r in self.requests if r["path"] == "/" + key]


def _etag_text(server: LoopbackHttpServer, data: bytes) -> str:
    digest = hashlib.md5(data).hexdigest()
    return f"{digest[:20]}-2" if server.etag_mode == "opaque" else digest


def _validators(server: LoopbackHttpServer, key: str) -> Dict[str, str]:
    """The ETag and Last-Modified headers of ``key`` under ``server.etag_mode``."""
    out = {}
    if server.etag_mode in ("md5", "opaque"):
        out["ETag"] = f'"{_etag_text(server, server.objects[key])}"'
    elif server.etag_mode == "weak":
        out["ETag"] = f'W/"{_etag_text(server, server.objects[key])}"'
    if server.last_modified:
        out["Last-Modified"] = server.modified[key]
    return out


def _list_xml(server: LoopbackHttpServer, params: Dict[str, str]) -> bytes:
    prefix = params.get("prefix", "")
    delimiter = params.get("delimiter")
    max_keys = int(params.get("max-keys", "1000"))
    start_after = params.get("continuation-token", "")
    keys = sorted(k for k in server.objects if k.startswith(prefix) and k > start_after)
    contents, prefixes, last = [], [], None
    seen_prefixes = set()
    truncated = False
    for key in keys:
        if len(contents) + len(prefixes) >= max_keys:
            truncated = True
            break
        rest = key[len(prefix):]
        if delimiter and delimiter in rest:
            common = prefix + rest.split(delimiter, 1)[0] + delimiter
            if common not in seen_prefixes:
                seen_prefixes.add(common)
                prefixes.append(common)
            last = common + "\uffff"  # like S3: a page never ends inside a common prefix
            continue
        contents.append(key)
        last = key
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
             f"<Name>jaxaalos2</Name><Prefix>{escape(prefix)}</Prefix><KeyCount>{len(contents) + len(prefixes)}</KeyCount>",
             f"<MaxKeys>{max_keys}</MaxKeys><IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"]
    if truncated:
        parts.append(f"<NextContinuationToken>{escape(last)}</NextContinuationToken>")
    for key in contents:
        data = server.objects[key]
        parts.append(f"<Contents><Key>{escape(key)}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>"
                     f"<ETag>&quot;{_etag_text(server, data)}&quot;</ETag><Size>{len(data)}</Size>"
                     "<StorageClass>STANDARD</StorageClass></Contents>")
    for p in prefixes:
        parts.append(f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>")
    parts.append("</ListBucketResult>")
    return "".join(parts).encode("utf-8")


def _listing_answer(server: LoopbackHttpServer, params: Dict[str, str]):
    """(status, body, content type) of a ListObjectsV2 request under ``server.listing_mode``."""
    with server._lock:
        server.listing_requests += 1
        n = server.listing_requests
    mode = server.listing_mode
    if mode == "html":
        return 200, (b"<html><head><title>Sign in</title></head><body><p>Please sign in to continue.</p>"
                     b"</body></html>"), "text/html"
    if mode == "json":
        return 200, b'{"Contents": [], "IsTruncated": false}', "application/json"
    if mode == "cut":
        body = _list_xml(server, params)
        return 200, body[: len(body) // 2], "application/xml"
    if mode in ("repeat_token", "no_progress"):
        if n > 300:
            return 500, b"the client does not stop", "text/plain"
        body = _list_xml(server, dict(params, **{"continuation-token": ""}))
        if mode == "no_progress":
            body = re.sub(rb"<NextContinuationToken>.*?</NextContinuationToken>",
                          f"<NextContinuationToken>token-{n}</NextContinuationToken>".encode(), body)
        return 200, body, "application/xml"
    return 200, _list_xml(server, params), "application/xml"


def _csw_body(server: LoopbackHttpServer, params: Dict[str, str]) -> bytes:
    if server.csw_mode == "malformed":
        return b'{"type": "FeatureCollection", "features": [ {"type": "Feat'
    start = 1 if server.csw_mode == "repeat" else int(params.get("startIndex", "1"))
    count = int(params.get("count", "100"))
    if server.csw_mode == "stop" and start > 1:
        count = 0
    feats = server.csw_features
    page = feats[start - 1: start - 1 + count] if count > 0 else []
    return json.dumps({"type": "FeatureCollection",
                       "properties": {"numberOfRecordsMatched": len(feats), "numberOfRecordsReturned": len(page)},
                       "features": page}).encode("utf-8")


def _make_handler(server: LoopbackHttpServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # keep test output quiet
            pass

        def _record(self):
            split = urlsplit(self.path)
            entry = {"method": self.command, "path": unquote(split.path), "query": split.query,
                     "headers": dict(self.headers.items())}
            with server._lock:
                server.requests.append(entry)
            return split

        def _send(self, code: int, body: bytes, ctype: str = "application/xml", extra: Optional[dict] = None):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            split = self._record()
            params = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
            path = unquote(split.path)
            if path == "/" and params.get("list-type") == "2":
                return self._send(*_listing_answer(server, params))
            if path == "/csw":
                if server.csw_mode == "error500":
                    return self._send(500, b"internal error", "text/plain")
                return self._send(200, _csw_body(server, params), "application/json")
            key = path.lstrip("/")
            data = server.objects.get(key)
            if data is None:
                return self._send(404, b"<Error><Code>NoSuchKey</Code></Error>")
            fault = server.next_fault(key)
            if fault is not None and fault.kind == "status":
                extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                return self._send(fault.code, b"busy", "text/plain", extra)
            if server.require_auth is not None:
                expected = "Basic " + base64.b64encode(":".join(server.require_auth).encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._send(401, b"login required", "text/plain", {"WWW-Authenticate": 'Basic realm="t"'})
            if fault is not None and fault.kind == "redirect":
                return self._send(302, b"", "text/plain", {"Location": fault.location})
            if fault is not None and fault.kind == "page":
                return self._send(200, fault.body or SIGN_IN_PAGE, fault.ctype)
            validators = _validators(server, key)
            start, code = 0, 200
            headers = dict(validators, **{"Accept-Ranges": "bytes"})
            rng = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            same = if_range is None or if_range in (validators.get("ETag"), validators.get("Last-Modified"))
            if rng and not (fault is not None and fault.kind == "ignore_range") and same:
                start = int(rng.split("=", 1)[1].split("-", 1)[0])
                if start >= len(data):
                    extra = dict(validators, **{"Content-Range": f"bytes */{len(data)}"})
                    return self._send(416, b"", "text/plain", extra)
                code = 206
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            body = data[start:]
            if fault is not None and fault.kind == "overlong":
                body = body + b"\0" * fault.n
            self.send_response(code)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command == "HEAD":
                return
            if fault is not None and fault.kind in ("drop", "truncate"):
                self.wfile.write(body[:fault.n])
                self.wfile.flush()
                if fault.kind == "drop":  # abortive close (RST) once the client had time to read what was sent
                    time.sleep(0.2)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            delay = fault.delay if fault is not None and fault.kind == "slow" else 0.0
            view = memoryview(body)
            with server._lock:
                server.active_bodies += 1
                server.peak_active_bodies = max(server.peak_active_bodies, server.active_bodies)
            try:
                for i in range(0, len(view), CHUNK if delay else 1 << 20):
                    if delay and i:
                        time.sleep(delay)
                    self.wfile.write(view[i:i + (CHUNK if delay else 1 << 20)])
            finally:
                with server._lock:
                    server.active_bodies -= 1

    return Handler
