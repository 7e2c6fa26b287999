"""Command line: ``python -m palsar2_plugin.rtc PRODUCT DEM OUTPUT_FOLDER [options]``.

Terrain-corrects a PALSAR-2 L1.1 CEOS product (folder, zip or any of its files) against a DEM and
writes a CEOS-ARD NRB product folder; prints the folder, the gamma0 files and the quick-look.
Run it from the repository root with /usr/bin/python3. Exit status 1 with the message on a user error.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from ..errors import Palsar2Error
from ..geoid import DEM_HEIGHT_REFERENCES


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m palsar2_plugin.rtc",
        description="Radiometric terrain correction (flattening gamma, Small 2011) of a PALSAR-2 L1.1 product "
                    "into a CEOS-ARD NRB product: gamma0 per polarisation, mask, incidence angles, scattering "
                    "area, gamma/sigma ratio, looks, DEM, metadata XML, STAC item and quick-look.")
    p.add_argument("product", help="L1.1 product folder, zip, or any of its files")
    p.add_argument("dem", help="DEM raster (any CRS GDAL reads)")
    p.add_argument("output_folder", help="the product folder is created inside it")
    p.add_argument("--dem-height-reference", default="egm96", choices=DEM_HEIGHT_REFERENCES,
                   help="what the DEM heights refer to (default egm96)")
    p.add_argument("--polarisations", nargs="+", type=str.upper, help="default: all in the product")
    p.add_argument("--crs", help="output CRS, e.g. EPSG:32654 (default: UTM zone of the scene centre)")
    p.add_argument("--pixel-size", type=float, default=25.0, help="output pixel size in metres (default 25)")
    p.add_argument("--extent", type=float, nargs=4, metavar=("WEST", "SOUTH", "EAST", "NORTH"),
                   help="area of interest in degrees (lon/lat), default the whole scene")
    p.add_argument("--oversampling", type=int, default=2, help="DEM facets per pixel side (default 2)")
    p.add_argument("--workers", type=int, default=2, help="threads (default 2)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    from .scene_input import terrain_correct_product

    last = [-1]

    def progress(fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if not args.quiet and percent != last[0]:
            last[0] = percent
            print(f"\r{percent:3d}% {message[:70]:70s}", end="", file=sys.stderr, flush=True)

    try:
        result = terrain_correct_product(
            args.product, args.dem, args.output_folder, height_reference=args.dem_height_reference,
            polarisations=args.polarisations, crs=args.crs, pixel_size_m=args.pixel_size,
            extent=tuple(args.extent) if args.extent else None, extent_crs="EPSG:4326" if args.extent else None,
            oversampling=args.oversampling, workers=args.workers, progress=progress)
    except Palsar2Error as error:
        if not args.quiet:
            print(file=sys.stderr)
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(file=sys.stderr)
    print(result["folder"])
    for path in result["gamma0"].values():
        print(path)
    print(result["quicklook"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
