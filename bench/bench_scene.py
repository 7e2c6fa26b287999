"""What users feel: a real-size 5-beam ScanSAR scene to an NRB product at 25 m, end to end.

    /usr/bin/python3 bench/bench_scene.py [--mode WBS] [--cache /var/tmp/palsar2-bench-scene]
                                          [--paths numba numpy] [--max-disk-gb 35] [--clean]
                                          [--extent W S E N]

The scene is simulated once (``palsar2_plugin.simulate``, every beam at its real line and pixel count,
see "Beam sizes" below) over a synthetic 1" DEM of central-Japan-like relief (``bench/synthetic_terrain.py``)
and kept in the cache folder for the next runs (``--clean`` removes it at the end). Each measured path
(``numba``: the compiled kernels; ``numpy``: ``PALSAR2_NO_NUMBA=1``, what QGIS without numba runs) is
one fresh process running ``palsar2_plugin.rtc.scene_input.terrain_correct_product`` - the code path of
``palsar2:terraincorrection`` - with its defaults (25 m, oversampling 2, 2 threads): open and check the
product, calibrate and multilook every beam to beta0, plan, terrain-correct the tiles, write the NRB
product (COGs, XML, STAC, quick-look). The compiled kernels are loaded before the clock starts
(numba's cache; the first run on a machine compiles them once).

Printed per path: wall and CPU seconds per stage (CPU: the process and its worker processes),
peak RSS of the process (VmHWM; with worker processes - the numpy path - also each worker's and the
peak of all of them together, sampled every 0.2 s), bytes read and written by the process
(``/proc/self/io``: storage reads, bytes sent to storage, bytes of files deleted before they reached
it), the product's size, and the load average. Before each path the input files are dropped
from the page cache (``posix_fadvise``: this process's files only) and read once sequentially - the
same-run baseline: the end-to-end time is also given as a multiple of that plain read. The NRB output
is removed after each path.

Beam sizes (``palsar2_plugin.simulate.scene.plan_scene`` at full size): lines = the ScanSAR frame's
350 km along track / (ground speed x line interval) = 50.8-51.1 s x each beam's PRF (isce2's WD1
PRFs, ../shared/docs/ceos_format.md §10; JAXA: 52 s per ScanSAR scene), pixels = the beam's
slant-range extent / 8.58 m (17.47 MHz): a 353 km swath over 25-48.5 degrees incidence.
F1 135,187 x 4,260 (4.7 GB per polarisation), F2 168,575 x 4,771 (6.5 GB), F3 122,579 x 5,233
(5.2 GB), F4 115,836 x 5,774 (5.4 GB), F5 144,183 x 6,724 (7.8 GB): 29.7 GB per polarisation,
59.3 GB for WBD (HH+HV); ASF's copy of a real WBD L1.1 product (ALOS2478123150-230331, 52 s) is a
60.0 GB zip. ``--mode WBD`` needs ~65 GB of disk; ``--mode WBS`` (HH only, JAXA's single-polarisation
ScanSAR mode, as in its free disaster data) ~35 GB. ``--lines N`` makes every beam N lines (not real
size; for trying the benchmark). ``--extent W S E N`` (degrees) runs every path over that part of the
real-size scene only (what an EXTENT does: only the lines and pixels it needs are read and calibrated);
then there is no plain-read baseline, and the paths' ratio is the figure.
``--paths numba-hh numba`` on a dual-polarisation scene (``--mode WBD`` or ``--add-hv``, which writes HV
files derived from HH beside a WBS scene's) measures what the second polarisation adds, in the same run.

Not a test: prints a table (and ``--json FILE`` writes the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from process_stats import TreeRssSampler, peak_rss_mb  # noqa: E402

CENTRE_LAT_LON = (36.5, 138.5)
DEM_MARGIN_DEG = 0.15
CHUNK = 16 * 2**20
SCENE_VERSION = 1   # bump when the simulated scene changes, so cached scenes are made again


# ----------------------------------------------------------------------------------------- the scene
def scene_request(args) -> dict:
    return {"version": SCENE_VERSION, "mode": args.mode, "lines": args.lines, "seed": 16,
            "centre_lat_lon": list(CENTRE_LAT_LON), "terrain_line_step": args.terrain_line_step,
            "oversample_range": 1, "dem_arcsec": 1.0}


def planned_scene(request: dict):
    from palsar2_plugin.simulate.modes import mode_spec
    from palsar2_plugin.simulate.scene import plan_scene

    return plan_scene(mode_spec(request["mode"]), *request["centre_lat_lon"], lines=request["lines"])


def image_bytes(scene) -> int:
    """Bytes of the scene's IMG files: descriptor + lines x (544-byte prefix + 8 bytes per pixel)."""
    per_pol = sum(720 + b.grid.lines * (544 + 8 * b.grid.pixels) for b in scene.beams)
    return per_pol * len(scene.mode.polarisations)


def dem_bounds(scene):
    from palsar2_plugin.rtc.radar_input import RadarBeam, RadarGeometry

    geometry = RadarGeometry(scene.orbit, [RadarBeam(b.number, b.grid) for b in scene.beams])
    corners = geometry.footprint_lon_lat(0.0) + geometry.footprint_lon_lat(4000.0)
    lons, lats = [c[0] for c in corners], [c[1] for c in corners]
    m = DEM_MARGIN_DEG
    return (round(min(lons) - m, 2), round(min(lats) - m, 2), round(max(lons) + m, 2), round(max(lats) + m, 2))


def output_bytes_estimate(scene, pixel_size_m: float) -> int:
    """A generous estimate of the bytes a run writes at its peak: intermediate layers (float32, ~7
    layers + gamma0 per polarisation) plus their COGs, over the footprint's bounding box."""
    import math

    from palsar2_plugin.rtc.grid import make_output_grid
    from palsar2_plugin.rtc.radar_input import RadarBeam, RadarGeometry

    geometry = RadarGeometry(scene.orbit, [RadarBeam(b.number, b.grid) for b in scene.beams])
    grid = make_output_grid(geometry.footprint_lon_lat(), pixel_size_m=pixel_size_m)
    layers = 7 + len(scene.mode.polarisations)
    return int(math.ceil(grid.width * grid.height * 4 * layers * 1.6))


def ensure_scene(cache: Path, request: dict, log) -> tuple:
    """(DEM path, product folder, simulation seconds or None when cached)."""
    from synthetic_terrain import write_dem

    from palsar2_plugin.simulate.product import simulate_product

    marker = cache / "scene.json"
    if marker.exists():
        done = json.loads(marker.read_text())
        if done.get("request") == request and Path(done["product"]).is_dir():
            return done["dem"], done["product"], None
    for old in ("l11", "dem.tif", "scene.json"):
        path = cache / old
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    scene = planned_scene(request)
    started = time.perf_counter()
    dem = str(cache / "dem.tif")
    log(f"writing the DEM {dem_bounds(scene)} at {request['dem_arcsec']}\" ...")
    write_dem(dem, dem_bounds(scene), request["dem_arcsec"])
    log(f"simulating {request['mode']} ({image_bytes(scene) / 1e9:.1f} GB of image files) ...")
    last = [-1]

    def progress(fraction, message):
        percent = int(fraction * 100)
        if percent != last[0] and percent % 5 == 0:
            last[0] = percent
            log(f"  {percent:3d}% {message} ({time.perf_counter() - started:.0f} s)")

    product = simulate_product(dem, request["mode"], cache / "l11", lines=request["lines"], seed=request["seed"],
                               centre_lat_lon=tuple(request["centre_lat_lon"]),
                               terrain_line_step=request["terrain_line_step"],
                               oversample_range=request["oversample_range"], progress=progress)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"request": request, "dem": dem, "product": str(product),
                                  "simulation_s": seconds}, indent=2))
    return dem, str(product), seconds


#: --add-hv: HV power relative to HH (JAXA's -15 dB vs -8 dB defaults of the simulator)
CROSS_POL_DB = -7.0
_PREFIX_TX, _RECORD0 = 52, 720      # 0-based offset of the line prefix's transmit/receive codes; first line


def add_cross_pol(product: str, log) -> None:
    """Write an IMG-HV file beside every IMG-HH file of ``product`` (when missing): the HH lines scaled
    by CROSS_POL_DB, their line prefixes saying transmit H, receive V. Same geometry, not independent
    speckle (the HH pattern): for timing a dual-polarisation run, whose work does not depend on the values."""
    import numpy as np

    scale = np.float32(10.0 ** (CROSS_POL_DB / 20.0))
    for hh in image_files(product):
        name = os.path.basename(hh)
        if not name.startswith("IMG-HH-"):
            continue
        hv = os.path.join(os.path.dirname(hh), "IMG-HV-" + name[len("IMG-HH-"):])
        if os.path.exists(hv):
            continue
        started = time.perf_counter()
        with open(hh, "rb") as src:
            head = src.read(_RECORD0)
            lines, reclen = int(head[180:186]), int(head[186:192])
            per_chunk = max(1, CHUNK * 4 // reclen)
            with open(hv + ".part", "wb") as dst:
                dst.write(head)
                done = 0
                while done < lines:
                    n = min(per_chunk, lines - done)
                    recs = np.frombuffer(bytearray(src.read(n * reclen)), np.uint8).reshape(n, reclen)
                    recs[:, _PREFIX_TX:_PREFIX_TX + 4] = (0, 0, 0, 1)            # B2 transmit 0 (H), receive 1 (V)
                    samples = recs[:, 544:].view(">f4")
                    np.multiply(samples, scale, out=samples, casting="unsafe")
                    dst.write(recs.tobytes())
                    done += n
                dst.write(src.read())       # nothing after the last record, normally
        os.replace(hv + ".part", hv)
        evict([hv])
        log(f"  {os.path.basename(hv)}: {lines} lines in {time.perf_counter() - started:.0f} s")


def image_files(product: str):
    return sorted(str(p) for p in Path(product).iterdir() if p.name.startswith("IMG-"))


# ------------------------------------------------------------------------------------ the baseline
def evict(paths) -> None:
    """Drop ``paths`` from the page cache (written pages are flushed first), so they are read from disk."""
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def plain_read(paths) -> dict:
    """The baseline: every file read once, sequentially, into one reused 16 MB buffer."""
    view = memoryview(bytearray(CHUNK))
    total = 0
    started, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        with open(path, "rb", buffering=0) as f:
            while True:
                n = f.readinto(view)
                if not n:
                    break
                total += n
    return {"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - cpu, "bytes": total}


# ---------------------------------------------------------------------------------- one measured run
def _proc_io() -> dict:
    out = {}
    try:
        with open("/proc/self/io") as f:
            for line in f:
                key, value = line.split(":")
                out[key.strip()] = int(value)
    except OSError:
        pass
    return out




def _folder_bytes(folder: str) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def _data_pixels(mask_path: str) -> int:
    """Output pixels with data (mask not 0), counted block by block."""
    import numpy as np
    import rasterio

    with rasterio.open(mask_path) as ds:
        return int(sum(np.count_nonzero(ds.read(1, window=w)) for _, w in ds.block_windows(1)))


def _cpu_with_children() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended (the
    numpy path's worker processes, once their pool is shut down)."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def child(spec: dict) -> None:
    """One measured run (in its own process; prints one JSON line)."""
    from palsar2_plugin import compiled
    from palsar2_plugin.rtc.scene_input import terrain_correct_product
    from palsar2_plugin.rtc.tile import warm_up

    started = time.perf_counter()
    if compiled.enabled():
        import numpy as np

        from palsar2_plugin.ceos.multilook import multilook_intensity
        warm_up()
        multilook_intensity(np.zeros((4, 16), ">c8")[:, :8], 2, 2)
    warm_up_s = time.perf_counter() - started
    last = [-1]
    t0 = time.perf_counter()

    def progress(fraction, message):
        percent = int(fraction * 100)
        if percent != last[0] and percent % 5 == 0:
            last[0] = percent
            print(f"  [{spec['path']}] {percent:3d}% {message} ({time.perf_counter() - t0:.0f} s, load "
                  f"{os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)

    io0, load0 = _proc_io(), os.getloadavg()
    r0 = _cpu_with_children()
    extent = spec.get("extent")
    pols = ["HH"] if spec["path"].endswith("-hh") else None
    with TreeRssSampler() as tree:
        result = terrain_correct_product(spec["product"], spec["dem"], spec["out"], pixel_size_m=spec["pixel_size_m"],
                                         polarisations=pols,
                                         workers=spec["workers"], progress=progress, extent=extent,
                                         extent_crs="EPSG:4326" if extent else None)
    wall = time.perf_counter() - t0
    r1 = _cpu_with_children()
    io1, load1 = _proc_io(), os.getloadavg()
    grid = result["grid"]
    print(json.dumps({
        "path": spec["path"], "compiled": compiled.enabled(), "warm_up_s": warm_up_s, "wall_s": wall,
        "cpu_s": r1 - r0, "peak_rss_mb": peak_rss_mb(), "peak_tree_rss_mb": tree.peak_mb,
        "timings": result["timings"], "io": {k: io1.get(k, 0) - io0.get(k, 0) for k in io1},
        "product_bytes": _folder_bytes(result["folder"]), "grid": [grid.height, grid.width],
        "data_pixels": _data_pixels(result["mask"]),
        "tiles": len(result["plan"].tiles), "tile_shape": [result["settings"].tile_rows, result["settings"].tile_cols],
        "load_before": load0, "load_after": load1}))


def measure(path: str, dem: str, product: str, out: Path, args, log) -> dict:
    env = dict(os.environ)
    env.pop("PALSAR2_NO_NUMBA", None)
    if path.startswith("numpy"):
        env["PALSAR2_NO_NUMBA"] = "1"
    spec = {"path": path, "dem": dem, "product": product, "out": str(out), "pixel_size_m": args.pixel_size,
            "workers": args.workers, "extent": args.extent}
    files = image_files(product)
    evict(files)
    baseline = None
    if not args.extent:     # over an extent only parts of the files are read: no plain-read baseline
        baseline = plain_read(files)
        evict(files)
        log(f"[{path}] baseline: read {baseline['bytes'] / 1e9:.1f} GB in {baseline['seconds']:.0f} s")
    log(f"[{path}] end to end{' over ' + str(args.extent) if args.extent else ''} ...")
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], env=env, cwd=str(ROOT),
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the {path} run failed (exit {proc.returncode})")
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    run["baseline"] = baseline
    run["children_max_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    for leftover in out.iterdir() if out.exists() else ():
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    return run


# ------------------------------------------------------------------------------------------ printing
def _row(name, wall, cpu=None):
    cpu_text = f"{cpu:9.1f}" if cpu is not None else " " * 9
    return f"  {name:38s} {wall:9.1f} {cpu_text}"


def report(runs, scene_info, log) -> None:
    log("")
    log(f"scene: {scene_info['mode']} {scene_info['beams']}, {scene_info['bytes'] / 1e9:.1f} GB of image files; "
        f"simulated in {scene_info['simulation_s']}")
    for run in runs:
        t = run["timings"]
        stages = t.get("stages_cpu_s", {})
        log(f"\n{run['path']} (compiled kernels: {run['compiled']}), output {run['grid'][0]} x {run['grid'][1]} px "
            f"at 25 m, {run['tiles']} tiles of {run['tile_shape'][0]} x {run['tile_shape'][1]}; load "
            f"{run['load_before'][0]:.1f} -> {run['load_after'][0]:.1f}")
        log(f"  {'stage':38s} {'wall s':>9s} {'CPU s':>9s}")
        log(_row("open and check the product", t.get("opening_s", 0.0), t.get("opening_cpu_s")))
        log(_row("calibrate + multilook (read)", t.get("calibration_s", 0.0), t.get("calibration_cpu_s")))
        log(_row("plan (grid, DEM relief, orbit)", t.get("planning_s", 0.0), t.get("planning_cpu_s")))
        log(_row("tiles (terrain correction)", t.get("tiles_s", 0.0), sum(stages.values()) or None))
        for name, cpu in stages.items():
            log(f"    {name:36s} {'':9s} {cpu:9.1f}")
        log(_row("finish (COGs, XML, STAC, quick-look)", t.get("finish_s", 0.0), t.get("finish_cpu_s")))
        for key in ("cogs_s", "quicklook_s", "metadata_s"):
            if key in t:
                log(f"    {key[:-2]:36s} {t[key]:9.1f}")
        log(_row("total", run["wall_s"], run["cpu_s"]))
        io, base = run["io"], run["baseline"]
        workers = t.get("worker_peak_rss_mib") or []
        tree = run.get("peak_tree_rss_mb")
        if workers:
            log(f"  {t.get('executor')}: peak RSS of the run's processes together (sampled every 0.2 s) "
                f"{tree or float('nan'):.0f} MB; each process's own peak: main {run['peak_rss_mb']:.0f} MB, workers "
                f"{', '.join(f'{w:.0f}' for w in workers)} MB (their reads are not in the I/O figures below)")
        log(f"  peak RSS {run['peak_rss_mb']:.0f} MB; read {io.get('read_bytes', 0) / 1e9:.1f} GB from storage "
            f"({io.get('rchar', 0) / 1e9:.1f} GB asked); written {io.get('write_bytes', 0) / 1e9:.2f} GB to storage, "
            f"{io.get('cancelled_write_bytes', 0) / 1e9:.2f} GB of it deleted before the end; product "
            f"{run['product_bytes'] / 1e9:.2f} GB; {run['data_pixels'] / 1e6:.1f} M output pixels with data")
        if base:
            log(f"  baseline (plain sequential read of the image files): {base['seconds']:.1f} s "
                f"({base['bytes'] / base['seconds'] / 2**20:.0f} MB/s); end to end = "
                f"{run['wall_s'] / base['seconds']:.1f} x the baseline; calibration = "
                f"{t.get('calibration_s', 0) / base['seconds']:.2f} x")
    if len(runs) == 2:
        log(f"\n{runs[1]['path']} / {runs[0]['path']}: {runs[1]['wall_s'] / runs[0]['wall_s']:.2f} x wall, "
            f"{runs[1]['cpu_s'] / runs[0]['cpu_s']:.2f} x CPU")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", default="WBS", choices=("WBS", "WBD", "WWS", "WWD"))
    ap.add_argument("--cache", default="/var/tmp/palsar2-bench-scene", help="where the scene is kept between runs")
    ap.add_argument("--paths", nargs="+", default=["numba", "numpy"], choices=("numba", "numpy", "numba-hh", "numpy-hh"),
                    help="-hh: the HH images only (with --add-hv or a WBD scene: what the second polarisation adds)")
    ap.add_argument("--lines", type=int, help="lines per beam (default: the real size)")
    ap.add_argument("--pixel-size", type=float, default=25.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--extent", type=float, nargs=4, metavar=("W", "S", "E", "N"),
                    help="a part of the scene (lon/lat degrees): only what it needs is read and corrected")
    ap.add_argument("--terrain-line-step", type=int, default=16)
    ap.add_argument("--max-disk-gb", type=float, default=35.0, help="refuse a scene + output larger than this")
    ap.add_argument("--add-hv", action="store_true",
                    help="WBS scene: add HV files derived from HH (scaled, same speckle) for a dual-polarisation "
                         "timing without simulating HV (another ~30 GB of disk)")
    ap.add_argument("--clean", action="store_true", help="remove the cached scene at the end")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(json.loads(args.child))
        return

    def log(text=""):
        print(text, flush=True)

    cache = Path(args.cache)
    request = scene_request(args)
    scene = planned_scene(request)
    need = image_bytes(scene) + output_bytes_estimate(scene, args.pixel_size)
    log(f"{args.mode}: {len(scene.beams)} beams " + ", ".join(f"F{b.number} {b.grid.lines} x {b.grid.pixels}"
                                                           for b in scene.beams)
        + f"; {image_bytes(scene) / 1e9:.1f} GB of image files, ~{need / 1e9:.0f} GB of disk with the output; "
          f"load {os.getloadavg()[0]:.1f}")
    cached = (cache / "scene.json").exists() and json.loads((cache / "scene.json").read_text()).get("request") == request
    free = shutil.disk_usage(cache if cache.exists() else cache.parent).free
    if cached:      # the image files are there already: only the output needs room
        need = output_bytes_estimate(scene, args.pixel_size)
    if args.add_hv and not (cached and any(Path(json.loads((cache / "scene.json").read_text())["product"])
                                           .glob("IMG-HV-*"))):
        need += image_bytes(scene)
    if need > args.max_disk_gb * 1e9 or need > free - 5e9:
        raise SystemExit(f"This scene needs ~{need / 1e9:.0f} GB of disk (limit {args.max_disk_gb:.0f} GB, "
                         f"{free / 1e9:.0f} GB free): choose --mode WBS, fewer --lines, or a larger --max-disk-gb.")
    dem, product, simulation_s = ensure_scene(cache, request, log)
    if args.add_hv:
        log(f"adding HV (HH scaled by {CROSS_POL_DB} dB, same speckle) ...")
        add_cross_pol(product, log)
    out = cache / "out"
    out.mkdir(exist_ok=True)
    runs = []
    try:
        for path in args.paths:
            runs.append(measure(path, dem, product, out, args, log))
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if args.clean:
            shutil.rmtree(cache, ignore_errors=True)
    info = {"mode": args.mode + (" + HV derived from HH" if args.add_hv else ""), "beams": ", ".join(f"F{b.number} {b.grid.lines} x {b.grid.pixels}"
                                                  for b in scene.beams),
            "bytes": image_bytes(scene) * (2 if args.add_hv else 1),
            "simulation_s": "(cached)" if simulation_s is None else f"{simulation_s:.0f} s"}
    report(runs, info, log)
    if args.json:
        Path(args.json).write_text(json.dumps({"scene": info, "runs": runs}, indent=2, default=str))


if __name__ == "__main__":
    main()
