"""A scene search: area, dates and product filters, validated before any network use."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Optional, Tuple

from .errors import SearchInputError
from .geometry import BBox, Ring, bbox_ring, rings_intersect, shift_ring
from .record import SceneRecord

LEVELS = ("L1.1", "L2.1", "L2.2")
PASS_DIRECTIONS = ("ascending", "descending")


@dataclass(frozen=True)
class SearchQuery:
    """What the user asks for.

    ``bbox`` is (west, south, east, north) in degrees EPSG:4326; west > east means the box crosses
    the antimeridian (as in GeoJSON and STAC: west 170, east -170 is 20 degrees wide); ``aoi`` an
    optional finer ring (lon, lat) inside it (across the antimeridian with longitudes beyond 180,
    e.g. 170..190); ``start``/``end`` UTC, inclusive, a scene matches if its acquisition
    interval overlaps them. Empty filters (``None`` or ``()``) mean "any". ``polarisations``
    lists polarisations that must all be present (e.g. ``("HH", "HV")``).
    """

    bbox: BBox
    start: datetime
    end: datetime
    levels: Tuple[str, ...] = ()
    modes: Tuple[str, ...] = ()
    polarisations: Tuple[str, ...] = ()
    pass_direction: Optional[str] = None
    aoi: Optional[Ring] = None

    def validated(self) -> "SearchQuery":
        """Return the query with UTC times and normalised filters, or raise SearchInputError."""
        w, s, e, n = (float(v) for v in self.bbox)
        if any(v != v for v in (w, s, e, n)):
            raise SearchInputError("The search area is empty or undefined: draw an area or choose a layer.")
        if not (-90.0 <= s <= 90.0 and -90.0 <= n <= 90.0 and -180.0 <= w <= 180.0 and -180.0 <= e <= 180.0):
            raise SearchInputError(
                f"The search area ({w}, {s}, {e}, {n}) is not in longitude/latitude degrees: "
                "give the extent in EPSG:4326 (the QGIS glue reprojects it for you).")
        if e == w or n <= s:
            raise SearchInputError(
                "The search area has zero area (west = east or south >= north): draw a rectangle "
                "or choose a layer with an area, not a point or a line.")
        start, end = _utc(self.start), _utc(self.end)
        if end < start:
            raise SearchInputError(
                f"The end date {end:%Y-%m-%d} is before the start date {start:%Y-%m-%d}: swap them.")
        levels = tuple(lv.upper() if lv.upper().startswith("L") else "L" + lv for lv in self.levels)
        for lv in levels:
            if lv not in LEVELS:
                raise SearchInputError(f"Unknown product level {lv!r}: use one of {', '.join(LEVELS)}.")
        pd = (self.pass_direction or "").strip().lower() or None
        if pd is not None:
            pd = {"a": "ascending", "asc": "ascending", "d": "descending", "desc": "descending"}.get(pd, pd)
            if pd not in PASS_DIRECTIONS:
                raise SearchInputError(f"Unknown pass direction {self.pass_direction!r}: use ascending or descending.")
        return SearchQuery(bbox=(w, s, e, n), start=start, end=end, levels=levels,
                           modes=tuple(m.upper() for m in self.modes),
                           polarisations=tuple(p.upper() for p in self.polarisations),
                           pass_direction=pd, aoi=self.aoi)

    @property
    def crosses_antimeridian(self) -> bool:
        """True if the box crosses the 180 degree meridian (west > east)."""
        return self.bbox[0] > self.bbox[2]

    def area_ring(self) -> Ring:
        """The AOI, or the box as a ring (unwrapped beyond 180 degrees when it crosses the antimeridian)."""
        if self.aoi:
            return self.aoi
        w, s, e, n = self.bbox
        return bbox_ring((w, s, e + 360.0 if w > e else e, n))

    def split_at_antimeridian(self) -> Tuple["SearchQuery", ...]:
        """This query, or its two halves west and east of the antimeridian (for services that take a
        plain box; filter their answers with :meth:`matches` of the whole query)."""
        w, s, e, n = self.bbox
        if w <= e:
            return (self,)
        return (replace(self, bbox=(w, s, 180.0, n), aoi=None), replace(self, bbox=(-180.0, s, e, n), aoi=None))

    def matches(self, record: SceneRecord) -> bool:
        """Full test of one record (time overlap, filters, exact footprint/AOI intersection)."""
        if record.start_time is None:
            return False
        r_end = record.end_time or record.start_time
        if record.start_time > self.end or r_end < self.start:
            return False
        return self.matches_filters(record) and self.matches_area(record)

    def matches_filters(self, record: SceneRecord) -> bool:
        if self.levels and record.level not in self.levels:
            return False
        if self.modes and record.mode not in self.modes:
            return False
        if self.polarisations and not set(self.polarisations) <= set(record.polarisations):
            return False
        if self.pass_direction and record.pass_direction != self.pass_direction:
            return False
        return True

    def matches_area(self, record: SceneRecord) -> bool:
        """Exact test of the footprint against the area, both as given and shifted by 360 degrees (either
        may be unwrapped beyond 180 degrees when it crosses the antimeridian)."""
        footprint = record.footprint
        if not footprint:
            return False
        area = self.area_ring()
        return (rings_intersect(area, footprint) or rings_intersect(area, shift_ring(footprint, 360.0))
                or rings_intersect(shift_ring(area, 360.0), footprint))


def _utc(t: datetime) -> datetime:
    if t.tzinfo is None:
        return t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc)
