"""QGIS glue of the plugin: dock panels, background tasks, layer styling and metadata (imports qgis)."""
