"""A large synthetic DEM for benchmarks: mountains, hills and plains over any lon/lat box, written
strip by strip (bounded memory) as a tiled, DEFLATE-compressed float32 GeoTIFF in EPSG:4326.

Heights (metres above EGM96) are smooth value noise of four octaves (lattices ~57 km, ~14 km,
~3.6 km and ~0.9 km apart at 1 arc second; C1-continuous smoothstep interpolation), shaped so that
about a third of the area is plains below 100 m and the highest ridges reach ~3,900 m: the relief of
central Japan, where much of JAXA's disaster data lies. The same arguments always give the same file.
Not part of the plugin: ``bench/bench_scene.py`` makes its DEM with it.
"""

from __future__ import annotations

import math
from typing import Tuple

import numpy as np

#: (lattice spacing in DEM cells, weight) of the octaves.
OCTAVES = ((2048, 0.55), (512, 0.28), (128, 0.12), (32, 0.05))
STRIP_ROWS = 512


def _smoothstep(t: np.ndarray) -> np.ndarray:
    return t * t * (3.0 - 2.0 * t)


def _octave(rows: np.ndarray, cols: np.ndarray, spacing: int, lattice: np.ndarray) -> np.ndarray:
    """Value noise in [-1, 1] of one octave at DEM cells ``rows`` x ``cols`` (float32): the lattice
    rows the strip needs interpolated along the columns first, then along the rows."""
    fr, fc = rows / spacing, cols / spacing
    ir, ic = np.floor(fr).astype(np.int64), np.floor(fc).astype(np.int64)
    wr = _smoothstep((fr - ir).astype(np.float32))[:, None]
    wc = _smoothstep((fc - ic).astype(np.float32))[None, :]
    first = int(ir.min())
    part = lattice[first:int(ir.max()) + 2]
    along_cols = part[:, ic] + (part[:, ic + 1] - part[:, ic]) * wc
    top = along_cols[ir - first]
    return top + (along_cols[ir - first + 1] - top) * wr


def heights(rows: np.ndarray, cols: np.ndarray, lattices) -> np.ndarray:
    """Heights (m, float32) of DEM cells ``rows`` x ``cols`` from the octaves' lattices."""
    n = np.zeros((rows.size, cols.size), dtype=np.float32)
    for (spacing, weight), lattice in zip(OCTAVES, lattices):
        n += np.float32(weight) * _octave(rows, cols, spacing, lattice)
    # plains where the noise is low, steeper ridges where it is high
    land = np.clip(n + 0.15, 0.0, None)
    return (40.0 + 3600.0 * land ** 1.6).astype(np.float32)


def write_dem(path: str, bounds: Tuple[float, float, float, float], cell_arcsec: float = 1.0,
              seed: int = 16) -> str:
    """Write the DEM over ``bounds`` (west, south, east, north; degrees) at ``cell_arcsec``."""
    import rasterio
    from rasterio.transform import from_origin

    west, south, east, north = bounds
    step = cell_arcsec / 3600.0
    width, height = int(math.ceil((east - west) / step)), int(math.ceil((north - south) / step))
    rng = np.random.default_rng(seed)
    lattices = [rng.uniform(-1.0, 1.0, size=(height // s + 3, width // s + 3)).astype(np.float32) for s, _ in OCTAVES]
    profile = dict(driver="GTiff", width=width, height=height, count=1, dtype="float32", crs="EPSG:4326",
                   transform=from_origin(west, north, step, step), nodata=-9999.0, tiled=True, blockxsize=512,
                   blockysize=512, compress="DEFLATE", predictor=3, zlevel=1, BIGTIFF="IF_SAFER")
    cols = np.arange(width, dtype=np.float64)
    with rasterio.open(path, "w", **profile) as ds:
        for r0 in range(0, height, STRIP_ROWS):
            r1 = min(height, r0 + STRIP_ROWS)
            ds.write(heights(np.arange(r0, r1, dtype=np.float64), cols, lattices)[None], window=((r0, r1), (0, width)))
    return path
