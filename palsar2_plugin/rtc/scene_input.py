"""A CEOS L1.1 product (``palsar2_plugin.ceos``) as a :class:`~.radar_input.RadarInput`.

Each beam and polarisation is multilooked once, streaming block by block (two threads), to calibrated
beta0 (linear power) in a float32 raw file inside a temporary cache folder; the tiles then read small
windows of it through short-lived memory maps, so memory stays bounded whatever the scene size. Over
an extent only the lines and pixels its tiles can read are calibrated (:func:`extent_windows`).
:func:`terrain_correct_product` plans the run while the beams are being calibrated.

Calibration: :func:`..radiometry.calibrate` (JAXA: sigma0 = 10^((CF - 32)/10) <I^2 + Q^2> on the
ellipsoid, beta0 = sigma0 / sin(theta_ell)) with the ellipsoid incidence of every multilooked
pixel from :func:`..geometry.range_doppler.ellipsoid_incidence_rows`: the same numbers
``palsar2:readceos`` writes for the same looks. Multilook: ``looks`` = (azimuth, range); by default
the cell on the ground is about the output pixel size (:func:`..geometry.range_doppler.default_looks`;
JAXA's L2.2 uses 25 m).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import Palsar2Error
from ..gdal_cache import bounded_block_cache
from ..geometry.range_doppler import default_looks, ellipsoid_incidence_rows
from ..progress import CancelCheck, ProgressCallback, SubProgress, WarningCallback, check_cancelled, report
from ..radiometry import calibrate
from ..staging import ScratchFolder, writable_folder
from .radar_input import Beta0FileInput, RadarBeam, RadarGeometry


class SceneRadarInput(Beta0FileInput):
    """See the module docstring. Call :meth:`close` (or use as a context manager) to remove the
    cache folder. ``calibration_s``, ``calibration_cpu_s``: the wall and CPU seconds (this process,
    all threads) the calibration took."""

    def __init__(self, scene, polarisations: Optional[Sequence[str]] = None, pixel_size_m: float = 25.0,
                 looks: Optional[Tuple[int, int]] = None, cache_dir: Optional[str] = None,
                 progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None,
                 windows: Optional[Dict[int, Tuple[int, ...]]] = None, work_dir: Optional[str] = None):
        """``windows``: {beam: (first line, stop line[, first pixel, stop pixel])} 0-based input lines
        and pixels to calibrate, the beams left out not at all (default: every beam whole; see
        :func:`extent_windows`); the beams' grids then start at their windows.
        The beta0 files go into a hidden scratch folder in ``cache_dir`` (default: the system's
        temporary folder; a killed run's is removed by the next run, see :mod:`..staging`), or into
        ``work_dir``, an existing folder that its owner removes."""
        require_l11(scene)
        started, started_cpu = time.perf_counter(), time.process_time()
        orbit = scene.orbit()
        pols = chosen_polarisations(scene, polarisations)
        windows = beam_windows(scene, orbit, pixel_size_m, looks, windows)
        metadata = dict(scene_id=scene.scene_id, product_id=scene.product_id, mode=scene.mode,
                        look_side=scene.look_side, pass_direction=scene.pass_direction,
                        warnings=tuple(scene.warnings))
        self._scratch = None if work_dir else ScratchFolder(cache_dir or tempfile.gettempdir(), "palsar2-beta0")
        super().__init__(orbit, (), pols, metadata, {}, work_dir or self._scratch.path)
        self.scene = scene
        jobs = [(w, p) for w in windows for p in pols]
        try:
            for j, (w, pol) in enumerate(jobs):
                path = os.path.join(self.folder, f"beta0_F{w.beam}_{pol}.f32")
                sub = SubProgress(progress, j / len(jobs), (j + 1) / len(jobs))
                image = scene.image(w.beam, pol)
                with open(path, "wb") as fh:
                    blocks = (_iter_whole(image, w.looks[0], w.looks[1], sub, is_cancelled) if w.whole(image)
                              else _iter_window(image, w, sub, is_cancelled))
                    for row0, block in blocks:
                        beta0 = calibrate(block, scene.calibration_factor_db, scene.level, "beta0",
                                          ellipsoid_incidence_rows(w.grid, orbit, row0, row0 + block.shape[0]))
                        fh.write(beta0.tobytes())
                self.files[(w.beam, pol)] = (path, (w.grid.lines, w.grid.pixels))
                check_cancelled(is_cancelled)
        except BaseException:
            self.close()
            raise
        self.beams = tuple(w.radar_beam for w in windows)
        self.calibration_s = time.perf_counter() - started
        self.calibration_cpu_s = time.process_time() - started_cpu
        report(progress, 1.0, "Calibrated beta0 ready")

    def close(self) -> None:
        """Remove the scratch folder this input made (a ``work_dir`` is its owner's)."""
        if self._scratch is not None:
            self._scratch.close()

    def detached(self) -> Beta0FileInput:
        """The calibrated rasters alone (no scene): what a Dask task returns to the client."""
        return Beta0FileInput(self.orbit, self.beams, self.polarisations, self.metadata, self.files, self.folder)


def require_l11(scene) -> None:
    """A Palsar2Error saying what to do unless ``scene`` is an L1.1 (slant-range) product."""
    if not str(scene.level).startswith("1.1"):
        raise Palsar2Error(f"Terrain correction needs an L1.1 (slant-range) product; {scene.product_id} is "
                           f"level {scene.level}. Download the L1.1 product of this scene.")


def chosen_polarisations(scene, polarisations: Optional[Sequence[str]] = None) -> List[str]:
    """``polarisations`` (default: all of the product's), upper case; a Palsar2Error names those the
    product lacks."""
    pols = [p.upper() for p in (polarisations or scene.polarisations)]
    missing = [p for p in pols if p not in scene.polarisations]
    if missing:
        raise Palsar2Error(f"The product has no {', '.join(missing)} images; it has "
                           f"{', '.join(scene.polarisations)}.")
    return pols


@dataclass(frozen=True)
class BeamWindow:
    """What is calibrated of one beam: input lines [line0, line1) and pixels [pixel0, pixel1)
    (0-based), ``looks`` (azimuth, range) and the radar grid of the multilooked beta0 image
    (``grid``, starting at the window)."""

    beam: int
    line0: int
    line1: int
    pixel0: int
    pixel1: int
    looks: Tuple[int, int]
    grid: object  # geometry.RadarGrid

    @property
    def radar_beam(self) -> RadarBeam:
        return RadarBeam(self.beam, self.grid, float(self.looks[0] * self.looks[1]))

    def whole(self, image) -> bool:
        return (self.line0, self.line1, self.pixel0, self.pixel1) == (0, image.lines, 0, image.pixels)


def beam_windows(scene, orbit, pixel_size_m: float = 25.0, looks: Optional[Tuple[int, int]] = None,
                 windows: Optional[Dict[int, Tuple[int, ...]]] = None) -> List[BeamWindow]:
    """The :class:`BeamWindow` of every beam of ``scene`` (of those in ``windows`` when given):
    ``looks`` or :func:`default_looks` for ``pixel_size_m``; the lines and pixels of ``windows``
    {beam: (line0, line1[, pixel0, pixel1])} (default: all), each from a whole look on. Beams whose
    window holds less than one look are left out; a Palsar2Error when none is left."""
    out = []
    for beam in scene.beams:
        if windows is not None and beam not in windows:
            continue
        grid = scene.radar_grid(beam, orbit)
        la, lr = looks or default_looks(grid, orbit, pixel_size_m)
        window = tuple(windows[beam]) if windows is not None else ()
        l0, l1, p0, p1 = (window + (0, grid.lines, 0, grid.pixels)[len(window):])[:4]
        l0, l1 = max(0, int(l0)), min(grid.lines, int(l1))
        p0, p1 = max(0, int(p0)), min(grid.pixels, int(p1))
        l0, p0 = l0 - l0 % la, p0 - p0 % lr
        if l1 - l0 < la or p1 - p0 < lr:
            continue
        if (l0, l1, p0, p1) != (0, grid.lines, 0, grid.pixels):
            grid = replace(grid, first_line_time_s=grid.first_line_time_s + l0 * grid.line_interval_s, lines=l1 - l0,
                           slant_range_first_m=grid.slant_range_first_m + p0 * grid.range_spacing_m, pixels=p1 - p0)
        out.append(BeamWindow(beam, l0, l1, p0, p1, (la, lr), grid.multilooked(la, lr)))
    if not out:
        raise Palsar2Error("No beam of the product has image lines over the chosen extent: choose an extent inside "
                           "the scene's footprint.")
    return out


#: Margin (m of ground along track) around the lines an extent's tiles read: the azimuth halo and
#: geolocation slack.
LINE_MARGIN_M = 600.0
#: Heights (m) the lines and pixels of an extent are found for: the DEM's are not known yet.
EXTENT_HEIGHTS_M = (-500.0, 9000.0)


def extent_windows(scene, crs, pixel_size_m: float, extent, extent_crs, oversampling: int = 2
                   ) -> Tuple[Dict[int, Tuple[int, int, int, int]], str]:
    """({beam: (line0, line1, pixel0, pixel1)}, output CRS): the 0-based input lines and pixels the
    tiles of the output grid of ``extent`` can read, and the CRS of that grid (``crs``, or the UTM
    zone of the whole scene's footprint, so that a run over an extent lays its pixels where a run
    over the whole scene does). Zero-Doppler time and slant range of a lattice over the grid at the
    lowest and highest plausible heights (:data:`EXTENT_HEIGHTS_M`), widened along track by
    :data:`LINE_MARGIN_M` and in range by the tiles' largest range halo
    (:data:`.plan.MAX_HALO_FACETS` facets of pixel_size_m / oversampling) and three cells; beams
    the extent does not meet are left out."""
    import math

    import numpy as np
    from pyproj import Transformer

    from ..geometry.ellipsoid import geodetic_to_ecef
    from ..geometry.orbit_polynomial import orbit_polynomial
    from ..geometry.zero_doppler import solve
    from .grid import make_output_grid
    from .plan import MAX_HALO_FACETS

    probe = RadarGeometry.of_scene(scene)
    grid = make_output_grid(probe.footprint_lon_lat(), crs=crs, pixel_size_m=pixel_size_m, extent=extent,
                            extent_crs=extent_crs)
    t0, t1 = probe.time_span_s()
    orbit = orbit_polynomial(probe.orbit, t0, t1, degree=9, margin_s=20.0)
    rows, cols = np.linspace(0, grid.height, 17), np.linspace(0, grid.width, 17)
    x, y = np.broadcast_arrays(grid.transform.c + cols[None, :] * grid.transform.a,
                               grid.transform.f + rows[:, None] * grid.transform.e)
    lon, lat = Transformer.from_crs(grid.crs, "EPSG:4326", always_xy=True).transform(x, y)
    times, ranges = [], []
    for height in EXTENT_HEIGHTS_M:
        p = geodetic_to_ecef(np.asarray(lat), np.asarray(lon), height)
        sol = solve((p[..., 0], p[..., 1], p[..., 2]), orbit)
        times.append(sol.time_s)
        ranges.append(sol.slant_range_m)
    t, r = np.concatenate(times, axis=None), np.concatenate(ranges, axis=None)
    if not (np.isfinite(t).all() and np.isfinite(r).all()):
        return {b.number: (0, b.grid.lines, 0, b.grid.pixels) for b in probe.beams}, str(grid.crs)
    margin_s = LINE_MARGIN_M / 6500.0
    out = {}
    for beam in probe.beams:
        g = beam.grid
        margin_m = MAX_HALO_FACETS * pixel_size_m / max(1, int(oversampling)) + 3.0 * g.range_spacing_m
        l0 = int(math.floor((float(t.min()) - margin_s - g.first_line_time_s) / g.line_interval_s))
        l1 = int(math.ceil((float(t.max()) + margin_s - g.first_line_time_s) / g.line_interval_s)) + 1
        p0 = int(math.floor((float(r.min()) - margin_m - g.slant_range_first_m) / g.range_spacing_m))
        p1 = int(math.ceil((float(r.max()) + margin_m - g.slant_range_first_m) / g.range_spacing_m)) + 1
        l0, l1 = min(max(l0, 0), g.lines), min(max(l1, 0), g.lines)
        p0, p1 = min(max(p0, 0), g.pixels), min(max(p1, 0), g.pixels)
        if l1 > l0 and p1 > p0:
            out[beam.number] = (l0, l1, p0, p1)
    return out, str(grid.crs)


#: Threads multilooking the blocks of a beam file (the compiled kernel and numpy release the GIL;
#: reading, mostly, waits for the disk).
CALIBRATION_WORKERS = 2


def _iter_whole(image, looks_az: int, looks_rg: int, progress, is_cancelled):
    from ..ceos.image import iter_multilooked_intensity

    return iter_multilooked_intensity(image, looks_az, looks_rg, progress=progress, is_cancelled=is_cancelled,
                                      workers=CALIBRATION_WORKERS)


def _iter_window(image, window: BeamWindow, progress, is_cancelled):
    """Multilooked intensity of the lines and pixels of ``window`` only, in blocks (like
    iter_multilooked_intensity)."""
    from ..ceos.image import ImageReader, multilook_intensity

    (looks_az, looks_rg), line0, line1 = window.looks, window.line0, window.line1
    with ImageReader(image) as reader:
        n = reader.block_lines(looks_az)
        stop = line0 + ((line1 - line0) // looks_az) * looks_az
        for start in range(line0, stop, n):
            check_cancelled(is_cancelled)
            samples = reader.samples(start, min(stop, start + n))[:, window.pixel0:window.pixel1]
            yield (start - line0) // looks_az, multilook_intensity(samples, looks_az, looks_rg)
            report(progress, (min(stop, start + n) - line0) / max(stop - line0, 1), f"beam {image.beam}")


def check_inputs(scene, dem_path: str, height_reference: str, crs, pixel_size_m: float, extent,
                 extent_crs) -> List[str]:
    """Fail early (before the long calibration pass) on a DEM, height reference, output CRS or
    extent that cannot work with ``scene`` (raises a Palsar2Error saying what to do); returns the
    DEM's warnings (:func:`.dem.check_dem_covers`)."""
    from ..geoid import normalise_height_reference
    from .dem import DemSource, check_dem_covers
    from .grid import make_output_grid

    normalise_height_reference(height_reference)
    footprint = RadarGeometry.of_scene(scene).footprint_lon_lat()
    grid = make_output_grid(footprint, crs=crs, pixel_size_m=pixel_size_m, extent=extent, extent_crs=extent_crs)
    dem = DemSource(dem_path, height_reference)
    try:
        return check_dem_covers(dem, grid, footprint_lon_lat=footprint)
    finally:
        dem.close()


class _CalibratedGeometry(RadarGeometry):
    """The geometry of the beta0 images :class:`SceneRadarInput` is making, and their polarisations:
    what planning a run needs before the calibration has finished."""

    def __init__(self, orbit, polarisations, windows: Sequence[BeamWindow]):
        super().__init__(orbit, [w.radar_beam for w in windows])
        self.polarisations = tuple(polarisations)


def plan_scene_run(scene, orbit, polarisations: Sequence[str], dem_path: str, *, pixel_size_m: float = 25.0,
                   looks: Optional[Tuple[int, int]] = None, windows: Optional[Dict[int, Tuple[int, ...]]] = None,
                   **choices):
    """:func:`.plan.plan_run` (``choices``: its keyword arguments) of the whole scene's calibrated
    geometry, its beams then those of ``windows``: what the tiles share (layover bins, sub-points per
    facet, halo, orbit polynomial) does not depend on the windows, so a run over an extent gives the
    whole scene's pixels there."""
    from .plan import plan_run

    whole = beam_windows(scene, orbit, pixel_size_m, looks)
    plan = plan_run(_CalibratedGeometry(orbit, polarisations, whole), dem_path, polarisations=polarisations,
                    pixel_size_m=pixel_size_m, **choices)
    if windows is None:
        return plan
    return replace(plan, beams=tuple(w.radar_beam for w in beam_windows(scene, orbit, pixel_size_m, looks, windows)))


@bounded_block_cache()
def terrain_correct_product(product_path, dem_path: str, output_folder: str, *, height_reference: str = "egm96",
                            polarisations: Optional[Sequence[str]] = None, crs: Optional[str] = None,
                            pixel_size_m: float = 25.0, extent=None, extent_crs: Optional[str] = None,
                            oversampling: int = 2, looks: Optional[Tuple[int, int]] = None,
                            tile_size: Optional[int] = None,
                            workers: int = 2, progress: Optional[ProgressCallback] = None,
                            is_cancelled: Optional[CancelCheck] = None,
                            warn: Optional[WarningCallback] = None) -> Dict[str, object]:
    """The full chain for a CEOS L1.1 product (folder, zip or any of its files): calibrate and
    multilook, terrain-correct, write the NRB product. Returns :func:`.driver.terrain_correct`'s dict,
    its ``timings`` with ``opening_s``, ``calibration_s`` and ``planning_s`` (wall seconds; calibrating
    and planning run at the same time) and their CPU seconds ``opening_cpu_s``, ``calibration_cpu_s``
    (the process's CPU over both minus planning's) and ``planning_cpu_s`` (its thread's) too. ``warn``
    receives each warning (the product's metadata lists them too).

    The run is planned (output grid, DEM checks and relief, see :func:`.plan.plan_run`) in this
    thread while another calibrates the beams (mostly waiting for the disk): a DEM, output CRS or
    extent that cannot work stops the calibration at once and raises (nothing is left behind).
    With an ``extent`` only the lines and pixels its tiles can read are calibrated
    (:func:`extent_windows`), and beams it does not meet not at all. GDAL's block cache is bounded
    from the start (:mod:`palsar2_plugin.gdal_cache`): planning reads the whole DEM, and with GDAL's
    default cache (5 % of the RAM) a real-size ScanSAR scene's planning peaked at 1.36 GB and left
    1.06 GB resident (bounded: 0.63 and 0.35 GB)."""
    from ..ceos import open_product
    from ..geoid import normalise_height_reference
    from .driver import terrain_correct
    from .plan import default_tile_size

    writable_folder(output_folder)
    normalise_height_reference(height_reference)
    started, started_cpu = time.perf_counter(), time.process_time()
    scene = open_product(product_path)
    require_l11(scene)
    orbit = scene.orbit()
    pols = chosen_polarisations(scene, polarisations)
    windows = None
    if extent is not None:     # only the lines and pixels the extent's tiles can read, on the whole scene's CRS
        windows, crs = extent_windows(scene, crs, pixel_size_m, extent, extent_crs, oversampling)
    opening_s, opening_cpu_s = time.perf_counter() - started, time.process_time() - started_cpu

    report(progress, 0.0, "Calibrating and multilooking the radar images")
    stop = threading.Event()

    def cancelled() -> bool:
        return stop.is_set() or (is_cancelled is not None and is_cancelled())

    started, started_cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="palsar2-calibration") as pool:
        calibrating = pool.submit(SceneRadarInput, scene, pols, pixel_size_m, looks, cache_dir=output_folder,
                                  progress=SubProgress(progress, 0.0, 0.2), is_cancelled=cancelled, windows=windows)
        try:
            planning, planning_cpu = time.perf_counter(), time.thread_time()
            plan = plan_scene_run(scene, orbit, pols, dem_path, pixel_size_m=pixel_size_m, looks=looks, windows=windows,
                                  height_reference=height_reference, crs=crs, extent=extent, extent_crs=extent_crs,
                                  oversampling=oversampling, tile_size=tile_size or default_tile_size(workers))
            planning_s, planning_cpu_s = time.perf_counter() - planning, time.thread_time() - planning_cpu
        except BaseException:
            stop.set()                      # the calibration stops at its next block and removes its files
            try:
                calibrating.result().close()
            except BaseException:           # noqa: BLE001 - Cancelled, or its own failure: the planning's error counts
                pass
            raise
        radar = calibrating.result()
    both_cpu_s = time.process_time() - started_cpu
    with radar:
        result = terrain_correct(radar, dem_path, output_folder, height_reference=height_reference,
                                 polarisations=radar.polarisations, crs=crs, pixel_size_m=pixel_size_m, extent=extent,
                                 extent_crs=extent_crs, oversampling=oversampling, tile_size=tile_size,
                                 workers=workers, progress=SubProgress(progress, 0.2, 1.0), is_cancelled=is_cancelled,
                                 warn=warn, plan=plan)
        result["timings"].update(opening_s=opening_s, opening_cpu_s=opening_cpu_s, calibration_s=radar.calibration_s,
                                 calibration_cpu_s=max(0.0, both_cpu_s - planning_cpu_s), planning_s=planning_s,
                                 planning_cpu_s=planning_cpu_s)
        return result
