"""Batches of downloads: parallel limit, one progress with bytes/rate/ETA, full disk, scene planning."""

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from palsar2_plugin.catalog.record import RemoteFile, SceneRecord
from palsar2_plugin.download.batch import download_jobs, download_scenes
from palsar2_plugin.download.errors import DiskFullError, DownloadError
from palsar2_plugin.download.http_download import download_http
from palsar2_plugin.download.meter import TransferMeter, format_bytes
from palsar2_plugin.download.plan import TransferJob, plan_record
from palsar2_plugin.download.retry import RetryPolicy
from palsar2_plugin.net.session import make_session
from servers.fixtures import http_server  # noqa: F401
from servers.http_server import Fault

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
REPO = Path(__file__).resolve().parents[2]


def test_meter_rate_and_eta():
    now = [100.0]
    seen = []
    m = TransferMeter(4 * 1024 * 1024, progress=lambda f, msg: seen.append((f, msg)), interval=0, clock=lambda: now[0])
    now[0] = 102.0
    m.add(1024 * 1024)
    assert m.rate() == pytest.approx(512 * 1024)
    assert m.eta() == pytest.approx(6.0)
    assert seen[-1] == (0.25, "1.0 MiB of 4.0 MiB, 512.0 KiB/s, ETA 0:00:06")
    assert format_bytes(1536) == "1.5 KiB"


def test_parallel_limit_progress_and_fault_survival(http_server, tmp_path):
    blobs = {f"d/f{i}.bin": os.urandom(400_000 + i) for i in range(5)}
    for k, v in blobs.items():
        http_server.put(k, v)
        http_server.add_fault(k, Fault("slow", delay=0.02))
    http_server.add_fault("d/f1.bin", Fault("status", code=503, retry_after="0"))
    http_server.faults["d/f1.bin"].rotate(1)  # the 503 comes first
    jobs = [TransferJob("http", http_server.url_of(k), tmp_path / Path(k).name, size=len(v)) for k, v in blobs.items()]
    reports = []
    result = download_jobs(jobs, max_parallel=2, retry=FAST, progress=lambda f, m: reports.append((f, m)))
    assert http_server.peak_active_bodies == 2
    assert all((tmp_path / Path(k).name).read_bytes() == v for k, v in blobs.items())
    assert [r.size for r in result.results] == [len(v) for v in blobs.values()]
    assert reports[-1][0] == 1.0 and "of 1.9 MiB" in reports[-1][1] and "/s" in reports[-1][1]
    assert max(f for f, _ in reports) <= 1.0


def test_failures_are_collected_and_others_complete(http_server, tmp_path):
    http_server.put("ok.bin", b"x" * 1000)
    jobs = [TransferJob("http", http_server.url_of("missing.bin"), tmp_path / "missing.bin"),
            TransferJob("http", http_server.url_of("ok.bin"), tmp_path / "ok.bin", size=1000)]
    with pytest.raises(DownloadError, match=r"1 of 2 files could not be downloaded.*\nmissing.bin: .*HTTP 404"):
        download_jobs(jobs, retry=FAST)
    assert (tmp_path / "ok.bin").read_bytes() == b"x" * 1000


def _record(server, keys):
    return SceneRecord(record_id="ALOS2437590500-220630_WWDR2.2GUA", level="L2.2",
                       start_time=datetime(2022, 6, 30, tzinfo=timezone.utc),
                       files=tuple(RemoteFile(server.url_of(k), len(server.objects[k]), etag=server.etag_of(k))
                                   for k in keys))


def test_download_scenes_makes_product_folders_and_extracts_zips(http_server, tmp_path):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("VOL-ALOS2437590500-220630-WWDR1.1__A", b"vol" * 100)
        z.writestr("sub/IMG-HH-ALOS2437590500-220630-WWDR1.1__A-F1", b"img" * 1000)
    http_server.put("p/a_HH_SLP.tif", os.urandom(5000))
    http_server.put("p/product.zip", buf.getvalue())
    rec = _record(http_server, ["p/a_HH_SLP.tif", "p/product.zip"])
    folders = download_scenes([rec], tmp_path / "out", retry=FAST).folders
    assert folders == [tmp_path / "out" / "ALOS2437590500-220630_WWDR2.2GUA"]
    f = folders[0]
    assert (f / "a_HH_SLP.tif").read_bytes() == http_server.objects["p/a_HH_SLP.tif"]
    assert (f / "sub" / "IMG-HH-ALOS2437590500-220630-WWDR1.1__A-F1").read_bytes() == b"img" * 1000
    n = len(http_server.requests)
    download_scenes([rec], tmp_path / "out", retry=FAST)  # all complete: no transfer at all
    assert len(http_server.requests) == n
    with pytest.raises(DownloadError, match="No scenes"):
        download_scenes([], tmp_path)


def test_plan_uses_sftp_rule_and_safe_names(tmp_path):
    rec = SceneRecord(record_id="../evil/ALOS2", download_path="product.gportal.jaxa.jp:/products/Standard/A/x.zip",
                      size_bytes=10)
    folder, jobs = plan_record(rec, tmp_path, transport="sftp")
    assert folder == tmp_path / "evil_ALOS2"
    assert jobs[0].source == "/product/Standard/A/x.zip" and jobs[0].dest == folder / "x.zip" and jobs[0].size == 10
    with pytest.raises(DownloadError, match="not an HTTP"):
        plan_record(rec, tmp_path, transport="http")


_CHILD = r"""
import resource, signal, sys
sys.path[:0] = [{repo!r}]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))
from palsar2_plugin.download.http_download import download_http
from palsar2_plugin.download.errors import DiskFullError
from palsar2_plugin.net.session import make_session
try:
    download_http({url!r}, {dest!r}, session=make_session())
except DiskFullError as exc:
    print("DISKFULL", exc)
    sys.exit(3)
"""


def test_file_size_limit_is_a_clear_error_and_nothing_is_lost(http_server, tmp_path):
    data = os.urandom(3_000_000)
    http_server.put("big.bin", data)
    dest = tmp_path / "big.bin"
    code = _CHILD.format(repo=str(REPO), url=http_server.url_of("big.bin"), dest=str(dest))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "Not enough space to write big.bin" in proc.stdout and "is kept" in proc.stdout
    assert not dest.exists()
    kept = (tmp_path / "big.bin.part").stat().st_size
    assert 0 < kept <= 1_000_000
    res = download_http(http_server.url_of("big.bin"), dest, session=make_session(), retry=FAST)
    assert res.resumed_from == kept and dest.read_bytes() == data


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root (the RLIMIT_FSIZE test covers the same path)")
def test_full_tmpfs_is_a_clear_error(http_server, tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True)
    assert mount.returncode == 0, mount.stderr
    try:
        (mnt / "existing.bin").write_bytes(b"keep me" * 1000)
        http_server.put("big.bin", os.urandom(2_000_000))
        with pytest.raises(DiskFullError, match="No space left on device"):
            download_http(http_server.url_of("big.bin"), mnt / "big.bin", session=make_session(), retry=FAST)
        assert not (mnt / "big.bin").exists() and (mnt / "existing.bin").read_bytes() == b"keep me" * 1000
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_cancel_stops_every_transfer_and_a_rerun_resumes(http_server, tmp_path):
    from palsar2_plugin.errors import Cancelled
    blobs = {f"c/f{i}.bin": os.urandom(600_000) for i in range(3)}
    for k, v in blobs.items():
        http_server.put(k, v)
        # 0.1 s per 64 KiB: a file takes ~0.9 s, longer than the progress meter's 0.5 s throttle, so the
        # report that cancels (> 0.2 of the bytes) comes while the first two files are part-way (with 0.03 s
        # both could finish first and the third .part be empty at the cancel: a flaky failure under load)
        http_server.add_fault(k, Fault("slow", delay=0.1))
    jobs = [TransferJob("http", http_server.url_of(k), tmp_path / Path(k).name, size=len(v)) for k, v in blobs.items()]
    seen = []
    with pytest.raises(Cancelled):
        download_jobs(jobs, max_parallel=2, retry=FAST, progress=lambda f, m: seen.append(f),
                      is_cancelled=lambda: bool(seen) and seen[-1] > 0.2)
    for k, v in blobs.items():  # whatever has its final name is complete and verified
        final = tmp_path / Path(k).name
        assert not final.exists() or final.read_bytes() == v
    parts = list(tmp_path.glob("*.part"))
    assert parts and all(p.stat().st_size < 600_000 for p in parts) and any(p.stat().st_size for p in parts)
    result = download_jobs(jobs, max_parallel=2, retry=FAST)
    assert any(r.resumed_from > 0 for r in result.results)
    assert all((tmp_path / Path(k).name).read_bytes() == v for k, v in blobs.items())
