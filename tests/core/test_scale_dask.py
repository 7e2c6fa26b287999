"""Batch terrain correction on a dask.distributed LocalCluster (2 worker processes) against the
single-process run: two simulated scenes, a worker killed mid-run, cancel, and the no-Dask path."""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np
import pytest
import rasterio

from palsar2_plugin.errors import Cancelled, Palsar2Error
from palsar2_plugin.scale import (DaskUnavailable, ExecutionOptions, batch_terrain_correct, dask_available,
                                  open_client)
from palsar2_plugin.simulate.product import simulate_product
from hills_dem import LAT, LON, hills_dem
from servers.fixtures import http_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

LAYERS = ("mask", "local_incidence", "ellipsoid_incidence", "scattering_area", "number_of_looks", "dem")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scale")
    dem = hills_dem(tmp / "hills.tif")
    a = simulate_product(dem, "FBS", tmp / "a", lines=1500, pixels=300, seed=1, centre_lat_lon=(LAT, LON))
    b = simulate_product(dem, "FBD", tmp / "b", lines=1200, pixels=250, seed=2, centre_lat_lon=(LAT + 0.01, LON),
                         pass_direction="ascending")
    return dem, [str(a), str(b)], tmp


@pytest.fixture(scope="module")
def client():
    with open_client(ExecutionOptions(mode=1, n_workers=2, threads_per_worker=1, memory_limit="2GiB")) as c:
        yield c


def _assert_same_products(ours, reference):
    assert len(ours) == len(reference)
    for r, ref in zip(ours, reference):
        assert os.path.basename(r["folder"]) == os.path.basename(ref["folder"])
        for key in LAYERS:
            with rasterio.open(r[key]) as a, rasterio.open(ref[key]) as b:
                np.testing.assert_allclose(a.read(1), b.read(1), rtol=1e-6, atol=1e-6, equal_nan=True, err_msg=key)
        for pol, path in ref["gamma0"].items():
            with rasterio.open(r["gamma0"][pol]) as a, rasterio.open(path) as b:
                ga, gb = a.read(1), b.read(1)
            assert np.isfinite(gb).sum() > 5000
            np.testing.assert_array_equal(np.isnan(ga), np.isnan(gb))
            np.testing.assert_allclose(ga, gb, rtol=1e-5, equal_nan=True)


def test_dask_is_installed_here():
    assert dask_available()


def test_local_cluster_of_two_workers_equals_the_single_process_run(scenes, client):
    dem, products, tmp = scenes
    reference = batch_terrain_correct(products, dem, str(tmp / "ref"), execution=ExecutionOptions(mode=0))
    seen = []
    ours = batch_terrain_correct(products, dem, str(tmp / "dask"), client=client,
                                 progress=lambda f, m: seen.append((f, m)))
    _assert_same_products(ours, reference)
    assert {r["gamma0"].keys().__len__() for r in ours} == {1, 2}          # FBS: HH; FBD: HH + HV
    assert any("(Dask)" in m for _, m in seen)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    # nothing but the two products is left in the output folder (no scratch tiles, no beta0 caches)
    assert sorted(os.listdir(tmp / "dask")) == sorted(os.path.basename(r["folder"]) for r in ours)


def test_worker_killed_mid_run_completes_or_fails_clearly_without_a_complete_looking_product(scenes, client):
    dem, products, tmp = scenes
    reference = batch_terrain_correct(products[:1], dem, str(tmp / "ref_small"), tile_size=32,
                                      execution=ExecutionOptions(mode=0))
    killed = []

    def kill_one_worker(fraction, message):
        if not killed and message.startswith("Tile 1/"):
            pids = client.run(os.getpid)
            pid = sorted(pids.values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    out = tmp / "killed"
    try:
        ours = batch_terrain_correct(products[:1], dem, str(out), client=client, tile_size=32,
                                     progress=kill_one_worker)
    except Palsar2Error as exc:
        assert "Dask" in str(exc)
        assert not [n for n in os.listdir(out) if not n.startswith(".")]    # no product folder
    else:
        _assert_same_products(ours, reference)
    assert killed, "the run ended before a worker could be killed"
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)                                           # really gone
    client.wait_for_workers(2, timeout=60)                              # the nanny restarted it


def test_cancel_cancels_the_futures_and_leaves_no_product(scenes, client):
    dem, products, tmp = scenes
    state = {"tiles": 0}

    def progress(fraction, message):
        if message.startswith("Tile"):
            state["tiles"] += 1

    out = tmp / "cancelled"
    with pytest.raises(Cancelled):
        batch_terrain_correct(products[:1], dem, str(out), client=client, tile_size=32, progress=progress,
                              is_cancelled=lambda: state["tiles"] >= 2)
    assert state["tiles"] == 2
    assert os.listdir(out) == []                 # no product, no partial folder, no tiles, no beta0 cache


def test_without_dask_the_process_mode_runs_and_dask_modes_say_what_to_install(scenes, monkeypatch):
    dem, products, tmp = scenes
    monkeypatch.setitem(sys.modules, "distributed", None)                # import distributed -> ImportError
    assert not dask_available()
    with pytest.raises(DaskUnavailable, match="python3-distributed"):
        batch_terrain_correct(products[:1], dem, str(tmp / "nodask1"), execution=ExecutionOptions(mode=1))
    with pytest.raises(DaskUnavailable, match="this process"):
        batch_terrain_correct(products[:1], dem, str(tmp / "nodask2"), execution=ExecutionOptions(mode=2))
    result = batch_terrain_correct(products[:1], dem, str(tmp / "nodask0"), execution=ExecutionOptions(mode=0))
    assert os.path.isfile(result[0]["gamma0"]["HH"])


def test_remote_mode_needs_an_address_and_execution_a_known_number(scenes):
    dem, products, tmp = scenes
    with pytest.raises(Palsar2Error, match="scheduler address"):
        ExecutionOptions(mode=2, scheduler_address=" ").check()
    with pytest.raises(Palsar2Error, match="Unknown execution"):
        ExecutionOptions(mode=7).check()


def _broken_copy(product, folder):
    """A copy of ``product`` whose leader is cut inside its platform position record."""
    import shutil
    from pathlib import Path

    shutil.copytree(product, folder)
    leader = next(Path(folder).glob("LED-*"))
    leader.write_bytes(leader.read_bytes()[:720 + 4096 + 100])
    return str(folder)


def test_one_broken_scene_does_not_stop_the_others(scenes):
    dem, products, tmp = scenes
    broken = _broken_copy(products[0], tmp / "broken")
    warned = []
    out = tmp / "mixed"
    outcomes = batch_terrain_correct([products[0], broken, products[1]], dem, str(out),
                                     execution=ExecutionOptions(mode=0), warn=warned.append)
    assert [o["status"] for o in outcomes] == ["written", "failed", "written"]
    assert outcomes[1]["product"] == broken and "file is truncated" in outcomes[1]["error"]
    assert outcomes[1]["error"] in warned[0] and warned[0].startswith(f"Scene 2/3 ({broken}) failed:")
    for o in (outcomes[0], outcomes[2]):
        with rasterio.open(o["gamma0"]["HH"]) as ds:
            assert np.isfinite(ds.read(1)).sum() > 5000
    assert sorted(os.listdir(out)) == sorted(os.path.basename(o["folder"]) for o in (outcomes[0], outcomes[2]))
    with pytest.raises(Palsar2Error, match=r"No product was written \(2 of 2 scenes failed\): .*broken: .*truncated"
                                           r".*nowhere: .*no such file"):
        batch_terrain_correct([broken, str(tmp / "nowhere")], dem, str(tmp / "none"),
                              execution=ExecutionOptions(mode=0))
    assert os.listdir(tmp / "none") == []


def test_a_worker_killed_while_calibrating_leaves_no_scratch_files(scenes, client, tmp_path_factory):
    """Both workers calibrate (one scene each) when the client starts waiting; the one busy with a
    calibration is killed: its half-written beta0 files must go with the run, whatever Dask then does."""
    dem, products, tmp = scenes
    big = simulate_product(dem, "FBD", tmp_path_factory.mktemp("big") / "l11", lines=6000, pixels=900, seed=7)
    killed = []

    def kill_a_calibrating_worker(fraction, message):
        if killed or not message.startswith("Scene 1/"):
            return
        pids = client.run(os.getpid)
        deadline = time.monotonic() + 60        # on a loaded machine the workers may not have started yet
        while time.monotonic() < deadline:
            for address, keys in client.processing().items():
                if any(str(k).startswith("calibrate_scene") for k in keys):
                    os.kill(pids[address], signal.SIGKILL)
                    killed.append(pids[address])
                    return
            time.sleep(0.02)

    out = tmp / "killed_calibration"
    try:
        outcomes = batch_terrain_correct([str(big), products[0]], dem, str(out), client=client,
                                         progress=kill_a_calibrating_worker)
    except Palsar2Error as exc:
        assert "Dask" in str(exc)
        outcomes = []
    assert killed, "no worker was calibrating when the client started waiting"
    written = [o for o in outcomes if o["status"] == "written"]
    assert sorted(os.listdir(out)) == sorted(os.path.basename(o["folder"]) for o in written)   # no scratch, no locks
    client.wait_for_workers(2, timeout=60)


def test_a_password_in_a_product_url_never_reaches_the_results_or_messages(scenes, http_server):
    """A product URL with user:password@ that fails (the server has no such product): the per-scene
    results, the warnings and the error of a batch where nothing was written name it without the password."""
    dem, products, tmp = scenes
    url = (http_server.base_url.replace("http://", "http://someone:Pw-4711-secret@")
           + "/no/such/IMG-HH-ALOS0000000000-000000-FBSR1.1__A")
    warned = []
    outcomes = batch_terrain_correct([products[0], url], dem, str(tmp / "secret"),
                                     execution=ExecutionOptions(mode=0), warn=warned.append)
    assert [o["status"] for o in outcomes] == ["written", "failed"]
    assert outcomes[1]["product"] == url.replace("someone:Pw-4711-secret@", "")
    assert "Pw-4711-secret" not in repr(outcomes) + "".join(warned)
    with pytest.raises(Palsar2Error, match="No product was written") as raised:
        batch_terrain_correct([url], dem, str(tmp / "secret-none"), execution=ExecutionOptions(mode=0))
    assert "Pw-4711-secret" not in str(raised.value) and "127.0.0.1" in str(raised.value)
