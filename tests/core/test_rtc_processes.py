"""Terrain correction in worker processes (rtc/process_executor.py) against threads (no QGIS needed,
but run inside pytest-qgis like everything else).

The numpy path (compiled kernels off: PALSAR2_NO_NUMBA=1, read at each call and inherited by the
spawned workers) on a small hilly scene: the processes' product equals the threads' exactly (the
same numpy code on the same inputs and tiles; only where a tile is computed differs); cancel,
a worker that raises, an interpreter that cannot start (falls back to threads) and the default
choice; the interpreter given to workers is a runnable Python of this installation.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import rasterio

from palsar2_plugin import compiled
from palsar2_plugin.dependencies import python_for_workers, worker_python_candidates
from palsar2_plugin.errors import Cancelled, Palsar2Error
from palsar2_plugin.rtc import process_executor
from palsar2_plugin.rtc.driver import terrain_correct
from palsar2_plugin.rtc.executors import ThreadExecutor, default_executor
from palsar2_plugin.rtc.plan import plan_run
from palsar2_plugin.rtc.process_executor import ProcessExecutor, WorkerStartError
from palsar2_plugin.rtc.radar_input import ArrayRadarInput
from synthetic.rtc_geometry import gaussian_hills, synthetic_case

LAYERS = ("mask", "local_incidence", "ellipsoid_incidence", "scattering_area", "gamma_to_sigma", "number_of_looks",
          "dem")
RUN = dict(height_reference="ellipsoid", pixel_size_m=30.0, tile_size=40, workers=2)


class FailingInWorkers(ArrayRadarInput):
    """Reads beta0 in the process that made it; raises in any other (a worker)."""

    def __init__(self, radar: ArrayRadarInput):
        super().__init__(radar.orbit, radar.beams, radar.images)
        self.parent_pid = os.getpid()

    def read_beta0(self, beam, polarisation, line0, line1, pixel0, pixel1):
        if os.getpid() != self.parent_pid:
            raise RuntimeError("beta0 store went away")
        return super().read_beta0(beam, polarisation, line0, line1, pixel0, pixel1)


@pytest.fixture
def numpy_path(monkeypatch):
    monkeypatch.setenv("PALSAR2_NO_NUMBA", "1")
    assert not compiled.enabled()


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proc")
    heights = gaussian_hills((100, 100), 30.0, [(0.45, 0.5, 900.0, 250.0), (0.7, 0.3, 400.0, 300.0)], base_m=100.0)
    return synthetic_case(str(folder), heights, pixel_m=30.0, beams=2, overlap_px=30)


def _arrays(result):
    out = {}
    for name in LAYERS:
        with rasterio.open(result[name]) as ds:
            out[name] = ds.read(1)
    with rasterio.open(result["gamma0"]["HH"]) as ds:
        out["gamma0"] = ds.read(1)
    return out


def _product_files(folder):
    return [os.path.join(d, f) for d, _, files in os.walk(folder) for f in files]


def test_processes_give_the_threads_product_exactly(scene, tmp_path, numpy_path):
    dem, radar = scene
    messages = []
    threads = terrain_correct(radar, dem, str(tmp_path / "t"), executor=ThreadExecutor(2), **RUN)
    procs = terrain_correct(radar, dem, str(tmp_path / "p"), executor=ProcessExecutor(2),
                            progress=lambda f, m: messages.append(m), **RUN)
    assert len(procs["plan"].tiles) >= 8
    a, b = _arrays(threads), _arrays(procs)
    assert np.mean(a["mask"] == 1) > 0.5 and np.mean(a["mask"] > 1) > 0.001     # valid, and some layover/shadow
    for name in a:
        np.testing.assert_array_equal(b[name], a[name], err_msg=name)
    timings = procs["timings"]
    assert timings["executor"].startswith("2 worker processes")
    assert len(timings["worker_peak_rss_mib"]) in (1, 2) and min(timings["worker_peak_rss_mib"]) > 30
    # the workers' CPU seconds per stage reach the run's timings
    assert timings["stages_cpu_s"]["facet geometry, layover/shadow"] > 0
    assert set(timings["stages_cpu_s"]) == set(threads["timings"]["stages_cpu_s"])
    assert any("processes" in m for m in messages) and not any("could not" in m for m in messages)


def test_cancel_stops_the_workers_and_leaves_no_product(scene, tmp_path, numpy_path):
    dem, radar = scene
    tiles_done = []

    def progress(fraction, message):
        if message.startswith("Tile"):
            tiles_done.append(message)

    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        terrain_correct(radar, dem, str(out), executor=ProcessExecutor(2), progress=progress,
                        is_cancelled=lambda: len(tiles_done) >= 2, **RUN)
    assert 2 <= len(tiles_done) < 8
    assert _product_files(out) == []


def test_a_worker_that_raises_gives_an_error_naming_the_cause(scene, tmp_path, numpy_path):
    dem, radar = scene
    out = tmp_path / "out"
    with pytest.raises(Palsar2Error, match="RuntimeError: beta0 store went away") as caught:
        terrain_correct(FailingInWorkers(radar), dem, str(out), executor=ProcessExecutor(2), **RUN)
    assert not isinstance(caught.value, WorkerStartError)    # a tile's failure is not a start failure: no fallback
    assert _product_files(out) == []


def test_an_interpreter_that_cannot_start_falls_back_to_threads(scene, tmp_path, numpy_path, monkeypatch,
                                                              small_runs_pay):
    dem, radar = scene
    reference = terrain_correct(radar, dem, str(tmp_path / "t"), executor=ThreadExecutor(2), **RUN)
    dies = tmp_path / "python-that-dies"          # answers the version check, then dies as a worker
    dies.write_text(f'#!/bin/sh\ncase "$*" in *spawn_main*) exit 3;; esac\nexec "{sys.executable}" "$@"\n')
    dies.chmod(0o755)
    for bad in (str(tmp_path / "no-such-python"), "/bin/false", str(dies)):
        monkeypatch.setattr("palsar2_plugin.dependencies.python_for_workers", lambda: bad)
        messages = []
        out = tmp_path / ("out-" + os.path.basename(bad))
        result = terrain_correct(radar, dem, str(out), progress=lambda f, m: messages.append(m), **RUN)
        assert any(m.startswith("Worker processes could not be used") and "threads" in m for m in messages), bad
        assert result["timings"]["executor"].startswith("threads (worker processes failed")
        if bad == str(dies):
            assert "terminated abruptly" in result["timings"]["executor"]      # BrokenProcessPool
        assert result["warnings"] == reference["warnings"]    # said as progress, not as a data warning
        a, b = _arrays(reference), _arrays(result)
        for name in a:
            np.testing.assert_array_equal(b[name], a[name], err_msg=name)
    # an explicit executor without fallback says why it could not start
    monkeypatch.setattr("palsar2_plugin.dependencies.python_for_workers", lambda: None)
    with pytest.raises(WorkerStartError, match="no Python interpreter"):
        terrain_correct(radar, dem, str(tmp_path / "none"), executor=ProcessExecutor(2), **RUN)


@pytest.fixture
def small_runs_pay(monkeypatch):
    """The test scenes are far below the size at which processes pay for their start."""
    monkeypatch.setattr("palsar2_plugin.rtc.executors.MIN_FACETS_PER_PROCESS", 1000)


def test_default_choice(scene, monkeypatch, small_runs_pay):
    dem, radar = scene
    plan = plan_run(radar, dem, height_reference="ellipsoid", pixel_size_m=30.0, tile_size=40)
    few = plan_run(radar, dem, height_reference="ellipsoid", pixel_size_m=30.0, tile_size=400)
    assert len(plan.tiles) >= 8 and len(few.tiles) < 4
    monkeypatch.setenv("PALSAR2_NO_NUMBA", "1")
    chosen = default_executor(plan, 2)
    assert isinstance(chosen, ProcessExecutor) and chosen.workers == 2
    assert isinstance(chosen.fallback, ThreadExecutor) and chosen.fallback.workers == 2
    assert isinstance(default_executor(plan, 1), ThreadExecutor)        # one worker: no processes
    assert isinstance(default_executor(few, 2), ThreadExecutor)         # too few tiles to pay for them
    facets = sum(t.shape[0] * t.shape[1] for t in plan.tiles) * plan.settings.oversampling ** 2
    monkeypatch.setattr("palsar2_plugin.rtc.executors.MIN_FACETS_PER_PROCESS", facets // 2 + 1)
    assert isinstance(default_executor(plan, 2), ThreadExecutor)        # too little work to pay for them
    monkeypatch.setattr("palsar2_plugin.rtc.executors.MIN_FACETS_PER_PROCESS", facets // 2)
    assert isinstance(default_executor(plan, 2), ProcessExecutor)
    if compiled.numba_importable():
        monkeypatch.setenv("PALSAR2_NO_NUMBA", "0")
        assert isinstance(default_executor(plan, 2), ThreadExecutor)    # compiled kernels release the GIL


def test_default_run_under_no_numba_uses_processes(scene, tmp_path, numpy_path, small_runs_pay):
    dem, radar = scene
    result = terrain_correct(radar, dem, str(tmp_path / "out"), **RUN)
    assert result["timings"]["executor"].startswith("2 worker processes")
    with rasterio.open(result["mask"]) as ds:
        assert np.mean(ds.read(1) == 1) > 0.5


def test_worker_interpreter_is_this_installations_python():
    """Inside pytest-qgis (sys.executable may be any program): a runnable interpreter of this
    installation, the same version, that imports the plugin's package from our sys.path."""
    python = python_for_workers()
    assert python is not None and os.path.isfile(python)
    code = "import sys; print(sys.version_info[:2], sys.prefix)"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(") ")[0] + ")" == str(sys.version_info[:2])
    assert done.stdout.strip().endswith(sys.prefix)


def test_worker_interpreter_candidates_per_platform():
    qgis_win = r"C:\Program Files\QGIS 3.34\bin\qgis-bin.exe"
    py = r"C:\Program Files\QGIS 3.34\apps\Python312"
    assert worker_python_candidates(qgis_win, py, py, "win32", (3, 12), {})[:2] == [py + r"\pythonw.exe",
                                                                                    py + r"\python.exe"]
    venv = r"C:\w\venv"
    assert worker_python_candidates(venv + r"\Scripts\python.exe", venv, venv, "win32", (3, 11), {})[0] == \
        venv + r"\Scripts\python.exe"
    mac = "/Applications/QGIS.app/Contents/MacOS/QGIS"
    fw = "/Applications/QGIS.app/Contents/Frameworks/Python.framework/Versions/3.9"
    assert worker_python_candidates(mac, fw, fw, "darwin", (3, 9), {})[0] == \
        "/Applications/QGIS.app/Contents/MacOS/bin/python3.9"
    # QGIS on Linux started from a shell whose PATH finds pyenv's python3 first: not that one
    assert worker_python_candidates("/home/u/.pyenv/shims/python3", "/usr", "/usr", "linux", (3, 11), {}) == [
        "/usr/bin/python3.11", "/usr/bin/python3"]
    assert worker_python_candidates("/w/.venv/bin/python", "/w/.venv", "/w/.venv", "linux", (3, 11), {})[0] == \
        "/w/.venv/bin/python"


def test_worker_start_leaves_the_spawn_interpreter_as_it_was(scene):
    """Starting workers (here: until each answered once) sets multiprocessing's spawn interpreter
    only while it spawns them (it is process-wide in CPython) and gives it back."""
    from multiprocessing import spawn

    dem, radar = scene
    before = spawn.get_executable()
    plan = plan_run(radar, dem, height_reference="ellipsoid", pixel_size_m=30.0, tile_size=40)
    seconds = process_executor.measure_start(2, plan, radar)
    assert 0 < seconds < 60
    assert spawn.get_executable() == before


@pytest.mark.slow
def test_a_ceos_product_runs_in_processes_as_in_threads(tmp_path, numpy_path, small_runs_pay, monkeypatch):
    """terrain_correct_product (SceneRadarInput: an opened CEOS product; the workers get its
    calibrated files) on a simulated WBS product: processes by default, the threads' product."""
    from sample_data import HAKONE_DEM

    from palsar2_plugin.rtc.scene_input import terrain_correct_product
    from palsar2_plugin.simulate.product import simulate_product

    product = simulate_product(str(HAKONE_DEM), "WBS", tmp_path / "l11", lines=600, pixels=80, seed=3)
    results = {}
    for name, minimum in (("processes", 1000), ("threads", 10**12)):
        monkeypatch.setattr("palsar2_plugin.rtc.executors.MIN_FACETS_PER_PROCESS", minimum)
        results[name] = terrain_correct_product(product, str(HAKONE_DEM), str(tmp_path / name), pixel_size_m=50.0,
                                                tile_size=64, workers=2)
    assert results["processes"]["timings"]["executor"].startswith("2 worker processes")
    assert results["threads"]["timings"]["executor"] == "2 threads"
    a, b = _arrays(results["threads"]), _arrays(results["processes"])
    assert np.mean(a["mask"] == 1) > 0.2
    for name in a:
        np.testing.assert_array_equal(b[name], a[name], err_msg=name)


UNGUARDED_SCRIPT = '''
import os, sys
sys.path[:0] = [{root!r}, {tests!r}]
with open({marker!r}, "a") as f:                 # a side effect at the top level, without a __main__ guard
    f.write(str(os.getpid()) + "\\n")
os.environ["PALSAR2_NO_NUMBA"] = "1"
from synthetic.rtc_geometry import gaussian_hills, synthetic_case
from palsar2_plugin.rtc.driver import terrain_correct
from palsar2_plugin.rtc.process_executor import ProcessExecutor
heights = gaussian_hills((60, 60), 30.0, [(0.5, 0.5, 600.0, 250.0)], base_m=100.0)
dem, radar = synthetic_case({folder!r}, heights, pixel_m=30.0, beams=1)
executor = ProcessExecutor(2)                     # no fallback: the workers must really run
result = terrain_correct(radar, dem, {output!r}, height_reference="ellipsoid", pixel_size_m=30.0, tile_size=20,
                         workers=2, executor=executor)
print("EXECUTOR", executor.facts["executor"], len(result["plan"].tiles))
'''


@pytest.mark.slow
def test_workers_do_not_rerun_a_script_without_a_main_guard(tmp_path):
    """A plain script without ``if __name__ == "__main__":`` runs its top level once: the spawned
    workers get the plugin's code only, not the script (which would otherwise run again in each
    worker, side effects and all, and start workers of its own)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    marker = tmp_path / "ran.txt"
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT.format(root=root, tests=os.path.join(root, "tests"), marker=str(marker),
                                              folder=str(tmp_path / "in"), output=str(tmp_path / "out")))
    (tmp_path / "in").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env,
                          cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(marker.read_text().split()) == 1          # the script's own run only
    line = [x for x in done.stdout.splitlines() if x.startswith("EXECUTOR")][-1]
    assert line.startswith("EXECUTOR 2 worker processes") and int(line.split()[-1]) >= 4, line
