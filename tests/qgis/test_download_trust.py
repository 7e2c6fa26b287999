"""Issue 14 through the algorithms: what "verified" means in the results, credentials only for their own
host over HTTPS, and, through qgis_process, an HTML product file, a same-size wrong file, a stale .part and
a password in a URL each behave as described."""

from __future__ import annotations

import importlib
import io
import json
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import processing
import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback

from servers.bucket_samples import L22_PREFIX, make_item
from servers.fixtures import http_server, https_server, tls_certificate  # noqa: F401
from servers.http_server import Fault
from test_alg_downloadscenes import SCENE1, search, store_auth

BASIC = "Basic " + __import__("base64").b64encode(b"alice:s3cret-pw").decode()


def _layer(plugin_package, records):
    tasks = importlib.import_module(plugin_package.__name__ + ".palsar2_plugin.gui.scene_tasks")
    return tasks.footprint_layer(records, "scenes")


def _record(plugin_package, rid, urls):
    record = importlib.import_module(plugin_package.__name__ + ".palsar2_plugin.catalog.record")
    return record.SceneRecord(record_id=rid, level="L2.2", start_time=datetime(2022, 6, 10, tzinfo=timezone.utc),
                              footprint=((0, 0), (1, 0), (1, 1), (0, 0)),
                              files=tuple(record.RemoteFile(u, size) for u, size in urls))


@pytest.mark.parametrize("mode, verification", [("none", "unverified: 1 of 1 files"), ("opaque", "verified")])
def test_the_results_say_whether_files_were_verified(http_server, tmp_path, plugin_package, mode, verification):
    """A server without checksums or ETags (and a catalogue without them) gives an unverified file, and the
    results and the log say so; a strong ETag verifies."""
    http_server.etag_mode = mode
    data = os.urandom(50_000)
    url = http_server.put("p/ALOS2437590500-220610_WWDR2.2GUA_HH_SLP.tif", data)
    layer = _layer(plugin_package, [_record(plugin_package, "ALOS2437590500-220610_WWDR2.2GUA", [(url, len(data))])])
    feedback = QgsProcessingFeedback()
    result = processing.run("palsar2:downloadscenes", {"SCENES": layer, "DESTINATION": str(tmp_path / "d")},
                            feedback=feedback)
    path = tmp_path / "d" / "ALOS2437590500-220610_WWDR2.2GUA" / "ALOS2437590500-220610_WWDR2.2GUA_HH_SLP.tif"
    assert path.read_bytes() == data and result["FILE_COUNT"] == 1
    assert result["VERIFICATION"] == verification
    assert result["UNVERIFIED_FILES"] == ([str(path)] if mode == "none" else [])
    assert ("1 unverified" if mode == "none" else "1 by ETag, 0 unverified") in feedback.textLog()


def test_credentials_go_only_to_their_own_host_over_https(https_server, tmp_path):
    from servers.bucket_samples import fill_bucket
    fill_bucket(https_server)
    layer = search(https_server, tmp_path, extent="103.5,104,10.5,11 [EPSG:4326]")
    https_server.require_auth = ("alice", "s3cret-pw")
    authcfg = store_auth("Basic", "palsar2 host-bound", {"username": "alice", "password": "s3cret-pw"})
    key = L22_PREFIX + SCENE1 + "_MSK.tif"
    feedback = QgsProcessingFeedback()
    with pytest.raises(QgsProcessingException, match="refused"):  # the files' host is not G-Portal's
        processing.run("palsar2:downloadscenes", {"SCENES": layer, "DESTINATION": str(tmp_path / "a"),
                                                  "AUTH_CONFIG": authcfg, "MAX_PARALLEL": 1}, feedback=feedback)
    assert [r["headers"].get("Authorization") for r in https_server.requests_for(key)] == [None]
    assert "sent only over HTTPS to gportal.jaxa.jp" in feedback.textLog()
    result = processing.run("palsar2:downloadscenes", {"SCENES": layer, "DESTINATION": str(tmp_path / "b"),
                                                       "AUTH_CONFIG": authcfg, "SERVICE_URL": https_server.base_url})
    assert result["FILE_COUNT"] == 1
    assert [r["headers"].get("Authorization") for r in https_server.requests_for(key)] == [None, BASIC]


def _scene(server, i, asset, data):
    item = make_item(f"ALOS24375905{i:02d}-2206{10 + i:02d}", "WWDR2.2GUA", f"2022-06-{10 + i:02d}T15:58:28Z",
                     lon0=100.0 + 3 * i)
    name = item["id"] + asset
    item["assets"] = {"data": {"href": "./" + name}}
    server.put(L22_PREFIX + item["id"] + ".json", json.dumps(item).encode())
    server.put(L22_PREFIX + name, data)
    return item["id"], name


def test_through_qgis_process(http_server, tmp_path, qgis_process_run, qgis_process_env, plugin_package):
    """Search and download through qgis_process with a password in the service URL, against a bucket whose
    ETags are not MD5s (so no checksum could catch a mixed file afterwards): scene A's zip comes back as an
    HTML sign-in page, scene B has a same-size wrong file in the destination, scene C a .part of an older
    version of its file. Then every file written, and what qgis_process reported, is searched for the
    password."""
    http_server.etag_mode = "opaque"
    http_server.require_auth = ("alice", "s3cret-pw")
    secret_url = http_server.base_url.replace("http://", "http://alice:s3cret-pw@")
    data = {k: os.urandom(300_000) for k in "ABC"}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ALOS2437590500-220610_WWDR2.2GUA/ALOS2437590500-220610_WWDR2.2GUA_HH_SLP.tif", data["A"])
    data["A"] = archive.getvalue()
    (a_id, a_name), (b_id, b_name), (c_id, c_name) = (
        _scene(http_server, 0, ".zip", data["A"]), _scene(http_server, 1, "_HH_SLP.tif", data["B"]),
        _scene(http_server, 2, "_HV_SLP.tif", data["C"]))
    out = tmp_path / "products"
    (out / b_id).mkdir(parents=True)
    (out / b_id / b_name).write_bytes(os.urandom(300_000))  # B: right size, wrong bytes
    http_download = importlib.import_module(plugin_package.__name__ + ".palsar2_plugin.download.http_download")
    session = importlib.import_module(plugin_package.__name__ + ".palsar2_plugin.net.session")
    got = []
    http_server.add_fault(L22_PREFIX + c_name, Fault("slow", delay=0.01))
    with pytest.raises(Exception, match="ancel"):  # C: an earlier run was cancelled after 100 kB
        http_download.download_http(secret_url + "/" + L22_PREFIX + c_name, out / c_id / c_name,
                                    session=session.make_session(), on_bytes=got.append,
                                    is_cancelled=lambda: sum(got) >= 100_000)
    assert (out / c_id / (c_name + ".part")).exists()
    new_c = os.urandom(300_000)
    http_server.put(L22_PREFIX + c_name, new_c)  # C replaced by a new version of the same size
    http_server.add_fault(L22_PREFIX + a_name, *[Fault("page")] * 8)  # A: a sign-in page every time

    scenes = tmp_path / "scenes.gpkg"
    index = tmp_path / "index.gpkg"
    search_run = qgis_process_run("palsar2:searchscenes", {
        "EXTENT": "95,120,0,20 [EPSG:4326]", "START_DATE": "2022-06-01", "END_DATE": "2022-06-30", "SOURCE": 0,
        "SERVICE_URL": secret_url, "INDEX_PATH": str(index), "OUTPUT": str(scenes)})
    assert search_run.returncode == 0, search_run.stdout + search_run.stderr
    assert search_run.results["SCENE_COUNT"] == 3
    download = qgis_process_run("palsar2:downloadscenes", {"SCENES": str(scenes), "DESTINATION": str(out),
                                                           "SERVICE_URL": secret_url})
    log = download.stdout + download.stderr
    assert download.returncode != 0  # one of three files failed; the others are complete
    assert "1 of 3 files could not be downloaded" in log and f"answered a web page (text/html) instead of the " \
        f"product file {a_name}" in log
    assert [p.name for p in (out / a_id).iterdir() if p.is_file()] == []  # no file like the product, no .part
    assert (out / b_id / b_name).read_bytes() == data["B"]  # fetched again, not skipped
    assert (out / c_id / c_name).read_bytes() == new_c  # the stale .part was not continued
    http_server.faults.clear()  # the server is fixed
    again = qgis_process_run("palsar2:downloadscenes", {"SCENES": str(scenes), "DESTINATION": str(out),
                                                        "SERVICE_URL": secret_url})
    assert again.returncode == 0, again.stdout + again.stderr
    assert (out / a_id / a_name).read_bytes() == data["A"] and again.results["VERIFICATION"] == "verified"

    # the password reached no stored place: layer attributes, index, state files, results, logs
    for run in (search_run, download, again):
        assert "s3cret" not in json.dumps(run.results if run.json else {}) and "s3cret" not in run.stderr
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    stored += [p for p in Path(qgis_process_env["QGIS_CUSTOM_CONFIG_PATH"]).rglob("*") if p.is_file()]
    assert index in stored and scenes in stored and any(p.parent.name == ".palsar2-download" for p in stored)
    leaks = [str(p) for p in stored if b"s3cret" in p.read_bytes()]
    assert leaks == []
