"""Command line: ``python -m palsar2_plugin.simulate --dem DEM.tif --mode WBD --out DIR [options]``.

A repeat pass of a product simulated with ``--speckle band-limited``:
``python -m palsar2_plugin.simulate --repeat-of PRODUCT --out DIR [--days 14]
[--perpendicular-baseline-m 150] [--coherence 0.8] [--uplift LAT,LON,RADIUS_KM,PEAK_M] ...``
(see :mod:`.repeat` and :mod:`.truth`).

Prints the folder of the product written. Run it from the repository root with /usr/bin/python3.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from ..errors import Palsar2Error
from ..geoid import DEM_HEIGHT_REFERENCES
from .modes import MODES
from .deformation import CoherencePatch, Uplift
from .product import DEM_HEIGHT_REFERENCE, SPECKLE_MODELS, SPECKLE_WHITE, PointTarget, simulate_product
from .repeat import simulate_repeat


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


def _numbers(text: str, count: int, what: str) -> List[float]:
    parts = [p for p in text.split(",") if p.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if len(values) != count:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return values


def _beam_list(text: str) -> List[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--beams expects beam numbers like 2,3, got {text!r}") from None


def _uplift(text: str) -> Uplift:
    lat, lon, radius, peak = _numbers(text, 4, "LAT,LON,RADIUS_KM,PEAK_M")
    return Uplift(lat, lon, radius, peak)


def _coherence_patch(text: str) -> CoherencePatch:
    lat, lon, radius, value = _numbers(text, 4, "LAT,LON,RADIUS_KM,COHERENCE")
    if not 0.0 <= value <= 1.0 or radius <= 0:
        raise argparse.ArgumentTypeError(f"--coherence-patch: radius > 0 and coherence 0..1, got {text!r}")
    return CoherencePatch(lat, lon, radius, value)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m palsar2_plugin.simulate",
        description="Simulate a PALSAR-2 L1.1 CEOS product (VOL, LED, IMG, TRL, summary.txt) over a DEM with a "
                    "known true gamma0, speckle and optional point targets, or (--repeat-of) a repeat pass of "
                    "such a product for interferometry, with a known deformation, coherence and baseline and "
                    "a truth raster beside it. Prints the product folder.")
    p.add_argument("--dem", help="DEM raster (any CRS GDAL reads); the scene is centred on it. "
                                 "Omit for a flat ellipsoid and give --centre. With --repeat-of: default the "
                                 "reference's DEM.")
    p.add_argument("--mode", type=str.upper, choices=sorted(MODES), help="observation mode (not with --repeat-of)")
    p.add_argument("--out", required=True, help="output folder; the product folder is created inside it")
    p.add_argument("--lines", type=int, help="lines of every beam (default: full scene length)")
    p.add_argument("--pixels", type=int, help="pixels of every beam (default: full beam width)")
    p.add_argument("--gamma0-db", nargs="+", default=[], metavar="POL=DB",
                   help="true gamma0 per polarisation in dB, e.g. HH=-8 HV=-15 (defaults)")
    p.add_argument("--pass", dest="pass_direction", choices=("ascending", "descending"), default="descending",
                   help="orbit pass (default descending)")
    p.add_argument("--look-side", choices=("right", "left"), default="right",
                   help="antenna look side (default right)")
    p.add_argument("--seed", type=int, default=None,
                   help="speckle random seed (default 0; with --repeat-of: derived from the reference's)")
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
    p.add_argument("--speckle", choices=SPECKLE_MODELS, default=SPECKLE_WHITE,
                   help="speckle model: 'white' (independent samples per pixel, default) or 'band-limited' (a SAR-like "
                        "band-limited field that belongs to the ground, with ScanSAR bursts: needed for --repeat-of)")
    p.add_argument("--beams", type=_beam_list, metavar="N,N",
                   help="ScanSAR: write only these beams (e.g. 2,3; default all)")
    p.add_argument("--beam", help="stripmap beam number placing the swath at its off-nadir angle, e.g. U2-7 (UBS/UBD: "
                                  "U2-6..U3-14; HBS/HBD: FP6-3..FP6-7)")
    p.add_argument("--oversample", type=int, default=None,
                   help="terrain mesh vertices per range pixel (default 2; with --repeat-of: the reference's)")
    p.add_argument("--terrain-line-step", type=int, default=1,
                   help="compute the terrain on every n-th line and interpolate in between (default 1; 8-16 for "
                        "real-size ScanSAR scenes)")
    r = p.add_argument_group("repeat pass (interferometric pair)")
    r.add_argument("--repeat-of", metavar="PRODUCT",
                   help="simulate a repeat pass of this simulated product (folder or any of its files; simulated with "
                        "--speckle band-limited or --no-speckle): same mode, beam, pass and look side")
    r.add_argument("--days", type=float, default=14.0,
                   help="days after the reference (a multiple of 14, ALOS-2's repeat cycle; default 14)")
    r.add_argument("--perpendicular-baseline-m", type=float, default=100.0,
                   help="perpendicular baseline at the scene centre in metres (ISCE2's sign; default 100)")
    r.add_argument("--coherence", type=float, default=1.0,
                   help="temporal coherence of the scatterers between the two acquisitions, 0-1 (default 1)")
    r.add_argument("--coherence-patch", action="append", default=[], type=_coherence_patch,
                   metavar="LAT,LON,RADIUS_KM,C", help="temporal coherence C inside this disc (repeatable)")
    r.add_argument("--uplift", action="append", default=[], type=_uplift, metavar="LAT,LON,RADIUS_KM,PEAK_M",
                   help="vertical Gaussian displacement: PEAK_M metres (positive up) at LAT,LON, standard deviation "
                        "RADIUS_KM (repeatable)")
    r.add_argument("--displacement", metavar="ENU.tif",
                   help="displacement raster: 3 bands east, north, up in metres (any CRS; 0 outside it)")
    r.add_argument("--burst-offset-ms", type=float, default=0.0,
                   help="ScanSAR: delay of the repeat's raw bursts from synchronisation at the scene centre, in "
                        "milliseconds (bursts last 135-173 ms; default 0 = synchronised)")
    r.add_argument("--track-offset", type=int, default=0, metavar="PATHS",
                   help="image the area from a track this many paths away instead: an unrelated acquisition "
                        "(independent speckle, no truth), for testing that processors refuse the pair")
    r.add_argument("--azimuth-shift-lines", type=float, default=0.0,
                   help="move the repeat's lines along track by this many lines (default 0)")
    r.add_argument("--truth-pixel-size", type=float,
                   help="truth raster on an EPSG:4326 grid of this cell size (degrees) instead of the DEM's grid")
    p.add_argument("--workers", type=int, default=2, help="threads computing the terrain ahead (default 2)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.seed_given = args.seed is not None
    if args.seed is None:
        args.seed = 0
    try:
        gamma0 = _gamma0(args.gamma0_db)
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    if args.repeat_of:
        return _repeat(parser, args)
    if not args.mode:
        parser.error("give --mode (or --repeat-of PRODUCT)")
    centre = None
    if args.centre:
        try:
            lat, lon = (float(v) for v in args.centre.split(","))
        except ValueError:
            parser.error(f"--centre expects LAT,LON in degrees, got {args.centre!r}")
        centre = (lat, lon)
    if args.dem is None and centre is None:
        parser.error("give --dem, or --centre LAT,LON for a flat ellipsoid")

    return _run(args, lambda progress: simulate_product(
        args.dem, args.mode, args.out, lines=args.lines, pixels=args.pixels, gamma0_db=gamma0,
        pass_direction=args.pass_direction, look_side=args.look_side, seed=args.seed,
        dem_height_reference=args.dem_height_reference, centre_lat_lon=centre, point_targets=args.point_target,
        oversample_range=args.oversample or 2, terrain_line_step=args.terrain_line_step,
        speckle_noise=not args.no_speckle, speckle=args.speckle,
        beam_id=args.beam, beams=args.beams, noise_equivalent_sigma0_db=args.nesz_db, workers=args.workers,
        progress=progress))


def _repeat(parser: argparse.ArgumentParser, args) -> int:
    ignored = [name for name, value in (("--mode", args.mode), ("--lines", args.lines), ("--pixels", args.pixels),
                                        ("--gamma0-db", args.gamma0_db), ("--centre", args.centre),
                                        ("--point-target", args.point_target), ("--beam", args.beam),
                                        ("--beams", args.beams),
                                        ("--nesz-db", args.nesz_db), ("--no-speckle", args.no_speckle))
               if value]
    if ignored:
        parser.error(f"{', '.join(ignored)}: a repeat pass takes these from the reference (--repeat-of)")
    return _run(args, lambda progress: simulate_repeat(
        args.repeat_of, args.out, days=args.days, perpendicular_baseline_m=args.perpendicular_baseline_m,
        coherence=args.coherence, coherence_patches=args.coherence_patch, uplifts=args.uplift,
        displacement_raster=args.displacement, burst_offset_ms=args.burst_offset_ms, track_offset=args.track_offset,
        azimuth_shift_lines=args.azimuth_shift_lines, seed=args.seed if args.seed_given else None,
        dem_path=args.dem, truth_pixel_size=args.truth_pixel_size, oversample_range=args.oversample,
        workers=args.workers, progress=progress))


def _run(args, work) -> int:
    last = [-1]

    def progress(fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if not args.quiet and percent != last[0]:
            last[0] = percent
            print(f"\r{percent:3d}% {message:40.40s}", end="", file=sys.stderr, flush=True)

    try:
        folder = work(progress)
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
