"""pytest fixtures for the loopback servers. Import them into a test module:

    from servers.fixtures import http_server, https_server, sshd_server, tls_certificate  # noqa: F401
"""

from __future__ import annotations

import pytest

from servers.http_server import LoopbackHttpServer
from servers.sshd import LoopbackSshd, sshd_available


@pytest.fixture
def http_server():
    """A fresh loopback HTTP/S3/CSW server for one test."""
    with LoopbackHttpServer(lifetime=300) as server:
        yield server


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory):
    """(certificate, key) of a self-signed certificate for 127.0.0.1 and localhost."""
    from servers.tls import make_certificate
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def https_server(tls_certificate, monkeypatch):
    """A loopback HTTPS server whose certificate the plugin's sessions trust (REQUESTS_CA_BUNDLE)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_certificate[0]))
    with LoopbackHttpServer(lifetime=300, tls=tls_certificate) as server:
        yield server


@pytest.fixture(scope="module")
def sshd_server(tmp_path_factory):
    """A real key-only OpenSSH sshd on a loopback port, shared by the tests of one module."""
    if not sshd_available():
        pytest.fail("openssh-server is not installed (apt-get install -y openssh-server)")
    with LoopbackSshd(tmp_path_factory.mktemp("sshd"), lifetime=600) as server:
        yield server
