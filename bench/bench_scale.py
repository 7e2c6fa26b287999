"""Scale-out figures (issue 7): speed-up of a 2-worker Dask LocalCluster over 1 worker on this
machine, per-tile costs, and bytes read per output pixel when a product is read from a URL.

    /usr/bin/python3 bench/bench_scale.py [--lines 6000 --pixels 600 --tile-size 128]

A simulated FBS L1.1 product over a synthetic hilly DEM; all runs in the same invocation (ratios
only). Not a test: prints a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

LAT, LON = 35.30, 139.20


def hills_dem(path, size=800, step=0.0005, top=600.0):
    import rasterio
    from rasterio.transform import from_origin

    y, x = np.mgrid[:size, :size].astype(np.float32)
    c = size / 2.0
    h = (top * np.exp(-((x - 0.8 * c) ** 2 + (y - c) ** 2) / (2 * (size / 8) ** 2))
         + 0.5 * top * np.exp(-((x - 1.3 * c) ** 2 + (y - 0.7 * c) ** 2) / (2 * (size / 10) ** 2)) + 20.0)
    with rasterio.open(path, "w", driver="GTiff", height=size, width=size, count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(LON - c * step, LAT + c * step, step, step),
                       nodata=-9999) as ds:
        ds.write(h.astype(np.float32), 1)
    return str(path)


def main() -> None:
    from palsar2_plugin.ceos.remote import BYTES_READ
    from palsar2_plugin.scale import ExecutionOptions, batch_terrain_correct, open_client
    from palsar2_plugin.simulate.product import simulate_product
    from servers.http_server import LoopbackHttpServer

    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=6000)
    ap.add_argument("--pixels", type=int, default=600)
    ap.add_argument("--tile-size", type=int, default=128)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-scale-")
    dem = hills_dem(os.path.join(tmp, "hills.tif"))
    product = str(simulate_product(dem, "FBS", os.path.join(tmp, "l11"), lines=args.lines, pixels=args.pixels,
                                   seed=1, centre_lat_lon=(LAT, LON)))
    size = sum(os.path.getsize(os.path.join(product, n)) for n in os.listdir(product))
    rows = []

    t = time.perf_counter()
    ref = batch_terrain_correct([product], dem, os.path.join(tmp, "p1"), tile_size=args.tile_size,
                                execution=ExecutionOptions(mode=0, threads_in_process=1))[0]
    total = time.perf_counter() - t
    n_tiles = len(list(__import__("palsar2_plugin.rtc.grid", fromlist=["iter_tiles"]).iter_tiles(
        ref["grid"], ref["settings"].tile_rows, ref["settings"].tile_cols)))
    pixels = ref["grid"].width * ref["grid"].height
    rows.append(("this process, 1 thread", total, ref["timings"]["tiles_s"]))
    per_tile_s = ref["timings"]["tiles_s"] / n_tiles
    for workers in (1, 2):
        with open_client(ExecutionOptions(mode=1, n_workers=workers, threads_per_worker=1)) as client:
            client.wait_for_workers(workers)
            from palsar2_plugin.rtc.tile import warm_up
            client.run(warm_up)          # numba: compile or load the kernels in each worker before timing
            t = time.perf_counter()
            r = batch_terrain_correct([product], dem, os.path.join(tmp, f"d{workers}"), tile_size=args.tile_size,
                                      client=client)[0]
            rows.append((f"LocalCluster {workers} worker(s)", time.perf_counter() - t, r["timings"]["tiles_s"]))
    print(f"product {args.lines} x {args.pixels} FBS ({size / 1e6:.1f} MB), output {ref['grid'].height} x "
          f"{ref['grid'].width} px, {n_tiles} tiles of {ref['settings'].tile_rows} x {ref['settings'].tile_cols}")
    print(f"{'run':28s} {'total s':>8s} {'tiles s':>8s}")
    for name, tot, tiles in rows:
        print(f"{name:28s} {tot:8.2f} {tiles:8.2f}")
    print(f"speed-up of 2 workers over 1 (tile stage): {rows[1][2] / rows[2][2]:.2f}x; (whole run): "
          f"{rows[1][1] / rows[2][1]:.2f}x")
    print(f"CPU per tile (1 thread): {per_tile_s:.3f} s = {per_tile_s / (pixels / n_tiles) * 1e6:.2f} us per output px")

    with LoopbackHttpServer(lifetime=600) as server:
        for name in os.listdir(product):
            with open(os.path.join(product, name), "rb") as fh:
                server.put("b/l11/" + name, fh.read())
        img = next(n for n in os.listdir(product) if n.startswith("IMG-"))
        for label, extent in (("whole scene", None), ("1 x 1 km extent", (LON - 0.006, LAT - 0.0045,
                                                                          LON + 0.006, LAT + 0.0045))):
            before = BYTES_READ["total"]
            t = time.perf_counter()
            r = batch_terrain_correct([server.url_of("b/l11/" + img)], dem, os.path.join(tmp, "u" + label[:3]),
                                      extent=extent, extent_crs="EPSG:4326" if extent else None,
                                      tile_size=args.tile_size, execution=ExecutionOptions(mode=0))[0]
            read = BYTES_READ["total"] - before
            px = r["grid"].width * r["grid"].height
            print(f"URL, {label:16s}: {read / 1e6:7.2f} MB read of {size / 1e6:.1f} MB ({read / size:.1%}), "
                  f"{read / px:8.0f} bytes per output pixel ({px} px), {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
