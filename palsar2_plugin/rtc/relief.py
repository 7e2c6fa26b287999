"""The DEM's relief on a coarse raster around the output grid: what sizes each tile's halo.

:func:`coarse_relief` warps the DEM once per run to square cells of ``step_px`` output pixels,
keeping each cell's lowest and highest height (metres, converted as :class:`.dem.DemSource` does;
NaN where it has none). The raster reaches ``margin_px`` output pixels beyond the grid on every side: a peak just
outside an AOI (or the scene's footprint) can lay over into it or shade it, and its halo must know.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from .dem import DemSource
from .dem_checks import mask_implausible
from .grid import OutputGrid


@dataclass(frozen=True)
class CoarseRelief:
    """Lowest and highest DEM heights (m) per coarse cell; cell (i, j) covers output pixel rows
    ``origin_px + i * step_px`` to ``origin_px + (i + 1) * step_px`` (columns alike; pixel edges,
    origin_px <= 0 being the margin beyond the grid)."""

    min_m: np.ndarray
    max_m: np.ndarray
    step_px: float
    origin_px: float

    def cells(self, row0: float, row1: float, col0: float, col1: float
              ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(lowest, highest, first pixel row of each cell row, first pixel column of each cell
        column) of the cells touching output pixel rows [row0, row1) x columns [col0, col1); may be
        empty, may lie partly beyond the grid."""
        def span(a, b, n):
            i0 = min(max(int((a - self.origin_px) // self.step_px), 0), n)
            i1 = min(max(int(math.ceil((b - self.origin_px) / self.step_px)), i0 + 1), n)
            return i0, i1

        i0, i1 = span(row0, row1, self.min_m.shape[0])
        j0, j1 = span(col0, col1, self.min_m.shape[1])
        edges = lambda a, b: self.origin_px + np.arange(a, b) * self.step_px
        return self.min_m[i0:i1, j0:j1], self.max_m[i0:i1, j0:j1], edges(i0, i1), edges(j0, j1)

    def has_heights(self) -> bool:
        return bool(np.isfinite(self.min_m).any())


def coarse_relief(dem: DemSource, grid: OutputGrid, margin_px: float = 0.0, cells: int = 256) -> CoarseRelief:
    """The DEM's extremes in cells of ``max(width, height) / cells`` output pixels (at least 1) over
    the grid and ``margin_px`` pixels around it. GDAL's warper reads the DEM in chunks (bounded memory)."""
    import rasterio
    from affine import Affine
    from rasterio.warp import Resampling, reproject

    step = max(1.0, max(grid.width, grid.height) / float(cells))
    pad = int(math.ceil(max(0.0, margin_px) / step))
    shape = (max(1, int(math.ceil(grid.height / step))) + 2 * pad, max(1, int(math.ceil(grid.width / step))) + 2 * pad)
    transform = grid.transform * Affine.translation(-pad * step, -pad * step) * Affine.scale(step)
    out = []
    ds = dem._dataset()
    for how in (Resampling.min, Resampling.max):
        arr = np.full(shape, np.nan, dtype=np.float32)
        reproject(source=rasterio.band(ds, dem.band), destination=arr, src_nodata=dem.nodata,
                  dst_transform=transform, dst_crs=grid.crs, dst_nodata=np.nan, resampling=how,
                  warp_mem_limit=256)
        out.append(mask_implausible(dem.height_conversion.apply(arr)))
    return CoarseRelief(out[0], out[1], step, -pad * step)
