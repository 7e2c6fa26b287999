"""PALSAR-2 ScanSAR: the science core of the QGIS plugin.

Everything in this package except ``gui/`` and ``plugin.py`` is plain Python on numpy,
rasterio, pyproj and requests: no Qt and no qgis imports, so it can be used from a script,
a notebook or a Dask worker. Rooms: ``ceos`` (reading CEOS products), ``geometry`` (orbit and
range-Doppler), ``radiometry``, ``rtc`` (terrain correction), ``nrb`` (NRB products), ``catalog``
and ``download`` (finding and fetching scenes), ``simulate`` (writing synthetic products),
``events`` (JAXA's free disaster-event scenes) and ``attribution`` (JAXA credit).
"""

__version__ = "0.1.0"
