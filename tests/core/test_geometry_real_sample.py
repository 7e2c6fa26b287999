"""Our orbit interpolation and zero-Doppler geometry against JAXA's own numbers on a real product.

Sample: tests/data/ceos/0000022708_001001_ALOS2015976960-140909 (L1.5 FBD, ascending,
right-looking, 2014-09-09; complete leader and summary.txt). The few leader fields needed are
read here by a small local helper (format notes §2, §5, §6) so that this test checks the
geometry independently of the CEOS reader.

What JAXA gives and what we compare:
* DSS: scene centre time (1 ms resolution) and centre lat/lon (1e-7 deg);
* platform position record: 28 ECR state vectors, plus the state *at the scene centre time*;
* summary.txt: scene start/centre/end times (ms) and the image corners (0.001 deg).
The agreement is printed (run pytest with -s to see it).
"""

from sample_data import CEOS_L15
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
from palsar2_plugin.geometry.orbit import Orbit
from palsar2_plugin.geometry.range_doppler import (ellipsoid_incidence_deg, geolocate, side_of_track,
                                                   zero_doppler_time)

SAMPLE = CEOS_L15
LEADER = SAMPLE / "LED-ALOS2015976960-140909-FBDR1.5GUA"


# ----------------------------------------------------------------------------- local helpers
def _leader_records(data: bytes):
    """{record type code: record bytes} walking the 12-byte CEOS record headers."""
    records, offset = {}, 0
    while offset + 12 <= len(data):
        _, _, type_code, _, _, length = struct.unpack(">IBBBBI", data[offset:offset + 12])
        records.setdefault(type_code, data[offset:offset + length])
        offset += length
    return records


def _text(record: bytes, start_1based: int, width: int) -> str:
    return record[start_1based - 1:start_1based - 1 + width].decode("ascii").strip()


def _read_leader():
    rec = _leader_records(LEADER.read_bytes())
    dss, pp = rec[10], rec[30]
    centre_time = datetime.strptime(_text(dss, 69, 32), "%Y%m%d%H%M%S%f").replace(tzinfo=timezone.utc)
    n = int(_text(pp, 141, 4))
    day = datetime(int(_text(pp, 145, 4)), int(_text(pp, 149, 4)), int(_text(pp, 153, 4)), tzinfo=timezone.utc)
    first = day + timedelta(seconds=float(_text(pp, 161, 22)))
    interval = float(_text(pp, 183, 22))
    vectors = np.array([[float(_text(pp, 387 + 132 * k + 22 * j, 22)) for j in range(6)] for k in range(n)])
    return {
        "centre_time": centre_time,
        "centre_lat_lon": (float(_text(dss, 117, 16)), float(_text(dss, 133, 16))),
        "clock_angle": float(_text(dss, 477, 8)),
        "wavelength_m": float(_text(dss, 501, 16)),
        "pass": _text(dss, 1535, 8),
        "doppler": (float(_text(dss, 1735, 16)), float(_text(dss, 1751, 16))),
        "orbit": Orbit(first, np.arange(n) * interval, vectors[:, :3], vectors[:, 3:]),
        "centre_state": np.array([float(_text(pp, 45 + 16 * j, 16)) for j in range(6)]),
        "frame": _text(pp, 205, 64),
    }


def _read_summary():
    values = {}
    for line in (SAMPLE / "summary.txt").read_text().splitlines():
        key, _, value = line.partition("=")
        values[key] = value.strip('"')

    def t(key):
        return datetime.strptime(values[key], "%Y%m%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)

    corner = {}
    for name in ("LeftTop", "RightTop", "LeftBottom", "RightBottom", "Center"):
        prefix = "Img_ImageScene" + name
        corner[name] = (float(values[prefix + "Latitude"]), float(values[prefix + "Longitude"]))
    return t("Img_SceneStartDateTime"), t("Img_SceneCenterDateTime"), t("Img_SceneEndDateTime"), corner


@pytest.fixture(scope="module")
def leader():
    return _read_leader()


def _distance_m(lat1, lon1, lat2, lon2, h=0.0):
    return float(np.linalg.norm(geodetic_to_ecef(lat1, lon1, h) - geodetic_to_ecef(lat2, lon2, h)))


# ----------------------------------------------------------------------------- tests
def test_leader_basics(leader):
    orbit = leader["orbit"]
    assert leader["frame"].startswith("ECR")          # Earth-fixed vectors
    assert orbit.times_s.size == 28 and np.all(np.diff(orbit.times_s) == 60.0)
    assert orbit.reference_time_utc == datetime(2014, 9, 9, 4, 20, tzinfo=timezone.utc)
    assert leader["clock_angle"] == 90.0 and leader["pass"] == "ASCEND"


def test_orbit_interpolation_matches_jaxa_centre_state(leader):
    """JAXA's own state at the scene centre (platform position record 45-140) is reproduced by our
    interpolation at the centre time: the only difference lies along track and equals a time offset
    below the DSS time's 1 ms resolution (JAXA's centre time is not a whole millisecond)."""
    orbit = leader["orbit"]
    t_c = orbit.seconds_from_datetime(leader["centre_time"])
    pos, vel = orbit.position_velocity(t_c)
    d_pos = pos - leader["centre_state"][:3]
    along_s = float(d_pos @ vel / (vel @ vel))
    cross_m = float(np.linalg.norm(d_pos - along_s * vel))
    pos_t, vel_t = orbit.position_velocity(t_c - along_s)
    print(f"\nJAXA centre state vs our interpolation at the DSS centre time: |dp| = "
          f"{np.linalg.norm(d_pos):.3f} m, i.e. a time offset of {along_s * 1e3:+.4f} ms along track; "
          f"remaining difference {cross_m * 1e6:.1f} um, velocity "
          f"{np.linalg.norm(vel_t - leader['centre_state'][3:]) * 1e6:.1f} um/s")
    assert np.linalg.norm(d_pos) < 5.0               # 1 ms of flight is 7.6 m
    assert abs(along_s) <= 0.5e-3                    # within the DSS time's rounding
    assert cross_m < 0.01                            # the rest agrees to better than 1 cm
    assert np.linalg.norm(pos_t - leader["centre_state"][:3]) < 0.01
    assert np.linalg.norm(vel_t - leader["centre_state"][3:]) < 1e-3


def test_scene_centre_zero_doppler_time(leader):
    """Zero-Doppler time of JAXA's scene centre (DSS lat/lon) against JAXA's centre time.

    Tolerance 3 ms (~20 m along track): the DSS time has 1 ms resolution and the point's terrain
    height is unknown (0-300 m changes the time by 0.1 ms). Interpreting the DSS Doppler centroid
    (-18.6 Hz - 0.024 Hz/km x R) as the image's Doppler instead would move the time by ~70 ms,
    so the product is in zero-Doppler geometry, as the notes (§9.3) predict.
    """
    orbit = leader["orbit"]
    lat, lon = leader["centre_lat_lon"]
    t_c = orbit.seconds_from_datetime(leader["centre_time"])
    c0, c1 = leader["doppler"]
    lines = []
    for height in (0.0, 150.0, 300.0):
        target = geodetic_to_ecef(lat, lon, height)
        t, rng = zero_doppler_time(orbit, target, t_c)
        t_dop, _ = zero_doppler_time(orbit, target, t_c, wavelength_m=leader["wavelength_m"],
                                     doppler_hz=lambda r: c0 + c1 * r / 1000.0)
        inc = ellipsoid_incidence_deg(orbit, t, target)
        lines.append(f"h={height:5.0f} m: zero-Doppler time - JAXA centre time = {(t - t_c) * 1e3:+.3f} ms, "
                     f"slant range {rng / 1e3:.3f} km, incidence {inc:.3f} deg "
                     f"(with the DSS Doppler centroid: {(t_dop - t_c) * 1e3:+.1f} ms)")
        assert abs(t - t_c) < 3e-3
        assert abs(t_dop - t_c) > 50e-3
        assert side_of_track(orbit, t, target) == 1            # right-looking (clock angle +90)
        assert inc == pytest.approx(40.573, abs=0.1)            # DSS 485 incidence at the centre
        assert rng == pytest.approx(811.7e3, abs=0.3e3)
    print("\nScene centre (DSS):\n  " + "\n  ".join(lines))


def test_image_corners_and_times(leader):
    """summary.txt's image corners (0.001 deg) against our zero-Doppler geometry.

    1. Each corner's zero-Doppler time against the scene start (bottom corners, ascending) or end
       time (top corners): within 20 ms, the along-track effect of the 0.0005 deg rounding (55 m at
       ~6.4 km/s ground speed = 9 ms) with margin.
    2. The near corners share one slant range, the far corners another (within 60 m: rounding
       projected to slant range).
    3. The radar rectangle (start/end time x near/far range, at 0 m) geolocated back lands within
       100 m of each JAXA corner and of the image centre: the rounding alone allows up to 78 m.
    """
    orbit = leader["orbit"]
    start, centre, end, corner = _read_summary()
    t_start, t_centre, t_end = (orbit.seconds_from_datetime(x) for x in (start, centre, end))
    solved = {k: zero_doppler_time(orbit, geodetic_to_ecef(lat, lon, 0.0), t_centre)
              for k, (lat, lon) in corner.items()}
    expected_time = {"LeftTop": t_end, "RightTop": t_end, "LeftBottom": t_start, "RightBottom": t_start,
                     "Center": t_centre}
    report = []
    for k, (t, _) in solved.items():
        dt = float(t - expected_time[k])
        report.append(f"{k:11s}: zero-Doppler time - JAXA time = {dt * 1e3:+7.2f} ms")
        assert abs(dt) < 20e-3
    near = [float(solved[k][1]) for k in ("LeftTop", "LeftBottom")]
    far = [float(solved[k][1]) for k in ("RightTop", "RightBottom")]
    assert abs(near[0] - near[1]) < 60 and abs(far[0] - far[1]) < 60
    r_near, r_far = np.mean(near), np.mean(far)
    rect = {"LeftTop": (t_end, r_near), "RightTop": (t_end, r_far), "LeftBottom": (t_start, r_near),
            "RightBottom": (t_start, r_far), "Center": (t_centre, 0.5 * (r_near + r_far))}
    for k, (t, r) in rect.items():
        lat, lon = geolocate(orbit, t, r, 0.0, "right")
        dist = _distance_m(lat, lon, *corner[k])
        report.append(f"{k:11s}: geolocated ({lat:.5f}, {lon:.5f}) vs JAXA {corner[k]}: {dist:6.1f} m")
        assert dist < 100.0
    # the image centre of summary.txt is the radar centre (mid time, mid slant range)
    assert abs(float(solved["Center"][1]) - 0.5 * (r_near + r_far)) < 60
    print(f"\nImage corners (summary.txt), near range {r_near / 1e3:.3f} km, far range {r_far / 1e3:.3f} km:\n  "
          + "\n  ".join(report))


def test_centre_geolocated_back(leader):
    """Forward geolocation of (JAXA centre time, our slant range) against the DSS centre lat/lon."""
    orbit = leader["orbit"]
    lat, lon = leader["centre_lat_lon"]
    t_c = orbit.seconds_from_datetime(leader["centre_time"])
    _, rng = zero_doppler_time(orbit, geodetic_to_ecef(lat, lon, 0.0), t_c)
    lat2, lon2 = geolocate(orbit, t_c, rng, 0.0, "right")
    dist = _distance_m(lat, lon, lat2, lon2)
    print(f"\nDSS scene centre geolocated from JAXA's centre time: {dist:.2f} m from JAXA's position")
    assert dist < 20.0       # 3 ms of zero-Doppler time difference is < 20 m along track


def test_ceos_reader_gives_the_same_geometry(leader):
    """The project's CEOS reader (palsar2_plugin.ceos) yields the same orbit, centre and corners as the
    local helper above, so the agreement printed here holds for the plugin's own reading path."""
    from palsar2_plugin.ceos.reader import open_product

    scene = open_product(str(SAMPLE))
    orbit = scene.orbit()
    ours = leader["orbit"]
    assert orbit.reference_time_utc == ours.reference_time_utc
    np.testing.assert_array_equal(orbit.times_s, ours.times_s)
    np.testing.assert_allclose(orbit.positions_m, ours.positions_m, rtol=0, atol=1e-6)
    np.testing.assert_allclose(orbit.velocities_m_s, ours.velocities_m_s, rtol=0, atol=1e-9)
    assert scene.scene_centre_time_utc == leader["centre_time"]
    assert scene.look_side == "right" and scene.pass_direction == "ascending"
    lat, lon = scene.centre_lat_lon
    t, _ = zero_doppler_time(orbit, geodetic_to_ecef(lat, lon, 0.0), orbit.seconds_from_datetime(leader["centre_time"]))
    assert abs(float(t) - orbit.seconds_from_datetime(scene.scene_centre_time_utc)) < 3e-3
    _, _, _, corner = _read_summary()
    assert scene.corners.left_top == corner["LeftTop"] and scene.corners.right_bottom == corner["RightBottom"]


def test_interpolation_on_real_vectors_leave_every_other_out(leader):
    """Interpolate JAXA's vectors with every other one left out (120 s spacing) at the left-out
    times: a real-data bound on the interpolation error (at the 60 s spacing it is smaller still)."""
    orbit = leader["orbit"]
    thinned = Orbit(orbit.reference_time_utc, orbit.times_s[::2], orbit.positions_m[::2],
                    orbit.velocities_m_s[::2])
    t = orbit.times_s[1:-1:2]
    pos, vel = thinned.position_velocity(t)
    pos_err = np.linalg.norm(pos - orbit.positions_m[1:-1:2], axis=1).max()
    vel_err = np.linalg.norm(vel - orbit.velocities_m_s[1:-1:2], axis=1).max()
    print(f"\nJAXA vectors, every other one left out (120 s): max error {pos_err * 1e3:.2f} mm, "
          f"{vel_err * 1e3:.3f} mm/s (window {thinned.window})")
    assert pos_err < 0.01 and vel_err < 1e-3
