"""Products on a web server or bucket (e.g. JAXA's open-data bucket), read in place through GDAL /vsicurl/.

A remote product is given by the URL of its STAC item (``<name>.json``, the assets give the files)
or of any one of its files (the other files are found by the naming convention and checked with a
HEAD request). Rasters become ``/vsicurl?empty_dir=yes&url=<url>`` paths: GDAL reads only the
blocks it needs (HTTP range requests) and does not probe for side-car files. Nothing is downloaded.

A URL carrying a user name and password is refused: GDAL would need it inside every layer's path,
so it would be written into the VRT files and the QGIS project (download such products first, with a
QGIS authentication configuration). Messages show URLs without query strings.
"""

from __future__ import annotations

import json
import posixpath
from typing import List, Optional
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..errors import Palsar2Error
from ..net.urls import has_credentials, redact_url
from . import jaxa_l21, jaxa_l22, reader_own

_POLS = ("HH", "HV", "VV", "VH")


def is_remote(path: str) -> bool:
    """True for http(s) URLs and ``/vsicurl/`` paths."""
    text = str(path)
    return text.startswith(("http://", "https://", "/vsicurl/", "/vsicurl?"))


def plain_url(path: str) -> str:
    """The http(s) URL of a URL or /vsicurl path."""
    text = str(path)
    if text.startswith("/vsicurl/"):
        return text[len("/vsicurl/"):]
    if text.startswith("/vsicurl?"):
        for part in text[len("/vsicurl?"):].split("&"):
            if part.startswith("url="):
                return unquote(part[4:])
    return text


def gdal_path(url: str) -> str:
    """GDAL path reading ``url`` in place, without directory listing or side-car probes."""
    return "/vsicurl?empty_dir=yes&url=" + quote(url, safe="")


def read_remote(url: str) -> bytes:
    """The bytes of a (small) remote file, read through GDAL; raises Palsar2Error if unreachable."""
    from osgeo import gdal

    path = gdal_path(url)
    stat = gdal.VSIStatL(path)
    handle = gdal.VSIFOpenL(path, "rb") if stat is not None else None
    if handle is None:
        raise Palsar2Error(f"Cannot read {redact_url(url)}: the server does not answer or the file does not exist. "
                           "Check the address and your network/proxy settings.")
    try:
        return gdal.VSIFReadL(1, stat.size, handle)
    finally:
        gdal.VSIFCloseL(handle)


def exists(url: str) -> bool:
    from osgeo import gdal

    return gdal.VSIStatL(gdal_path(url)) is not None


def _entry(url: str, folder: str):
    from .reader import _Entry

    return _Entry(posixpath.basename(urlsplit(url).path), folder, gdal_path(url), lambda url=url: read_remote(url))


def _siblings(url: str) -> List[str]:
    """Candidate URLs of the files of the product ``url`` belongs to (by naming convention)."""
    base, name = url.rsplit("/", 1)
    match = jaxa_l22.FILE_RE.match(name)
    if match:
        stem = f"{match.group('scene')}_{match.group('pid')}"
        names = [f"{stem}_{p}_SLP.tif" for p in _POLS] + [f"{stem}_MSK.tif", f"{stem}_LIN.tif",
                                                           f"{stem}_summary.xml"]
        return [f"{base}/{n}" for n in names]
    match = reader_own.FILE_RE.match(name)
    if match:
        stem = match.group("name")
        names = [f"{stem}_{p}.tif" for p in _POLS] + [f"{stem}_MSK.tif", f"{stem}_LIA.tif", f"{stem}_summary.xml"]
        return [f"{base}/{n}" for n in names]
    match = jaxa_l21.FILE_RE.match(name)
    if match:
        tail = f"{match.group('scene')}-{match.group('pid')}.tif"
        return [f"{base}/IMG-{p}-{tail}" for p in _POLS]
    return []


def remote_entries(path: str) -> List[object]:
    """Reader entries of the remote product at ``path`` (a STAC item URL or any product file URL)."""
    url = plain_url(path)
    if has_credentials(url):
        raise Palsar2Error(f"{redact_url(url)} is given with a user name and password: reading it in place would "
                           "write them into the layers' files and the project. Download the product first "
                           "('Download PALSAR-2 scenes' with a QGIS authentication configuration), then load its "
                           "folder.")
    folder = "remote:" + url.rsplit("/", 1)[0]
    name = posixpath.basename(urlsplit(url).path)
    if name.lower().endswith(".json"):
        try:
            item = json.loads(read_remote(url))
            assets = item["assets"]
        except (ValueError, KeyError, TypeError) as error:
            raise Palsar2Error(f"{redact_url(url)} is not a STAC item with assets ({error}).") from error
        entries = [_entry(url, folder)]
        for asset in assets.values():
            href = asset.get("href") if isinstance(asset, dict) else None
            if href:
                entries.append(_entry(urljoin(url, href), folder))
        return entries
    candidates = _siblings(url)
    if not candidates:
        return []
    found = [candidate for candidate in candidates if candidate == url or exists(candidate)]
    return [_entry(candidate, folder) for candidate in found]


def product_origin(gdal_or_url: str) -> Optional[str]:
    """The plain URL behind a /vsicurl path (None for local paths)."""
    return plain_url(gdal_or_url) if is_remote(gdal_or_url) else None
