"""What runs on a Dask worker: calibrating a scene, and one terrain-correction tile.

Everything sent to a worker is small and picklable: product paths/URLs, the calibrated beta0
rasters' :class:`..rtc.radar_input.Beta0FileInput` (orbit, beam grids and paths), the run plan. A tile task
reads its DEM window and beta0 windows itself and writes its layers to one ``.npz`` file in the
run's scratch folder (atomically: temporary name, then rename), returning only that path.
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from ..rtc.radar_input import Beta0FileInput

_DEMS: Dict[Tuple[str, str], object] = {}
_DEM_LOCK = threading.Lock()


def calibrate_scene(product, polarisations: Optional[Sequence[str]], pixel_size_m: float, looks,
                    work_dir: str, windows: Optional[Dict[int, Tuple[int, ...]]] = None) -> Beta0FileInput:
    """Calibrate and multilook ``product`` (path, URL or an opened Scene) to beta0 files in ``work_dir``, an
    existing folder the client made (and removes, whatever happens to this worker); only the lines and
    pixels of ``windows`` when given (see SceneRadarInput)."""
    from ..ceos import open_product
    from ..rtc.scene_input import SceneRadarInput

    scene = open_product(product) if isinstance(product, (str, os.PathLike)) else product
    return SceneRadarInput(scene, polarisations, pixel_size_m, looks, windows=windows, work_dir=work_dir).detached()


def _dem(path: str, height_reference: str):
    from ..rtc.dem import DemSource

    key = (path, height_reference)
    with _DEM_LOCK:
        if key not in _DEMS:
            _DEMS[key] = DemSource(path, height_reference)
        return _DEMS[key]


LAYER_NAMES = ("mask", "local_incidence_deg", "ellipsoid_incidence_deg", "scattering_area_m2", "gamma_to_sigma",
               "number_of_looks", "dem_m")


def compute_tile(plan, radar, tile, scratch_dir: str) -> str:
    """Correct ``tile`` of ``plan`` (an rtc.plan.RunPlan) from ``radar`` (a Beta0FileInput) and save
    its layers to ``scratch_dir``; returns the .npz path."""
    from ..rtc.tile import correct_tile

    layers = correct_tile(plan, tile, _dem(plan.dem_path, plan.height_reference), radar)
    arrays = {f"gamma0_{i}": a for i, a in enumerate(layers.gamma0)}
    arrays.update({name: getattr(layers, name) for name in LAYER_NAMES})
    path = os.path.join(scratch_dir, f"tile_{tile.row0}_{tile.col0}.npz")
    tmp = os.path.join(scratch_dir, f".{uuid.uuid4().hex}.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return path


def load_tile(path: str, n_pols: int):
    """The TileLayers saved by :func:`compute_tile`."""
    from ..rtc.mosaic import TileLayers

    with np.load(path) as z:
        return TileLayers([z[f"gamma0_{i}"] for i in range(n_pols)], *(z[name] for name in LAYER_NAMES))
