"""Scene records, names, times, queries and footprint geometry (no network)."""

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from palsar2_plugin.catalog.errors import SearchInputError
from palsar2_plugin.catalog.geometry import (gpkg_polygon_blob, parse_wkt_polygon, ring_from_gpkg_blob,
                                             rings_intersect)
from palsar2_plugin.catalog.query import SearchQuery
from palsar2_plugin.catalog.record import RemoteFile, SceneRecord, format_time, parse_name, parse_time

UTC = timezone.utc


def test_parse_l11_and_l22_names():
    n = parse_name("IMG-HH-ALOS2471852900-230217-WBSR1.1__D-F3")
    assert (n["scene_id"], n["product_id"], n["orbit"], n["frame"]) == ("ALOS2471852900-230217", "WBSR1.1__D", 47185, 2900)
    assert (n["level"], n["mode"], n["look_side"], n["pass_direction"]) == ("L1.1", "WBS", "right", "descending")
    assert n["date"] == datetime(2023, 2, 17, tzinfo=UTC)
    assert n["polarisations"] == ("HH",)
    m = parse_name("palsar2/L2.2/2025/ALOS2437590500-220630_WWDR2.2GUA.json")
    assert (m["product_id"], m["level"], m["pass_direction"], m["polarisations"]) == ("WWDR2.2GUA", "L2.2", "ascending", ("HH", "HV"))
    assert parse_name("collection.json") == {}


def test_times_round_trip_and_offsets():
    t = parse_time("2014-08-04T00:43:05.0595Z")
    assert t == datetime(2014, 8, 4, 0, 43, 5, 59500, tzinfo=UTC)
    assert format_time(t) == "2014-08-04T00:43:05.059500Z"
    assert parse_time("2024-04-04T12:37+09:00") == datetime(2024, 4, 4, 3, 37, tzinfo=UTC)
    assert parse_time("20140909 04:33:42.052") == datetime(2014, 9, 9, 4, 33, 42, 52000, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_time("yesterday")


def test_attributes_round_trip():
    rec = SceneRecord(record_id="ALOS2437590500-220630_WWDR2.2GUA", scene_id="ALOS2437590500-220630",
                      product_id="WWDR2.2GUA", level="L2.2", mode="WWD", polarisations=("HH", "HV"),
                      pass_direction="ascending", look_side="right", path=137, frame=500, orbit=43759,
                      start_time=datetime(2022, 6, 30, 15, 58, 28, 260000, tzinfo=UTC),
                      footprint=((121.7, 27.3), (122.3, 24.3), (125.8, 24.9), (121.7, 27.3)),
                      files=(RemoteFile("https://x/a_HH_SLP.tif", 1000, etag="e1"), RemoteFile("https://x/a.kml", 24)))
    attrs = rec.to_attributes()
    assert attrs["size_bytes"] == 1024
    assert attrs["polarisations"] == "HH HV"
    back = SceneRecord.from_attributes(attrs, rec.footprint)
    assert back.size_bytes == 1024  # the layer carries the total of the file sizes
    assert replace(back, size_bytes=None) == rec
    assert back.bbox == (121.7, 24.3, 125.8, 27.3)
    assert rec.files[0].name == "a_HH_SLP.tif"


def test_stored_attributes_carry_no_credentials():
    rec = SceneRecord(record_id="R", download_path="https://bob:s3cret@h/p/", quicklook_url="https://bob:s3cret@h/q.jpg",
                      files=(RemoteFile("https://bob:s3cret@h/p/IMG-HH-x", 10, etag="e"),))
    attrs = rec.to_attributes()
    assert "s3cret" not in json.dumps(attrs) and "bob" not in json.dumps(attrs)
    assert SceneRecord.from_attributes(attrs).files[0].url == "https://h/p/IMG-HH-x"


def _query(**kw):
    base = dict(bbox=(120.0, 20.0, 125.0, 25.0), start=datetime(2024, 1, 1), end=datetime(2024, 2, 1))
    base.update(kw)
    return SearchQuery(**base)


def test_query_validation_messages():
    with pytest.raises(SearchInputError, match="zero area"):
        _query(bbox=(120.0, 20.0, 120.0, 25.0)).validated()
    with pytest.raises(SearchInputError, match="before the start date"):
        _query(start=datetime(2024, 3, 1)).validated()
    with pytest.raises(SearchInputError, match="EPSG:4326"):
        _query(bbox=(300000.0, 20.0, 400000.0, 25.0)).validated()
    with pytest.raises(SearchInputError, match="Unknown product level"):
        _query(levels=("L3",)).validated()
    q = _query(levels=("2.2",), pass_direction="Desc").validated()
    assert q.levels == ("L2.2",) and q.pass_direction == "descending"
    assert q.start.tzinfo is UTC


def test_query_matches_time_filters_and_footprint():
    rec = SceneRecord(record_id="r", level="L2.2", mode="WBD", polarisations=("HH", "HV"), pass_direction="descending",
                      start_time=datetime(2024, 1, 10, 3, 0, tzinfo=UTC), end_time=datetime(2024, 1, 10, 3, 1, tzinfo=UTC),
                      footprint=((124.0, 24.0), (126.0, 24.0), (126.0, 26.0), (124.0, 26.0), (124.0, 24.0)))
    q = _query().validated()
    assert q.matches(rec)
    assert not _query(polarisations=("HH", "VV")).validated().matches(rec)
    assert not _query(pass_direction="ascending").validated().matches(rec)
    assert not _query(end=datetime(2024, 1, 10, 2, 59)).validated().matches(rec)
    assert _query(start=datetime(2024, 1, 10, 3, 0, 30), end=datetime(2024, 1, 11)).validated().matches(rec)
    assert not _query(bbox=(126.5, 20.0, 130.0, 30.0)).validated().matches(rec)


def test_ring_intersection_cases():
    square = ((0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0))
    diamond_far = ((3.0, 1.0), (4.0, 0.0), (5.0, 1.0), (4.0, 2.0), (3.0, 1.0))
    inside = ((0.5, 0.5), (1.0, 0.5), (1.0, 1.0), (0.5, 0.5))
    crossing = ((1.0, -1.0), (1.5, -1.0), (1.5, 3.0), (1.0, 3.0), (1.0, -1.0))  # no vertex inside either
    # a tilted strip whose bbox overlaps the square but which does not touch it
    tilted = ((2.5, 0.0), (3.0, 0.0), (0.5, 2.5), (0.0, 2.5), (2.5, 0.0))
    assert rings_intersect(square, inside) and rings_intersect(inside, square)
    assert rings_intersect(square, crossing)
    assert not rings_intersect(square, diamond_far)
    assert rings_intersect(square, tilted) is True  # the strip's lower edge crosses the corner region
    far_tilted = ((3.5, 0.0), (4.0, 0.0), (1.5, 3.5), (1.0, 3.5), (3.5, 0.0))
    assert not rings_intersect(square, far_tilted)


def test_wkt_and_gpkg_blob_round_trip():
    ring = parse_wkt_polygon("Polygon ((121.732262 27.339137, 122.316740 24.313445, 125.775968 24.879538, "
                             "125.285874 27.889129, 121.732262 27.339137))")
    assert len(ring) == 5 and ring[1] == (122.31674, 24.313445)
    blob = gpkg_polygon_blob(ring)
    assert blob[:2] == b"GP" and len(blob) == 8 + 32 + 13 + 16 * 5
    assert ring_from_gpkg_blob(blob) == ring
