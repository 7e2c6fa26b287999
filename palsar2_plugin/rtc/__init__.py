"""Radiometric terrain correction (flattening gamma, Small 2011) of PALSAR-2 L1.1 into NRB products.

Public API:

- :func:`terrain_correct_product` (``scene_input``): CEOS L1.1 product + DEM -> NRB product folder.
- :func:`terrain_correct` (``driver``): any :class:`RadarInput` + DEM -> NRB product folder.
- :class:`RadarInput`, :class:`ArrayRadarInput`, :class:`RadarBeam` (``radar_input``),
  :class:`SceneRadarInput` (``scene_input``): what the correction reads.
- :func:`make_output_grid`, :class:`OutputGrid`, :func:`utm_epsg` (``grid``); :class:`DemSource` (``dem``).
- :func:`plan_run` (``plan``): what a run's tiles share (:class:`RunPlan`); ``executors``: where the
  tiles run (threads here; ``palsar2_plugin.scale.DaskExecutor`` on Dask).
- Pure tile functions (arrays in, arrays out), one module per stage, each with its numpy reference
  and its compiled kernel side by side (``palsar2_plugin.compiled``): ``vertices`` (DEM to ECEF
  vertices), ``facet_geometry``, ``layover_shadow``, ``area_distribution``, ``beam_sums``,
  ``mosaic``; ``tile`` is the pipeline of a tile. A ``workspace.Workspace`` passed to them lends
  reusable scratch arrays (results then live until the next tile of that workspace);
  ``stage_times`` sums CPU seconds per stage.

Command line: ``python -m palsar2_plugin.rtc PRODUCT DEM OUTPUT_FOLDER`` (see ``__main__``).
"""

from .driver import terrain_correct  # noqa: F401
from .plan import RunPlan, plan_run  # noqa: F401
from .grid import OutputGrid, make_output_grid, utm_epsg  # noqa: F401
from .dem import DemSource  # noqa: F401
from .radar_input import ArrayRadarInput, Beta0FileInput, RadarBeam, RadarGeometry, RadarInput  # noqa: F401
from .scene_input import SceneRadarInput, terrain_correct_product  # noqa: F401
from .mosaic import MASK_INVALID, MASK_LAYOVER, MASK_NODATA, MASK_SHADOW, MASK_VALID  # noqa: F401
