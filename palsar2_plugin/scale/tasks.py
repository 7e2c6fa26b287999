"""What runs on a Dask worker: calibrating a scene, and one terrain-correction tile.

Everything sent to a worker is small and picklable: product paths/URLs, :class:`Beta0Files`
(orbit, beam grids and the paths of the calibrated beta0 rasters), the run settings. A tile task
reads its DEM window and beta0 windows itself and writes its layers to one ``.npz`` file in the
run's scratch folder (atomically: temporary name, then rename), returning only that path.
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from ..rtc.radar_input import RadarInput, read_beta0_file_window

_DEMS: Dict[Tuple[str, str], object] = {}
_DEM_LOCK = threading.Lock()


class Beta0Files(RadarInput):
    """Calibrated beta0 rasters (float32 raw files, linear power) of one scene, readable by any
    process that sees ``folder``: what :class:`..rtc.scene_input.SceneRadarInput` made, detached
    from it (the client removes ``folder``, its scratch folder, when the scene is done)."""

    def __init__(self, orbit, beams, polarisations, metadata, files: Dict, folder: str):
        self.orbit = orbit
        self.beams = tuple(beams)
        self.polarisations = tuple(polarisations)
        self.metadata = dict(metadata)
        self.files = dict(files)
        self.folder = folder

    def read_beta0(self, beam, polarisation, line0, line1, pixel0, pixel1):
        path, shape = self.files[(beam, polarisation.upper())]
        return read_beta0_file_window(path, shape, line0, line1, pixel0, pixel1)

    def close(self) -> None:
        """Nothing to do: the client removes the scratch folder that holds the files."""


def calibrate_scene(product, polarisations: Optional[Sequence[str]], pixel_size_m: float, looks,
                    work_dir: str, line_windows: Optional[Dict[int, Tuple[int, int]]] = None) -> Beta0Files:
    """Calibrate and multilook ``product`` (path, URL or an opened Scene) to beta0 files in ``work_dir``, an
    existing folder the client made (and removes, whatever happens to this worker); only ``line_windows``
    lines when given (see SceneRadarInput)."""
    from ..ceos import open_product
    from ..rtc.scene_input import SceneRadarInput

    scene = open_product(product) if isinstance(product, (str, os.PathLike)) else product
    radar = SceneRadarInput(scene, polarisations, pixel_size_m, looks, line_windows=line_windows, work_dir=work_dir)
    return Beta0Files(radar.orbit, radar.beams, radar.polarisations, radar.metadata, radar._files, radar._dir)


def _dem(path: str, height_reference: str):
    from ..rtc.dem import DemSource

    key = (path, height_reference)
    with _DEM_LOCK:
        if key not in _DEMS:
            _DEMS[key] = DemSource(path, height_reference)
        return _DEMS[key]


LAYER_NAMES = ("mask", "local_incidence_deg", "ellipsoid_incidence_deg", "scattering_area_m2", "gamma_to_sigma",
               "number_of_looks", "dem_m")


def compute_tile(job: Dict, tile, scratch_dir: str) -> str:
    """Correct ``tile`` of ``job`` (see rtc.driver.terrain_correct's tile_runner) and save its layers
    to ``scratch_dir``; returns the .npz path."""
    from ..rtc.driver import correct_tile

    dem = _dem(job["dem_path"], job["height_reference"])
    layers = correct_tile(job["grid"], tile, dem, job["radar"], job["polarisations"], job["orbit"], job["settings"])
    arrays = {f"gamma0_{i}": a for i, a in enumerate(layers.gamma0)}
    arrays.update({name: getattr(layers, name) for name in LAYER_NAMES})
    path = os.path.join(scratch_dir, f"tile_{tile.row0}_{tile.col0}.npz")
    tmp = os.path.join(scratch_dir, f".{uuid.uuid4().hex}.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return path


def load_tile(path: str, n_pols: int):
    """The TileLayers saved by :func:`compute_tile`."""
    from ..rtc.tile import TileLayers

    with np.load(path) as z:
        return TileLayers([z[f"gamma0_{i}"] for i in range(n_pols)], *(z[name] for name in LAYER_NAMES))
