"""The L1.1 writer: round trip through the reader, and the bytes against the format notes' facts."""

import re
import struct
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from palsar2_plugin.ceos import open_product
from palsar2_plugin.ceos.image import ImageReader
from palsar2_plugin.ceos.reader import parse_leader, walk_records
from palsar2_plugin.ceos.scene import range_pixel_spacing_m
from palsar2_plugin.ceos.summary import parse_summary, product_file_names
from synthetic.ceos_products import example_description, random_blocks
from palsar2_plugin.ceos.writer import write_product
from palsar2_plugin.errors import Cancelled

XCA_NAME = re.compile(r"^(VOL|LED|TRL|IMG)(-(HH|HV|VH|VV))?-[A-Z0-9]{5}\d{9}-\d{6}-[A-Z0-9._]{10}(-[FB]\d)?$")


def _blocks_for(desc, block_lines=13):
    by_beam = {b.beam: b for b in desc.beams}

    def line_blocks(beam, pol):
        g = by_beam[beam]
        return random_blocks(g.lines, g.pixels, seed=beam * 10 + len(pol) + ord(pol[1]), block_lines=block_lines)
    return line_blocks


def _write(tmp_path, desc):
    return write_product(tmp_path / "product", desc, _blocks_for(desc))


@pytest.mark.parametrize("mode,look,direction", [("FBD", "right", "ascending"), ("HBD", "left", "descending"),
                                                 ("UBS", "right", "descending"), ("WBD", "right", "descending"),
                                                 ("WBS", "left", "ascending"), ("WWD", "right", "ascending"),
                                                 ("VBD", "left", "descending"), ("HBQ", "right", "ascending")])
def test_round_trip_every_field(tmp_path, mode, look, direction):
    desc = example_description(mode, lines=40, pixels=24, look_side=look, pass_direction=direction)
    written = _write(tmp_path, desc)
    s = open_product(written.folder)
    assert (s.scene_id, s.product_id, s.mode, s.level) == (desc.scene_id, desc.product_id, mode, "1.1")
    assert (s.look_side, s.pass_direction) == (look, direction)
    assert s.clock_angle_deg == (90.0 if look == "right" else -90.0)
    assert s.polarisations == desc.polarisations
    assert s.wavelength_m == desc.wavelength_m and s.calibration_factor_db == desc.calibration_factor_db
    assert s.doppler_centroid_hz == desc.doppler_centroid_hz
    assert s.incidence_polynomial == tuple(desc.incidence_polynomial)
    assert s.scene_centre_time_utc == desc.scene_centre_time_utc.replace(microsecond=123000)  # ms in the leader
    assert s.centre_lat_lon == pytest.approx(desc.scene_centre_lat_lon, abs=5e-8)
    for got, want in zip(s.state_vectors, desc.state_vectors):
        assert got.time_utc == want.time_utc
        assert got.position_m == pytest.approx(want.position_m, rel=1e-14)
        assert got.velocity_m_s == pytest.approx(want.velocity_m_s, rel=1e-14)
    for name in ("left_top", "right_top", "left_bottom", "right_bottom"):
        assert getattr(s.corners, name) == pytest.approx(getattr(desc.corners, name), abs=5e-4)
    assert s.beams == tuple(b.beam for b in desc.beams)
    assert len(s.images) == len(desc.beams) * len(desc.polarisations)
    for g in desc.beams:
        for pol in desc.polarisations:
            im = s.image(g.beam, pol)
            assert (im.lines, im.pixels, im.sample_format, im.prefix_bytes) == (g.lines, g.pixels, "C*8", 544)
            assert im.prf_hz == pytest.approx(g.prf_hz, abs=5e-4)
            assert im.first_line_time_utc == g.first_line_time_utc
            assert im.slant_range_first_pixel_m == round(g.near_range_m)
            assert im.range_sampling_rate_hz == g.range_sampling_rate_hz
            assert im.range_pixel_spacing_m == pytest.approx(range_pixel_spacing_m(g.range_sampling_rate_hz))
            assert im.scan_id == (g.beam if desc.is_scansar else 0)
            # pixels read back bit for bit
            want = np.concatenate(list(_blocks_for(desc)(g.beam, pol)))
            with ImageReader(im) as r:
                got = r.samples(0, g.lines)
                assert got.dtype == np.dtype(">c8")
                assert np.array_equal(got.astype(np.complex64), want)
    names = [p.name for p in written.files]
    assert all(XCA_NAME.match(n) for n in names), names
    assert product_file_names(parse_summary(written.summary.read_bytes())) == names


def test_bytes_match_the_format_notes(tmp_path):
    desc = example_description("WBD", lines=30, pixels=20)
    folder = _write(tmp_path, desc).folder
    stem = f"{desc.scene_id}-{desc.product_id}"
    led = (folder / f"LED-{stem}").read_bytes()
    heads = walk_records(led, "LED")
    # FDR, DSS, PP, attitude, radiometric, DQ, facility 1..5 with the lengths of §2 (no map record in L1.1)
    assert [(h.codes, h.length) for h in heads] == [
        ((11, 192, 18, 18), 720), ((18, 10, 18, 20), 4096), ((18, 30, 18, 20), 4680), ((18, 40, 18, 20), 16384),
        ((18, 50, 18, 20), 9860), ((18, 60, 18, 20), 1620)] + [((18, 200, 18, 70), n) for n in
                                                                 (325000, 511000, 3072, 728000, 5000)]
    assert heads[10].sequence == 11  # L1.1 coordinate facility = record #11
    assert led[420:490] == b"     1  325000     1  511000     1    3072     1  728000     1    5000"
    assert led[180:192] == b"     1  4096" and led[192:204] == b"     0     0"
    dss = led[720:720 + 4096]
    assert dss[476:484] == b"  90.000"                  # 477 F8 clock angle, right-looking
    assert dss[1094:1097] == b"1.1" and dss[1110:1121] == b"BASIC IMAGE"
    assert dss[1670:1675] == b"RANGE"
    assert dss[710:726] == b"      17.4652660"        # 711 F16 range sampling rate MHz
    assert dss[68:85].decode() == desc.scene_centre_time_utc.strftime("%Y%m%d%H%M%S") + "123"
    pp = led[heads[2].offset:heads[2].offset + 4680]
    assert pp[140:144] == b"  28" and pp[204:207] == b"ECR"
    assert pp[4100] == ord("0")
    x0 = float(pp[386:408])
    assert x0 == pytest.approx(desc.state_vectors[0].position_m[0], rel=1e-15)
    rad = led[heads[4].offset:heads[4].offset + 9860]
    assert rad[20:36] == b"     -83.0000000"
    assert led[heads[10].offset + 12:heads[10].offset + 16] == b"   5"

    img = (folder / f"IMG-HV-{stem}-F3").read_bytes()
    g = desc.beams[2]
    reclen = 544 + 8 * g.pixels
    assert len(img) == 720 + g.lines * reclen
    assert img[4:8] == bytes((50, 192, 18, 18))
    assert img[428:432] == b"C*8 " and img[276:280] == b" 544"
    assert int(img[180:186]) == g.lines and int(img[186:192]) == reclen and int(img[248:256]) == g.pixels
    assert img[55] == ord("B")                        # 49 A16 file id, char [7] = B (L1.1 signal data)
    line0 = img[720:720 + reclen]
    seq, s1, t, s2, s3, length = struct.unpack(">IBBBBI", line0[:12])
    assert (seq, s1, t, s2, s3, length) == (2, 50, 10, 18, 20, reclen)
    assert struct.unpack(">I", line0[56:60])[0] == round(g.prf_hz * 1000)      # 57 PRF mHz
    assert struct.unpack(">I", line0[60:64])[0] == 3                           # 61 scan id = beam
    assert struct.unpack(">I", line0[116:120])[0] == round(g.near_range_m)    # 117 slant range
    t0 = g.first_line_time_utc
    us = (t0 - t0.replace(hour=0, minute=0, second=0, microsecond=0)) // timedelta(microseconds=1)
    assert struct.unpack(">Q", line0[84:92])[0] == us                          # 85 us of day
    assert struct.unpack(">I", line0[40:44])[0] == t0.timetuple().tm_yday
    assert struct.unpack(">HH", line0[52:56]) == (0, 1)                        # HV: transmit H, receive V
    alt = struct.unpack(">i", line0[140:144])[0]                               # 141 platform altitude (m)
    assert 600_000 < alt < 720_000
    from palsar2_plugin.geometry.orbit import Orbit
    orbit = Orbit.from_state_vectors((sv.time_utc, sv.position_m, sv.velocity_m_s) for sv in desc.state_vectors)
    _, vel = orbit.position_velocity(np.array([orbit.seconds_from_datetime(t0)]))
    assert np.abs(np.array(struct.unpack(">3i", line0[148:160])) - vel[0] * 100).max() <= 0.5   # 149 cm/s
    i, q = struct.unpack(">ff", line0[544:552])
    first = next(iter(_blocks_for(desc)(3, "HV")))[0, 0]
    assert (i, q) == (float(first.real), float(first.imag))
    vol = (folder / f"VOL-{stem}").read_bytes()
    vheads = walk_records(vol, "VOL")
    assert len(vheads) == 1 + 12 + 1 and int(vol[160:164]) == 12
    text = vol[vheads[-1].offset:vheads[-1].offset + 360]
    assert text[196:226] == b"FRAME CENTRE: N037.20  E037.00"                 # sample style: N-011.05  E-062.53
    assert text[16:34] == f"PRODUCT:{desc.product_id}".encode()
    trl = (folder / f"TRL-{stem}").read_bytes()
    assert len(trl) == 720 and trl[490:496] == b"     0"
    summary = dict(parse_summary((folder / "summary.txt").read_bytes()))
    assert summary["Pdi_CntOfL11ProductFileName"] == "13"
    assert summary["Pdi_NoOfLines_3"] == str(g.lines) and summary["Lbi_ProcessLevel"] == "1.1"


def test_line_times_roll_over_midnight(tmp_path):
    centre = datetime(2023, 12, 31, 23, 59, 59, 995000, tzinfo=timezone.utc)
    desc = example_description("FBD", lines=50, pixels=8, centre_time_utc=centre)
    folder = _write(tmp_path, desc).folder
    s = open_product(folder)
    im = s.image(1, "HH")
    with ImageReader(im) as r:
        rec = r.records(0, im.lines)
        years, days = set(rec["year"].tolist()), set(rec["day_of_year"].tolist())
        assert years == {2023, 2024} and days == {365, 1}
        t_last = datetime(int(rec["year"][-1]), 1, 1, tzinfo=timezone.utc) + timedelta(
            days=int(rec["day_of_year"][-1]) - 1, microseconds=int(rec["microseconds_of_day"][-1]))
    expected = desc.beams[0].first_line_time_utc + timedelta(seconds=49 / desc.beams[0].prf_hz)
    assert abs((t_last - expected).total_seconds()) <= 1e-6


def test_wrong_line_count_leaves_no_files(tmp_path):
    desc = example_description("FBD", lines=20, pixels=8)
    with pytest.raises(ValueError, match="19 lines given, 20 expected"):
        write_product(tmp_path / "p", desc, lambda b, p: [np.zeros((19, 8), np.complex64)])
    assert list((tmp_path / "p").iterdir()) == []


def test_cancel_leaves_no_files(tmp_path):
    desc = example_description("WBD", lines=20, pixels=8)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3
    with pytest.raises(Cancelled):
        write_product(tmp_path / "p", desc, _blocks_for(desc, 5), is_cancelled=cancel)
    assert list((tmp_path / "p").iterdir()) == []


def test_progress_reaches_one(tmp_path):
    desc = example_description("WBS", lines=12, pixels=8)
    seen = []
    write_product(tmp_path / "p", desc, _blocks_for(desc, 4), progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)


def test_description_validation():
    with pytest.raises(ValueError, match="exactly one beam"):
        example_description("FBD", beams=[1, 2])
    with pytest.raises(ValueError, match="beams must be distinct numbers 1..5"):
        example_description("WBD", beams=[1, 6])


def test_leader_burst_fields_written_when_given(tmp_path):
    import dataclasses
    desc = example_description("WBD", lines=30, pixels=8, beams=[1, 2])
    beams = tuple(dataclasses.replace(b, number_of_bursts=3, lines_per_burst=10, burst_overlap_lines=2)
                  for b in desc.beams)
    desc = dataclasses.replace(desc, beams=beams)
    s = open_product(_write(tmp_path, desc).folder)
    im = s.image(1, "HV")
    assert (im.number_of_bursts, im.lines_per_burst, im.burst_overlap_lines) == (3, 10, 2)
    with ImageReader(im) as r:
        rec = r.records(0, im.lines)
    assert rec["burst_number"].tolist() == [1] * 10 + [2] * 10 + [3] * 10
    assert rec["line_in_burst"][:3].tolist() == [1, 2, 3]
    assert parse_leader((s.leader_path and open(s.leader_path, "rb").read()), "LED")["dss"]["product_type"] == \
        "BASIC IMAGE"
