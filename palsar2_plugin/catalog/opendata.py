"""JAXA's open-data bucket (anonymous S3 over HTTPS): crawl it into the local scene index.

Two layouts are understood:

- L2.2: a static STAC item ``<scene>_<product>.json`` beside each scene's COGs (no STAC API);
- flat CEOS folders (disaster data, e.g. ``palsar2-scansar/Turkey-Syria-earthquake/L1.1/``):
  ``IMG-<pol>-<stem>-F<n>``, ``LED-``, ``TRL-``, ``VOL-``, ``BRS-…jpg`` and ``summary_<stem>.txt``
  side by side; one record per stem, footprint and times from the summary.

A refresh lists the prefixes (ListObjectsV2 with continuation tokens), and fetches only the
items/summaries whose ETag changed since the last refresh (table ``listing_state``). Listings and
item states are kept per bucket URL (credentials stripped), so a listing of one server is never
taken for another's; a listing that failed, or came back empty, is not kept. A bucket URL may carry
``user:password@``: it is used for the requests, never stored (records hold the URL without it).
"""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import requests

from ..net.session import DEFAULT_TIMEOUT, describe_network_error, make_session
from ..net.urls import redact_url, strip_credentials
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from .endpoints import OPEN_DATA_BUCKET_URL, OPEN_DATA_DEFAULT_PREFIXES
from .errors import CatalogError
from .index import SceneIndex
from .record import RemoteFile, SceneRecord, parse_name
from .s3 import S3Object, list_objects
from .stac import record_from_stac_item
from .summary_txt import parse_summary, summary_footprint, summary_times

SOURCE = "opendata"


@dataclass
class RefreshStats:
    """What a refresh did: objects listed (and taken from a recent stored listing), items fetched,
    records written, items unchanged, failures (messages)."""

    listed: int = 0
    reused: int = 0
    fetched: int = 0
    written: int = 0
    unchanged: int = 0
    failures: List[str] = field(default_factory=list)


class OpenDataBucket:
    """Client of the open-data bucket at ``bucket_url`` (virtual-hosted S3 endpoint)."""

    def __init__(self, bucket_url: str = OPEN_DATA_BUCKET_URL, session: Optional[requests.Session] = None,
                 timeout=DEFAULT_TIMEOUT, page_size: int = 1000, workers: int = 4):
        self.bucket_url = bucket_url.rstrip("/")  # may carry credentials: requests only
        self.public_url = strip_credentials(self.bucket_url)
        #: The key of this bucket's listings and item states in the scene index.
        self.listing_key = f"{SOURCE} {self.public_url}"
        self.session = session or make_session()
        self.timeout = timeout
        self.page_size = page_size
        self.workers = max(1, int(workers))

    def url_of(self, key: str) -> str:
        """The URL of ``key`` as stored in records (without credentials)."""
        return f"{self.public_url}/{key}"

    def list_folders(self, prefix: str = "", is_cancelled: Optional[CancelCheck] = None) -> List[str]:
        """Sub-folders (common prefixes, ending in "/") directly under ``prefix``."""
        out: List[str] = []
        for _, prefixes in list_objects(self.session, self.bucket_url, prefix, delimiter="/",
                                        page_size=self.page_size, timeout=self.timeout, is_cancelled=is_cancelled):
            out.extend(prefixes)
        return out

    def list_all(self, prefix: str, is_cancelled: Optional[CancelCheck] = None) -> Dict[str, S3Object]:
        """Every object under ``prefix`` (recursive), by key."""
        objects: Dict[str, S3Object] = {}
        for page, _ in list_objects(self.session, self.bucket_url, prefix, page_size=self.page_size,
                                    timeout=self.timeout, is_cancelled=is_cancelled):
            objects.update((o.key, o) for o in page)
        return objects

    # ------------------------------------------------------------------ refresh
    def refresh(self, index: SceneIndex, prefixes: Sequence[str] = OPEN_DATA_DEFAULT_PREFIXES,
                start: Optional[datetime] = None, end: Optional[datetime] = None,
                progress: Optional[ProgressCallback] = None,
                is_cancelled: Optional[CancelCheck] = None, max_age: Optional[timedelta] = None) -> RefreshStats:
        """List ``prefixes`` and bring ``index`` up to date; only new/changed items are fetched.

        With ``max_age``, a prefix listed less than ``max_age`` ago is not listed again: its stored
        listing is used (so a repeated search of an already-read period makes no request at all).

        ``start``/``end`` (UTC) restrict which items are fetched by the date in their name
        (a day of margin each side), which keeps a first refresh of a small period short.
        A bad item is skipped and reported in ``RefreshStats.failures``, and so is a prefix that
        holds no object (that listing is not kept, so the next search lists it again); an unreachable
        or refusing bucket, or an answer that is not a listing, raises :class:`CatalogError`.
        """
        stats = RefreshStats()
        known = index.known_listing(self.listing_key)
        tasks: List[Tuple[str, str, callable]] = []  # (marker key, etag, fetch function)
        for i, prefix in enumerate(prefixes):
            stored = index.stored_listing(self.listing_key, prefix) if max_age is not None else None
            now = datetime.now(timezone.utc)
            if stored is not None and now - stored[0] <= max_age:
                objects = stored[1]
                stats.reused += len(objects)
            else:
                report(progress, 0.3 * i / max(1, len(prefixes)), f"Listing {prefix}")
                objects = self.list_all(prefix, is_cancelled)
                if objects:
                    index.store_listing(self.listing_key, prefix, objects.values(), now)
                else:
                    stats.failures.append(f"The prefix {prefix!r} of {redact_url(self.public_url)} holds no object: "
                                          "check the prefix (an empty listing is not kept).")
                stats.listed += len(objects)
            for marker, etag, fetch in self._plan(objects, start, end):
                if known.get(marker) == etag:
                    stats.unchanged += 1
                else:
                    tasks.append((marker, etag, fetch))
        report(progress, 0.3, f"{stats.listed + stats.reused} objects listed, {len(tasks)} items to read")
        batch: List[SceneRecord] = []
        state: List[tuple] = []
        pool = ThreadPoolExecutor(max_workers=self.workers)
        try:
            for done, ((marker, etag, _), result) in enumerate(
                    zip(tasks, pool.map(_call_safely, [t[2] for t in tasks])), start=1):
                check_cancelled(is_cancelled)
                stats.fetched += 1
                if isinstance(result, Exception):
                    stats.failures.append(str(result))
                else:
                    batch.append(result)
                    state.append((marker, etag, result.record_id))
                if len(batch) >= 500 or done == len(tasks):
                    stats.written += index.upsert(batch)
                    index.remember_listing(self.listing_key, state)
                    batch, state = [], []
                report(progress, 0.3 + 0.7 * done / len(tasks), f"Read {done} of {len(tasks)} items")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if batch:
            stats.written += index.upsert(batch)
            index.remember_listing(self.listing_key, state)
        report(progress, 1.0, f"Index refreshed: {stats.written} records written")
        return stats

    def _plan(self, objects: Dict[str, S3Object], start: Optional[datetime], end: Optional[datetime]):
        """Yield (marker key, etag, fetch()) for every STAC item and every flat CEOS product."""
        lo = start - timedelta(days=1) if start else None
        hi = end + timedelta(days=1) if end else None

        def in_range(names: dict) -> bool:
            d = names.get("date")
            return d is not None and (lo is None or d >= lo) and (hi is None or d <= hi)

        groups: Dict[Tuple[str, str], List[S3Object]] = defaultdict(list)
        for key, obj in objects.items():
            base = posixpath.basename(key)
            names = parse_name(base)
            if not names:
                continue
            if base.endswith(".json"):
                if in_range(names):
                    yield key, obj.etag, (lambda k=key: self._read_item(k, objects))
            elif names["level"] in ("L1.1", "L1.5") and in_range(names):
                groups[(posixpath.dirname(key), names["scene_id"] + "_" + names["product_id"])].append(obj)
        for (folder, record_id), members in groups.items():
            summary = next((o for o in members if posixpath.basename(o.key).startswith("summary")), None)
            if summary is None:
                continue
            marker_etag = summary.etag + f"/{len(members)}"
            yield summary.key, marker_etag, (lambda f=folder, s=summary, m=members: self._read_flat(f, s, m))

    def _get(self, key: str) -> bytes:
        url = f"{self.bucket_url}/{key}"
        try:
            r = self.session.get(url, timeout=self.timeout)
        except requests.exceptions.RequestException as exc:
            raise CatalogError(describe_network_error(exc, url)) from None
        if r.status_code != 200:
            raise CatalogError(f"Reading {redact_url(url)} failed with HTTP {r.status_code}.")
        return r.content

    def _read_item(self, key: str, objects: Dict[str, S3Object]) -> SceneRecord:
        url = self.url_of(key)
        try:
            item = json.loads(self._get(key))
        except ValueError:
            raise CatalogError(f"{redact_url(url)} is not valid JSON; skipped.") from None
        return record_from_stac_item(item, url, listed=objects, bucket_url=self.public_url, source=SOURCE)

    def _read_flat(self, folder: str, summary: S3Object, members: Iterable[S3Object]) -> SceneRecord:
        text = self._get(summary.key).decode("utf-8", errors="replace")
        fields = parse_summary(text)
        footprint = summary_footprint(fields)
        start, end = summary_times(fields)
        names = parse_name(posixpath.basename(summary.key))
        pols = sorted({posixpath.basename(o.key).split("-")[1] for o in members
                       if posixpath.basename(o.key).startswith("IMG-")})
        files = tuple(RemoteFile(url=self.url_of(o.key), size=o.size, etag=o.etag)
                      for o in sorted(members, key=lambda o: o.key))
        if not footprint:
            raise CatalogError(f"{redact_url(self.url_of(summary.key))} has no scene corners; skipped.")
        return SceneRecord(
            record_id=names["scene_id"] + "_" + names["product_id"], scene_id=names["scene_id"],
            product_id=names["product_id"], level=names["level"], mode=names["mode"],
            polarisations=tuple(pols) or names["polarisations"], pass_direction=names["pass_direction"],
            look_side=names["look_side"], frame=names["frame"], orbit=names["orbit"],
            start_time=start or names["date"], end_time=end or start or names["date"], footprint=footprint,
            size_bytes=sum(f.size or 0 for f in files), download_path=self.url_of(folder + "/"),
            quicklook_url=next((f.url for f in files if f.name.startswith("BRS-")), ""),
            source=SOURCE, files=files)


def _call_safely(fn):
    try:
        return fn()
    except Exception as exc:  # one bad item must not stop a crawl; reported in RefreshStats
        return exc if isinstance(exc, CatalogError) else CatalogError(f"{type(exc).__name__}: {exc}")
