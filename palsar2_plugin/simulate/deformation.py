"""Ground displacement and temporal coherence between two acquisitions, as functions of position.

:class:`Deformation` gives the displacement (metres, local east, north, up at the point) that the
ground undergoes between the previous acquisition and a repeat pass: a sum of vertical Gaussian
uplifts (:class:`Uplift`: peak x exp(-d^2 / (2 r^2)), d the distance on the ellipsoid from the
centre, r the radius) and of a displacement raster (:class:`DisplacementRaster`: a 3-band
GeoTIFF of east, north, up in metres, in any CRS GDAL reads, sampled bilinearly between cell
centres; 0 outside it and at nodata). :class:`CoherenceModel` gives the temporal coherence of
the scatterers (the complex correlation of their reflectivity between the two acquisitions):
a constant, replaced inside discs (:class:`CoherencePatch`, e.g. a damaged town) by their value.
Latitudes/longitudes in degrees (WGS84).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error
from ..geometry.ellipsoid import WGS84_A, WGS84_E2


def _local_metres(lat, lon, lat0, lon0) -> Tuple[np.ndarray, np.ndarray]:
    """(east, north) metres of (lat, lon) from (lat0, lon0) on the ellipsoid's local tangent plane
    (meridian and prime-vertical radii at lat0; good to 1e-3 relative over 50 km)."""
    phi = np.radians(lat0)
    w = 1.0 - WGS84_E2 * np.sin(phi) ** 2
    n = WGS84_A / np.sqrt(w)
    m = n * (1.0 - WGS84_E2) / w
    dlon = (np.asarray(lon, dtype=np.float64) - lon0 + 180.0) % 360.0 - 180.0
    return np.radians(dlon) * n * np.cos(phi), np.radians(np.asarray(lat, dtype=np.float64) - lat0) * m


@dataclass(frozen=True)
class Uplift:
    """Vertical Gaussian displacement: ``peak_m`` (m, positive up) at (``lat_deg``, ``lon_deg``),
    falling off with standard deviation ``radius_km`` (km)."""

    lat_deg: float
    lon_deg: float
    radius_km: float
    peak_m: float

    def __post_init__(self):
        if not self.radius_km > 0:
            raise Palsar2Error(f"An uplift radius must be positive (km), got {self.radius_km}")

    def up(self, lat, lon) -> np.ndarray:
        e, n = _local_metres(lat, lon, self.lat_deg, self.lon_deg)
        r = self.radius_km * 1000.0
        return self.peak_m * np.exp(-(e * e + n * n) / (2.0 * r * r))

    def as_dict(self) -> dict:
        return {"lat_deg": self.lat_deg, "lon_deg": self.lon_deg, "radius_km": self.radius_km,
                "peak_m": self.peak_m}


class DisplacementRaster:
    """East, north, up displacement (m) from bands 1-3 of a raster, bilinear between cell centres."""

    def __init__(self, path: str):
        import rasterio
        from pyproj import CRS, Transformer

        self.path = str(path)
        try:
            self._ds = rasterio.open(self.path)
        except Exception as err:  # rasterio raises several types
            raise Palsar2Error(f"Cannot open the displacement raster {self.path}: {err}") from err
        if self._ds.count < 3:
            raise Palsar2Error(f"The displacement raster {self.path} has {self._ds.count} band(s); it needs 3: "
                               "east, north, up in metres.")
        if self._ds.crs is None:
            raise Palsar2Error(f"The displacement raster {self.path} has no coordinate reference system.")
        crs = CRS.from_user_input(self._ds.crs.to_wkt())
        self._to_raster = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self._inverse = ~self._ds.transform
        self._lock = threading.Lock()
        self._data = None

    def close(self) -> None:
        self._ds.close()

    def _values(self) -> np.ndarray:
        """The 3 bands (float64, NaN at nodata), read once (displacement rasters are small)."""
        with self._lock:
            if self._data is None:
                raw = self._ds.read([1, 2, 3], masked=True).astype(np.float64)
                self._data = np.ma.filled(raw, np.nan)
            return self._data

    def max_abs_m(self) -> float:
        v = self._values()
        return float(np.nanmax(np.abs(v))) if np.isfinite(v).any() else 0.0

    def enu(self, lat, lon) -> np.ndarray:
        lat = np.asarray(lat, dtype=np.float64)
        x, y = self._to_raster.transform(np.asarray(lon, dtype=np.float64).ravel(), lat.ravel())
        cols, rows = self._inverse * (np.asarray(x), np.asarray(y))
        fc, fr = np.asarray(cols) - 0.5, np.asarray(rows) - 0.5
        data = self._values()
        h, w = data.shape[1:]
        c0 = np.clip(np.floor(fc).astype(np.int64), 0, max(w - 2, 0))
        r0 = np.clip(np.floor(fr).astype(np.int64), 0, max(h - 2, 0))
        dc = np.clip(fc - c0, 0.0, 1.0) if w > 1 else np.zeros_like(fc)
        dr = np.clip(fr - r0, 0.0, 1.0) if h > 1 else np.zeros_like(fr)
        c1, r1 = np.minimum(c0 + 1, w - 1), np.minimum(r0 + 1, h - 1)
        out = (data[:, r0, c0] * (1 - dr) * (1 - dc) + data[:, r0, c1] * (1 - dr) * dc
               + data[:, r1, c0] * dr * (1 - dc) + data[:, r1, c1] * dr * dc)
        inside = (fc > -0.5) & (fc < w - 0.5) & (fr > -0.5) & (fr < h - 0.5)
        out = np.where(inside[None, :] & np.isfinite(out), out, 0.0)
        return np.moveaxis(out, 0, -1).reshape(lat.shape + (3,))


@dataclass
class Deformation:
    """Displacement between the previous acquisition and a repeat pass (see the module docstring)."""

    uplifts: Sequence[Uplift] = ()
    raster: Optional[DisplacementRaster] = None

    @property
    def is_zero(self) -> bool:
        return not self.uplifts and self.raster is None

    def enu(self, lat, lon) -> np.ndarray:
        """(..., 3) east, north, up displacement (m) at ``lat``, ``lon`` (degrees)."""
        lat = np.asarray(lat, dtype=np.float64)
        out = np.zeros(lat.shape + (3,))
        for u in self.uplifts:
            out[..., 2] += u.up(lat, lon)
        if self.raster is not None:
            out += self.raster.enu(lat, lon)
        return out

    def max_abs_m(self) -> float:
        """An upper bound of the displacement's length (m)."""
        total = sum(abs(u.peak_m) for u in self.uplifts)
        if self.raster is not None:
            total += np.sqrt(3.0) * self.raster.max_abs_m()
        return float(total)

    def as_dict(self) -> dict:
        return {"uplifts": [u.as_dict() for u in self.uplifts],
                "displacement_raster": None if self.raster is None else self.raster.path,
                "convention": "east, north, up in metres at each ground point, between the previous "
                              "acquisition and this one"}

    def close(self) -> None:
        if self.raster is not None:
            self.raster.close()


@dataclass(frozen=True)
class CoherencePatch:
    """Temporal coherence ``coherence`` inside the disc of ``radius_km`` around (lat, lon) degrees."""

    lat_deg: float
    lon_deg: float
    radius_km: float
    coherence: float

    def as_dict(self) -> dict:
        return {"lat_deg": self.lat_deg, "lon_deg": self.lon_deg, "radius_km": self.radius_km,
                "coherence": self.coherence}


@dataclass(frozen=True)
class CoherenceModel:
    """Temporal coherence of the scatterers: ``coherence`` everywhere except in ``patches`` (the
    last patch containing a point wins)."""

    coherence: float = 1.0
    patches: Tuple[CoherencePatch, ...] = field(default=())

    def __post_init__(self):
        for value in [self.coherence] + [p.coherence for p in self.patches]:
            if not 0.0 <= value <= 1.0:
                raise Palsar2Error(f"A coherence must lie between 0 and 1, got {value}")

    def at(self, lat, lon) -> np.ndarray:
        lat = np.asarray(lat, dtype=np.float64)
        out = np.full(lat.shape, float(self.coherence))
        for p in self.patches:
            e, n = _local_metres(lat, lon, p.lat_deg, p.lon_deg)
            out = np.where(e * e + n * n <= (p.radius_km * 1000.0) ** 2, p.coherence, out)
        return out

    def as_dict(self) -> dict:
        return {"coherence": self.coherence, "patches": [p.as_dict() for p in self.patches],
                "meaning": "complex correlation of the scatterers' reflectivity between the previous "
                           "acquisition and this one (temporal decorrelation)"}

    @classmethod
    def from_dict(cls, d: dict) -> "CoherenceModel":
        return cls(float(d["coherence"]), tuple(CoherencePatch(p["lat_deg"], p["lon_deg"], p["radius_km"],
                                                               p["coherence"]) for p in d.get("patches", ())))


def deformation_from_dict(d: dict) -> Deformation:
    raster = d.get("displacement_raster")
    return Deformation(tuple(Uplift(u["lat_deg"], u["lon_deg"], u["radius_km"], u["peak_m"])
                             for u in d.get("uplifts", ())),
                       DisplacementRaster(raster) if raster else None)
