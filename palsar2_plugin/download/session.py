"""HTTP sessions for the catalogue and the downloads: timeouts, proxies, user agent, no secrets in text.

The QGIS glue reads the proxy settings from QgsSettings and passes them as a ``proxies`` dict
(``{"http": url, "https": url}``); credentials (from the QGIS authentication manager only) are
passed as ``auth`` and are never put in URLs, messages or logs. Environment proxies are ignored
unless ``trust_env`` is set, so that QGIS's settings are the single source of truth.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

import requests
from requests.adapters import HTTPAdapter

from ..catalog.endpoints import USER_AGENT

#: (connect, read) timeouts in seconds for every request.
DEFAULT_TIMEOUT: Tuple[float, float] = (15.0, 60.0)


def make_session(proxies: Optional[Dict[str, str]] = None, auth: Optional[Tuple[str, str]] = None,
                 user_agent: str = USER_AGENT, trust_env: bool = False, pool_size: int = 8) -> requests.Session:
    """A ``requests.Session`` with our user agent, the given proxies and optional basic auth."""
    session = requests.Session()
    session.trust_env = trust_env
    session.headers["User-Agent"] = user_agent
    if proxies:
        session.proxies.update({k: v for k, v in proxies.items() if v})
    if auth is not None:
        session.auth = auth
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


_USERINFO_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@")


def redact_url(url: str) -> str:
    """The URL without user info and without its query string (which may carry tokens)."""
    url = _USERINFO_RE.sub(r"\1", str(url))
    return url.split("?", 1)[0]


def describe_network_error(exc: BaseException, url: str) -> str:
    """A user-facing sentence for a requests/socket error, naming the host but no secrets."""
    target = redact_url(url)
    if isinstance(exc, requests.exceptions.ProxyError):
        return f"The proxy refused the connection to {target}: check the QGIS proxy settings."
    if isinstance(exc, requests.exceptions.SSLError):
        return f"The secure connection to {target} failed (certificate problem): check the system clock and proxy."
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"Timed out connecting to {target}: check the network connection and the service URL."
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"The server {target} stopped answering (read timeout): try again later."
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"Cannot connect to {target}: check the network connection and the service URL."
    return f"Network error talking to {target} ({type(exc).__name__})."
