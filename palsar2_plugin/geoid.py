"""Geoid heights -> WGS84 ellipsoid heights, with PROJ's geoid grids.

SAR geometry needs heights above the WGS84 ellipsoid; almost every DEM gives heights above a
geoid (SRTM, ASTER, Copernicus: EGM96 or EGM2008). This module is the one place that converts:

    h_ellipsoid_m = H_geoid_m + N(lat, lon)

where N is the geoid undulation (metres, positive where the geoid lies above the ellipsoid;
about +36 m at Tokyo, +17 m at 0N 0E) read from a PROJ grid:

- ``"egm96"``: ``egm96_15.gtx`` (Debian package ``proj-data``);
- ``"egm2008"``: ``us_nga_egm08_25.tif`` or ``egm08_25.gtx`` if installed (not in Debian's
  proj-data; ``projsync --file us_nga_egm08_25.tif`` fetches it), else a clear error;
- ``"ellipsoid"``: heights are already ellipsoidal, N = 0.

Angles are degrees (latitude, longitude on WGS84); heights metres. Functions are vectorised
over numpy arrays of any (equal or broadcastable) shape.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Tuple

import numpy as np

from .errors import Palsar2Error

#: Accepted values of a DEM height reference (same spelling as the Processing parameter).
DEM_HEIGHT_REFERENCES: Tuple[str, ...] = ("egm96", "egm2008", "ellipsoid")

#: PROJ grid files tried, in order, for each geoid model.
GEOID_GRIDS = {
    "egm96": ("egm96_15.gtx", "us_nga_egm96_15.tif"),
    "egm2008": ("us_nga_egm08_25.tif", "egm08_25.gtx"),
}


class GeoidGridMissing(Palsar2Error):
    """The PROJ grid of the requested geoid model is not installed."""


def normalise_height_reference(reference: str) -> str:
    """Return the canonical lower-case name of ``reference`` or raise :class:`Palsar2Error`."""
    name = str(reference).strip().lower().replace("-", "").replace("_", "")
    aliases = {"egm96": "egm96", "egm2008": "egm2008", "egm08": "egm2008",
               "ellipsoid": "ellipsoid", "wgs84": "ellipsoid", "ellipsoidal": "ellipsoid"}
    if name not in aliases:
        raise Palsar2Error(
            f"Unknown DEM height reference {reference!r}: use one of {', '.join(DEM_HEIGHT_REFERENCES)} "
            "(the vertical datum of the DEM's heights; SRTM/ASTER/Copernicus are egm96 or egm2008)")
    return aliases[name]


@lru_cache(maxsize=None)
def _undulation_transformer(reference: str):
    """A pyproj Transformer (lon, lat, 0) deg -> (lon, lat, N) for ``reference`` (cached)."""
    from pyproj import Transformer
    from pyproj.exceptions import ProjError

    tried = []
    for grid in GEOID_GRIDS[reference]:
        pipeline = ("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
                    f"+step +proj=vgridshift +grids={grid} +multiplier=1 "
                    "+step +proj=unitconvert +xy_in=rad +xy_out=deg")
        try:
            transformer = Transformer.from_pipeline(pipeline)
            _, _, probe = transformer.transform(0.0, 0.0, 0.0)
        except ProjError:
            tried.append(grid)
            continue
        if np.isfinite(probe):
            return transformer
        tried.append(grid)
    raise GeoidGridMissing(
        f"The {reference.upper()} geoid grid is not installed (looked for {', '.join(tried)} in PROJ's "
        f"data directories). Install it (e.g. `projsync --file {GEOID_GRIDS[reference][0]}` or copy the file "
        "into the PROJ data directory), or convert the DEM to ellipsoidal heights and choose 'ellipsoid'.")


def geoid_undulation_m(lat_deg, lon_deg, reference: str = "egm96") -> np.ndarray:
    """Geoid undulation N (m, geoid above ellipsoid positive) at WGS84 ``lat_deg``, ``lon_deg`` (degrees).

    Zero everywhere for ``reference="ellipsoid"``. Raises :class:`GeoidGridMissing` if the grid
    is not installed.
    """
    reference = normalise_height_reference(reference)
    lat, lon = np.broadcast_arrays(np.asarray(lat_deg, dtype=np.float64),
                                   np.asarray(lon_deg, dtype=np.float64))
    if reference == "ellipsoid":
        return np.zeros(lat.shape)
    transformer = _undulation_transformer(reference)
    _, _, n = transformer.transform(lon.ravel(), lat.ravel(), np.zeros(lat.size))
    n = np.asarray(n, dtype=np.float64).reshape(lat.shape)
    bad = ~np.isfinite(n) & np.isfinite(lat) & np.isfinite(lon)
    if bad.any():
        raise Palsar2Error(f"The {reference.upper()} geoid grid gave no value at {int(bad.sum())} points "
                           "(latitude outside -90..90 degrees?)")
    return n


def to_ellipsoid_heights(height_m, lat_deg, lon_deg, reference: str = "egm96") -> np.ndarray:
    """Convert heights above ``reference`` (egm96 / egm2008 / ellipsoid) to WGS84 ellipsoid heights (m).

    NaN heights stay NaN. ``lat_deg``/``lon_deg`` give the position of each height (degrees).
    """
    h = np.asarray(height_m, dtype=np.float64)
    return h + geoid_undulation_m(lat_deg, lon_deg, reference)
