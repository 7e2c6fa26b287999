"""``palsar2:loadnrb`` in QGIS: values, styles, metadata, groups, offscreen render, bad inputs, qgis_process."""

from __future__ import annotations
from sample_data import L22

import os
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsContrastEnhancement,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsMultiBandColorRenderer,
    QgsPalettedRasterRenderer,
    QgsProject,
    QgsRasterLayer,
    QgsSingleBandGrayRenderer,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

SUMMARY = L22 / "ALOS2437590500-220630_WWDR2.2GUA_summary.xml"
KML = L22 / "ALOS2437590500-220630-WWDR2.2GUA.kml"
STEM = "ALOS2437590500-220630_WWDR2.2GUA"
ROWS, COLS = 80, 100


@pytest.fixture()
def product(tmp_path, plugin_package):
    import importlib

    from synthetic import jaxa_nrb as synthetic
    rng = np.random.default_rng(4)
    hh = rng.integers(500, 9000, (ROWS, COLS)).astype(np.uint16)
    hh[:2, :] = 0
    hv = (hh // 5 + 1).astype(np.uint16)
    mask = np.ones((ROWS, COLS), np.uint8)
    mask[:, :4] = 0
    mask[30:40, 30:40] = 4
    mask[60:62, 70:75] = 2
    lia = np.full((ROWS, COLS), 4100, np.uint16)
    folder = tmp_path / STEM
    synthetic.write_l22_product(str(folder), {"HH": hh, "HV": hv}, mask, lia, str(SUMMARY), str(KML))
    return folder, hh, hv, mask


@pytest.fixture()
def clean_project():
    project = QgsProject.instance()
    project.clear()
    yield project
    project.clear()


def _expected_db(dn):
    return 20 * np.log10(float(dn)) - 83.0


def _value(layer: QgsRasterLayer, row: int, col: int, band: int = 1) -> float:
    extent = layer.extent()
    x = extent.xMinimum() + (col + 0.5) * layer.rasterUnitsPerPixelX()
    y = extent.yMaximum() - (row + 0.5) * layer.rasterUnitsPerPixelY()
    from qgis.core import QgsPointXY

    value, ok = layer.dataProvider().sample(QgsPointXY(x, y), band)
    return value if ok else float("nan")


def _render(layers, path: Path) -> np.ndarray:
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setExtent(layers[0].extent())
    settings.setOutputSize(QSize(120, 96))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    assert image.save(str(path), "PNG")
    width, height = image.width(), image.height()
    pixels = np.array([[image.pixel(x, y) & 0xFFFFFF for x in range(0, width, 4)] for y in range(0, height, 4)])
    return pixels


def test_processing_run_returns_sources_with_formula_values(product, tmp_path, clean_project):
    import processing

    folder, hh, hv, mask = product
    result = processing.run("palsar2:loadnrb", {"INPUT": str(folder / f"{STEM}_summary.xml"), "POLARISATIONS": [],
                                                "SCALE": 0, "STYLE": 0, "LOAD_ANCILLARY": True,
                                                "OUTPUT_FOLDER": str(tmp_path / "vrt")})
    assert result["PRODUCT_COUNT"] == 1 and result["PRODUCTS"] == STEM
    assert len(result["LAYERS"]) == 4 and all(s.endswith(".vrt") and os.path.exists(s) for s in result["LAYERS"])
    assert result["BACKSCATTER"].endswith("_HH_gamma0_dB.vrt")
    assert QgsProject.instance().count() == 0          # processing.run does not load
    layer = QgsRasterLayer(result["BACKSCATTER"], "hh", "gdal")
    assert layer.isValid()
    for row, col in ((10, 10), (50, 77), (79, 99), (35, 35)):
        assert _value(layer, row, col) == pytest.approx(_expected_db(hh[row, col]), abs=0.01)
    assert np.isnan(_value(layer, 0, 50))              # DN 0
    assert np.isnan(_value(layer, 40, 2))              # mask 0
    # the half-pixel of the XML does not move the layer: extent = GeoTIFF
    extent = layer.extent()
    assert (extent.xMinimum(), extent.yMaximum()) == (374612.5, 3087012.5)
    assert (extent.width(), extent.height()) == (COLS * 25.0, ROWS * 25.0)


def test_run_and_load_styles_groups_and_metadata(product, tmp_path, clean_project, plugin_package):
    import processing

    folder = product[0]
    processing.runAndLoadResults("palsar2:loadnrb", {"INPUT": str(folder), "SCALE": 0, "STYLE": 0,
                                                     "LOAD_ANCILLARY": True, "OUTPUT_FOLDER": str(tmp_path / "v")})
    project = QgsProject.instance()
    group = project.layerTreeRoot().findGroup("2022-06-30 P137 F500 WWD Asc (ALOS2437590500-220630 L2.2)")
    assert group is not None
    names = [node.name() for node in group.children()]
    assert names == ["2022-06-30 P137 F500 HH γ⁰ [dB]", "2022-06-30 P137 F500 HV γ⁰ [dB]",
                     "2022-06-30 P137 F500 local incidence angle [°]", "2022-06-30 P137 F500 data mask"]
    assert [node.itemVisibilityChecked() for node in group.children()] == [True, True, False, False]
    layers = {node.name(): node.layer() for node in group.children()}
    hh = layers[names[0]]
    renderer = hh.renderer()
    assert isinstance(renderer, QgsSingleBandGrayRenderer)
    enhancement = renderer.contrastEnhancement()
    assert (enhancement.minimumValue(), enhancement.maximumValue()) == (-25.0, 0.0)
    assert enhancement.contrastEnhancementAlgorithm() == QgsContrastEnhancement.StretchToMinimumMaximum
    hv_enhancement = layers[names[1]].renderer().contrastEnhancement()
    assert (hv_enhancement.minimumValue(), hv_enhancement.maximumValue()) == (-30.0, -5.0)
    mask_renderer = layers[names[3]].renderer()
    assert isinstance(mask_renderer, QgsPalettedRasterRenderer)
    assert [(c.value, c.label) for c in mask_renderer.classes()] == [
        (1, "Valid"), (2, "Layover"), (3, "Shadow"), (4, "Ocean water"), (5, "Invalid data")]
    lia = layers[names[2]]
    assert isinstance(lia.renderer(), QgsSingleBandPseudoColorRenderer)
    assert _value(lia, 20, 20) == pytest.approx(41.0, abs=1e-4)
    # metadata and attribution
    metadata = hh.metadata()
    assert "ALOS-2 PALSAR-2 L2.2" in metadata.title()
    for text in ("beam W3", "ascending", "right-looking", "45.15°", "2022-06-30T15:58:00.078Z", "EGAS-APR"):
        assert text in metadata.abstract()
    assert "CEOS-ARD" in metadata.keywords()["keywords"]
    temporal = metadata.extent().temporalExtents()[0]
    assert temporal.begin().toString("yyyy-MM-ddThh:mm:ss") == "2022-06-30T15:58:00"
    assert metadata.extent().spatialExtents()[0].bounds.xMinimum() == 374612.5
    assert plugin_package.palsar2_plugin.gui.layer_metadata.has_attribution(hh)
    assert any("gportal.jaxa.jp" in link.url for link in metadata.links())
    assert hh.temporalProperties().isActive()
    # an offscreen render of the grey and mask layers is not blank
    grey = _render([hh], tmp_path / "grey.png")
    assert len(np.unique(grey)) > 20
    masked = _render([layers[names[3]]], tmp_path / "mask.png")
    assert (0x4daf4a in masked) and (0x377eb8 in masked)   # valid green, ocean blue


def test_rgb_style_linear(product, tmp_path, clean_project):
    import processing

    folder, hh, hv, mask = product
    processing.runAndLoadResults("palsar2:loadnrb", {"INPUT": str(folder / f"{STEM}_HV_SLP.tif"), "SCALE": 1,
                                                     "STYLE": 1, "LOAD_ANCILLARY": False,
                                                     "OUTPUT_FOLDER": str(tmp_path / "v")})
    layers = list(QgsProject.instance().mapLayers().values())
    assert len(layers) == 1
    layer = layers[0]
    assert layer.bandCount() == 3
    renderer = layer.renderer()
    assert isinstance(renderer, QgsMultiBandColorRenderer)
    assert (renderer.redBand(), renderer.greenBand(), renderer.blueBand()) == (1, 2, 3)
    assert renderer.redContrastEnhancement().maximumValue() == pytest.approx(1.0)
    assert renderer.greenContrastEnhancement().minimumValue() == pytest.approx(10 ** -3)
    assert _value(layer, 20, 20, 1) == pytest.approx(10 ** (_expected_db(hh[20, 20]) / 10), rel=0.003)
    ratio = 10 ** ((_expected_db(hh[20, 20]) - _expected_db(hv[20, 20])) / 10)
    assert _value(layer, 20, 20, 3) == pytest.approx(ratio, rel=0.003)
    image = _render([layer], tmp_path / "rgb.png")
    assert len(np.unique(image)) > 20


@pytest.mark.parametrize("case", ["empty", "missing_hv", "corrupt", "not_xml"])
def test_bad_inputs_give_clear_errors_and_add_nothing(product, tmp_path, clean_project, case):
    import processing
    from qgis.core import QgsProcessingException

    folder = product[0]
    params = {"INPUT": str(folder), "POLARISATIONS": [0, 1], "OUTPUT_FOLDER": str(tmp_path / "v")}
    expected = {"empty": "No PALSAR-2 NRB product found", "missing_hv": "no HV backscatter file",
                "corrupt": "cannot be read as a GeoTIFF", "not_xml": "is not valid XML"}[case]
    if case == "empty":
        (tmp_path / "empty").mkdir()
        params["INPUT"] = str(tmp_path / "empty")
    elif case == "missing_hv":
        os.remove(folder / f"{STEM}_HV_SLP.tif")
    elif case == "corrupt":
        data = (folder / f"{STEM}_HV_SLP.tif").read_bytes()
        (folder / f"{STEM}_HV_SLP.tif").write_bytes(data[:600])
    else:
        (folder / f"{STEM}_summary.xml").write_text("this is not XML <<<")
    with pytest.raises(QgsProcessingException, match=expected):
        processing.runAndLoadResults("palsar2:loadnrb", params)
    assert QgsProject.instance().count() == 0
    assert not (tmp_path / "v").exists() or not any((tmp_path / "v").glob("*.vrt"))


def test_qgis_process_loadnrb(product, tmp_path, qgis_process_run):
    folder, hh = product[0], product[1]
    result = qgis_process_run("palsar2:loadnrb", {"INPUT": str(folder), "SCALE": 0, "STYLE": 1,
                                                  "LOAD_ANCILLARY": "true", "OUTPUT_FOLDER": str(tmp_path / "qp")})
    outputs = result.results
    assert outputs["PRODUCTS"] == STEM
    assert outputs["BACKSCATTER"].endswith("_RGB_dB.vrt")
    assert len(outputs["LAYERS"]) == 3
    layer = QgsRasterLayer(outputs["BACKSCATTER"], "rgb", "gdal")
    assert _value(layer, 10, 10) == pytest.approx(_expected_db(hh[10, 10]), abs=0.01)
    (tmp_path / "none").mkdir()
    bad = qgis_process_run("palsar2:loadnrb", {"INPUT": str(tmp_path / "none"), "OUTPUT_FOLDER": str(tmp_path / "qp2")})
    assert bad.json is None or "results" not in bad.json or not bad.json.get("results")
    assert "No PALSAR-2 NRB product found" in bad.stdout + bad.stderr


def test_l21_and_own_products_load_with_their_formulas(tmp_path, clean_project, plugin_package):
    import importlib
    import zipfile

    import processing

    root = plugin_package.__name__
    from synthetic import jaxa_nrb as synthetic
    naming = importlib.import_module(f"{root}.palsar2_plugin.nrb.naming")
    rng = np.random.default_rng(9)
    dn = rng.integers(1, 9000, (40, 60)).astype(np.uint16)
    synthetic.write_l21_product(str(tmp_path / "l21"), {"HH": dn})
    archive = tmp_path / "l21.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in (tmp_path / "l21").iterdir():
            zipped.write(file, f"l21/{file.name}")
    result = processing.run("palsar2:loadnrb", {"INPUT": str(archive), "OUTPUT_FOLDER": str(tmp_path / "v21")})
    layer = QgsRasterLayer(result["BACKSCATTER"], "l21", "gdal")
    assert "sigma0" in result["BACKSCATTER"] and layer.isValid()
    assert _value(layer, 7, 9) == pytest.approx(_expected_db(dn[7, 9]), abs=0.01)

    name = naming.product_name("ALOS2471852900-230217", "WBS", "right", "descending")
    power = rng.uniform(0.001, 0.5, (40, 60)).astype(np.float32)
    synthetic.write_cog(str(tmp_path / name / naming.gamma0_file(name, "HV")), power, (300000.0, 4100000.0),
                        epsg=32637)
    processing.runAndLoadResults("palsar2:loadnrb", {"INPUT": str(tmp_path / name), "SCALE": 0,
                                                     "OUTPUT_FOLDER": str(tmp_path / "vown")})
    layers = list(QgsProject.instance().mapLayers().values())
    assert len(layers) == 1 and layers[0].name() == "2023-02-17 HV γ⁰ [dB]"
    assert _value(layers[0], 5, 6) == pytest.approx(10 * np.log10(float(power[5, 6])), abs=0.01)
    assert "NRB" in layers[0].metadata().title()


def test_remote_stac_item_loads_in_place(tmp_path, clean_project, plugin_package):
    """A product on a (loopback) web server, given by its STAC item URL, is loaded without download."""
    import importlib
    import json
    import subprocess
    import sys

    import processing

    from synthetic import jaxa_nrb as synthetic
    rng = np.random.default_rng(12)
    hh = rng.integers(1, 9000, (50, 70)).astype(np.uint16)
    root = tmp_path / "bucket"
    synthetic.write_l22_product(str(root), {"HH": hh}, np.ones(hh.shape, np.uint8), None, str(SUMMARY))
    item = {"type": "Feature", "id": STEM, "assets": {
        "HH_SLP": {"href": f"./{STEM}_HH_SLP.tif"}, "MSK": {"href": f"./{STEM}_MSK.tif"},
        "summary": {"href": f"./{STEM}_summary.xml"}}}
    (root / f"{STEM}.json").write_text(json.dumps(item))
    server = ("import sys\nfrom pathlib import Path\nsys.path.insert(0, sys.argv[1])\n"
              "from servers.http_server import LoopbackHttpServer\n"
              "s = LoopbackHttpServer(lifetime=120).start()\n"
              "[s.put('b/' + f.name, f.read_bytes()) for f in Path(sys.argv[2]).iterdir()]\n"
              "print(s.base_url, flush=True)\nsys.stdin.read()\n")
    process = subprocess.Popen([sys.executable, "-c", server, str(Path(__file__).resolve().parents[1]), str(root)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().strip()
        processing.runAndLoadResults("palsar2:loadnrb", {"INPUT": f"{base}/b/{STEM}.json",
                                                         "OUTPUT_FOLDER": str(tmp_path / "v")})
        layers = {layer.name(): layer for layer in QgsProject.instance().mapLayers().values()}
        layer = layers["2022-06-30 P137 F500 HH γ⁰ [dB]"]
        assert _value(layer, 25, 35) == pytest.approx(_expected_db(hh[25, 35]), abs=0.01)
        assert "2022-06-30 P137 F500 data mask" in layers
        image = _render([layer], tmp_path / "remote.png")
        assert len(np.unique(image)) > 20
    finally:
        process.stdin.close()
        process.wait(timeout=30)
