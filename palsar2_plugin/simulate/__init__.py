"""Synthetic PALSAR-2 L1.1 products simulated from a DEM (``python -m palsar2_plugin.simulate``).

Public API:
- :func:`simulate_product` (``product.py``): write a complete L1.1 CEOS product over a DEM with a
  known true gamma0 per polarisation, speckle and optional point targets; returns the folder.
- :data:`DEM_HEIGHT_REFERENCE`: default vertical datum of DEM heights ("egm96"), the same default
  as terrain correction's DEM_HEIGHT_REFERENCE.
- :data:`MODES` / :func:`mode_spec` (``modes.py``): modes and beams (WBD, WBS, WWD, WWS, VBD, VBS,
  FBD, FBS, HBD, HBS, UBS, UBD).
- :class:`PointTarget`.
Modules: ``modes`` (beam table), ``scene`` (orbit, grids, names), ``dem_source`` (DEM heights),
``terrain_area`` and ``backscatter`` (pure tile functions), ``product`` (driver), ``__main__`` (CLI).
"""

from .modes import MODES, mode_spec  # noqa: F401
from .point_targets import PointTarget  # noqa: F401
from .product import DEM_HEIGHT_REFERENCE, DEFAULT_GAMMA0_DB, simulate_product  # noqa: F401
