"""Issue 14, downloads: "verified" means a validator matched; a web page is never a product file; a
``.part`` is resumed only when it provably holds the start of the same object; an existing file is
skipped only when it is provably the same object (HTTP against a loopback server, SFTP against a
real key-only sshd)."""

import hashlib
import os

import pytest

from palsar2_plugin.download.errors import NotAFileError
from palsar2_plugin.download.http_download import download_http
from palsar2_plugin.download.retry import RetryPolicy
from palsar2_plugin.download.sftp import SftpConnection, SftpSettings, download_sftp
from palsar2_plugin.download.state import state_path
from palsar2_plugin.errors import Cancelled
from palsar2_plugin.net.session import make_session
from servers.fixtures import http_server, sshd_server  # noqa: F401
from servers.http_server import Fault

DATA = os.urandom(1_500_000 + 17)
V2 = bytes(reversed(DATA))  # another version of the object, of the same size
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
NAME = "IMG-HH-ALOS2471852900-230217-WBSR1.1__D-F1"


def _get(server, dest, key=NAME, **kw):
    kw.setdefault("retry", FAST)
    return download_http(server.url_of(key), dest, session=make_session(), **kw)


def _interrupt(server, dest, key=NAME, at=300_000, **kw):
    got = []
    server.add_fault(key, Fault("slow", delay=0.01))
    with pytest.raises(Cancelled):
        _get(server, dest, key, on_bytes=got.append, is_cancelled=lambda: sum(got) >= at, **kw)
    return dest.with_name(dest.name + ".part").stat().st_size


def _requests(server, key=NAME):
    return [(r["method"], r["headers"].get("Range"), r["headers"].get("If-Range")) for r in server.requests_for(key)]


@pytest.mark.parametrize("mode, verified_by", [("md5", "md5"), ("opaque", "etag"), ("weak", ""), ("none", "")])
def test_verified_means_a_validator_matched(http_server, tmp_path, mode, verified_by):
    """MD5 (S3 single-part ETag) or a strong ETag verify; a weak ETag or none leave the file unverified."""
    http_server.etag_mode = mode
    http_server.put(NAME, DATA)
    res = _get(http_server, tmp_path / NAME, expected_size=len(DATA))
    assert (tmp_path / NAME).read_bytes() == DATA
    assert res.verified_by == verified_by and res.verified == bool(verified_by)
    # the catalogue's MD5 verifies whatever the server says
    res = _get(http_server, tmp_path / "again" / NAME, md5=hashlib.md5(DATA).hexdigest())
    assert res.verified_by == "md5"


@pytest.mark.parametrize("fault", [
    Fault("page"),  # an HTML sign-in page, text/html
    Fault("page", ctype="application/octet-stream"),  # the same page called binary
    Fault("page", ctype="text/plain", body=b"Service temporarily unavailable. Please try again later.\n"),
], ids=["html", "html-called-binary", "plain-text"])
def test_a_page_answered_for_a_product_file_is_an_error_and_never_kept(http_server, tmp_path, fault):
    http_server.put(NAME, DATA)
    http_server.add_fault(NAME, fault)
    with pytest.raises(NotAFileError, match="instead of the product file .*Nothing was kept"):
        _get(http_server, tmp_path / NAME)
    assert list(tmp_path.iterdir()) == []  # no file, no .part, no state
    res = _get(http_server, tmp_path / NAME)  # the next run is not blocked by anything
    assert (tmp_path / NAME).read_bytes() == DATA and not res.skipped


def test_text_files_may_be_text(http_server, tmp_path):
    http_server.put("summary.txt", b'Scs_SceneID="ALOS2471852900-230217"\n')
    http_server.put("x_summary.xml", b"<?xml version='1.0'?><Product/>")
    assert _get(http_server, tmp_path / "summary.txt", key="summary.txt").verified_by == "md5"
    assert _get(http_server, tmp_path / "x_summary.xml", key="x_summary.xml").verified_by == "md5"


@pytest.mark.parametrize("mode", ["opaque", "none"])
def test_a_stale_part_is_started_again(http_server, tmp_path, mode):
    """A .part of an older version (the object was replaced by another of the same size) is not continued:
    the resume asks If-Range with the recorded ETag (or Last-Modified), the server answers the whole new
    version. No MD5 is available here to catch a mix afterwards."""
    http_server.etag_mode = mode
    http_server.put(NAME, DATA, modified="Mon, 01 Jan 2024 00:00:00 GMT")
    kept = _interrupt(http_server, tmp_path / NAME)
    http_server.put(NAME, V2, modified="Tue, 02 Jan 2024 00:00:00 GMT")
    n = len(http_server.requests_for(NAME))
    res = _get(http_server, tmp_path / NAME, expected_size=len(DATA))
    assert (tmp_path / NAME).read_bytes() == V2
    old_validator = f'"{hashlib.md5(DATA).hexdigest()[:20]}-2"' if mode == "opaque" else "Mon, 01 Jan 2024 00:00:00 GMT"
    assert _requests(http_server)[n] == ("GET", f"bytes={kept}-", old_validator)
    assert res.size == len(V2)


def test_a_part_without_a_recorded_validator_is_started_again(http_server, tmp_path):
    http_server.etag_mode = "opaque"
    http_server.put(NAME, V2)
    (tmp_path / (NAME + ".part")).write_bytes(DATA[:200_000])  # left by something else: cannot be proven
    res = _get(http_server, tmp_path / NAME, expected_size=len(DATA))
    assert (tmp_path / NAME).read_bytes() == V2 and res.resumed_from == 0
    assert _requests(http_server) == [("GET", None, None)]


def test_a_same_size_file_is_skipped_only_when_proven(http_server, tmp_path):
    http_server.etag_mode = "opaque"  # strong, not an MD5: the content cannot be hashed against it
    http_server.put(NAME, DATA)
    dest = tmp_path / NAME
    dest.write_bytes(V2)  # right size, wrong bytes, nothing recorded
    res = _get(http_server, dest, expected_size=len(DATA), etag=http_server.etag_of(NAME))
    assert not res.skipped and dest.read_bytes() == DATA and res.verified_by == "etag"
    n = len(http_server.requests_for(NAME))
    again = _get(http_server, dest, expected_size=len(DATA), etag=http_server.etag_of(NAME))
    assert again.skipped and again.verified_by == "etag" and len(http_server.requests_for(NAME)) == n
    nothing_known = _get(http_server, dest)  # one HEAD compares the recorded ETag with the server's
    assert nothing_known.skipped and [m for m, _, _ in _requests(http_server)[n:]] == ["HEAD"]
    dest.write_bytes(V2)  # the local file was changed since it was verified
    os.utime(dest, ns=(1_000_000_000, 1_000_000_000))
    changed = _get(http_server, dest, expected_size=len(DATA), etag=http_server.etag_of(NAME))
    assert not changed.skipped and dest.read_bytes() == DATA
    http_server.etag_mode = "none"  # a server without validators: nothing can prove an existing file
    dest.write_bytes(V2)
    assert not _get(http_server, dest).skipped and dest.read_bytes() == DATA


def test_state_files_hold_no_secrets(http_server, tmp_path):
    http_server.put(NAME, DATA)
    url = http_server.url_of(NAME).replace("http://", "http://alice:s3cret-pw@") + "?token=t0ken"
    download_http(url, tmp_path / NAME, session=make_session(), retry=FAST)
    text = state_path(tmp_path / NAME).read_text()
    assert "s3cret" not in text and "alice" not in text and "t0ken" not in text and "127.0.0.1" in text


# --------------------------------------------------------------------------- SFTP
def _sftp(sshd, **kw):
    return SftpConnection(SftpSettings(host="127.0.0.1", port=sshd.port, username=sshd.user,
                                       key_path=str(sshd.user_key), known_hosts=str(sshd.root / "kh_verified"),
                                       timeout=10, **kw))


def test_sftp_without_a_checksum_is_unverified_and_a_stale_part_restarts(sshd_server, tmp_path):
    remote = sshd_server.data / NAME
    remote.write_bytes(DATA)
    os.utime(remote, (1_700_000_000, 1_700_000_000))
    conn = _sftp(sshd_server)
    dest = tmp_path / NAME
    try:
        got = []
        with pytest.raises(Cancelled):
            download_sftp(str(remote), dest, connection=conn, chunk_size=64 * 1024, on_bytes=got.append,
                          is_cancelled=lambda: sum(got) >= 300_000, retry=FAST)
        remote.write_bytes(V2)  # replaced by another version of the same size
        os.utime(remote, (1_700_000_100, 1_700_000_100))
        res = download_sftp(str(remote), dest, connection=conn, retry=FAST)
        assert dest.read_bytes() == V2 and res.resumed_from == 0 and res.verified_by == ""
        assert download_sftp(str(remote), dest, connection=conn, retry=FAST).skipped  # same size and time
        dest.write_bytes(DATA)  # same size, other bytes, changed locally
        os.utime(dest, (1, 1))
        res = download_sftp(str(remote), dest, connection=conn, retry=FAST)
        assert not res.skipped and dest.read_bytes() == V2
        md5 = download_sftp(str(remote), tmp_path / "b" / NAME, connection=conn, retry=FAST,
                            md5=hashlib.md5(V2).hexdigest())
        assert md5.verified_by == "md5"
    finally:
        conn.close()


def test_sftp_text_where_a_product_is_due_is_an_error(sshd_server, tmp_path):
    remote = sshd_server.data / "product.zip"
    remote.write_bytes(b"<html><body>This file has been moved.</body></html>")
    conn = _sftp(sshd_server)
    try:
        with pytest.raises(NotAFileError):
            download_sftp(str(remote), tmp_path / "product.zip", connection=conn, retry=FAST)
    finally:
        conn.close()
    assert list(tmp_path.iterdir()) == []
