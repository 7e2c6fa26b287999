"""Bounding GDAL's raster block cache while a long write runs.

GDAL keeps written blocks in a process-wide cache of 5 % of the RAM by default (1.2 GB on a 24 GB
machine, 3.2 GB on 64 GB). Layers written tile by tile and never read back gain nothing from it, but
it counts in the process's memory; :func:`bounded_block_cache` lowers the limit for the duration of
a run and restores it afterwards (the last of several concurrent runs restores it). Without GDAL's
Python bindings it does nothing.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Optional

#: The block cache allowed during a terrain-correction run (bytes).
RUN_BLOCK_CACHE_BYTES = 256 * 2**20

_lock = threading.Lock()
_users = 0
_saved: Optional[int] = None


def _gdal():
    try:
        from osgeo import gdal
    except ImportError:
        return None
    return gdal


@contextmanager
def bounded_block_cache(max_bytes: int = RUN_BLOCK_CACHE_BYTES) -> Iterator[None]:
    """Within the block, GDAL's cache holds at most ``max_bytes`` (never raised above its setting)."""
    global _users, _saved
    gdal = _gdal()
    if gdal is None:
        yield
        return
    with _lock:
        if _users == 0:
            _saved = int(gdal.GetCacheMax())
            if _saved > max_bytes:
                gdal.SetCacheMax(int(max_bytes))
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _saved is not None:
                gdal.SetCacheMax(_saved)
                _saved = None
