"""Command line: ``python -m palsar2_plugin.simulate --dem DEM.tif --mode WBD --out DIR [options]``.

Prints the folder of the product written. Run it from the repository root with /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from ..errors import Palsar2Error
from ..geoid import DEM_HEIGHT_REFERENCES
from .modes import MODES
from .product import DEM_HEIGHT_REFERENCE, PointTarget, simulate_product


def _gamma0(items: List[str]) -> dict:
    out = {}
    for item in items:
        if "=" not in item:
            raise argparse.ArgumentTypeError(f"--gamma0-db expects POL=dB items like HH=-8, got {item!r}")
        pol, value = item.split("=", 1)
        try:
            out[pol.strip().upper()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--gamma0-db: {value!r} is not a number (dB)") from None
    return out


def _point_target(text: str) -> PointTarget:
    parts = [p for p in text.split(",") if p.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--point-target expects LAT,LON[,HEIGHT[,RCS_DB]], got {text!r}") from None
    if not 2 <= len(values) <= 4:
        raise argparse.ArgumentTypeError(f"--point-target expects LAT,LON[,HEIGHT[,RCS_DB]], got {text!r}")
    lat, lon = values[:2]
    height = values[2] if len(values) > 2 else None
    rcs = values[3] if len(values) > 3 else 50.0
    return PointTarget(lat, lon, height, rcs)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m palsar2_plugin.simulate",
        description="Simulate a PALSAR-2 L1.1 CEOS product (VOL, LED, IMG, TRL, summary.txt) over a DEM with a "
                    "known true gamma0, speckle and optional point targets. Prints the product folder.")
    p.add_argument("--dem", help="DEM raster (any CRS GDAL reads); the scene is centred on it. "
                                 "Omit for a flat ellipsoid and give --centre.")
    p.add_argument("--mode", required=True, type=str.upper, choices=sorted(MODES), help="observation mode")
    p.add_argument("--out", required=True, help="output folder; the product folder is created inside it")
    p.add_argument("--lines", type=int, help="lines of every beam (default: full scene length)")
    p.add_argument("--pixels", type=int, help="pixels of every beam (default: full beam width)")
    p.add_argument("--gamma0-db", nargs="+", default=[], metavar="POL=DB",
                   help="true gamma0 per polarisation in dB, e.g. HH=-8 HV=-15 (defaults)")
    p.add_argument("--pass", dest="pass_direction", choices=("ascending", "descending"), default="descending",
                   help="orbit pass (default descending)")
    p.add_argument("--look-side", choices=("right", "left"), default="right",
                   help="antenna look side (default right)")
    p.add_argument("--seed", type=int, default=0, help="speckle random seed")
    p.add_argument("--dem-height-reference", choices=DEM_HEIGHT_REFERENCES, default=DEM_HEIGHT_REFERENCE,
                   help=f"vertical datum of the DEM heights (default {DEM_HEIGHT_REFERENCE})")
    p.add_argument("--centre", help="scene centre LAT,LON in degrees (default: the DEM's centre); "
                                    "write --centre=-10.5,-62.5 when the latitude is negative")
    p.add_argument("--point-target", action="append", default=[], type=_point_target,
                   metavar="LAT,LON[,H[,RCS_DB]]",
                   help="bright point target (height above the ellipsoid, default the terrain; RCS default 50 dBm2); "
                        "repeat for several; --point-target=-10.5,-62.5 when the latitude is negative")
    p.add_argument("--no-speckle", action="store_true",
                   help="write the expected amplitude without speckle (noise-free image for exact tests)")
    p.add_argument("--nesz-db", type=float, help="add thermal noise of this noise-equivalent sigma0 (dB), e.g. -28")
    p.add_argument("--oversample", type=int, default=2, help="terrain mesh vertices per range pixel (default 2)")
    p.add_argument("--workers", type=int, default=2, help="threads computing the terrain ahead (default 2)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        gamma0 = _gamma0(args.gamma0_db)
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    centre = None
    if args.centre:
        try:
            lat, lon = (float(v) for v in args.centre.split(","))
        except ValueError:
            parser.error(f"--centre expects LAT,LON in degrees, got {args.centre!r}")
        centre = (lat, lon)
    if args.dem is None and centre is None:
        parser.error("give --dem, or --centre LAT,LON for a flat ellipsoid")

    last = [-1]

    def progress(fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if not args.quiet and percent != last[0]:
            last[0] = percent
            print(f"\r{percent:3d}% {message:40.40s}", end="", file=sys.stderr, flush=True)

    try:
        folder = simulate_product(args.dem, args.mode, args.out, lines=args.lines, pixels=args.pixels,
                                  gamma0_db=gamma0, pass_direction=args.pass_direction, look_side=args.look_side,
                                  seed=args.seed, dem_height_reference=args.dem_height_reference,
                                  centre_lat_lon=centre, point_targets=args.point_target,
                                  oversample_range=args.oversample, speckle_noise=not args.no_speckle,
                                  noise_equivalent_sigma0_db=args.nesz_db, workers=args.workers, progress=progress)
    except Palsar2Error as err:
        if not args.quiet:
            print(file=sys.stderr)
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(file=sys.stderr)
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
