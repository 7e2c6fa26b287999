"""Small planar geometry on (longitude, latitude) degrees: enough to test footprints against an AOI.

Footprints are single closed rings in EPSG:4326. Tests are planar in degrees (footprints of
ScanSAR scenes are a few degrees wide; fine for selection). A ring crossing the antimeridian is
unwrapped by :func:`close_ring` (its negative longitudes get +360, so it spans e.g. 179..181
degrees); area tests then also try the AOI shifted by +360 degrees.
"""

from __future__ import annotations

import re
import struct
from typing import Iterable, Optional, Sequence, Tuple

BBox = Tuple[float, float, float, float]  # west, south, east, north (degrees)
Ring = Tuple[Tuple[float, float], ...]


def close_ring(points: Iterable[Sequence[float]]) -> Ring:
    """The points as a tuple of (lon, lat) floats, first point repeated at the end, unwrapped
    across the antimeridian (see :func:`unwrap_ring`)."""
    ring = tuple((float(p[0]), float(p[1])) for p in points)
    if ring and ring[0] != ring[-1]:
        ring = ring + (ring[0],)
    return unwrap_ring(ring)


def unwrap_ring(ring: Ring) -> Ring:
    """A ring crossing the antimeridian with its negative longitudes moved by +360 degrees."""
    if not ring_crosses_antimeridian(ring):
        return ring
    return tuple((x + 360.0 if x < 0 else x, y) for x, y in ring)


def shift_ring(ring: Ring, dx: float) -> Ring:
    return tuple((x + dx, y) for x, y in ring)


def ring_bbox(ring: Ring) -> BBox:
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return (min(xs), min(ys), max(xs), max(ys))


def bbox_ring(bbox: BBox) -> Ring:
    w, s, e, n = bbox
    return ((w, s), (e, s), (e, n), (w, n), (w, s))


def ring_crosses_antimeridian(ring: Ring) -> bool:
    """True if consecutive vertices jump by more than 180 degrees of longitude."""
    return any(abs(b[0] - a[0]) > 180.0 for a, b in zip(ring, ring[1:]))


def bboxes_intersect(a: BBox, b: BBox) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def point_in_ring(x: float, y: float, ring: Ring) -> bool:
    """Even-odd rule; points on an edge may go either way."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xc:
                inside = not inside
    return inside


def _orient(ax, ay, bx, by, cx, cy) -> float:
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


def _segments_intersect(p1, p2, q1, q2) -> bool:
    d1 = _orient(*q1, *q2, *p1)
    d2 = _orient(*q1, *q2, *p2)
    d3 = _orient(*p1, *p2, *q1)
    d4 = _orient(*p1, *p2, *q2)
    if ((d1 > 0) != (d2 > 0) or d1 == 0 or d2 == 0) and ((d3 > 0) != (d4 > 0) or d3 == 0 or d4 == 0):
        # collinear / touching cases: confirm with bounding boxes
        return (min(p1[0], p2[0]) <= max(q1[0], q2[0]) and min(q1[0], q2[0]) <= max(p1[0], p2[0])
                and min(p1[1], p2[1]) <= max(q1[1], q2[1]) and min(q1[1], q2[1]) <= max(p1[1], p2[1]))
    return False


def rings_intersect(a: Ring, b: Ring) -> bool:
    """True if the polygons bounded by rings ``a`` and ``b`` share any point."""
    if not a or not b or not bboxes_intersect(ring_bbox(a), ring_bbox(b)):
        return False
    if point_in_ring(*a[0], b) or point_in_ring(*b[0], a):
        return True
    for p1, p2 in zip(a, a[1:]):
        for q1, q2 in zip(b, b[1:]):
            if _segments_intersect(p1, p2, q1, q2):
                return True
    return False


def parse_wkt_polygon(wkt: str) -> Ring:
    """Outer ring of a WKT ``POLYGON ((x y, ...))`` (case-insensitive)."""
    m = re.search(r"polygon\s*\(\s*\(([^()]*)\)", wkt, re.IGNORECASE)
    if not m:
        raise ValueError("not a WKT polygon")
    pts = [tuple(float(v) for v in pair.split()[:2]) for pair in m.group(1).split(",")]
    return close_ring(pts)


# --------------------------------------------------------------------------- GeoPackage blobs
def gpkg_polygon_blob(ring: Ring, srs_id: int = 4326) -> bytes:
    """GeoPackage geometry blob (header with XY envelope, little-endian WKB Polygon)."""
    w, s, e, n = ring_bbox(ring)
    header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i4d", srs_id, w, e, s, n)
    wkb = struct.pack("<BIII", 1, 3, 1, len(ring)) + b"".join(struct.pack("<2d", x, y) for x, y in ring)
    return header + wkb


def ring_from_gpkg_blob(blob: Optional[bytes]) -> Ring:
    """Outer ring of a GeoPackage Polygon/MultiPolygon blob (first polygon); () if empty."""
    if not blob or blob[:2] != b"GP":
        return ()
    flags = blob[3]
    env_len = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0b111]
    wkb = blob[8 + env_len:]
    return _ring_from_wkb(wkb)


def _ring_from_wkb(wkb: bytes) -> Ring:
    order = "<" if wkb[0] == 1 else ">"
    gtype = struct.unpack(order + "I", wkb[1:5])[0] % 1000
    if gtype == 6:  # MultiPolygon: take the first polygon
        return _ring_from_wkb(wkb[9:])
    if gtype != 3:
        return ()
    nrings = struct.unpack(order + "I", wkb[5:9])[0]
    if nrings == 0:
        return ()
    npts = struct.unpack(order + "I", wkb[9:13])[0]
    coords = struct.unpack(order + f"{2 * npts}d", wkb[13:13 + 16 * npts])
    return tuple((coords[i], coords[i + 1]) for i in range(0, len(coords), 2))
