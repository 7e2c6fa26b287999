"""Benchmark: multilooked, calibrated intensity throughput vs a plain sequential read of the same file.

Usage (from the repository root):

    /usr/bin/python3 bench/bench_ceos_read.py [--size-gb 2.1] [--pixels 8000] [--looks-az 4]
                                              [--looks-rg 2] [--dir /tmp] [--keep]

It writes one synthetic L1.1 beam file of at least ``--size-gb`` GB with the project's CEOS writer
(speckle blocks repeated, so writing is fast), reads it once to warm the page cache, then measures,
each in a fresh process pinned to 1 or 2 CPUs (so peak RSS is that of the measurement alone):

- ``read``: plain sequential ``readinto`` of the whole file into one reused 16 MB buffer (the
  strict baseline), and ``read`` of 32 MB blocks into new buffers (a reader that materialises
  blocks), 1 and 2 threads;
- ``sigma0``: our pipeline, ``ImageReader`` blocks -> ``multilook_intensity`` -> ``radiometry.calibrate``
  (sigma0, linear), 1 thread, and 2 threads each taking alternate line blocks.

Throughput is file bytes / wall seconds (MB/s, 1 MB = 2**20 B); the ratio is ours / plain read with
the same number of threads, against both baselines (target >= 0.7); peak RSS is the measuring
process's VmHWM (target < 1 GB). Figures depend on the machine's load: run it on a quiet machine.
The file is deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

CHUNK = 16 * 2**20


def _pin(cores: int) -> None:
    try:
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, available[:cores])
    except (AttributeError, OSError):
        pass


def _measure_read(path: str, threads: int, fresh_buffers: bool = False) -> dict:
    """Plain sequential read: ``readinto`` one reused 16 MB buffer (or, with ``fresh_buffers``,
    ``read`` 32 MB into a new bytes object each time, as a reader materialising blocks would)."""
    size = os.path.getsize(path)
    parts = [(k * size // threads, (k + 1) * size // threads) for k in range(threads)]

    def work(lo, hi):
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        with open(path, "rb", buffering=0) as f:
            f.seek(lo)
            left = hi - lo
            while fresh_buffers and left > 0:
                n = len(f.read(min(2 * CHUNK, left)))
                if not n:
                    break
                left -= n
            while left > 0:
                n = f.readinto(view[:min(CHUNK, left)])
                if not n:
                    break
                left -= n

    t0 = time.perf_counter()
    _run_threads(work, parts)
    return {"seconds": time.perf_counter() - t0, "bytes": size}


def _measure_sigma0(path: str, threads: int, looks_az: int, looks_rg: int) -> dict:
    from palsar2_plugin import radiometry
    from palsar2_plugin.ceos import open_product
    from palsar2_plugin.ceos.image import ImageReader, multilook_intensity

    scene = open_product(path)
    im = scene.images[0]
    size = os.path.getsize(path)
    checksum = [0.0] * threads

    def work(k, _unused):
        with ImageReader(im) as reader:
            n = reader.block_lines(looks_az, 32 * 2**20)
            usable = (im.lines // looks_az) * looks_az
            for i, start in enumerate(range(0, usable, n)):
                if i % threads != k:
                    continue
                block = multilook_intensity(reader.samples(start, min(usable, start + n)), looks_az, looks_rg)
                sigma0 = radiometry.calibrate(block, scene.calibration_factor_db, scene.level, "sigma0")
                checksum[k] += float(sigma0[0, 0])

    t0 = time.perf_counter()
    _run_threads(work, [(k, None) for k in range(threads)])
    return {"seconds": time.perf_counter() - t0, "bytes": size, "checksum": sum(checksum)}


def _run_threads(fn, args):
    if len(args) == 1:
        fn(*args[0])
        return
    errors = []

    def wrap(a):
        try:
            fn(*a)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
    ts = [threading.Thread(target=wrap, args=(a,)) for a in args]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]


def _child(argv) -> None:
    kind, path, threads = argv[0], argv[1], int(argv[2])
    _pin(threads)
    if kind in ("read", "read_fresh"):
        out = _measure_read(path, threads, fresh_buffers=kind == "read_fresh")
    else:
        out = _measure_sigma0(path, threads, int(argv[3]), int(argv[4]))
    out["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(out))


def _peak_rss_mb() -> float:
    """Peak resident memory of this process (MB). VmHWM restarts at exec; getrusage's ru_maxrss
    would also count the parent's memory inherited through fork, so it is only the fallback."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _spawn(*args) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", *map(str, args)], capture_output=True, text=True,
                         check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def write_big_beam(folder: Path, size_gb: float, pixels: int) -> Path:
    from palsar2_plugin.ceos.synthetic import example_description, random_blocks
    from palsar2_plugin.ceos.writer import write_product

    reclen = 544 + 8 * pixels
    lines = int(np.ceil(size_gb * 1e9 / reclen))
    desc = example_description("FBS", lines=lines, pixels=pixels)
    block = next(random_blocks(512, pixels, seed=1, block_lines=512))

    def blocks(beam, pol):
        for start in range(0, lines, 512):
            yield block[:min(512, lines - start)]
    written = write_product(folder, desc, blocks)
    return next(p for p in written.files if p.name.startswith("IMG-"))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-gb", type=float, default=2.1)
    ap.add_argument("--pixels", type=int, default=8000)
    ap.add_argument("--looks-az", type=int, default=4)
    ap.add_argument("--looks-rg", type=int, default=2)
    ap.add_argument("--dir", default=tempfile.gettempdir())
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench_ceos_", dir=args.dir))
    try:
        t0 = time.perf_counter()
        img = write_big_beam(folder, args.size_gb, args.pixels)
        size = img.stat().st_size
        print(f"wrote {img.name}: {size / 1e9:.2f} GB in {time.perf_counter() - t0:.1f} s "
              f"({size / 2**20 / (time.perf_counter() - t0):.0f} MB/s)")
        _spawn("read", img, 1)  # warm the page cache
        rows = []
        for threads in (1, 2):
            plain = _spawn("read", img, threads)
            fresh = _spawn("read_fresh", img, threads)
            ours = _spawn("sigma0", img, threads, args.looks_az, args.looks_rg)
            mbs_plain = plain["bytes"] / 2**20 / plain["seconds"]
            mbs_fresh = fresh["bytes"] / 2**20 / fresh["seconds"]
            mbs_ours = ours["bytes"] / 2**20 / ours["seconds"]
            rows.append((threads, mbs_plain, mbs_fresh, mbs_ours, mbs_ours / mbs_plain, mbs_ours / mbs_fresh,
                         plain["peak_rss_mb"], ours["peak_rss_mb"]))
        print(f"looks {args.looks_az} az x {args.looks_rg} rg, sigma0 linear float32, warm cache, "
              f"file {size / 2**20:.0f} MB")
        print("cores  read(reused buf) MB/s  read(new 32MB bufs) MB/s  sigma0 MB/s  ratio/reused  ratio/new"
              "  peak RSS read/sigma0 (MB)")
        for threads, a, f, b, r, rf, rss_a, rss_b in rows:
            print(f"{threads:5d}  {a:23.0f}  {f:24.0f}  {b:11.0f}  {r:12.2f}  {rf:9.2f}  {rss_a:8.0f} / {rss_b:.0f}")
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            for p in folder.iterdir():
                p.unlink()
            folder.rmdir()


if __name__ == "__main__":
    main()
