"""Credentials of an authentication configuration go only to their own host, only over HTTPS, and never
follow a redirect to another host (real loopback HTTPS servers with a throw-away certificate)."""

import base64
import os

import pytest

from palsar2_plugin.download.errors import AuthenticationError
from palsar2_plugin.download.http_download import download_http
from palsar2_plugin.download.retry import RetryPolicy
from palsar2_plugin.net.auth import HostBoundAuth
from palsar2_plugin.net.session import make_session
from palsar2_plugin.net.urls import redact_url, split_credentials, strip_credentials
from servers.fixtures import http_server, https_server, tls_certificate  # noqa: F401
from servers.http_server import Fault, LoopbackHttpServer

DATA = os.urandom(200_000)
LOGIN = ("alice", "s3cret-pw")
BASIC = "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()
FAST = RetryPolicy(attempts=2, base_delay=0.01)


def _sent(server, key="f.bin"):
    return [r["headers"].get("Authorization") for r in server.requests_for(key)]


def test_which_urls_get_the_credentials():
    auth = HostBoundAuth(*LOGIN, ["https://gportal.jaxa.jp", "https://127.0.0.1:8443/mirror"])
    assert auth.allows("https://gportal.jaxa.jp/download/x.zip")
    assert auth.allows("https://GPORTAL.jaxa.jp:443/x") and auth.allows("https://127.0.0.1:8443/x")
    assert not auth.allows("http://gportal.jaxa.jp/x")  # plain HTTP: never
    assert not auth.allows("https://evil.example/x") and not auth.allows("https://127.0.0.1:9443/x")
    assert not auth.allows("https://gportal.jaxa.jp.evil.example/x")
    assert not auth.allows("https://user:pw@evil.example/x")
    assert "s3cret" not in repr(auth)


def test_url_credentials_are_split_and_stripped():
    assert split_credentials("https://bob:p%40ss@h:1/a?x=1") == ("https://h:1/a?x=1", ("bob", "p@ss"))
    assert strip_credentials("https://bob:pw@h/a?sig=1") == "https://h/a?sig=1"
    assert redact_url("https://bob:pw@h/a?sig=1") == "https://h/a"
    assert split_credentials("/product/Standard/x.zip") == ("/product/Standard/x.zip", None)


def test_sent_over_https_to_the_configured_host_only(https_server, tls_certificate, http_server, tmp_path):
    https_server.require_auth = LOGIN
    https_server.put("f.bin", DATA)
    session = make_session(auth=HostBoundAuth(*LOGIN, [https_server.base_url]))
    download_http(https_server.url_of("f.bin"), tmp_path / "a" / "f.bin", session=session, retry=FAST)
    assert (tmp_path / "a" / "f.bin").read_bytes() == DATA and _sent(https_server) == [BASIC]

    # a footprint naming another host: fetched without the credentials
    other = LoopbackHttpServer(tls=tls_certificate, url_host="localhost").start()
    try:
        other.put("f.bin", DATA)
        download_http(other.url_of("f.bin"), tmp_path / "b" / "f.bin", session=session, retry=FAST)
        assert _sent(other) == [None]
        # a redirect from the configured host to another one does not carry them either
        https_server.add_fault("f.bin", Fault("redirect", location=other.url_of("f.bin")))
        download_http(https_server.url_of("f.bin"), tmp_path / "c" / "f.bin", session=session, retry=FAST)
        assert _sent(https_server)[-1] == BASIC and _sent(other) == [None, None]
        assert (tmp_path / "c" / "f.bin").read_bytes() == DATA
    finally:
        other.stop()

    # the same host over plain HTTP: not sent, and the refusal says what to check
    http_server.require_auth = LOGIN
    http_server.put("f.bin", DATA)
    plain = make_session(auth=HostBoundAuth(*LOGIN, [http_server.base_url]))
    with pytest.raises(AuthenticationError, match="refused") as error:
        download_http(http_server.url_of("f.bin"), tmp_path / "d" / "f.bin", session=plain, retry=FAST)
    assert _sent(http_server) == [None] and "s3cret" not in str(error.value)
