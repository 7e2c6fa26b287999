"""HTTP sessions for the catalogue, the downloads and remote reading: timeouts, proxies, user agent.

The QGIS glue reads the proxy settings from QgsSettings and passes them as a ``proxies`` dict
(``{"http": url, "https": url}``); credentials (from the QGIS authentication manager only) are
passed as ``auth`` (a :class:`~.auth.HostBoundAuth`, so they reach only their own host) and are
never put in URLs, messages or logs. Environment proxies and netrc files are ignored unless
``trust_env`` is set, so that QGIS's settings are the single source of truth; a certificate bundle
named by ``REQUESTS_CA_BUNDLE`` (or ``CURL_CA_BUNDLE``) is honoured, for networks whose proxy
inspects TLS.
"""

from __future__ import annotations

import os
from typing import Dict, Optional, Tuple

import requests
from requests.adapters import HTTPAdapter

from .urls import redact_url

#: User agent of every request the plugin makes.
USER_AGENT = "PALSAR2-ScanSAR-QGIS/0.1"

#: (connect, read) timeouts in seconds for every request.
DEFAULT_TIMEOUT: Tuple[float, float] = (15.0, 60.0)


def make_session(proxies: Optional[Dict[str, str]] = None, auth=None, user_agent: str = USER_AGENT,
                 trust_env: bool = False, pool_size: int = 8) -> requests.Session:
    """A ``requests.Session`` with our user agent, the given proxies and optional credentials (``auth``)."""
    session = requests.Session()
    session.trust_env = trust_env
    session.headers["User-Agent"] = user_agent
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    if proxies:
        session.proxies.update({k: v for k, v in proxies.items() if v})
    if auth is not None:
        session.auth = auth
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


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
