"""Worker-process preparation: make the plugin's package importable in a worker process under the
name the parent uses (the plugin folder may be installed under any name, and QGIS or the tests may
have imported it from a path that is not on ``sys.path``). Standard library only, so that it runs
before the package can be imported:

- Dask runs it as a preload file (``dask_setup``), reading PALSAR2_PACKAGE_NAME and
  PALSAR2_PACKAGE_ROOT set by the client (:func:`..scale.execution._worker_preload`);
- a process pool of :mod:`..rtc.process_executor` runs it as its initializer through
  ``runpy.run_path(this file, {"PALSAR2_WORKER": (name, root, module, function, args)})``: the
  package is registered, then ``<module>.<function>(*args)`` is called (``module`` in full, e.g.
  ``palsar2_scansar.palsar2_plugin.rtc.process_executor`` inside QGIS).

The compiled kernels then load numba's on-disk cache of that import name (``palsar2_plugin.numba_cache``).
"""

import importlib
import os
import sys
import types


def register_package(name: str = "", root: str = "") -> None:
    """Make ``name`` (default: $PALSAR2_PACKAGE_NAME) importable from ``root`` (its folder, default
    $PALSAR2_PACKAGE_ROOT) unless it already is."""
    name = name or os.environ.get("PALSAR2_PACKAGE_NAME", "")
    root = root or os.environ.get("PALSAR2_PACKAGE_ROOT", "")
    if not name or not root or name in sys.modules:
        return
    try:
        importlib.import_module(name)
        return
    except ImportError:
        pass
    module = types.ModuleType(name)      # a bare package: its __init__ (QGIS glue) is not needed by the core
    module.__path__ = [root]
    sys.modules[name] = module


def dask_setup(worker=None) -> None:
    register_package()


def _start_worker(name: str, root: str, module: str, function: str, args) -> None:
    """Register the package ``name`` from ``root``, then call ``function(*args)`` of ``module`` (its
    full dotted name, under ``name``)."""
    register_package(name, root)
    getattr(importlib.import_module(module), function)(*args)


if "PALSAR2_WORKER" in globals():        # run by runpy.run_path as a process pool's initializer
    _start_worker(*globals()["PALSAR2_WORKER"])
