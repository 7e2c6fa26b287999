"""``palsar2:readceos`` through processing.run and through qgis_process, on products written by our writer."""

from __future__ import annotations

import json
import math
import shutil
import zipfile
from pathlib import Path

import processing
import pytest
import rasterio
from qgis.core import QgsProcessingException, QgsRasterLayer, QgsVectorLayer

from palsar2_plugin import attribution
from synthetic.ceos_products import example_description, random_blocks
from palsar2_plugin.ceos.writer import write_product

POWER = 10 ** 11.5  # <I^2+Q^2> that gives sigma0 = 0 dB with CF = -83


def _product(folder: Path, mode: str, **kw):
    desc = example_description(mode, **kw)
    sizes = {b.beam: (b.lines, b.pixels) for b in desc.beams}
    write_product(folder, desc, lambda b, p: random_blocks(*sizes[b], seed=b, power=POWER))
    return desc


@pytest.fixture(scope="module")
def wbd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readceos") / "product"
    return folder, _product(folder, "WBD", lines=48, pixels=24)


def test_processing_run_scansar(wbd, tmp_path):
    folder, desc = wbd
    out = tmp_path / "out"
    result = processing.run("palsar2:readceos", {
        "INPUT": str(folder / f"LED-{desc.scene_id}-{desc.product_id}"), "BEAMS": [1, 3], "POLARISATIONS": [1],
        "LOOKS_AZIMUTH": 4, "LOOKS_RANGE": 2, "CALIBRATION": 0, "OUTPUT_FOLDER": str(out)})
    rasters = result["RASTERS"]
    assert [Path(r).name for r in rasters] == [f"{desc.scene_id}-{desc.product_id}-F{b}-HV-sigma0.tif"
                                               for b in (2, 4)]
    with rasterio.open(rasters[0]) as ds:
        assert ds.shape == (desc.beams[1].lines // 4, desc.beams[1].pixels // 2)
        assert abs(10 * math.log10(ds.read(1).mean())) < 0.5   # sigma0 of the simulated speckle: 0 dB
        assert len(ds.gcps[0]) >= 4 and ds.tags()["TIFFTAG_COPYRIGHT"] == attribution.geotiff_tags()[
            "TIFFTAG_COPYRIGHT"]
    layer = QgsRasterLayer(rasters[0], "beam2")                # QGIS places it through the GCPs
    assert layer.isValid() and layer.crs().authid() == "EPSG:4326"
    ext = layer.extent()
    assert 36.9 < ext.xMinimum() < ext.xMaximum() < 37.1 and 37.1 < ext.yMinimum() < ext.yMaximum() < 37.3
    md = json.loads(Path(result["METADATA"]).read_text())
    for key in ("scene_id", "product_id", "mode", "level", "look_side", "pass_direction", "polarisations",
                "wavelength_m", "calibration_factor_db", "scene_centre_time_utc", "corners",
                "orbit_state_vectors", "beams"):
        assert key in md
    assert md["scene_centre_time_utc"].endswith("Z") and "." in md["scene_centre_time_utc"]
    assert md["beams"][2]["beam"] == 3 and md["beams"][2]["lines"] == desc.beams[2].lines
    footprints = QgsVectorLayer(result["FOOTPRINTS"], "fp", "ogr")
    assert footprints.isValid() and footprints.featureCount() == 2
    assert sorted(f["beam"] for f in footprints.getFeatures()) == [2, 4]
    extent = footprints.extent()
    assert 36.9 < extent.xMinimum() < extent.xMaximum() < 37.1


def test_processing_run_automatic_looks_gamma0_from_zip(wbd, tmp_path):
    folder, desc = wbd
    archive = tmp_path / "product.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in folder.iterdir():
            zf.write(f, f"product/{f.name}")
    result = processing.run("palsar2:readceos", {"INPUT": str(archive), "BEAMS": [4], "CALIBRATION": 2,
                                                 "OUTPUT_FOLDER": str(tmp_path / "o")})
    assert len(result["RASTERS"]) == 2                          # beam 5, HH and HV
    md = json.loads(Path(result["METADATA"]).read_text())
    beam5 = [b for b in md["beams"] if b["beam"] == 5][0]
    assert beam5["looks_range"] == 2 and 8 <= beam5["looks_azimuth"] <= 14
    with rasterio.open(result["RASTERS"][0]) as ds:
        mean = float(ds.read(1).mean())
    assert 10 * math.log10(mean) == pytest.approx(-10 * math.log10(math.cos(math.radians(35))), abs=0.5)


def test_layers_load_on_completion_with_attribution(wbd, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject
    folder, desc = wbd
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    processing.run("palsar2:readceos", {"INPUT": str(folder), "BEAMS": [2], "POLARISATIONS": [0],
                                        "LOOKS_AZIMUTH": 4, "LOOKS_RANGE": 2, "OUTPUT_FOLDER": str(tmp_path / "o")},
                   context=context, feedback=QgsProcessingFeedback())
    loading = context.layersToLoadOnCompletion()
    assert sorted(Path(p).suffix for p in loading) == [".geojson", ".tif"]
    assert all(context.layerToLoadOnCompletionDetails(p).postProcessor() is not None for p in loading)


def test_processing_run_from_folder(wbd, tmp_path):
    folder, desc = wbd
    result = processing.run("palsar2:readceos", {"INPUT": str(folder), "BEAMS": [0], "POLARISATIONS": [0],
                                                 "LOOKS_AZIMUTH": 8, "LOOKS_RANGE": 3,
                                                 "OUTPUT_FOLDER": str(tmp_path / "o")})
    assert [Path(r).name for r in result["RASTERS"]] == [f"{desc.scene_id}-{desc.product_id}-F1-HH-sigma0.tif"]


def test_bad_input_gives_processing_exception(wbd, tmp_path):
    folder, desc = wbd
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / f"LED-{desc.scene_id}-{desc.product_id}").unlink()
    with pytest.raises(QgsProcessingException, match="leader file LED-.* is missing"):
        processing.run("palsar2:readceos", {"INPUT": str(broken / f"IMG-HH-{desc.scene_id}-{desc.product_id}-F1"),
                                            "OUTPUT_FOLDER": str(tmp_path / "o")})
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_qgis_process_stripmap(qgis_process_run, tmp_path):
    folder = tmp_path / "fbd"
    desc = _product(folder, "FBD", lines=40, pixels=20)
    out = tmp_path / "out"
    res = qgis_process_run("palsar2:readceos", {"INPUT": str(folder / "summary.txt"), "POLARISATIONS": [0],
                                                "LOOKS_AZIMUTH": 5, "LOOKS_RANGE": 2, "CALIBRATION": 1,
                                                "OUTPUT_FOLDER": str(out)})
    results = res.results
    assert len(results["RASTERS"]) == 1
    raster = Path(results["RASTERS"][0])
    assert raster.name == f"{desc.scene_id}-{desc.product_id}-HH-beta0.tif" and raster.exists()
    with rasterio.open(raster) as ds:
        assert ds.shape == (8, 10) and ds.tags()["QUANTITY"] == "beta0"
        assert ds.tags()["JAXA_ATTRIBUTION"] == attribution.geotiff_tags()["JAXA_ATTRIBUTION"]
    md = json.loads(Path(results["METADATA"]).read_text())
    assert md["mode"] == "FBD" and md["beams"][0]["looks_azimuth"] == 5
    bad = qgis_process_run("palsar2:readceos", {"INPUT": str(tmp_path / "nothing"), "OUTPUT_FOLDER": str(out)})
    assert bad.returncode != 0
