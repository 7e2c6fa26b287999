"""QGIS entry point of the PALSAR-2 ScanSAR plugin.

QGIS (and qgis_process, with ``iface=None``) calls :func:`classFactory`. Everything else lives in
``palsar2_plugin/`` (the science core and, in ``gui/`` and ``plugin.py``, the QGIS glue) and
``processing_provider/`` (the Processing algorithms).
"""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    """Create the plugin object. ``iface`` is None under qgis_process."""
    from .palsar2_plugin.plugin import Palsar2Plugin

    return Palsar2Plugin(iface)
