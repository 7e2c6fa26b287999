"""numba's on-disk cache of compiled kernels, kept apart for every name a module is imported under.

numba keys its cache files by the source file and the function's name, but the cached code refers
to its module by the name it was imported under. The same kernels file is imported as
``palsar2_plugin.rtc.mosaic`` by scripts and as ``<plugin folder>.palsar2_plugin.rtc.mosaic``
inside QGIS; a cache written under one name fails to load under the other. So each import name
gets its own directory: ``$NUMBA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME`` (default ``~/.cache``)
``/palsar2_plugin/numba``, then the module's name (numba adds a hash of the source file's path, and
stamps the source's modification time and size, so an edited or another copy of the plugin
compiles anew). A kernel that calls kernels of other files (see :mod:`.compiled`) gets a
subdirectory named after those files' stamps too: numba would not see that they changed.

Caching saves the compilation of every process after the first (about 8 s for the terrain-correction
kernels and 2 s for the multilook kernel: each QGIS session, each ``qgis_process`` run, each Dask
worker). The environment variable
``PALSAR2_NUMBA_CACHE=0`` turns it off; so does a cache directory that cannot be written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Callable, Optional, Sequence


def _stamp(files: Sequence[str]) -> str:
    """A short hash of the paths, modification times and sizes of ``files``."""
    h = hashlib.sha1()
    for path in files:
        try:
            st = os.stat(path)
            h.update(f"{path}:{st.st_mtime_ns}:{st.st_size};".encode())
        except OSError:
            h.update(f"{path}:?;".encode())
    return h.hexdigest()[:12]


def cache_dir(module_name: str, dependencies: Sequence[str] = ()) -> Optional[str]:
    """The writable cache directory for kernels of the module imported as ``module_name`` (and
    calling kernels of the source files ``dependencies``: a subdirectory per state of those files),
    created if needed; None when caching is off or no directory can be written."""
    if os.environ.get("PALSAR2_NUMBA_CACHE", "1").strip() in ("0", "false", "no", "off"):
        return None
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "palsar2_plugin", "numba")
    path = os.path.join(base, module_name)
    if dependencies:
        path = os.path.join(path, "calls-" + _stamp(dependencies))
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError:
        return None
    return path


def njit_cached(function: Callable, module_name: str, dependencies: Sequence[str] = (), **options) -> Callable:
    """``numba.njit(**options)(function)`` with its cache in :func:`cache_dir` of ``module_name``
    and ``dependencies`` (uncached when that is None or this numba does not take a cache directory)."""
    from numba import njit
    from numba.core import config

    path = cache_dir(module_name, dependencies)
    if path is None or not hasattr(config, "CACHE_DIR"):
        return njit(cache=False, **options)(function)
    # numba picks the cache location when the function is wrapped, from config.CACHE_DIR (what
    # NUMBA_CACHE_DIR sets): point it at this module's directory only for that moment
    saved = config.CACHE_DIR
    config.CACHE_DIR = path
    try:
        return njit(cache=True, **options)(function)
    finally:
        config.CACHE_DIR = saved
