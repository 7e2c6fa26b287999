"""DEM preparation for the terrain correction: any raster, any CRS -> ellipsoidal heights on facet vertices.

For each output tile the DEM is resampled (bilinear, GDAL warper) onto the *vertices* of the
fine facet grid: the output grid oversampled by ``k`` plus a halo, vertex (i, j) at the corner
x0 + j * (pixel / k), y0 - i * (pixel / k). Heights above a geoid (EGM96, EGM2008) are turned into
WGS84 ellipsoidal heights with :mod:`palsar2_plugin.geoid`. DEM no-data stays NaN (never 0): the
tile functions mask those facets as no data. Stored values are converted to metres (vertical unit,
band scale and offset) and implausible heights become no data (:mod:`.dem_checks`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
from affine import Affine

from ..errors import Palsar2Error
from ..geoid import normalise_height_reference, to_ellipsoid_heights
from ..geometry.ellipsoid import geodetic_to_ecef
from ..geometry.lattice import lattice_indices, upsample
from .dem_checks import coverage_warnings, dataset_height_conversion, mask_implausible
from .grid import OutputGrid, Tile
from .vertices import bilinear_heights, dem_vertex_ecef


class DemError(Palsar2Error):
    """The DEM cannot be used (unreadable, no CRS, does not cover the scene)."""


@dataclass(frozen=True)
class VertexGrid:
    """The vertex lattice of a tile's facets: corner affine of the lattice *points* and its shape.

    ``transform`` maps (col, row) of a vertex to map x, y (the vertex itself, not a cell corner).
    """

    crs: str
    transform: Affine
    shape: Tuple[int, int]

    def xy(self) -> Tuple[np.ndarray, np.ndarray]:
        rows, cols = self.shape
        x = self.transform.c + np.arange(cols) * self.transform.a
        y = self.transform.f + np.arange(rows) * self.transform.e
        return np.broadcast_arrays(x[None, :], y[:, None])


def vertex_grid(grid: OutputGrid, tile: Tile, oversampling: int, halo) -> VertexGrid:
    """Vertices of the facets of ``tile`` (``oversampling`` facets per pixel side, ``halo`` extra
    facets on each side, an int or (rows, cols)): shape (k*ny + 2hy + 1, k*nx + 2hx + 1)."""
    k = int(oversampling)
    hy, hx = (int(halo[0]), int(halo[1])) if isinstance(halo, (tuple, list)) else (int(halo), int(halo))
    step = grid.pixel_size_m / k
    ny, nx = tile.shape
    x0 = grid.transform.c + tile.col0 * grid.pixel_size_m - hx * step
    y0 = grid.transform.f - tile.row0 * grid.pixel_size_m + hy * step
    return VertexGrid(grid.crs, Affine(step, 0.0, x0, 0.0, -step, y0), (k * ny + 2 * hy + 1, k * nx + 2 * hx + 1))


class DemSource:
    """A DEM raster opened for resampling onto tile vertices (one rasterio handle per thread).

    ``path``: anything rasterio/GDAL opens; ``height_reference``: "egm96" (default), "egm2008" or
    "ellipsoid". Raises :class:`DemError` if the file cannot be opened or has no CRS, and
    :class:`.dem_checks.DemUnitError` if its heights are in a unit that cannot be converted to metres.
    ``height_conversion``: stored values -> metres.
    """

    def __init__(self, path: str, height_reference: str = "egm96", band: int = 1):
        import rasterio

        self.path = str(path)
        self.height_reference = normalise_height_reference(height_reference)
        self.band = band
        self._local = threading.local()
        try:
            with rasterio.open(self.path) as ds:
                if ds.crs is None:
                    raise DemError(f"The DEM {self.path} has no coordinate reference system: assign one "
                                   "(e.g. with QGIS 'Assign projection') and try again.")
                self.crs = ds.crs
                self.bounds = tuple(ds.bounds)
                self.nodata = ds.nodatavals[band - 1]
                self.res = ds.res
                self.dtype = ds.dtypes[band - 1]
                self.height_conversion = dataset_height_conversion(self.path, ds, band)
        except rasterio.errors.RasterioIOError as error:
            raise DemError(f"Cannot open the DEM {self.path}: {error}. Choose a raster layer GDAL can read.") from error

    def _dataset(self):
        import rasterio

        ds = getattr(self._local, "ds", None)
        if ds is None:
            ds = rasterio.open(self.path)
            self._local.ds = ds
        return ds

    def close(self) -> None:
        ds = getattr(self._local, "ds", None)
        if ds is not None:
            ds.close()
            self._local.ds = None

    def lon_lat_bounds(self) -> Tuple[float, float, float, float]:
        """(west, south, east, north) of the DEM in degrees."""
        from rasterio.warp import transform_bounds

        return tuple(transform_bounds(self.crs, "EPSG:4326", *self.bounds, densify_pts=21))

    def heights_on(self, vertices: VertexGrid) -> np.ndarray:
        """DEM heights (metres above their reference, float64, NaN = no data) interpolated bilinearly
        at the vertices.

        The vertices' positions in the DEM's CRS are exact (PROJ) on every 16th vertex and bilinear in
        between (far below 1e-4 DEM pixel); the heights are then interpolated with numpy from the
        DEM window, so a plane stays a plane (GDAL's warper approximates the transformation to 1/8
        pixel, which puts metre-sized steps on slopes). A vertex with a no-data neighbour is NaN.
        """
        rows, cols = vertices.shape
        found = self._read_window(vertices)
        if found is None:                       # the tile lies outside the DEM
            return np.full((rows, cols), np.nan)
        data, window_transform = found
        (sc, sr), r, c = self._source_pixel_lattice(vertices, window_transform)
        return bilinear_heights(data, upsample(sr, r, c, rows, cols), upsample(sc, r, c, rows, cols))

    def _read_window(self, vertices: VertexGrid):
        """(DEM heights in metres, float64 with NaN for no data; their window transform) around the
        vertex lattice, or None when the lattice lies outside the DEM."""
        ds = self._dataset()
        rows, cols = vertices.shape
        found = self._source_window(vertices)
        if found is None:
            return None
        window, window_transform = found
        # a DEM much finer than the vertices is read averaged to about half the vertex spacing,
        # which bounds memory whatever the DEM's resolution (a 1 m lidar DEM under 12.5 m facets)
        n_vertices = rows * cols
        factor = max(1.0, np.sqrt(window.width * window.height / (4.0 * n_vertices)))
        if factor > 1.5:
            from rasterio.enums import Resampling

            shape = (max(2, int(window.height / factor)), max(2, int(window.width / factor)))
            data = ds.read(self.band, window=window, out_shape=shape, resampling=Resampling.average,
                           masked=False, out_dtype="float64")
            window_transform = window_transform * Affine.scale(window.width / shape[1], window.height / shape[0])
        else:
            data = ds.read(self.band, window=window, masked=False, out_dtype="float64")
        if self.nodata is not None and not np.isnan(self.nodata):
            data[data == self.nodata] = np.nan
        return mask_implausible(self.height_conversion.apply(data)), window_transform

    def vertex_ecef(self, vertices: VertexGrid, workspace=None) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, z) ECEF (m) and ellipsoidal height (m) of every vertex; NaN where the DEM has no value.

        The heights are those of :meth:`ellipsoid_heights_on`; the positions are within a
        millimetre of geodetic_to_ecef of them (the ellipsoid point and normal are interpolated
        from the same coarse lattice): the stage of :mod:`.vertices` (into ``workspace``, see
        :mod:`.workspace`)."""
        rows, cols = vertices.shape
        found = self._read_window(vertices)
        if found is None:
            nan = np.full((rows, cols), np.nan)
            return nan, nan.copy(), nan.copy(), nan.copy()
        data, window_transform = found
        (sc, sr), r, c = self._source_pixel_lattice(vertices, window_transform)
        lat_c, lon_c = _lattice_lat_lon(vertices, r, c)
        if self.height_reference == "ellipsoid":
            und = np.zeros_like(lat_c)
        else:
            und = to_ellipsoid_heights(np.zeros_like(lat_c), lat_c, lon_c, self.height_reference)
        # the vertex = ellipsoid point + height x normal, both exact on the lattice and linear in
        # between (the ellipsoid's sag over a lattice cell of 16 facets is below a millimetre)
        foot = geodetic_to_ecef(lat_c, lon_c, 0.0)
        phi, lam = np.radians(lat_c), np.radians(lon_c)
        normal = (np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi))
        coarse = np.stack([sc, sr, und, foot[..., 0], foot[..., 1], foot[..., 2], *normal])
        return dem_vertex_ecef(data, r, c, coarse, (rows, cols), workspace)

    def _source_pixel_lattice(self, vertices: VertexGrid, window_transform: Affine, step: int = 16):
        """((col, row) fractional DEM-window coordinates (pixel centres at integers) on the coarse
        lattice, lattice rows, lattice cols): exact (PROJ) on every ``step``-th vertex and the last."""
        from pyproj import Transformer

        rows, cols = vertices.shape
        r, c = lattice_indices(rows, cols, step)
        t = vertices.transform
        xx, yy = np.meshgrid(t.c + c * t.a, t.f + r * t.e)
        key = (str(vertices.crs), self.crs.to_wkt())
        cache = getattr(self._local, "transformers", None)
        if cache is None:
            cache = self._local.transformers = {}
        tr = cache.get(key)
        if tr is None:
            tr = cache[key] = Transformer.from_crs(vertices.crs, self.crs, always_xy=True)
        sx, sy = tr.transform(xx, yy)
        inv = ~window_transform
        sc = inv.a * np.asarray(sx) + inv.b * np.asarray(sy) + inv.c - 0.5
        sr = inv.d * np.asarray(sx) + inv.e * np.asarray(sy) + inv.f - 0.5
        return (sc, sr), r, c

    def _source_window(self, vertices: VertexGrid):
        """(window, its transform): the DEM window (2-pixel margin) covering the vertex lattice, or None."""
        from rasterio.warp import transform_bounds
        from rasterio.windows import Window, from_bounds

        ds = self._dataset()
        rows, cols = vertices.shape
        t = vertices.transform
        left, top = t.c - t.a, t.f - t.e
        right, bottom = t.c + cols * t.a, t.f + rows * t.e
        src_bounds = transform_bounds(vertices.crs, self.crs, left, bottom, right, top, densify_pts=21)
        win = from_bounds(*src_bounds, transform=ds.transform)
        col0 = int(np.floor(win.col_off)) - 2
        row0 = int(np.floor(win.row_off)) - 2
        col1 = int(np.ceil(win.col_off + win.width)) + 2
        row1 = int(np.ceil(win.row_off + win.height)) + 2
        col0, row0 = max(col0, 0), max(row0, 0)
        col1, row1 = min(col1, ds.width), min(row1, ds.height)
        if col1 <= col0 or row1 <= row0:
            return None
        window = Window(col0, row0, col1 - col0, row1 - row0)
        return window, ds.window_transform(window)

    def ellipsoid_heights_on(self, vertices: VertexGrid) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lat_deg, lon_deg, ellipsoidal height m) at the vertices; NaN height where the DEM has none."""
        h = self.heights_on(vertices)
        lat, lon = lat_lon_of(vertices)
        if self.height_reference != "ellipsoid":
            # the undulation is smooth: evaluate on every 16th vertex and interpolate
            h = h + _smooth_undulation(lat, lon, self.height_reference)
        return lat, lon, h


def _lattice_lat_lon(vertices: VertexGrid, r: np.ndarray, c: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """(lat, lon) degrees (PROJ, exact) of the vertices at lattice rows ``r`` x cols ``c``."""
    t = vertices.transform
    xx, yy = np.meshgrid(t.c + c * t.a, t.f + r * t.e)
    lon_c, lat_c = lon_lat_transformer(str(vertices.crs)).transform(xx, yy)
    return np.asarray(lat_c, dtype=np.float64), np.asarray(lon_c, dtype=np.float64)


def lat_lon_of(vertices: VertexGrid, step: int = 16) -> Tuple[np.ndarray, np.ndarray]:
    """(lat, lon) degrees of every vertex: exact (PROJ) on every ``step``-th vertex, bilinear in
    between (a map projection is smooth: the error over 16 vertices is far below 1e-9 degree)."""
    rows, cols = vertices.shape
    r, c = lattice_indices(rows, cols, step)
    lat_c, lon_c = _lattice_lat_lon(vertices, r, c)
    return upsample(lat_c, r, c, rows, cols), upsample(lon_c, r, c, rows, cols)


_TRANSFORMERS = threading.local()


def lon_lat_transformer(crs: str):
    """A pyproj Transformer from ``crs`` to WGS84 lon/lat (x = lon), one per thread and CRS (making
    one costs milliseconds; tiles ask for it again and again)."""
    from pyproj import Transformer

    cache = getattr(_TRANSFORMERS, "cache", None)
    if cache is None:
        cache = _TRANSFORMERS.cache = {}
    tr = cache.get(crs)
    if tr is None:
        tr = cache[crs] = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return tr


def _smooth_undulation(lat: np.ndarray, lon: np.ndarray, reference: str, step: int = 16) -> np.ndarray:
    """Geoid undulation (m) on a 2-D lattice, computed on every ``step``-th point and interpolated."""
    ny, nx = lat.shape
    rows, cols = lattice_indices(ny, nx, step)
    n_c = to_ellipsoid_heights(np.zeros((rows.size, cols.size)), lat[np.ix_(rows, cols)], lon[np.ix_(rows, cols)],
                               reference)
    return upsample(n_c, rows, cols, ny, nx)


def check_dem_covers(dem: DemSource, grid: OutputGrid, minimum_fraction: float = 0.01,
                     footprint_lon_lat=None) -> list:
    """Warnings about the DEM over the output area (:func:`.dem_checks.coverage_warnings`: the share
    with valid heights, implausible values). Raises :class:`DemError` when the DEM's bounding box
    covers less than ``minimum_fraction`` of the grid (the DEM is for another place), and
    :class:`.dem_checks.DemCoverageError` when it has no valid height over the output area."""
    from rasterio.warp import transform_bounds

    left, bottom, right, top = transform_bounds(dem.crs, grid.crs, *dem.bounds, densify_pts=21)
    g = grid.bounds
    w = max(0.0, min(right, g[2]) - max(left, g[0]))
    h = max(0.0, min(top, g[3]) - max(bottom, g[1]))
    fraction = (w * h) / ((g[2] - g[0]) * (g[3] - g[1]))
    if fraction < minimum_fraction:
        west, south, east, north = dem.lon_lat_bounds()
        raise DemError(f"The DEM {dem.path} (lon {west:.3f}..{east:.3f}, lat {south:.3f}..{north:.3f}) does not "
                       f"cover the scene or the chosen extent: choose a DEM of the scene's area.")
    return coverage_warnings(dem, grid, footprint_lon_lat)
