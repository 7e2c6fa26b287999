"""A CEOS L1.1 product (``palsar2_plugin.ceos``) as a :class:`~.radar_input.RadarInput`.

Each beam and polarisation is multilooked once, streaming block by block, to calibrated beta0
(linear power) in a float32 raw file inside a temporary cache folder; the tiles then read small
windows of it through short-lived memory maps, so memory stays bounded whatever the scene size.

Calibration (JAXA): sigma0 = 10^((CF - 32)/10) <I^2 + Q^2> on the ellipsoid, beta0 = sigma0 /
sin(theta_ell) with theta_ell the ellipsoid incidence of each range column (computed from the
orbit at the beam's middle time). Multilook: ``looks`` = (azimuth, range); by default the cell on
the ground is about the output pixel size (JAXA's L2.2 uses 25 m).
"""

from __future__ import annotations

import math
import os
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..progress import CancelCheck, ProgressCallback, SubProgress, WarningCallback, check_cancelled, report
from ..staging import ScratchFolder, writable_folder
from .radar_input import RadarBeam, RadarInput, multilooked_grid, read_beta0_file_window


def default_looks(grid, orbit, pixel_size_m: float) -> Tuple[int, int]:
    """(azimuth, range) looks giving ground cells of about ``pixel_size_m`` in the middle of ``grid``."""
    from ..geometry.ellipsoid import geodetic_to_ecef
    from ..geometry.range_doppler import ellipsoid_incidence_deg, geolocate

    t = grid.mid_time_s
    r = grid.slant_range_mid_m
    lat, lon = geolocate(orbit, np.array([t, t + 1.0]), np.array([r, r]), np.zeros(2), grid.look_side)
    p = geodetic_to_ecef(lat, lon, 0.0)
    ground_speed = float(np.linalg.norm(p[1] - p[0]))
    inc = float(ellipsoid_incidence_deg(orbit, np.array([t]), p[:1])[0])
    az = max(1, int(round(pixel_size_m / (ground_speed * grid.line_interval_s))))
    rg = max(1, int(round(pixel_size_m * math.sin(math.radians(inc)) / grid.range_spacing_m)))
    return az, rg


def _column_incidence_deg(grid, orbit) -> np.ndarray:
    """Ellipsoid incidence (degrees) of every range column of ``grid`` at its middle time."""
    from ..geometry.ellipsoid import geodetic_to_ecef
    from ..geometry.range_doppler import ellipsoid_incidence_deg, geolocate

    cols = np.unique(np.r_[np.arange(0, grid.pixels, 64), grid.pixels - 1]).astype(np.float64)
    t = np.full(cols.size, grid.mid_time_s)
    lat, lon = geolocate(orbit, t, grid.range_of_pixel(cols), np.zeros(cols.size), grid.look_side)
    inc = ellipsoid_incidence_deg(orbit, t, geodetic_to_ecef(lat, lon, 0.0))
    if not np.all(np.isfinite(inc)):
        raise Palsar2Error("Cannot compute the incidence angle of the image columns: the product's orbit and "
                           "range timing do not match.")
    return np.interp(np.arange(grid.pixels), cols, inc)


class SceneRadarInput(RadarInput):
    """See the module docstring. Call :meth:`close` (or use as a context manager) to remove the cache."""

    def __init__(self, scene, polarisations: Optional[Sequence[str]] = None, pixel_size_m: float = 25.0,
                 looks: Optional[Tuple[int, int]] = None, cache_dir: Optional[str] = None,
                 progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None,
                 line_windows: Optional[Dict[int, Tuple[int, int]]] = None, work_dir: Optional[str] = None):
        """``line_windows``: {beam: (first, stop)} 0-based input lines to calibrate (default: all);
        the beam's grid then starts at the window (used to read only what a small extent needs).
        The beta0 files go into a hidden scratch folder in ``cache_dir`` (default: the system's
        temporary folder; a killed run's is removed by the next run, see :mod:`..staging`), or into
        ``work_dir``, an existing folder that its owner removes."""
        from dataclasses import replace

        from ..ceos.image import iter_multilooked_intensity
        from ..radiometry import calibration_gain

        if not str(scene.level).startswith("1.1"):
            raise Palsar2Error(f"Terrain correction needs an L1.1 (slant-range) product; {scene.product_id} is "
                               f"level {scene.level}. Download the L1.1 product of this scene.")
        self.scene = scene
        self.orbit = scene.orbit()
        pols = [p.upper() for p in (polarisations or scene.polarisations)]
        missing = [p for p in pols if p not in scene.polarisations]
        if missing:
            raise Palsar2Error(f"The product has no {', '.join(missing)} images; it has "
                               f"{', '.join(scene.polarisations)}.")
        self.polarisations = tuple(pols)
        self.metadata = dict(scene_id=scene.scene_id, product_id=scene.product_id, mode=scene.mode,
                             look_side=scene.look_side, pass_direction=scene.pass_direction,
                             warnings=tuple(scene.warnings))
        self._scratch = None if work_dir else ScratchFolder(cache_dir or tempfile.gettempdir(), "palsar2-beta0")
        self._dir = work_dir or self._scratch.path
        self._files: Dict[Tuple[int, str], Tuple[str, Tuple[int, int]]] = {}
        gain = calibration_gain(scene.calibration_factor_db, scene.level)
        beams = []
        jobs = [(b, p) for b in scene.beams for p in pols]
        try:
            for j, (beam, pol) in enumerate(jobs):
                grid = scene.radar_grid(beam, self.orbit)
                la, lr = looks or default_looks(grid, self.orbit, pixel_size_m)
                l0, l1 = (line_windows or {}).get(beam, (0, grid.lines))
                l0, l1 = max(0, int(l0) - int(l0) % la), min(grid.lines, int(l1))
                if (l0, l1) != (0, grid.lines):
                    if l1 - l0 < la:
                        raise Palsar2Error(f"Beam {beam} has no image lines over the chosen extent.")
                    grid = replace(grid, first_line_time_s=grid.first_line_time_s + l0 * grid.line_interval_s,
                                   lines=l1 - l0)
                ml = multilooked_grid(grid, la, lr)
                sin_inc = np.sin(np.radians(_column_incidence_deg(ml, self.orbit))).astype(np.float32)
                path = os.path.join(self._dir, f"beta0_F{beam}_{pol}.f32")
                sub = SubProgress(progress, j / len(jobs), (j + 1) / len(jobs))
                with open(path, "wb") as fh:
                    blocks = (iter_multilooked_intensity(scene.image(beam, pol), la, lr, progress=sub,
                                                         is_cancelled=is_cancelled)
                              if (l0, l1) == (0, scene.image(beam, pol).lines)
                              else _iter_window(scene.image(beam, pol), l0, l1, la, lr, sub, is_cancelled))
                    for _, block in blocks:
                        beta0 = block[:, :ml.pixels] * np.float32(gain) / sin_inc[None, :]
                        fh.write(np.ascontiguousarray(beta0, dtype=np.float32).tobytes())
                self._files[(beam, pol)] = (path, (ml.lines, ml.pixels))
                if pol == pols[0]:
                    beams.append(RadarBeam(beam, ml, float(la * lr)))
                check_cancelled(is_cancelled)
        except BaseException:
            self.close()
            raise
        self.beams = tuple(beams)
        report(progress, 1.0, "Calibrated beta0 ready")

    def read_beta0(self, beam, polarisation, line0, line1, pixel0, pixel1):
        path, shape = self._files[(beam, polarisation.upper())]
        return read_beta0_file_window(path, shape, line0, line1, pixel0, pixel1)

    def close(self) -> None:
        if self._scratch is not None:
            self._scratch.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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


def _check_before_calibrating(scene, dem_path, height_reference, crs, pixel_size_m, extent, extent_crs) -> List[str]:
    """Fail early (before the long calibration pass) on a DEM or extent that cannot work; returns
    the DEM's warnings (:func:`.dem.check_dem_covers`)."""
    from ..geoid import normalise_height_reference
    from .dem import DemSource, check_dem_covers
    from .grid import make_output_grid

    normalise_height_reference(height_reference)

    class _Geometry(RadarInput):
        pass

    probe = _Geometry()
    probe.orbit = scene.orbit()
    probe.beams = tuple(RadarBeam(b, scene.radar_grid(b, probe.orbit)) for b in scene.beams)
    footprint = probe.footprint_lon_lat()
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
    multilook, terrain-correct, write the NRB product. Returns :func:`.driver.terrain_correct`'s dict.
    ``warn`` receives each warning (the product's metadata lists them too)."""
    from ..ceos import open_product
    from .driver import terrain_correct

    writable_folder(output_folder)
    scene = open_product(product_path)
    _check_before_calibrating(scene, dem_path, height_reference, crs, pixel_size_m, extent, extent_crs)
    report(progress, 0.0, "Calibrating and multilooking the radar images")
    with SceneRadarInput(scene, polarisations, pixel_size_m, looks, cache_dir=output_folder,
                         progress=SubProgress(progress, 0.0, 0.2), is_cancelled=is_cancelled) as radar:
        return terrain_correct(radar, dem_path, output_folder, height_reference=height_reference,
                               polarisations=radar.polarisations, crs=crs, pixel_size_m=pixel_size_m, extent=extent,
                               extent_crs=extent_crs, oversampling=oversampling, tile_size=tile_size, workers=workers,
                               progress=SubProgress(progress, 0.2, 1.0), is_cancelled=is_cancelled, warn=warn)
