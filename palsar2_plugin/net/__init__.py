"""The network basics every client of the core shares (catalogue, download, remote reading).

- :mod:`.session`: ``requests`` sessions (user agent, proxies, timeouts, no retries at the
  adapter), user-facing sentences for network errors.
- :mod:`.urls`: URLs without secrets (for messages and for anything stored), hosts of URLs.
- :mod:`.auth`: credentials bound to one host and to HTTPS.
"""
