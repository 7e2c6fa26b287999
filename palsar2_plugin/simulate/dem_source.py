"""A DEM as a source of WGS84 ellipsoid heights at any latitude/longitude, read window by window.

Any raster rasterio opens, in any CRS. Heights are converted from the DEM's height reference
(``egm96`` / ``egm2008`` / ``ellipsoid``, see :mod:`palsar2_plugin.geoid`) to metres above the
WGS84 ellipsoid (stored values in metres after the DEM's vertical unit and band scale, see
:mod:`palsar2_plugin.rtc.dem_checks`). Outside the DEM, and at its nodata cells, the height is 0 m above the
ellipsoid (the simulator's convention for a DEM that does not cover the swath). Samples are
interpolated bilinearly between DEM cell centres. Only the window around the requested points
is read, so the DEM is never held in memory whole.
"""

from __future__ import annotations

import threading
from typing import Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geoid import normalise_height_reference, to_ellipsoid_heights
from ..rtc.dem_checks import dataset_height_conversion, mask_implausible


#: Spacing (degrees, about 1 km) of the points where the geoid undulation is evaluated exactly
#: (see DemHeights._undulation).
UNDULATION_SPACING_DEG = 30.0 / 3600.0


class DemHeights:
    """Ellipsoid heights (m) from the DEM at ``path`` whose heights are above ``height_reference``."""

    def __init__(self, path: str, height_reference: str = "egm96"):
        import rasterio
        from pyproj import CRS, Transformer

        self.path = str(path)
        self.height_reference = normalise_height_reference(height_reference)
        try:
            self._ds = rasterio.open(self.path)
        except Exception as err:  # rasterio raises several types
            raise Palsar2Error(f"Cannot open the DEM {self.path}: {err}. Give a raster GDAL reads "
                               "(GeoTIFF, SRTM .hgt, ...).") from err
        if self._ds.crs is None:
            raise Palsar2Error(f"The DEM {self.path} has no coordinate reference system; assign one first.")
        crs = CRS.from_user_input(self._ds.crs.to_wkt())
        horizontal = crs.sub_crs_list[0] if crs.is_compound else crs
        self._to_dem = Transformer.from_crs("EPSG:4326", horizontal, always_xy=True)
        self._to_geo = Transformer.from_crs(horizontal, "EPSG:4326", always_xy=True)
        self._inverse = ~self._ds.transform
        self.width, self.height = self._ds.width, self._ds.height
        self.nodata = self._ds.nodata
        self.height_conversion = dataset_height_conversion(self.path, self._ds)   # feet, band scale -> metres
        self.undulation_step = self._cells_per(UNDULATION_SPACING_DEG)
        self._read_lock = threading.Lock()  # a rasterio dataset must not be read by two threads at once

    def close(self) -> None:
        self._ds.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- geography -----------------------------------------------------------------------
    def centre_lat_lon(self) -> Tuple[float, float]:
        """Latitude, longitude (degrees) of the centre of the DEM's extent."""
        x, y = self._ds.transform * (self.width / 2.0, self.height / 2.0)
        lon, lat = self._to_geo.transform(x, y)
        return float(lat), float(lon)

    def bounds_lat_lon(self, margin_cells: float = 0.0) -> Tuple[float, float, float, float]:
        """(south, west, north, east) in degrees of the DEM's extent (from its edges), grown by
        ``margin_cells`` DEM cells on every side."""
        m = float(margin_cells)
        c0, c1, r0, r1 = -m, self.width + m, -m, self.height + m
        cols = np.concatenate([np.linspace(c0, c1, 21), np.full(21, c1), np.linspace(c0, c1, 21), np.full(21, c0)])
        rows = np.concatenate([np.full(21, r0), np.linspace(r0, r1, 21), np.full(21, r1), np.linspace(r0, r1, 21)])
        xs, ys = self._ds.transform * (cols, rows)
        lon, lat = self._to_geo.transform(np.asarray(xs), np.asarray(ys))
        return float(np.min(lat)), float(np.min(lon)), float(np.max(lat)), float(np.max(lon))

    def _cells_per(self, degrees: float) -> int:
        """Whole DEM cells (at least 1) in ``degrees`` of latitude, at the DEM's centre."""
        x, y = self._ds.transform * (self.width / 2.0 + np.array([0.0, 1.0, 0.0]),
                                     self.height / 2.0 + np.array([0.0, 0.0, 1.0]))
        lon, lat = self._to_geo.transform(np.asarray(x), np.asarray(y))
        cell = max(np.hypot(lon[1] - lon[0], lat[1] - lat[0]), np.hypot(lon[2] - lon[0], lat[2] - lat[0]))
        return max(1, int(degrees / cell + 1e-6)) if np.isfinite(cell) and cell > 0 else 1

    # -- heights -------------------------------------------------------------------------
    def _window_ellipsoid_heights(self, row0: int, row1: int, col0: int, col1: int) -> np.ndarray:
        """Ellipsoid heights (m) of DEM cells [row0, row1) x [col0, col1); 0 outside/at nodata."""
        from rasterio.windows import Window

        out = np.zeros((row1 - row0, col1 - col0), dtype=np.float64)
        r0, r1 = max(row0, 0), min(row1, self.height)
        c0, c1 = max(col0, 0), min(col1, self.width)
        if r0 >= r1 or c0 >= c1:
            return out
        with self._read_lock:
            raw = self._ds.read(1, window=Window(c0, r0, c1 - c0, r1 - r0), masked=True)
        values = mask_implausible(self.height_conversion.apply(np.ma.filled(raw.astype(np.float64), np.nan)))
        h = values + self._undulation(r0, r1, c0, c1)
        out[r0 - row0:r1 - row0, c0 - col0:c1 - col0] = np.where(np.isfinite(h), h, 0.0)
        return out

    def _undulation(self, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        """Geoid undulation (m) at the centres of DEM cells [r0, r1) x [c0, c1): exact on a lattice of
        cells about :data:`UNDULATION_SPACING_DEG` apart (and the last), bilinear in between. The
        geoid grids (EGM96 15', EGM2008 1' or 2.5') are smooth at that scale: within a centimetre of
        the exact value, for ~1000 times fewer PROJ transformations on a 1" DEM."""
        if self.height_reference == "ellipsoid":
            return np.zeros((r1 - r0, c1 - c0))
        step = self.undulation_step
        node_r = np.unique(np.append(np.arange(r0, r1, step), r1 - 1)).astype(np.float64)
        node_c = np.unique(np.append(np.arange(c0, c1, step), c1 - 1)).astype(np.float64)
        rr, cc = np.meshgrid(node_r + 0.5, node_c + 0.5, indexing="ij")
        xs, ys = self._ds.transform * (cc, rr)
        lon, lat = self._to_geo.transform(np.asarray(xs), np.asarray(ys))
        nodes = to_ellipsoid_heights(np.zeros(rr.shape), lat, lon, self.height_reference)
        cols = np.arange(c0, c1, dtype=np.float64)
        along_cols = np.stack([np.interp(cols, node_c, row) for row in nodes])   # (node rows, columns)
        if len(node_r) == 1:
            return np.broadcast_to(along_cols, (r1 - r0, c1 - c0))
        rows = np.arange(r0, r1, dtype=np.float64)
        k = np.clip(np.searchsorted(node_r, rows, side="right") - 1, 0, len(node_r) - 2)
        w = ((rows - node_r[k]) / (node_r[k + 1] - node_r[k]))[:, None]
        return along_cols[k] * (1.0 - w) + along_cols[k + 1] * w

    def fractional_cells(self, lat_deg, lon_deg) -> Tuple[np.ndarray, np.ndarray]:
        """(column, row) of points in the DEM's cell grid, fractional and cell-centre based (0 = the
        centre of the first cell), same shape as the inputs."""
        lat = np.asarray(lat_deg, dtype=np.float64)
        lon = np.asarray(lon_deg, dtype=np.float64)
        xs, ys = self._to_dem.transform(lon.ravel(), lat.ravel())
        cols, rows = self._inverse * (np.asarray(xs), np.asarray(ys))
        return (np.asarray(cols) - 0.5).reshape(lat.shape), (np.asarray(rows) - 0.5).reshape(lat.shape)

    def heights_at_cells(self, fc: np.ndarray, fr: np.ndarray) -> np.ndarray:
        """Bilinearly interpolated ellipsoid heights (m) at fractional cells (see
        :meth:`fractional_cells`); 0 m outside the DEM and next to nodata cells only."""
        fc = np.asarray(fc, dtype=np.float64)
        fr = np.asarray(fr, dtype=np.float64)
        shape = fc.shape
        fc, fr = fc.ravel(), fr.ravel()
        result = np.zeros(fc.size, dtype=np.float64)
        inside = np.isfinite(fc) & np.isfinite(fr) & (fc > -1) & (fc < self.width) & (fr > -1) & (fr < self.height)
        if not inside.any():
            return result.reshape(shape)
        fci, fri = fc[inside], fr[inside]
        c0 = int(np.floor(fci.min()))
        r0 = int(np.floor(fri.min()))
        c1 = int(np.floor(fci.max())) + 2
        r1 = int(np.floor(fri.max())) + 2
        grid = self._window_ellipsoid_heights(r0, r1, c0, c1)
        ic = np.floor(fci).astype(np.int64)
        ir = np.floor(fri).astype(np.int64)
        dc, dr = fci - ic, fri - ir
        ic -= c0
        ir -= r0
        h = (grid[ir, ic] * (1 - dr) * (1 - dc) + grid[ir, ic + 1] * (1 - dr) * dc
             + grid[ir + 1, ic] * dr * (1 - dc) + grid[ir + 1, ic + 1] * dr * dc)
        result[inside] = h
        return result.reshape(shape)

    def ellipsoid_heights(self, lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
        """Bilinearly interpolated WGS84 ellipsoid heights (m) at ``lat_deg``, ``lon_deg`` (degrees).

        0 m where the point lies outside the DEM or next to nodata cells only.
        """
        return self.heights_at_cells(*self.fractional_cells(lat_deg, lon_deg))

    def ellipsoid_height_range(self) -> Tuple[float, float]:
        """(min, max) ellipsoid height (m) over the DEM, including the 0 m used outside it.

        Reads the DEM block by block.
        """
        lo, hi = 0.0, 0.0
        step = 1024
        for r in range(0, self.height, step):
            for c in range(0, self.width, step):
                h = self._window_ellipsoid_heights(r, min(r + step, self.height), c, min(c + step, self.width))
                lo, hi = min(lo, float(h.min())), max(hi, float(h.max()))
        return lo, hi
