"""Simulate a complete PALSAR-2 L1.1 CEOS product from a DEM: :func:`simulate_product`.

The product folder ``<out_dir>/<scene id>-<product id>/`` holds VOL, LED, IMG per beam and
polarisation, TRL and summary.txt, written by :func:`palsar2_plugin.ceos.writer.write_product`.
Next to it, ``<scene id>-<product id>.simulation.json`` records the truth (gamma0 per
polarisation, DEM, height reference, seed, point targets with their radar positions).

Image lines are produced block by block (:mod:`.backscatter`): memory stays bounded whatever
the product size. The terrain term (sigma0 per unit gamma0, float32) of a block that touches the
DEM is computed once and, for dual-pol products, kept in a sparse temporary memory-mapped file
for the second polarisation (removed at the end); blocks on the bare ellipsoid are recomputed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geoid import normalise_height_reference
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from .backscatter import (block_footprint, block_rng, calibration_scale, flat_ratio_block, range_margins_px, speckle,
                          terrain_ratio_block)
from .dem_source import DemHeights
from .description import build_description, pixel_geolocation
from .modes import CALIBRATION_FACTOR_DB, ModeSpec, mode_spec
from .point_targets import PointTarget, add_point_targets, point_target_positions
from .scene import SimulatedScene, plan_scene

#: Default vertical datum of DEM heights, shared with terrain correction's DEM_HEIGHT_REFERENCE.
DEM_HEIGHT_REFERENCE = "egm96"

#: Default true gamma0 (dB) per polarisation.
DEFAULT_GAMMA0_DB = {"HH": -8.0, "HV": -15.0, "VH": -15.0, "VV": -8.0}

#: Mesh vertices per range chunk of a block (bounds memory: about 1 kB of temporaries per vertex).
_VERTICES_PER_CHUNK = 250_000
#: Pixels per block of lines (bounds the per-block arrays: a few tens of bytes per pixel).
_PIXELS_PER_BLOCK = 2_000_000


def _parse_gamma0(gamma0_db: Optional[Mapping[str, float]], polarisations: Sequence[str]) -> Dict[str, float]:
    values = dict(DEFAULT_GAMMA0_DB)
    for key, value in (gamma0_db or {}).items():
        k = str(key).upper()
        if k not in DEFAULT_GAMMA0_DB:
            raise Palsar2Error(f"Unknown polarisation {key!r} in gamma0: use HH, HV, VH or VV")
        values[k] = float(value)
    return {p: values[p] for p in polarisations}


def _block_lines(grid) -> int:
    """Lines per block: at most 256, and about 2 M pixels per block for very wide beams."""
    return int(max(16, min(256, _PIXELS_PER_BLOCK // grid.pixels, grid.lines)))


class _BeamTerrain:
    """sigma0 per unit gamma0 (sigma0 / gamma0_true, float32) of one beam, block by block.

    Blocks whose mesh touches the DEM are computed once and, when the product has more than one
    polarisation, kept in a sparse temporary ``.npy`` memory map for the next polarisation.
    Blocks on the bare ellipsoid are cheap and simply recomputed.
    """

    def __init__(self, scene: SimulatedScene, beam_index: int, heights, margins_px, block_lines,
                 cache_dir: Path, oversample_range: int, oversample_azimuth: int,
                 dem_bounds: Optional[Tuple[float, float, float, float]], reuse: bool):
        self.scene, self.beam = scene, scene.beams[beam_index]
        self.dem_bounds = dem_bounds
        self.heights, self.margins_px, self.block_lines = heights, margins_px, block_lines
        self.oversample_range, self.oversample_azimuth = oversample_range, oversample_azimuth
        self.cache_path = cache_dir / f"beam{self.beam.number}.npy"
        self.reuse = reuse
        self.cache = None
        self.cached = np.zeros(self.n_blocks, dtype=bool)
        self._lock = threading.Lock()  # blocks may be computed in several threads

    @property
    def n_blocks(self) -> int:
        return (self.beam.grid.lines + self.block_lines - 1) // self.block_lines

    def block(self, k: int) -> np.ndarray:
        grid = self.beam.grid
        l0, l1 = k * self.block_lines, min((k + 1) * self.block_lines, grid.lines)
        if self.cached[k]:
            return np.asarray(self.cache[l0:l1])
        if self._outside_dem(l0, l1):
            ratio, sin_inc = flat_ratio_block(self.scene.orbit, grid, l0, l1)
            return (ratio * sin_inc).astype(np.float32)
        ratio, sin_inc = terrain_ratio_block(self.scene.orbit, grid, self.heights, l0, l1,
                                             margins_px=self.margins_px,
                                             oversample_range=self.oversample_range,
                                             oversample_azimuth=self.oversample_azimuth,
                                             max_vertices=_VERTICES_PER_CHUNK)
        values = (ratio * sin_inc).astype(np.float32)
        if self.reuse:
            with self._lock:
                if self.cache is None:  # sparse file: only blocks written take disk space
                    self.cache = np.lib.format.open_memmap(self.cache_path, mode="w+", dtype=np.float32,
                                                           shape=(grid.lines, grid.pixels))
                self.cache[l0:l1] = values
                self.cached[k] = True
        return values

    def close(self) -> None:
        self.cache = None

    def _outside_dem(self, l0: int, l1: int) -> bool:
        """True when the block's whole mesh (with margins) lies on the bare ellipsoid (no DEM there)."""
        if self.dem_bounds is None:
            return True
        south, west, north, east = block_footprint(self.scene.orbit, self.beam.grid, l0, l1, self.margins_px)
        d_south, d_west, d_north, d_east = self.dem_bounds
        pad = 0.001  # degrees; the bounds already include one DEM cell (the bilinear ramp to 0)
        return south > d_north + pad or north < d_south - pad or west > d_east + pad or east < d_west - pad


def _prefetched(terrain: _BeamTerrain, pool: ThreadPoolExecutor, ahead: int) -> Iterator[Tuple[int, np.ndarray]]:
    """(k, terrain block k) in order, the next ``ahead`` blocks computed in ``pool`` meanwhile."""
    pending = {}
    try:
        for k in range(terrain.n_blocks):
            for j in range(k, min(k + ahead, terrain.n_blocks)):
                if j not in pending:
                    pending[j] = pool.submit(terrain.block, j)
            yield k, pending.pop(k).result()
    finally:
        for future in pending.values():
            future.cancel()


def simulate_product(dem_path, mode: str, out_dir, *, lines: Optional[int] = None, pixels: Optional[int] = None,
                     gamma0_db: Optional[Mapping[str, float]] = None, pass_direction: str = "descending",
                     look_side: str = "right", seed: int = 0, dem_height_reference: str = DEM_HEIGHT_REFERENCE,
                     centre_lat_lon: Optional[Tuple[float, float]] = None,
                     centre_time_utc: Optional[datetime] = None,
                     point_targets: Sequence[PointTarget] = (), oversample_range: int = 2,
                     oversample_azimuth: int = 1, calibration_factor_db: float = CALIBRATION_FACTOR_DB,
                     speckle_noise: bool = True, noise_equivalent_sigma0_db: Optional[float] = None,
                     workers: int = 2, progress: Optional[ProgressCallback] = None,
                     is_cancelled: Optional[CancelCheck] = None) -> Path:
    """Simulate an L1.1 product of ``mode`` over the DEM at ``dem_path``; returns the product folder.

    ``dem_path``: any raster GDAL reads (heights above ``dem_height_reference``: egm96 default,
    egm2008 or ellipsoid), or None for a flat ellipsoid (h = 0; then give ``centre_lat_lon``).
    The scene is centred on the DEM's centre unless ``centre_lat_lon`` (degrees) is given; outside
    the DEM heights are 0 m above the ellipsoid. ``lines``/``pixels``: size of every beam (default:
    full size, see :mod:`.scene`). ``gamma0_db``: true gamma0 per polarisation in dB (default
    HH/VV -8, HV/VH -15). ``seed``: speckle seed (reproducible). ``point_targets``: bright points.
    ``oversample_range``/``oversample_azimuth``: terrain mesh vertices per pixel/line.
    ``speckle_noise=False`` writes the expected amplitude itself (|z|^2 = mean power, phase 0): a
    noise-free image for exact tests. ``noise_equivalent_sigma0_db`` (e.g. -28) adds thermal noise
    of that sigma0 (dB) to every pixel's mean power (default: none, shadow is exactly 0).
    ``workers``: threads computing terrain blocks ahead of the writer (the output does not depend on it).
    """
    spec: ModeSpec = mode_spec(mode)
    dem_height_reference = normalise_height_reference(dem_height_reference)
    if oversample_range < 1 or oversample_azimuth < 1:
        raise Palsar2Error("Oversampling factors must be whole numbers >= 1")
    gamma0 = _parse_gamma0(gamma0_db, spec.polarisations)
    dem = DemHeights(dem_path, dem_height_reference) if dem_path is not None else None
    try:
        if centre_lat_lon is None:
            if dem is None:
                raise Palsar2Error("Without a DEM the scene centre (latitude, longitude) must be given.")
            centre_lat_lon = dem.centre_lat_lon()
        heights = dem.ellipsoid_heights if dem is not None else (lambda la, lo: np.zeros(np.shape(la)))
        height_range = dem.ellipsoid_height_range() if dem is not None else (0.0, 0.0)
        dem_bounds = dem.bounds_lat_lon(margin_cells=1.0) if dem is not None else None
        scene = plan_scene(spec, float(centre_lat_lon[0]), float(centre_lat_lon[1]),
                           pass_direction=pass_direction, look_side=look_side,
                           centre_time_utc=centre_time_utc, lines=lines, pixels=pixels)
        description = build_description(scene, calibration_factor_db)
        stem = f"{scene.scene_id}-{scene.product_id}"
        folder = Path(out_dir) / stem
        # point targets without a height sit on the simulated terrain (ellipsoid height there)
        point_targets = [t if t.height_m is not None else PointTarget(
            t.lat_deg, t.lon_deg, float(heights(np.array([t.lat_deg]), np.array([t.lon_deg]))[0]), t.rcs_db)
            for t in point_targets]
        targets = point_target_positions(scene, point_targets)
        cal = calibration_scale(calibration_factor_db)
        noise_sigma0 = 0.0 if noise_equivalent_sigma0_db is None else 10.0 ** (noise_equivalent_sigma0_db / 10.0)

        Path(out_dir).mkdir(parents=True, exist_ok=True)
        cache_dir = Path(tempfile.mkdtemp(prefix=".simcache-", dir=str(Path(out_dir).absolute())))
        terrains = {}
        try:
            for index, beam in enumerate(scene.beams):
                inc = (beam.spec.incidence_near_deg - 10.0, beam.spec.incidence_far_deg + 10.0)
                margins = range_margins_px(height_range, inc, beam.grid.range_spacing_m)
                block = _block_lines(beam.grid)
                terrains[beam.number] = _BeamTerrain(scene, index, heights, margins, block, cache_dir,
                                                     oversample_range, oversample_azimuth, dem_bounds,
                                                     reuse=len(spec.polarisations) > 1)
            beam_index = {b.number: i for i, b in enumerate(scene.beams)}

            def line_blocks(beam_number: int, polarisation: str) -> Iterator[np.ndarray]:
                terrain = terrains[beam_number]
                g0 = 10.0 ** (gamma0[polarisation] / 10.0)
                pol_index = spec.polarisations.index(polarisation)
                for k, sigma_per_gamma in _prefetched(terrain, pool, max(1, int(workers))):
                    check_cancelled(is_cancelled)
                    l0 = k * terrain.block_lines
                    power = (g0 * sigma_per_gamma.astype(np.float64) + noise_sigma0) / cal
                    if speckle_noise:
                        samples = speckle(power, block_rng(seed, beam_number, pol_index, l0))
                    else:
                        samples = np.sqrt(power).astype(np.complex64)
                    add_point_targets(samples, l0, targets[beam_index[beam_number]], cal)
                    yield samples

            from ..ceos.writer import write_product

            with ThreadPoolExecutor(max_workers=max(1, int(workers))) as pool:
                write_product(folder, description, line_blocks, pixel_geolocation=pixel_geolocation(scene),
                              progress=progress, is_cancelled=is_cancelled)
        finally:
            for terrain in terrains.values():
                terrain.close()
            shutil.rmtree(cache_dir, ignore_errors=True)

        truth = {
            "product_folder": str(folder), "scene_id": scene.scene_id, "product_id": scene.product_id,
            "mode": spec.code, "pass_direction": pass_direction, "look_side": look_side,
            "gamma0_db": gamma0, "seed": int(seed), "speckle": bool(speckle_noise),
            "noise_equivalent_sigma0_db": noise_equivalent_sigma0_db,
            "dem": None if dem_path is None else str(dem_path), "dem_height_reference": dem_height_reference,
            "dem_ellipsoid_height_range_m": list(height_range),
            "outside_dem_height_m": 0.0, "calibration_factor_db": calibration_factor_db,
            "scene_centre_lat_lon": [scene.centre_lat_deg, scene.centre_lon_deg],
            "scene_centre_time_utc": scene.centre_time_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "oversample_range": oversample_range, "oversample_azimuth": oversample_azimuth,
            "model": ("beta0 = gamma0 * A_gamma / A_beta; A_gamma: DEM facet areas projected perpendicular to the "
                      "look (0 facing away or shadowed), bilinear in (line, pixel); A_beta = slant-range spacing x "
                      "along-track ground spacing on the ellipsoid; sigma0 = beta0 * sin(ellipsoid incidence); "
                      "<|z|^2> = sigma0 / 10^((CF - 32) / 10)"),
            "beams": [{"beam": b.number, "lines": b.grid.lines, "pixels": b.grid.pixels, "prf_hz": b.spec.prf_hz,
                       "slant_range_first_pixel_m": b.grid.slant_range_first_m,
                       "range_pixel_spacing_m": b.grid.range_spacing_m,
                       "first_line_time_utc": b.first_line_time_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
                      for b in scene.beams],
            "point_targets": [
                {"lat_deg": t.lat_deg, "lon_deg": t.lon_deg, "ellipsoid_height_m": t.height_m, "rcs_db": t.rcs_db,
                 "radar_positions": [
                     {"beam": b.number, "line": pos[0], "pixel": pos[1]}
                     for b, beam_targets in zip(scene.beams, targets)
                     for pos in [beam_targets[i]] if pos is not None]}
                for i, t in enumerate(point_targets)],
        }
        (Path(out_dir) / f"{stem}.simulation.json").write_text(json.dumps(truth, indent=2))
        report(progress, 1.0, "done")
        return folder
    finally:
        if dem is not None:
            dem.close()
