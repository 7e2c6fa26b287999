"""Two rasters read tile by tile on the first one's grid (the second resampled on the fly when its
grid differs), for the change comparisons (:mod:`.detect`, :mod:`.coherence`)."""

from __future__ import annotations

import contextlib
from typing import List, Tuple

import numpy as np

from ..errors import Palsar2Error


def read_padded(dataset, row: int, col: int, height: int, width: int, pad: int = 0) -> np.ndarray:
    """Band 1 of ``dataset`` (float64) over the window grown by ``pad`` pixels, NaN outside the raster."""
    from rasterio.windows import Window

    r0, c0 = row - pad, col - pad
    r1, c1 = row + height + pad, col + width + pad
    out = np.full((r1 - r0, c1 - c0), np.nan)
    rr0, cc0 = max(r0, 0), max(c0, 0)
    rr1, cc1 = min(r1, dataset.height), min(c1, dataset.width)
    if rr1 > rr0 and cc1 > cc0:
        data = dataset.read(1, window=Window(cc0, rr0, cc1 - cc0, rr1 - rr0), out_dtype="float64")
        out[rr0 - r0:rr1 - r0, cc0 - c0:cc1 - c0] = data
    return out


def same_grid(a, b) -> bool:
    """True when two rasterio datasets share size, CRS and transform."""
    return (a.width, a.height) == (b.width, b.height) and a.crs == b.crs and a.transform.almost_equals(b.transform)


def overlaps(reference, other) -> bool:
    """True when ``other``'s bounds meet ``reference``'s (rasterio datasets with CRSs)."""
    from rasterio.warp import transform_bounds

    left, bottom, right, top = transform_bounds(other.crs, reference.crs, *other.bounds)
    r = reference.bounds
    return not (right <= r.left or left >= r.right or top <= r.bottom or bottom >= r.top)


@contextlib.contextmanager
def on_grid_of(reference, other, labels: Tuple[str, str], hint: str, error_type=Palsar2Error):
    """``other`` (a rasterio dataset) as seen on ``reference``'s grid: itself when the grids agree,
    else a bilinear WarpedVRT (float32, NaN outside). ``labels`` name the two in messages, ``hint``
    says what to do when they do not overlap; errors are raised as ``error_type``."""
    from rasterio.enums import Resampling
    from rasterio.vrt import WarpedVRT

    if reference.crs is None or other.crs is None:
        raise error_type(f"{labels[0]} and {labels[1]} must both be georeferenced rasters with a CRS.")
    if same_grid(reference, other):
        yield other
        return
    if not overlaps(reference, other):
        raise error_type(f"{labels[0]} and {labels[1]} do not overlap: {hint}")
    warped = WarpedVRT(other, crs=reference.crs, transform=reference.transform, width=reference.width,
                       height=reference.height, resampling=Resampling.bilinear, src_nodata=other.nodata,
                       nodata=np.nan, dtype="float32")
    try:
        yield warped
    finally:
        warped.close()


def tile_windows(height: int, width: int, tile_size: int) -> List[Tuple[int, int, int, int]]:
    """(row, col, height, width) of the tiles of a raster, row-major."""
    return [(r, c, min(tile_size, height - r), min(tile_size, width - c))
            for r in range(0, height, tile_size) for c in range(0, width, tile_size)]

