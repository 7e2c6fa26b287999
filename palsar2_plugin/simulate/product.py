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
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, Iterator, Mapping, Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..gdal_cache import bounded_block_cache
from ..geoid import normalise_height_reference
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from .backscatter import (block_footprint, block_rng, calibration_scale, decimated_grid, decimated_lines,
                          flat_ratio_block, interpolate_lines, range_margins_px, terrain_ratio_block)
from .backscatter import speckle as speckle_samples
from .bursts import BurstTiming, bursts_in_image, fm_rate_interpolator, mode_burst_table, scene_burst_timings
from .dem_source import DemHeights
from .description import build_description, pixel_geolocation
from .modes import CALIBRATION_FACTOR_DB, WAVELENGTH_M, ModeSpec, mode_spec
from .point_targets import PointTarget, add_point_targets, point_target_positions
from .scene import SimulatedScene, beam_table, plan_scene
from .speckle_field import FIELD_TILE, propagation_phasor
from .speckle_kernel import SpeckleKernel, kernel_for_band
from .speckle_source import ReferenceField, SpeckleSource, point_target_block

#: Default vertical datum of DEM heights, shared with terrain correction's DEM_HEIGHT_REFERENCE.
DEM_HEIGHT_REFERENCE = "egm96"

#: Speckle models: independent samples per pixel, band-limited field of the ground (repeat passes need it), none.
SPECKLE_WHITE = "white"
SPECKLE_BAND_LIMITED = "band-limited"
SPECKLE_NONE = "none"
SPECKLE_MODELS = (SPECKLE_WHITE, SPECKLE_BAND_LIMITED)

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


def _block_lines(grid, line_step: int = 1) -> int:
    """Lines per block: at most 256, and about 2 M pixels per block for very wide beams; with a
    terrain line step, a whole number of steps and about 4 M pixels (the terrain of a block is then
    computed on its own lines of the decimated grid and a margin, see :class:`_BeamTerrain`)."""
    if line_step > 1:
        return int(line_step * max(8, min(64, 2 * _PIXELS_PER_BLOCK // (grid.pixels * line_step))))
    return int(max(16, min(256, _PIXELS_PER_BLOCK // grid.pixels, grid.lines)))


class _BeamTerrain:
    """sigma0 per unit gamma0 (sigma0 / gamma0_true, float32) of one beam, block by block.

    Blocks whose mesh touches the DEM are computed once and, when the product has more than one
    polarisation, kept in a sparse temporary ``.npy`` memory map for the next polarisation.
    Blocks on the bare ellipsoid are cheap and simply recomputed.

    ``line_step`` > 1 (real-size ScanSAR scenes: 115,000-170,000 lines per beam): the terrain is
    computed on every ``line_step``-th line only (:func:`.backscatter.decimated_grid`: its A_beta
    and splat cells are ``line_step`` lines long) and interpolated linearly in between, which costs
    about 1/line_step of the full mesh; the cache then holds the decimated lines.
    """

    def __init__(self, scene: SimulatedScene, beam_index: int, heights, margins_px, block_lines,
                 cache_dir: Path, oversample_range: int, oversample_azimuth: int,
                 dem_bounds: Optional[Tuple[float, float, float, float]], reuse: bool, line_step: int = 1):
        self.scene, self.beam = scene, scene.beams[beam_index]
        self.dem_bounds = dem_bounds
        self.heights, self.margins_px, self.block_lines = heights, margins_px, block_lines
        self.oversample_range, self.oversample_azimuth = oversample_range, oversample_azimuth
        self.line_step = int(line_step)
        self.terrain_grid = self.beam.grid if self.line_step == 1 else decimated_grid(self.beam.grid, self.line_step)
        self.cache_path = cache_dir / f"beam{self.beam.number}.npy"
        self.reuse = reuse
        self.cache = None
        self.cached = np.zeros(self.n_blocks, dtype=bool)
        self._lock = threading.Lock()  # blocks may be computed in several threads

    @property
    def n_blocks(self) -> int:
        return (self.beam.grid.lines + self.block_lines - 1) // self.block_lines

    def block(self, k: int) -> np.ndarray:
        l0, l1 = k * self.block_lines, min((k + 1) * self.block_lines, self.beam.grid.lines)
        if self.line_step == 1:
            return self._terrain(k, l0, l1)
        j0, j1 = decimated_lines(l0, l1, self.line_step)
        return interpolate_lines(self._terrain(k, j0, j1), j0, self.line_step, l0, l1)

    def _terrain(self, k: int, l0: int, l1: int) -> np.ndarray:
        """sigma0 per unit gamma0 of lines [l0, l1) of the terrain grid (block ``k``'s lines)."""
        grid = self.terrain_grid
        if self.cached[k]:
            return np.asarray(self.cache[l0:l1])
        if self._outside_dem(l0, l1):
            ratio, sin_inc = flat_ratio_block(self.scene.orbit, grid, l0, l1)
            return (ratio * sin_inc).astype(np.float32)
        ratio, sin_inc = terrain_ratio_block(self.scene.orbit, grid, self.heights, l0, l1,
                                             margins_px=self.margins_px,
                                             oversample_range=self.oversample_range,
                                             oversample_azimuth=self.oversample_azimuth,
                                             azimuth_margin_lines=6 if self.line_step == 1 else 2,
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
        """True when the mesh of lines [l0, l1) of the terrain grid (with margins) lies on the bare
        ellipsoid (no DEM there)."""
        if self.dem_bounds is None:
            return True
        south, west, north, east = block_footprint(self.scene.orbit, self.terrain_grid, l0, l1, self.margins_px)
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


class TerrainSet:
    """The terrain of every beam of a scene (sigma0 per unit gamma0, block by block) and its cache."""

    def __init__(self, scene: SimulatedScene, dem: Optional[DemHeights], out_dir: Path, *, oversample_range: int,
                 oversample_azimuth: int, reuse: bool, line_step: int = 1):
        self.heights = dem.ellipsoid_heights if dem is not None else (lambda la, lo: np.zeros(np.shape(la)))
        self.height_range = dem.ellipsoid_height_range() if dem is not None else (0.0, 0.0)
        dem_bounds = dem.bounds_lat_lon(margin_cells=1.0) if dem is not None else None
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        self.cache_dir = Path(tempfile.mkdtemp(prefix=".simcache-", dir=str(Path(out_dir).absolute())))
        self.beams: Dict[int, _BeamTerrain] = {}
        for index, beam in enumerate(scene.beams):
            inc = (beam.spec.incidence_near_deg - 10.0, beam.spec.incidence_far_deg + 10.0)
            margins = range_margins_px(self.height_range, inc, beam.grid.range_spacing_m)
            self.beams[beam.number] = _BeamTerrain(scene, index, self.heights, margins,
                                                   _block_lines(beam.grid, int(line_step)), self.cache_dir,
                                                   oversample_range, oversample_azimuth, dem_bounds, reuse=reuse,
                                                   line_step=int(line_step))

    def close(self) -> None:
        for terrain in self.beams.values():
            terrain.close()
        shutil.rmtree(self.cache_dir, ignore_errors=True)


#: pixels(beam number, polarisation, first line, sigma0 per unit gamma0 block) -> complex samples of the block
PixelMaker = Callable[[int, str, int, np.ndarray], np.ndarray]


def render_product(folder: Path, description, terrains: TerrainSet, pixels: PixelMaker, scene: SimulatedScene, *,
                   workers: int = 2, progress: Optional[ProgressCallback] = None,
                   is_cancelled: Optional[CancelCheck] = None) -> None:
    """Write the product into ``folder``: the terrain of each block (computed ``workers`` blocks ahead)
    turned into samples by ``pixels``."""
    from ..ceos.writer import write_product

    def line_blocks(beam_number: int, polarisation: str) -> Iterator[np.ndarray]:
        terrain = terrains.beams[beam_number]
        for k, sigma_per_gamma in _prefetched(terrain, pool, max(1, int(workers))):
            check_cancelled(is_cancelled)
            yield pixels(beam_number, polarisation, k * terrain.block_lines, sigma_per_gamma)

    with ThreadPoolExecutor(max_workers=max(1, int(workers))) as pool:
        write_product(folder, description, line_blocks, pixel_geolocation=pixel_geolocation(scene),
                      progress=progress, is_cancelled=is_cancelled)


def speckle_kernels(spec: ModeSpec, beam) -> Tuple[SpeckleKernel, SpeckleKernel]:
    """(azimuth, range) band-limiting kernels of ``beam`` (a SimulatedBeam) of mode ``spec``."""
    return (kernel_for_band(spec.azimuth_bandwidth_of(beam.spec), beam.spec.prf_hz),
            kernel_for_band(spec.range_bandwidth_hz, spec.range_sampling_rate_hz))


def default_burst_epoch(scene: SimulatedScene) -> datetime:
    """Raw burst epoch of a simulated ScanSAR reference: a quarter cycle before the scene centre time."""
    cycle = mode_burst_table(scene.mode.code, [(b.number, b.spec.prf_hz) for b in scene.beams])
    cycle_s = next(iter(cycle.values()))[1]
    return scene.centre_time_utc - timedelta(microseconds=round(0.25 * cycle_s * 1e6))


def burst_timings(scene: SimulatedScene, epoch_utc: datetime) -> Dict[int, BurstTiming]:
    return scene_burst_timings(scene.mode.code, [(b.number, b.spec.prf_hz) for b in scene.beams], epoch_utc)


def band_limited_source(scene: SimulatedScene, beam, field, bursts: Optional[Dict[int, BurstTiming]]) -> SpeckleSource:
    """The SpeckleSource of ``field`` on ``beam`` of ``scene`` (burst-gated for ScanSAR)."""
    timing = bursts.get(beam.number) if bursts else None
    if timing is None:
        return SpeckleSource(field, beam.grid.lines, beam.grid.pixels)
    return SpeckleSource(field, beam.grid.lines, beam.grid.pixels, bursts=timing,
                         first_line_time_utc=beam.first_line_time_utc, prf_hz=beam.spec.prf_hz,
                         fm_rate=fm_rate_interpolator(scene.orbit, beam.grid, (beam.grid.lines - 1) / 2.0))


def with_bursts(description, scene: SimulatedScene, bursts: Optional[Dict[int, BurstTiming]]):
    """The description with each beam's raw burst timing for the image descriptor and line prefixes."""
    if not bursts:
        return description
    beams = []
    for grid in description.beams:
        beam = next(b for b in scene.beams if b.number == grid.beam)
        timing = bursts[grid.beam]
        beams.append(replace(grid, number_of_bursts=bursts_in_image(timing, beam.first_line_time_utc, grid.lines),
                             lines_per_burst=timing.length_lines,
                             burst_start_line=timing.start_line(beam.first_line_time_utc),
                             burst_cycle_lines=timing.cycle_lines))
    return replace(description, beams=tuple(beams))


def speckle_description(scene: SimulatedScene, model: str, seed: int,
                        bursts: Optional[Dict[int, BurstTiming]]) -> dict:
    """The ``speckle`` section of the simulation JSON (what a repeat pass needs to continue the field)."""
    out = {"model": model, "seed": int(seed)}
    if model == SPECKLE_BAND_LIMITED:
        out.update({
            "field_tile_lines_pixels": list(FIELD_TILE),
            "description": ("one circular Gaussian scatterer per sample of this (reference) radar grid, "
                            "v = rho exp(-4 pi i R / lambda), filtered by h_a(line) h_r(pixel): Kaiser-windowed "
                            "sincs (palsar2_plugin/simulate/speckle_kernel.py); ScanSAR: azimuth defocus, raw burst "
                            "gate, refocus, per-line scalloping normalisation (simulate/bursts.py)"),
            "beams": [{"beam": b.number,
                       "azimuth_kernel": _kernel_dict(speckle_kernels(scene.mode, b)[0], b.spec.prf_hz),
                       "range_kernel": _kernel_dict(speckle_kernels(scene.mode, b)[1],
                                                    scene.mode.range_sampling_rate_hz),
                       "bursts": bursts[b.number].as_dict() if bursts else None}
                      for b in scene.beams]})
    return out


def _kernel_dict(kernel: SpeckleKernel, sampling_hz: float) -> dict:
    return {"cutoff_cycles_per_sample": kernel.cutoff, "bandwidth_hz": 2.0 * kernel.cutoff * sampling_hz,
            "half_width_samples": kernel.half_width, "kaiser_beta": kernel.beta,
            "independent_samples_per_sample": kernel.independent_fraction}


@bounded_block_cache()
def simulate_product(dem_path, mode: str, out_dir, *, lines: Optional[int] = None, pixels: Optional[int] = None,
                     gamma0_db: Optional[Mapping[str, float]] = None, pass_direction: str = "descending",
                     look_side: str = "right", seed: int = 0, dem_height_reference: str = DEM_HEIGHT_REFERENCE,
                     centre_lat_lon: Optional[Tuple[float, float]] = None,
                     centre_time_utc: Optional[datetime] = None,
                     point_targets: Sequence[PointTarget] = (), oversample_range: int = 2,
                     oversample_azimuth: int = 1, calibration_factor_db: float = CALIBRATION_FACTOR_DB,
                     speckle_noise: bool = True, noise_equivalent_sigma0_db: Optional[float] = None,
                     speckle: str = SPECKLE_WHITE, beam_id: Optional[str] = None, terrain_line_step: int = 1,
                     workers: int = 2, progress: Optional[ProgressCallback] = None,
                     is_cancelled: Optional[CancelCheck] = None,
                     planned: Optional[Tuple[SimulatedScene, dict]] = None,
                     beams: Optional[Sequence[int]] = None) -> Path:
    """Simulate an L1.1 product of ``mode`` over the DEM at ``dem_path``; returns the product folder.

    ``dem_path``: any raster GDAL reads (heights above ``dem_height_reference``: egm96 default,
    egm2008 or ellipsoid), or None for a flat ellipsoid (h = 0; then give ``centre_lat_lon``).
    The scene is centred on the DEM's centre unless ``centre_lat_lon`` (degrees) is given; outside
    the DEM heights are 0 m above the ellipsoid. ``lines``/``pixels``: size of every beam (default:
    full size, see :mod:`.scene`). ``gamma0_db``: true gamma0 per polarisation in dB (default
    HH/VV -8, HV/VH -15). ``seed``: speckle seed (reproducible). ``point_targets``: bright points.
    ``oversample_range``/``oversample_azimuth``: terrain mesh vertices per pixel/line.
    ``terrain_line_step``: the terrain computed on every n-th line and interpolated in between
    (1: every line; 8-16 makes a real-size ScanSAR scene, ~7e8 pixels per polarisation, affordable:
    ~0.1 instead of ~3 CPU-us per pixel, the terrain then resolved to ~20-40 m along track).
    ``speckle``: ``"white"`` (independent circular Gaussian samples per pixel) or ``"band-limited"``
    (a SAR-like band-limited field belonging to the ground, with ScanSAR bursts: the model repeat
    passes need, see :mod:`.speckle_source`). ``speckle_noise=False`` writes the expected amplitude
    itself with the propagation phase of each pixel's slant range R, sqrt(mean power) exp(-4 pi i R /
    lambda): a noise-free image for exact tests. ``noise_equivalent_sigma0_db`` (e.g. -28) adds
    thermal noise of that sigma0 (dB) to every pixel's mean power (default: none, shadow is exactly 0).
    ``beam_id``: a stripmap beam number (e.g. ``U2-7``) placing the swath at its off-nadir angle.
    ``beams``: ScanSAR beam numbers to write (default all; JAXA's event data come as one file per beam).
    ``workers``: threads computing terrain blocks ahead of the writer (the output does not depend on it).
    ``planned``: (scene, plan record) planned elsewhere (:func:`scene_plan`), replacing the scene this
    function would plan (used for acquisitions from another track).
    """
    spec: ModeSpec = mode_spec(mode)
    dem_height_reference = normalise_height_reference(dem_height_reference)
    if oversample_range < 1 or oversample_azimuth < 1:
        raise Palsar2Error("Oversampling factors must be whole numbers >= 1")
    if int(terrain_line_step) != terrain_line_step or terrain_line_step < 1:
        raise Palsar2Error("The terrain line step must be a whole number >= 1")
    if speckle not in SPECKLE_MODELS:
        raise Palsar2Error(f"Unknown speckle model {speckle!r}: use one of {', '.join(SPECKLE_MODELS)}")
    model = speckle if speckle_noise else SPECKLE_NONE
    gamma0 = _parse_gamma0(gamma0_db, spec.polarisations)
    dem = DemHeights(dem_path, dem_height_reference) if dem_path is not None else None
    try:
        if centre_lat_lon is None:
            if dem is None:
                raise Palsar2Error("Without a DEM the scene centre (latitude, longitude) must be given.")
            centre_lat_lon = dem.centre_lat_lon()
        if planned is not None:
            scene, plan = planned
            spec = scene.mode
        else:
            scene = plan_scene(spec, float(centre_lat_lon[0]), float(centre_lat_lon[1]),
                               pass_direction=pass_direction, look_side=look_side,
                               centre_time_utc=centre_time_utc, lines=lines, pixels=pixels, beam_id=beam_id,
                               beams=beams)
            plan = scene_plan(spec.code, centre_lat_lon, scene.centre_time_utc, pass_direction, look_side, lines,
                              pixels, beam_id, beams=beams)
        bursts = (burst_timings(scene, default_burst_epoch(scene))
                  if spec.is_scansar and model == SPECKLE_BAND_LIMITED else None)
        description = with_bursts(build_description(scene, calibration_factor_db), scene, bursts)
        stem = f"{scene.scene_id}-{scene.product_id}"
        folder = Path(out_dir) / stem
        heights_of = dem.ellipsoid_heights if dem is not None else None
        point_targets = place_on_terrain(point_targets, heights_of)
        targets = point_target_positions(scene, point_targets)
        cal = calibration_scale(calibration_factor_db)
        noise_sigma0 = 0.0 if noise_equivalent_sigma0_db is None else 10.0 ** (noise_equivalent_sigma0_db / 10.0)
        beam_index = {b.number: i for i, b in enumerate(scene.beams)}
        sources = {}
        if model == SPECKLE_BAND_LIMITED:
            for b in scene.beams:
                k_az, k_rg = speckle_kernels(spec, b)
                for pol_index, pol in enumerate(spec.polarisations):
                    field = ReferenceField(b.grid, seed, b.number, pol_index, k_az, k_rg)
                    sources[b.number, pol] = band_limited_source(scene, b, field, bursts)

        def pixels_of(beam_number: int, polarisation: str, l0: int, sigma_per_gamma: np.ndarray) -> np.ndarray:
            g0 = 10.0 ** (gamma0[polarisation] / 10.0)
            pol_index = spec.polarisations.index(polarisation)
            power = (g0 * sigma_per_gamma.astype(np.float64) + noise_sigma0) / cal
            beam = scene.beams[beam_index[beam_number]]
            l1 = l0 + power.shape[0]
            beam_targets = targets[beam_index[beam_number]]
            if model == SPECKLE_BAND_LIMITED:
                source = sources[beam_number, polarisation]
                samples = np.sqrt(power) * source.block(l0, l1)
                k_az, k_rg = speckle_kernels(spec, beam)
                extra = point_target_block(l0, l1, beam.grid.pixels, target_responses(beam, beam_targets, cal),
                                           k_az, k_rg, source)
                if extra is not None:
                    samples = samples + extra
                return samples.astype(np.complex64)
            if model == SPECKLE_WHITE:
                samples = speckle_samples(power, block_rng(seed, beam_number, pol_index, l0))
            else:
                phasor = propagation_phasor(beam.grid.range_of_pixel(np.arange(beam.grid.pixels)), WAVELENGTH_M)
                samples = (np.sqrt(power) * phasor[None, :]).astype(np.complex64)
            add_point_targets(samples, l0, beam_targets, cal, beam.grid)
            return samples

        terrains = TerrainSet(scene, dem, Path(out_dir), oversample_range=oversample_range,
                              oversample_azimuth=oversample_azimuth, reuse=len(spec.polarisations) > 1,
                              line_step=int(terrain_line_step))
        try:
            render_product(folder, description, terrains, pixels_of, scene, workers=workers, progress=progress,
                           is_cancelled=is_cancelled)
        finally:
            terrains.close()

        truth = simulation_record(scene, folder, gamma0=gamma0, seed=seed, model=model,
                                  noise_equivalent_sigma0_db=noise_equivalent_sigma0_db, dem_path=dem_path,
                                  dem_height_reference=dem_height_reference, height_range=terrains.height_range,
                                  calibration_factor_db=calibration_factor_db, oversample_range=oversample_range,
                                  oversample_azimuth=oversample_azimuth, point_targets=point_targets,
                                  targets=targets, bursts=bursts, beam_id=beam_id, plan=plan,
                                  terrain_line_step=int(terrain_line_step))
        (Path(out_dir) / f"{stem}.simulation.json").write_text(json.dumps(truth, indent=2))
        report(progress, 1.0, "done")
        return folder
    finally:
        if dem is not None:
            dem.close()


def place_on_terrain(point_targets: Sequence[PointTarget], heights_of) -> list:
    """Point targets without a height get the terrain's ellipsoid height (0 without a DEM)."""
    out = []
    for t in point_targets:
        if t.height_m is None:
            h = float(heights_of(np.array([t.lat_deg]), np.array([t.lon_deg]))[0]) if heights_of else 0.0
            t = PointTarget(t.lat_deg, t.lon_deg, h, t.rcs_db)
        out.append(t)
    return out


def target_responses(beam, beam_targets, cal: float) -> list:
    """(line, pixel, amplitude, slant range, wavelength) of the point targets one beam sees."""
    out = []
    for pos in beam_targets:
        if pos is not None:
            line, pixel, factor = pos[:3]
            out.append((line, pixel, float(np.sqrt(factor / cal)), beam.grid.range_of_pixel(pixel),
                        beam.grid.wavelength_m))
    return out


def simulation_record(scene: SimulatedScene, folder: Path, *, gamma0, seed, model, noise_equivalent_sigma0_db,
                      dem_path, dem_height_reference, height_range, calibration_factor_db, oversample_range,
                      oversample_azimuth, point_targets, targets, bursts, beam_id, plan: dict,
                      terrain_line_step: int = 1) -> dict:
    """The ``<stem>.simulation.json`` record of a simulated product (its truth and how it was made)."""
    spec = scene.mode
    return {
        "plan": plan,
        "product_folder": str(folder), "scene_id": scene.scene_id, "product_id": scene.product_id,
        "mode": spec.code, "beam_id": beam_id, "pass_direction": scene.pass_direction,
        "look_side": scene.look_side,
        "gamma0_db": gamma0, "seed": int(seed), "speckle": model != SPECKLE_NONE,
        "speckle_model": speckle_description(scene, model, seed, bursts),
        "noise_equivalent_sigma0_db": noise_equivalent_sigma0_db,
        "dem": None if dem_path is None else str(Path(dem_path).absolute()),
        "dem_height_reference": dem_height_reference,
        "dem_ellipsoid_height_range_m": list(height_range),
        "outside_dem_height_m": 0.0, "calibration_factor_db": calibration_factor_db,
        "scene_centre_lat_lon": [scene.centre_lat_deg, scene.centre_lon_deg],
        "scene_centre_time_utc": scene.centre_time_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "oversample_range": oversample_range, "oversample_azimuth": oversample_azimuth,
        "terrain_line_step": int(terrain_line_step),
        "range_bandwidth_hz": spec.range_bandwidth_hz,
        "phase_convention": ("z = sqrt(power) x speckle x exp(-4 pi i R / lambda), R the one-way slant range of "
                             "the scatterer (no-speckle: of the pixel centre) from this acquisition's orbit"),
        "model": ("beta0 = gamma0 * A_gamma / A_beta; A_gamma: DEM facet areas projected perpendicular to the "
                  "look (0 facing away or shadowed), bilinear in (line, pixel); A_beta = slant-range spacing x "
                  "along-track ground spacing on the ellipsoid; sigma0 = beta0 * sin(ellipsoid incidence); "
                  "<|z|^2> = sigma0 / 10^((CF - 32) / 10)"),
        "beams": [{"beam": b.number, "lines": b.grid.lines, "pixels": b.grid.pixels, "prf_hz": b.spec.prf_hz,
                   "slant_range_first_pixel_m": b.grid.slant_range_first_m,
                   "range_pixel_spacing_m": b.grid.range_spacing_m,
                   "azimuth_bandwidth_hz": spec.azimuth_bandwidth_of(b.spec),
                   "first_line_time_utc": b.first_line_time_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
                  for b in scene.beams],
        "point_targets": [
            {"lat_deg": t.lat_deg, "lon_deg": t.lon_deg, "ellipsoid_height_m": t.height_m, "rcs_db": t.rcs_db,
             "radar_positions": [
                 {"beam": b.number, "line": pos[0], "pixel": pos[1],
                  "slant_range_m": float(b.grid.range_of_pixel(pos[1]))}
                 for b, beam_targets in zip(scene.beams, targets)
                 for pos in [beam_targets[i]] if pos is not None]}
            for i, t in enumerate(point_targets)],
    }


def scene_plan(mode: str, centre_lat_lon, centre_time_utc: datetime, pass_direction: str, look_side: str,
               lines: Optional[int], pixels: Optional[int], beam_id: Optional[str],
               centre_incidence_deg: Optional[float] = None, azimuth_shift_lines: float = 0.0,
               beams: Optional[Sequence[int]] = None) -> dict:
    """The arguments of :func:`.scene.plan_scene` that made a product (JSON-ready; :func:`planned_scene`
    rebuilds the very same scene, orbit included)."""
    return {"mode": mode, "centre_lat_lon": [float(centre_lat_lon[0]), float(centre_lat_lon[1])],
            "centre_time_utc": centre_time_utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "pass_direction": pass_direction, "look_side": look_side, "lines": lines, "pixels": pixels,
            "beam_id": beam_id, "centre_incidence_deg": centre_incidence_deg,
            "azimuth_shift_lines": float(azimuth_shift_lines),
            "beams": None if beams is None else sorted(int(b) for b in beams)}


def planned_scene(plan: dict) -> SimulatedScene:
    """The SimulatedScene of a :func:`scene_plan` record."""
    t = datetime.strptime(plan["centre_time_utc"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    mode = beam_table(mode_spec(plan["mode"]), plan.get("beam_id"), plan["centre_lat_lon"][0])
    shift = plan.get("beam_incidence_shift_deg")
    if shift:  # another track: the beams moved to where that track sees the scene
        mode = replace(mode, beams=tuple(replace(b, incidence_near_deg=b.incidence_near_deg + shift,
                                                 incidence_far_deg=b.incidence_far_deg + shift) for b in mode.beams))
    return plan_scene(mode, plan["centre_lat_lon"][0], plan["centre_lat_lon"][1],
                      pass_direction=plan["pass_direction"], look_side=plan["look_side"], centre_time_utc=t,
                      lines=plan["lines"], pixels=plan["pixels"],
                      centre_incidence_deg=plan.get("centre_incidence_deg"),
                      azimuth_shift_lines=plan.get("azimuth_shift_lines", 0.0), beams=plan.get("beams"))
