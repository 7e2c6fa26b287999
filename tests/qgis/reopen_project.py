"""Open a saved QGIS project in a fresh QGIS (run as its own process) and describe every layer as JSON.

Usage: python3 reopen_project.py PROJECT.qgz [RENDER.png]
Prints {"layers": [{name, valid, source, provider, renderer, min, max, classes, group, jaxa, role, ...}]}.
Without the plugin: the layers must open from what the project and its files hold.
"""

import json
import sys

from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsVectorLayer


def describe(project, layer):
    node = project.layerTreeRoot().findLayer(layer.id())
    groups = []
    parent = node.parent() if node is not None else None
    while parent is not None and parent.parent() is not None:
        groups.insert(0, parent.name())
        parent = parent.parent()
    entry = {"name": layer.name(), "valid": layer.isValid(), "source": layer.source(),
             "provider": layer.providerType(), "group": " / ".join(groups),
             "jaxa": any("JAXA" in right for right in layer.metadata().rights()),
             "role": layer.customProperty("palsar2/role", ""),
             "visible": bool(node.isVisible()) if node is not None else False}
    renderer = layer.renderer()
    entry["renderer"] = renderer.type() if renderer is not None else None
    if isinstance(layer, QgsRasterLayer) and renderer is not None:
        if renderer.type() == "singlebandgray":
            enhancement = renderer.contrastEnhancement()
            entry["min"], entry["max"] = enhancement.minimumValue(), enhancement.maximumValue()
        elif renderer.type() == "paletted":
            entry["classes"] = [c.value for c in renderer.classes()]
        elif renderer.type() == "singlebandpseudocolor":
            entry["min"], entry["max"] = renderer.classificationMin(), renderer.classificationMax()
        if layer.isValid():
            stats = layer.dataProvider().bandStatistics(1)
            entry["mean"] = stats.mean
    if isinstance(layer, QgsVectorLayer):
        entry["features"] = layer.featureCount() if layer.isValid() else -1
    return entry


def main(path, render=None):
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    ok = project.read(path)
    layers = [describe(project, layer) for layer in project.mapLayers().values()]
    if render and layers:
        from qgis.core import QgsMapRendererParallelJob, QgsMapSettings
        from qgis.PyQt.QtCore import QSize

        settings = QgsMapSettings()
        visible = [n.layer() for n in project.layerTreeRoot().findLayers() if n.isVisible() and n.layer()]
        settings.setLayers(visible)
        settings.setDestinationCrs(visible[-1].crs())
        settings.setExtent(visible[-1].extent())
        settings.setOutputSize(QSize(600, 450))
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(render)
    print(json.dumps({"read": ok, "layers": layers}))
    project.clear()
    app.exitQgis()


if __name__ == "__main__":
    main(*sys.argv[1:])
