"""G-Portal CSW client against a loopback CSW-like endpoint: paging, mapping, empty and malformed answers."""

from sample_data import GPORTAL_EXAMPLE
import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from palsar2_plugin.catalog.errors import CatalogError, SearchInputError
from palsar2_plugin.catalog.gportal import (DatasetEntry, GPortalCatalog, SftpPathRule, discover_datasets,
                                            record_from_feature)
from palsar2_plugin.catalog.query import SearchQuery
from servers.fixtures import http_server  # noqa: F401

EXAMPLE = json.loads(GPORTAL_EXAMPLE.read_text())
UTC = timezone.utc


def _palsar_feature(i: int) -> dict:
    f = copy.deepcopy(EXAMPLE["features"][0])
    p = f["properties"]
    scene = f"ALOS2{47185 + i:05d}2900-2302{10 + i:02d}"
    p["identifier"] = f"{scene}_WBDR2.2GUD"
    p["processingLevel"] = "L2.2"
    p["beginPosition"] = f"2023-02-{10 + i:02d}T09:21:10.50Z"
    p["endPosition"] = f"2023-02-{10 + i:02d}T09:22:05.00Z"
    p["platformShortName"] = "ALOS-2"
    p["product"]["fileName"] = f"product.gportal.jaxa.jp:/products/Standard/ALOS-2/ALOS-2.PALSAR-2/L2.2/1/2023/02/{10 + i:02d}/{scene}_WBDR2.2GUD.zip"
    p["product"]["size"] = 1000 + i
    p["gpp"]["orbitDirection"] = "Descending"
    p["gpp"]["startPathNumber"] = 43
    f["geometry"]["coordinates"] = [[[36.0, 36.0], [38.0, 36.0], [38.0, 38.0], [36.0, 38.0], [36.0, 36.0]]]
    return f


def _query(**kw):
    base = dict(bbox=(36.5, 36.5, 37.0, 37.0), start=datetime(2023, 2, 1), end=datetime(2023, 3, 1), levels=("L2.2",))
    base.update(kw)
    return SearchQuery(**base)


def test_example_feature_maps_to_a_record():
    rec = record_from_feature(EXAMPLE["features"][0])
    assert rec.record_id == "GC1SG1_202301010122E04710_L2SG_SSTDK_3001"
    assert rec.start_time == datetime(2023, 1, 1, 1, 21, 56, 940000, tzinfo=UTC)
    assert rec.pass_direction == "descending" and rec.path == 47 and rec.level == "L2"
    assert rec.size_bytes == 4194304 and rec.files[0].size == 4194304
    assert rec.quicklook_url.endswith("GC1SG1_202301010122E04710_L2SG_SSTDK_3001.jpg")
    assert rec.footprint[0] == rec.footprint[-1] and len(rec.footprint) == 4


def test_paging_collects_every_record(http_server):
    http_server.csw_features = [_palsar_feature(i) for i in range(7)]
    cat = GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L2.2": ["999001", "999002"]}, page_size=3)
    assert cat.count_matches(_query()) == 7
    recs = cat.search(_query())
    assert len(recs) == 7
    pages = [r for r in http_server.requests if r["path"] == "/csw" and "count=3" in r["query"]]
    assert [p["query"].split("startIndex=")[1] for p in pages] == ["1", "4", "7"]
    q = pages[0]["query"]
    assert "datasetId=999001%2C999002" in q and "bbox=36.5%2C36.5%2C37.0%2C37.0" in q
    assert "startTime=2023-02-01T00%3A00%3A00Z" in q and "endTime=2023-03-01T00%3A00%3A00Z" in q
    rec = recs[0]
    assert (rec.scene_id, rec.product_id, rec.mode, rec.look_side, rec.pass_direction) == (
        "ALOS2471852900-230210", "WBDR2.2GUD", "WBD", "right", "descending")
    assert rec.polarisations == ("HH", "HV") and rec.path == 43 and rec.frame == 10
    assert [r.start_time.day for r in recs] == list(range(10, 17))


def test_empty_result(http_server):
    http_server.csw_features = []
    cat = GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L2.2": ["1"]})
    assert cat.search(_query()) == []


def test_malformed_json_and_server_error_are_clear(http_server):
    cat = GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L2.2": ["1"]})
    http_server.csw_mode = "malformed"
    with pytest.raises(CatalogError, match="not JSON"):
        cat.search(_query())
    http_server.csw_mode = "error500"
    with pytest.raises(CatalogError, match="HTTP 500"):
        cat.search(_query())


def test_missing_dataset_ids_explain_what_to_do(http_server):
    cat = GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L1.1": ["1"]})
    with pytest.raises(SearchInputError, match="dataset id"):
        cat.search(_query())
    assert http_server.requests == []


def test_unreachable_endpoint():
    from servers.sshd import free_port
    cat = GPortalCatalog(f"http://127.0.0.1:{free_port()}/csw", dataset_ids={"L2.2": ["1"]})
    with pytest.raises(CatalogError, match="Cannot connect"):
        cat.search(_query())


def test_sftp_path_rules():
    new = SftpPathRule()
    assert new.apply("product.gportal.jaxa.jp:/products/Standard/ALOS-2/ALOS-2.PALSAR-2/L2.2/1/2023/02/10/x.zip") == \
        "/product/Standard/ALOS-2/ALOS-2.PALSAR-2/L2.2/1/2023/02/10/x.zip"
    legacy = SftpPathRule(r"^https?://[^/]+/download/", "/")
    assert legacy.apply("https://gportal.jaxa.jp/download/standard/GCOM-C/a.h5") == "/standard/GCOM-C/a.h5"
    with pytest.raises(SearchInputError, match="path rule"):
        new.apply("https://elsewhere/file.zip")


def test_dataset_discovery_walks_the_tree(http_server):
    tree = {"satellites": [
        {"name": "GCOM-C", "children": [{"name": "SGLI L2", "datasetId": 10002002}]},
        {"name": "ALOS-2", "children": [{"name": "ALOS-2.PALSAR-2", "children": [
            {"name": "ScanSAR L1.1 (open and free)", "datasetId": "27006001"},
            {"name": "ScanSAR L2.2 (open and free)", "datasetId": 27006002}]}]}]}
    http_server.put("gpr/search/service/satsensor.json", json.dumps(tree).encode())
    entries = discover_datasets(url=http_server.url_of("gpr/search/service/satsensor.json"))
    assert entries == [DatasetEntry("27006001", ("ALOS-2", "ALOS-2.PALSAR-2", "ScanSAR L1.1 (open and free)")),
                       DatasetEntry("27006002", ("ALOS-2", "ALOS-2.PALSAR-2", "ScanSAR L2.2 (open and free)"))]
    assert [e.guess_level() for e in entries] == ["L1.1", "L2.2"]


# --------------------------------------------------------------------------- issue 14: complete answers only
def test_paging_that_does_not_advance_or_stops_early_is_an_error(http_server):
    http_server.csw_features = [_palsar_feature(i) for i in range(7)]
    cat = GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L2.2": ["1"]}, page_size=3)
    http_server.csw_mode = "repeat"  # every page is the first one
    with pytest.raises(CatalogError, match="paging does not advance"):
        cat.search(_query())
    assert sum(1 for r in http_server.requests if r["path"] == "/csw") == 2
    http_server.csw_mode = "stop"  # the second page comes back empty although 7 match
    with pytest.raises(CatalogError, match="stopped after 3 of 7 records"):
        cat.search(_query())
    http_server.csw_mode = "ok"
    with pytest.raises(CatalogError, match="7 records match .* more than the 5"):
        GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L2.2": ["1"]}, max_records=5).search(_query())


def test_an_unreadable_record_is_skipped_and_reported(http_server):
    bad = _palsar_feature(1)
    bad["properties"]["beginPosition"] = "the first of February"
    http_server.csw_features = [_palsar_feature(0), bad, _palsar_feature(2)]
    cat = GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L2.2": ["1"]})
    assert [r.record_id[:14] for r in cat.search(_query())] == ["ALOS2471852900", "ALOS2471872900"]
    assert len(cat.failures) == 1 and "ALOS2471862900-230211_WBDR2.2GUD cannot be read" in cat.failures[0]


def test_an_extent_across_the_antimeridian_is_asked_as_two_boxes(http_server):
    east, west, far = _palsar_feature(0), _palsar_feature(1), _palsar_feature(2)
    east["geometry"]["coordinates"] = [[[178.0, -17.0], [179.5, -17.0], [179.5, -15.0], [178.0, -15.0], [178.0, -17.0]]]
    west["geometry"]["coordinates"] = [[[-179.5, -17.0], [-178.0, -17.0], [-178.0, -15.0], [-179.5, -15.0],
                                        [-179.5, -17.0]]]
    far["geometry"]["coordinates"] = [[[0.0, -17.0], [1.0, -17.0], [1.0, -15.0], [0.0, -15.0], [0.0, -17.0]]]
    http_server.csw_features = [east, west, far]  # the loopback CSW answers every record to every box
    cat = GPortalCatalog(http_server.base_url + "/csw", dataset_ids={"L2.2": ["1"]})
    found = cat.search(_query(bbox=(177.0, -16.5, -177.0, -15.5)))
    assert sorted(r.record_id[:14] for r in found) == ["ALOS2471852900", "ALOS2471862900"]
    boxes = sorted(r["query"].split("bbox=")[1].split("&")[0] for r in http_server.requests if r["path"] == "/csw")
    assert boxes == ["-180.0%2C-16.5%2C-177.0%2C-15.5", "177.0%2C-16.5%2C180.0%2C-15.5"]
