"""Dask worker preload: make the plugin's package importable in a worker process under the name the
client uses (the plugin folder may be installed under any name, and QGIS or the tests may have
imported it from a path that is not on ``sys.path``). Standard library only; run by Dask as a
preload file (``dask_setup``), reading PALSAR2_PACKAGE_NAME and PALSAR2_PACKAGE_ROOT set by the client.
The compiled kernels then load numba's on-disk cache of that import name (``palsar2_plugin.numba_cache``).
"""

import importlib
import os
import sys
import types


def register_package() -> None:
    name = os.environ.get("PALSAR2_PACKAGE_NAME", "")
    root = os.environ.get("PALSAR2_PACKAGE_ROOT", "")
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
