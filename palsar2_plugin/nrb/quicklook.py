"""Quick-look PNG of a gamma0 product, read from the COGs' overviews (never the full raster).

One polarisation: grey, gamma0 in dB stretched over [-25, 0] dB. Two: RGB = (co-pol, cross-pol,
co/cross ratio) with the usual stretches. No-data is transparent (alpha band). The JAXA credit is
written into the PNG text chunks.
"""

from __future__ import annotations

import os
import warnings
from typing import Sequence

import numpy as np

from .. import attribution


def _read_small(path: str, max_size: int) -> np.ndarray:
    import rasterio
    from rasterio.enums import Resampling

    with rasterio.open(path) as ds:
        scale = max(ds.width, ds.height) / float(max_size)
        if scale < 1:
            scale = 1.0
        shape = (max(1, int(round(ds.height / scale))), max(1, int(round(ds.width / scale))))
        return ds.read(1, out_shape=shape, resampling=Resampling.average).astype(np.float64)


def _stretch(db: np.ndarray, lo: float, hi: float) -> np.ndarray:
    scaled = np.clip(np.nan_to_num((db - lo) / (hi - lo), nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    return (scaled * 254 + 1).astype(np.uint8)


def write_quicklook(path: str, gamma0_paths: Sequence[str], max_size: int = 1024) -> str:
    """Write the PNG at ``path`` from 1 or 2 gamma0 COGs (linear power); returns ``path``."""
    import rasterio

    bands = [_read_small(p, max_size) for p in gamma0_paths[:2]]
    with np.errstate(divide="ignore", invalid="ignore"):
        dbs = [10.0 * np.log10(b) for b in bands]
    valid = np.all([np.isfinite(d) for d in dbs], axis=0)
    if len(dbs) == 1:
        rgb = [_stretch(dbs[0], -25.0, 0.0)] * 3
    else:
        rgb = [_stretch(dbs[0], -20.0, 0.0), _stretch(dbs[1], -28.0, -8.0), _stretch(dbs[0] - dbs[1], 0.0, 15.0)]
    alpha = np.where(valid, 255, 0).astype(np.uint8)
    rgb = [np.where(valid, c, 0).astype(np.uint8) for c in rgb]
    h, w = alpha.shape
    tmp_profile = dict(driver="MEM", width=w, height=h, count=4, dtype="uint8")
    with warnings.catch_warnings():
        # an in-memory image without georeferencing is what we want here
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        _write_png(path, tmp_profile, rgb + [alpha])
    aux = path + ".aux.xml"
    if os.path.exists(aux):
        os.remove(aux)
    return path


def _write_png(path, tmp_profile, bands) -> None:
    import rasterio
    from rasterio.shutil import copy as rio_copy

    with rasterio.open("", "w", **tmp_profile) as mem:
        for i, band in enumerate(bands, start=1):
            mem.write(band, i)
        credits = attribution.product_metadata()
        mem.update_tags(Copyright=attribution.COPYRIGHT, Source=f"{credits['credit']} / {credits['credit_ja']}",
                        Description=credits["statement"])
        rio_copy(mem, path, driver="PNG", WRITE_METADATA_AS_TEXT="YES")
