"""Synthetic PALSAR-2 L1.1 products simulated from a DEM (``python -m palsar2_plugin.simulate``).

Public API:
- :func:`simulate_product` (``product.py``): write a complete L1.1 CEOS product over a DEM with a
  known true gamma0 per polarisation, speckle and optional point targets; returns the folder.
- :data:`DEM_HEIGHT_REFERENCE`: default vertical datum of DEM heights ("egm96"), the same default
  as terrain correction's DEM_HEIGHT_REFERENCE.
- :data:`MODES` / :func:`mode_spec` (``modes.py``): modes and beams (WBD, WBS, WWD, WWS, VBD, VBS,
  FBD, FBS, HBD, HBS, UBS, UBD).
- :class:`PointTarget` (``point_targets.py``): bright points at known lat/lon/height.
- :func:`simulate_repeat` (``repeat.py``): a repeat pass of a simulated product for interferometry
  (baseline, days, temporal coherence, deformation, ScanSAR burst timing) with a truth raster of
  line-of-sight displacement and coherence beside it (``truth.py``).
Modules: ``modes`` (beam table), ``scene`` (orbit, grids, names), ``dem_source`` (DEM heights),
``terrain_area`` and ``backscatter`` (pure tile functions), ``point_targets``, ``description``
(the CEOS writer's product description), ``product`` (driver), ``__main__`` (CLI);
band-limited speckle: ``speckle_kernel`` (kernels and their spectral coherence), ``speckle_field``
(scatterers and the resampling passes), ``kernels`` (their compiled form), ``speckle_source``
(image blocks, ScanSAR burst gating), ``bursts`` (burst timing and spectra); repeat passes:
``baseline``, ``scatterers`` (where every acquisition sees the scatterers), ``repeat_field``,
``deformation``, ``repeat``, ``truth``.

Physics in one paragraph: each radar pixel's mean power comes from the terrain's illuminated
area (Small 2011): beta0 = gamma0_true x A_gamma / A_beta, with A_gamma the sum of DEM facet
areas projected perpendicular to the look direction (0 when facing away or in shadow along the
range line), accumulated with bilinear weights at each facet's exact (line, pixel), and A_beta =
slant-range spacing x along-track ground spacing. Then JAXA's L1.1 calibration is inverted
(sigma0 = beta0 sin(theta_ell), <|z|^2> = sigma0 / 10^((CF - 32)/10), CF = -83 dB) and circular
complex Gaussian speckle of that mean power is drawn: independent per pixel (``speckle="white"``,
the default) or a band-limited field that belongs to the ground (``speckle="band-limited"``:
scatterers on the reference radar grid, each with its propagation phase exp(-4 pi i R / lambda),
filtered to the mode's range and azimuth bandwidths, ScanSAR bursts gating the azimuth spectrum),
which is what a repeat pass needs to see the same ground again from another orbit.
"""

from .modes import MODES, mode_spec  # noqa: F401
from .point_targets import PointTarget  # noqa: F401
from .product import DEM_HEIGHT_REFERENCE, DEFAULT_GAMMA0_DB, simulate_product  # noqa: F401
from .repeat import simulate_repeat  # noqa: F401
