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
    """Parse one ListObjectsV2 response: (objects, common prefixes, next continuation token or None)."""
    try:
        root = ET.fromstring(xml_bytes)
    except ET.ParseError as exc:
        raise CatalogError(f"The bucket listing is not valid XML ({exc}).") from None
    if _strip_ns(root.tag) == "Error":
        code = next((c.text for c in root if _strip_ns(c.tag) == "Code"), "unknown")
        raise CatalogError(f"The bucket refused the listing (S3 error {code}).")
    objects: List[S3Object] = []
    prefixes: List[str] = []
    token = None
    truncated = False
    for child in root:
        tag = _strip_ns(child.tag)
        if tag == "Contents":
            fields = {_strip_ns(c.tag): (c.text or "") for c in child}
            objects.append(S3Object(key=fields.get("Key", ""), size=int(fields.get("Size") or 0),
                                    etag=fields.get("ETag", "").strip('"'),
                                    last_modified=fields.get("LastModified", "")))
        elif tag == "CommonPrefixes":
            prefixes.extend(c.text or "" for c in child if _strip_ns(c.tag) == "Prefix")
        elif tag == "NextContinuationToken":
            token = child.text
        elif tag == "IsTruncated":
            truncated = (child.text or "").strip().lower() == "true"
    return objects, prefixes, (token if truncated else None)


def list_objects(session: requests.Session, bucket_url: str, prefix: str = "", delimiter: Optional[str] = None,
                 page_size: int = 1000, max_pages: int = 100000, timeout=DEFAULT_TIMEOUT,
                 is_cancelled: Optional[CancelCheck] = None) -> Iterator[Tuple[List[S3Object], List[str]]]:
    """Yield (objects, common_prefixes) page by page, following continuation tokens.

    ``bucket_url`` is the virtual-hosted bucket endpoint (e.g. ``https://jaxaalos2.s3.us-west-2.amazonaws.com``).
    """
    url = bucket_url.rstrip("/") + "/"
    token: Optional[str] = None
    for _ in range(max_pages):
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
            raise CatalogError(f"Listing {redact_url(url)} (prefix {prefix!r}) failed with HTTP "
                               f"{response.status_code}: check the bucket URL.")
        objects, prefixes, token = parse_list_page(response.content)
        yield objects, prefixes
        if not token:
            return
    raise CatalogError(f"Listing of prefix {prefix!r} did not end after {max_pages} pages.")
