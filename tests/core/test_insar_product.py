"""The interferogram product folder is written like the NRB product (palsar2_plugin.staging.StagedFolder):
built in a locked hidden ``.<name>.partial-<id>`` folder and renamed only when complete; a run that fails
part-way leaves nothing that looks complete (an older product stays as it was); a user's own files in the
product folder survive a re-run; what a killed run left is removed by the next run. No QGIS, a tiny grid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import rasterio

from palsar2_plugin.insar.product import InsarWriter, read_interferogram_product
from palsar2_plugin.progress import Cancelled
from palsar2_plugin.rtc.grid import snapped_grid

ROOT = Path(__file__).resolve().parents[2]
NAME = "ALOS2000000000-240101_240115_HH_IFG"
SHAPE = (30, 40)


def _grid():
    return snapped_grid("EPSG:32654", (400000, 3900000, 400000 + 25 * SHAPE[1], 3900000 + 25 * SHAPE[0]), 25.0)


def _metadata(grid) -> dict:
    scene = {"mode": "FBS", "acquisition_time_utc": "2024-01-01T00:00:00Z"}
    return {"product": "interferogram", "software_version": "test", "polarisation": "HH", "look_side": "right",
            "pass_direction": "descending", "perpendicular_baseline_m": 120.0, "temporal_baseline_days": 14.0,
            "reference": scene, "secondary": dict(scene, acquisition_time_utc="2024-01-15T00:00:00Z"),
            "crs": grid.crs, "epsg": 32654, "shape": [grid.height, grid.width],
            "transform": list(grid.transform)[:6], "bounds": list(grid.bounds)}


def _write(folder, value: float, is_cancelled=None):
    """One product of constant phase ``value`` and coherence 0.5; returns the writer's result."""
    grid = _grid()
    writer = InsarWriter(str(folder), NAME, grid)
    try:
        writer.write("phase", np.full(SHAPE, value, np.float32), 0)
        writer.write("coherence", np.full(SHAPE, 0.5, np.float32), 0)
        return writer.finish(_metadata(grid), {}, is_cancelled=is_cancelled)
    except BaseException:
        writer.abort()
        raise


def _phase(folder) -> float:
    with rasterio.open(read_interferogram_product(folder).layer("phase")) as ds:
        return float(ds.read(1).mean())


def _cancel_in_the_second_cog(parent):
    """A cancel check that says yes (and keeps saying it) once the run is writing its second COG: one
    layer of the new product is complete, the rest is not."""
    said = []

    def is_cancelled() -> bool:
        if not said:
            written = [f for d in Path(parent).glob(f".{NAME}.partial-*") for f in os.listdir(d)]
            if f"{NAME}_PHASE.tif" in written and f"{NAME}_COH.tif" in written:
                said.append(True)
        return bool(said)

    return is_cancelled


def test_complete_product_and_a_failure_part_way_leaves_the_old_one(tmp_path):
    first = _write(tmp_path, 0.5)
    assert os.listdir(tmp_path) == [NAME]
    assert sorted(os.listdir(first["folder"])) == sorted([f"{NAME}_PHASE.tif", f"{NAME}_COH.tif",
                                                          f"{NAME}_metadata.json", f"{NAME}.json"])
    assert _phase(first["folder"]) == pytest.approx(0.5)
    # a second run cancelled after its first COG (part-way through finishing): the old product is untouched
    # and nothing of the failed run is left (no partial folder, no lock)
    with pytest.raises(Cancelled):
        _write(tmp_path, 1.5, is_cancelled=_cancel_in_the_second_cog(tmp_path))
    assert os.listdir(tmp_path) == [NAME]
    assert _phase(tmp_path / NAME) == pytest.approx(0.5)
    # the same failure into a new folder: nothing at all that looks like a product
    with pytest.raises(Cancelled):
        _write(tmp_path / "new", 1.5, is_cancelled=_cancel_in_the_second_cog(tmp_path / "new"))
    assert os.listdir(tmp_path / "new") == []


def test_a_rerun_keeps_the_users_files_and_replaces_the_products(tmp_path):
    _write(tmp_path, 0.5)
    (tmp_path / NAME / "notes.txt").write_text("field check 2024-01-20")
    (tmp_path / NAME / f"{NAME}_PHASE.tif.aux.xml").write_text("<PAMDataset/>")    # the product's (QGIS stats)
    (tmp_path / "other.tif").write_bytes(b"a user's file beside the product")
    second = _write(tmp_path, 1.5)
    assert sorted(os.listdir(tmp_path)) == [NAME, "other.tif"]
    assert (tmp_path / NAME / "notes.txt").read_text() == "field check 2024-01-20"
    assert not (tmp_path / NAME / f"{NAME}_PHASE.tif.aux.xml").exists()        # part of the old product: gone
    assert (tmp_path / "other.tif").read_bytes() == b"a user's file beside the product"
    assert _phase(second["folder"]) == pytest.approx(1.5)
    meta = json.loads(Path(second["metadata"]).read_text())
    assert meta["files"] == {"phase": f"{NAME}_PHASE.tif", "coherence": f"{NAME}_COH.tif"}


def test_a_killed_runs_partial_folder_is_removed_by_the_next_run(tmp_path):
    code = f"""
        import os
        import numpy as np
        from test_insar_product import NAME, SHAPE, _grid
        from palsar2_plugin.insar.product import InsarWriter
        writer = InsarWriter({str(tmp_path)!r}, NAME, _grid())
        writer.write("phase", np.zeros(SHAPE, np.float32), 0)
        os._exit(9)                                  # killed while writing: nothing cleaned up
        """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests" / "core")]))
    dead = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert dead.returncode == 9, dead.stderr
    left = sorted(os.listdir(tmp_path))
    assert len(left) == 2 and left[0].startswith(f".{NAME}.lock-") and left[1].startswith(f".{NAME}.partial-")
    assert os.listdir(tmp_path / left[1]) == [f"{NAME}_PHASE.part.tif"]
    with pytest.raises(Exception, match="is not an interferogram product"):
        read_interferogram_product(tmp_path / left[1])      # a partial folder is never taken for a product
    _write(tmp_path, 0.5)
    assert os.listdir(tmp_path) == [NAME]
