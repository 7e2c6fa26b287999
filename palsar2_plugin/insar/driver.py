"""The whole interferogram of a pair of L1.1 products: :func:`make_interferogram`.

1. :func:`.pair.check_pair` (refuses pairs that cannot interfere), ScanSAR burst synchronisation
   (:mod:`.bursts`);
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

#: Passes of the cross-correlation refinement at most (after the first).
MAX_REFINEMENTS = 4

METHOD = ("Geometric coregistration of the secondary from both orbits and the DEM (zero-Doppler), refined by a "
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
                       burst_sync_threshold: float = 0.75, workers: int = 2,
                       progress: Optional[ProgressCallback] = None, is_cancelled: Optional[CancelCheck] = None
                       ) -> Dict[str, object]:
    """Interferogram product of ``reference`` (earlier, archive) and ``secondary`` (later, event) L1.1
    products (paths of a folder, zip or any file, or opened ``ceos.Scene`` objects). Returns the
    product's paths (``folder``, one per layer key of :data:`.product.LAYERS`, ``metadata``, ``stac``),
    ``grid`` and ``info`` (the metadata dict).

    ``looks`` (azimuth, range): default about ``pixel_size_m`` on the ground. ``goldstein_alpha`` 0 = no
    filter. ``unwrap`` needs the snaphu package. Other arguments as :func:`palsar2_plugin.rtc.terrain_correct`.
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
            with ImageReader(ref_im) as ref_reader, ImageReader(sec_im) as sec_reader:
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
            beams[beam] = {"grid": rg, "looks": (la, lr), "shape": shape, "files": files, "sync": sync,
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
