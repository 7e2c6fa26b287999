"""Credentials that go to one host only, and only over HTTPS.

A QGIS authentication configuration is meant for one service (G-Portal, or the server the user
named as the service URL). :class:`HostBoundAuth` adds the HTTP Basic ``Authorization`` header to a
request only when the request goes over HTTPS to one of the allowed hosts, never to a host that a
footprint's file URL happens to name. Redirects to another host never carry it (``requests``
strips the header when the host, port or scheme changes, and the header is not added again).
"""

from __future__ import annotations

from typing import Iterable

from requests.auth import AuthBase, HTTPBasicAuth

from .urls import origin


class HostBoundAuth(AuthBase):
    """HTTP Basic credentials sent only to ``https://<host>[:port]`` of the allowed ``origins``.

    ``origins`` are URLs or bare host names; a bare host name allows the default HTTPS port.
    The password never appears in ``repr()``.
    """

    def __init__(self, username: str, password: str, origins: Iterable[str]):
        self._basic = HTTPBasicAuth(username, password)
        allowed = set()
        for item in origins:
            if not item:
                continue
            text = item if "://" in item else f"https://{item}"
            allowed.add(origin(text)[1:])
        self.allowed = frozenset(allowed)

    def allows(self, url: str) -> bool:
        """True if credentials would be sent with a request to ``url``."""
        scheme, host, port = origin(url)
        return scheme == "https" and (host, port) in self.allowed

    def __call__(self, request):
        if self.allows(request.url):
            return self._basic(request)
        return request

    def __repr__(self) -> str:
        hosts = ", ".join(sorted(f"{h}:{p}" if p else h for h, p in self.allowed))
        return f"HostBoundAuth(user=*, hosts=[{hosts}])"

    def __eq__(self, other) -> bool:  # requests compares auth objects when merging settings
        return isinstance(other, HostBoundAuth) and other.allowed == self.allowed and other._basic == self._basic

    def __hash__(self) -> int:
        return hash(self.allowed)

