"""``palsar2:interferogram`` through processing.run on two simulated stripmap products over the real
Hakone DEM (tests/data). The two have independent speckle (true coherence 0), so the
coherence layer must show the estimator's bias for the number of looks (Touzi: about sqrt(pi / 4L))."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import processing
import pytest
import rasterio
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsRasterLayer

from insar_pairs import HAKONE_DEM
from palsar2_plugin.insar.looks import expected_coherence
from palsar2_plugin.simulate.product import simulate_product

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    base = tmp_path_factory.mktemp("ifg")
    return [simulate_product(str(HAKONE_DEM), "FBS", base / name, lines=700, pixels=600, seed=seed)
            for name, seed in (("a", 1), ("b", 2))]


def test_processing_run_independent_speckle(products, tmp_path):
    dem = QgsRasterLayer(str(HAKONE_DEM), "hakone")
    result = processing.run("palsar2:interferogram", {
        "REFERENCE": str(products[0]), "SECONDARY": str(products[1]), "DEM": dem, "DEM_HEIGHT_REFERENCE": 0,
        "POLARISATION": 0, "LOOKS_AZIMUTH": 4, "LOOKS_RANGE": 4, "GOLDSTEIN": 0.0, "UNWRAP": False,
        "PIXEL_SIZE": 30.0, "OUTPUT_FOLDER": str(tmp_path / "out")},
        context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    folder = Path(result["OUTPUT_FOLDER"])
    assert folder.name.endswith("_HH_IFG") and folder.parent == tmp_path / "out"
    with rasterio.open(result["COHERENCE"]) as ds:
        coh = ds.read(1)
    # white speckle: 16 independent looks; no true coherence -> the estimator's mean is Touzi's 0.223
    assert float(np.nanmean(coh)) == pytest.approx(expected_coherence(0.0, 16), abs=0.01)
    with rasterio.open(result["PHASE"]) as ds:
        phase = ds.read(1)
    assert np.nanmin(phase) >= -np.pi and np.nanmax(phase) <= np.pi
    assert abs(float(np.nanmean(phase))) < 0.2                       # uniform random phase
    assert result["DISPLACEMENT"] is None
    meta = json.loads(Path(result["METADATA"]).read_text())
    assert meta["beams_detail"]["1"]["looks_azimuth"] == 4


def test_refuses_missing_polarisation(products, tmp_path):
    dem = QgsRasterLayer(str(HAKONE_DEM), "hakone")
    with pytest.raises(QgsProcessingException, match="Polarisation HV is not in both"):
        processing.run("palsar2:interferogram", {
            "REFERENCE": str(products[0]), "SECONDARY": str(products[1]), "DEM": dem, "POLARISATION": 1,
            "UNWRAP": False, "OUTPUT_FOLDER": str(tmp_path / "out")},
            context=QgsProcessingContext(), feedback=QgsProcessingFeedback())
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
