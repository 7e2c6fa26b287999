"""Find, in a local data folder, the products of a disaster-event scene and of its paired archive scene.

A product matches a scene when its scene id is one of the scene's JAXA names, or else when its
observation date is the scene's date (±1 day: JAXA's tables give Japan dates, products UTC) and
its frame (digits 10-13 of the scene id ``ALOS2<orbit5><frame4>-YYMMDD``) is the scene's frame.
The archive product is matched the same way with the archive dates. Terrain-corrected products
(L2.2, the plugin's NRB) are preferred over L2.1.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence

from ..errors import Palsar2Error
from .reader import ProductNotFoundError, find_products
from .reader_model import KIND_JAXA_L21, NrbProduct

_SCENE_ID = re.compile(r"^ALOS2(\d{5})(\d{4})-(\d{6})$")
_PREFERENCE = {"palsar2_nrb": 0, "jaxa_l22": 1, KIND_JAXA_L21: 2}


@dataclass(frozen=True)
class EventProducts:
    """The products found for an event scene and for its archive pairing (empty tuples if none)."""

    event: tuple
    archive: tuple

    @property
    def comparable(self) -> bool:
        return bool(self.event and self.archive)


def product_date(product: NrbProduct) -> Optional[_dt.date]:
    """Observation date (UTC) of a product: its start time, else the date in its scene id."""
    if product.info.start_time is not None:
        return product.info.start_time.date()
    match = _SCENE_ID.match(product.info.scene_id)
    if match:
        token = match.group(3)
        return _dt.date(2000 + int(token[:2]), int(token[2:4]), int(token[4:]))
    return None


def product_frame(product: NrbProduct) -> Optional[int]:
    """Frame number from the scene id (or the product metadata)."""
    if product.info.frame_number is not None:
        return product.info.frame_number
    match = _SCENE_ID.match(product.info.scene_id)
    return int(match.group(2)) if match else None


def _scene_ids(names: Iterable[str]) -> set:
    out = set()
    for name in names:
        match = re.match(r"(ALOS2\d{9}-\d{6})", name or "")
        if match:
            out.add(match.group(1))
    return out


def scene_matches(scene_id: str, when: Optional[_dt.date], product_frame_number: Optional[int], names: set,
                  dates: Sequence[_dt.date], frame: Optional[int]) -> bool:
    """Whether a product (its scene id ``ALOS2<orbit5><frame4>-YYMMDD``, observation date and frame) is
    the scene of JAXA names ``names`` (scene ids), or else of one of ``dates`` (±1 day) and ``frame``."""
    if names:
        return scene_id in names
    if when is None or not any(abs((when - day).days) <= 1 for day in dates):
        return False
    return frame is None or product_frame_number is None or product_frame_number == frame


def scene_ids(names: Iterable[str]) -> set:
    """The scene ids (``ALOS2<orbit5><frame4>-YYMMDD``) at the start of JAXA's scene or product names."""
    return _scene_ids(names)


def _matches(product: NrbProduct, names: set, dates: Sequence[_dt.date], frame: Optional[int]) -> bool:
    return scene_matches(product.info.scene_id, product_date(product), product_frame(product), names, dates, frame)


def local_products(folder: str) -> List[NrbProduct]:
    """All products in ``folder`` and its sub-folders (two levels), including zipped ones."""
    found: List[NrbProduct] = []
    try:
        found.extend(find_products(folder))
    except ProductNotFoundError:
        pass
    base_depth = folder.rstrip(os.sep).count(os.sep)
    for current, dirs, files in os.walk(folder):
        if current.count(os.sep) - base_depth >= 2:
            dirs[:] = []
        for name in sorted(files):
            if name.lower().endswith(".zip"):
                try:
                    found.extend(find_products(os.path.join(current, name)))
                except Palsar2Error:   # not a product zip, or a broken one: skip it here
                    continue
    unique = {}
    for product in found:
        unique.setdefault((product.kind, product.name, product.raster_paths()[0] if product.backscatter else ""),
                          product)
    return list(unique.values())


def find_event_products(folder: str, scene, products: Optional[Sequence[NrbProduct]] = None) -> EventProducts:
    """Products in ``folder`` of ``scene`` (an :class:`palsar2_plugin.events.EventScene`) and its archive."""
    products = list(products) if products is not None else local_products(folder)
    frame = getattr(scene, "frame", None)
    event = [p for p in products if p.backscatter and
             _matches(p, _scene_ids(scene.scene_names), [scene.obs_date], frame)]
    archive_dates = [pairing.date for pairing in scene.archive]
    archive = [p for p in products if p.backscatter and (archive_dates or scene.archive_scene_names) and
               _matches(p, _scene_ids(scene.archive_scene_names), archive_dates, frame)]
    order = lambda p: (_PREFERENCE.get(p.kind, 9), p.name)  # noqa: E731
    return EventProducts(tuple(sorted(event, key=order)), tuple(sorted(archive, key=order)))


def common_polarisation(first: NrbProduct, second: NrbProduct) -> Optional[str]:
    """HH if both have it, else the first polarisation both have; None if none."""
    shared = [p for p in first.polarisations if p in second.polarisations]
    return "HH" if "HH" in shared else (shared[0] if shared else None)
