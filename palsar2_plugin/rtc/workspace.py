"""Reusable scratch arrays for the tile functions of one thread.

Touching freshly allocated memory costs page faults: for the per-facet arrays of a tile (the 16
geometry rows, the vertex positions, the layover/shadow tables; hundreds of MB per tile) that was a
third of the geometry kernel's time. A :class:`Workspace` hands out arrays carved from buffers it
keeps, so the next tile of the same thread reuses the memory already mapped.

An array obtained with :meth:`Workspace.array` is valid until the same name is asked for again in
that workspace: the tile functions that accept ``workspace=`` return results that may be views into
it, to be consumed before the next tile (as :func:`.tile.correct_tile` does). Without a workspace
they allocate fresh arrays (pure functions). :class:`WorkspacePool` gives each thread its own.
"""

from __future__ import annotations

import math
import threading
from typing import Dict, Optional, Tuple

import numpy as np


class Workspace:
    """Named scratch buffers that grow to the largest request and are reused."""

    def __init__(self) -> None:
        self._buffers: Dict[str, np.ndarray] = {}

    def array(self, name: str, shape: Tuple[int, ...], dtype=np.float64) -> np.ndarray:
        """An uninitialised C-contiguous array of ``shape`` and ``dtype`` (contents undefined)."""
        dt = np.dtype(dtype)
        nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
        buf = self._buffers.get(name)
        if buf is None or buf.size < nbytes:
            buf = np.empty(max(nbytes, 1), dtype=np.uint8)
            self._buffers[name] = buf
        return buf[:nbytes].view(dt).reshape(shape)

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffers."""
        return sum(b.size for b in self._buffers.values())


def scratch(workspace: Optional[Workspace], name: str, shape: Tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """``workspace.array(...)``, or a new ``np.empty`` without a workspace."""
    if workspace is None:
        return np.empty(shape, dtype=dtype)
    return workspace.array(name, shape, dtype)


class WorkspacePool:
    """One :class:`Workspace` per thread (freed with the pool)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self) -> Workspace:
        ws = getattr(self._local, "workspace", None)
        if ws is None:
            ws = self._local.workspace = Workspace()
        return ws


class ChunkScratch:
    """Named scratch arrays of a numpy stage, reused from chunk to chunk (numpy's in-place ``out=``
    operations then neither allocate nor leave the cache): :meth:`get` returns an uninitialised
    array of the chunk's shape."""

    def __init__(self) -> None:
        self._arrays = {}
        self.shape = (0,)
        self.size = 0

    def start(self, shape) -> "ChunkScratch":
        self.shape = tuple(int(n) for n in shape)
        self.size = math.prod(self.shape)
        return self

    def get(self, name: str, dtype=np.float64) -> np.ndarray:
        key = (name, dtype)
        a = self._arrays.get(key)
        if a is None or a.size < self.size:
            a = self._arrays[key] = np.empty(self.size, dtype=dtype)
        return a[:self.size].reshape(self.shape)

    def flat(self, name: str, size: int, dtype=np.float64) -> np.ndarray:
        """An uninitialised 1-D array of ``size`` (its own buffer, kept for the next chunk)."""
        key = ("flat " + name, dtype)
        a = self._arrays.get(key)
        if a is None or a.size < size:
            a = self._arrays[key] = np.empty(max(size, 1), dtype=dtype)
        return a[:size]
