"""Writing one NRB product folder: layers tile by tile into a hidden temporary folder, then COGs,
metadata XML, STAC item and quick-look, and a rename to the final name at the very end.

A cancelled or failed run calls :meth:`NrbWriter.abort` (or leaves only the hidden
``.<name>.partial-*`` folder, which the next run into the same output folder removes: see
:mod:`..staging`), so nothing that looks like a complete product is ever left behind. An existing
product of the same name is replaced only when the new one is complete; files in it that are not the
product's (a user's notes) are kept. A product without a single valid gamma0 pixel is never finished
(:class:`EmptyProductError`).
"""

from __future__ import annotations

import os
import time
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from ..errors import Palsar2Error
from ..staging import StagedFolder, prefixed, remove_leftovers
from . import naming
from .cog import TiledLayer, intermediate_codec, to_cog
from .metadata_xml import write_summary_xml
from .quicklook import write_quicklook
from .stac import build_item, write_item

class EmptyProductError(Palsar2Error):
    """No pixel of the product has a gamma0 value: nothing is written."""


#: layer key -> (dtype, nodata, overview resampling)
LAYER_TYPES = {
    "mask": ("uint8", 0, "NEAREST"),
    "local_incidence": ("float32", float("nan"), "AVERAGE"),
    "ellipsoid_incidence": ("float32", float("nan"), "AVERAGE"),
    "scattering_area": ("float32", float("nan"), "AVERAGE"),
    "gamma_to_sigma": ("float32", float("nan"), "AVERAGE"),
    "number_of_looks": ("float32", 0.0, "AVERAGE"),
    "dem": ("float32", float("nan"), "AVERAGE"),
}


#: Layers stored without a TIFF predictor: piecewise constant, DEFLATE packs their runs as they are
#: (the floating-point predictor only costs time there; measured 0.42 vs 0.12 CPU-s and 0.3 vs 0.1 MB
#: for a 4000 x 4000 looks layer).
NO_PREDICTOR_LAYERS = ("number_of_looks",)

#: Layers turned into COGs at the same time (GDAL releases the GIL; each also compresses in threads).
COG_WORKERS = 2

#: Intermediate layers are written uncompressed below this total size (bytes).
INTERMEDIATE_UNCOMPRESSED_BYTES = 2 * 2**30


class NrbWriter:
    """Writes the layers of one product; see the module docstring.

    ``output_folder``: where the product folder ``name`` is created; ``grid``: the output grid;
    ``polarisations``: gamma0 layers to write.
    """

    def __init__(self, output_folder: str, name: str, grid, polarisations: Sequence[str], block: int = 256):
        self.name = name
        self.grid = grid
        self.polarisations = [p.upper() for p in polarisations]
        self.valid_pixels = 0
        #: wall seconds of the parts of :meth:`finish`: ``cogs_s``, ``quicklook_s``, ``metadata_s``
        self.timings: Dict[str, float] = {}
        self._staged = StagedFolder(output_folder, name, prefixed((f"{name}_", f"{name}.")))
        remove_leftovers(self._staged.parent)
        self.final_path = self._staged.final_path
        self.tmp_path = self._staged.path
        # intermediate layers (rewritten as COGs at the end): uncompressed when small, for speed
        bytes_per_pixel = 4 * len(self.polarisations) + 1 + 4 * (len(LAYER_TYPES) - 1)
        compress = ("NONE" if grid.width * grid.height * bytes_per_pixel < INTERMEDIATE_UNCOMPRESSED_BYTES
                    else intermediate_codec())
        self._layers: Dict[str, TiledLayer] = {}
        for pol in self.polarisations:
            self._layers[pol] = TiledLayer(self._part(naming.gamma0_file(name, pol)), grid, "float32", float("nan"),
                                           f"gamma0 {pol} (terrain-flattened, linear power)",
                                           tags={"POLARISATION": pol, "UNITS": "linear power"}, block=block,
                                           compress=compress)
        for key, (dtype, nodata, _) in LAYER_TYPES.items():
            self._layers[key] = TiledLayer(self._part(naming.layer_file(name, key)), grid, dtype, nodata,
                                           naming.LAYER_SUFFIXES[key][1], block=block, compress=compress)

    def _part(self, file_name: str) -> str:
        return os.path.join(self.tmp_path, file_name[:-4] + ".part.tif")

    def write_tile(self, layers, row0: int, col0: int) -> None:
        """Write a :class:`palsar2_plugin.rtc.tile.TileLayers` at (row0, col0) of the grid (one
        thread at a time)."""
        if layers.gamma0:
            self.valid_pixels += int(np.count_nonzero(np.isfinite(layers.gamma0[0])))
        for pol, arr in zip(self.polarisations, layers.gamma0):
            self._layers[pol].write(arr, row0, col0)
        self._layers["mask"].write(layers.mask, row0, col0)
        self._layers["local_incidence"].write(layers.local_incidence_deg, row0, col0)
        self._layers["ellipsoid_incidence"].write(layers.ellipsoid_incidence_deg, row0, col0)
        self._layers["scattering_area"].write(layers.scattering_area_m2, row0, col0)
        self._layers["gamma_to_sigma"].write(layers.gamma_to_sigma, row0, col0)
        self._layers["number_of_looks"].write(layers.number_of_looks, row0, col0)
        self._layers["dem"].write(layers.dem_m, row0, col0)

    def finish(self, info: Dict, progress: Optional[Callable[[float, str], None]] = None,
               is_cancelled: Optional[Callable[[], bool]] = None) -> Dict[str, object]:
        """Close the layers, make COGs, XML, STAC and quick-look, rename to the final name.

        Returns paths: ``folder``, ``gamma0`` (pol -> path), one per layer key, ``metadata``,
        ``stac``, ``quicklook``. Raises :class:`EmptyProductError` (and writes nothing) when no tile
        had a valid gamma0 pixel; ``info["valid_fraction"]`` is set from the tiles written.
        """
        from ..progress import check_cancelled, report

        if self.valid_pixels == 0:
            raise EmptyProductError(
                f"No pixel of {self.name} has a valid backscatter value (the area lies outside the radar swath, "
                "or the DEM has no heights there), so no product is written: choose an extent inside the scene's "
                "footprint and a DEM with heights there.")
        info = dict(info, valid_fraction=self.valid_pixels / float(self.grid.width * self.grid.height))
        for layer in self._layers.values():
            layer.close()
        gamma0_files = {pol: naming.gamma0_file(self.name, pol) for pol in self.polarisations}
        layer_files = {key: naming.layer_file(self.name, key) for key in LAYER_TYPES}
        jobs = [(self._layers[p].path, gamma0_files[p], "AVERAGE", None) for p in self.polarisations]
        jobs += [(self._layers[k].path, layer_files[k], LAYER_TYPES[k][2], "NO" if k in NO_PREDICTOR_LAYERS else None)
                 for k in LAYER_TYPES]
        started = time.perf_counter()
        self._write_cogs(jobs, progress, is_cancelled)
        report(progress, len(jobs) / (len(jobs) + 2), "Writing quick-look, metadata and STAC item")
        ql_name = naming.quicklook_file(self.name)
        quicklook_started = time.perf_counter()
        write_quicklook(os.path.join(self.tmp_path, ql_name),
                        [os.path.join(self.tmp_path, gamma0_files[p]) for p in self.polarisations])
        metadata_started = time.perf_counter()
        self.timings.update(cogs_s=quicklook_started - started, quicklook_s=metadata_started - quicklook_started)
        xml_name = naming.metadata_file(self.name)
        write_summary_xml(os.path.join(self.tmp_path, xml_name), info, layer_files, gamma0_files)
        stac_name = naming.stac_file(self.name)
        descriptions = {k: naming.LAYER_SUFFIXES[k][1] for k in LAYER_TYPES}
        item = build_item(self.name, info, gamma0_files, layer_files, descriptions, xml_name, ql_name)
        write_item(os.path.join(self.tmp_path, stac_name), item)
        check_cancelled(is_cancelled)
        self._commit()
        self.timings["metadata_s"] = time.perf_counter() - metadata_started
        report(progress, 1.0, "Product written")
        folder = self.final_path
        out: Dict[str, object] = {"folder": folder,
                                  "gamma0": {p: os.path.join(folder, f) for p, f in gamma0_files.items()}}
        for key, f in layer_files.items():
            out[key] = os.path.join(folder, f)
        out["metadata"] = os.path.join(folder, xml_name)
        out["stac"] = os.path.join(folder, stac_name)
        out["quicklook"] = os.path.join(folder, ql_name)
        return out

    def _write_cogs(self, jobs, progress, is_cancelled, workers: int = COG_WORKERS) -> None:
        """Turn the intermediate layers into COGs, ``workers`` at a time (GDAL works outside the GIL)."""
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        from ..progress import check_cancelled, report

        total = len(jobs) + 2
        report(progress, 0.0, "Writing cloud-optimised GeoTIFFs")
        with ThreadPoolExecutor(max_workers=max(1, int(workers))) as pool:
            pending = {pool.submit(to_cog, src, os.path.join(self.tmp_path, dst_name), resampling=resampling,
                                   is_cancelled=is_cancelled, predictor=predictor): dst_name
                       for src, dst_name, resampling, predictor in jobs}
            done = 0
            try:
                while pending:
                    finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                    for fut in finished:
                        name = pending.pop(fut)
                        fut.result()
                        done += 1
                        report(progress, done / total, f"Wrote cloud-optimised GeoTIFF {name}")
                    check_cancelled(is_cancelled)
            except BaseException:
                for fut in pending:
                    fut.cancel()
                raise

    def _commit(self) -> None:
        self._staged.commit()

    def abort(self) -> None:
        """Close everything and remove the temporary folder."""
        for layer in self._layers.values():
            try:
                layer.close()
            except Exception:  # noqa: BLE001 - best effort while failing
                pass
        self._staged.abort()
