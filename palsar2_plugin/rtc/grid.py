"""The output map grid of a terrain-corrected product, and how it is cut into tiles.

Conventions: a grid is north-up in a projected CRS (metres); ``transform`` is the affine of
pixel *corners* (GDAL/rasterio convention: pixel (row 0, col 0) spans [x0, x0 + dx] x
[y0 - dy, y0]); rows and columns are 0-based. The upper-left corner is snapped to an integer
multiple of the pixel size (CEOS-ARD gridding convention, as JAXA's L2.2 "multiples of 25 m").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple

import numpy as np
from affine import Affine

from ..errors import Palsar2Error

#: Default output pixel size (m) for ScanSAR, as JAXA's L2.2.
DEFAULT_SCANSAR_PIXEL_M = 25.0


class GridError(Palsar2Error):
    """The requested output grid is impossible (empty extent, bad pixel size, unknown CRS)."""


def utm_epsg(lon_deg: float, lat_deg: float) -> int:
    """EPSG code of the WGS84 UTM zone holding (lon, lat) in degrees (326xx north, 327xx south)."""
    zone = int(math.floor((float(lon_deg) + 180.0) / 6.0)) % 60 + 1
    return (32600 if lat_deg >= 0 else 32700) + zone


@dataclass(frozen=True)
class OutputGrid:
    """A north-up map grid: CRS (anything pyproj understands), corner affine, size in pixels."""

    crs: str
    transform: Affine
    width: int
    height: int

    @property
    def pixel_size_m(self) -> float:
        return float(self.transform.a)

    @property
    def bounds(self) -> Tuple[float, float, float, float]:
        """(left, bottom, right, top) in CRS units (pixel corners)."""
        left, top = self.transform.c, self.transform.f
        return (left, top + self.height * self.transform.e, left + self.width * self.transform.a, top)

    def window_transform(self, row0: int, col0: int) -> Affine:
        """Corner affine of the sub-grid starting at (row0, col0)."""
        return self.transform * Affine.translation(col0, row0)

    def pixel_centres(self, row0: int, row1: int, col0: int, col1: int) -> Tuple[np.ndarray, np.ndarray]:
        """Map x, y (each (row1-row0, col1-col0)) of pixel centres of rows [row0, row1), cols [col0, col1)."""
        cols = np.arange(col0, col1) + 0.5
        rows = np.arange(row0, row1) + 0.5
        x = self.transform.c + cols * self.transform.a
        y = self.transform.f + rows * self.transform.e
        return np.broadcast_arrays(x[None, :], y[:, None])


def snapped_grid(crs: str, bounds: Sequence[float], pixel_size_m: float) -> OutputGrid:
    """Smallest grid of ``pixel_size_m`` covering ``bounds`` (left, bottom, right, top) whose corners
    are integer multiples of the pixel size."""
    if not (pixel_size_m and pixel_size_m > 0 and math.isfinite(pixel_size_m)):
        raise GridError(f"Pixel size must be a positive number of metres, not {pixel_size_m!r}.")
    left, bottom, right, top = (float(v) for v in bounds)
    if not (right > left and top > bottom):
        raise GridError(f"The output extent {tuple(bounds)} is empty: give an extent that overlaps the scene.")
    p = float(pixel_size_m)
    x0 = math.floor(left / p) * p
    y0 = math.ceil(top / p) * p
    width = int(math.ceil((right - x0) / p - 1e-9))
    height = int(math.ceil((y0 - bottom) / p - 1e-9))
    if width * height > 4e9:
        raise GridError(f"The output grid would have {width} x {height} pixels: choose a larger pixel size "
                        "or a smaller extent.")
    return OutputGrid(str(crs), Affine(p, 0.0, x0, 0.0, -p, y0), max(width, 1), max(height, 1))


def footprint_bounds_in(crs: str, lon_lat_points: Sequence[Tuple[float, float]],
                        densify: int = 21) -> Tuple[float, float, float, float]:
    """Bounds in ``crs`` of a lon/lat polygon (degrees), densified along its edges so that a
    curved edge in the map projection is covered (not just the corners)."""
    from pyproj import Transformer

    pts = np.asarray(lon_lat_points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[0] < 3:
        raise GridError("A footprint needs at least 3 lon/lat points.")
    closed = np.vstack([pts, pts[:1]])
    f = np.linspace(0.0, 1.0, densify)[:, None, None]
    dense = (closed[:-1][None] * (1 - f) + closed[1:][None] * f).reshape(-1, 2)
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = tr.transform(dense[:, 0], dense[:, 1])
    return float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y))


def make_output_grid(footprint_lon_lat: Sequence[Tuple[float, float]], crs: Optional[str] = None,
                     pixel_size_m: float = DEFAULT_SCANSAR_PIXEL_M,
                     extent: Optional[Tuple[float, float, float, float]] = None,
                     extent_crs: Optional[str] = None) -> OutputGrid:
    """The output grid of a scene.

    ``footprint_lon_lat``: the scene footprint (lon, lat degrees). ``crs``: default the UTM zone of
    the footprint centre. ``extent``: optional AOI (left, bottom, right, top) in ``extent_crs``
    (default ``crs``); the grid is the AOI clipped to the footprint. Raises :class:`GridError` if
    the AOI does not overlap the scene, :class:`.output_crs.OutputCrsError` if ``crs`` is not
    projected in metres.
    """
    from .output_crs import check_metre_crs

    pts = np.asarray(footprint_lon_lat, dtype=np.float64)
    if crs is None or str(crs).strip() == "":
        crs = f"EPSG:{utm_epsg(float(pts[:, 0].mean()), float(pts[:, 1].mean()))}"
    check_metre_crs(crs)
    scene = footprint_bounds_in(crs, pts)
    bounds = scene
    if extent is not None:
        aoi = tuple(float(v) for v in extent)
        if extent_crs is not None and str(extent_crs) != str(crs):
            corners = [(aoi[0], aoi[1]), (aoi[2], aoi[1]), (aoi[2], aoi[3]), (aoi[0], aoi[3])]
            from pyproj import Transformer
            to_ll = Transformer.from_crs(extent_crs, "EPSG:4326", always_xy=True)
            ll = [to_ll.transform(x, y) for x, y in corners]
            aoi = footprint_bounds_in(crs, ll)
        bounds = (max(scene[0], aoi[0]), max(scene[1], aoi[1]), min(scene[2], aoi[2]), min(scene[3], aoi[3]))
        if not (bounds[2] > bounds[0] and bounds[3] > bounds[1]):
            raise GridError(f"The extent {tuple(extent)} does not overlap the scene footprint "
                            f"{tuple(round(v, 1) for v in scene)} (in {crs}): choose an extent inside the scene.")
    return snapped_grid(crs, bounds, pixel_size_m)


@dataclass(frozen=True)
class Tile:
    """One tile of an output grid: rows [row0, row1), cols [col0, col1) (0-based, end exclusive)."""

    index: int
    row0: int
    row1: int
    col0: int
    col1: int

    @property
    def shape(self) -> Tuple[int, int]:
        return (self.row1 - self.row0, self.col1 - self.col0)


def iter_tiles(grid: OutputGrid, tile_rows: int = 256, tile_cols: Optional[int] = None) -> Iterator[Tile]:
    """Tiles of ``tile_rows`` x ``tile_cols`` (default square) pixels, smaller at the right/bottom
    edges, row-major."""
    tile_cols = tile_cols or tile_rows
    index = 0
    for r in range(0, grid.height, tile_rows):
        for c in range(0, grid.width, tile_cols):
            yield Tile(index, r, min(r + tile_rows, grid.height), c, min(c + tile_cols, grid.width))
            index += 1


def tile_count(grid: OutputGrid, tile_rows: int = 256, tile_cols: Optional[int] = None) -> int:
    return math.ceil(grid.height / tile_rows) * math.ceil(grid.width / (tile_cols or tile_rows))
