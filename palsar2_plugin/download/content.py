"""Is what arrived a product file, or a web page that a server or proxy answered with 200?

Product files are binary (CEOS records, zip, GeoTIFF, JPEG quick-looks); a sign-in page, an error
page or a JSON error answered in their place must never be kept as the product. A file whose name
says it is binary is refused when the server calls it a web page (``text/html``), when it starts
like markup (``<``, ``{`` after white space) and reads as text, or when the server calls it text and it
reads as text. A binary file may start with ``<`` or ``{`` by chance (1 in 128 of random first bytes):
it is kept, since its first kilobyte holds control bytes no page has.
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


_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}   # ESC stays: ISO-2022-JP pages


def _reads_as_text(head: bytes) -> bool:
    """True if ``head`` has no control bytes but tab, line breaks, form feed and ESC: text in any of the
    encodings pages come in (UTF-8, Shift_JIS, EUC-JP, ISO-2022-JP, Latin-1). Binary files have them:
    1 kB of random bytes holds none with a probability of about 1e-50."""
    return not _CONTROL_BYTES.intersection(head)


def page_instead_of_file(name: str, head: bytes, content_type: Optional[str] = None) -> Optional[str]:
    """Why ``head`` (the first bytes received for ``name``) is a page rather than the file, or None."""
    if not expects_binary(name):
        return None
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in _PAGE_TYPES:
        return f"a web page ({kind})"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"<", b"{") and _reads_as_text(head):
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
