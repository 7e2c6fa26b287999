"""Anonymous S3 ListObjectsV2 over plain HTTPS (no SDK): keys, sizes, ETags, common prefixes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

import requests

from ..net.session import DEFAULT_TIMEOUT, describe_network_error
from ..net.urls import redact_url
from ..progress import CancelCheck, check_cancelled
from .errors import CatalogError


@dataclass(frozen=True)
class S3Object:
    """One listed object: ``key``, ``size`` in bytes, ``etag`` without quotes, ``last_modified`` text."""

    key: str
    size: int
    etag: str
    last_modified: str


def _strip_ns(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_list_page(xml_bytes: bytes) -> Tuple[List[S3Object], List[str], Optional[str]]:
    """Parse one ListObjectsV2 response: (objects, common prefixes, next continuation token or None).

    Anything that is not a complete ListObjectsV2 document is a :class:`CatalogError`, never an empty
    page: invalid or cut XML, another document (an HTML page of a proxy or a web server), a missing
    ``IsTruncated``, "truncated" without a continuation token, or fewer entries than ``KeyCount`` says.
    """
    try:
        root = ET.fromstring(xml_bytes)
    except ET.ParseError as exc:
        raise CatalogError(f"The bucket listing is not valid XML ({exc}): the server did not answer an S3 "
                           "listing; check the bucket URL and the proxy settings.") from None
    kind = _strip_ns(root.tag)
    if kind == "Error":
        code = next((c.text for c in root if _strip_ns(c.tag) == "Code"), "unknown")
        raise CatalogError(f"The bucket refused the listing (S3 error {code}).")
    if kind != "ListBucketResult":
        raise CatalogError(f"The bucket URL answered a <{kind}> document instead of an S3 listing "
                           "(ListBucketResult): check the bucket URL (a web page or a proxy's login page is not "
                           "a listing).")
    objects: List[S3Object] = []
    prefixes: List[str] = []
    token = None
    truncated = None
    key_count = None
    for child in root:
        tag = _strip_ns(child.tag)
        if tag == "Contents":
            fields = {_strip_ns(c.tag): (c.text or "") for c in child}
            try:
                size = int(fields["Size"])
            except (KeyError, ValueError):
                size = -1
            if not fields.get("Key") or size < 0:
                raise CatalogError("The bucket listing has an entry without a key or a size: it is not a valid S3 "
                                   "listing.")
            objects.append(S3Object(key=fields["Key"], size=size, etag=fields.get("ETag", "").strip('"'),
                                    last_modified=fields.get("LastModified", "")))
        elif tag == "CommonPrefixes":
            prefixes.extend(c.text or "" for c in child if _strip_ns(c.tag) == "Prefix")
        elif tag == "NextContinuationToken":
            token = child.text
        elif tag == "IsTruncated":
            truncated = (child.text or "").strip().lower()
        elif tag == "KeyCount":
            key_count = (child.text or "").strip()
    if truncated not in ("true", "false"):
        raise CatalogError("The bucket listing does not say whether it is complete (no IsTruncated): it is not an "
                           "S3 ListObjectsV2 answer; check the bucket URL.")
    if truncated == "true" and not token:
        raise CatalogError("The bucket says its listing continues but gives no continuation token: the listing "
                           "cannot be completed; try again later.")
    if key_count is not None and key_count.isdigit() and int(key_count) not in (len(objects),
                                                                               len(objects) + len(prefixes)):
        raise CatalogError(f"The bucket listing announces {key_count} entries but holds "
                           f"{len(objects) + len(prefixes)}: the answer is incomplete; try again.")
    return objects, prefixes, (token if truncated == "true" else None)


#: Consecutive pages without any entry tolerated while the listing says it continues.
MAX_EMPTY_PAGES = 3


def list_objects(session: requests.Session, bucket_url: str, prefix: str = "", delimiter: Optional[str] = None,
                 page_size: int = 1000, max_pages: int = 100000, timeout=DEFAULT_TIMEOUT,
                 is_cancelled: Optional[CancelCheck] = None) -> Iterator[Tuple[List[S3Object], List[str]]]:
    """Yield (objects, common_prefixes) page by page, following continuation tokens.

    ``bucket_url`` is the virtual-hosted bucket endpoint (e.g. ``https://jaxaalos2.s3.us-west-2.amazonaws.com``).
    S3 returns keys in ascending order, each once: a continuation token seen before, a page whose
    keys do not come after the previous page's, keys outside ``prefix`` or more than
    :data:`MAX_EMPTY_PAGES` empty pages in a row stop the listing with a :class:`CatalogError` at once.
    """
    url = bucket_url.rstrip("/") + "/"
    shown = redact_url(url)
    token: Optional[str] = None
    tokens_seen = set()
    last_name = ""
    empty_pages = 0
    for page in range(1, max_pages + 1):
        check_cancelled(is_cancelled)
        params = {"list-type": "2", "prefix": prefix, "max-keys": str(page_size)}
        if delimiter:
            params["delimiter"] = delimiter
        if token:
            params["continuation-token"] = token
        try:
            response = session.get(url, params=params, timeout=timeout)
        except requests.exceptions.RequestException as exc:
            raise CatalogError(describe_network_error(exc, url)) from None
        if response.status_code != 200:
            raise CatalogError(f"Listing {shown} (prefix {prefix!r}) failed with HTTP "
                               f"{response.status_code}: check the bucket URL.")
        objects, prefixes, token = parse_list_page(response.content)
        names = [o.key for o in objects] + prefixes
        if any(not n.startswith(prefix) for n in names):
            raise CatalogError(f"The listing of {shown} answered keys outside the prefix {prefix!r}: the server "
                               "does not follow the S3 protocol; check the bucket URL.")
        if names:
            if min(names) <= last_name:
                raise CatalogError(f"The listing of {shown} (prefix {prefix!r}) does not advance: page {page} "
                                   "repeats keys of an earlier page; stopped.")
            last_name = max(names)
            empty_pages = 0
        else:
            empty_pages += 1
            if token and empty_pages > MAX_EMPTY_PAGES:
                raise CatalogError(f"The listing of {shown} (prefix {prefix!r}) does not advance: {empty_pages} "
                                   "pages in a row without any key; stopped.")
        yield objects, prefixes
        if not token:
            return
        if token in tokens_seen:
            raise CatalogError(f"The listing of {shown} (prefix {prefix!r}) does not advance: the server "
                               f"repeats a continuation token (page {page}); stopped.")
        tokens_seen.add(token)
    raise CatalogError(f"Listing of prefix {prefix!r} did not end after {max_pages} pages.")
