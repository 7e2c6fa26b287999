"""Write small JAXA-named L2.2 / L2.1 products with known DN, for tests and demos.

The metadata files are real JAXA files (``summary.xml`` and KML) copied under the product's
name; the rasters are synthetic Cloud Optimized GeoTIFFs of the given arrays, UInt16 DN
(amplitude, γ⁰/σ⁰ [dB] = 20·log10(DN) − 83.0), Byte mask, UInt16 LIA (0.01 degree), with no
GDAL NoData tag, as JAXA ships them. Arrays are (rows, columns); the origin is the upper-left
pixel corner in the CRS's metres.
"""

from __future__ import annotations

import os
import shutil
from typing import Dict, Optional

import numpy as np

DEFAULT_STEM = "ALOS2437590500-220630_WWDR2.2GUA"
DEFAULT_ORIGIN = (374612.5, 3087012.5)   # the real product's GeoTIFF origin (EPSG:32651)


def write_cog(path: str, array: np.ndarray, origin=DEFAULT_ORIGIN, pixel_size: float = 25.0, epsg: int = 32651,
              nodata: Optional[float] = None, blocksize: int = 256) -> str:
    """Write ``array`` (rows, cols) as a single-band COG with the given north-up grid; returns ``path``."""
    import rasterio
    from rasterio.io import MemoryFile
    from rasterio.shutil import copy as rio_copy
    from rasterio.transform import from_origin

    rows, cols = array.shape
    profile = dict(driver="GTiff", width=cols, height=rows, count=1, dtype=array.dtype.name,
                   crs=f"EPSG:{epsg}", transform=from_origin(origin[0], origin[1], pixel_size, pixel_size))
    if nodata is not None:
        profile["nodata"] = nodata
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with MemoryFile() as memory:
        with memory.open(**profile) as dataset:
            dataset.write(array, 1)
        with memory.open() as dataset:
            rio_copy(dataset, path, driver="COG", COMPRESS="DEFLATE", BLOCKSIZE=str(blocksize),
                     OVERVIEWS="AUTO", OVERVIEW_RESAMPLING="NEAREST")
    with rasterio.open(path) as check:
        assert check.width == cols and check.height == rows
    return path


def write_l22_product(folder: str, dn: Dict[str, np.ndarray], mask: Optional[np.ndarray] = None,
                      lia_dn: Optional[np.ndarray] = None, summary_xml: Optional[str] = None,
                      kml: Optional[str] = None, stem: str = DEFAULT_STEM, origin=DEFAULT_ORIGIN,
                      pixel_size: float = 25.0, epsg: int = 32651) -> Dict[str, str]:
    """Write an L2.2 product ``folder/<stem>_*`` from DN arrays per polarisation; returns {role: path}.

    ``summary_xml`` / ``kml`` are copied as ``<stem>_summary.xml`` and ``<scene>-<pid>.kml`` (JAXA's hyphen).
    """
    os.makedirs(folder, exist_ok=True)
    written = {}
    for pol, array in dn.items():
        written[pol] = write_cog(os.path.join(folder, f"{stem}_{pol}_SLP.tif"), np.asarray(array, np.uint16),
                                 origin, pixel_size, epsg)
    if mask is not None:
        written["MSK"] = write_cog(os.path.join(folder, f"{stem}_MSK.tif"), np.asarray(mask, np.uint8),
                                   origin, pixel_size, epsg)
    if lia_dn is not None:
        written["LIN"] = write_cog(os.path.join(folder, f"{stem}_LIN.tif"), np.asarray(lia_dn, np.uint16),
                                   origin, pixel_size, epsg)
    if summary_xml is not None:
        written["summary"] = shutil.copyfile(summary_xml, os.path.join(folder, f"{stem}_summary.xml"))
    if kml is not None:
        scene, pid = stem.split("_", 1)
        written["kml"] = shutil.copyfile(kml, os.path.join(folder, f"{scene}-{pid}.kml"))
    return written


def write_l21_product(folder: str, dn: Dict[str, np.ndarray], scene: str = "ALOS2551802860-240811",
                      product_id: str = "UBSR2.1GUD", origin=(500000.0, 4150000.0), pixel_size: float = 25.0,
                      epsg: int = 32653, summary_txt: Optional[str] = None) -> Dict[str, str]:
    """Write an L2.1 product (``IMG-<POL>-<scene>-<pid>.tif`` per polarisation, optional summary.txt)."""
    os.makedirs(folder, exist_ok=True)
    written = {}
    for pol, array in dn.items():
        written[pol] = write_cog(os.path.join(folder, f"IMG-{pol}-{scene}-{product_id}.tif"),
                                 np.asarray(array, np.uint16), origin, pixel_size, epsg)
    if summary_txt is not None:
        path = os.path.join(folder, "summary.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(summary_txt)
        written["summary"] = path
    return written
