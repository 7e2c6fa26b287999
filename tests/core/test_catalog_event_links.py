"""Event rows -> open-data records, against the loopback bucket (real event list, sample bucket)."""

from palsar2_plugin import events
from palsar2_plugin.catalog.event_links import event_scene_records, link_status, record_ids_of
from palsar2_plugin.catalog.index import SceneIndex
from palsar2_plugin.catalog.opendata import OpenDataBucket
from servers.bucket_samples import fill_bucket
from servers.fixtures import http_server  # noqa: F401


def test_record_ids_from_scene_names():
    assert record_ids_of(["ALOS2471852850-230217-WBSR1.1__D", "nonsense"]) == ["ALOS2471852850-230217_WBSR1.1__D"]


def test_turkey_row_links_to_the_bucket_record(http_server, tmp_path):
    fill_bucket(http_server)  # holds ALOS2471852900-230217-WBSR1.1__D in the Turkey L1.1 folder
    _, scene = events.find_scene("turkey2023-20230217-p077-f2900-aws")
    _, no_keys = events.find_scene("turkey2023-20230211-p185")
    assert link_status(scene) == "bucket" and link_status(no_keys) == "none"
    with SceneIndex(str(tmp_path / "i.gpkg")) as index:
        bucket = OpenDataBucket(http_server.base_url)
        recs = event_scene_records(scene, index, bucket)
        assert [r.record_id for r in recs] == ["ALOS2471852900-230217_WBSR1.1__D"]
        assert len(recs[0].files) == 9 and recs[0].footprint
        assert event_scene_records(no_keys, index, bucket) == []
        # the archive (pre-event) scene is not in the sample bucket: found records only
        assert [r.record_id for r in event_scene_records(scene, index, bucket, include_archive=True)] == [
            "ALOS2471852900-230217_WBSR1.1__D"]
