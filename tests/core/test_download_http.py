"""Resumable verified HTTP downloads against a loopback server that injects faults."""

import hashlib
import os
import threading
import time

import pytest

from palsar2_plugin.download.errors import (AuthenticationError, DownloadError, TransferError,
                                            VerificationError)
from palsar2_plugin.download.http_download import download_http
from palsar2_plugin.download.retry import RetryPolicy, parse_retry_after
from palsar2_plugin.net.session import make_session
from palsar2_plugin.net.urls import redact_url
from palsar2_plugin.errors import Cancelled
from servers.fixtures import http_server  # noqa: F401
from servers.http_server import Fault

DATA = os.urandom(3 * 1024 * 1024 + 123)
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, max_retry_after=0.3)


class SleepLog:
    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)
        time.sleep(min(seconds, 0.3))


def _get(server, dest, key="f.bin", **kw):
    kw.setdefault("retry", FAST)
    return download_http(server.url_of(key), dest, session=make_session(), **kw)


def test_plain_download_is_verified_and_renamed(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    counted = []
    res = _get(http_server, tmp_path / "f.bin", expected_size=len(DATA), on_bytes=counted.append)
    assert (tmp_path / "f.bin").read_bytes() == DATA
    assert not (tmp_path / "f.bin.part").exists()
    assert (res.size, res.skipped, res.attempts, sum(counted)) == (len(DATA), False, 1, len(DATA))
    req = http_server.requests_for("f.bin")[0]
    assert req["headers"]["User-Agent"].startswith("PALSAR2-ScanSAR-QGIS/")


def test_dropped_connection_resumes_with_range(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    # a reset may lose what was in flight (at most the 1 MiB chunk being read): 2.5 MB sent -> 2..2.5 MB kept
    http_server.add_fault("f.bin", Fault("drop", n=2_500_000), Fault("truncate", n=300_000))
    res = _get(http_server, tmp_path / "f.bin", etag=http_server.etag_of("f.bin"))
    assert (tmp_path / "f.bin").read_bytes() == DATA
    ranges = [r["headers"].get("Range") for r in http_server.requests_for("f.bin")]
    first = int(ranges[1][len("bytes="):-1])
    assert ranges[0] is None and 2_097_152 <= first <= 2_500_000
    assert ranges[2] == f"bytes={first + 300_000}-"
    assert http_server.requests_for("f.bin")[1]["headers"]["If-Range"] == f'"{http_server.etag_of("f.bin")}"'
    assert res.attempts == 3


def _interrupted(server, dest, key="f.bin", at=123456, **kw):
    """Leave ``dest``'s .part as an interrupted download leaves it (cancelled after ``at`` bytes)."""
    got = []
    server.add_fault(key, Fault("slow", delay=0.01))
    with pytest.raises(Cancelled):
        _get(server, dest, key, on_bytes=got.append, is_cancelled=lambda: sum(got) >= at, **kw)
    return (dest.parent / (dest.name + ".part")).stat().st_size


def test_existing_part_is_resumed_with_if_range(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    kept = _interrupted(http_server, tmp_path / "f.bin")
    n = len(http_server.requests_for("f.bin"))
    res = _get(http_server, tmp_path / "f.bin", expected_size=len(DATA))
    assert res.resumed_from == kept
    request = http_server.requests_for("f.bin")[n]
    assert request["headers"]["Range"] == f"bytes={kept}-"
    assert request["headers"]["If-Range"] == f'"{http_server.etag_of("f.bin")}"'
    assert (tmp_path / "f.bin").read_bytes() == DATA


def test_corrupt_part_is_caught_by_md5_and_redone(http_server, tmp_path):
    from palsar2_plugin.download.state import Validator, record_partial
    http_server.put("f.bin", DATA)
    (tmp_path / "f.bin.part").write_bytes(b"\xff" * 5000)  # garbage that a resume would keep
    record_partial(tmp_path / "f.bin", http_server.url_of("f.bin"), Validator(etag=http_server.etag_of("f.bin")))
    res = _get(http_server, tmp_path / "f.bin", expected_size=len(DATA), etag=http_server.etag_of("f.bin"))
    assert (tmp_path / "f.bin").read_bytes() == DATA
    assert res.attempts == 2  # resumed, failed the MD5 check, discarded, downloaded again


def test_server_ignoring_range_restarts_cleanly(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    (tmp_path / "f.bin.part").write_bytes(DATA[:5000])
    http_server.add_fault("f.bin", Fault("ignore_range"))
    _get(http_server, tmp_path / "f.bin")
    assert (tmp_path / "f.bin").read_bytes() == DATA


def test_503_with_retry_after_is_honoured(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    http_server.add_fault("f.bin", Fault("status", code=503, retry_after="1"), Fault("status", code=500))
    sleeps = SleepLog()
    _get(http_server, tmp_path / "f.bin", sleep=sleeps,
         retry=RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, max_retry_after=5))
    assert (tmp_path / "f.bin").read_bytes() == DATA
    assert sleeps.calls[0] == 1.0  # Retry-After wins over the 0.01 s backoff
    assert sleeps.calls[1] == pytest.approx(0.02)  # then exponential backoff


def test_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None
    assert RetryPolicy(base_delay=1, max_delay=8).delay(10) == 8


def test_persistent_errors_give_up_keeping_the_part(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    http_server.add_fault("f.bin", Fault("truncate", n=400_000), *[Fault("status", code=503)] * 5)
    with pytest.raises(TransferError, match="after 4 attempts.*f.bin.part is kept"):
        _get(http_server, tmp_path / "f.bin")
    assert not (tmp_path / "f.bin").exists()
    assert (tmp_path / "f.bin.part").read_bytes() == DATA[:400_000]
    http_server.faults.clear()
    res = _get(http_server, tmp_path / "f.bin")  # a new run resumes
    assert res.resumed_from == 400_000 and (tmp_path / "f.bin").read_bytes() == DATA


def test_overlong_body_never_becomes_a_file(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    http_server.add_fault("f.bin", *[Fault("overlong", n=10)] * 4)
    with pytest.raises(VerificationError, match="catalogue says"):
        _get(http_server, tmp_path / "f.bin", expected_size=len(DATA))
    assert not (tmp_path / "f.bin").exists() and not (tmp_path / "f.bin.part").exists()


def test_overlong_once_then_good(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    http_server.add_fault("f.bin", Fault("overlong", n=10))
    _get(http_server, tmp_path / "f.bin", expected_size=len(DATA))
    assert (tmp_path / "f.bin").read_bytes() == DATA


def test_wrong_content_is_refused_by_md5(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    bad_md5 = hashlib.md5(b"other").hexdigest()
    with pytest.raises(VerificationError, match="MD5"):
        _get(http_server, tmp_path / "f.bin", md5=bad_md5)
    assert not (tmp_path / "f.bin").exists() and not (tmp_path / "f.bin.part").exists()


def test_complete_file_is_skipped(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    (tmp_path / "f.bin").write_bytes(DATA)
    res = _get(http_server, tmp_path / "f.bin", expected_size=len(DATA), etag=http_server.etag_of("f.bin"))
    assert res.skipped and http_server.requests_for("f.bin") == []
    res2 = _get(http_server, tmp_path / "f.bin")  # nothing known: one HEAD decides
    assert res2.skipped and [r["method"] for r in http_server.requests_for("f.bin")] == ["HEAD"]


def test_complete_looking_but_wrong_file_is_replaced(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    (tmp_path / "f.bin").write_bytes(b"\0" * len(DATA))
    res = _get(http_server, tmp_path / "f.bin", expected_size=len(DATA), etag=http_server.etag_of("f.bin"))
    assert not res.skipped and (tmp_path / "f.bin").read_bytes() == DATA


def test_slow_server_and_cancel_keeps_part(http_server, tmp_path):
    http_server.put("f.bin", DATA)
    http_server.add_fault("f.bin", Fault("slow", delay=0.05))
    got = []
    with pytest.raises(Cancelled):
        _get(http_server, tmp_path / "f.bin", on_bytes=got.append, is_cancelled=lambda: sum(got) >= 200_000)
    kept = (tmp_path / "f.bin.part").stat().st_size
    assert 200_000 <= kept < len(DATA) and not (tmp_path / "f.bin").exists()
    res = _get(http_server, tmp_path / "f.bin")
    assert res.resumed_from == kept and (tmp_path / "f.bin").read_bytes() == DATA


def test_read_timeout_on_a_stalled_server_is_retried(http_server, tmp_path):
    http_server.put("f.bin", DATA[:300_000])
    http_server.add_fault("f.bin", Fault("slow", delay=0.6))
    res = _get(http_server, tmp_path / "f.bin", timeout=(2.0, 0.3))
    assert res.attempts >= 2 and (tmp_path / "f.bin").read_bytes() == DATA[:300_000]


def test_http_errors_are_clear_and_secret_free(http_server, tmp_path):
    with pytest.raises(DownloadError, match="HTTP 404"):
        _get(http_server, tmp_path / "x.bin", key="missing.bin")
    http_server.put("f.bin", DATA)
    http_server.add_fault("f.bin", Fault("status", code=403))
    session = make_session(auth=("alice", "s3cret-pw"))
    with pytest.raises(AuthenticationError) as err:
        download_http(http_server.url_of("f.bin") + "?token=abc", tmp_path / "f.bin", session=session, retry=FAST)
    assert "s3cret" not in str(err.value) and "token" not in str(err.value)
    assert redact_url("https://bob:pw@host/x?sig=1") == "https://host/x"


def test_parallel_threads_do_not_mix_files(http_server, tmp_path):
    blobs = {f"f{i}.bin": os.urandom(500_000 + i) for i in range(4)}
    for k, v in blobs.items():
        http_server.put(k, v)
        http_server.add_fault(k, Fault("drop", n=100_000 * (1 + int(k[1]))), Fault("truncate", n=50_000))
    threads = [threading.Thread(target=_get, args=(http_server, tmp_path / k, k)) for k in blobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all((tmp_path / k).read_bytes() == v for k, v in blobs.items())
