"""URLs without secrets, and the host a URL names.

Credentials written into a URL (``https://user:password@host/...``) are used for the request
they belong to and nowhere else: :func:`strip_credentials` is applied to every URL before it is
stored (layer attributes, the scene index, state files, metadata) and :func:`redact_url`
(which also drops the query string, where signed URLs carry their tokens) to every URL shown in a
message or a log.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple
from urllib.parse import unquote, urlsplit

_USERINFO_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@]*@")


def strip_credentials(url: str) -> str:
    """``url`` without its user info (``user:password@``); everything else unchanged."""
    return _USERINFO_RE.sub(r"\1", str(url))


def redact_url(url: str) -> str:
    """The URL without user info and without its query string (which may carry tokens): for messages."""
    return strip_credentials(url).split("?", 1)[0]


def split_credentials(url: str) -> Tuple[str, Optional[Tuple[str, str]]]:
    """(``url`` without user info, (user, password) or None), percent-decoded as a browser would."""
    text = str(url)
    m = _USERINFO_RE.match(text)
    if not m:
        return text, None
    userinfo = text[len(m.group(1)):m.end() - 1]
    user, _, password = userinfo.partition(":")
    return strip_credentials(text), (unquote(user), unquote(password))


def has_credentials(url: str) -> bool:
    """True if ``url`` carries user info (``user[:password]@``)."""
    return bool(_USERINFO_RE.match(str(url)))


def origin(url: str) -> Tuple[str, str, Optional[int]]:
    """(scheme, lower-case host name, port or None for the scheme's default) of ``url``."""
    parts = urlsplit(strip_credentials(url))
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), (None if port == default else port)
