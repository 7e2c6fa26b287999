"""Static STAC items of JAXA's L2.2 products (one JSON beside each scene's COGs) -> SceneRecord."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional
from urllib.parse import urljoin

from .errors import CatalogError
from .geometry import close_ring
from .record import RemoteFile, SceneRecord, parse_name, parse_time
from .s3 import S3Object


def record_from_stac_item(item: Mapping[str, Any], item_url: str,
                          listed: Optional[Dict[str, S3Object]] = None, bucket_url: str = "",
                          source: str = "opendata") -> SceneRecord:
    """Build the record of one STAC item fetched from ``item_url``.

    Relative asset hrefs are resolved against ``item_url``. ``listed`` maps bucket keys to the
    objects of the same listing so that asset sizes and ETags come from the listing (the items
    carry neither); ``bucket_url`` is the prefix that turns a key into a URL.
    """
    try:
        item_id = str(item["id"])
        props = item.get("properties") or {}
        geometry = item.get("geometry") or {}
    except (KeyError, TypeError, AttributeError):
        raise CatalogError(f"{item_url} is not a STAC item (no id/properties).") from None
    names = parse_name(item_id)
    footprint = ()
    if geometry.get("type") == "Polygon" and geometry.get("coordinates"):
        footprint = close_ring(geometry["coordinates"][0])
    elif geometry.get("type") == "MultiPolygon" and geometry.get("coordinates"):
        footprint = close_ring(geometry["coordinates"][0][0])
    start = parse_time(props.get("start_datetime") or props.get("datetime"))
    end = parse_time(props.get("end_datetime")) or start
    files = []
    prefix = bucket_url.rstrip("/") + "/"
    for asset in (item.get("assets") or {}).values():
        href = asset.get("href") if isinstance(asset, Mapping) else None
        if not href:
            continue
        url = urljoin(item_url, href)
        obj = (listed or {}).get(url[len(prefix):]) if bucket_url and url.startswith(prefix) else None
        files.append(RemoteFile(url=url, size=obj.size if obj else None, etag=obj.etag if obj else None))
    orbit_state = str(props.get("sat:orbit_state") or names.get("pass_direction") or "").lower()
    look = str(props.get("sar:observation_direction") or names.get("look_side") or "").lower()
    pols = tuple(props.get("sar:polarizations") or names.get("polarisations") or ())
    product_id = names.get("product_id", "")
    return SceneRecord(
        record_id=item_id, scene_id=names.get("scene_id", ""), product_id=product_id,
        level=names.get("level", ""), mode=str(props.get("sar:instrument_mode") or names.get("mode", "")),
        beams=str(props.get("palsar2:beam_id") or ""), polarisations=pols, pass_direction=orbit_state,
        look_side=look, path=_int(props.get("sat:relative_orbit")), frame=names.get("frame"),
        orbit=_int(props.get("sat:absolute_orbit")) or names.get("orbit"), start_time=start, end_time=end,
        footprint=footprint, download_path=item_url, source=source,
        files=tuple(files),
    )


def _int(v) -> Optional[int]:
    try:
        return int(v) if v is not None and v != "" else None
    except (TypeError, ValueError):
        return None
