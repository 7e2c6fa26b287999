"""Benchmark: simulating an interferometric stripmap pair (reference + repeat pass) at real frame width.

Usage (from the repository root):

    /usr/bin/python3 bench/bench_simulate_pair.py [--mode UBS] [--pixels 25600] [--lines 4096]
                                                  [--dem tests/data/dem/hakone_aster_gdem2_1arcsec.tif]
                                                  [--dir /tmp] [--keep]

Each step runs in its own child process, so its peak RSS (VmHWM) is that step's alone:

- ``plain write`` (baseline): the project's CEOS writer writing a product of the same size from
  constant blocks (the bytes any simulation has to write);
- ``reference``: ``simulate_product(..., speckle="band-limited")`` (terrain radiometry, band-limited
  speckle of scatterers on the ground, writing);
- ``repeat``: ``simulate_repeat(reference, perpendicular_baseline_m=150, coherence=0.8, uplift)``
  (scatterer geometry, resampling of the field, terrain radiometry of the repeat, writing, truth
  raster), with its wall time split by stage from the progress messages.

Memory is set by the frame's *width* (lines are streamed in chunks), so the default runs a U2
frame's real pixel count (25600, as JAXA's UBS sample) over 4096 lines and also prints the time
extrapolated to a frame's 32971 lines (pass ``--lines 32971`` to run the whole frame: about half an
hour per pair on a loaded 2-core machine and 2 x 6.8 GB of disk). Times are wall and CPU seconds of
the child; ratios are to the plain write of the same run. Other helpers share the machine: run it a
few times; the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAME_LINES = 32971

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
args = json.loads(sys.argv[1])
stages, last = [], [None, time.time()]

def progress(fraction, message):
    name = message.split(" ")[0] if message else ""
    if name != last[0]:
        now = time.time()
        if last[0] is not None:
            stages.append((last[0], now - last[1]))
        last[0], last[1] = name, now

t0, c0 = time.time(), time.process_time()
if args["step"] == "plain":
    from palsar2_plugin.simulate.description import build_description
    from palsar2_plugin.simulate.modes import mode_spec
    from palsar2_plugin.simulate.scene import plan_scene
    from palsar2_plugin.ceos.writer import constant_blocks, write_product
    scene = plan_scene(mode_spec(args["mode"]), 35.3, 139.2, lines=args["lines"], pixels=args["pixels"])
    write_product(args["out"], build_description(scene), lambda b, p: constant_blocks(args["lines"], args["pixels"],
                                                                                        1 + 1j, 256))
elif args["step"] == "reference":
    from palsar2_plugin.simulate import simulate_product
    folder = simulate_product(args["dem"], args["mode"], args["out"], lines=args["lines"], pixels=args["pixels"],
                              centre_lat_lon=None if args["dem"] else (35.3, 139.2), speckle="band-limited",
                              seed=1, progress=progress)
    print(json.dumps({{"folder": str(folder)}}))
else:
    from palsar2_plugin.simulate import simulate_repeat
    from palsar2_plugin.simulate.deformation import Uplift
    from palsar2_plugin.ceos import open_product
    lat, lon = open_product(args["reference"]).centre_lat_lon
    simulate_repeat(args["reference"], args["out"], perpendicular_baseline_m=150.0, coherence=0.8,
                    uplifts=[Uplift(lat, lon, 1.0, 0.05)], progress=progress)
progress(1.0, "end")
print(json.dumps({{"wall": time.time() - t0, "cpu": time.process_time() - c0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "stages": stages}}))
"""


def run(step: str, **args) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), json.dumps(dict(step=step, **args))],
                         check=True, capture_output=True, text=True)
    lines = [json.loads(line) for line in out.stdout.strip().splitlines()]
    result = lines[-1]
    for extra in lines[:-1]:
        result.update(extra)
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mode", default="UBS")
    p.add_argument("--pixels", type=int, default=25600)
    p.add_argument("--lines", type=int, default=4096)
    p.add_argument("--dem", default=None, help="DEM (default: flat ellipsoid)")
    p.add_argument("--dir", default=tempfile.gettempdir())
    p.add_argument("--keep", action="store_true")
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_simpair_", dir=a.dir))
    print(f"load average before: {os.getloadavg()}")
    try:
        common = dict(mode=a.mode, lines=a.lines, pixels=a.pixels)
        plain = run("plain", out=str(work / "plain"), **common)
        shutil.rmtree(work / "plain", ignore_errors=True)
        ref = run("reference", out=str(work / "ref"), dem=a.dem, **common)
        rep = run("repeat", out=str(work / "sec"), reference=ref["folder"], **common)
        samples = a.lines * a.pixels
        print(f"{a.mode} {a.lines} lines x {a.pixels} pixels ({samples / 1e6:.0f} M samples per image), "
              f"DEM {a.dem or 'none (flat)'}")
        print(f"{'step':<12}{'wall s':>9}{'cpu s':>9}{'ratio':>8}{'us/sample':>11}{'peak RSS MB':>13}")
        for name, r in (("plain write", plain), ("reference", ref), ("repeat", rep)):
            print(f"{name:<12}{r['wall']:9.1f}{r['cpu']:9.1f}{r['wall'] / plain['wall']:8.1f}"
                  f"{1e6 * r['wall'] / samples:11.2f}{r['rss_mb']:13.0f}")
        print("repeat by stage (wall s): " + ", ".join(f"{n or 'start'} {t:.1f}" for n, t in rep["stages"]))
        if a.lines < FRAME_LINES:
            scale = FRAME_LINES / a.lines
            print(f"extrapolated to a {FRAME_LINES}-line frame: reference {ref['wall'] * scale / 60:.0f} min, "
                  f"repeat {rep['wall'] * scale / 60:.0f} min (memory does not grow with lines)")
    finally:
        print(f"load average after: {os.getloadavg()}")
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
