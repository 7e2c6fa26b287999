"""Benchmark: a full-size stripmap pair to a geocoded interferogram and coherence, against a plain read of
both SLC files in the same run.

Usage (from the repository root):

    /usr/bin/python3 bench/bench_insar.py [--lines 32971] [--pixels 25600] [--pixel-size 25]
                                          [--workers 2] [--dir /tmp] [--keep] [--reuse DIR] [--numpy]

It writes two L1.1 products of one U2 (UBS, 3 m) frame, 14 days apart on the same orbit track, at the
size of JAXA's U2 sample (IMG-HH-ALOS2403684200-200620-UBSL1.1__D: 25600 pixels x 32971 lines, 6.8 GB
per image; speckle blocks repeated, so writing is fast and the two images are coherent), and a smooth
synthetic DEM (hills up to 800 m) covering them. Then, each in a fresh process (its peak RSS is that of
the measurement alone), the plain read right before ours:

- ``plain``: the baseline: both IMG files read sequentially (``readinto`` a reused 16 MB buffer), one
  thread per file.
- ``ours``: ``palsar2_plugin.insar.driver.make_interferogram`` of the pair with the DEM, default looks
  for ``--pixel-size`` (25 m, UTM), no filter, no unwrapping, ``--workers`` threads: coregistration,
  formation, the pair's mean backscatter with the layover/shadow mask (terrain correction), geocoding,
  writing the product (COGs, metadata, STAC).

Printed: wall and CPU seconds of each, their ratio (ours / plain), the wall and CPU seconds of each
stage of ours (from its progress messages), the peak RSS (VmHWM; target < 2 GB) and the load average
before and after (the machine is shared: compare same-run ratios). The products, DEM and output are
deleted at the end unless ``--keep``; ``--reuse DIR`` takes a kept folder. About 15 GB of disk.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]   # tests/synthetic: product descriptions and speckle

import numpy as np  # noqa: E402
from process_stats import peak_rss_mb  # noqa: E402

CHUNK = 16 * 2**20
CENTRE = (35.40, 139.30)
DATE = datetime(2024, 6, 1, 2, 44, tzinfo=timezone.utc)
#: stage name -> the progress message that starts it (make_interferogram's messages)
STAGES = (("open and check the pair", "Reading the two products"),
          ("coregistration", "coregistration"),
          ("formation (resample, flatten, multilook)", "Forming the interferogram"),
          ("mean backscatter, layover/shadow (terrain correction)", "Mean backscatter"),
          ("geocoding", "Geocoding the interferogram"),
          ("writing the product", "Writing the product"))


def write_dem(path: Path, lat: float, lon: float, half_deg: float = 0.6, step: float = 1.0 / 1200) -> str:
    """Smooth hills (0..800 m above EGM96) on a 3-arcsecond lon/lat grid around (lat, lon)."""
    import rasterio
    from rasterio.transform import from_origin

    n = int(2 * half_deg / step)
    y, x = np.mgrid[:n, :n].astype(np.float32) / n
    rng = np.random.default_rng(7)
    h = np.zeros((n, n), np.float32)
    for cx, cy, r, top in zip(rng.uniform(0, 1, 12), rng.uniform(0, 1, 12), rng.uniform(0.03, 0.12, 12),
                              rng.uniform(150, 800, 12)):
        h += np.float32(top) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / np.float32(2 * r * r))
    with rasterio.open(path, "w", driver="GTiff", height=n, width=n, count=1, dtype="float32", crs="EPSG:4326",
                       transform=from_origin(lon - half_deg, lat + half_deg, step, step), nodata=-9999,
                       tiled=True, compress="deflate") as ds:
        ds.write(np.minimum(h, 800.0), 1)
    return str(path)


def write_pair(folder: Path, lines: int, pixels: int) -> list:
    """Two UBS products of the same frame, 14 days apart, with the same speckle (coherent)."""
    from synthetic.ceos_products import example_description, random_blocks
    from palsar2_plugin.ceos.writer import write_product

    block = next(random_blocks(512, pixels, seed=1, block_lines=512))
    products = []
    for k, days in enumerate((0, 14)):
        desc = example_description("UBS", lines=lines, pixels=pixels, centre_lat_lon=CENTRE,
                                   centre_time_utc=DATE + timedelta(days=days), incidence_deg=35.0,
                                   orbit_number=54000 + 207 * k, frame_number=2900)

        def blocks(beam, pol):
            for start in range(0, lines, 512):
                # rows rotated per block so that chips of different blocks differ (cross-correlation)
                yield np.roll(block, start // 512 * 37, axis=1)[:min(512, lines - start)]

        written = write_product(folder / f"date{k}", desc, blocks)
        products.append(str(next(p for p in written.files if p.name.startswith("LED-"))))
    return products


def measure_plain(paths) -> dict:
    def read(path):
        view = memoryview(bytearray(CHUNK))
        with open(path, "rb", buffering=0) as f:
            while f.readinto(view):
                pass

    images = [str(next(Path(p).parent.glob("IMG-*"))) for p in paths]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=read, args=(p,)) for p in images]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"seconds": time.perf_counter() - wall0, "cpu_seconds": time.process_time() - cpu0,
            "bytes": sum(os.path.getsize(p) for p in images)}


def measure_ours(paths, dem: str, out: str, pixel_size: float, workers: int) -> dict:
    from palsar2_plugin.insar.driver import make_interferogram

    marks = []

    def progress(fraction, message):
        for name, key in STAGES:
            if key in message and (not marks or marks[-1][0] != name) and name not in {m[0] for m in marks}:
                marks.append((name, time.perf_counter(), time.process_time()))

    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = make_interferogram(paths[0], paths[1], dem, out, pixel_size_m=pixel_size, workers=workers,
                                goldstein_alpha=0.0, unwrap=False, progress=progress)
    wall1, cpu1 = time.perf_counter(), time.process_time()
    stages = []
    for k, (name, wall, cpu) in enumerate(marks):
        end_wall, end_cpu = (marks[k + 1][1], marks[k + 1][2]) if k + 1 < len(marks) else (wall1, cpu1)
        stages.append({"stage": name, "seconds": end_wall - wall, "cpu_seconds": end_cpu - cpu})
    beam = result["info"]["beams_detail"]["1"]
    return {"seconds": wall1 - wall0, "cpu_seconds": cpu1 - cpu0, "stages": stages,
            "grid": [result["grid"].height, result["grid"].width],
            "looks": [beam["looks_azimuth"], beam["looks_range"]],
            "offset": (beam["coregistration_offset"] or {}).get("line_coefficients")}




def child(argv) -> None:
    kind, args = argv[0], json.loads(argv[1])
    if kind == "plain":
        out = measure_plain(args["paths"])
    else:
        out = measure_ours(args["paths"], args["dem"], args["out"], args["pixel_size"], args["workers"])
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def spawn(kind: str, args: dict, numpy_path: bool) -> dict:
    env = dict(os.environ)
    if numpy_path:
        env["PALSAR2_NO_NUMBA"] = "1"
    res = subprocess.run([sys.executable, __file__, "--child", kind, json.dumps(args)], capture_output=True,
                         text=True, env=env)
    if res.returncode:
        sys.exit(f"{kind} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=32971)
    ap.add_argument("--pixels", type=int, default=25600)
    ap.add_argument("--pixel-size", type=float, default=25.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--reuse", default=None, help="a folder kept by an earlier --keep run")
    ap.add_argument("--numpy", action="store_true", help="the numpy path (PALSAR2_NO_NUMBA=1)")
    a = ap.parse_args()
    folder = Path(a.reuse) if a.reuse else Path(tempfile.mkdtemp(prefix="bench_insar_", dir=a.dir))
    print(f"load average before: {os.getloadavg()}")
    try:
        if a.reuse:
            paths = [str(next((folder / f"date{k}").glob("LED-*"))) for k in (0, 1)]
            dem = str(folder / "dem.tif")
        else:
            t0 = time.perf_counter()
            dem = write_dem(folder / "dem.tif", *CENTRE)
            paths = write_pair(folder, a.lines, a.pixels)
            print(f"wrote the pair and the DEM in {time.perf_counter() - t0:.0f} s into {folder}")
        out = folder / "out"
        shutil.rmtree(out, ignore_errors=True)
        args = {"paths": paths, "dem": dem, "out": str(out), "pixel_size": a.pixel_size, "workers": a.workers}
        plain = spawn("plain", args, a.numpy)
        ours = spawn("ours", args, a.numpy)
        size_gb = plain["bytes"] / 1e9
        print(f"pair: {a.lines} lines x {a.pixels} pixels per image, {size_gb:.1f} GB in all; looks "
              f"{ours['looks'][0]} x {ours['looks'][1]}, map grid {ours['grid'][0]} x {ours['grid'][1]} at "
              f"{a.pixel_size:g} m; {a.workers} workers, {'numpy' if a.numpy else 'compiled'} path")
        print(f"plain read of both SLC files: {plain['seconds']:.1f} s wall, {plain['cpu_seconds']:.1f} CPU-s "
              f"({plain['bytes'] / 2**20 / plain['seconds']:.0f} MB/s), peak RSS {plain['peak_rss_mb']:.0f} MB")
        print(f"interferogram: {ours['seconds']:.1f} s wall, {ours['cpu_seconds']:.1f} CPU-s, peak RSS "
              f"{ours['peak_rss_mb']:.0f} MB (target < 2048)")
        print(f"ratio ours / plain read: {ours['seconds'] / plain['seconds']:.1f} x wall, "
              f"{ours['cpu_seconds'] / max(plain['cpu_seconds'], 1e-9):.1f} x CPU")
        for s in ours["stages"]:
            print(f"  {s['stage']:<55} {s['seconds']:7.1f} s wall {s['cpu_seconds']:8.1f} CPU-s "
                  f"({100 * s['seconds'] / ours['seconds']:4.1f} %)")
        print(f"coregistration offset found: {ours['offset']} lines (the pair has none)")
    finally:
        print(f"load average after: {os.getloadavg()}")
        if not a.keep and not a.reuse:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
