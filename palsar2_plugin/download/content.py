"""Is what arrived a product file, or a web page that a server or proxy answered with 200?

Product files are binary (CEOS records, zip, GeoTIFF, JPEG quick-looks); a sign-in page, an error
page or a JSON error answered in their place must never be kept as the product. A file whose name
says it is binary is refused when the server calls it a web page (``text/html``), when it starts
like markup (``<``, ``{`` after white space), or when the server calls it text and it reads as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from .errors import NotAFileError

_BINARY_NAME = re.compile(
    r"^(?:IMG|LED|VOL|TRL|BRS|NUL)-|\.(?:zip|tif|tiff|jpg|jpeg|png|gz|tgz|tar|bz2|xz|7z|h5|he5|nc|img|bin|dat)$",
    re.IGNORECASE)
_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_HEAD = 1024


def expects_binary(name: str) -> bool:
    """True for names of binary product files (CEOS files, archives, rasters, images)."""
    return bool(_BINARY_NAME.search(name))


def _reads_as_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\t\r\n" for c in text)


def page_instead_of_file(name: str, head: bytes, content_type: Optional[str] = None) -> Optional[str]:
    """Why ``head`` (the first bytes received for ``name``) is a page rather than the file, or None."""
    if not expects_binary(name):
        return None
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in _PAGE_TYPES:
        return f"a web page ({kind})"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"<", b"{"):
        return "a text document (" + ("markup" if start == b"<" else "JSON") + ")"
    if kind.startswith("text/") and head and _reads_as_text(head):
        return f"a text page ({kind})"
    return None


def check_is_a_file(path: Path, name: str, shown_source: str, content_type: Optional[str] = None) -> None:
    """Raise :class:`NotAFileError` if the file at ``path`` (downloaded as ``name``) is a page."""
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    reason = page_instead_of_file(name, head, content_type)
    if reason:
        raise NotAFileError(f"{shown_source} answered {reason} instead of the product file {name}: the server may "
                            "want you to sign in, or the service URL is wrong. Nothing was kept.")
