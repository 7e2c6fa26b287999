"""Links from the disaster-event lists (``palsar2_plugin.events``) to catalogue records.

A row of JAXA's event tables can be matched to scene records when a source has it: today the
open-data bucket's flat L1.1 folders (rows that carry bucket ``keys`` and JAXA ``scene_names``).
Rows without keys have no machine-readable source (JAXA distributes them on request), so they
link to nothing and :func:`link_status` says why.
"""

from __future__ import annotations

import posixpath
from datetime import datetime, time, timedelta, timezone
from typing import List, Optional, Sequence

from ..progress import CancelCheck, ProgressCallback
from .index import SceneIndex
from .opendata import OpenDataBucket
from .record import SceneRecord, parse_name


def record_ids_of(scene_names: Sequence[str]) -> List[str]:
    """Record ids (``<scene id>_<product id>``) of JAXA scene names such as ``ALOS2471852850-230217-WBSR1.1__D``."""
    out = []
    for name in scene_names:
        fields = parse_name(name)
        if fields:
            out.append(f"{fields['scene_id']}_{fields['product_id']}")
    return out


def link_status(scene) -> str:
    """"bucket" if the event row can be matched in the open-data bucket, else "none"."""
    return "bucket" if getattr(scene, "keys", ()) and getattr(scene, "scene_names", ()) else "none"


def event_scene_records(scene, index: SceneIndex, bucket: Optional[OpenDataBucket] = None,
                        include_archive: bool = False, progress: Optional[ProgressCallback] = None,
                        is_cancelled: Optional[CancelCheck] = None,
                        max_age: Optional[timedelta] = timedelta(hours=24)) -> List[SceneRecord]:
    """The index records of an event row (``palsar2_plugin.events.EventScene``), refreshing first.

    With ``bucket``, the folders of the row's keys are listed (unless listed less than ``max_age``
    ago) and read into ``index`` for the observation date (and the archive dates if ``include_archive``). Returns the records found,
    in the order of the row's scene names; [] when the row has no source.
    """
    if link_status(scene) == "none":
        return []
    names = list(scene.scene_names) + (list(getattr(scene, "archive_scene_names", ())) if include_archive else [])
    ids = record_ids_of(names)
    if bucket is not None:
        keys = list(scene.keys) + (list(getattr(scene, "archive_keys", ())) if include_archive else [])
        prefixes = sorted({posixpath.dirname(k) + "/" for k in keys})
        dates = [parse_name(n)["date"] for n in names if parse_name(n)]
        start = min(dates) if dates else datetime.combine(scene.obs_date, time(0), tzinfo=timezone.utc)
        end = max(dates) if dates else start
        bucket.refresh(index, prefixes=prefixes, start=start, end=end + timedelta(days=1), progress=progress,
                       is_cancelled=is_cancelled, max_age=max_age)
    records = [index.get(i) for i in ids]
    return [r for r in records if r is not None]
