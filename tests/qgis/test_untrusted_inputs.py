"""Inputs that don't belong together, tried through ``qgis_process`` as a user would (issue 14): a leader
from a neighbouring frame, swapped polarisation files, a pre-launch calibration factor, a DEM in feet, an
all-no-data DEM, a DEM covering half the scene and an output CRS in feet.

Products are simulated over two gaussian hills (tests/hills_dem.py); DEM variants are written here."""

from __future__ import annotations

import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import rasterio

from hills_dem import hills_product
from palsar2_plugin.rtc.scene_input import terrain_correct_product
from palsar2_plugin.ceos.writer import write_product
from synthetic.ceos_products import example_description, random_blocks

FEET = 0.3048


@pytest.fixture(scope="module")
def hills(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("untrusted")
    dem, product = hills_product(tmp, seed=5)
    reference = terrain_correct_product(product, dem, str(tmp / "ref"), pixel_size_m=50.0, workers=2)
    return tmp, dem, product, reference


def _dem_variant(src, dst, change, units=None):
    with rasterio.open(src) as ds:
        profile, values = ds.profile, ds.read(1).astype(np.float64)
    with rasterio.open(dst, "w", **profile) as ds:
        ds.write(change(values).astype(profile["dtype"]), 1)
        if units:
            ds.units = (units,)
    return str(dst)


def _read(path):
    with rasterio.open(path) as ds:
        return ds.read(1)


def test_qgis_process_dem_in_feet_gives_heights_in_metres(hills, qgis_process_run, tmp_path):
    tmp, dem, product, reference = hills
    feet = _dem_variant(dem, tmp_path / "hills_ft.tif", lambda h: h / FEET, units="ft")
    run = qgis_process_run("palsar2:terraincorrection", {"INPUT": str(product), "DEM": feet, "PIXEL_SIZE": 50,
                                                         "OUTPUT_FOLDER": str(tmp_path / "out")})
    assert run.returncode == 0, run.stdout + run.stderr
    folder = Path(run.results["OUTPUT_FOLDER"])
    ours = _read(folder / f"{folder.name}_DEM.tif")
    ref = _read(reference["dem"])
    valid = np.isfinite(ref)
    assert valid.sum() > 1000 and np.array_equal(valid, np.isfinite(ours))
    np.testing.assert_allclose(ours[valid], ref[valid], atol=0.01)     # metres, not feet
    np.testing.assert_allclose(_read(run.results["GAMMA0"][0]), _read(reference["gamma0"]["HH"]), rtol=1e-4,
                               atol=1e-7, equal_nan=True)


def test_qgis_process_all_nodata_dem_is_an_error_and_no_product(hills, qgis_process_run, tmp_path):
    tmp, dem, product, reference = hills
    empty = _dem_variant(dem, tmp_path / "nodata.tif", lambda h: np.full_like(h, -9999.0))
    out = tmp_path / "out"
    run = qgis_process_run("palsar2:terraincorrection", {"INPUT": str(product), "DEM": empty, "PIXEL_SIZE": 50,
                                                         "OUTPUT_FOLDER": str(out)})
    assert run.returncode != 0
    assert "no valid height anywhere in the output area" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not out.exists() or os.listdir(out) == []


def test_qgis_process_half_covering_dem_warns_with_the_percentage(hills, qgis_process_run, tmp_path):
    tmp, dem, product, reference = hills
    with rasterio.open(dem) as ds:
        half_col = ds.width // 2

    def east_missing(h):
        h = h.copy()
        h[:, half_col:] = -9999.0
        return h

    half = _dem_variant(dem, tmp_path / "half.tif", east_missing)
    run = qgis_process_run("palsar2:terraincorrection", {"INPUT": str(product), "DEM": half, "PIXEL_SIZE": 50,
                                                         "OUTPUT_FOLDER": str(tmp_path / "out")})
    assert run.returncode == 0, run.stdout + run.stderr
    text = run.stdout + run.stderr
    assert "Warning: The DEM" in text and "covers only" in text
    percent = float(text.split("covers only ")[1].split(" %")[0])
    assert 20.0 < percent < 80.0
    xml = Path(run.results["METADATA"]).read_text(encoding="utf-8")
    assert f"covers only {percent:.1f} %" in xml


def test_qgis_process_output_crs_in_feet_is_refused(hills, qgis_process_run, tmp_path):
    tmp, dem, product, reference = hills
    out = tmp_path / "out"
    run = qgis_process_run("palsar2:terraincorrection", {"INPUT": str(product), "DEM": dem, "CRS": "EPSG:2227",
                                                         "PIXEL_SIZE": 25, "OUTPUT_FOLDER": str(out)})
    assert run.returncode != 0
    assert "not metres" in run.stdout + run.stderr and "Traceback" not in run.stdout + run.stderr
    assert not out.exists() or os.listdir(out) == []


def _write(folder, desc):
    sizes = {b.beam: (b.lines, b.pixels) for b in desc.beams}
    write_product(folder, desc, lambda b, p: random_blocks(*sizes[b], seed=b + len(p)))
    return folder, f"{desc.scene_id}-{desc.product_id}"


def test_qgis_process_leader_of_a_neighbouring_frame_is_refused(qgis_process_run, tmp_path):
    a = example_description("WBD", lines=40, pixels=16, frame_number=2850)
    b = example_description("WBD", lines=40, pixels=16, frame_number=2860,
                            centre_time_utc=a.scene_centre_time_utc + timedelta(seconds=60))
    a_folder, a_stem = _write(tmp_path / "a", a)
    b_folder, b_stem = _write(tmp_path / "b", b)
    shutil.copy(b_folder / f"LED-{b_stem}", a_folder / f"LED-{a_stem}")     # the neighbour's leader, renamed
    out = tmp_path / "out"
    run = qgis_process_run("palsar2:readceos", {"INPUT": str(a_folder), "OUTPUT_FOLDER": str(out)})
    text = run.stdout + run.stderr
    assert run.returncode != 0 and "Traceback" not in text
    assert f"records '{b.scene_id}'" in text and f"file names are of '{a.scene_id}'" in text
    assert not out.exists() or os.listdir(out) == []


def test_qgis_process_swapped_polarisation_files_are_refused(qgis_process_run, tmp_path):
    desc = example_description("FBD", lines=40, pixels=16)
    folder, stem = _write(tmp_path / "p", desc)
    hh, hv = folder / f"IMG-HH-{stem}", folder / f"IMG-HV-{stem}"
    hh.rename(folder / "swap")
    hv.rename(hh)
    (folder / "swap").rename(hv)
    out = tmp_path / "out"
    run = qgis_process_run("palsar2:readceos", {"INPUT": str(folder), "OUTPUT_FOLDER": str(out)})
    text = run.stdout + run.stderr
    assert run.returncode != 0 and "Traceback" not in text
    assert "says polarisation HH, but its line prefixes record HV" in text and f"IMG-HH-{stem}" in text
    assert not out.exists() or os.listdir(out) == []


def test_qgis_process_pre_launch_calibration_factor_warns_and_says_so_in_the_metadata(qgis_process_run, tmp_path):
    import dataclasses

    desc = dataclasses.replace(example_description("FBS", lines=40, pixels=16), calibration_factor_db=32.0)
    folder, stem = _write(tmp_path / "cf", desc)
    run = qgis_process_run("palsar2:readceos", {"INPUT": str(folder), "LOOKS_AZIMUTH": 4, "LOOKS_RANGE": 2,
                                                "OUTPUT_FOLDER": str(tmp_path / "out")})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning: The leader's calibration factor is +32.0 dB" in run.stdout + run.stderr
    metadata = json.loads(Path(run.results["METADATA"]).read_text(encoding="utf-8"))
    assert len(metadata["warnings"]) == 1 and "+115.0 dB off" in metadata["warnings"][0]


def test_qgis_process_batch_with_one_broken_scene_writes_the_others_and_says_why(hills, qgis_process_run, tmp_path):
    tmp, dem, product, reference = hills
    broken = tmp_path / "broken"
    shutil.copytree(product, broken)
    leader = next(broken.glob("LED-*"))
    leader.write_bytes(leader.read_bytes()[:720 + 4096 + 100])          # cut inside the platform position record
    out = tmp_path / "out"
    run = qgis_process_run("palsar2:batchterraincorrection", {
        "INPUTS": f"{broken};{product}", "DEM": dem, "EXECUTION": 0, "PIXEL_SIZE": 50, "OUTPUT_FOLDER": str(out)})
    text = run.stdout + run.stderr
    assert run.returncode == 0, text
    results = run.results
    assert len(results["PRODUCTS"]) == 1 and int(results["WRITTEN_COUNT"]) == 1 and int(results["FAILED_COUNT"]) == 1
    assert results["FAILED"].startswith(f"{broken}: ") and "file is truncated" in results["FAILED"]
    scenes = json.loads(results["SCENES"])
    assert [s["status"] for s in scenes] == ["failed", "written"]
    assert scenes[1]["folder"] == results["PRODUCTS"][0] and len(scenes[1]["files"]) == 11
    assert all(os.path.isfile(f) for f in scenes[1]["files"])
    assert f"Not written: {broken}" in text and "1 of 2 scenes written, 1 failed" in text
    np.testing.assert_allclose(_read(Path(results["PRODUCTS"][0]) / f"{Path(results['PRODUCTS'][0]).name}_HH.tif"),
                               _read(reference["gamma0"]["HH"]), rtol=1e-4, atol=1e-7, equal_nan=True)
    assert sorted(os.listdir(out)) == [Path(results["PRODUCTS"][0]).name]
    none = qgis_process_run("palsar2:batchterraincorrection", {
        "INPUTS": str(broken), "DEM": dem, "EXECUTION": 0, "OUTPUT_FOLDER": str(tmp_path / "none")})
    assert none.returncode != 0 and "No product was written (1 of 1 scenes failed)" in none.stdout + none.stderr
    assert "Traceback" not in none.stdout + none.stderr


def test_qgis_process_output_folder_that_is_a_file_is_a_clear_error(hills, qgis_process_run, tmp_path):
    tmp, dem, product, reference = hills
    a_file = tmp_path / "results.txt"
    a_file.write_text("not a folder")
    for algorithm, params in (("palsar2:readceos", {"INPUT": str(product)}),
                              ("palsar2:terraincorrection", {"INPUT": str(product), "DEM": dem})):
        run = qgis_process_run(algorithm, dict(params, OUTPUT_FOLDER=str(a_file)))
        text = run.stdout + run.stderr
        assert run.returncode != 0 and "Traceback" not in text, text
        assert f"The output folder {a_file} is an existing file, not a folder" in text
    assert a_file.read_text() == "not a folder"
