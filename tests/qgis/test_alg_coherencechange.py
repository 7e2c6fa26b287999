"""``palsar2:coherencechange`` through processing.run (three L1.1 products, and four: a co-event pair
with its own reference) and qgis_process (the two interferogram products it wrote), on simulated
acquisitions over the real Hakone DEM with a known truth.

Three dates 14 days apart of one scene (zero baseline): each pair has the true coherence 0.8, except in a
rectangle of the reference's radar image (200 lines x 160 pixels) where the last acquisition is fresh
speckle (true coherence 0 with the one before): the damaged area. With 4 x 4 looks (16 independent looks)
the coherence estimates' means are Touzi's E(0.8; 16) = 0.803 and E(0; 16) = 0.223, so the loss there
is 0.58 on average and 0 elsewhere.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import rasterio
from qgis.core import (QgsProcessingException, QgsProject, QgsRasterLayer, QgsSingleBandPseudoColorRenderer,
                       QgsSingleSymbolRenderer, QgsVectorLayer)

from insar_pairs import HAKONE_DEM, decorrelated_series, in_region, reference_positions_on_map
from palsar2_plugin.insar.looks import expected_coherence
from palsar2_plugin.simulate.scene import default_centre_time

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

COHERENCE = 0.8
LOOKS = 16
REGION = (slice(150, 350), slice(120, 280))
PIXEL_M = 20.0


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    t0 = default_centre_time(139.0, "descending")
    return decorrelated_series(tmp_path_factory.mktemp("ccd"), [t0, t0 + timedelta(days=14), t0 + timedelta(days=28)],
                               COHERENCE, REGION, lines=500, pixels=400)


@pytest.fixture(scope="module")
def run(series, tmp_path_factory):
    """One run from the three L1.1 products, loading its layers into the project."""
    import processing

    out = tmp_path_factory.mktemp("ccd_out")
    QgsProject.instance().clear()
    result = processing.runAndLoadResults("palsar2:coherencechange", {
        "PRE_REFERENCE": str(series[0]), "PRE_SECONDARY": str(series[1]), "CO_SECONDARY": str(series[2]),
        "DEM": QgsRasterLayer(str(HAKONE_DEM), "hakone"), "LOOKS_AZIMUTH": 4, "LOOKS_RANGE": 4,
        "PIXEL_SIZE": PIXEL_M, "THRESHOLD": 0.3, "MIN_PRE_COHERENCE": 0.4, "MIN_PIXELS": 9,
        "INTERFEROGRAM_FOLDER": str(out / "ifg"), "OUTPUT": str(out / "loss.tif"),
        "OUTPUT_LOSS": str(out / "loss.gpkg")})
    # what the loaded layers look like (the layers themselves go with the project)
    layers = [{"kind": "raster" if isinstance(layer, QgsRasterLayer) else "vector", "renderer": type(layer.renderer()),
               "range": (getattr(layer.renderer(), "classificationMin", lambda: None)(),
                         getattr(layer.renderer(), "classificationMax", lambda: None)()),
               "rights": " ".join(layer.metadata().rights()), "abstract": layer.metadata().abstract()}
              for layer in QgsProject.instance().mapLayers().values()]
    QgsProject.instance().clear()
    return result, layers


def test_loss_matches_the_damaged_area(series, run):
    result, _ = run
    with rasterio.open(result["OUTPUT"]) as ds:
        loss = ds.read(1)
        assert "JAXA" in ds.tags()["JAXA_ATTRIBUTION"]
    line, pixel = reference_positions_on_map(result["OUTPUT"], series[0])
    valid = np.isfinite(loss)
    damaged = in_region(line, pixel, REGION) & valid
    core = in_region(line, pixel, (slice(170, 330), slice(136, 264))) & valid      # away from the edges
    outside = ~in_region(line, pixel, REGION, margin=8) & valid
    truth_area = damaged.sum() * PIXEL_M ** 2
    assert truth_area > 400_000 and outside.sum() > 5000
    # the mean loss is the difference of the estimator's expectations (bias included), 0 elsewhere
    expected = expected_coherence(COHERENCE, LOOKS) - expected_coherence(0.0, LOOKS)
    assert float(np.mean(loss[core])) == pytest.approx(expected, abs=0.02)
    assert abs(float(np.mean(loss[outside]))) < 0.01
    assert 0.03 < float(np.std(loss[outside])) < 0.09          # Δγ of two 16-look estimates at 0.8
    # polygons: one region, its area the damaged area's within 5 %, nothing outside
    polygons = QgsVectorLayer(result["OUTPUT_LOSS"], "loss", "ogr")
    features = list(polygons.getFeatures())
    assert result["POLYGON_COUNT"] == len(features) == 1
    assert features[0]["change"] == "coherence loss"
    assert features[0]["area_m2"] == pytest.approx(truth_area, rel=0.05)
    assert result["LOSS_AREA_M2"] == pytest.approx(features[0]["area_m2"])
    assert features[0]["mean_loss"] == pytest.approx(expected, abs=0.03)
    assert int(np.count_nonzero((loss >= 0.3) & outside)) < 0.002 * outside.sum()
    with rasterio.open(result["PRE_COHERENCE"]) as pre, rasterio.open(result["CO_COHERENCE"]) as co:
        assert (pre.transform, pre.shape) == (co.transform, co.shape)      # one grid
        pre_c = pre.read(1)
    assert float(np.nanmean(pre_c[outside])) == pytest.approx(expected_coherence(COHERENCE, LOOKS), abs=0.01)


def test_layers_are_loaded_styled_with_credit(run):
    result, layers = run
    assert sorted(layer["kind"] for layer in layers) == ["raster", "vector"]
    raster, vector = sorted(layers, key=lambda layer: layer["kind"])
    assert raster["renderer"] is QgsSingleBandPseudoColorRenderer and raster["range"] == (-0.5, 0.7)
    assert vector["renderer"] is QgsSingleSymbolRenderer
    for layer in (raster, vector):
        assert "JAXA" in layer["rights"]
        assert "coherence change" in layer["abstract"]


def test_qgis_process_from_the_interferogram_products(run, tmp_path, qgis_process_run):
    result, _ = run
    pre = Path(result["PRE_COHERENCE"]).parent
    co = Path(result["CO_COHERENCE"]).parent
    process = qgis_process_run("palsar2:coherencechange", {
        "PRE_INTERFEROGRAM": str(next(pre.glob("*_metadata.json"))), "CO_INTERFEROGRAM": str(co),
        "THRESHOLD": 0.3, "MIN_PRE_COHERENCE": 0.4, "MIN_PIXELS": 9, "OUTPUT": str(tmp_path / "qp.tif"),
        "OUTPUT_LOSS": str(tmp_path / "qp.gpkg")})
    outputs = process.results
    assert outputs["POLYGON_COUNT"] == 1
    assert outputs["LOSS_AREA_M2"] == pytest.approx(result["LOSS_AREA_M2"])
    with rasterio.open(outputs["OUTPUT"]) as a, rasterio.open(result["OUTPUT"]) as b:
        np.testing.assert_array_equal(a.read(1), b.read(1))


def test_swapped_pairs_are_refused(run, tmp_path):
    import processing

    result, _ = run
    with pytest.raises(QgsProcessingException, match="swap them"):
        processing.run("palsar2:coherencechange", {
            "PRE_INTERFEROGRAM": result["CO_COHERENCE"], "CO_INTERFEROGRAM": result["PRE_COHERENCE"],
            "OUTPUT": str(tmp_path / "x.tif"), "OUTPUT_LOSS": str(tmp_path / "x.gpkg")})
    assert not list(tmp_path.iterdir())


def test_mixed_inputs_are_refused(series, run, tmp_path):
    import processing

    result, _ = run
    with pytest.raises(QgsProcessingException, match="not both"):
        processing.run("palsar2:coherencechange", {
            "PRE_REFERENCE": str(series[0]), "PRE_INTERFEROGRAM": result["PRE_COHERENCE"],
            "OUTPUT": str(tmp_path / "x.tif")})


def test_four_products_the_co_event_pair_from_its_own_reference(series, tmp_path):
    """CO_REFERENCE given (four inputs): the co-event pair is date 0 -> date 2, whose true coherence is
    0.8 x 0.8 = 0.64 outside the damaged area (each date is 0.8-coherent with the one before) and 0 inside;
    had the pre-event secondary been used instead, the loss outside would be 0."""
    import processing

    result = processing.run("palsar2:coherencechange", {
        "PRE_REFERENCE": str(series[0]), "PRE_SECONDARY": str(series[1]), "CO_REFERENCE": str(series[0]),
        "CO_SECONDARY": str(series[2]), "DEM": QgsRasterLayer(str(HAKONE_DEM), "hakone"), "LOOKS_AZIMUTH": 4,
        "LOOKS_RANGE": 4, "PIXEL_SIZE": PIXEL_M, "THRESHOLD": 0.3, "MIN_PRE_COHERENCE": 0.4, "MIN_PIXELS": 9,
        "INTERFEROGRAM_FOLDER": str(tmp_path / "ifg"), "OUTPUT": str(tmp_path / "loss.tif"),
        "OUTPUT_LOSS": str(tmp_path / "loss.gpkg")})
    assert sorted(p.name.split("_", 1)[1] for p in (tmp_path / "ifg").iterdir()) == [
        f"{d}_HH_IFG" for d in sorted(Path(p).name.split("-")[1] for p in series[1:])]     # dates 1 and 2
    with rasterio.open(result["OUTPUT"]) as ds:
        loss = ds.read(1)
    line, pixel = reference_positions_on_map(result["OUTPUT"], series[0])
    valid = np.isfinite(loss)
    core = in_region(line, pixel, (slice(170, 330), slice(136, 264))) & valid
    outside = ~in_region(line, pixel, REGION, margin=8) & valid
    pre = expected_coherence(COHERENCE, LOOKS)
    # measured 0.154 against 0.153, and 0.576 against 0.580
    assert float(np.mean(loss[outside])) == pytest.approx(pre - expected_coherence(COHERENCE ** 2, LOOKS), abs=0.02)
    assert float(np.mean(loss[core])) == pytest.approx(pre - expected_coherence(0.0, LOOKS), abs=0.02)
    assert result["POLYGON_COUNT"] >= 1
