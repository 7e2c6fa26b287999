"""CEOS products (L1.1, L1.5) in a local folder, and those of a disaster-event scene and its archive.

A product is found by its leader file ``LED-<scene id>-<product id>`` (in a folder) or by the name
of a zip holding one (``...<scene id>-<product id>...zip``), up to two folder levels down; it is
identified by name only (opening it checks it). The scene id ``ALOS2<orbit5><frame4>-YYMMDD`` gives
the observation date and frame, matched as the dock's other actions match products
(:func:`palsar2_plugin.nrb.reader_events.scene_matches`).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

_NAME = re.compile(r"(?P<scene>ALOS2(?P<orbit>\d{5})(?P<frame>\d{4})-(?P<date>\d{6}))-(?P<product>[A-Z]{3}[RL](?P<level>\d\.\d)[A-Z_]{2}[AD_])")


@dataclass(frozen=True)
class LocalCeosProduct:
    """A product on disk: ``path`` (its leader file, or its zip), scene id, product id, level ("1.1"),
    observation date (UTC, from the scene id) and frame."""

    path: str
    scene_id: str
    product_id: str
    level: str
    date: _dt.date
    frame: int

    @property
    def mode(self) -> str:
        return self.product_id[:3]


def _product(path: str, name: str) -> Optional[LocalCeosProduct]:
    m = _NAME.search(name)
    if m is None:
        return None
    token = m.group("date")
    try:
        date = _dt.date(2000 + int(token[:2]), int(token[2:4]), int(token[4:]))
    except ValueError:
        return None
    return LocalCeosProduct(path, m.group("scene"), m.group("product"), m.group("level"), date, int(m.group("frame")))


def local_ceos_products(folder: str, level: Optional[str] = "1.1", depth: int = 2) -> List[LocalCeosProduct]:
    """The CEOS products (of ``level``; None: any) in ``folder`` and ``depth`` levels of sub-folders."""
    found = {}
    if not folder or not os.path.isdir(folder):
        return []
    base_depth = os.path.abspath(folder).rstrip(os.sep).count(os.sep)
    for current, dirs, files in os.walk(os.path.abspath(folder), followlinks=True):   # depth-bounded
        if current.count(os.sep) - base_depth >= depth:
            dirs[:] = []
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in sorted(files):
            if name.startswith("LED-") or name.lower().endswith(".zip"):
                product = _product(os.path.join(current, name), name)
                if product is not None and (level is None or product.level == level):
                    found.setdefault((product.scene_id, product.product_id), product)
    return sorted(found.values(), key=lambda p: (p.scene_id, p.product_id))


def event_ceos_products(folder: str, scene, level: str = "1.1") -> Tuple[Tuple[LocalCeosProduct, ...],
                                                                        Tuple[LocalCeosProduct, ...]]:
    """(event products, archive products) in ``folder`` of ``scene`` (an ``events.EventScene``) and of
    its archive pairing, of ``level``; same mode as the event scene's product first."""
    from ..nrb.reader_events import scene_ids, scene_matches

    products = local_ceos_products(folder, level)
    frame = getattr(scene, "frame", None)
    event = [p for p in products
             if scene_matches(p.scene_id, p.date, p.frame, scene_ids(scene.scene_names), [scene.obs_date], frame)]
    archive_dates = [pairing.date for pairing in scene.archive]
    archive = [p for p in products if (archive_dates or scene.archive_scene_names) and
               scene_matches(p.scene_id, p.date, p.frame, scene_ids(scene.archive_scene_names), archive_dates, frame)]
    modes = {p.mode for p in event}
    archive.sort(key=lambda p: (p.mode not in modes, p.scene_id))
    return tuple(event), tuple(archive)
