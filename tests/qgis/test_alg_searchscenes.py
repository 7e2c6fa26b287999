"""``palsar2:searchscenes`` through processing.run and qgis_process, against a loopback bucket and CSW."""

from __future__ import annotations
from sample_data import GPORTAL_EXAMPLE

import copy
import json
from pathlib import Path

import processing
import pytest
from qgis.core import (QgsFeature, QgsGeometry, QgsProcessingException, QgsProcessingFeedback, QgsRectangle,
                       QgsVectorLayer, QgsWkbTypes)

from servers.bucket_samples import fill_bucket
from servers.fixtures import http_server  # noqa: F401

EXAMPLE = json.loads(GPORTAL_EXAMPLE.read_text())


def params(server, tmp_path, **kw):
    base = {"EXTENT": "102.5,104.5,10.5,11.0 [EPSG:4326]", "START_DATE": "2022-06-01", "END_DATE": "2022-06-30",
            "PRODUCT_LEVEL": [], "SOURCE": 0, "SERVICE_URL": server.base_url,
            "INDEX_PATH": str(tmp_path / "index.gpkg"), "OUTPUT": "memory:"}
    base.update(kw)
    return base


def test_open_data_search_writes_sorted_footprints_with_records(http_server, tmp_path):
    fill_bucket(http_server)
    result = processing.run("palsar2:searchscenes", params(http_server, tmp_path))
    layer = result["OUTPUT"]
    # footprints at lon 100+3i .. 102+3i: the extent 102.5..104.5 touches scenes 1 only... and scene 0 ends at 102
    ids = [f["record_id"] for f in layer.getFeatures()]
    assert ids == ["ALOS2437590501-220611_WWDR2.2GUA"] and result["SCENE_COUNT"] == 1
    assert layer.wkbType() in (QgsWkbTypes.Polygon, QgsWkbTypes.MultiPolygon)
    f = next(layer.getFeatures())
    assert f["level"] == "L2.2" and f["polarisations"] == "HH HV" and f["start_time"] == "2022-06-11T15:58:28.260000Z"
    assert f["credit"] == "Data provided by JAXA (提供:JAXA)"
    assert len(json.loads(f["files"])) == 6 and f["size_bytes"] == 6 * 101
    assert f.geometry().boundingBox() == QgsRectangle(103.0, 10.0, 105.0, 12.0)

    wide = processing.run("palsar2:searchscenes", params(http_server, tmp_path, EXTENT="95,120,0,20 [EPSG:4326]",
                                                         SOURCE=1))["OUTPUT"]
    assert [f["start_time"][:10] for f in wide.getFeatures()] == [f"2022-06-{d}" for d in range(10, 15)]
    l11 = processing.run("palsar2:searchscenes", params(
        http_server, tmp_path, EXTENT="-63,-62,-11.5,-10.5 [EPSG:4326]", START_DATE="2023-02-17",
        END_DATE="2023-02-17", PRODUCT_LEVEL=[0], SOURCE=0))["OUTPUT"]
    assert [f["record_id"] for f in l11.getFeatures()] == ["ALOS2471852900-230217_WBSR1.1__D"]


def test_extent_in_another_crs_and_aoi_layer(http_server, tmp_path):
    fill_bucket(http_server)
    # about lon 103.6..103.9 / lat 10.6..10.9 in UTM 48N
    utm = "350000,380000,1172000,1205000 [EPSG:32648]"
    layer = processing.run("palsar2:searchscenes", params(http_server, tmp_path, EXTENT=utm))["OUTPUT"]
    assert [f["record_id"][:14] for f in layer.getFeatures()] == ["ALOS2437590501"]
    aoi = QgsVectorLayer("Polygon?crs=EPSG:4326", "aoi", "memory")
    feat = QgsFeature()
    feat.setGeometry(QgsGeometry.fromWkt("POLYGON((106.5 10.5, 107.5 10.5, 107.5 11, 106.5 10.5))"))
    aoi.dataProvider().addFeatures([feat])
    layer = processing.run("palsar2:searchscenes", params(http_server, tmp_path, EXTENT=None, AOI=aoi))["OUTPUT"]
    assert [f["record_id"][:14] for f in layer.getFeatures()] == ["ALOS2437590502"]


@pytest.mark.parametrize("change,message", [
    ({"EXTENT": "103,103,10,12 [EPSG:4326]"}, "zero area"),
    ({"START_DATE": "2022-07-01"}, "before the start date"),
    ({"EXTENT": None}, "search area"),
])
def test_bad_input_is_a_clear_error(http_server, tmp_path, change, message):
    with pytest.raises(QgsProcessingException, match=message):
        processing.run("palsar2:searchscenes", params(http_server, tmp_path, **change))


def test_unreachable_endpoint_and_empty_offline_index(tmp_path):
    from servers.sshd import free_port
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(QgsProcessingException, match="Cannot connect"):
        processing.run("palsar2:searchscenes", {"EXTENT": "1,2,1,2 [EPSG:4326]", "START_DATE": "2022-06-01",
                                                "END_DATE": "2022-06-30", "SERVICE_URL": url,
                                                "INDEX_PATH": str(tmp_path / "i.gpkg"), "OUTPUT": "memory:"})
    with pytest.raises(QgsProcessingException, match="empty"):
        processing.run("palsar2:searchscenes", {"EXTENT": "1,2,1,2 [EPSG:4326]", "START_DATE": "2022-06-01",
                                                "END_DATE": "2022-06-30", "SOURCE": 1,
                                                "INDEX_PATH": str(tmp_path / "j.gpkg"), "OUTPUT": "memory:"})


def test_gportal_source_with_dataset_ids(http_server, tmp_path):
    feats = []
    for i in range(3):
        f = copy.deepcopy(EXAMPLE["features"][0])
        f["properties"]["identifier"] = f"ALOS24718529{i:02d}-23021{i}_WBDR2.2GUD"
        f["properties"]["processingLevel"] = "L2.2"
        f["properties"]["beginPosition"] = f"2023-02-1{3 - i}T09:21:10Z"
        f["properties"]["endPosition"] = f"2023-02-1{3 - i}T09:22:05Z"
        f["geometry"]["coordinates"] = [[[36, 36], [38, 36], [38, 38], [36, 38], [36, 36]]]
        feats.append(f)
    http_server.csw_features = feats
    p = {"EXTENT": "36.5,37,36.5,37 [EPSG:4326]", "START_DATE": "2023-02-01", "END_DATE": "2023-02-28",
         "SOURCE": 2, "SERVICE_URL": http_server.base_url + "/csw", "DATASET_IDS": "L2.2=4242", "OUTPUT": "memory:"}
    layer = processing.run("palsar2:searchscenes", p)["OUTPUT"]
    assert [f["start_time"][:10] for f in layer.getFeatures()] == ["2023-02-11", "2023-02-12", "2023-02-13"]
    assert "datasetId=4242" in http_server.requests[0]["query"]
    with pytest.raises(QgsProcessingException, match="dataset id"):
        processing.run("palsar2:searchscenes", dict(p, DATASET_IDS="L1.1=1"))


def test_through_qgis_process(http_server, tmp_path, qgis_process_run):
    fill_bucket(http_server)
    out = tmp_path / "scenes.gpkg"
    run = qgis_process_run("palsar2:searchscenes", {
        "EXTENT": "95,120,0,20 [EPSG:4326]", "START_DATE": "2022-06-01", "END_DATE": "2022-06-30",
        "PRODUCT_LEVEL": 2, "SOURCE": 0, "SERVICE_URL": http_server.base_url,
        "INDEX_PATH": str(tmp_path / "idx.gpkg"), "OUTPUT": str(out)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.results["SCENE_COUNT"] == 5
    layer = QgsVectorLayer(str(out), "scenes", "ogr")
    assert layer.featureCount() == 5


@pytest.fixture
def qgis_settings():
    """QgsSettings changed by a test are restored afterwards."""
    from qgis.core import QgsSettings
    settings = QgsSettings()
    keys = ["proxy/proxyEnabled", "proxy/proxyHost", "proxy/proxyPort", "proxy/proxyType",
            "palsar2/gportal/dataset_tree_url"]
    saved = {k: settings.value(k) for k in keys}
    yield settings
    for k, v in saved.items():
        if v is None:
            settings.remove(k)
        else:
            settings.setValue(k, v)


def test_qgis_proxy_settings_are_used(http_server, tmp_path, qgis_settings):
    """The loopback server acts as the HTTP proxy: requests for an unresolvable host reach it."""
    fill_bucket(http_server)
    qgis_settings.setValue("proxy/proxyEnabled", True)
    qgis_settings.setValue("proxy/proxyHost", "127.0.0.1")
    qgis_settings.setValue("proxy/proxyPort", str(http_server.port))
    qgis_settings.setValue("proxy/proxyType", "HttpProxy")
    layer = processing.run("palsar2:searchscenes", params(http_server, tmp_path,
                                                          SERVICE_URL="http://jaxa-bucket.invalid"))["OUTPUT"]
    assert [f["record_id"] for f in layer.getFeatures()] == ["ALOS2437590501-220611_WWDR2.2GUA"]
    assert all(r["headers"].get("Host") == "jaxa-bucket.invalid" for r in http_server.requests)


def test_dataset_ids_can_be_discovered(http_server, tmp_path, qgis_settings):
    tree = [{"name": "ALOS-2", "children": [{"name": "PALSAR-2", "children": [
        {"name": "ScanSAR L2.2 (open and free)", "datasetId": "27006002"},
        {"name": "Stripmap L1.1", "datasetId": "27000001"}]}]}]
    http_server.put("tree.json", json.dumps(tree).encode())
    qgis_settings.setValue("palsar2/gportal/dataset_tree_url", http_server.url_of("tree.json"))
    http_server.csw_features = []
    result = processing.run("palsar2:searchscenes", {
        "EXTENT": "36.5,37,36.5,37 [EPSG:4326]", "START_DATE": "2023-02-01", "END_DATE": "2023-02-28",
        "SOURCE": 2, "SERVICE_URL": http_server.base_url + "/csw", "DATASET_IDS": "discover", "OUTPUT": "memory:"})
    assert result["SCENE_COUNT"] == 0
    csw = [r for r in http_server.requests if r["path"] == "/csw"]
    assert len(csw) == 1 and "datasetId=27006002&" in csw[0]["query"]


def test_enum_orders_are_permanent(plugin_package):
    module = plugin_package.processing_provider.alg_searchscenes
    assert module.SOURCE_VALUES == ("opendata", "index", "gportal", "gportal_legacy")
    assert module.MODE_VALUES == ("WBS", "WBD", "WWS", "WWD", "VBS", "VBD")
    assert module.POLARISATION_VALUES == ("HH", "HV", "VV", "VH")
    assert module.PASS_VALUES == (None, "ascending", "descending")
    down = plugin_package.processing_provider.alg_downloadscenes
    assert down.TRANSPORT_VALUES == ("auto", "http", "sftp")


def test_legacy_gportal_source_with_service_url(http_server, tmp_path):
    http_server.csw_features = []
    result = processing.run("palsar2:searchscenes", {
        "EXTENT": "36.5,37,36.5,37 [EPSG:4326]", "START_DATE": "2023-02-01", "END_DATE": "2023-02-28",
        "SOURCE": 3, "SERVICE_URL": http_server.base_url + "/csw", "DATASET_IDS": "L2.2=1", "OUTPUT": "memory:"})
    assert result["SCENE_COUNT"] == 0 and http_server.requests[0]["path"] == "/csw"


def test_second_search_reuses_the_listing_unless_forced(http_server, tmp_path):
    fill_bucket(http_server)
    processing.run("palsar2:searchscenes", params(http_server, tmp_path))
    listings = lambda: len([r for r in http_server.requests if "list-type=2" in r["query"]])  # noqa: E731
    first = listings()
    assert first == 2  # the two default prefixes
    again = processing.run("palsar2:searchscenes", params(http_server, tmp_path))
    assert again["SCENE_COUNT"] == 1 and listings() == first
    processing.run("palsar2:searchscenes", params(http_server, tmp_path, FORCE_REFRESH=True))
    assert listings() == 2 * first


# --------------------------------------------------------------------------- issue 14
def _put_items(server, places):
    """L2.2 STAC items (2x2 degree footprints at (lon0, lat0)) with one asset each; returns their ids."""
    from servers.bucket_samples import L22_PREFIX, make_item
    ids = []
    for i, (lon0, lat0) in enumerate(places):
        item = make_item(f"ALOS24375905{i:02d}-2206{10 + i:02d}", "WWDR2.2GUA", f"2022-06-{10 + i:02d}T15:58:28Z",
                         lon0=lon0, lat0=lat0)
        item["assets"] = {"MSK": {"href": f"./{item['id']}_MSK.tif"}}
        server.put(L22_PREFIX + item["id"] + ".json", json.dumps(item).encode())
        server.put(L22_PREFIX + item["id"] + "_MSK.tif", b"II*\0" + bytes(60))
        ids.append(item["id"][:14])
    return ids


def test_an_extent_across_the_antimeridian_is_searched_on_both_sides(http_server, tmp_path):
    """An extent drawn in a Pacific CRS from 177 E to 178.6 W finds the scenes on both sides of 180 degrees
    (and not those between them the other way round the Earth)."""
    west_of, east_of, far, _ = _put_items(http_server, [(176.5, -17.0), (-179.5, -17.0), (0.0, -17.0),
                                                         (170.0, -17.0)])
    extent = "3000000,3500000,-2000000,-1500000 [EPSG:3832]"  # 176.9 E .. 178.6 W, 17.8 S .. 13.4 S
    feedback = QgsProcessingFeedback()
    result = processing.run("palsar2:searchscenes", params(http_server, tmp_path, EXTENT=extent), feedback=feedback)
    assert sorted(f["record_id"][:14] for f in result["OUTPUT"].getFeatures()) == sorted([west_of, east_of])
    assert "crosses the antimeridian" in feedback.textLog()


def test_a_damaged_scene_index_is_a_clear_error(http_server, tmp_path):
    index = tmp_path / "index.gpkg"
    index.write_bytes(b"<html>not a GeoPackage</html>" * 200)
    with pytest.raises(QgsProcessingException, match="is damaged .* delete it"):
        processing.run("palsar2:searchscenes", params(http_server, tmp_path, SOURCE=1))
    with pytest.raises(QgsProcessingException, match="is damaged"):
        processing.run("palsar2:searchscenes", params(http_server, tmp_path, SOURCE=0))


def test_an_html_listing_through_qgis_process_is_an_error_not_zero_scenes(http_server, tmp_path, qgis_process_run):
    fill_bucket(http_server)
    http_server.listing_mode = "html"
    out = tmp_path / "scenes.gpkg"
    run = qgis_process_run("palsar2:searchscenes", {**params(http_server, tmp_path), "OUTPUT": str(out)})
    assert run.returncode != 0
    assert "<html> document instead of an S3 listing" in run.stdout + run.stderr
    assert "0 scenes found" not in run.stdout + run.stderr
    http_server.listing_mode = "ok"  # the failed listing was not kept: the next run lists and finds the scene
    run = qgis_process_run("palsar2:searchscenes", {**params(http_server, tmp_path), "OUTPUT": str(out)})
    assert run.returncode == 0 and run.results["SCENE_COUNT"] == 1
