"""Open-data bucket crawl against a loopback S3-like server: paging, STAC items, flat L1.1, incremental refresh."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from palsar2_plugin.catalog.errors import CatalogError
from palsar2_plugin.catalog.index import SceneIndex
from palsar2_plugin.catalog.opendata import OpenDataBucket
from palsar2_plugin.catalog.query import SearchQuery
from palsar2_plugin.catalog.s3 import parse_list_page
from palsar2_plugin.net.session import make_session
from servers.bucket_samples import fill_bucket as _fill_bucket, make_item as _item
from servers.fixtures import http_server  # noqa: F401

UTC = timezone.utc


def test_s3_error_document_is_a_clear_error():
    with pytest.raises(CatalogError, match="AccessDenied"):
        parse_list_page(b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>")
    with pytest.raises(CatalogError, match="not valid XML"):
        parse_list_page(b"<ListBucketResult><Contents>")


def test_listing_follows_continuation_tokens_and_folders(http_server):
    prefix, folder = _fill_bucket(http_server)
    bucket = OpenDataBucket(http_server.base_url, session=make_session(), page_size=4)
    objects = bucket.list_all(prefix)
    assert len(objects) == 5 * 7 + 1
    listings = [r for r in http_server.requests if "list-type=2" in r["query"]]
    assert len(listings) == 9 and "continuation-token" in listings[1]["query"]
    assert bucket.list_folders("palsar2-scansar/") == ["palsar2-scansar/Turkey-Syria-earthquake/"]
    assert bucket.list_folders("") == ["palsar2-scansar/", "palsar2/"]


@pytest.mark.slow
def test_refresh_builds_index_and_search_is_local(http_server, tmp_path):
    prefix, folder = _fill_bucket(http_server)
    bucket = OpenDataBucket(http_server.base_url, session=make_session(), page_size=7, workers=2)
    messages = []
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        stats = bucket.refresh(idx, prefixes=(prefix, folder), progress=lambda f, m: messages.append((f, m)))
        assert (stats.listed, stats.fetched, stats.written, stats.failures) == (36 + 9, 6, 6, [])
        assert messages[-1][0] == 1.0
        n_requests = len(http_server.requests)
        q = SearchQuery(bbox=(103.5, 10.5, 104.0, 11.0), start=datetime(2022, 6, 1), end=datetime(2022, 6, 30))
        found = idx.search(q)
        assert len(http_server.requests) == n_requests  # searching never touches the network
        assert [r.record_id for r in found] == ["ALOS2437590501-220611_WWDR2.2GUA"]
        rec = found[0]
        assert (rec.level, rec.mode, rec.pass_direction, rec.look_side, rec.polarisations) == (
            "L2.2", "WWD", "ascending", "right", ("HH", "HV"))
        assert rec.start_time == datetime(2022, 6, 11, 15, 58, 28, 260000, tzinfo=UTC)
        by_name = {f.name: f for f in rec.files}
        hh = by_name["ALOS2437590501-220611_WWDR2.2GUA_HH_SLP.tif"]
        assert hh.size == 101 and hh.etag == http_server.etag_of(prefix + hh.name)
        assert hh.url == http_server.url_of(prefix + hh.name)
        # the flat L1.1 folder: footprint and times from summary.txt, every file listed
        l11 = idx.search(SearchQuery(bbox=(-63.0, -11.5, -62.0, -10.5), start=datetime(2023, 2, 17),
                                     end=datetime(2023, 2, 17, 23, 59), levels=("L1.1",)))
        assert [r.record_id for r in l11] == ["ALOS2471852900-230217_WBSR1.1__D"]
        assert l11[0].start_time == datetime(2023, 2, 17, 9, 21, 10, 500000, tzinfo=UTC)
        assert l11[0].footprint[0] == (-62.9, -10.812)
        assert len(l11[0].files) == 9 and l11[0].polarisations == ("HH",)

        # incremental: nothing changed -> nothing fetched; one item changed -> only it is fetched
        again = bucket.refresh(idx, prefixes=(prefix, folder))
        assert (again.fetched, again.unchanged) == (0, 6)
        changed = _item("ALOS2437590500-220610", "WWDR2.2GUA", "2022-06-10T15:58:28.26Z", lon0=150.0)
        http_server.put(prefix + changed["id"] + ".json", json.dumps(changed).encode())
        third = bucket.refresh(idx, prefixes=(prefix,))
        assert (third.fetched, third.written) == (1, 1)
        moved = idx.search(SearchQuery(bbox=(150.5, 10.5, 151.0, 11.0), start=datetime(2022, 6, 1),
                                       end=datetime(2022, 6, 30)))
        assert [r.record_id for r in moved] == ["ALOS2437590500-220610_WWDR2.2GUA"]
        assert idx.count() == 6


def test_bad_item_is_skipped_and_reported(http_server, tmp_path):
    prefix, _ = _fill_bucket(http_server, n_items=2)
    http_server.put(prefix + "ALOS2437590599-220601_WWDR2.2GUA.json", b"{not json")
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        stats = OpenDataBucket(http_server.base_url).refresh(idx, prefixes=(prefix,))
        assert stats.written == 2 and len(stats.failures) == 1
        assert "not valid JSON" in stats.failures[0]


def test_date_window_limits_what_is_fetched(http_server, tmp_path):
    prefix, _ = _fill_bucket(http_server)
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        stats = OpenDataBucket(http_server.base_url).refresh(
            idx, prefixes=(prefix,), start=datetime(2022, 6, 13, tzinfo=UTC), end=datetime(2022, 6, 13, tzinfo=UTC))
        assert stats.fetched == 3  # 12, 13, 14 June (a day of margin each side)


def test_unreachable_bucket_is_a_clear_error(tmp_path):
    from servers.sshd import free_port
    bucket = OpenDataBucket(f"http://127.0.0.1:{free_port()}", session=make_session())
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        with pytest.raises(CatalogError, match="Cannot connect to http://127.0.0.1"):
            bucket.refresh(idx, prefixes=("palsar2/",))


def test_recent_listing_is_reused_and_new_window_reads_only_new_items(http_server, tmp_path):
    from datetime import timedelta
    prefix, _ = _fill_bucket(http_server)
    bucket = OpenDataBucket(http_server.base_url)
    day = timedelta(days=1)
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        first = bucket.refresh(idx, prefixes=(prefix,), start=datetime(2022, 6, 10, tzinfo=UTC),
                               end=datetime(2022, 6, 10, tzinfo=UTC), max_age=day)
        assert (first.listed, first.reused, first.fetched) == (36, 0, 2)  # 10 and 11 June (1 day margin)
        n = len(http_server.requests)
        again = bucket.refresh(idx, prefixes=(prefix,), start=datetime(2022, 6, 10, tzinfo=UTC),
                               end=datetime(2022, 6, 10, tzinfo=UTC), max_age=day)
        assert (again.listed, again.reused, again.fetched) == (0, 36, 0)
        assert len(http_server.requests) == n  # no request at all
        later = bucket.refresh(idx, prefixes=(prefix,), start=datetime(2022, 6, 13, tzinfo=UTC),
                               end=datetime(2022, 6, 14, tzinfo=UTC), max_age=day)
        assert (later.listed, later.fetched) == (0, 3)  # 12, 13, 14 June; the listing is reused
        assert sorted(r["path"].rsplit("/", 1)[-1][:21] for r in http_server.requests[n:]) == [
            "ALOS2437590502-220612", "ALOS2437590503-220613", "ALOS2437590504-220614"]
        forced = bucket.refresh(idx, prefixes=(prefix,), max_age=timedelta(0))
        assert forced.listed == 36 and forced.fetched == 0


# --------------------------------------------------------------------------- issue 14: an empty answer is a true answer
DAY = timedelta(days=1)


@pytest.mark.parametrize("mode, message", [
    ("html", "<html> document instead of an S3 listing"),
    ("json", "not valid XML"),
    ("cut", "not valid XML"),
])
def test_an_answer_that_is_not_a_listing_is_an_error_and_not_kept(http_server, tmp_path, mode, message):
    """A sign-in page, JSON or a cut document answered with 200 is an error, never "0 objects", and is not
    kept: once the bucket answers properly, the same search lists it and finds the scenes."""
    prefix, _ = _fill_bucket(http_server, n_items=2)
    bucket = OpenDataBucket(http_server.base_url)
    http_server.listing_mode = mode
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        with pytest.raises(CatalogError, match=message):
            bucket.refresh(idx, prefixes=(prefix,), max_age=DAY)
        assert idx.stored_listing(bucket.listing_key, prefix) is None and idx.count() == 0
        http_server.listing_mode = "ok"
        stats = bucket.refresh(idx, prefixes=(prefix,), max_age=DAY)
        assert (stats.listed, stats.reused, stats.written) == (15, 0, 2)


def test_listing_pages_must_be_complete_s3_documents():
    ok = (b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><KeyCount>1</KeyCount>'
          b"<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>3</Size><ETag>&quot;e&quot;</ETag>"
          b"</Contents></ListBucketResult>")
    objects, prefixes, token = parse_list_page(ok)
    assert [(o.key, o.size, o.etag) for o in objects] == [("a", 3, "e")] and token is None
    with pytest.raises(CatalogError, match="does not say whether it is complete"):
        parse_list_page(ok.replace(b"<IsTruncated>false</IsTruncated>", b""))
    with pytest.raises(CatalogError, match="gives no continuation token"):
        parse_list_page(ok.replace(b"false", b"true"))
    with pytest.raises(CatalogError, match="announces 2 entries but holds 1"):
        parse_list_page(ok.replace(b"<KeyCount>1", b"<KeyCount>2"))
    with pytest.raises(CatalogError, match="without a key or a size"):
        parse_list_page(ok.replace(b"<Size>3</Size>", b"<Size>x</Size>"))


@pytest.mark.parametrize("mode", ["repeat_token", "no_progress"])
def test_paging_without_progress_stops_at_once(http_server, mode):
    """A continuation token seen before, or a page repeating earlier keys, stops the listing at the second
    page (the server would otherwise answer forever; it gives up with HTTP 500 after 300 requests)."""
    prefix, _ = _fill_bucket(http_server, n_items=3)
    http_server.listing_mode = mode
    bucket = OpenDataBucket(http_server.base_url, page_size=4)
    with pytest.raises(CatalogError, match="does not advance"):
        bucket.list_all(prefix)
    assert http_server.listing_requests == 2


def test_listings_are_kept_per_server(http_server, tmp_path):
    """A listing stored for one bucket URL is never used for another one with the same prefix."""
    prefix, _ = _fill_bucket(http_server, n_items=2)
    other = type(http_server)().start()
    try:
        _fill_bucket(other, n_items=3)
        with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
            OpenDataBucket(http_server.base_url).refresh(idx, prefixes=(prefix,), max_age=DAY)
            stats = OpenDataBucket(other.base_url).refresh(idx, prefixes=(prefix,), max_age=DAY)
            assert (stats.listed, stats.reused, stats.fetched) == (22, 0, 3)  # listed and read again
            assert other.listing_requests == 1
            third = idx.get("ALOS2437590502-220612_WWDR2.2GUA")
            assert third is not None and third.files[0].url.startswith(other.base_url + "/")
    finally:
        other.stop()


def test_an_empty_listing_is_reported_and_not_kept(http_server, tmp_path):
    """A prefix with no object (a typo, or data not there yet) is reported, and listed again next time."""
    prefix, _ = _fill_bucket(http_server, n_items=1)
    bucket = OpenDataBucket(http_server.base_url)
    with SceneIndex(str(tmp_path / "idx.gpkg")) as idx:
        empty = bucket.refresh(idx, prefixes=("palsar2/L2.2/2026/",), max_age=DAY)
        assert empty.listed == 0 and "holds no object" in empty.failures[0]
        http_server.put("palsar2/L2.2/2026/" + "x.bin", b"1")
        again = bucket.refresh(idx, prefixes=("palsar2/L2.2/2026/",), max_age=DAY)
        assert (again.listed, again.reused, again.failures) == (1, 0, [])
