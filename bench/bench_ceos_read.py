"""Benchmark: multilooked, calibrated intensity throughput vs a plain sequential read of the same file.

Usage (from the repository root):

    /usr/bin/python3 bench/bench_ceos_read.py [--size-gb 2.1] [--pixels 8000] [--looks-az 4]
                                              [--looks-rg 2] [--repeat 3] [--dir /tmp] [--keep]
    /usr/bin/python3 bench/bench_ceos_read.py --file /tmp/bench_ceos_xxx/IMG-HH-...   # reuse a kept file
    /usr/bin/python3 bench/bench_ceos_read.py --stages    # also: how far each step of ours gets (1 core)
    /usr/bin/python3 bench/bench_ceos_read.py --paths numba   # only the compiled path (default: numpy and numba)

It writes one synthetic L1.1 beam file of at least ``--size-gb`` GB with the project's CEOS writer
(speckle blocks repeated, so writing is fast), reads it once to warm the page cache, then, for
``--repeat`` rounds, measures each of these in a fresh process pinned to 1 or 2 CPUs (so its peak
RSS is that of the measurement alone), the plain read always right before ours:

- ``plain``: the baseline. A plain sequential ``readinto`` of the whole file (prefixes included)
  into one reused 16 MB buffer; with 2 cores, 2 threads each reading one half of the file.
- ``ours``: the plugin's streaming path as the algorithms use it:
  ``iter_multilooked_intensity(image, looks_az, looks_rg, workers=cores)`` (memory-mapped line
  blocks, byte swap, |z|^2, multilook) followed by ``radiometry.calibrate(..., "sigma0")`` (linear).
  Measured for each of ``--paths``: ``numpy`` (the fallback, forced by PALSAR2_NO_NUMBA=1 in the
  child) and ``numba`` (the compiled kernel of ``palsar2_plugin.ceos.multilook``, when numba imports;
  compiled on a tiny block before the clock starts, the compile time is printed apart).

Throughput is file bytes / wall seconds (MB/s, 1 MB = 2**20 B). The ratio (target >= 0.7) is
ours / plain of the same round, the median over rounds is printed. Because other processes share
the CPUs, the same ratio is also given on CPU time (bytes / CPU seconds of the measuring process,
user + system, all threads), which time slicing by other processes does not change, and the share
of its cores each measurement actually got (CPU seconds / (wall seconds x cores); well below 1
means other processes took the CPUs). Peak RSS is the measuring process's VmHWM (target < 1 GB).
The load average before and after is printed.
The file is deleted at the end unless ``--keep`` (or ``--file``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]   # tests/synthetic: the small product descriptions

import numpy as np  # noqa: E402
from process_stats import peak_rss_mb  # noqa: E402

CHUNK = 16 * 2**20
STAGES = ("swap8", "swap4", "multilook")


def _pin(cores: int) -> None:
    try:
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, available[:cores])
    except (AttributeError, OSError):
        pass


def _measure_plain(path: str, threads: int) -> dict:
    """Plain sequential read: ``readinto`` one reused 16 MB buffer per thread; thread k reads the
    k-th contiguous part of the file."""
    size = os.path.getsize(path)
    parts = [(k * size // threads, (k + 1) * size // threads) for k in range(threads)]

    def work(lo, hi):
        view = memoryview(bytearray(CHUNK))
        with open(path, "rb", buffering=0) as f:
            f.seek(lo)
            left = hi - lo
            while left > 0:
                n = f.readinto(view[:min(CHUNK, left)])
                if not n:
                    break
                left -= n

    return _timed(lambda: _run_threads(work, parts), size)


def _measure_ours(path: str, threads: int, looks_az: int, looks_rg: int) -> dict:
    from palsar2_plugin import radiometry
    from palsar2_plugin import compiled
    from palsar2_plugin.ceos import open_product
    from palsar2_plugin.ceos.image import iter_multilooked_intensity, multilook_intensity

    t0 = time.perf_counter()
    if compiled.enabled():           # compile for the layout of mapped records (rows strided) before timing
        multilook_intensity(np.zeros((looks_az, 16), ">c8")[:, :8], looks_az, looks_rg)
    compile_seconds = time.perf_counter() - t0
    scene = open_product(path)
    im = scene.images[0]
    totals = []

    def work():
        total = 0.0
        for _, block in iter_multilooked_intensity(im, looks_az, looks_rg, workers=threads):
            sigma0 = radiometry.calibrate(block, scene.calibration_factor_db, scene.level, "sigma0")
            total += float(sigma0[::97, ::89].sum(dtype=np.float64))    # a cheap check of the values
        totals.append(total)

    out = _timed(work, os.path.getsize(path))
    out["checksum"] = totals[0]
    out["compiled"] = compiled.enabled()
    out["compile_seconds"] = compile_seconds
    return out


def _measure_stage(path: str, stage: str, looks_az: int, looks_rg: int) -> dict:
    """One core, the mapped blocks of ``iter_multilooked_intensity`` taken only so far:
    ``swap8``: byte swap of the samples as 8-byte words into an L2-sized scratch (the first step
    of ours, and the least any numpy pipeline needing native floats does);
    ``swap4``: the same as float32 values (numpy's own '>f4' -> float32 conversion, the old way);
    ``multilook``: ``multilook_intensity`` of each block, without calibration (numpy or numba path,
    as the environment chooses; the kernel is compiled before the clock starts)."""
    from palsar2_plugin import compiled
    from palsar2_plugin.ceos import open_product
    from palsar2_plugin.ceos.image import ImageReader, multilook_intensity

    if compiled.enabled() and stage == "multilook":
        multilook_intensity(np.zeros((looks_az, 16), ">c8")[:, :8], looks_az, looks_rg)
    im = open_product(path).images[0]

    def work():
        with ImageReader(im) as reader:
            n = reader.block_lines(looks_az)
            usable = (im.lines // looks_az) * looks_az
            step = max(1, 2**19 // (8 * im.pixels))
            scratch = np.empty((step, im.pixels), np.uint64)
            for start in range(0, usable, n):
                samples = reader.samples(start, min(usable, start + n))
                if stage == "multilook":
                    multilook_intensity(samples, looks_az, looks_rg)
                    continue
                words = samples.view(">u8") if stage == "swap8" else samples.view(">f4")
                target = scratch if stage == "swap8" else scratch.view(np.float32)
                for i in range(0, samples.shape[0], step):
                    part = words[i:i + step]
                    np.copyto(target[:part.shape[0]], part, casting="unsafe")

    return _timed(work, os.path.getsize(path))


def _timed(fn, size: int) -> dict:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    fn()
    return {"seconds": time.perf_counter() - wall0, "cpu_seconds": time.process_time() - cpu0, "bytes": size}


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
    if kind == "plain":
        out = _measure_plain(path, threads)
    elif kind in STAGES:
        out = _measure_stage(path, kind, int(argv[3]), int(argv[4]))
    else:
        out = _measure_ours(path, threads, int(argv[3]), int(argv[4]))
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))




def _spawn(*args, path_kind: str = "numba") -> dict:
    env = dict(os.environ)
    if path_kind == "numpy":
        env["PALSAR2_NO_NUMBA"] = "1"
    else:
        env.pop("PALSAR2_NO_NUMBA", None)
    res = subprocess.run([sys.executable, __file__, "--child", *map(str, args)], capture_output=True, text=True,
                         check=True, env=env)
    return json.loads(res.stdout.strip().splitlines()[-1])


def write_big_beam(folder: Path, size_gb: float, pixels: int) -> Path:
    from synthetic.ceos_products import example_description, random_blocks
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


def _mbs(m: dict, key: str = "seconds") -> float:
    return m["bytes"] / 2**20 / m[key]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-gb", type=float, default=2.1)
    ap.add_argument("--pixels", type=int, default=8000)
    ap.add_argument("--looks-az", type=int, default=4)
    ap.add_argument("--looks-rg", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="rounds of (plain, ours) per core count")
    ap.add_argument("--dir", default=tempfile.gettempdir())
    ap.add_argument("--file", help="measure this existing IMG file (of a complete product) instead of writing one")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--stages", action="store_true",
                    help="also time, on 1 core, how far each step of ours gets against the plain read: the byte swap "
                         "alone (8-byte words as ours, 4-byte floats as numpy's own conversion), multilook without "
                         "calibration")
    ap.add_argument("--paths", default="numpy,numba",
                    help="comma-separated multilook paths to measure: numpy (fallback), numba (compiled kernel)")
    args = ap.parse_args()
    paths = [p for p in args.paths.split(",") if p]
    if any(p not in ("numpy", "numba") for p in paths):
        ap.error("--paths takes numpy and/or numba")

    folder = None
    try:
        if args.file:
            img = Path(args.file)
        else:
            folder = Path(tempfile.mkdtemp(prefix="bench_ceos_", dir=args.dir))
            t0 = time.perf_counter()
            img = write_big_beam(folder, args.size_gb, args.pixels)
            print(f"wrote {img}: {img.stat().st_size / 1e9:.2f} GB in {time.perf_counter() - t0:.1f} s")
        size = img.stat().st_size
        load_before = os.getloadavg()
        _spawn("plain", img, 1)  # warm the page cache
        rows, checksums, compile_times = [], set(), []
        for path_kind, cores in [(k, c) for c in (1, 2) for k in paths]:
            rounds = []
            for _ in range(args.repeat):
                plain = _spawn("plain", img, cores)
                ours = _spawn("ours", img, cores, args.looks_az, args.looks_rg, path_kind=path_kind)
                if path_kind == "numba" and not ours["compiled"]:
                    print("numba does not import here: the numba rows measure the numpy fallback")
                    path_kind = "numpy*"
                if ours["compiled"]:
                    compile_times.append(ours["compile_seconds"])
                checksums.add(ours["checksum"])
                rounds.append((plain, ours))
            med = statistics.median
            rows.append((path_kind, cores,
                         med(_mbs(p) for p, _ in rounds), med(_mbs(o) for _, o in rounds),
                         med(_mbs(o) / _mbs(p) for p, o in rounds),
                         [_mbs(o) / _mbs(p) for p, o in rounds],
                         med(_mbs(o, "cpu_seconds") / _mbs(p, "cpu_seconds") for p, o in rounds),
                         max(o["peak_rss_mb"] for _, o in rounds), max(p["peak_rss_mb"] for p, _ in rounds),
                         med(p["cpu_seconds"] / p["seconds"] / cores for p, _ in rounds),
                         med(o["cpu_seconds"] / o["seconds"] / cores for _, o in rounds)))
        stage_rows = []
        stage_specs = [(stage, "numpy") for stage in STAGES] + [("multilook", k) for k in paths if k != "numpy"]
        for stage, path_kind in stage_specs if args.stages else ():
            ratios = []
            for _ in range(args.repeat):
                plain = _spawn("plain", img, 1)
                part = _spawn(stage, img, 1, args.looks_az, args.looks_rg, path_kind=path_kind)
                ratios.append((_mbs(part) / _mbs(plain), _mbs(part, "cpu_seconds") / _mbs(plain, "cpu_seconds")))
            label = f"{stage}({path_kind})" if stage == "multilook" else stage
            stage_rows.append((label, statistics.median(r for r, _ in ratios), statistics.median(c for _, c in ratios)))
        load_after = os.getloadavg()
        print(f"file {size / 2**20:.0f} MB ({img.name}), looks {args.looks_az} az x {args.looks_rg} rg, "
              f"sigma0 linear float32, warm cache, {args.repeat} rounds, medians")
        print("plain = readinto one reused 16 MB buffer (2 cores: 2 threads, one half each); "
              "ours = iter_multilooked_intensity(workers=cores) + radiometry.calibrate")
        print("path   cores  plain MB/s  ours MB/s  ratio (rounds)              ratio on CPU time  "
              "peak RSS ours (plain) MB  CPU share plain / ours")
        for path_kind, cores, plain, ours, ratio, each, cpu_ratio, rss, rss_plain, share_plain, share_ours in rows:
            rounds = " ".join(f"{r:.2f}" for r in each)
            print(f"{path_kind:6s} {cores:5d}  {plain:10.0f}  {ours:9.0f}  {ratio:5.2f} ({rounds:18s})  "
                  f"{cpu_ratio:17.2f}  "
                  f"{rss:8.0f} ({rss_plain:.0f}){'':13s}  {share_plain:.2f} / {share_ours:.2f}")
        if compile_times:
            print(f"numba compile time (per process, before timing; median): {statistics.median(compile_times):.2f} s")
        for stage, ratio, cpu_ratio in stage_rows:
            print(f"stage {stage:16s} (1 core): ratio to plain {ratio:.2f}, on CPU time {cpu_ratio:.2f}")
        print(f"load average (1, 5, 15 min) before {' '.join(f'{x:.2f}' for x in load_before)}, "
              f"after {' '.join(f'{x:.2f}' for x in load_after)}, on {os.cpu_count()} CPUs")
        if len(checksums) != 1:
            print(f"WARNING: results differ between runs: {sorted(checksums)}")
    finally:
        if folder is not None:
            if args.keep:
                print(f"kept {folder}")
            else:
                for p in folder.iterdir():
                    p.unlink()
                folder.rmdir()


if __name__ == "__main__":
    main()
