"""The algorithm dialog's widgets for product inputs (a folder picker as well as a file picker) and for DEM
inputs (a plausible DEM or nothing, never the first raster that happens to be loaded)."""

from __future__ import annotations

import importlib

import pytest
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.PyQt.QtWidgets import QFileDialog

from sample_data import HAKONE_DEM, L22


def close(dialog):
    """Close and delete the dialog now (its widgets must not outlive it into the next test)."""
    from qgis.PyQt.QtCore import QEvent

    dialog.close()
    dialog.deleteLater()
    QgsApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def open_dialog(algorithm_id):
    from processing.gui.AlgorithmDialog import AlgorithmDialog

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    dialog = AlgorithmDialog(algorithm)
    return dialog, dialog.mainWidget().wrappers


@pytest.mark.parametrize("algorithm_id, names", [
    ("palsar2:loadnrb", ["INPUT"]), ("palsar2:readceos", ["INPUT"]), ("palsar2:terraincorrection", ["INPUT"]),
    ("palsar2:changedetection", ["BEFORE", "AFTER"]), ("palsar2:interferogram", ["REFERENCE", "SECONDARY"]),
    ("palsar2:coherencechange", ["PRE_REFERENCE", "PRE_SECONDARY", "CO_REFERENCE", "CO_SECONDARY",
                                 "PRE_INTERFEROGRAM", "CO_INTERFEROGRAM"]),
    ("palsar2:l11tonrblayers", ["product"])])
def test_product_inputs_offer_a_folder_and_a_file_picker(algorithm_id, names, dialog_iface, plugin_package,
                                                         tmp_path, monkeypatch):
    widgets = importlib.import_module(f"{plugin_package.__name__}.processing_provider.parameter_widgets")
    dialog, wrappers = open_dialog(algorithm_id)
    try:
        for name in names:
            wrapper = wrappers[name]
            assert isinstance(wrapper, widgets.ProductPathWidgetWrapper), name
            widget = wrapper.widget
            assert widget.folder_button.isVisibleTo(dialog) and widget.file_widget.isVisibleTo(dialog)
            assert widget.file_widget.storageMode() == widget.file_widget.GetFile
            changes = []
            wrapper.widgetValueHasChanged.connect(changes.append)
            monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(tmp_path))
            widget.folder_button.click()
            assert wrapper.value() == str(tmp_path) and changes
            wrapper.setValue(str(tmp_path / "product.zip"))           # a zip (or any file) still goes in
            assert wrapper.value() == str(tmp_path / "product.zip")
            wrapper.setValue(None)
            assert wrapper.value() is None
    finally:
        close(dialog)


def test_a_product_folder_runs_from_the_dialog_values(dialog_iface, tmp_path):
    """The value the widget gives is what the algorithm accepts: a product folder."""
    import processing

    dialog, wrappers = open_dialog("palsar2:loadnrb")
    try:
        wrappers["INPUT"].setValue(str(L22))
        value = wrappers["INPUT"].value()
    finally:
        close(dialog)
    # the sample folder holds JAXA's metadata but no rasters: the algorithm says so (it does not refuse a folder)
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="GeoTIFF|raster|product"):
        processing.run("palsar2:loadnrb", {"INPUT": value, "OUTPUT_FOLDER": str(tmp_path)})


def add_raster(name, folder):
    """A layer ``name`` of a copy of the Hakone DEM whose file is named after the layer."""
    import re
    import shutil

    path = folder / (re.sub(r"[^A-Za-z0-9_-]+", "_", name) + ".tif")
    shutil.copyfile(HAKONE_DEM, path)
    layer = QgsRasterLayer(str(path), name, "gdal")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_the_dem_input_proposes_a_dem_or_nothing(dialog_iface, clean_project, plugin_package, tmp_path):
    widgets = importlib.import_module(f"{plugin_package.__name__}.processing_provider.parameter_widgets")
    mask = add_raster("2022-06-30 P137 F500 data mask", tmp_path)
    mask.setCustomProperty("palsar2/role", "mask")
    add_raster("ALOS2437590500-220630_WWDR2.2GUA_MSK", tmp_path)
    add_raster("2022-06-30 HH γ⁰ [dB]", tmp_path)
    dialog, wrappers = open_dialog("palsar2:terraincorrection")
    try:
        assert isinstance(wrappers["DEM"], widgets.DemLayerWidgetWrapper)
        assert wrappers["DEM"].value() is None          # none of these is a DEM: nothing is proposed
    finally:
        close(dialog)
    dem = add_raster("hakone_aster_gdem2_1arcsec", tmp_path)
    add_raster("another raster", tmp_path)
    for algorithm_id, name in (("palsar2:terraincorrection", "DEM"), ("palsar2:batchterraincorrection", "DEM"),
                               ("palsar2:interferogram", "DEM"), ("palsar2:l11tonrblayers", "dem")):
        dialog, wrappers = open_dialog(algorithm_id)
        try:
            assert wrappers[name].value() == dem.id(), algorithm_id
            wrappers[name].setValue(mask.id())           # the user may still choose any raster
            assert wrappers[name].value() == mask.id()
        finally:
            close(dialog)


def test_dem_plausibility_by_name(plugin_package, clean_project, tmp_path):
    widgets = importlib.import_module(f"{plugin_package.__name__}.processing_provider.parameter_widgets")
    scores = {name: widgets.dem_score(add_raster(name, tmp_path)) for name in (
        "SRTM 1 arc-second", "copernicus_glo30_N35E139", "elevation (m)", "my raster", "HH γ⁰ [dB]",
        "2024-01-01 data mask", "ALOS2437590500-220630_WWDR2.2GUA_HV_SLP", "local incidence angle")}
    assert scores["SRTM 1 arc-second"] > 0 and scores["copernicus_glo30_N35E139"] > 0 and scores["elevation (m)"] > 0
    assert scores["my raster"] == 0
    assert all(scores[n] < 0 for n in ("HH γ⁰ [dB]", "2024-01-01 data mask",
                                       "ALOS2437590500-220630_WWDR2.2GUA_HV_SLP", "local incidence angle"))
    assert widgets.plausible_dem().name() in ("SRTM 1 arc-second", "copernicus_glo30_N35E139", "elevation (m)")


def test_batch_dialogs_keep_qgis_widgets(dialog_iface, plugin_package):
    """In a batch dialog QGIS's own widgets are used (ours are for the single-run dialog)."""
    from processing.gui.wrappers import DIALOG_BATCH

    widgets = importlib.import_module(f"{plugin_package.__name__}.processing_provider.parameter_widgets")
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("palsar2:loadnrb")

    from qgis.PyQt.QtWidgets import QDialog

    class BatchAlgorithmDialog(QDialog):  # the class name tells QGIS's wrapper factory it is a batch dialog
        pass

    from processing.gui.wrappers import dialogTypes
    assert dialogTypes["BatchAlgorithmDialog"] == DIALOG_BATCH
    batch = BatchAlgorithmDialog()
    wrapper = widgets.ProductPathWidgetWrapper(algorithm.parameterDefinition("INPUT"), batch)
    assert not isinstance(wrapper, widgets.ProductPathWidgetWrapper)
    assert wrapper.parameterDefinition().name() == "INPUT"


def test_a_new_search_proposes_the_last_30_days_and_finds_what_they_hold(tmp_path, dialog_iface):
    """Start = end = today found nothing; the default period is the last 30 days (UTC), both days included."""
    import datetime as dt

    import processing
    from palsar2_plugin.catalog.index import SceneIndex
    from palsar2_plugin.catalog.record import SceneRecord
    from qgis.PyQt.QtCore import QDate

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("palsar2:searchscenes")
    today = QDate.currentDate()
    assert algorithm.parameterDefinition("START_DATE").defaultValue() == today.addDays(-30)
    assert algorithm.parameterDefinition("END_DATE").defaultValue() == today
    dialog, wrappers = open_dialog("palsar2:searchscenes")
    try:
        assert wrappers["START_DATE"].parameterValue() == today.addDays(-30)
    finally:
        close(dialog)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    ring = ((139.0, 35.0), (139.5, 35.0), (139.5, 35.5), (139.0, 35.5), (139.0, 35.0))
    records = [SceneRecord(f"ALOS2{n:010d}-x_WBDR2.2GUD", level="L2.2", start_time=now - dt.timedelta(days=age),
                           end_time=now - dt.timedelta(days=age), footprint=ring, source="opendata")
               for n, age in ((1, 3), (2, 29), (3, 45))]
    with SceneIndex(str(tmp_path / "index.gpkg")) as index:
        index.upsert(records)
    result = processing.run("palsar2:searchscenes", {"EXTENT": "139.1,139.2,35.1,35.2 [EPSG:4326]", "SOURCE": 1,
                                                     "INDEX_PATH": str(tmp_path / "index.gpkg"), "OUTPUT": "memory:"})
    assert result["SCENE_COUNT"] == 2      # 3 and 29 days old; not 45
