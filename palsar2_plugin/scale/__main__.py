"""``python -m palsar2_plugin.scale DEM OUTPUT_FOLDER PRODUCT [PRODUCT ...]``: batch terrain correction
from a plain script (no QGIS). See ``--help``."""

from __future__ import annotations

import argparse
import sys

from ..errors import Palsar2Error
from .driver import batch_terrain_correct
from .execution import ExecutionOptions


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m palsar2_plugin.scale",
                                 description="Terrain-correct PALSAR-2 L1.1 products (paths or http(s)/s3 URLs of "
                                             "one of their files) into NRB product folders, here or on Dask.")
    ap.add_argument("dem")
    ap.add_argument("output_folder")
    ap.add_argument("products", nargs="+")
    ap.add_argument("--execution", type=int, default=1, choices=(0, 1, 2),
                    help="0 this process, 1 local Dask cluster (default), 2 remote scheduler")
    ap.add_argument("--scheduler", default="", help="scheduler address for --execution 2 (tcp://host:8786)")
    ap.add_argument("--workers", type=int, default=2, help="local cluster worker processes")
    ap.add_argument("--memory-limit", default="3GiB", help="per local worker")
    ap.add_argument("--dem-height-reference", default="egm96", choices=("egm96", "egm2008", "ellipsoid"))
    ap.add_argument("--pixel-size", type=float, default=25.0, help="metres")
    ap.add_argument("--crs", default=None)
    ap.add_argument("--extent", type=float, nargs=4, default=None, metavar=("XMIN", "YMIN", "XMAX", "YMAX"))
    ap.add_argument("--extent-crs", default="EPSG:4326")
    args = ap.parse_args(argv)
    options = ExecutionOptions(mode=args.execution, scheduler_address=args.scheduler, n_workers=args.workers,
                               memory_limit=args.memory_limit)

    def progress(fraction, message=""):
        print(f"{100 * fraction:5.1f}% {message}", file=sys.stderr)

    try:
        results = batch_terrain_correct(args.products, args.dem, args.output_folder, execution=options,
                                        height_reference=args.dem_height_reference, crs=args.crs,
                                        pixel_size_m=args.pixel_size, extent=args.extent,
                                        extent_crs=args.extent_crs if args.extent else None, progress=progress)
    except Palsar2Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for r in results:                       # written folders on stdout; failures were logged as warnings
        if r["status"] == "written":
            print(r["folder"])
    return 0 if all(r["status"] == "written" for r in results) else 2


if __name__ == "__main__":
    sys.exit(main())
