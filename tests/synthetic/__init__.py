"""Test-only synthetic inputs: small CEOS product descriptions, terrain-correction geometries and
JAXA-named NRB products. Not shipped in the plugin (the simulator, palsar2_plugin.simulate, is)."""
