"""Tests of the disaster-event scene lists (palsar2_plugin.events and data/events.json), without QGIS.

The expected numbers are read off JAXA's page (seed/jaxa_palsar2_products_page.txt): one row is one
acquisition x frame x product file, as events.json's ``row_definition`` says.
"""

import copy
import dataclasses
import datetime as dt
import json
from collections import Counter

import pytest

from palsar2_plugin import events as ev
from palsar2_plugin.errors import Palsar2Error


def _document():
    with open(ev.DEFAULT_EVENTS_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def _acquisition_sizes(event_id):
    """Rows per observation date, in page order."""
    counts = Counter(s.obs_date for s in ev.get_event(event_id).scenes)
    return [(d.isoformat(), n) for d, n in sorted(counts.items())]


def test_event_ids_and_choices_are_stable():
    assert ev.event_ids() == ("taiwan2024", "noto2024", "turkey2023")
    assert ev.ALL_EVENTS == "all"


def test_exact_row_counts_per_event():
    counts = {e.event_id: len(e.scenes) for e in ev.load_events()}
    assert counts == {"taiwan2024": 12, "noto2024": 29, "turkey2023": 8}
    assert len(ev.scenes_for("all")) == 49
    assert len(ev.scenes_for("noto2024")) == 29


def test_taiwan_rows_match_the_page():
    assert _acquisition_sizes("taiwan2024") == [("2024-04-04", 6), ("2024-04-05", 6)]
    scenes = ev.get_event("taiwan2024").scenes
    first = [s for s in scenes if s.obs_date == dt.date(2024, 4, 4)]
    assert {s.path for s in first} == {25} and {s.frame for s in first} == {3150}
    assert [s.beam_file for s in first] == ["Beam 1", "Beam 2", "Beam 3", "Beam 4", "Beam 5", "Beam 1-5"]
    assert [s.products for s in first] == [("L1.1",)] * 5 + [("L2.1",)]
    assert first[-1].beam_numbers == (1, 2, 3, 4, 5) and first[2].beam_numbers == (3,)
    assert {s.beam for s in first} == {"W3"}
    assert {s.archive_date() for s in first} == {dt.date(2024, 2, 8)}
    second = [s for s in scenes if s.obs_date == dt.date(2024, 4, 5)]
    assert [(s.frame, s.beam_file) for s in second] == [
        (3100, "Beam 1"), (3100, "Beam 2"), (3150, "Beam 1"), (3150, "Beam 2"),
        (3100, "Beam 1-5"), (3150, "Beam 1-5")]
    assert {s.beam for s in second} == {"W2"} and {s.path for s in second} == {28}
    assert {s.archive_date("L2.1") for s in second if "L2.1" in s.products} == {dt.date(2024, 3, 8)}
    assert all(s.pass_direction == "descending" and s.look_side == "right" for s in scenes)
    assert all(s.non_commercial_only for s in scenes)
    # times from the EORC table (JST) converted to UTC
    assert first[0].obs_time_jst == "12:37"
    assert first[0].obs_time_utc == dt.datetime(2024, 4, 4, 3, 37, tzinfo=dt.timezone.utc)
    assert second[0].obs_time_utc == dt.datetime(2024, 4, 5, 3, 55, tzinfo=dt.timezone.utc)
    # footnote *1 printed on the first row, "HH only, per beam" applies to every L1.1 beam file
    assert first[0].footnote_marks == ("*1",) and first[1].footnote_marks == ()
    l11 = [s for s in scenes if s.products == ("L1.1",)]
    assert len(l11) == 9
    assert all(s.polarisations == ("HH",) for s in l11)
    assert all(any("HH polarisation only" in n for n in s.notes) for s in l11)
    assert all(any("12-15 GB" in n for n in s.notes) for s in l11)


def test_noto_rows_match_the_page():
    assert _acquisition_sizes("noto2024") == [
        ("2024-01-01", 3), ("2024-01-02", 3), ("2024-01-03", 2), ("2024-01-05", 2), ("2024-01-08", 2),
        ("2024-01-09", 3), ("2024-01-10", 6), ("2024-01-12", 3), ("2024-01-14", 2), ("2024-01-15", 3)]
    scenes = ev.get_event("noto2024").scenes
    beams = [s.beam for s in scenes if s.frame_label and s.table_row in (1, 4, 7, 9, 11, 13, 16, 22, 25, 27)]
    assert beams == ["U2-6L", "U2-8L", "U2-9R", "W2", "U3-13R", "U3-10R", "W2", "U2-7R", "U2-8R", "U2-7L"]
    paths = [s.path for s in scenes]
    assert Counter(paths) == {121: 6, 26: 3, 127: 2, 21: 2, 128: 2, 19: 3, 120: 6, 126: 3, 20: 2}
    stripmap = [s for s in scenes if s.mode_family == "Stripmap"]
    assert len(stripmap) == 21
    assert all(s.products == ("L1.1", "L2.1") and s.beam_numbers == () for s in stripmap)
    assert all(len(set(s.archive_dates)) == 1 for s in scenes)
    # look side from the beam name's L/R suffix
    assert {s.look_side for s in stripmap if s.beam.endswith("L")} == {"left"}
    assert {s.look_side for s in stripmap if s.beam.endswith("R")} == {"right"}
    by_id = {s.scene_id: s for s in scenes}
    b1 = by_id["noto2024-20240105-p021-f2850-b1"]
    assert b1.footnote_marks == ("*2",) and b1.products == ("L1.1",) and b1.polarisations == ("HH",)
    assert b1.archive_date() == dt.date(2023, 11, 24) and b1.pass_direction == "descending"
    assert by_id["noto2024-20240110-p120-f0750-b1"].footnote_marks == ("*1", "*3")
    assert by_id["noto2024-20240110-p120-f0750-b1-5"].products == ("L2.1",)
    assert by_id["noto2024-20240110-p120-f0750-b4"].archive_date() == dt.date(2023, 1, 25)
    assert by_id["noto2024-20240103-p127-f0720"].footnote_marks == ("*1",)
    assert any("definitive orbit" in n for n in by_id["noto2024-20240103-p127-f0730"].notes)
    assert by_id["noto2024-20240109-p019-f2880"].archive_date("L2.1") == dt.date(2021, 10, 19)
    assert by_id["noto2024-20240115-p121-f0770"].archive_date() == dt.date(2022, 6, 6)
    assert any("6 GB" in n for n in by_id["noto2024-20240101-p121-f0750"].notes)
    assert by_id["noto2024-20240101-p121-f0750"].obs_time_utc == dt.datetime(2024, 1, 1, 14, 10,
                                                                              tzinfo=dt.timezone.utc)
    assert {m.mark for m in ev.get_event("noto2024").footnotes} == {"*1", "*2", "*3"}


def test_turkey_rows_match_the_page_and_the_bucket_keys():
    scenes = ev.get_event("turkey2023").scenes
    gportal = [s for s in scenes if not s.keys]
    assert [(s.obs_date.isoformat(), s.path, s.polarisations, s.pass_direction[:3], s.archive_date().isoformat())
            for s in gportal] == [
        ("2023-02-11", 185, ("HH", "HV"), "asc", "2022-09-10"),
        ("2023-02-12", 76, ("HH", "HV"), "des", "2022-09-11"),
        ("2023-02-15", 183, ("HH", "HV"), "asc", "2019-09-18"),
        ("2023-02-17", 77, ("HH",), "des", "2022-09-16"),
        ("2023-02-20", 184, ("HH",), "asc", "2022-09-05"),
        ("2023-02-22", 78, ("HH",), "des", "2022-09-07")]
    assert all(s.frame is None and s.beam == "W2" and s.look_side == "right" for s in gportal)
    aws = [s for s in scenes if s.keys]
    assert [s.scene_names for s in aws] == [("ALOS2471852850-230217-WBSR1.1__D",),
                                           ("ALOS2471852900-230217-WBSR1.1__D",)]
    assert [s.archive_scene_names for s in aws] == [("ALOS2449082850-220916-WBSR1.1__D",),
                                                   ("ALOS2449082900-220916-WBSR1.1__D",)]
    all_keys = [k for s in aws for k in s.keys + s.archive_keys]
    assert len(all_keys) == len(set(all_keys)) == 56
    for s in aws:
        assert len(s.keys) == len(s.archive_keys) == 14
        names = {k.rsplit("/", 1)[1] for k in s.keys}
        stem = s.scene_names[0]
        assert {f"IMG-HH-{stem}-F{i}" for i in range(1, 6)} <= names
        assert {f"LED-{stem}", f"TRL-{stem}", f"VOL-{stem}", f"summary_{stem}.txt"} <= names
        assert all(k.startswith("palsar2-scansar/Turkey-Syria-earthquake/L1.1/") for k in s.keys)
        assert s.beam_numbers == (1, 2, 3, 4, 5) and s.archive_date() == dt.date(2022, 9, 16)
    assert not any(s.non_commercial_only for s in scenes)


def test_every_scene_is_consistent():
    for event, scene in ev.scenes_for():
        assert scene.event_id == event.event_id
        assert scene.footprint is None                       # no footprint is published
        assert [a.product for a in scene.archive] == list(scene.products)
        assert all(d < scene.obs_date for d in scene.archive_dates)
        assert scene.obs_date >= event.event_date
        assert (scene.obs_date - event.event_date).days <= 16
        assert scene.mode_family == ("ScanSAR" if scene.beam.startswith("W") else "Stripmap")
        assert scene.scene_id.startswith(event.event_id + "-")
        if scene.mode_family == "ScanSAR" and scene.beam_file:
            low, _, high = scene.beam_file.replace("Beam ", "").partition("-")
            assert scene.beam_numbers == tuple(range(int(low), int(high or low) + 1))
    rows = [s.table_row for _, s in ev.scenes_for("noto2024")]
    assert rows == list(range(1, 30))


def test_scene_record_is_flat_and_ordered():
    event, scene = ev.find_scene("taiwan2024-20240405-p028-f3150-b1-5")
    record = ev.scene_record(event, scene)
    assert list(record) == [name for name, _ in ev.RECORD_FIELDS]
    assert record["products"] == "L2.1 (GeoTIFF)"
    assert record["beam_numbers"] == "1; 2; 3; 4; 5"
    assert record["archive"] == "L2.1 2024-03-08"
    assert record["archive_date"] == dt.date(2024, 3, 8)
    assert record["polarisations"] is None
    assert record["event_name_ja"] == "2024年4月3日 台湾地震"
    assert record["source_page"].startswith("https://www.eorc.jaxa.jp/")


def test_event_names_and_unknown_ids():
    noto = ev.get_event("noto2024")
    assert noto.name("ja") == "令和6年(2024年)能登半島地震"
    assert noto.name("en").startswith("2024 Noto Peninsula earthquake")
    assert noto.event_date == dt.date(2024, 1, 1)
    assert [e.short_name("en") for e in ev.load_events()] == ["Taiwan 2024", "Noto 2024", "Turkey-Syria 2023"]
    assert ev.get_event("turkey2023").short_name("ja") == "トルコ 2023"
    with pytest.raises(ev.UnknownEventError, match="taiwan2024, noto2024, turkey2023") as info:
        ev.scenes_for("noto2025")
    assert isinstance(info.value, Palsar2Error)
    with pytest.raises(ev.UnknownEventError):
        ev.find_scene("nope")


def test_dataclasses_are_frozen():
    _, scene = ev.scenes_for("turkey2023")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        scene.path = 1


def test_bad_documents_are_reported():
    doc = _document()
    bad = copy.deepcopy(doc)
    bad["schema_version"] = 2
    with pytest.raises(ev.EventDataError, match="schema_version 2"):
        ev.parse_events(bad)
    bad = copy.deepcopy(doc)
    del bad["events"][1]["scenes"][3]["path"]
    with pytest.raises(ev.EventDataError, match="noto2024-20240102-p026-f2820.*missing field 'path'"):
        ev.parse_events(bad)
    bad = copy.deepcopy(doc)
    bad["events"][0]["scenes"][0]["pass_direction"] = "north"
    with pytest.raises(ev.EventDataError, match="pass_direction"):
        ev.parse_events(bad)
    bad = copy.deepcopy(doc)
    bad["events"][2]["scenes"][1]["scene_id"] = bad["events"][2]["scenes"][0]["scene_id"]
    with pytest.raises(ev.EventDataError, match="duplicate scene ids"):
        ev.parse_events(bad)
    bad = copy.deepcopy(doc)
    bad["events"][0]["scenes"][0]["footprint"] = {"type": "Polygon", "coordinates": [[[120, 23], [121, 23], [121, 24]]]}
    with pytest.raises(ev.EventDataError, match="closed"):
        ev.parse_events(bad)


def test_a_footprint_is_parsed_when_given():
    doc = _document()
    ring = [[121.0, 23.0], [122.0, 23.0], [122.0, 24.5], [121.0, 24.5], [121.0, 23.0]]
    doc["events"][0]["scenes"][0]["footprint"] = {"type": "Polygon", "coordinates": [ring]}
    scene = ev.parse_events(doc)[0].scenes[0]
    assert scene.footprint == tuple((x, y) for x, y in ring)


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(ev.EventDataError, match="Cannot read"):
        ev.load_events(str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": ', encoding="utf-8")
    with pytest.raises(ev.EventDataError, match="not valid JSON"):
        ev.load_events(str(broken))
    copy_file = tmp_path / "events.json"
    copy_file.write_text(json.dumps(_document()), encoding="utf-8")
    assert sum(len(e.scenes) for e in ev.load_events(str(copy_file))) == 49


def test_every_scene_has_a_way_to_get_its_data():
    """Open-data rows (bucket keys) are searched and downloaded; G-Portal rows ordered there; the others come
    from the Download column of JAXA's page (the event data's source_page)."""
    from palsar2_plugin.catalog.endpoints import GPORTAL_SEARCH_URL

    routes = {}
    for event, scene in ev.scenes_for(ev.ALL_EVENTS):
        route = ev.access_route(event, scene)
        routes.setdefault((event.event_id, route.kind), set()).add(route.url)
    assert routes == {
        ("taiwan2024", ev.ACCESS_JAXA_PAGE): {ev.load_events()[0].source_page},
        ("noto2024", ev.ACCESS_JAXA_PAGE): {ev.load_events()[0].source_page},
        ("turkey2023", ev.ACCESS_GPORTAL): {GPORTAL_SEARCH_URL},
        ("turkey2023", ev.ACCESS_OPEN_DATA): {""},
    }
    assert ev.load_events()[0].source_page.startswith("https://www.eorc.jaxa.jp/")
