"""From the beams' multilooked radar-geometry sums to the product on the map (steps 3-6 of :mod:`.driver`)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Dict, Optional

import numpy as np

from .. import __version__, attribution
from ..geometry.range_doppler import ellipsoid_incidence_rows
from ..progress import CancelCheck, ProgressCallback, SubProgress, check_cancelled, report
from ..radiometry import calibrate
from ..rtc.radar_input import RadarBeam, RadarInput, read_beta0_file_window
from ..nrb.mask import MASK_VALID
from . import conventions
from ..geometry.geocode import sample_bilinear
from .geocode import tile_positions
from .looks import coherence as coherence_of



class PairBackscatter(RadarInput):
    """The pair's mean calibrated beta0 ((|r|^2 + |s|^2) / 2 per multilook window) as a
    :class:`palsar2_plugin.rtc.RadarInput`, so the terrain correction makes its gamma0, mask and angles."""

    def __init__(self, ref_scene, orbit, pol: str, beams: Dict[int, dict]):
        self.orbit = orbit
        self.polarisations = (pol,)
        self.metadata = dict(scene_id=ref_scene.scene_id, product_id=ref_scene.product_id, mode=ref_scene.mode,
                             look_side=ref_scene.look_side, pass_direction=ref_scene.pass_direction)
        self._beams = beams
        self._calibration = (ref_scene.calibration_factor_db, ref_scene.level)
        out = []
        for number, b in beams.items():
            la, lr = b["looks"]
            b["ml_grid"] = b["grid"].multilooked(la, lr)
            out.append(RadarBeam(number, b["ml_grid"], float(la * lr)))
        self.beams = tuple(out)

    def read_beta0(self, beam, polarisation, line0, line1, pixel0, pixel1):
        b = self._beams[beam]
        la, lr = b["looks"]
        pr = read_beta0_file_window(b["files"]["pr"], b["shape"], line0, line1, pixel0, pixel1)
        ps = read_beta0_file_window(b["files"]["ps"], b["shape"], line0, line1, pixel0, pixel1)
        mean = (pr + ps) / np.float32(2 * la * lr)
        # beta0 as readceos and the terrain correction calibrate it (radiometry.calibrate, the
        # ellipsoid incidence of every multilooked pixel)
        incidence = ellipsoid_incidence_rows(b["ml_grid"], self.orbit, line0, line1)[:, pixel0:pixel1]
        return calibrate(mean, *self._calibration, "beta0", incidence)


def _coherence_file(b: dict, work: str, number: int) -> str:
    path = os.path.join(work, f"F{number}_coh.raw")
    ifg = np.memmap(b["files"]["ifg"], dtype=np.complex64, mode="r", shape=b["shape"])
    pr = np.memmap(b["files"]["pr"], dtype=np.float32, mode="r", shape=b["shape"])
    ps = np.memmap(b["files"]["ps"], dtype=np.float32, mode="r", shape=b["shape"])
    coh = np.memmap(path, dtype=np.float32, mode="w+", shape=b["shape"])
    for r in range(0, b["shape"][0], 1024):
        coh[r:r + 1024] = coherence_of(ifg[r:r + 1024], pr[r:r + 1024], ps[r:r + 1024])
    coh.flush()
    return path


def geocode_pair(ref, sec, info, beams: Dict[int, dict], dem_path: str, height_reference: str, output_folder: str,
                 name: str, work: str, *, pixel_size_m: float, crs, extent, extent_crs, goldstein_alpha: float,
                 unwrap: bool, workers: int, progress: Optional[ProgressCallback] = None,
                 is_cancelled: Optional[CancelCheck] = None) -> Dict[str, object]:
    import rasterio
    from rasterio.windows import Window

    from ..rtc import terrain_correct
    from ..rtc.grid import iter_tiles
    from .product import InsarWriter

    orbit = ref.orbit()
    pol = info.polarisation
    radar = PairBackscatter(ref, orbit, pol, beams)
    report(progress, 0.0, "Mean backscatter, layover and shadow on the map grid")
    nrb = terrain_correct(radar, dem_path, os.path.join(work, "nrb"), height_reference=height_reference,
                          polarisations=[pol], crs=crs, pixel_size_m=pixel_size_m, extent=extent,
                          extent_crs=extent_crs, workers=workers, progress=SubProgress(progress, 0.0, 0.35),
                          is_cancelled=is_cancelled)
    grid = nrb["grid"]
    shape = (grid.height, grid.width)
    ifg_map = np.memmap(os.path.join(work, "ifg_map.raw"), dtype=np.complex64, mode="w+", shape=shape)
    coh_map = np.memmap(os.path.join(work, "coh_map.raw"), dtype=np.float32, mode="w+", shape=shape)
    look_map = np.memmap(os.path.join(work, "look_map.raw"), dtype=np.float32, mode="w+", shape=shape)
    coh_files = {n: _coherence_file(b, work, n) for n, b in beams.items()}
    tiles = list(iter_tiles(grid, 512))
    report(progress, 0.35, "Geocoding the interferogram")
    with rasterio.open(nrb["mask"]) as mask_ds, rasterio.open(nrb["dem"]) as dem_ds:
        for index, tile in enumerate(tiles):
            check_cancelled(is_cancelled)
            window = Window(tile.col0, tile.row0, tile.shape[1], tile.shape[0])
            mask = mask_ds.read(1, window=window)
            heights = dem_ds.read(1, window=window).astype(np.float64)     # the heights the mask came from
            best_coh = np.full(tile.shape, np.nan, dtype=np.float32)
            best_ifg = np.zeros(tile.shape, dtype=np.complex64)
            best_look = np.full(tile.shape, np.nan, dtype=np.float32)
            for number, b in beams.items():
                pos = tile_positions(grid, tile, heights, orbit, b["ml_grid"])
                ifg = sample_bilinear(np.memmap(b["files"]["ifg"], dtype=np.complex64, mode="r", shape=b["shape"]),
                                      pos.line, pos.pixel)
                coh = sample_bilinear(np.memmap(coh_files[number], dtype=np.float32, mode="r", shape=b["shape"]),
                                      pos.line, pos.pixel)
                better = np.isfinite(coh) & ~(coh <= best_coh)
                best_coh[better] = coh[better]
                best_ifg[better] = ifg[better]
                best_look[better] = pos.look_angle_deg[better]
            bad = mask != MASK_VALID
            best_coh[bad] = np.nan
            best_ifg[bad] = 0
            sl = (slice(tile.row0, tile.row1), slice(tile.col0, tile.col1))
            coh_map[sl] = best_coh
            ifg_map[sl] = best_ifg
            look_map[sl] = best_look
            report(progress, 0.35 + 0.35 * (index + 1) / len(tiles), "Geocoding the interferogram")
    if goldstein_alpha > 0:
        from .goldstein import PATCH, STEP, goldstein

        report(progress, 0.7, "Goldstein filter")
        filtered = np.memmap(os.path.join(work, "ifg_filtered.raw"), dtype=np.complex64, mode="w+", shape=shape)
        strip = 64 * STEP
        for r0 in range(0, shape[0], strip):
            check_cancelled(is_cancelled)
            a0 = max(0, r0 - PATCH)
            a1 = min(shape[0], r0 + strip + PATCH)
            out = goldstein(np.asarray(ifg_map[a0:a1]), goldstein_alpha)
            filtered[r0:min(shape[0], r0 + strip)] = out[r0 - a0:r0 - a0 + min(strip, shape[0] - r0)]
        phase_source = filtered
    else:
        phase_source = ifg_map
    unwrapped = None
    if unwrap:
        from .unwrap import unwrap as run_snaphu

        report(progress, 0.75, "Unwrapping the phase (SNAPHU)")
        la_lr = [b["looks"][0] * b["looks"][1] for b in beams.values()]
        valid = np.isfinite(coh_map) & (np.abs(phase_source) > 0)
        unwrapped, _ = run_snaphu(np.asarray(phase_source), np.asarray(coh_map), float(min(la_lr)), mask=valid)
    report(progress, 0.85, "Writing the product")
    meta = _metadata(ref, sec, info, beams, nrb, grid, goldstein_alpha, unwrap, height_reference, dem_path)
    writer = InsarWriter(output_folder, name, grid)
    try:
        for r0 in range(0, shape[0], 1024):
            r1 = min(shape[0], r0 + 1024)
            ifg = np.asarray(phase_source[r0:r1])
            phase = np.where(np.abs(ifg) > 0, np.angle(ifg), np.nan).astype(np.float32)
            writer.write("phase", phase, r0)
            writer.write("coherence", np.asarray(coh_map[r0:r1]), r0)
            writer.write("look_angle", np.asarray(look_map[r0:r1]), r0)
            if unwrapped is not None:
                writer.write("unwrapped_phase", unwrapped[r0:r1], r0)
                writer.write("displacement", conventions.los_displacement_m(unwrapped[r0:r1], ref.wavelength_m)
                             .astype(np.float32), r0)
        result = writer.finish(meta, {"backscatter": nrb["gamma0"][pol], "mask": nrb["mask"],
                                      "incidence_angle": nrb["ellipsoid_incidence"],
                                      "local_incidence_angle": nrb["local_incidence"]},
                               SubProgress(progress, 0.85, 1.0), is_cancelled)
    except BaseException:
        writer.abort()
        raise
    finally:
        del ifg_map, coh_map, look_map
    result["grid"] = grid
    result["info"] = meta
    return result


def _fit_dict(fit):
    return None if fit is None else fit.as_dict()


def _metadata(ref, sec, info, beams, nrb, grid, alpha, unwrapped, height_reference, dem_path) -> dict:
    from pyproj import CRS

    from .driver import METHOD

    epsg = CRS.from_user_input(grid.crs).to_epsg()
    beam_meta = {}
    for number, b in beams.items():
        first, residual, correction = b["offset_first"], b["offset_residual"], b["correction"]
        entry = {"looks_azimuth": b["looks"][0], "looks_range": b["looks"][1],
                 "coregistration_offset": _fit_dict(correction),
                 "coregistration_residual_line_px": (None if residual is None or first is None else
                                                    residual.line_coefficients[0] - first.line_coefficients[0]),
                 "coregistration_residual_pixel_px": (None if residual is None or first is None else
                                                     residual.pixel_coefficients[0] - first.pixel_coefficients[0]),
                 "coregistration_scatter_line_px": None if correction is None else correction.rms_line,
                 "coregistration_scatter_pixel_px": None if correction is None else correction.rms_pixel}
        if b["sync"] is not None:
            entry["burst_synchronisation"] = b["sync"].as_dict()
        if b.get("common_band") is not None:
            entry["azimuth_common_band"] = b["common_band"]
        beam_meta[str(number)] = entry
    return {
        "product": "interferogram", "software_version": f"palsar2_plugin {__version__}",
        "processing_time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reference": {"scene_id": ref.scene_id, "product_id": ref.product_id, "mode": ref.mode,
                      "acquisition_time_utc": info.reference_time_utc, "folder": ref.product_folder},
        "secondary": {"scene_id": sec.scene_id, "product_id": sec.product_id, "mode": sec.mode,
                      "acquisition_time_utc": info.secondary_time_utc, "folder": sec.product_folder},
        "polarisation": info.polarisation, "look_side": ref.look_side, "pass_direction": ref.pass_direction,
        "wavelength_m": ref.wavelength_m, **info.as_dict(),
        "beams_detail": beam_meta, "method": METHOD,
        "goldstein_alpha": alpha, "phase_layer": "Goldstein-filtered" if alpha > 0 else "unfiltered",
        "unwrapped": bool(unwrapped),
        "conventions": {
            "interferogram": "reference x conj(secondary); reference = earlier (archive) acquisition",
            "phase": "radians, flat-earth and topographic phase removed; positive = range increase (motion away)",
            "displacement": "line-of-sight displacement in metres, positive towards the satellite: "
                            "d = -lambda * phase / (4 pi); one fringe = lambda / 2",
            "coherence": "0..1, estimated on the multilook window",
        },
        "fringe_m": conventions.fringe_m(ref.wavelength_m),
        "dem": os.path.abspath(dem_path), "dem_height_reference": height_reference,
        "crs": grid.crs, "epsg": epsg, "pixel_size_m": grid.pixel_size_m, "transform": list(grid.transform)[:6],
        "shape": [grid.height, grid.width], "bounds": list(grid.bounds),
        "attribution": attribution.product_metadata(),
    }
