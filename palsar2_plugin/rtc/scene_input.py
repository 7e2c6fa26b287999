"""A CEOS L1.1 product (``palsar2_plugin.ceos``) as a :class:`~.radar_input.RadarInput`.

Each beam and polarisation is multilooked once, streaming block by block, to calibrated beta0
(linear power) in a float32 raw file inside a temporary cache folder; the tiles then read small
windows of it through short-lived memory maps, so memory stays bounded whatever the scene size.

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
import time
from dataclasses import replace
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import Palsar2Error
from ..geometry.range_doppler import default_looks, ellipsoid_incidence_rows
from ..progress import CancelCheck, ProgressCallback, SubProgress, WarningCallback, check_cancelled, report
from ..radiometry import calibrate
from ..staging import ScratchFolder, writable_folder
from .radar_input import Beta0FileInput, RadarBeam, RadarGeometry


class SceneRadarInput(Beta0FileInput):
    """See the module docstring. Call :meth:`close` (or use as a context manager) to remove the
    cache folder. ``calibration_s``: the wall seconds the calibration took."""

    def __init__(self, scene, polarisations: Optional[Sequence[str]] = None, pixel_size_m: float = 25.0,
                 looks: Optional[Tuple[int, int]] = None, cache_dir: Optional[str] = None,
                 progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None,
                 line_windows: Optional[Dict[int, Tuple[int, int]]] = None, work_dir: Optional[str] = None):
        """``line_windows``: {beam: (first, stop)} 0-based input lines to calibrate (default: all);
        the beam's grid then starts at the window (used to read only what a small extent needs).
        The beta0 files go into a hidden scratch folder in ``cache_dir`` (default: the system's
        temporary folder; a killed run's is removed by the next run, see :mod:`..staging`), or into
        ``work_dir``, an existing folder that its owner removes."""
        if not str(scene.level).startswith("1.1"):
            raise Palsar2Error(f"Terrain correction needs an L1.1 (slant-range) product; {scene.product_id} is "
                               f"level {scene.level}. Download the L1.1 product of this scene.")
        started = time.perf_counter()
        orbit = scene.orbit()
        pols = [p.upper() for p in (polarisations or scene.polarisations)]
        missing = [p for p in pols if p not in scene.polarisations]
        if missing:
            raise Palsar2Error(f"The product has no {', '.join(missing)} images; it has "
                               f"{', '.join(scene.polarisations)}.")
        metadata = dict(scene_id=scene.scene_id, product_id=scene.product_id, mode=scene.mode,
                        look_side=scene.look_side, pass_direction=scene.pass_direction,
                        warnings=tuple(scene.warnings))
        self._scratch = None if work_dir else ScratchFolder(cache_dir or tempfile.gettempdir(), "palsar2-beta0")
        super().__init__(orbit, (), pols, metadata, {}, work_dir or self._scratch.path)
        self.scene = scene
        beams = []
        jobs = [(b, p) for b in scene.beams for p in pols]
        try:
            for j, (beam, pol) in enumerate(jobs):
                grid = scene.radar_grid(beam, orbit)
                la, lr = looks or default_looks(grid, orbit, pixel_size_m)
                l0, l1 = (line_windows or {}).get(beam, (0, grid.lines))
                l0, l1 = max(0, int(l0) - int(l0) % la), min(grid.lines, int(l1))
                if (l0, l1) != (0, grid.lines):
                    if l1 - l0 < la:
                        raise Palsar2Error(f"Beam {beam} has no image lines over the chosen extent.")
                    grid = replace(grid, first_line_time_s=grid.first_line_time_s + l0 * grid.line_interval_s,
                                   lines=l1 - l0)
                ml = grid.multilooked(la, lr)
                path = os.path.join(self.folder, f"beta0_F{beam}_{pol}.f32")
                sub = SubProgress(progress, j / len(jobs), (j + 1) / len(jobs))
                image = scene.image(beam, pol)
                with open(path, "wb") as fh:
                    blocks = (_iter_window(image, l0, l1, la, lr, sub, is_cancelled) if (l0, l1) != (0, image.lines)
                              else _iter_whole(image, la, lr, sub, is_cancelled))
                    for row0, block in blocks:
                        beta0 = calibrate(block, scene.calibration_factor_db, scene.level, "beta0",
                                          ellipsoid_incidence_rows(ml, orbit, row0, row0 + block.shape[0]))
                        fh.write(beta0.tobytes())
                self.files[(beam, pol)] = (path, (ml.lines, ml.pixels))
                if pol == pols[0]:
                    beams.append(RadarBeam(beam, ml, float(la * lr)))
                check_cancelled(is_cancelled)
        except BaseException:
            self.close()
            raise
        self.beams = tuple(beams)
        self.calibration_s = time.perf_counter() - started
        report(progress, 1.0, "Calibrated beta0 ready")

    def close(self) -> None:
        """Remove the scratch folder this input made (a ``work_dir`` is its owner's)."""
        if self._scratch is not None:
            self._scratch.close()

    def detached(self) -> Beta0FileInput:
        """The calibrated rasters alone (no scene): what a Dask task returns to the client."""
        return Beta0FileInput(self.orbit, self.beams, self.polarisations, self.metadata, self.files, self.folder)


def _iter_whole(image, looks_az: int, looks_rg: int, progress, is_cancelled):
    from ..ceos.image import iter_multilooked_intensity

    return iter_multilooked_intensity(image, looks_az, looks_rg, progress=progress, is_cancelled=is_cancelled)


def _iter_window(image, line0: int, line1: int, looks_az: int, looks_rg: int, progress, is_cancelled):
    """Multilooked intensity of input lines [line0, line1) only, in blocks (like iter_multilooked_intensity)."""
    from ..ceos.image import ImageReader, multilook_intensity

    with ImageReader(image) as reader:
        n = reader.block_lines(looks_az)
        stop = line0 + ((line1 - line0) // looks_az) * looks_az
        for start in range(line0, stop, n):
            check_cancelled(is_cancelled)
            yield (start - line0) // looks_az, multilook_intensity(reader.samples(start, min(stop, start + n)),
                                                                   looks_az, looks_rg)
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
    its ``timings`` with ``opening_s`` and ``calibration_s`` (wall seconds) too. ``warn`` receives
    each warning (the product's metadata lists them too)."""
    from ..ceos import open_product
    from .driver import terrain_correct

    writable_folder(output_folder)
    started = time.perf_counter()
    scene = open_product(product_path)
    check_inputs(scene, dem_path, height_reference, crs, pixel_size_m, extent, extent_crs)
    opening_s = time.perf_counter() - started
    report(progress, 0.0, "Calibrating and multilooking the radar images")
    with SceneRadarInput(scene, polarisations, pixel_size_m, looks, cache_dir=output_folder,
                         progress=SubProgress(progress, 0.0, 0.2), is_cancelled=is_cancelled) as radar:
        result = terrain_correct(radar, dem_path, output_folder, height_reference=height_reference,
                                 polarisations=radar.polarisations, crs=crs, pixel_size_m=pixel_size_m, extent=extent,
                                 extent_crs=extent_crs, oversampling=oversampling, tile_size=tile_size,
                                 workers=workers, progress=SubProgress(progress, 0.2, 1.0), is_cancelled=is_cancelled,
                                 warn=warn)
        result["timings"].update(opening_s=opening_s, calibration_s=radar.calibration_s)
        return result
