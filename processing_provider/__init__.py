"""QGIS Processing provider ``palsar2`` and its algorithms: thin layers over ``palsar2_plugin``."""
