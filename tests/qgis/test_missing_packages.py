"""QGIS without one of the plugin's packages (each required one in turn, and all optional ones together).

Each case starts a real QGIS in a subprocess (missing_packages_session.py) with an import blocker on
PYTHONPATH (tests/import_blocker), loads the plugin as QGIS does and runs every algorithm on real
inputs made here: what does not need the package works, what needs it stops with the dependency
message (never a traceback), the message bar names the package and the tools it stops, and the
"Python packages" dialog shows it missing with the commands for each platform. One case also runs
qgis_process with rasterio blocked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import QGIS_PROCESS, ROOT
from sample_data import HAKONE_DEM, L22
from servers.bucket_samples import fill_bucket
from servers.http_server import LoopbackHttpServer

SESSION = Path(__file__).with_name("missing_packages_session.py")
BLOCKER = ROOT / "tests" / "import_blocker"
ALL = ("events", "search", "download", "readceos", "loadnrb", "change", "terrain", "batch", "model")
#: what each blocked package stops (the rest must work)
STOPS = {
    "numpy": {"readceos", "change", "terrain", "batch", "model", "insar", "cohchange", "loadifg"},
    "rasterio": {"change", "terrain", "batch", "model", "insar", "cohchange"},
    "pyproj": {"change", "terrain", "batch", "model", "insar", "cohchange"},
    "requests": {"search", "download"},
    "numba,paramiko,distributed,dask,snaphu": {"download_sftp", "batch_dask", "insar_unwrap"},
}
#: the packages each case's messages name (without numpy rasterio fails too, but numpy is what to install)
NAMED = {"numpy": "numpy", "rasterio": "rasterio", "pyproj": "pyproj", "requests": "requests"}
#: what the algorithms declare (REQUIRES): an algorithm's message names those of its packages that are missing
REQUIRES = {"search": ("requests",), "download": ("requests",), "readceos": ("numpy",),
            "change": ("numpy", "rasterio", "pyproj"), "terrain": ("numpy", "rasterio", "pyproj"),
            "batch": ("numpy", "rasterio", "pyproj"), "insar": ("numpy", "rasterio", "pyproj"),
            "cohchange": ("numpy", "rasterio", "pyproj"), "loadifg": ("numpy",)}
DISPLAY = {"search": "Search PALSAR-2 scenes", "download": "Download PALSAR-2 scenes",
           "readceos": "Read CEOS product", "loadnrb": "Load NRB product", "change": "Change detection",
           "terrain": "Terrain correction (gamma0 NRB)", "batch": "Batch terrain correction",
           "insar": "Interferogram, coherence and displacement (InSAR)",
           "cohchange": "Coherence change (damage proxy)", "loadifg": "Load interferogram product as layers"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, plugin_package):
    """A loopback bucket, its footprints, a simulated L1.1 product, two L2.2 products and a data folder
    with an event scene's and its archive scene's L2.2 products (for the panel's Load)."""
    import importlib

    import processing

    from palsar2_plugin.simulate.product import simulate_product
    from synthetic import jaxa_nrb

    base = tmp_path_factory.mktemp("missing")
    with LoopbackHttpServer(lifetime=1800) as server:
        fill_bucket(server)
        scenes = str(base / "scenes.gpkg")
        processing.run("palsar2:searchscenes", {
            "EXTENT": "95,120,0,20 [EPSG:4326]", "START_DATE": "2022-06-01", "END_DATE": "2022-06-30",
            "SOURCE": 0, "SERVICE_URL": server.base_url, "INDEX_PATH": str(base / "index.gpkg"), "OUTPUT": scenes})
        product = simulate_product(str(HAKONE_DEM), "WBS", base / "l11", lines=300, pixels=40,
                                   gamma0_db={"HH": -8.0}, seed=2)
        rng = np.random.default_rng(3)
        for name, stem in (("pre", "ALOS2437590500-220630_WWDR2.2GUA"), ("post", "ALOS2449990500-220922_WWDR2.2GUA")):
            dn = rng.integers(500, 9000, (60, 80)).astype(np.uint16)
            jaxa_nrb.write_l22_product(str(base / name), {"HH": dn}, np.ones(dn.shape, np.uint8), None,
                                       str(L22 / "ALOS2437590500-220630_WWDR2.2GUA_summary.xml"), stem=stem)
        events = importlib.import_module(f"{plugin_package.__name__}.palsar2_plugin.events")
        event, scene = next((e, s) for e, s in events.scenes_for("taiwan2024") if s.frame and s.archive)
        dn = rng.integers(500, 9000, (60, 80)).astype(np.uint16)
        for name, date in (("archive", scene.archive[0].date), ("event", scene.obs_date)):
            jaxa_nrb.write_l22_product(str(base / "data" / name), {"HH": dn}, np.ones(dn.shape, np.uint8), None,
                                       stem=f"ALOS250000{scene.frame:04d}-{date:%y%m%d}_WWDR2.2GUD",
                                       origin=(250000.0, 2600000.0))
        panel = {"folder": str(base / "data"), "dem": str(HAKONE_DEM), "scene": scene.scene_id,
                 "layers": [f"{scene.obs_date.isoformat()} HH", f"{scene.archive[0].date.isoformat()} HH"]}
        yield {"base": base, "server": server.base_url, "scenes": scenes, "product": str(product), "panel": panel}


def run_session(blocked: str, inputs, tmp_path) -> dict:
    out = tmp_path / "runs"
    out.mkdir()
    runs = {
        "events": ["palsar2:eventscenes", {"EVENT": 1, "OUTPUT": str(out / "events.gpkg")}],
        "search": ["palsar2:searchscenes", {
            "EXTENT": "95,120,0,20 [EPSG:4326]", "START_DATE": "2022-06-01", "END_DATE": "2022-06-30", "SOURCE": 0,
            "SERVICE_URL": inputs["server"], "INDEX_PATH": str(out / "index.gpkg"), "OUTPUT": str(out / "s.gpkg")}],
        "download": ["palsar2:downloadscenes", {"SCENES": inputs["scenes"], "TRANSPORT": 1,
                                                "DESTINATION": str(out / "downloads")}],
        "readceos": ["palsar2:readceos", {"INPUT": inputs["product"], "LOOKS_AZIMUTH": 8, "LOOKS_RANGE": 2,
                                          "OUTPUT_FOLDER": str(out / "readceos")}],
        "loadnrb": ["palsar2:loadnrb", {"INPUT": str(inputs["base"] / "pre"), "OUTPUT_FOLDER": str(out / "vrt")}],
        "change": ["palsar2:changedetection", {"BEFORE": str(inputs["base"] / "pre"),
                                               "AFTER": str(inputs["base"] / "post"), "SPECKLE_FILTER": 0,
                                               "OUTPUT": str(out / "ratio.tif"),
                                               "OUTPUT_CHANGES": str(out / "changes.gpkg")}],
        "terrain": ["palsar2:terraincorrection", {"INPUT": inputs["product"], "DEM": str(HAKONE_DEM),
                                                  "DEM_HEIGHT_REFERENCE": 0, "PIXEL_SIZE": 100.0,
                                                  "OUTPUT_FOLDER": str(out / "nrb")}],
        "batch": ["palsar2:batchterraincorrection", {"INPUTS": inputs["product"], "DEM": str(HAKONE_DEM),
                                                     "EXECUTION": 0, "PIXEL_SIZE": 100.0,
                                                     "OUTPUT_FOLDER": str(out / "batch")}],
        "model": ["palsar2:l11tonrblayers", {"product": inputs["product"], "dem": str(HAKONE_DEM),
                                             "dem_height_reference": 0, "pixel_size": 100.0,
                                             "correct:nrb_folder": str(out / "model_nrb"),
                                             "load:layer_folder": str(out / "model_layers")}],
    }
    insar = {"REFERENCE": inputs["product"], "SECONDARY": inputs["product"], "DEM": str(HAKONE_DEM),
             "OUTPUT_FOLDER": str(out / "insar")}
    if blocked in ("numpy", "rasterio", "pyproj"):     # it stops before reading anything
        runs["insar"] = ["palsar2:interferogram", insar]
        runs["cohchange"] = ["palsar2:coherencechange", {"PRE_INTERFEROGRAM": str(out), "CO_INTERFEROGRAM": str(out),
                                                         "OUTPUT": str(out / "loss.tif")}]
    if blocked == "numpy":
        runs["loadifg"] = ["palsar2:loadinterferogram", {"INPUT": str(out)}]
    if "paramiko" in blocked:
        runs["insar_unwrap"] = ["palsar2:interferogram", dict(insar, UNWRAP=True)]
        runs["download_sftp"] = ["palsar2:downloadscenes", {"SCENES": inputs["scenes"], "TRANSPORT": 2,
                                                            "DESTINATION": str(out / "sftp")}]
        runs["batch_dask"] = ["palsar2:batchterraincorrection", {"INPUTS": inputs["product"],
                                                                 "DEM": str(HAKONE_DEM), "EXECUTION": 1,
                                                                 "OUTPUT_FOLDER": str(out / "dask")}]
    spec = tmp_path / "spec.json"
    profile = tmp_path / "profile"
    profile.mkdir()
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    panel = inputs["panel"] if blocked in ("numpy", "rasterio", "pyproj") else None   # nothing would start
    spec.write_text(json.dumps({"profile": str(profile), "runs": runs, "panel": panel}))
    result = tmp_path / "result.json"
    env = dict(os.environ, PALSAR2_TEST_BLOCK=blocked, PYTHONPATH=os.pathsep.join([str(BLOCKER), str(ROOT)]),
               QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime))
    done = subprocess.run([sys.executable, str(SESSION), str(spec), str(result)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0 and result.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(result.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("blocked", list(STOPS))
def test_qgis_without_a_package(blocked, inputs, tmp_path):
    from qgis.core import QgsApplication

    session = run_session(blocked, inputs, tmp_path)
    runs = session["runs"]
    # the provider loads with every algorithm and the shipped model, as in this QGIS that has every package
    everything = sorted(a.name() for a in QgsApplication.processingRegistry().providerById("palsar2").algorithms())
    assert len(everything) >= 12 and session["algorithms"] == everything
    assert "Python packages…" in session["menu"]
    assert session["options_page"]                      # Settings > Options > PALSAR-2 opens too
    stops = STOPS[blocked]
    for name, record in runs.items():
        assert "TRACEBACK" not in record["error"] and "Traceback" not in "\n".join(record["log"]), (name, record)
        if name in stops:
            assert not record["ok"], (name, record)
        else:
            assert record["ok"], (name, record["error"], record["log"][-5:])
    optional = "," in blocked
    if optional:
        # nothing required is missing: no message bar; the optional packages are named where they matter
        assert session["bar"] == []
        assert "paramiko" in runs["download_sftp"]["error"] and "SFTP" in runs["download_sftp"]["error"]
        assert "distributed" in runs["batch_dask"]["error"] and "Dask" in runs["batch_dask"]["error"]
        assert runs["insar_unwrap"]["error"].startswith(
            "QGIS's Python lacks snaphu, so these tools cannot run: Interferogram, coherence and displacement (InSAR) "
            "(unwrapping).")
        assert any("numba is not installed" in line for line in runs["terrain"]["log"])
        assert any("numba is not installed" in line for line in runs["readceos"]["log"])
        statuses = {row[0].split()[0]: row[1] for row in session["dialog"]["rows"]}
        assert [m for m, s in statuses.items() if s != "installed"] == ["numba", "paramiko", "distributed", "snaphu"]
        assert session["dialog"]["selected"] == []            # optional packages are not ticked by default
        return
    # one message bar naming what is missing and the tools it stops, with an Install button
    (bar,) = session["bar"]
    assert bar["text"].startswith(f"QGIS's Python lacks {NAMED[blocked]}, so these tools cannot run: ")
    assert bar["buttons"] == ["Install…"]
    for name in stops:
        if name in DISPLAY:
            assert DISPLAY[name] in bar["text"], name
            # the algorithm stops with the same message, for itself, and says how to install
            error = runs[name]["error"]
            named = ", ".join(m for m in REQUIRES[name] if m in NAMED[blocked].split(", "))
            assert error.startswith(f"QGIS's Python lacks {named}, so these tools cannot run: {DISPLAY[name]}"), error
            assert "Python packages…" in error and "restart QGIS" in error
    for name in set(ALL) - stops:
        assert DISPLAY.get(name, "~") not in bar["text"].split(": ", 1)[1], name
    if blocked == "requests":  # the panel's Search says the same
        assert session["panel_search"] and session["panel_search"][0]["text"] == bar["text"]
    else:   # the panel's Load loads both scenes, then says why it cannot compare them; Interferogram too
        load, interferogram = session["panel_load"], session["panel_interferogram"]
        for layer in inputs["panel"]["layers"]:
            assert any(name.startswith(layer) for name in load["layers"]), (layer, load["layers"])
        for record in (load, interferogram):
            assert [item["text"] for item in record["bar"]] == [bar["text"]]
            assert record["bar"][0]["buttons"] == ["Install…"] and record["tasks"] == 0
    dialog = session["dialog"]
    statuses = {row[0].split()[0]: row[1] for row in dialog["rows"]}
    for module in NAMED[blocked].split(", "):
        assert statuses[module] != "installed"
    assert dialog["selected"] == NAMED[blocked].split(", ")
    packages = " ".join(NAMED[blocked].split(", "))
    assert dialog["commands"]["windows"] == f"python -m pip install --user {packages}"
    assert dialog["commands"]["debian"].startswith("sudo apt install python3-" + NAMED[blocked].split(", ")[0])
    assert dialog["commands"]["conda"] == f"conda install -c conda-forge {packages}"
    assert dialog["install_enabled"]                    # a venv: pip may install into it


@pytest.mark.slow
def test_qgis_process_without_rasterio(inputs, qgis_process_env, tmp_path):
    """From the command line: terrain correction says what is missing; reading a product still works."""
    env = dict(qgis_process_env, PALSAR2_TEST_BLOCK="rasterio",
               PYTHONPATH=os.pathsep.join([str(BLOCKER), qgis_process_env.get("PYTHONPATH", "")]))
    stopped = subprocess.run([QGIS_PROCESS, "run", "palsar2:terraincorrection", "--", f"INPUT={inputs['product']}",
                              f"DEM={HAKONE_DEM}", f"OUTPUT_FOLDER={tmp_path / 'nrb'}"],
                             env=env, capture_output=True, text=True, timeout=300)
    text = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0
    assert "QGIS's Python lacks rasterio, so these tools cannot run: Terrain correction" in text, text[-2000:]
    assert "Traceback" not in text
    worked = subprocess.run([QGIS_PROCESS, "run", "palsar2:readceos", "--", f"INPUT={inputs['product']}",
                             "LOOKS_AZIMUTH=8", f"OUTPUT_FOLDER={tmp_path / 'read'}"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert worked.returncode == 0, worked.stdout[-2000:] + worked.stderr[-2000:]
    assert list((tmp_path / "read").rglob("*.tif"))


def test_filter_names_match_the_core(plugin_package):
    """changedetection states its SPECKLE_FILTER values itself (so its module needs no numpy)."""
    from palsar2_plugin.change import filters

    assert plugin_package.processing_provider.alg_changedetection.FILTER_VALUES == filters.FILTERS


def test_every_algorithm_states_the_packages_it_needs(plugin_package):
    """A new algorithm says what it needs (REQUIRES, possibly empty): the message bar, the dialog and the
    check before it runs are built from it."""
    registry = plugin_package.processing_provider.registry
    dependencies = plugin_package.palsar2_plugin.dependencies
    classes, failures = registry.algorithm_classes()
    assert failures == [] and len(classes) == len(registry.ALGORITHM_CLASSES)
    for cls in classes:
        assert "REQUIRES" in cls.__dict__, f"{cls.__name__} does not declare REQUIRES"
        assert set(cls.REQUIRES) <= set(dependencies.REQUIRED), cls.__name__
