"""Every layer the plugin adds carries JAXA's attribution."""

from __future__ import annotations

from qgis.core import QgsProject, QgsVectorLayer


def test_apply_attribution_fills_metadata_and_attribution(plugin_package):
    layer_metadata = plugin_package.palsar2_plugin.gui.layer_metadata
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "scene", "memory")
    assert not layer_metadata.has_attribution(layer)
    layer_metadata.apply_attribution(layer)
    layer_metadata.apply_attribution(layer)  # idempotent: no duplicates
    metadata = layer.metadata()
    assert sum("Data provided by JAXA" in right for right in metadata.rights()) == 1
    assert any("提供:JAXA" in right for right in metadata.rights())
    assert len([lic for lic in metadata.licenses() if "gportal.jaxa.jp" in lic]) == 1
    assert [link.url for link in metadata.links()] == ["https://gportal.jaxa.jp/gpr/index/eula?lang=en"]
    assert [contact.role for contact in metadata.contacts()] == ["distributor"]
    assert "JAXA" in layer_metadata.layer_attribution_text(layer)


def test_event_scene_layer_loaded_from_the_toolbox_carries_attribution(plugin_package):
    import processing

    layer_metadata = plugin_package.palsar2_plugin.gui.layer_metadata
    project = QgsProject.instance()
    before = set(project.mapLayers())
    processing.runAndLoadResults("palsar2:eventscenes", {"EVENT": 0, "OUTPUT": "TEMPORARY_OUTPUT"})
    added = [project.mapLayer(layer_id) for layer_id in set(project.mapLayers()) - before]
    try:
        assert added, "no layer was loaded"
        for layer in added:
            assert layer_metadata.has_attribution(layer), layer.name()
            assert "JAXA" in layer_metadata.layer_attribution_text(layer)
    finally:
        project.removeMapLayers([layer.id() for layer in added])
