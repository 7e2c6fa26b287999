"""The interferogram product folder, written atomically as the NRB product is.

``<name>/`` with ``<name>_<SUFFIX>.tif`` cloud-optimised GeoTIFFs (overviews, no-data, JAXA's
credit; pieces from :mod:`palsar2_plugin.nrb.cog`), ``<name>_metadata.json`` (both acquisition times,
baselines, coregistration residual, method, conventions, credit) and ``<name>.json`` (STAC item).
The folder is built as a locked ``.<name>.partial-*`` folder (:class:`palsar2_plugin.staging.StagedFolder`)
and renamed only when complete; a failed, cancelled or killed run leaves nothing that looks like a
product, and a user's own files in an older product folder of the same name are carried over.
:func:`read_interferogram_product` finds a product again from any of its files.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from typing import Dict

import numpy as np

from .. import attribution
from ..errors import Palsar2Error
from ..nrb.cog import TiledLayer, to_cog
from ..nrb.stac import COG, EXTENSIONS
from ..staging import StagedFolder, prefixed, remove_leftovers

#: layer key -> (suffix, description, units, overview resampling)
LAYERS = {
    "phase": ("PHASE", "Wrapped interferometric phase (radians, -pi..pi), flat-earth and topography removed", "rad",
              "NEAREST"),
    "coherence": ("COH", "Interferometric coherence (0..1)", "1", "AVERAGE"),
    "unwrapped_phase": ("UNW", "Unwrapped phase (radians)", "rad", "AVERAGE"),
    "displacement": ("LOS", "Line-of-sight displacement (m), positive towards the satellite", "m", "AVERAGE"),
    "look_angle": ("LOOK", "Look angle at the satellite (degrees)", "deg", "AVERAGE"),
    "backscatter": ("BSC", "Mean backscatter of the pair: terrain-flattened gamma0 (linear power)", "1", None),
    "mask": ("MSK", "Data mask (0 no data, 1 valid, 2 layover, 3 shadow, 5 invalid)", "", None),
    "incidence_angle": ("INC", "Ellipsoid incidence angle (degrees)", "deg", None),
    "local_incidence_angle": ("LIA", "Local incidence angle (degrees)", "deg", None),
}


def layer_file(name: str, key: str) -> str:
    return f"{name}_{LAYERS[key][0]}.tif"


class InsarWriter:
    """Layers written in row strips, then COGs, metadata, STAC item and the final rename."""

    def __init__(self, output_folder: str, name: str, grid):
        self.name, self.grid = name, grid
        self._staged = StagedFolder(output_folder, name, prefixed((f"{name}_", f"{name}.")))
        remove_leftovers(self._staged.parent)
        self.final_path = self._staged.final_path
        self.tmp_path = self._staged.path
        self._layers: Dict[str, TiledLayer] = {}

    def write(self, key: str, array: np.ndarray, row0: int) -> None:
        layer = self._layers.get(key)
        if layer is None:
            suffix, description, units, _ = LAYERS[key]
            path = os.path.join(self.tmp_path, layer_file(self.name, key)[:-4] + ".part.tif")
            layer = self._layers[key] = TiledLayer(path, self.grid, "float32", float("nan"), description,
                                                   tags={"UNITS": units, "PALSAR2_QUANTITY": key}, compress="NONE")
        layer.write(np.asarray(array, dtype=np.float32), row0, 0)

    def finish(self, metadata: Dict, copies: Dict[str, str], progress=None, is_cancelled=None) -> Dict[str, object]:
        """Make the COGs, take the ready COGs ``copies`` (key -> path, moved in), write metadata and STAC,
        rename. Returns key -> path of every file and ``folder``, ``metadata``, ``stac``."""
        from ..progress import check_cancelled, report

        for layer in self._layers.values():
            layer.close()
        files = {}
        for i, (key, layer) in enumerate(self._layers.items()):
            check_cancelled(is_cancelled)
            target = os.path.join(self.tmp_path, layer_file(self.name, key))
            to_cog(layer.path, target, resampling=LAYERS[key][3], is_cancelled=is_cancelled)
            files[key] = layer_file(self.name, key)
            report(progress, (i + 1) / (len(self._layers) + 1), f"Wrote {files[key]}")
        for key, source in copies.items():
            shutil.copyfile(source, os.path.join(self.tmp_path, layer_file(self.name, key)))
            files[key] = layer_file(self.name, key)
        metadata = dict(metadata, files=files)
        meta_name = f"{self.name}_metadata.json"
        with open(os.path.join(self.tmp_path, meta_name), "w", encoding="utf-8") as fh:
            json.dump(metadata, fh, indent=2, ensure_ascii=False, default=str)
        stac_name = f"{self.name}.json"
        with open(os.path.join(self.tmp_path, stac_name), "w", encoding="utf-8") as fh:
            json.dump(stac_item(self.name, metadata, files, meta_name), fh, indent=2, ensure_ascii=False, default=str)
        check_cancelled(is_cancelled)
        self._staged.commit()
        report(progress, 1.0, "Interferogram product written")
        out: Dict[str, object] = {key: os.path.join(self.final_path, f) for key, f in files.items()}
        out.update(folder=self.final_path, metadata=os.path.join(self.final_path, meta_name),
                   stac=os.path.join(self.final_path, stac_name))
        return out

    def abort(self) -> None:
        for layer in self._layers.values():
            try:
                layer.close()
            except Exception:  # noqa: BLE001 - best effort while failing
                pass
        self._staged.abort()


def stac_item(name: str, meta: Dict, files: Dict[str, str], metadata_file: str) -> Dict:
    """A STAC 1.0 item of the product (projection, sar, sat extensions; relative asset paths)."""
    from pyproj import Transformer

    left, bottom, right, top = meta["bounds"]
    to_ll = Transformer.from_crs(meta["crs"], "EPSG:4326", always_xy=True)
    xs, ys = to_ll.transform([left, right, right, left, left], [bottom, bottom, top, top, bottom])
    ring = [[float(x), float(y)] for x, y in zip(xs, ys)]
    assets = {}
    for key, file_name in files.items():
        assets[key] = {"href": f"./{file_name}", "type": COG, "title": key.replace("_", " "),
                       "description": LAYERS[key][1], "roles": ["data"] if key in ("phase", "coherence",
                                                                                    "displacement") else ["metadata"]}
    assets["metadata"] = {"href": f"./{metadata_file}", "type": "application/json", "title": "metadata",
                          "roles": ["metadata"]}
    t0, t1 = sorted([meta["reference"]["acquisition_time_utc"], meta["secondary"]["acquisition_time_utc"]])
    return {
        "type": "Feature", "stac_version": "1.0.0", "stac_extensions": EXTENSIONS, "id": name,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "bbox": [min(xs), min(ys), max(xs), max(ys)],
        "properties": {
            "datetime": None, "start_datetime": t0, "end_datetime": t1,
            "platform": "ALOS-2", "instruments": ["PALSAR-2"], "constellation": "ALOS",
            "proj:epsg": meta.get("epsg"), "proj:shape": meta["shape"], "proj:transform": meta["transform"],
            "proj:bbox": meta["bounds"], "sar:frequency_band": "L", "sar:instrument_mode": meta["reference"]["mode"],
            "sar:polarizations": [meta["polarisation"]], "sar:product_type": "IFG",
            "sar:observation_direction": meta["look_side"], "sat:orbit_state": meta["pass_direction"],
            "perpendicular_baseline_m": meta["perpendicular_baseline_m"],
            "temporal_baseline_days": meta["temporal_baseline_days"],
            "processing:software": {"palsar2_plugin": meta["software_version"]},
            "attribution": attribution.product_metadata(), "license": "proprietary",
        },
        "links": [{"rel": "license", "href": attribution.TERMS_URL, "title": attribution.LICENCE_EN}],
        "assets": assets,
    }


@dataclass(frozen=True)
class InterferogramProduct:
    """An interferogram product on disk: its folder, name, metadata (the ``_metadata.json`` dict) and
    layer key -> absolute path of every layer it has."""

    folder: str
    name: str
    metadata: Dict
    files: Dict[str, str]

    @property
    def reference_time_utc(self) -> str:
        return self.metadata["reference"]["acquisition_time_utc"]

    @property
    def secondary_time_utc(self) -> str:
        return self.metadata["secondary"]["acquisition_time_utc"]

    @property
    def metadata_path(self) -> str:
        return os.path.join(self.folder, f"{self.name}_metadata.json")

    def layer(self, key: str) -> str:
        """The path of layer ``key`` (see :data:`LAYERS`); raises if the product has none."""
        if key not in self.files:
            raise Palsar2Error(f"The interferogram product {self.name} has no {key.replace('_', ' ')} layer.")
        return self.files[key]


def read_interferogram_product(path: str) -> InterferogramProduct:
    """The interferogram product at ``path``: its folder, its metadata JSON, its STAC item or any of its
    files. Raises :class:`Palsar2Error` saying what was expected when it is not one."""
    path = os.path.abspath(os.fspath(path))
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    candidates = sorted(f for f in os.listdir(folder) if f.endswith("_metadata.json")) if os.path.isdir(folder) else []
    for name in candidates:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                meta = json.load(fh)
        except (OSError, ValueError):
            continue
        if not isinstance(meta, dict) or meta.get("product") != "interferogram":
            continue
        files = {key: os.path.join(folder, f) for key, f in (meta.get("files") or {}).items()
                 if key in LAYERS and os.path.isfile(os.path.join(folder, f))}
        return InterferogramProduct(folder, name[:-len("_metadata.json")], meta, files)
    raise Palsar2Error(f"{path} is not an interferogram product: give the folder palsar2:interferogram wrote "
                       "(or its _metadata.json or any of its files).")
