"""``palsar2:interferogram`` through processing.run, and a model chain (interferogram -> loadinterferogram)
run in process (layers loaded, styled, grouped) and through qgis_process, on two simulated stripmap products
over the real Hakone DEM (tests/data). The two have independent speckle (true coherence 0), so the coherence
layer must show the estimator's bias for the number of looks (Touzi: about sqrt(pi / 4L)).

Then ``qgis_process run palsar2:interferogram`` with unwrapping on a simulated repeat pass with a known
uplift (the simulator's truth raster): every result a real file, coherence, phase and displacement right."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import processing
import pytest
import rasterio
from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildDependency,
    QgsProcessingModelChildParameterSource as Source,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterLayer,
    QgsRasterLayer,
)

from insar_pairs import HAKONE_DEM, layers_with_truth, planned_point
from model_results import child_output
from palsar2_plugin.insar.looks import expected_coherence
from palsar2_plugin.simulate.product import simulate_product

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    base = tmp_path_factory.mktemp("ifg")
    return [simulate_product(str(HAKONE_DEM), "FBS", base / name, lines=700, pixels=600, seed=seed)
            for name, seed in (("a", 1), ("b", 2))]


@pytest.fixture(scope="module")
def out_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("ifg_out")


@pytest.fixture(scope="module")
def result(products, out_folder):
    return processing.run("palsar2:interferogram", {
        "REFERENCE": str(products[0]), "SECONDARY": str(products[1]), "DEM": QgsRasterLayer(str(HAKONE_DEM), "h"),
        "DEM_HEIGHT_REFERENCE": 0, "POLARISATION": 0, "LOOKS_AZIMUTH": 4, "LOOKS_RANGE": 4, "GOLDSTEIN": 0.0,
        "UNWRAP": False, "PIXEL_SIZE": 30.0, "OUTPUT_FOLDER": str(out_folder)},
        context=QgsProcessingContext(), feedback=QgsProcessingFeedback())


def test_processing_run_independent_speckle(result, out_folder):
    folder = Path(result["OUTPUT_FOLDER"])
    assert folder.name.endswith("_HH_IFG") and folder.parent == out_folder
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


def interferogram_model() -> QgsProcessingModelAlgorithm:
    """A two-step model: reference + secondary + DEM -> palsar2:interferogram -> palsar2:loadinterferogram."""
    model = QgsProcessingModelAlgorithm("interferogram and load", "palsar2 tests")
    for param in (QgsProcessingParameterFile("reference", "Reference", behavior=QgsProcessingParameterFile.File),
                  QgsProcessingParameterFile("secondary", "Secondary", behavior=QgsProcessingParameterFile.File),
                  QgsProcessingParameterRasterLayer("dem", "DEM")):
        model.addModelParameter(param, QgsProcessingModelParameter(param.name()))
    ifg = QgsProcessingModelChildAlgorithm("palsar2:interferogram")
    ifg.setChildId("ifg")
    for name, source in (("REFERENCE", "reference"), ("SECONDARY", "secondary"), ("DEM", "dem")):
        ifg.addParameterSources(name, [Source.fromModelParameter(source)])
    for name, value in (("LOOKS_AZIMUTH", 4), ("LOOKS_RANGE", 4), ("GOLDSTEIN", 0.0), ("UNWRAP", False),
                        ("PIXEL_SIZE", 30.0)):
        ifg.addParameterSources(name, [Source.fromStaticValue(value)])
    folder = QgsProcessingModelOutput("ifg_folder", "Interferogram folder")
    folder.setChildId("ifg")
    folder.setChildOutputName("OUTPUT_FOLDER")
    ifg.setModelOutputs({"ifg_folder": folder})
    model.addChildAlgorithm(ifg)
    load = QgsProcessingModelChildAlgorithm("palsar2:loadinterferogram")
    load.setChildId("load")
    load.addParameterSources("INPUT", [Source.fromChildOutput("ifg", "METADATA")])
    load.addParameterSources("LOAD_ANCILLARY", [Source.fromStaticValue(True)])
    outputs = {}
    for name, child_output in (("coherence", "COHERENCE"), ("layers", "LAYERS")):
        out = QgsProcessingModelOutput(name, name)
        out.setChildId("load")
        out.setChildOutputName(child_output)
        outputs[name] = out
    load.setModelOutputs(outputs)
    load.setDependencies([QgsProcessingModelChildDependency("ifg")])
    model.addChildAlgorithm(load)
    return model


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "interferogram_and_load.model3"
    assert interferogram_model().toFile(str(path))
    return path


def check_model_result(result, products):
    coherence = child_output(result, "load", "coherence", "COHERENCE")
    layers = child_output(result, "load", "layers", "LAYERS")
    with rasterio.open(coherence) as ds:
        assert float(np.nanmean(ds.read(1))) == pytest.approx(expected_coherence(0.0, 16), abs=0.01)
    names = sorted(Path(p).name.rsplit("_", 1)[1] for p in layers)
    assert names == ["BSC.tif", "COH.tif", "INC.tif", "LIA.tif", "LOOK.tif", "MSK.tif", "PHASE.tif"]
    assert all(Path(p).parent == Path(coherence).parent for p in layers)


def test_loadinterferogram_loads_styled_layers_in_the_pair_group(result):
    from qgis.core import QgsProject, QgsSingleBandGrayRenderer, QgsSingleBandPseudoColorRenderer

    project = QgsProject.instance()
    project.clear()
    try:
        loaded = processing.runAndLoadResults("palsar2:loadinterferogram", {"INPUT": result["COHERENCE"]})
        name = Path(result["OUTPUT_FOLDER"]).name
        group = project.layerTreeRoot().findGroup(name)
        assert group is not None
        nodes = group.findLayers()
        assert [n.layer().name() for n in nodes] == [f"{name} phase (rad)", f"{name} coherence"]
        assert all(n.isVisible() for n in nodes)
        phase, coherence = (n.layer() for n in nodes)
        assert isinstance(phase.renderer(), QgsSingleBandPseudoColorRenderer)
        assert phase.renderer().classificationMax() == pytest.approx(np.pi)
        assert isinstance(coherence.renderer(), QgsSingleBandGrayRenderer)
        assert "JAXA" in " ".join(coherence.metadata().rights())
        assert "positive towards the satellite" in coherence.metadata().abstract()
        assert loaded["PRODUCT"] == name and loaded["DISPLACEMENT"] is None
        assert loaded["LAYERS"] == [result["PHASE"], result["COHERENCE"]]
    finally:
        project.clear()


def test_loadinterferogram_refuses_other_files(tmp_path):
    (tmp_path / "x.tif").write_bytes(b"not a product")
    with pytest.raises(QgsProcessingException, match="is not an interferogram product"):
        processing.run("palsar2:loadinterferogram", {"INPUT": str(tmp_path / "x.tif")})


def test_model_interferogram_then_load_through_qgis_process(model_path, products, tmp_path, qgis_process_run):
    run = qgis_process_run(str(model_path), {"reference": str(products[0]), "secondary": str(products[1]),
                                             "dem": str(HAKONE_DEM), "ifg:ifg_folder": str(tmp_path / "ifg")})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    check_model_result(run.results, products)


# ------------------------------------------------------------------------------ qgis_process, unwrapped
UPLIFT_PEAK_M = 0.08


@pytest.fixture(scope="module")
def uplift_pair(tmp_path_factory):
    """A repeat pass 14 days later, 100 m of perpendicular baseline, temporal coherence 0.9 and an 8 cm
    Gaussian uplift (500 m standard deviation) at the scene centre; the simulator's truth raster beside it."""
    from palsar2_plugin.simulate.deformation import Uplift
    from palsar2_plugin.simulate.repeat import simulate_repeat

    base = tmp_path_factory.mktemp("uplift")
    lines, pixels = 700, 600
    u_lat, u_lon = planned_point("FBS", lines, pixels, lines / 2, pixels / 2, 400.0)
    reference = simulate_product(str(HAKONE_DEM), "FBS", base / "ref", lines=lines, pixels=pixels, seed=5,
                                 speckle="band-limited")
    secondary = simulate_repeat(reference, base / "sec", days=14, perpendicular_baseline_m=100.0, coherence=0.9,
                                uplifts=[Uplift(u_lat, u_lon, 0.5, UPLIFT_PEAK_M)])
    return reference, secondary


def test_qgis_process_interferogram_unwrapped(uplift_pair, tmp_path, qgis_process_run):
    """``qgis_process run palsar2:interferogram`` (one QGIS start-up): every result is a real file with
    values an analyst can trust, the displacement is the simulator's uplift."""
    from palsar2_plugin.insar.unwrap import snaphu_available

    reference, secondary = uplift_pair
    unwrap = snaphu_available()
    extra_env = {}
    if unwrap:      # snaphu as a user installs it into QGIS's Python: only that package on the path
        import snaphu

        packages = tmp_path / "site"
        packages.mkdir()
        (packages / "snaphu").symlink_to(Path(snaphu.__file__).parent, target_is_directory=True)
        extra_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(packages), os.environ.get("PYTHONPATH")]))
    run = qgis_process_run("palsar2:interferogram", {
        "REFERENCE": str(reference), "SECONDARY": str(secondary), "DEM": str(HAKONE_DEM),
        "DEM_HEIGHT_REFERENCE": 0, "POLARISATION": 0, "LOOKS_AZIMUTH": 4, "LOOKS_RANGE": 4, "GOLDSTEIN": 0.0,
        "UNWRAP": unwrap, "PIXEL_SIZE": 30.0, "OUTPUT_FOLDER": str(tmp_path / "out")}, extra_env=extra_env)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    results = run.results
    folder = Path(results["OUTPUT_FOLDER"])
    assert folder.is_dir() and folder.parent == tmp_path / "out" and folder.name.endswith("_HH_IFG")
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]    # no partial or work folder
    for key in ("PHASE", "COHERENCE", "METADATA") + (("DISPLACEMENT",) if unwrap else ()):
        assert Path(results[key]).is_file() and Path(results[key]).parent == folder, key
    meta = json.loads(Path(results["METADATA"]).read_text())
    assert meta["temporal_baseline_days"] == pytest.approx(14.0, abs=1e-6)
    assert meta["perpendicular_baseline_m"] == pytest.approx(100.0, abs=2.0)
    assert meta["attribution"]["credit"] == "Data provided by JAXA"
    coherence, phase, truth = layers_with_truth(results["COHERENCE"], results["PHASE"],
                                                next(Path(secondary).parent.glob("*.truth.tif")))
    valid = np.isfinite(coherence) & np.isfinite(truth["los_displacement_m"])
    assert valid.sum() > 1000
    assert np.nanmin(phase) >= -np.pi and np.nanmax(phase) <= np.pi
    # true coherence 0.9; 16 looks of band-limited speckle (8-16 independent: the estimator's bias is < 0.01)
    assert float(np.mean(truth["coherence"][valid])) == pytest.approx(0.9, abs=0.01)
    assert float(np.mean(coherence[valid])) == pytest.approx(0.9, abs=0.03)         # measured 0.900
    # the wrapped phase is the uplift's (-4 pi d / lambda), nothing of the 100 m baseline's topography left
    deformation_phase = -4 * np.pi * truth["los_displacement_m"] / meta["wavelength_m"]
    residual = np.angle(np.exp(1j * (phase - deformation_phase)))[valid]
    assert abs(float(np.angle(np.mean(np.exp(1j * residual))))) < 0.02          # rad (measured -0.0005)
    if not unwrap:
        assert results["DISPLACEMENT"] in (None, "")
        return
    with rasterio.open(results["DISPLACEMENT"]) as ds:
        displacement = ds.read(1)
        assert ds.tags()["JAXA_ATTRIBUTION"].startswith("Data provided by JAXA")
    ok = valid & np.isfinite(displacement)
    error = (displacement - truth["los_displacement_m"])[ok]
    error -= np.median(error)                        # unwrapped displacement is relative: one constant
    assert float(np.nanmax(truth["los_displacement_m"][ok])) > 0.06            # 8 cm up, ~6.5 cm along the LOS
    assert float(np.sqrt(np.mean(error ** 2))) < 0.005                         # m rms (measured 0.0015)
    assert float(np.percentile(np.abs(error), 99)) < 0.015                     # no fringe lost (measured 0.004)


def test_model_interferogram_then_load_in_process_loads_styled_layers(products, tmp_path):
    """The same model through processing.runAndLoadResults: the load step's layers end up in the project,
    styled, in the pair's group, with JAXA's credit."""
    from qgis.core import QgsProject, QgsSingleBandGrayRenderer, QgsSingleBandPseudoColorRenderer

    project = QgsProject.instance()
    project.clear()
    try:
        result = processing.runAndLoadResults(interferogram_model(), {
            "reference": str(products[0]), "secondary": str(products[1]), "dem": str(HAKONE_DEM),
            "ifg:ifg_folder": str(tmp_path / "ifg")})
        check_model_result(result, products)
        name = Path(child_output(result, "load", "coherence", "COHERENCE")).parent.name
        group = project.layerTreeRoot().findGroup(name)
        assert group is not None, [n.name() for n in project.layerTreeRoot().children()]
        layers = {n.layer().name()[len(name) + 1:]: n for n in group.findLayers()}
        assert sorted(layers) == ["coherence", "data mask", "incidence angle (°)", "local incidence angle (°)",
                                  "look angle (°)", "mean backscatter γ⁰", "phase (rad)"]
        assert len(project.mapLayers()) == len(layers)                   # each layer once
        assert sorted(key for key, node in layers.items() if node.isVisible()) == ["coherence", "phase (rad)"]
        phase, coherence = layers["phase (rad)"].layer(), layers["coherence"].layer()
        assert isinstance(phase.renderer(), QgsSingleBandPseudoColorRenderer)
        assert phase.renderer().classificationMax() == pytest.approx(np.pi)
        assert isinstance(coherence.renderer(), QgsSingleBandGrayRenderer)
        for layer in (phase, coherence):
            assert "JAXA" in " ".join(layer.metadata().rights())
            assert "positive towards the satellite" in layer.metadata().abstract()
    finally:
        project.clear()
