"""What a DEM's numbers mean, and whether it has heights where the product needs them.

- :func:`height_conversion`: the DEM's vertical unit (the band's unit type, else the vertical axis
  of a compound CRS; none given = metres) and the band's scale and offset, as one linear
  conversion of stored values to metres (``metres = stored * scale + offset``). Feet (international
  and US survey) and the other length units GDAL writes are converted; a unit we do not know, or a
  band unit that contradicts the CRS's, is refused (:class:`DemUnitError`).
- :func:`mask_implausible`: heights outside :data:`PLAUSIBLE_HEIGHTS_M` (undeclared voids such as
  -32768, a wrong unit) become no data.
- :func:`height_coverage` / :func:`coverage_warnings`: the share of the output area (the output
  grid inside the scene footprint) where the DEM has a valid height, sampled on a lattice of at most
  :data:`COVERAGE_SAMPLES` per side; none at all is an error (no product), less than
  :data:`COVERAGE_WARNING_FRACTION` a warning that gives the percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..errors import Palsar2Error

#: Lowest and highest plausible terrain heights (m) after conversion; outside = no data.
PLAUSIBLE_HEIGHTS_M = (-1000.0, 9000.0)
#: Below this share of the output area with DEM heights, the run warns (percentage in the message).
COVERAGE_WARNING_FRACTION = 0.99
#: Samples per side of the lattice on which the coverage is measured.
COVERAGE_SAMPLES = 256

#: Length units (lower case, as GDAL and PROJ spell them) -> metres per unit.
_UNITS_M = {
    "m": 1.0, "metre": 1.0, "metres": 1.0, "meter": 1.0, "meters": 1.0,
    "ft": 0.3048, "foot": 0.3048, "feet": 0.3048, "international foot": 0.3048, "intl foot": 0.3048,
    "us-ft": 1200.0 / 3937.0, "ftus": 1200.0 / 3937.0, "us survey foot": 1200.0 / 3937.0,
    "foot us": 1200.0 / 3937.0, "survey foot": 1200.0 / 3937.0,
    "cm": 0.01, "centimetre": 0.01, "centimeter": 0.01, "centimetres": 0.01, "centimeters": 0.01,
    "mm": 0.001, "millimetre": 0.001, "millimeter": 0.001, "millimetres": 0.001, "millimeters": 0.001,
    "dm": 0.1, "decimetre": 0.1, "decimeter": 0.1, "km": 1000.0, "kilometre": 1000.0, "kilometer": 1000.0,
}


class DemUnitError(Palsar2Error):
    """The DEM's heights are in a unit that cannot be converted to metres."""


class DemCoverageError(Palsar2Error):
    """The DEM has no valid height anywhere in the output area."""


@dataclass(frozen=True)
class HeightConversion:
    """``metres = stored * scale + offset``; ``unit`` names where the unit came from (for messages)."""

    scale: float = 1.0
    offset: float = 0.0
    unit: str = "metre (not declared)"

    @property
    def is_identity(self) -> bool:
        return self.scale == 1.0 and self.offset == 0.0

    def apply(self, stored: np.ndarray) -> np.ndarray:
        """Stored values (float, NaN = no data) in metres, in place when possible."""
        if not self.is_identity:
            stored *= self.scale
            stored += self.offset
        return stored


def metres_per_unit(name: str) -> Optional[float]:
    """Metres per ``name`` (a length unit as GDAL or PROJ spell it), None when unknown."""
    return _UNITS_M.get(" ".join(str(name).lower().replace("_", " ").split()))


def crs_vertical_unit(crs) -> Optional[Tuple[str, float]]:
    """(unit name, metres per unit) of a CRS's vertical ("up") axis, None when it has none."""
    if crs is None:
        return None
    try:
        from pyproj import CRS

        c = CRS.from_user_input(crs.to_wkt() if hasattr(crs, "to_wkt") else crs)
    except Exception:  # noqa: BLE001 - a CRS pyproj cannot parse has no usable vertical axis
        return None
    for axis in c.axis_info:
        if str(axis.direction).lower() == "up":
            return axis.unit_name, float(axis.unit_conversion_factor)
    return None


def height_conversion(path: str, band_unit: str, crs, band_scale: Optional[float] = 1.0,
                      band_offset: Optional[float] = 0.0) -> HeightConversion:
    """The conversion of the DEM's stored values to metres (see the module docstring).

    ``band_unit``: the band's unit type ("" when not set); ``crs``: the DEM's CRS (rasterio or
    pyproj); ``band_scale``/``band_offset``: GDAL's band scale and offset (stored * scale + offset
    = value in the unit). Raises :class:`DemUnitError` for an unknown unit or a contradiction."""
    scale = 1.0 if band_scale in (None, 0) or not math.isfinite(band_scale) else float(band_scale)
    offset = 0.0 if band_offset is None or not math.isfinite(band_offset) else float(band_offset)
    vertical = crs_vertical_unit(crs)
    unit = (band_unit or "").strip()
    if unit:
        factor = metres_per_unit(unit)
        if factor is None:
            raise DemUnitError(
                f"The DEM {path} gives its heights in '{unit}', a unit this plugin does not know. Convert the DEM "
                f"to metres (e.g. with the QGIS Raster calculator) or set its unit to metres or feet, and try again.")
        if vertical is not None and not math.isclose(vertical[1], factor, rel_tol=1e-6):
            raise DemUnitError(
                f"The DEM {path} says its heights are in '{unit}' (band unit) but its CRS's vertical axis is in "
                f"'{vertical[0]}': fix whichever is wrong (band unit or CRS), then try again.")
        source = f"{unit} (band unit)"
    elif vertical is not None:
        factor = vertical[1]
        source = f"{vertical[0]} (vertical CRS)"
    else:
        factor = 1.0
        source = "metre (not declared)"
    return HeightConversion(scale * factor, offset * factor, source)


def dataset_height_conversion(path: str, ds, band: int = 1) -> HeightConversion:
    """:func:`height_conversion` of band ``band`` of an open rasterio dataset."""
    return height_conversion(path, ds.units[band - 1] or "", ds.crs, ds.scales[band - 1], ds.offsets[band - 1])


def mask_implausible(heights_m: np.ndarray) -> np.ndarray:
    """Set heights outside :data:`PLAUSIBLE_HEIGHTS_M` to NaN (in place); returns the array."""
    low, high = PLAUSIBLE_HEIGHTS_M
    with np.errstate(invalid="ignore"):
        heights_m[(heights_m < low) | (heights_m > high)] = np.nan
    return heights_m


@dataclass(frozen=True)
class HeightCoverage:
    """Share of the output area with a valid DEM height, and how many samples showed it."""

    fraction: float
    samples: int
    implausible_samples: int = 0


def height_coverage(dem, grid, footprint_lon_lat: Optional[Sequence[Tuple[float, float]]] = None,
                    samples: int = COVERAGE_SAMPLES) -> HeightCoverage:
    """The share of the output area (``grid``, inside ``footprint_lon_lat`` when given) where ``dem``
    (a :class:`.dem.DemSource`) has a valid height after conversion to metres; the DEM is sampled
    (nearest) by GDAL's warper on a lattice of at most ``samples`` per side (bounded memory)."""
    import rasterio
    from affine import Affine
    from rasterio.warp import Resampling, reproject

    step = max(1.0, max(grid.width, grid.height) / float(samples))
    shape = (max(1, int(math.ceil(grid.height / step))), max(1, int(math.ceil(grid.width / step))))
    transform = grid.transform * Affine.scale(step)
    heights = np.full(shape, np.nan, dtype=np.float64)
    ds = dem._dataset()
    reproject(source=rasterio.band(ds, dem.band), destination=heights, src_nodata=dem.nodata,
              dst_transform=transform, dst_crs=grid.crs, dst_nodata=np.nan, resampling=Resampling.nearest,
              warp_mem_limit=256)
    heights = dem.height_conversion.apply(heights)
    inside = np.ones(shape, dtype=bool)
    if footprint_lon_lat is not None and len(footprint_lon_lat) >= 3:
        inside = _inside_footprint(footprint_lon_lat, grid.crs, transform, shape)
        if not inside.any():
            inside = np.ones(shape, dtype=bool)
    finite = np.isfinite(heights) & inside
    implausible = int(finite.sum())
    mask_implausible(heights)
    valid = np.isfinite(heights) & inside
    implausible -= int(valid.sum())
    n = int(inside.sum())
    return HeightCoverage(float(valid.sum()) / n if n else 0.0, n, implausible)


def _inside_footprint(footprint_lon_lat, crs, transform, shape) -> np.ndarray:
    """Lattice cells (centres) inside the lon/lat polygon, rasterised in ``crs``."""
    from pyproj import Transformer
    from rasterio.features import geometry_mask

    pts = np.asarray(footprint_lon_lat, dtype=np.float64)
    closed = np.vstack([pts, pts[:1]])
    f = np.linspace(0.0, 1.0, 16, endpoint=False)[:, None, None]
    dense = (closed[:-1][None] * (1 - f) + closed[1:][None] * f).transpose(1, 0, 2).reshape(-1, 2)
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(dense[:, 0], dense[:, 1])
    ring = [(float(a), float(b)) for a, b in zip(x, y) if math.isfinite(a) and math.isfinite(b)]
    if len(ring) < 3:
        return np.ones(shape, dtype=bool)
    polygon = {"type": "Polygon", "coordinates": [ring + ring[:1]]}
    return ~geometry_mask([polygon], out_shape=shape, transform=transform, invert=False)


def coverage_warnings(dem, grid, footprint_lon_lat=None) -> List[str]:
    """Warnings about the DEM's heights over the output area (see the module docstring); raises
    :class:`DemCoverageError` when it has none."""
    coverage = height_coverage(dem, grid, footprint_lon_lat)
    low, high = PLAUSIBLE_HEIGHTS_M
    if coverage.fraction <= 0.0:
        extra = (f" ({coverage.implausible_samples} samples hold heights outside {low:g}..{high:g} m: an "
                 f"undeclared no-data value or a wrong unit?)" if coverage.implausible_samples else "")
        raise DemCoverageError(
            f"The DEM {dem.path} has no valid height anywhere in the output area (all no data{extra}), so no "
            f"product can be made: choose a DEM with heights over the scene or the chosen extent.")
    out = []
    if coverage.implausible_samples:
        share = 100.0 * coverage.implausible_samples / max(coverage.samples, 1)
        out.append(f"The DEM {dem.path} holds heights outside {low:g}..{high:g} m over {share:.1f} % of the output "
                   f"area (an undeclared no-data value such as -32768, or a wrong unit?); they are treated as no "
                   f"data.")
    if coverage.fraction < COVERAGE_WARNING_FRACTION:
        out.append(f"The DEM {dem.path} covers only {100.0 * coverage.fraction:.1f} % of the output area with valid "
                   f"heights; the rest of the product is no data (mask 0). Use a DEM covering the whole scene or "
                   f"choose a smaller extent.")
    return out
