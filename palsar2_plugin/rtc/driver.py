"""A terrain-correction run: plan, tiles on an executor, NRB product.

:func:`terrain_correct` plans the run (:func:`.plan.plan_run`: output grid, DEM checks, orbit
polynomial, tiling and halo), hands the tiles to an executor (:mod:`.executors`: threads of this
process by default, or Dask), writes each tile's layers into the :class:`..nrb.writer.NrbWriter`
as they come, and finishes the product (COGs, XML, STAC item, quick-look). Memory is bounded by
tile size x halo x workers, whatever the output size. Progress is reported per tile; cancel is
checked between tiles and between the stages of a tile; a failed or cancelled run leaves nothing
that looks complete.

The result's ``timings`` tell where a run's time went: wall seconds of planning, of the tiles and of
finishing the product (and its CPU seconds), and CPU seconds per tile stage.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from .. import __version__
from ..gdal_cache import bounded_block_cache
from ..progress import CancelCheck, ProgressCallback, SubProgress, WarningCallback, report
from ..progress import warn as report_warning
from .executors import default_executor
from .mosaic import AREA_FLOOR_FRACTION
from .plan import RunPlan, default_tile_size, plan_run
from .radar_input import RadarInput
from .stage_times import StageTimes

OVERLAP_RULE = "looks-weighted mean of the beams' gamma0 in linear power"


def _wkt_polygon(points: Sequence[Tuple[float, float]]) -> str:
    ring = list(points) + [points[0]]
    return "Polygon ((" + ", ".join(f"{x:.6f} {y:.6f}" for x, y in ring) + "))"


def product_info(plan: RunPlan, radar: RadarInput, warnings: Sequence[str] = ()) -> Dict[str, object]:
    """The product metadata the NRB writer puts into its XML and STAC item (times UTC, angles in
    degrees, bounds in the grid's CRS, footprint in lon/lat)."""
    from pyproj import CRS

    grid, meta = plan.grid, radar.metadata
    t0, t1 = radar.time_span_s()
    near, far = radar.incidence_range_deg()
    footprint = radar.footprint_lon_lat()
    lons = [p[0] for p in footprint]
    lats = [p[1] for p in footprint]
    epsg = None
    try:
        c = CRS.from_user_input(grid.crs)
        epsg = c.to_epsg()
        crs_wkt = c.to_wkt()
    except Exception:  # noqa: BLE001 - the CRS came from the user; keep the text
        crs_wkt = str(grid.crs)
    return {
        "start_time": radar.utc_of(t0), "end_time": radar.utc_of(t1), "centre_time": radar.utc_of(0.5 * (t0 + t1)),
        "mode": meta["mode"], "polarisations": list(plan.polarisations), "look_side": meta["look_side"],
        "pass_direction": meta["pass_direction"], "beams": [b.number for b in plan.beams],
        "source_product_id": f"{meta['scene_id']}_{meta.get('product_id', '')}",
        "processing_time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software_version": f"palsar2_plugin {__version__}", "pixel_size_m": grid.pixel_size_m,
        "epsg": epsg, "crs_wkt": crs_wkt, "bounds": grid.bounds,
        "footprint_wkt": _wkt_polygon(footprint), "footprint_lon_lat": footprint,
        "lon_lat_bbox": (min(lons), min(lats), max(lons), max(lats)),
        "centre_lon_lat": (float(np.mean(lons)), float(np.mean(lats))),
        "shape": (grid.height, grid.width), "transform": tuple(grid.transform)[:6],
        "dem_path": os.path.abspath(plan.dem_path), "dem_height_reference": plan.height_reference,
        "oversampling": plan.settings.oversampling, "incidence_near_far": (near, far),
        "overlap_rule": OVERLAP_RULE, "area_floor": AREA_FLOOR_FRACTION, "warnings": list(warnings),
    }


@bounded_block_cache()
def terrain_correct(radar: RadarInput, dem_path: str, output_folder: str, *, height_reference: str = "egm96",
                    polarisations: Optional[Sequence[str]] = None, crs: Optional[str] = None,
                    pixel_size_m: float = 25.0, extent: Optional[Tuple[float, float, float, float]] = None,
                    extent_crs: Optional[str] = None, oversampling: int = 2, tile_size: Optional[int] = None,
                    workers: int = 2, progress: Optional[ProgressCallback] = None,
                    is_cancelled: Optional[CancelCheck] = None, executor=None,
                    warn: Optional[WarningCallback] = None, plan: Optional[RunPlan] = None) -> Dict[str, object]:
    """Terrain-correct ``radar`` against the DEM at ``dem_path`` and write an NRB product folder.

    ``executor`` computes the tiles; by default (:func:`.executors.default_executor`) ``workers``
    worker processes when the compiled kernels are not enabled and the run is large enough to pay
    for starting them (falling back to threads, with a progress message, when they cannot start),
    else ``workers`` threads; ``tile_size`` None: :func:`.plan.default_tile_size` of ``workers``. ``plan``: the run's
    :class:`.plan.RunPlan` when the caller made it already (from ``radar``'s geometry and these
    choices; the timings then hold no planning).

    Returns the writer's paths (``folder``, ``gamma0`` {pol: path}, ``mask``, ``local_incidence``,
    ``ellipsoid_incidence``, ``scattering_area``, ``gamma_to_sigma``, ``number_of_looks``, ``dem``,
    ``metadata``, ``stac``, ``quicklook``) plus ``grid``, ``settings``, ``plan``, ``timings`` (wall
    seconds ``planning_s``, ``tiles_s``, ``finish_s`` and of its parts ``cogs_s``, ``quicklook_s``,
    ``metadata_s`` (XML, STAC, renaming); ``planning_cpu_s``, ``finish_cpu_s``; ``stages_cpu_s``, CPU
    seconds per tile stage; the executor's ``facts``: ``executor``, what ran the tiles, and for worker
    processes ``worker_peak_rss_mib``, ``worker_start_s``) and ``warnings`` (the radar input's, e.g. an implausible calibration factor, and
    the DEM's, e.g. partial coverage; each also passed to ``warn`` and written into the product's
    metadata). GDAL's block cache is bounded while it runs (:mod:`palsar2_plugin.gdal_cache`).
    """
    from ..nrb.naming import product_name
    from ..nrb.writer import NrbWriter

    timings = {}
    if plan is None:
        report(progress, 0.0, "Preparing the output grid and the DEM")
        started, started_cpu = time.perf_counter(), time.process_time()
        plan = plan_run(radar, dem_path, height_reference=height_reference, polarisations=polarisations, crs=crs,
                        pixel_size_m=pixel_size_m, extent=extent, extent_crs=extent_crs, oversampling=oversampling,
                        tile_size=tile_size or default_tile_size(workers))
        timings.update(planning_s=time.perf_counter() - started, planning_cpu_s=time.process_time() - started_cpu)
    warnings = list(radar.metadata.get("warnings", ())) + list(plan.warnings)
    for message in warnings:
        report_warning(warn, message)
    meta = radar.metadata
    name = product_name(meta["scene_id"], meta["mode"], meta["look_side"], meta["pass_direction"])
    writer = NrbWriter(output_folder, name, plan.grid, list(plan.polarisations))
    tile_progress = SubProgress(progress, 0.02, 0.85)
    stage_times = StageTimes()
    try:
        settings = plan.settings
        report(tile_progress, 0.0, f"Terrain correction: {len(plan.tiles)} tiles of {settings.tile_rows} x "
                                   f"{settings.tile_cols} px")
        started = time.perf_counter()
        executor = executor or default_executor(plan, workers)
        executor.run(plan, radar, lambda layers, tile: writer.write_tile(layers, tile.row0, tile.col0), tile_progress,
                     is_cancelled, stage_times)
        timings["tiles_s"] = time.perf_counter() - started
        timings.update(getattr(executor, "facts", {}))
        finishing, finishing_cpu = time.perf_counter(), time.process_time()
        result = writer.finish(product_info(plan, radar, warnings), SubProgress(progress, 0.85, 1.0), is_cancelled)
        timings["finish_s"] = time.perf_counter() - finishing
        timings["finish_cpu_s"] = time.process_time() - finishing_cpu
        timings.update(writer.timings)
        timings["stages_cpu_s"] = stage_times.totals()
    except BaseException:
        writer.abort()
        raise
    result.update(grid=plan.grid, settings=plan.settings, plan=plan, timings=timings, warnings=warnings)
    return result
