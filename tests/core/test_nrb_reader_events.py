"""Matching local products to a disaster-event scene and its archive pairing (no QGIS)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np

from palsar2_plugin.nrb import reader_events
from synthetic import jaxa_nrb


def _scene(**extra):
    values = dict(scene_id="taiwan2024-x", obs_date=dt.date(2024, 4, 4), frame=3150, scene_names=(),
                  archive_scene_names=(), archive=(SimpleNamespace(product="L1.1", date=dt.date(2024, 2, 8)),))
    values.update(extra)
    return SimpleNamespace(**values)


def test_event_and_archive_matched_by_date_and_frame(tmp_path):
    dn = np.full((20, 30), 1000, np.uint16)
    for stem in ("ALOS2500003150-240208_WWDR2.2GUD",        # archive
                 "ALOS2510003150-240405_WWDR2.2GUD",        # event, next UTC day (JST date in the table)
                 "ALOS2510009990-240404_WWDR2.2GUD",        # other frame
                 "ALOS2510003150-240410_WWDR2.2GUD"):       # other date
        jaxa_nrb.write_l22_product(str(tmp_path / stem), {"HH": dn, "HV": dn}, None, None, stem=stem)
    jaxa_nrb.write_l21_product(str(tmp_path / "l21"), {"HH": dn}, scene="ALOS2510003150-240404",
                                     product_id="WBSR2.1GUD")
    found = reader_events.find_event_products(str(tmp_path), _scene())
    assert [p.name for p in found.event] == ["ALOS2510003150-240405_WWDR2.2GUD", "ALOS2510003150-240404-WBSR2.1GUD"]
    assert [p.name for p in found.archive] == ["ALOS2500003150-240208_WWDR2.2GUD"]
    assert found.comparable
    assert reader_events.common_polarisation(found.archive[0], found.event[1]) == "HH"
    by_name = reader_events.find_event_products(
        str(tmp_path), _scene(scene_names=("ALOS2510003150-240410-WBSR1.1__D",), archive=()))
    assert [p.name for p in by_name.event] == ["ALOS2510003150-240410_WWDR2.2GUD"] and not by_name.comparable
    assert reader_events.find_event_products(str(tmp_path / "l21"), _scene()).archive == ()


def test_zipped_products_in_sub_folders_are_found(tmp_path):
    import zipfile

    dn = np.full((10, 10), 500, np.uint16)
    stem = "ALOS2500003150-240208_WWDR2.2GUD"
    jaxa_nrb.write_l22_product(str(tmp_path / "unzipped"), {"HH": dn}, None, None, stem=stem)
    (tmp_path / "event" / "scene").mkdir(parents=True)
    with zipfile.ZipFile(tmp_path / "event" / "scene" / f"{stem}.zip", "w") as zipped:
        for file in (tmp_path / "unzipped").iterdir():
            zipped.write(file, file.name)
    (tmp_path / "event" / "broken.zip").write_bytes(b"not a zip")
    import shutil

    shutil.rmtree(tmp_path / "unzipped")
    found = reader_events.find_event_products(str(tmp_path), _scene())
    assert [p.name for p in found.archive] == [stem]
    assert found.archive[0].backscatter["HH"].startswith("/vsizip/")
