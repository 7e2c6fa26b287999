"""The real JAXA L1.5 FBD sample (© JAXA, via pyroSAR's test data): layouts byte for byte and metadata."""

from sample_data import CEOS_L15
import struct
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from palsar2_plugin.ceos import layouts as L
from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.reader import parse_leader, parse_volume_directory, walk_records

SAMPLE = CEOS_L15
STEM = "ALOS2015976960-140909-FBDR1.5GUA"


def _reencode_mismatches(layout, record):
    """Fields whose bytes differ after parse -> build (checks every field's format against JAXA's)."""
    values = layout.parse(record, "sample", 0)
    rebuilt = layout.build(values, sequence=struct.unpack(">I", record[:4])[0], length=len(record))
    bad = []
    for f in layout.fields:
        for p in f.positions():
            if rebuilt[p:p + f.width] != record[p:p + f.width]:
                bad.append((f.name, p + 1, record[p:p + f.width], rebuilt[p:p + f.width]))
    assert rebuilt[:12] == record[:12]
    return bad


def test_every_layout_field_reencodes_to_jaxa_bytes():
    vol = (SAMPLE / f"VOL-{STEM}").read_bytes()
    led = (SAMPLE / f"LED-{STEM}").read_bytes()
    trl = (SAMPLE / f"TRL-{STEM}").read_bytes()
    img = (SAMPLE / f"IMG-HH-{STEM}").read_bytes()
    heads = walk_records(led, "LED")
    rec = {h.codes: led[h.offset:h.offset + h.length] for h in heads[:8]}
    checks = [(L.VOLUME_DESCRIPTOR, vol[:360]), (L.FILE_POINTER, vol[360:720]), (L.FILE_POINTER, vol[1080:1440]),
              (L.TEXT_RECORD, vol[1800:2160]), (L.LEADER_FDR, led[:720]), (L.DATA_SET_SUMMARY, rec[L.CODES_DSS]),
              (L.MAP_PROJECTION, rec[L.CODES_MAP]), (L.PLATFORM_POSITION, rec[L.CODES_PLATFORM]),
              (L.ATTITUDE, rec[L.CODES_ATTITUDE]), (L.RADIOMETRIC, rec[L.CODES_RADIOMETRIC]),
              (L.DATA_QUALITY, rec[L.CODES_DATA_QUALITY]),
              (L.FACILITY_COORDINATES, led[heads[11].offset:]), (L.TRAILER_FDR, trl[:720]), (L.IMAGE_FDR, img)]
    for layout, record in checks:
        assert _reencode_mismatches(layout, record) == [], layout.name


def test_leader_record_sequence_codes_and_lengths():
    heads = walk_records((SAMPLE / f"LED-{STEM}").read_bytes(), "LED")
    assert [h.length for h in heads] == [720, 4096, 1620, 4680, 16384, 9860, 1620, 325000, 511000, 3072, 728000, 5000]
    assert [h.codes[1] for h in heads] == [192, 10, 20, 30, 40, 50, 60, 200, 200, 200, 200, 200]
    assert [h.sequence for h in heads] == list(range(1, 13))


def test_volume_directory():
    vol = parse_volume_directory((SAMPLE / f"VOL-{STEM}").read_bytes(), "VOL")
    assert vol["descriptor"]["number_of_file_pointers"] == 4
    assert vol["descriptor"]["logical_volume_id"] == "AL2SAR20150320"
    assert [p["file_class_code"] for p in vol["pointers"]] == ["SARL", "IMOP", "IMOP", "SART"]
    assert vol["pointers"][1]["number_of_records"] == 13162
    assert vol["pointers"][1]["max_record_length"] == 25932
    assert vol["text"]["product_type"] == "PRODUCT:FBDR1.5GUA"


def test_scene_metadata_from_real_sample():
    s = open_product(SAMPLE)
    assert s.scene_id == "ALOS2015976960-140909"
    assert s.product_id == "FBDR1.5GUA"
    assert (s.mode, s.level, s.look_side, s.pass_direction) == ("FBD", "1.5", "right", "ascending")
    assert s.polarisations == ("HH", "HV")
    assert s.clock_angle_deg == 90.0
    assert s.wavelength_m == pytest.approx(0.2424525)
    assert s.calibration_factor_db == -83.0
    assert s.scene_centre_time_utc == datetime(2014, 9, 9, 4, 33, 47, 52000, tzinfo=timezone.utc)
    assert s.centre_lat_lon == (-11.0510316, -62.5322403)
    assert s.doppler_centroid_hz == (-18.5767897, -0.0243354)
    assert len(s.state_vectors) == 28
    sv = s.state_vectors[0]
    assert sv.time_utc == datetime(2014, 9, 9, 4, 20, 0, tzinfo=timezone.utc)
    assert sv.position_m == pytest.approx((2129356.513, -2537160.286, -6186365.283), abs=1e-3)
    assert sv.velocity_m_s == pytest.approx((2210.618, -6430.174, 3399.321), abs=1e-3)
    assert (s.state_vectors[-1].time_utc - sv.time_utc).total_seconds() == 27 * 60
    assert s.corners.left_top == (-10.812, -62.900)
    assert s.corners.right_bottom == (-11.290, -62.163)
    assert s.frame_corners.left_top == (-10.679, -62.901)
    assert len(s.images) == 2
    for im in s.images:
        assert (im.lines, im.pixels, im.sample_format, im.prefix_bytes) == (13161, 12870, "IU2", 192)
        assert im.prf_hz == pytest.approx(2122.318, abs=1e-3)
        assert im.line_interval_s == pytest.approx(1 / 2122.3184485)
        assert im.range_sampling_rate_hz == pytest.approx(34.9305319046746e6)
        assert im.range_pixel_spacing_m == pytest.approx(4.2913, abs=1e-4)
        assert im.first_line_time_utc is None  # the sample's IMG is cut to its descriptor


def test_facility5_polynomials_reproduce_map_corners():
    s = open_product(SAMPLE)
    poly, geo = s.coordinate_polynomials, s.map_georeference
    lat, lon = poly.pixel_line_to_lat_lon(0, 0)
    assert (float(lat), float(lon)) == pytest.approx((-10.6794393, -62.9005207), abs=1e-6)
    # all four corners: first-first, first-last, last-last, last-first (pixel, line)
    pixels, lines = np.array([0, 12869, 12869, 0]), np.array([0, 0, 13160, 13160])
    lat, lon = poly.pixel_line_to_lat_lon(pixels, lines)
    expected = np.array(geo.corner_lat_lon)
    assert np.abs(lat - expected[:, 0]).max() < 1e-6 and np.abs(lon - expected[:, 1]).max() < 1e-6
    p, l_ = poly.lat_lon_to_pixel_line(expected[:, 0], expected[:, 1])
    assert np.abs(p - pixels).max() < 0.01 and np.abs(l_ - lines).max() < 0.01


def test_l15_map_georeference():
    geo = open_product(SAMPLE / f"IMG-HV-{STEM}").map_georeference
    assert geo.epsg == 32720 and geo.utm_zone == 20
    assert geo.pixel_spacing_m == 6.25
    x0, dx, rx, y0, ry, dy = geo.geotransform
    assert (dx, rx, ry, dy) == pytest.approx((6.25, 0.0, 0.0, -6.25))
    # corner of the first pixel = its centre (510879.0839 E, 8819462.993 N) minus half a pixel
    assert x0 == pytest.approx(510879.0839 - 3.125) and y0 == pytest.approx(8819462.993 + 3.125)


def test_leader_parse_values():
    led = parse_leader((SAMPLE / f"LED-{STEM}").read_bytes(), "LED")
    assert led["dss"]["prf"] == pytest.approx(2122318.448518)
    assert led["dss"]["range_sampling_rate"] == 34.9305319
    assert led["platform_position"]["seconds_of_day"] == 15600.0
    assert led["platform_position"]["interval"] == 60.0
    assert led["facility_lengths"] == (325000, 511000, 3072, 728000, 5000)
    assert led["facility5"]["origin_pixel"] == 6435.0 and led["facility5"]["origin_line"] == 6580.0


def test_open_from_each_file_of_the_product():
    for name in (f"VOL-{STEM}", f"LED-{STEM}", f"TRL-{STEM}", f"IMG-HH-{STEM}", "summary.txt"):
        assert open_product(SAMPLE / name).scene_id == "ALOS2015976960-140909"
