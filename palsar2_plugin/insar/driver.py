"""The whole interferogram of a pair of L1.1 products: :func:`make_interferogram`.

1. :func:`.pair.check_pair` (refuses pairs that cannot interfere), ScanSAR burst synchronisation
   (:mod:`.bursts`); a ScanSAR pair synchronised at least ``burst_sync_threshold`` but less than
   :data:`COMMON_BAND_BELOW` has both images filtered to their common azimuth band
   (:mod:`.azimuth_filter`) into scratch files first;
2. per beam, in the reference's radar geometry: geometric coregistration (:mod:`.geometry_model`),
   its refinement by amplitude cross-correlation (a constant offset, measured twice: the second
   measurement is the residual reported), then tile by tile resampling, geometric phase removal,
   complex multilooking and coherence (:mod:`.formation`) into raw files of a work folder;
3. the mean backscatter of the pair, terrain-flattened by :func:`palsar2_plugin.rtc.terrain_correct`
   on the multilooked grids: it fixes the output map grid and gives the layover/shadow mask and the
   local and ellipsoid incidence angles;
4. each beam geocoded onto that grid (:mod:`.geocode`; overlapping beams: the higher coherence wins),
   layover, shadow and no data masked;
5. optional Goldstein filter and SNAPHU unwrapping on the map grid; LOS displacement
   (:mod:`.conventions`);
6. :class:`.product.InsarWriter` writes the product folder atomically.
"""

from __future__ import annotations

import os
from typing import Dict, Optional, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..progress import CancelCheck, ProgressCallback, SubProgress, check_cancelled, report
from ..staging import ScratchFolder, writable_folder
from .pair import check_pair

#: ScanSAR pairs synchronised below this fraction are filtered to their common azimuth band.
COMMON_BAND_BELOW = 0.99

#: Passes of the cross-correlation refinement at most (after the first).
MAX_REFINEMENTS = 4

METHOD = ("ScanSAR pairs whose bursts overlap 75-99 %: both images filtered to their common azimuth band first "
          "(defocus with the azimuth FM rate, gate by both acquisitions' bursts in raw time, refocus). "
          "Geometric coregistration of the secondary from both orbits and the DEM (zero-Doppler), refined by a "
          "constant offset from amplitude cross-correlation of chips (repeated until it changes by less than 0.003 px); 8-tap Kaiser-windowed sinc resampling, "
          "Doppler-centred; flat-earth and topographic phase (4 pi / lambda)(R_sec - R_ref) from the same "
          "geometry; interferogram reference x conj(secondary), complex multilook, coherence on the same "
          "window; geocoding by backward zero-Doppler of the DEM on the terrain-correction grid, layover and "
          "shadow masked; optional Goldstein filter and SNAPHU unwrapping on the map grid.")


def product_name(ref_scene, sec_scene, polarisation: str) -> str:
    """``<reference scene id>_<secondary date yymmdd>_<POL>_IFG``."""
    return f"{ref_scene.scene_id}_{sec_scene.scene_id.split('-')[-1]}_{polarisation}_IFG"


def make_interferogram(reference, secondary, dem_path: str, output_folder: str, *, height_reference: str = "egm96",
                       polarisation: Optional[str] = None, looks: Optional[Tuple[int, int]] = None,
                       pixel_size_m: float = 25.0, goldstein_alpha: float = 0.0, unwrap: bool = False,
                       crs: Optional[str] = None, extent=None, extent_crs: Optional[str] = None,
                       burst_sync_threshold: float = 0.75, azimuth_common_band: bool = True, workers: int = 2,
                       progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None
                       ) -> Dict[str, object]:
    """Interferogram product of ``reference`` (earlier, archive) and ``secondary`` (later, event) L1.1
    products (paths of a folder, zip or any file, or opened ``ceos.Scene`` objects). Returns the
    product's paths (``folder``, one per layer key of :data:`.product.LAYERS`, ``metadata``, ``stac``),
    ``grid`` and ``info`` (the metadata dict).

    ``looks`` (azimuth, range): default about ``pixel_size_m`` on the ground. ``goldstein_alpha`` 0 = no
    filter. ``unwrap`` needs the snaphu package. ``azimuth_common_band``: filter ScanSAR pairs synchronised
    between ``burst_sync_threshold`` and :data:`COMMON_BAND_BELOW` to their common azimuth band. Other
    arguments as :func:`palsar2_plugin.rtc.terrain_correct`.
    """
    from ..ceos import open_product
    from ..ceos.image import ImageReader
    from ..rtc.dem import DemSource
    from ..geometry.range_doppler import default_looks
    from .bursts import beam_burst_sync
    from .formation import BeamSources, SecondaryWindow, form_beam, measurement_chips, refine_offsets
    from .geometry_model import CoregistrationGeometry
    from .unwrap import INSTALL_HINT, snaphu_available

    if unwrap and not snaphu_available():
        raise Palsar2Error(INSTALL_HINT)
    output_folder = writable_folder(output_folder)
    report(progress, 0.0, "Reading the two products")
    ref, sec = (p if hasattr(p, "scene_id") else open_product(p) for p in (reference, secondary))
    info = check_pair(ref, sec, polarisation)
    pol = info.polarisation
    name = product_name(ref, sec, pol)
    dem = DemSource(dem_path, height_reference)
    try:
        scratch = ScratchFolder(output_folder, name)    # locked: removed when done, or by the next run if killed
    except BaseException:
        dem.close()
        raise
    work = scratch.path
    ref_orbit, sec_orbit = ref.orbit(), sec.orbit()
    beams = {}
    try:
        n_beams = len(info.beams)
        for index, beam in enumerate(info.beams):
            sub = SubProgress(progress, 0.02 + 0.6 * index / n_beams, 0.02 + 0.6 * (index + 1) / n_beams)
            ref_im, sec_im = ref.image(beam, pol), sec.image(beam, pol)
            rg, sg = ref.radar_grid(beam, ref_orbit), sec.radar_grid(beam, sec_orbit)
            sync = beam_burst_sync(ref, sec, beam, pol, ref_orbit, sec_orbit) if ref.is_scansar else None
            if sync is not None and sync.fraction is not None and sync.fraction < burst_sync_threshold:
                raise Palsar2Error(
                    f"Beam {beam}: the bursts of the two acquisitions overlap by only {100 * sync.fraction:.0f} % "
                    f"({sync.synchronised_lines:.0f} of {sync.burst_lines:.0f} burst lines; at least "
                    f"{100 * burst_sync_threshold:.0f} % is needed). Their azimuth spectra share too little for "
                    "an interferogram: choose another archive date.")
            la, lr = looks or default_looks(rg, ref_orbit, pixel_size_m)
            doppler = float(sec.doppler_centroid_hz[0] + sec.doppler_centroid_hz[1] * sg.slant_range_mid_m / 1000.0)
            sources = BeamSources(ref_im, sec_im, rg, sg, ref.wavelength_m, doppler * sg.line_interval_s)
            geometry = CoregistrationGeometry(ref_orbit, rg, sec_orbit, sg, dem)
            shape = (rg.lines // la, rg.pixels // lr)
            files = {key: os.path.join(work, f"F{beam}_{key}.raw") for key in ("ifg", "pr", "ps")}
            arrays = {"ifg": np.memmap(files["ifg"], dtype=np.complex64, mode="w+", shape=shape),
                      "pr": np.memmap(files["pr"], dtype=np.float32, mode="w+", shape=shape),
                      "ps": np.memmap(files["ps"], dtype=np.float32, mode="w+", shape=shape)}
            common = {"applied": False}
            with ImageReader(ref_im) as ref_reader, ImageReader(sec_im) as sec_reader:
                if (azimuth_common_band and sync is not None and sync.fraction is not None
                        and sync.fraction < COMMON_BAND_BELOW):
                    ref_reader, sec_reader, common = _common_band(ref, sec, beam, sync, ref_reader, sec_reader,
                                                                  work, SubProgress(sub, 0.0, 0.1), is_cancelled)
                window = SecondaryWindow(sec_reader, sg.lines, sg.pixels)
                step = (max(1, la // 2), max(1, lr // 2))
                report(sub, 0.0, f"Beam {beam}: coregistration")
                chip = (256, 64) if ref.is_scansar else (64, 64)
                # the chip estimate shrinks a remaining shift a little (interpolation of speckle), so the
                # measurement is repeated on the corrected geometry until its update is below 0.003 px
                chips = measurement_chips(sources, ref_reader, geometry, step, chip, is_cancelled=is_cancelled)
                first = correction = refine_offsets(sources, chips, window, is_cancelled=is_cancelled)
                residual, previous = None, first
                for _ in range(MAX_REFINEMENTS):
                    if correction is None:
                        break
                    residual = refine_offsets(sources, chips, window, start=correction, is_cancelled=is_cancelled)
                    if residual is None:
                        break
                    previous, correction = correction, residual
                    if max(abs(residual.line_coefficients[0] - previous.line_coefficients[0]),
                           abs(residual.pixel_coefficients[0] - previous.pixel_coefficients[0])) < 0.003:
                        break
                first = previous
                del chips
                form_beam(sources, geometry, (la, lr), arrays["ifg"], arrays["pr"], arrays["ps"], ref_reader, window,
                          correction, SubProgress(sub, 0.1, 1.0), is_cancelled, workers=workers)
            for a in arrays.values():
                a.flush()
            window = ref_reader = sec_reader = None          # the filtered images' memory maps closed, then removed
            for path in common.pop("files", ()):
                os.remove(path)
            beams[beam] = {"grid": rg, "looks": (la, lr), "shape": shape, "files": files, "sync": sync,
                           "common_band": common if sync is not None else None,
                           "offset_first": first, "offset_residual": residual, "correction": correction}
            check_cancelled(is_cancelled)
        from .mapping import geocode_pair

        return geocode_pair(ref, sec, info, beams, dem_path, height_reference, output_folder, name, work,
                            pixel_size_m=pixel_size_m, crs=crs, extent=extent, extent_crs=extent_crs,
                            goldstein_alpha=goldstein_alpha, unwrap=unwrap, workers=workers,
                            progress=SubProgress(progress, 0.62, 1.0), is_cancelled=is_cancelled)
    finally:
        dem.close()
        scratch.close()


def _common_band(ref, sec, beam: int, sync, ref_reader, sec_reader, work: str, progress, is_cancelled):
    """Both images of ``beam`` filtered to their common azimuth band into ``work`` (:mod:`.azimuth_filter`):
    (reference reader, secondary reader, metadata dict with the kept fractions and the scratch files)."""
    from .azimuth_filter import FilteredReader, filter_beam, fm_rate_interpolator
    from .bursts import common_gates

    gates = common_gates(sync)
    out, info = [], {"applied": True, "files": []}
    for k, (scene, reader, gate, own, key) in enumerate(
            ((ref, ref_reader, gates[0], sync.reference, "reference"),
             (sec, sec_reader, gates[1], sync.secondary, "secondary"))):
        orbit = scene.orbit()
        grid = scene.radar_grid(beam, orbit)
        # the band a target keeps: the common bursts' share of its own, over the whole cycles measured
        times = np.arange(own.starts_s[0], own.starts_s[-1], grid.line_interval_s / 4.0)
        kept = float(np.sum(gate(times)) / max(1.0, np.sum(own.gate(times))))
        doppler = float(scene.doppler_centroid_hz[0] + scene.doppler_centroid_hz[1] * grid.slant_range_mid_m / 1000.0)
        path = os.path.join(work, f"F{beam}_{key}_common_band.npy")
        info["files"].append(path)
        array = filter_beam(reader, grid, fm_rate_interpolator(orbit, grid, (grid.lines - 1) / 2.0), gate, kept, path,
                            doppler, SubProgress(progress, 0.5 * k, 0.5 * (k + 1)), is_cancelled)
        out.append(FilteredReader(array))
        info[f"kept_fraction_{key}"] = kept
    return out[0], out[1], info
