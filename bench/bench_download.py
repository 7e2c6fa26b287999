"""Benchmark: our verified, resumable HTTP download vs curl, same loopback file, same run.

Usage (from the repository root):

    /usr/bin/python3 bench/bench_download.py [--size-mb 512] [--runs 3] [--dir /tmp] [--sftp]

A loopback HTTP server (tests/servers/http_server.py) runs in its own process and serves one
random file of ``--size-mb`` MiB. Each client downloads it ``--runs`` times into ``--dir``
(alternating, median wall time): ``curl -s -o`` (the baseline), our ``download_http`` with the
ETag (MD5) check that a bucket listing enables (MD5 computed in a second thread while receiving),
ours verified by a strong ETag without hashing (as for multipart uploads), and ours with size only
(the result then says "unverified"); a second baseline is curl followed by ``md5sum`` (the same
verification done the usual way). Ours always writes a .part with its state record (validator),
fdatasyncs it, renames it and records how it was verified; curl does none of that. Each
download is checked to be byte-identical (MD5). Throughput is MiB/s; the ratio is ours / curl
(target >= 0.8).

``--sftp`` adds an SFTP comparison on a loopback OpenSSH sshd (tests/servers/sshd.py): our
``download_sftp`` (paramiko, prefetch) vs OpenSSH's ``sftp`` client fetching the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

_SERVER = r"""
import sys, time
sys.path[:0] = [{tests!r}]
from servers.http_server import LoopbackHttpServer
with open({path!r}, "rb") as f:
    data = f.read()
server = LoopbackHttpServer(lifetime=1800).start()
server.put("bench/file.bin", data)
print(server.url_of("bench/file.bin"), server.etag_of("bench/file.bin"), flush=True)
sys.stdin.read()   # serve until the parent closes stdin
server.stop()
"""


def md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(8 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size-mb", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--sftp", action="store_true", help="also compare SFTP with OpenSSH's sftp client")
    args = parser.parse_args()
    if shutil.which("curl") is None:
        print("curl is missing: apt-get install -y curl", file=sys.stderr)
        return 2

    from palsar2_plugin.download.http_download import download_http
    from palsar2_plugin.net.session import make_session

    work = Path(tempfile.mkdtemp(prefix="bench_download_", dir=args.dir))
    source = work / "source.bin"
    block = os.urandom(1 << 20)
    with open(source, "wb") as f:
        for i in range(args.size_mb):
            f.write(hashlib.sha256(block + i.to_bytes(4, "little")).digest() * 32768)  # 1 MiB, varied
    size = source.stat().st_size
    expected_md5 = md5(source)
    server = subprocess.Popen([sys.executable, "-c", _SERVER.format(tests=str(ROOT / "tests"), path=str(source))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url, etag = server.stdout.readline().split()
        session = make_session()

        def curl(dest: Path) -> None:
            subprocess.run(["curl", "-s", "-f", "-o", str(dest), url], check=True)

        def curl_md5sum(dest: Path) -> None:
            subprocess.run(["curl", "-s", "-f", "-o", str(dest), url], check=True)
            out = subprocess.run(["md5sum", str(dest)], check=True, capture_output=True, text=True).stdout
            assert out.split()[0] == etag

        def ours_etag(dest: Path) -> None:
            download_http(url, dest, session=session, expected_size=size, etag=etag)

        def ours_strong_etag(dest: Path) -> None:
            result = download_http(url, dest, session=session, expected_size=size, etag=etag, etag_md5=False)
            assert result.verified_by == "etag"

        def ours_size(dest: Path) -> None:
            download_http(url, dest, session=session, expected_size=size, etag_md5=False)

        clients = {"curl": curl, "curl + md5sum": curl_md5sum, "ours (size + ETag/MD5 verified)": ours_etag,
                   "ours (size + strong ETag, no MD5)": ours_strong_etag, "ours (size only)": ours_size}
        times = {name: [] for name in clients}
        for run in range(args.runs):
            for name, fn in clients.items():
                dest = work / "dest.bin"
                dest.unlink(missing_ok=True)
                t0 = time.perf_counter()
                fn(dest)
                times[name].append(time.perf_counter() - t0)
                assert dest.stat().st_size == size and md5(dest) == expected_md5, f"{name}: bad download"
                dest.unlink()
        if args.sftp:
            times.update(sftp_times(source, size, expected_md5, work, args.runs))
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    mib = size / 2 ** 20
    base = statistics.median(times["curl"])
    base_md5 = statistics.median(times["curl + md5sum"])
    report = {"size_mib": mib, "runs": args.runs, "clients": {}}
    print(f"Loopback download of {mib:.0f} MiB, median of {args.runs} runs:")
    for name, values in times.items():
        med = statistics.median(values)
        report["clients"][name] = {"median_s": round(med, 3), "mib_per_s": round(mib / med, 1),
                                   "ratio_vs_curl": round(base / med, 3),
                                   "ratio_vs_curl_md5sum": round(base_md5 / med, 3)}
        print(f"  {name:34s} {med:7.3f} s  {mib / med:8.1f} MiB/s  ratio vs curl {base / med:5.2f}"
              f"  vs curl+md5sum {base_md5 / med:5.2f}")
    if args.sftp:
        sbase = statistics.median(times["OpenSSH sftp"])
        for name in ("OpenSSH sftp", "ours (SFTP, size only)"):
            med = statistics.median(times[name])
            report["clients"][name]["ratio_vs_openssh_sftp"] = round(sbase / med, 3)
            print(f"  {name:34s} ratio vs OpenSSH sftp {sbase / med:5.2f}")
    print(json.dumps(report))
    return 0


def sftp_times(source: Path, size: int, expected_md5: str, work: Path, runs: int) -> dict:
    """Median-able wall times of OpenSSH's sftp and our download_sftp for the same file."""
    from palsar2_plugin.download.sftp import SftpConnection, SftpSettings, download_sftp
    from servers.sshd import LoopbackSshd

    with LoopbackSshd(work / "sshd", lifetime=1800) as sshd:
        remote = sshd.data / "file.bin"
        shutil.copyfile(source, remote)
        times = {"OpenSSH sftp": [], "ours (SFTP, size only)": []}
        settings = SftpSettings("127.0.0.1", sshd.port, sshd.user, key_path=str(sshd.user_key),
                                known_hosts=str(work / "known_hosts"))
        for _ in range(runs):
            dest = work / "sftp_dest.bin"
            dest.unlink(missing_ok=True)
            t0 = time.perf_counter()
            subprocess.run(["sftp", "-q", "-i", str(sshd.user_key), "-P", str(sshd.port), "-o", "BatchMode=yes",
                            "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={work / 'kh_openssh'}",
                            f"{sshd.user}@127.0.0.1:{remote}", str(dest)], check=True, capture_output=True)
            times["OpenSSH sftp"].append(time.perf_counter() - t0)
            assert md5(dest) == expected_md5
            dest.unlink()
            conn = SftpConnection(settings)
            t0 = time.perf_counter()
            download_sftp(str(remote), dest, connection=conn, expected_size=size)
            times["ours (SFTP, size only)"].append(time.perf_counter() - t0)
            conn.close()
            assert md5(dest) == expected_md5
            dest.unlink()
    return times


if __name__ == "__main__":
    sys.exit(main())
