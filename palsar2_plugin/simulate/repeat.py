"""A repeat pass of a simulated product: :func:`simulate_repeat` (``python -m palsar2_plugin.simulate --repeat-of``).

Given a product simulated by this package with band-limited speckle (or none), it writes a second
L1.1 acquisition of the same scene: same mode, beam(s), look side and pass, ``days`` later (its
own scene id: orbit number + 207 per 14 days), from an orbit placed so that the perpendicular
baseline at the scene centre is the requested one (:mod:`.baseline`), with:

- the propagation phase exp(-4 pi i R / lambda) of its own orbit for every scatterer, so flat-earth
  and topographic phase appear in the interferogram exactly as the geometry says;
- the ground displaced by the deformation (:mod:`.deformation`: Gaussian uplifts and/or an east,
  north, up raster; scatterers move in range, phase and position);
- the scatterers' reflectivity correlated with the previous acquisition's at the temporal
  coherence C (optionally lower in patches) (:mod:`.repeat_field`);
- the same band-limited kernels, and for ScanSAR its own raw bursts: the reference's, moved by the
  days and by ``burst_offset_ms`` (0 = synchronised at the scene centre) (:mod:`.bursts`);
- its own terrain radiometry and thermal-noise-free calibration, and the point targets of the
  reference, displaced.

Beside the product: ``<stem>.simulation.json`` (how it was made, the pair's baselines, burst
synchronisation, coregistration offsets) and the truth rasters ``<stem>.truth.tif`` (ScanSAR:
``<stem>.truth-F<n>.tif``), see :mod:`.truth`. A repeat of a repeat continues the chain (same
scatterers, cumulative displacement). ``track_offset`` (paths) makes an unrelated acquisition of
the same area from another track instead: independent speckle, no pair truth.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geometry.ellipsoid import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from ..geometry.range_doppler import geo_to_radar, geolocate, radar_to_geo
from ..progress import CancelCheck, ProgressCallback, SubProgress, report
from .backscatter import calibration_scale
from .baseline import baseline_at, repeat_orbit
from .bursts import BurstTiming, gate_margin_lines, fm_rate_interpolator
from .dem_source import DemHeights
from .deformation import (CoherenceModel, CoherencePatch, Deformation, DisplacementRaster, Uplift,
                          deformation_from_dict)
from .description import build_description
from .modes import CALIBRATION_FACTOR_DB
from .point_targets import PointTarget, point_target_positions
from .product import (SPECKLE_BAND_LIMITED, SPECKLE_NONE, TerrainSet, band_limited_source, place_on_terrain,
                      planned_scene, render_product, scene_plan, simulation_record, speckle_kernels,
                      target_responses, with_bursts)
from .repeat_field import ChainStep, ReflectivityChain, RepeatField
from .scatterers import Acquisition, ScattererLattice
from .scene import SimulatedScene
from .speckle_field import propagation_phasor
from .speckle_source import _BAND_EDGE, point_target_block
from .truth import MapGrid, PairTruth, cropped_grid, dem_grid, footprint_grid, write_truth

#: ALOS-2 repeats its ground track every 14 days (207 revolutions).
REPEAT_CYCLE_DAYS = 14
REVOLUTIONS_PER_CYCLE = 207
#: Orbit-number step that moves the ground track by one path (14 x 74 = 1 mod 207).
_REVOLUTIONS_PER_PATH = 74


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def simulation_json_of(product_folder: Path) -> Path:
    """The ``<stem>.simulation.json`` beside a simulated product folder."""
    folder = Path(product_folder)
    return folder.parent / f"{folder.name}.simulation.json"


def _load_reference(reference) -> Tuple[Path, dict]:
    from ..ceos import open_product

    scene = open_product(reference)
    folder = Path(scene.product_folder)
    path = simulation_json_of(folder)
    if not path.is_file():
        raise Palsar2Error(f"{folder} has no {path.name} beside it: --repeat-of needs a product simulated by "
                           "python -m palsar2_plugin.simulate (its record says how its speckle was made).")
    record = json.loads(path.read_text())
    if "plan" not in record:
        raise Palsar2Error(f"{path} was written by an older simulator (no 'plan'); simulate the reference again.")
    model = record.get("speckle_model", {}).get("model")
    if model not in (SPECKLE_BAND_LIMITED, SPECKLE_NONE):
        raise Palsar2Error(f"The reference {folder.name} has '{model}' speckle: independent samples per pixel "
                           "cannot be seen again from another orbit. Simulate the reference with "
                           "--speckle band-limited (or --no-speckle) and make the repeat of that.")
    if record.get("noise_equivalent_sigma0_db") is not None:
        raise Palsar2Error(f"The reference {folder.name} has thermal noise (--nesz-db); the pair's coherence "
                           "truth does not model it. Simulate the reference without --nesz-db.")
    if record["scene_id"] != scene.scene_id:
        raise Palsar2Error(f"{path} describes {record['scene_id']}, not {scene.scene_id}.")
    return folder, record


def _step_dict(seed: int, coherence: CoherenceModel, deformation: Deformation, days: float) -> dict:
    return {"seed": int(seed), "coherence": coherence.as_dict(), "deformation": deformation.as_dict(),
            "days_after_previous": days}


def _steps_from(dicts: Sequence[dict]) -> List[ChainStep]:
    return [ChainStep(d["seed"], CoherenceModel.from_dict(d["coherence"]),
                      deformation_from_dict(d["deformation"])) for d in dicts]


def _displaced_target(t: PointTarget, displacement: Optional[Deformation]) -> PointTarget:
    if displacement is None:
        return t
    d = displacement.enu(np.array([t.lat_deg]), np.array([t.lon_deg]))[0]
    east, north, up = enu_basis(t.lat_deg, t.lon_deg)
    x = geodetic_to_ecef(t.lat_deg, t.lon_deg, t.height_m) + d[0] * east + d[1] * north + d[2] * up
    lat, lon, h = ecef_to_geodetic(x)
    return PointTarget(float(lat), float(lon), float(h), t.rcs_db)


class _Cumulative:
    """The sum of several Deformation objects (the displacement since the root)."""

    def __init__(self, parts):
        self.parts = [p for p in parts if p is not None and not p.is_zero]

    @property
    def is_zero(self):
        return not self.parts

    def enu(self, lat, lon):
        return sum(p.enu(lat, lon) for p in self.parts)


def _root_span(scene_of: Sequence[Tuple[object, object, float]], root_grid, root_orbit, height_span):
    """(root line span, root pixel span) covering the given (grid, orbit, margin lines) images."""
    lines, pixels = [], []
    for grid, orbit, margin in scene_of:
        ll = np.linspace(-margin, grid.lines - 1 + margin, 9)
        pp = np.linspace(0, grid.pixels - 1, 9)
        for h in height_span:
            lat, lon = radar_to_geo(grid, orbit, ll[:, None], pp[None, :], h)
            for hh in height_span:
                _, _, line, pixel = geo_to_radar(root_grid, root_orbit, lat, lon, hh)
                lines.append(line[np.isfinite(line)])
                pixels.append(pixel[np.isfinite(pixel)])
    lines, pixels = np.concatenate(lines), np.concatenate(pixels)
    return (float(lines.min()) - 64.0, float(lines.max()) + 64.0), (float(pixels.min()) - 64.0,
                                                                       float(pixels.max()) + 64.0)


def simulate_repeat(reference, out_dir, *, days: float = REPEAT_CYCLE_DAYS, perpendicular_baseline_m: float = 100.0,
                    coherence: float = 1.0, coherence_patches: Sequence[CoherencePatch] = (),
                    uplifts: Sequence[Uplift] = (), displacement_raster: Optional[str] = None,
                    burst_offset_ms: float = 0.0, track_offset: int = 0, azimuth_shift_lines: float = 0.0,
                    seed: Optional[int] = None, dem_path: Optional[str] = None,
                    truth_pixel_size: Optional[float] = None,
                    oversample_range: Optional[int] = None, workers: int = 2,
                    progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None) -> Path:
    """Write a repeat pass of the simulated product ``reference`` into ``out_dir``; returns its folder.

    ``days``: time after the reference (a positive multiple of 14: ALOS-2's repeat cycle, unless
    ``track_offset`` is given). ``perpendicular_baseline_m``: B_perp at the scene centre (ISCE2's
    sign convention, :mod:`.baseline`). ``coherence`` (0-1) and ``coherence_patches``: temporal
    coherence of the scatterers. ``uplifts`` and ``displacement_raster`` (3-band east/north/up GeoTIFF,
    metres): the ground's displacement since the reference. ``burst_offset_ms``: the secondary's raw
    bursts are that much later than synchronised at the scene centre (ScanSAR). ``track_offset``:
    image the area from a track that many paths away instead (an unrelated acquisition).
    ``azimuth_shift_lines``: move the secondary's lines along track. ``seed``: speckle change seed
    (default: derived from the reference's). ``dem_path``: the DEM (default: the reference's).
    ``truth_pixel_size``: the truth grid's cell (degrees, EPSG:4326 over the footprint; default: the
    DEM's own grid cut to the footprint, or without a DEM about four ground-range pixels).
    """
    if days <= 0:
        raise Palsar2Error(f"--days must be positive, got {days}")
    if track_offset == 0 and abs(days / REPEAT_CYCLE_DAYS - round(days / REPEAT_CYCLE_DAYS)) > 1e-9:
        raise Palsar2Error(f"ALOS-2 sees the same ground track again every {REPEAT_CYCLE_DAYS} days: --days must be "
                           f"a multiple of {REPEAT_CYCLE_DAYS} for a repeat pass (got {days}); use --track-offset "
                           "for an acquisition from another track.")
    folder_a, record_a = _load_reference(reference)
    scene_a = planned_scene(record_a["plan"])
    spec = scene_a.mode
    repeat_a = record_a.get("repeat")
    root_plan = repeat_a["root_plan"] if repeat_a else record_a["plan"]
    root_seed = repeat_a["root_seed"] if repeat_a else record_a["seed"]
    steps_a = list(repeat_a["steps"]) if repeat_a else []
    scene_root = planned_scene(root_plan)
    model = record_a["speckle_model"]["model"]
    seed_b = int(seed) if seed is not None else (int(root_seed) * 1_000_003 + 7919 * (len(steps_a) + 1)) & 0xFFFFFFFF
    dem_path = dem_path or record_a.get("dem")
    dem_ref = record_a.get("dem_height_reference", "egm96")
    coherence_model = CoherenceModel(float(coherence), tuple(coherence_patches))
    raster = DisplacementRaster(displacement_raster) if displacement_raster else None
    deformation = Deformation(tuple(uplifts), raster)
    dem = DemHeights(dem_path, dem_ref) if dem_path else None
    try:
        lat_c, lon_c = scene_a.centre_lat_deg, scene_a.centre_lon_deg
        h_c = float(dem.ellipsoid_heights(np.array([lat_c]), np.array([lon_c]))[0]) if dem else 0.0
        centre_xyz = geodetic_to_ecef(lat_c, lon_c, h_c)
        time_b = scene_a.centre_time_utc + timedelta(days=float(days))
        plan_a = record_a["plan"]
        incidence_a = plan_a.get("centre_incidence_deg") or _beam_centre_incidence(scene_a)
        t_a = scene_a.orbit.seconds_from_datetime(scene_a.centre_time_utc)
        if track_offset:
            incidence_b = _track_offset_incidence(scene_a, incidence_a, int(track_offset))
        else:
            _, incidence_b = repeat_orbit(lat_c, lon_c, time_b, scene_a.pass_direction, scene_a.look_side,
                                          scene_a.orbit, t_a, incidence_a, centre_xyz, perpendicular_baseline_m)
        plan_b = scene_plan(spec.code, (lat_c, lon_c), time_b, scene_a.pass_direction, scene_a.look_side,
                            plan_a["lines"], plan_a["pixels"], plan_a.get("beam_id"), incidence_b, azimuth_shift_lines,
                            beams=plan_a.get("beams"))
        if track_offset:
            plan_b["beam_incidence_shift_deg"] = incidence_b - incidence_a
        scene_b = _planned_repeat(plan_b, scene_a, days, track_offset)
        tb = scene_b.orbit.seconds_from_datetime(time_b)
        b_perp, b_par, _ = baseline_at(scene_a.orbit, scene_b.orbit, centre_xyz, t_a, tb)

        if track_offset:
            folder = _independent(scene_b, plan_b, dem, record_a, model, seed_b, out_dir, dem_path, dem_ref,
                                  oversample_range, workers, progress, is_cancelled)
            _write_unrelated_record(folder, record_a, folder_a, plan_b, track_offset, days, b_perp, b_par)
            return folder

        report(progress, 0.0, "planning the repeat pass")
        steps_b = steps_a + [_step_dict(seed_b, coherence_model, deformation, days)]
        chain_steps_a = _steps_from(steps_a)
        chain_steps_b = chain_steps_a + [ChainStep(seed_b, coherence_model, deformation)]
        cumulative_b = _Cumulative([s.displacement for s in chain_steps_b])
        bursts_a = _bursts_of(record_a, scene_a)
        bursts_b = None
        if bursts_a:
            shift = (scene_b.centre_time_utc - scene_a.centre_time_utc).total_seconds() + burst_offset_ms / 1000.0
            bursts_b = {b: t.shifted(shift) for b, t in bursts_a.items()}
        description = with_bursts(build_description(scene_b, CALIBRATION_FACTOR_DB), scene_b, bursts_b)
        stem = f"{scene_b.scene_id}-{scene_b.product_id}"
        folder = Path(out_dir) / stem
        if folder.exists() and any(folder.iterdir()):
            raise Palsar2Error(f"{folder} already exists; choose another --out or remove it.")

        height_range = dem.ellipsoid_height_range() if dem else (0.0, 0.0)
        height_span = (height_range[0] - 20.0, height_range[1] + 20.0)
        max_shift_m = deformation.max_abs_m() + sum(s.displacement.max_abs_m() for s in chain_steps_a
                                                    if s.displacement is not None)
        beams = {}
        for beam_b in scene_b.beams:
            beam_a = next(b for b in scene_a.beams if b.number == beam_b.number)
            beam_root = next(b for b in scene_root.beams if b.number == beam_b.number)
            k_az, k_rg = speckle_kernels(spec, beam_root)
            fm_b = fm_rate_interpolator(scene_b.orbit, beam_b.grid, (beam_b.grid.lines - 1) / 2.0)
            margin = 0
            if bursts_b:
                margin = gate_margin_lines(fm_b(np.array([0.0, beam_b.grid.pixels - 1.0])), beam_b.spec.prf_hz,
                                           k_az.cutoff + _BAND_EDGE)
            root_acq = Acquisition(scene_root.orbit, beam_root.grid, is_root=True)
            same_as_root = not steps_a
            acqs = [] if same_as_root else [Acquisition(scene_a.orbit, beam_a.grid)]
            acqs.append(Acquisition(scene_b.orbit, beam_b.grid))
            lines_span, pixels_span = _root_span([(beam_b.grid, scene_b.orbit, margin + 64),
                                                  (beam_a.grid, scene_a.orbit, 64)],
                                                 beam_root.grid, scene_root.orbit, height_span)
            lattice = ScattererLattice(root_acq, dem, height_range, lines_span, pixels_span, acqs)
            index_a = 0 if same_as_root else 1
            index_b = len(acqs)
            pixel_m = min(beam_b.grid.range_spacing_m, 2.0)
            beams[beam_b.number] = dict(beam_a=beam_a, beam_b=beam_b, beam_root=beam_root, k_az=k_az, k_rg=k_rg,
                                        fm_b=fm_b, lattice=lattice, index_a=index_a, index_b=index_b,
                                        max_shift=max_shift_m / pixel_m + 1.0)

        sources = {}
        for number, info in beams.items():
            for pol_index, pol in enumerate(spec.polarisations):
                chain = ReflectivityChain(root_seed, chain_steps_b, number, pol_index)
                field = RepeatField(info["lattice"], info["index_b"], info["beam_b"].grid, chain, info["k_az"],
                                    info["k_rg"], info["max_shift"], speckle=(model == SPECKLE_BAND_LIMITED))
                sources[number, pol] = band_limited_source(scene_b, info["beam_b"], field, bursts_b)

        # point targets of the reference (their ground positions at the root), displaced
        originals = [PointTarget(t["lat_deg"], t["lon_deg"], t["ellipsoid_height_m"], t["rcs_db"])
                     for t in record_a.get("point_targets", [])]
        moved = [_displaced_target(t, cumulative_b if not cumulative_b.is_zero else None) for t in originals]
        targets = point_target_positions(scene_b, moved)
        cal = calibration_scale(CALIBRATION_FACTOR_DB)
        gamma0 = record_a["gamma0_db"]
        beam_index = {b.number: i for i, b in enumerate(scene_b.beams)}

        def pixels_of(beam_number: int, polarisation: str, l0: int, sigma_per_gamma: np.ndarray) -> np.ndarray:
            info = beams[beam_number]
            beam = info["beam_b"]
            power = 10.0 ** (gamma0[polarisation] / 10.0) * sigma_per_gamma.astype(np.float64) / cal
            l1 = l0 + power.shape[0]
            samples = np.sqrt(power) * sources[beam_number, polarisation].block(l0, l1)
            extra = point_target_block(l0, l1, beam.grid.pixels,
                                       target_responses(beam, targets[beam_index[beam_number]], cal),
                                       info["k_az"], info["k_rg"], sources[beam_number, polarisation])
            if extra is not None:
                samples = samples + extra
            return samples.astype(np.complex64)

        if model == SPECKLE_NONE:
            pixels_of = _no_speckle_pixels(scene_b, beams, gamma0, cal, targets, beam_index, cumulative_b, dem)

        oversample = oversample_range or record_a.get("oversample_range", 2)
        terrains = TerrainSet(scene_b, dem, Path(out_dir), oversample_range=oversample,
                              oversample_azimuth=record_a.get("oversample_azimuth", 1),
                              reuse=len(spec.polarisations) > 1)
        try:
            render_product(folder, description, terrains, pixels_of, scene_b, workers=workers,
                           progress=SubProgress(progress, 0.0, 0.85), is_cancelled=is_cancelled)
        finally:
            terrains.close()

        # ---------------------------------------------------------------- records and truth
        record = simulation_record(scene_b, folder, gamma0=gamma0, seed=seed_b, model=model,
                                   noise_equivalent_sigma0_db=None, dem_path=dem_path, dem_height_reference=dem_ref,
                                   height_range=height_range, calibration_factor_db=CALIBRATION_FACTOR_DB,
                                   oversample_range=oversample, oversample_azimuth=record_a.get("oversample_azimuth", 1),
                                   point_targets=originals, targets=targets, bursts=bursts_b,
                                   beam_id=plan_a.get("beam_id"), plan=plan_b)
        for entry, moved_t in zip(record["point_targets"], moved):
            entry["displaced_to"] = {"lat_deg": moved_t.lat_deg, "lon_deg": moved_t.lon_deg,
                                     "ellipsoid_height_m": moved_t.height_m}
        truth_files, truth_grids = {}, {}
        truth_progress = SubProgress(progress, 0.85, 1.0)
        heights_of = dem.ellipsoid_heights if dem else (lambda la, lo: np.zeros(np.shape(la)))
        chain_a = ReflectivityChain(root_seed, chain_steps_a, 1, 0)
        chain_b = ReflectivityChain(root_seed, chain_steps_b, 1, 0)
        for k, (number, info) in enumerate(beams.items()):
            pair = PairTruth(info["lattice"], info["index_a"], info["index_b"], scene_root.orbit,
                             info["beam_root"].grid, info["beam_a"].grid, info["beam_b"].grid, chain_a, chain_b,
                             coherence_model, info["k_az"], info["k_rg"],
                             bursts_a.get(number) if bursts_a else None, bursts_b.get(number) if bursts_b else None,
                             info["beam_a"].first_line_time_utc, info["beam_b"].first_line_time_utc, info["fm_b"])
            name = f"{stem}.truth-F{number}.tif" if spec.is_scansar else f"{stem}.truth.tif"
            tags = _truth_tags(folder_a, folder, days, b_perp, b_par)
            truth_grid = _truth_grid(dem, replace(scene_b, beams=(info["beam_b"],)), truth_pixel_size)
            truth_grids[str(number)] = truth_grid.as_dict()
            write_truth(Path(out_dir) / name, truth_grid, pair, heights_of, tags,
                        progress=SubProgress(truth_progress, k / len(beams), (k + 1) / len(beams)),
                        is_cancelled=is_cancelled)
            truth_files[str(number)] = name
        record["repeat"] = _repeat_record(record_a, folder_a, root_plan, root_seed, steps_b, scene_a, scene_b,
                                          centre_xyz, days, b_perp, b_par, bursts_a, bursts_b, burst_offset_ms,
                                          truth_grids, truth_files, dem, beams)
        simulation_json_of(folder).write_text(json.dumps(record, indent=2))
        report(progress, 1.0, "done")
        return folder
    finally:
        if dem is not None:
            dem.close()
        deformation.close()


def _beam_centre_incidence(scene: SimulatedScene) -> float:
    return scene.mode.centre_incidence_deg


def _planned_repeat(plan_b: dict, scene_a: SimulatedScene, days: float, track_offset: int) -> SimulatedScene:
    """The secondary's scene: planned like the reference, orbit number continuing the reference's."""
    scene = planned_scene(plan_b)
    orbit = scene_a.orbit_number + int(round(days * REVOLUTIONS_PER_CYCLE / REPEAT_CYCLE_DAYS))
    orbit += (_REVOLUTIONS_PER_PATH * int(track_offset)) % REVOLUTIONS_PER_CYCLE
    return replace(scene, orbit_number=orbit, frame_number=scene_a.frame_number)


def _track_offset_incidence(scene_a: SimulatedScene, incidence_a: float, paths: int) -> float:
    """Centre incidence (degrees) from a track ``paths`` paths away (adjacent paths are 2 pi R / 207
    apart at the equator, times cos(latitude) across track; positive = farther from the track)."""
    spacing_m = 2.0 * np.pi * 6378137.0 / REVOLUTIONS_PER_CYCLE * np.cos(np.radians(scene_a.centre_lat_deg))
    tc = scene_a.orbit.seconds_from_datetime(scene_a.centre_time_utc)
    s = scene_a.orbit.position(np.array([tc]))[0]
    target = geodetic_to_ecef(scene_a.centre_lat_deg, scene_a.centre_lon_deg, 0.0)
    lat_s, lon_s, _ = ecef_to_geodetic(s)
    ground = float(np.linalg.norm(geodetic_to_ecef(lat_s, lon_s, 0.0) - target))
    new_ground = ground + paths * spacing_m
    if new_ground <= 50e3:
        raise Palsar2Error(f"A track {paths} path(s) away would pass over the scene; choose another --track-offset.")
    altitude = float(np.linalg.norm(s) - np.linalg.norm(geodetic_to_ecef(lat_s, lon_s, 0.0)))
    r_e = float(np.linalg.norm(target))
    gamma = new_ground / r_e
    look = np.arctan2(np.sin(gamma) * r_e, (r_e + altitude) - r_e * np.cos(gamma))
    incidence = float(np.degrees(look + gamma))
    if not 8.0 <= incidence <= 65.0:
        raise Palsar2Error(f"A track {paths} path(s) away sees the scene at {incidence:.1f} deg incidence, outside "
                           "ALOS-2's range; choose a smaller --track-offset.")
    return incidence


def _bursts_of(record: dict, scene: SimulatedScene) -> Optional[dict]:
    beams = record.get("speckle_model", {}).get("beams") or []
    out = {}
    for b in beams:
        t = b.get("bursts")
        if t:
            out[b["beam"]] = BurstTiming(b["beam"], t["prf_hz"], t["burst_length_lines"], t["cycle_s"],
                                         _utc(t["first_burst_start_utc"]))
    return out or None


def _truth_grid(dem, scene, pixel_size) -> MapGrid:
    """The DEM's grid cut to the scene, or an EPSG:4326 grid of ``pixel_size`` degrees over it."""
    if dem is not None and pixel_size is None:
        return cropped_grid(dem_grid(dem), scene)
    return footprint_grid(scene, pixel_size)


def _truth_tags(folder_a: Path, folder_b: Path, days, b_perp, b_par) -> dict:
    return {"PALSAR2_SIMULATION_TRUTH": "1", "REFERENCE_PRODUCT": folder_a.name, "SECONDARY_PRODUCT": folder_b.name,
            "TEMPORAL_BASELINE_DAYS": f"{days}", "PERPENDICULAR_BASELINE_M": f"{b_perp:.3f}",
            "PARALLEL_BASELINE_M": f"{b_par:.3f}",
            "LOS_CONVENTION": "positive towards the satellite (range shortening)",
            "PHASE_CONVENTION": "z = A exp(-4 pi i R / lambda); arg(z_ref conj(z_sec)) = 4 pi (R_sec - R_ref) / lambda; "
                                "a LOS displacement d adds -4 pi d / lambda to it",
            "COHERENCE_CONVENTION": "population coherence with exact coregistration and flattening, no common-band "
                                    "filtering, no thermal noise"}


def _coregistration_offsets(scene_a, scene_b, beam_a, beam_b, dem, n: int = 11) -> dict:
    """Reference (line, pixel) -> secondary (line, pixel) on an n x n grid at the DEM height (no
    deformation), by direct geometry (rdr2geo on the DEM by fixed-point iteration, then geo2rdr)."""
    ga, gb = beam_a.grid, beam_b.grid
    ll, pp = np.meshgrid(np.linspace(0, ga.lines - 1, n), np.linspace(0, ga.pixels - 1, n), indexing="ij")
    h = np.zeros(ll.shape)
    for _ in range(12 if dem is not None else 1):
        lat, lon = radar_to_geo(ga, scene_a.orbit, ll, pp, h)
        h_new = dem.ellipsoid_heights(lat, lon) if dem is not None else h
        if np.nanmax(np.abs(h_new - h)) < 1e-3:
            break
        h = h_new
    _, _, lb, pb = geo_to_radar(gb, scene_b.orbit, lat, lon, h)
    return {"reference_line": ll.ravel().tolist(), "reference_pixel": pp.ravel().tolist(),
            "secondary_line": lb.ravel().tolist(), "secondary_pixel": pb.ravel().tolist(),
            "height_m": h.ravel().tolist(),
            "convention": "0-based fractional lines/pixels, sample centres; ground point at the DEM height seen "
                          "by the reference, before deformation"}


def _repeat_record(record_a, folder_a, root_plan, root_seed, steps_b, scene_a, scene_b, centre_xyz, days, b_perp,
                   b_par, bursts_a, bursts_b, burst_offset_ms, truth_grids, truth_files, dem, beams) -> dict:
    wavelength = scene_b.beams[0].grid.wavelength_m
    ta = scene_a.orbit.seconds_from_datetime(scene_a.centre_time_utc)
    _, r_c = geo_to_radar(scene_a.beams[0].grid, scene_a.orbit, *ecef_to_geodetic(centre_xyz))[:2]
    inc = np.radians(scene_a.mode.centre_incidence_deg)
    height_of_ambiguity = abs(wavelength * float(r_c) * np.sin(inc) / (2.0 * b_perp)) if b_perp else None
    corners = []
    for beam in (scene_a.beams[0], scene_a.beams[-1]):
        g = beam.grid
        for line, pixel in ((0, 0), (0, g.pixels - 1), (g.lines - 1, 0), (g.lines - 1, g.pixels - 1)):
            lat, lon = radar_to_geo(g, scene_a.orbit, line, pixel, 0.0)
            xyz = geodetic_to_ecef(float(lat), float(lon), 0.0)
            bp, bpar, _ = baseline_at(scene_a.orbit, scene_b.orbit, xyz, float(g.time_of_line(line)),
                                      scene_b.orbit.seconds_from_datetime(scene_b.centre_time_utc))
            corners.append({"beam": beam.number, "line": line, "pixel": pixel, "perpendicular_m": bp,
                            "parallel_m": bpar})
    sync = None
    if bursts_b:
        sync = []
        for number, timing in bursts_b.items():
            unsync = (burst_offset_ms / 1000.0 + 0.5 * timing.cycle_s) % timing.cycle_s - 0.5 * timing.cycle_s
            sync.append({"beam": number, "burst_length_s": timing.length_s, "unsynchronised_s": unsync,
                         "synchronised_fraction": max(0.0, 1.0 - abs(unsync) / timing.length_s),
                         "reference_bursts": bursts_a[number].as_dict(), "secondary_bursts": timing.as_dict()})
    return {
        "root_plan": root_plan, "root_seed": int(root_seed), "steps": steps_b,
        "reference_product": folder_a.name, "reference_scene_id": record_a["scene_id"],
        "temporal_baseline_days": days,
        "perpendicular_baseline_m": b_perp, "parallel_baseline_m": b_par,
        "baseline_convention": "ISCE2 runBaseline: at the scene centre, secondary minus reference sensor "
                               "without its along-track part; B_perp signed by ((T - M) x (S - M)) . V_ref",
        "baseline_at_corners": corners, "height_of_ambiguity_m": height_of_ambiguity,
        "burst_offset_ms": burst_offset_ms if bursts_b else None, "burst_synchronisation": sync,
        "coregistration_offsets": {str(number): _coregistration_offsets(scene_a, scene_b, info["beam_a"],
                                                                        info["beam_b"], dem)
                                   for number, info in beams.items()},
        "truth_grids": truth_grids, "truth_files": truth_files,
        "truth_bands": {"1": "los_displacement_m", "2": "coherence", "3": "coherence_temporal",
                        "4": "coherence_range_spectral", "5": "coherence_azimuth"},
        "speckle_physics": ("scatterers = samples of the root grid on the DEM; each acquisition: rho_k exp(-4 pi i "
                            "R_k / lambda) through the root's band-limiting kernels at its own (displaced) positions; "
                            "rho_k = C rho_(k-1) + sqrt(1 - C^2) n_k"),
    }


def _write_unrelated_record(folder, record_a, folder_a, plan_b, track_offset, days, b_perp, b_par) -> None:
    path = simulation_json_of(folder)
    record = json.loads(path.read_text())
    record["plan"] = plan_b
    record["unrelated_to"] = {"reference_product": folder_a.name, "track_offset_paths": int(track_offset),
                              "days_after": days, "perpendicular_baseline_m": b_perp, "parallel_baseline_m": b_par,
                              "meaning": "an acquisition of the same area from another track: independent speckle; "
                                         "not an interferometric pair"}
    path.write_text(json.dumps(record, indent=2))


def _independent(scene_b, plan_b, dem, record_a, model, seed_b, out_dir, dem_path, dem_ref, oversample_range,
                 workers, progress, is_cancelled) -> Path:
    """An independent product on ``scene_b`` (another track): the base simulator with its own seed."""
    from .product import simulate_product
    return simulate_product(dem_path, scene_b.mode.code, out_dir, gamma0_db=record_a["gamma0_db"], seed=seed_b,
                            dem_height_reference=dem_ref, centre_lat_lon=tuple(plan_b["centre_lat_lon"]),
                            speckle_noise=model != SPECKLE_NONE,
                            speckle=model if model != SPECKLE_NONE else "white",
                            oversample_range=oversample_range or record_a.get("oversample_range", 2),
                            workers=workers, progress=progress, is_cancelled=is_cancelled,
                            planned=(scene_b, plan_b))


def _no_speckle_pixels(scene_b, beams, gamma0, cal, targets, beam_index, cumulative, dem):
    """Pixels of a no-speckle repeat: sqrt(power) exp(-4 pi i (R_pixel - d_LOS) / lambda), d_LOS the
    displacement of the ground seen there along the line of sight (interpolated from every 16th
    sample), plus the point targets."""
    cache = {}

    def los_map(beam):
        if beam.number in cache:
            return cache[beam.number]
        g = beam.grid
        ll = np.arange(0, g.lines + 16, 16, dtype=np.float64)
        pp = np.arange(0, g.pixels + 16, 16, dtype=np.float64)
        lines, pixels = np.meshgrid(ll, pp, indexing="ij")
        h = np.zeros(lines.shape)
        for _ in range(10 if dem is not None else 1):
            lat, lon = radar_to_geo(g, scene_b.orbit, lines, pixels, h)
            if dem is None:
                break
            h = dem.ellipsoid_heights(lat, lon)
        d_los = np.zeros(lines.shape)
        if not cumulative.is_zero:
            d = cumulative.enu(lat, lon)
            t = g.time_of_line(lines)
            s = scene_b.orbit.position(t)
            x = geodetic_to_ecef(lat, lon, h)
            east, north, up = enu_basis(lat, lon)
            los = (s - x) / np.linalg.norm(s - x, axis=-1)[..., None]
            d_los = (np.einsum("...k,...k->...", los, east) * d[..., 0]
                     + np.einsum("...k,...k->...", los, north) * d[..., 1]
                     + np.einsum("...k,...k->...", los, up) * d[..., 2])
        cache[beam.number] = (ll, pp, d_los)
        return cache[beam.number]

    def pixels_of(beam_number, polarisation, l0, sigma_per_gamma):
        info = beams[beam_number]
        beam = info["beam_b"]
        power = 10.0 ** (gamma0[polarisation] / 10.0) * sigma_per_gamma.astype(np.float64) / cal
        l1 = l0 + power.shape[0]
        ll, pp, d_los = los_map(beam)
        rows = np.interp(np.arange(l0, l1), ll, np.arange(len(ll)))
        cols = np.interp(np.arange(beam.grid.pixels), pp, np.arange(len(pp)))
        r0 = np.clip(np.floor(rows).astype(int), 0, len(ll) - 2)
        c0 = np.clip(np.floor(cols).astype(int), 0, len(pp) - 2)
        wr, wc = (rows - r0)[:, None], (cols - c0)[None, :]
        d = ((1 - wr) * ((1 - wc) * d_los[r0][:, c0] + wc * d_los[r0][:, c0 + 1])
             + wr * ((1 - wc) * d_los[r0 + 1][:, c0] + wc * d_los[r0 + 1][:, c0 + 1]))
        rng = beam.grid.range_of_pixel(np.arange(beam.grid.pixels))[None, :] - d
        samples = np.sqrt(power) * propagation_phasor(rng, beam.grid.wavelength_m)
        extra = point_target_block(l0, l1, beam.grid.pixels, target_responses(beam, targets[beam_index[beam_number]],
                                                                              cal), info["k_az"], info["k_rg"])
        if extra is not None:
            samples = samples + extra
        return samples.astype(np.complex64)
    return pixels_of
