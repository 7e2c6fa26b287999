"""The local GeoPackage scene index: R-tree + time search, upsert, and that GDAL reads it as a layer."""

from datetime import datetime, timedelta, timezone

import pytest

from palsar2_plugin.catalog.errors import SearchInputError
from palsar2_plugin.catalog.index import SceneIndex
from palsar2_plugin.catalog.query import SearchQuery
from palsar2_plugin.catalog.record import RemoteFile, SceneRecord

UTC = timezone.utc


def _scene(i, lon, lat, day, level="L2.2", pass_direction="ascending", pols=("HH", "HV")):
    t = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=day, minutes=i % 60)
    ring = ((lon, lat), (lon + 3, lat), (lon + 3, lat + 3), (lon, lat + 3), (lon, lat))
    return SceneRecord(record_id=f"S{i:05d}", level=level, mode="WBD", polarisations=pols, pass_direction=pass_direction,
                       start_time=t, end_time=t + timedelta(seconds=30), footprint=ring,
                       files=(RemoteFile(f"https://h/S{i:05d}.tif", 10 + i),), source="test")


def test_search_by_area_time_and_filters(tmp_path):
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        recs = [_scene(i, lon=float(i % 10) * 4, lat=0.0, day=i // 10,
                       pass_direction="ascending" if i % 2 else "descending") for i in range(100)]
        assert idx.upsert(recs) == 100
        assert idx.count() == 100
        # AOI covers lon 0..5 -> columns i%10 in {0, 1} (footprints 0..3 and 4..7); days 2..4 -> i//10 in {2,3,4}
        q = SearchQuery(bbox=(0.5, 0.5, 5.0, 2.0), start=datetime(2024, 1, 3), end=datetime(2024, 1, 5, 23, 59))
        got = idx.search(q)
        assert [r.record_id for r in got] == ["S00020", "S00021", "S00030", "S00031", "S00040", "S00041"]
        assert got[0].files[0].size == 30 and got[0].footprint[0] == (0.0, 0.0)
        asc = idx.search(SearchQuery(bbox=q.bbox, start=q.start, end=q.end, pass_direction="ascending"))
        assert [r.record_id for r in asc] == ["S00021", "S00031", "S00041"]
        assert idx.search(SearchQuery(bbox=q.bbox, start=q.start, end=q.end, levels=("L1.1",))) == []


def test_upsert_replaces_and_survives_reopen(tmp_path):
    path = str(tmp_path / "idx.gpkg")
    with SceneIndex(path) as idx:
        idx.upsert([_scene(1, 10.0, 10.0, 0)])
        moved = _scene(1, 50.0, 10.0, 0)
        idx.upsert([moved])
        assert idx.count() == 1
    with SceneIndex(path) as idx:
        q = SearchQuery(bbox=(9.0, 9.0, 12.0, 12.0), start=datetime(2023, 12, 31), end=datetime(2024, 1, 2))
        assert idx.search(q) == []
        q2 = SearchQuery(bbox=(50.5, 10.5, 51.0, 11.0), start=q.start, end=q.end)
        assert [r.record_id for r in idx.search(q2)] == ["S00001"]
        assert idx.get("S00001").footprint[0] == (50.0, 10.0)


def test_bad_queries_are_refused_before_reading(tmp_path):
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        with pytest.raises(SearchInputError, match="zero area"):
            idx.search(SearchQuery(bbox=(1.0, 1.0, 1.0, 1.0), start=datetime(2024, 1, 1), end=datetime(2024, 1, 2)))
        with pytest.raises(SearchInputError, match="swap them"):
            idx.search(SearchQuery(bbox=(1.0, 1.0, 2.0, 2.0), start=datetime(2024, 1, 2), end=datetime(2024, 1, 1)))


def test_gdal_reads_the_index_as_a_polygon_layer(tmp_path):
    ogr = pytest.importorskip("osgeo.ogr")
    path = str(tmp_path / "idx.gpkg")
    with SceneIndex(path) as idx:
        idx.upsert([_scene(i, float(i), 0.0, i) for i in range(3)])
    ds = ogr.Open(path)
    assert ds is not None and ds.GetDriver().GetName() == "GPKG"
    layer = ds.GetLayerByName("scenes")
    assert layer.GetFeatureCount() == 3
    assert layer.GetGeomType() == ogr.wkbPolygon
    assert layer.GetSpatialRef().GetAuthorityCode(None) == "4326"
    feat = layer.GetNextFeature()
    assert feat.GetField("record_id") == "S00000"
    assert feat.GetGeometryRef().GetEnvelope() == (0.0, 3.0, 0.0, 3.0)
    layer.SetSpatialFilterRect(1.5, 0.5, 1.6, 0.6)  # uses our R-tree: scenes at lon 0 and 1 cover x=1.5
    assert sorted(f.GetField("record_id") for f in layer) == ["S00000", "S00001"]


def test_footprint_across_the_antimeridian(tmp_path):
    from palsar2_plugin.catalog.geometry import close_ring
    ring = close_ring([(179.0, -17.0), (-178.5, -17.0), (-178.5, -14.0), (179.0, -14.0)])  # Fiji
    assert ring[1] == (181.5, -17.0)
    rec = SceneRecord(record_id="FIJI", level="L2.2", start_time=datetime(2024, 1, 1, tzinfo=UTC), footprint=ring)
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        idx.upsert([rec, _scene(2, 100.0, -16.0, 0)])
        when = dict(start=datetime(2023, 12, 31), end=datetime(2024, 1, 2))
        assert [r.record_id for r in idx.search(SearchQuery(bbox=(-179.0, -16.0, -178.8, -15.0), **when))] == ["FIJI"]
        assert [r.record_id for r in idx.search(SearchQuery(bbox=(179.5, -16.0, 180.0, -15.0), **when))] == ["FIJI"]
        assert idx.search(SearchQuery(bbox=(-170.0, -16.0, -160.0, -15.0), **when)) == []
        assert idx.search(SearchQuery(bbox=(170.0, -16.0, 178.0, -15.0), **when)) == []


def test_search_box_across_the_antimeridian(tmp_path):
    """west > east: a box from 178 E to 178 W finds scenes on both sides (and an unwrapped one), not the
    356 degrees between them."""
    from palsar2_plugin.catalog.geometry import close_ring
    across = SceneRecord(record_id="ACROSS", level="L2.2", start_time=datetime(2024, 1, 1, tzinfo=UTC),
                         footprint=close_ring([(179.5, -17.0), (-179.0, -17.0), (-179.0, -14.0), (179.5, -14.0)]))
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        idx.upsert([across, _scene(1, 175.5, -16.0, 0), _scene(2, -179.5, -16.0, 0), _scene(3, 0.0, -16.0, 0),
                    _scene(4, 170.0, -16.0, 0)])
        q = SearchQuery(bbox=(178.0, -15.5, -178.0, -15.0), start=datetime(2023, 12, 31), end=datetime(2024, 1, 2))
        assert q.validated().crosses_antimeridian
        assert [r.record_id for r in idx.search(q)] == ["ACROSS", "S00001", "S00002"]
        aoi = ((179.0, -15.5), (181.0, -15.5), (181.0, -15.0), (179.0, -15.0), (179.0, -15.5))  # unwrapped AOI
        q2 = SearchQuery(bbox=(179.0, -15.5, -179.0, -15.0), aoi=aoi, start=q.start, end=q.end)
        assert [r.record_id for r in idx.search(q2)] == ["ACROSS", "S00002"]


@pytest.mark.parametrize("content, message", [
    (b"this is not a database, it is a text file written over the index" * 100, "is damaged"),
    ("foreign", "database of another kind"),
], ids=["damaged", "foreign"])
def test_a_damaged_or_foreign_index_is_a_clear_error(tmp_path, content, message):
    from palsar2_plugin.catalog.errors import CatalogError
    path = tmp_path / "idx.gpkg"
    if content == "foreign":
        import sqlite3
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE parcels (id INTEGER, owner TEXT)")
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(CatalogError, match=message):
        SceneIndex(str(path))
    assert path.read_bytes() == before  # nothing written into somebody else's file


@pytest.mark.slow  # waits for the busy timeout
def test_a_locked_index_is_a_clear_error(tmp_path):
    import sqlite3
    import time as _time
    from palsar2_plugin.catalog import index as index_module
    from palsar2_plugin.catalog.errors import CatalogError
    path = str(tmp_path / "idx.gpkg")
    with SceneIndex(path) as idx:
        idx.upsert([_scene(1, 0.0, 0.0, 0)])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        t0 = _time.monotonic()
        with pytest.raises(CatalogError, match="locked by another program"):
            with SceneIndex(path) as idx:
                idx.upsert([_scene(2, 0.0, 0.0, 0)])
        assert _time.monotonic() - t0 < index_module.BUSY_TIMEOUT_S + 3
    finally:
        holder.rollback() if holder.in_transaction else None
        holder.close()
