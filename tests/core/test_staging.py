"""Issue 14, "outputs that look complete only when they are": staged result folders, a user's files kept
across re-runs, leftovers of killed runs (killed for real: SIGKILL in a subprocess) removed by the next
run while a live run's folders are left alone, and output folders that are files or cannot be written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import rasterio

from hills_dem import hills_product
from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.export import export_product
from palsar2_plugin.ceos.writer import write_product
from palsar2_plugin.errors import Cancelled
from palsar2_plugin.rtc.scene_input import terrain_correct_product
from palsar2_plugin.staging import (OutputFolderError, ScratchFolder, StagedFolder, prefixed, remove_leftovers,
                                    writable_folder)
from synthetic.ceos_products import example_description, random_blocks

ROOT = Path(__file__).resolve().parents[2]


def _run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def _hidden(folder: Path):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ------------------------------------------------------------------------------ terrain correction
@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("staging")
    dem, product = hills_product(tmp, seed=6)
    return tmp, dem, product


@pytest.mark.slow
def test_a_killed_terrain_correction_leaves_only_hidden_leftovers_and_the_next_run_removes_them(simulated, tmp_path):
    tmp, dem, product = simulated
    out = tmp_path / "out"
    killed = _run_python(f"""
        import os, signal
        from palsar2_plugin.rtc.scene_input import terrain_correct_product

        def progress(fraction, message):
            if message.startswith("Tile"):          # calibrated beta0 and a partial product exist now
                os.kill(os.getpid(), signal.SIGKILL)

        terrain_correct_product({str(product)!r}, {dem!r}, {str(out)!r}, pixel_size_m=50.0, workers=1,
                                tile_size=16, progress=progress)
        """, tmp_path)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    leftovers = _hidden(out)
    assert any(".partial-" in n for n in leftovers) and any("palsar2-beta0" in n for n in leftovers)
    assert not [n for n in os.listdir(out) if not n.startswith(".")]           # nothing that looks like a result
    result = terrain_correct_product(product, dem, str(out), pixel_size_m=50.0, workers=2)
    assert os.listdir(out) == [os.path.basename(result["folder"])]             # leftovers gone


def test_a_rerun_replaces_the_product_and_keeps_the_users_files(simulated, tmp_path):
    tmp, dem, product = simulated
    out = tmp_path / "out"
    first = terrain_correct_product(product, dem, str(out), pixel_size_m=50.0, workers=2)
    folder = Path(first["folder"])
    (folder / "notes.txt").write_text("flood edge checked in the field", encoding="utf-8")
    (folder / "photos").mkdir()
    (folder / "photos" / "p1.jpg").write_bytes(b"\xff\xd8")
    (folder / f"{folder.name}_HH.tif.aux.xml").write_text("<PAMDataset/>")   # QGIS's statistics of the old layer
    before = sorted(os.listdir(folder))
    second = terrain_correct_product(product, dem, str(out), pixel_size_m=100.0, workers=2)
    assert second["folder"] == first["folder"] and os.listdir(out) == [folder.name]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "flood edge checked in the field"
    assert (folder / "photos" / "p1.jpg").read_bytes() == b"\xff\xd8"
    assert not (folder / f"{folder.name}_HH.tif.aux.xml").exists()             # belonged to the old product
    assert sorted(os.listdir(folder)) == sorted(set(before) - {f"{folder.name}_HH.tif.aux.xml"})
    with rasterio.open(second["gamma0"]["HH"]) as ds:
        assert ds.transform.a == 100.0                                          # the new product, whole


# ------------------------------------------------------------------------------ radar-geometry export
@pytest.fixture(scope="module")
def wbd(tmp_path_factory):
    desc = example_description("WBD", lines=48, pixels=24)
    sizes = {b.beam: (b.lines, b.pixels) for b in desc.beams}
    folder = tmp_path_factory.mktemp("export") / "product"
    write_product(folder, desc, lambda b, p: random_blocks(*sizes[b], seed=b))
    return open_product(folder)


def test_export_goes_into_its_own_folder_and_a_rerun_never_mixes_old_and_new(wbd, tmp_path):
    base = f"{wbd.scene_id}-{wbd.product_id}"
    first = export_product(wbd, tmp_path, looks_az=4, looks_rg=2)
    folder = tmp_path / f"{base}-sigma0"
    assert Path(first.metadata).parent == folder and len(first.rasters) == 10
    (folder / "notes.txt").write_text("mine")
    second = export_product(wbd, tmp_path, beams=[2], polarisations=["HV"], looks_az=4, looks_rg=2)
    assert sorted(os.listdir(folder)) == sorted([f"{base}-F2-HV-sigma0.tif", f"{base}-footprints.geojson",
                                                 f"{base}-metadata.json", "notes.txt"])
    assert json.loads(Path(second.metadata).read_text())["rasters"] == [f"{base}-F2-HV-sigma0.tif"]
    assert os.listdir(tmp_path) == [folder.name]


def test_a_failed_or_cancelled_export_leaves_nothing_and_the_old_result_untouched(wbd, tmp_path):
    base = f"{wbd.scene_id}-{wbd.product_id}"
    first = export_product(wbd, tmp_path, beams=[1], looks_az=4, looks_rg=2)
    before = {p: Path(p).read_bytes() for p in first.rasters}
    calls = []

    def cancel_after_a_while():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        export_product(wbd, tmp_path, looks_az=4, looks_rg=2, is_cancelled=cancel_after_a_while)
    assert os.listdir(tmp_path) == [f"{base}-sigma0"]
    assert {p: Path(p).read_bytes() for p in first.rasters} == before
    with pytest.raises(Cancelled):
        export_product(wbd, tmp_path / "new", looks_az=4, looks_rg=2, is_cancelled=cancel_after_a_while)
    assert os.listdir(tmp_path / "new") == []


# ------------------------------------------------------------------------------ the mechanism itself
def test_a_live_runs_folders_are_left_alone_and_a_dead_runs_removed(tmp_path):
    live = StagedFolder(str(tmp_path), "P", prefixed(("P_",)))
    scratch = ScratchFolder(str(tmp_path), "palsar2-beta0")
    dead = _run_python(f"""
        import os
        from palsar2_plugin.staging import ScratchFolder, StagedFolder, prefixed
        s = StagedFolder({str(tmp_path)!r}, "Q", prefixed(("Q_",)))
        open(os.path.join(s.path, "Q_HH.tif"), "wb").close()
        ScratchFolder({str(tmp_path)!r}, "palsar2-tiles")
        os._exit(9)                                          # killed: nothing cleaned up
        """, tmp_path)
    assert dead.returncode == 9, dead.stderr
    assert len(_hidden(tmp_path)) == 8                        # 4 folders, 4 locks
    removed = remove_leftovers(str(tmp_path))
    assert len(removed) == 2 and all(n.startswith((".Q.partial-", ".palsar2-tiles.scratch-")) for n in removed)
    assert sorted(_hidden(tmp_path)) == sorted([os.path.basename(live.path), os.path.basename(scratch.path),
                                                f".P.lock-{live.run_id}", f".palsar2-beta0.lock-{scratch.run_id}"])
    live.commit()
    scratch.close()
    assert os.listdir(tmp_path) == ["P"]


def test_notes_carried_by_a_run_killed_while_replacing_a_result_go_back(tmp_path):
    (tmp_path / "P").mkdir()
    (tmp_path / "P" / "P_HH.tif").write_bytes(b"old")
    (tmp_path / "P" / "notes.txt").write_text("mine")
    dead = _run_python(f"""
        import os
        from palsar2_plugin.staging import StagedFolder, prefixed
        s = StagedFolder({str(tmp_path)!r}, "P", prefixed(("P_",)))
        open(os.path.join(s.path, "P_HH.tif"), "wb").write(b"new")
        s._lock.write({{"carried": ["notes.txt"], "final": "P"}})   # commit's first step ...
        os.replace(os.path.join({str(tmp_path)!r}, "P", "notes.txt"), os.path.join(s.path, "notes.txt"))
        os.replace(os.path.join({str(tmp_path)!r}, "P"), os.path.join({str(tmp_path)!r}, ".P.old-" + s.run_id))
        os._exit(9)                                                 # ... killed before the new folder moved in
        """, tmp_path)
    assert dead.returncode == 9, dead.stderr
    assert not (tmp_path / "P").exists()
    remove_leftovers(str(tmp_path))
    assert os.listdir(tmp_path) == ["P"]
    assert (tmp_path / "P" / "P_HH.tif").read_bytes() == b"old" and (tmp_path / "P" / "notes.txt").read_text() == "mine"


def test_output_folders_that_are_files_or_cannot_be_written(tmp_path):
    a_file = tmp_path / "result.tif"
    a_file.write_bytes(b"x")
    with pytest.raises(OutputFolderError, match="is an existing file, not a folder: choose a folder"):
        writable_folder(a_file)
    with pytest.raises(OutputFolderError, match="part of its path is a file"):
        writable_folder(a_file / "sub")
    if sys.platform.startswith("linux"):
        with pytest.raises(OutputFolderError, match="Cannot write into the output folder /sys/palsar2-out"):
            writable_folder("/sys/palsar2-out")
    assert writable_folder(tmp_path / "new" / "deep") == str(tmp_path / "new" / "deep")
    assert os.listdir(tmp_path / "new" / "deep") == []


def test_unlocked_work_folders_are_removed_only_when_old(tmp_path):
    """Work folders without a lock file (an older plugin version's, or another writer's still running,
    e.g. an interferogram product being written into the same folder) are left alone while fresh."""
    import time

    fresh = tmp_path / ".ALOS2000000000-000000_WBDRNRBD.partial-0123abcd"
    old = tmp_path / ".palsar2-beta0-k3j2h1g0"
    for folder in (fresh, old):
        folder.mkdir()
        (folder / "x.tif").write_bytes(b"x")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    assert remove_leftovers(str(tmp_path)) == [old.name]
    assert sorted(os.listdir(tmp_path)) == [fresh.name]
