"""Simulated L1.1 products: radiometry against the true gamma0, slopes, point targets, DEM edges.

The IMG files are read here with a few lines that follow ../shared/docs/ceos_format.md §9
(720-byte descriptor, I6 line count at byte 181, record length at 187, 544-byte prefix, then
big-endian complex float32), independently of the plugin's CEOS reader.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from palsar2_plugin.errors import Cancelled
from palsar2_plugin.geometry.ellipsoid import enu_basis, geodetic_to_ecef
from palsar2_plugin.geometry.range_doppler import ellipsoid_incidence_deg, geo_to_radar, geolocate, radar_to_geo
from palsar2_plugin.simulate import PointTarget, mode_spec, simulate_product
from palsar2_plugin.simulate.scene import plan_scene

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

CF_DB = -83.0
K = 10 ** ((CF_DB - 32.0) / 10.0)  # sigma0 = K <|z|^2>
CENTRE = (36.0, 138.5)


def read_img(path):
    """(samples complex64 (lines, pixels), prefix bytes (lines, 544)) of an L1.1 IMG file."""
    raw = Path(path).read_bytes()
    lines, reclen = int(raw[180:186]), int(raw[186:192])
    recs = np.frombuffer(raw, dtype=np.uint8, offset=720, count=lines * reclen).reshape(lines, reclen)
    samples = recs[:, 544:].copy().view(">c8").astype(np.complex64)
    return samples, recs[:, :544]


def prefix_int(prefix, offset_1based):
    """Signed big-endian 4-byte field at the notes' 1-based offset, for every line."""
    o = offset_1based - 1
    return prefix[:, o:o + 4].copy().view(">i4")[:, 0]


def image_path(folder, pol, beam=None):
    pattern = f"IMG-{pol}-*" + (f"-F{beam}" if beam else "")
    (match,) = sorted(Path(folder).glob(pattern))
    return match


def ellipsoid_incidence_columns(scene, beam_index):
    """Ellipsoid incidence (radians) of every pixel column at the beam's middle line (h = 0)."""
    grid = scene.beams[beam_index].grid
    t = grid.time_of_line((grid.lines - 1) / 2.0)
    r = grid.range_of_pixel(np.arange(grid.pixels))
    lat, lon = geolocate(scene.orbit, np.full(r.shape, t), r, 0.0, grid.look_side)
    return np.radians(ellipsoid_incidence_deg(scene.orbit, t, geodetic_to_ecef(lat, lon, 0.0)))


def write_dem(path, heights, transform, crs, nodata=None):
    heights = np.asarray(heights)
    with rasterio.open(path, "w", driver="GTiff", width=heights.shape[1], height=heights.shape[0], count=1,
                       dtype=heights.dtype, crs=crs, transform=transform, nodata=nodata) as ds:
        ds.write(heights, 1)
    return str(path)


def local_tm(lat, lon):
    return f"+proj=tmerc +lat_0={lat} +lon_0={lon} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"


def plane_dem(path, slope_deg, half_width_m=4000.0, half_height_m=4000.0, spacing=20.0, centre=CENTRE):
    """Plane h = tan(slope) * easting (m above the ellipsoid) on a local transverse Mercator grid."""
    nx, ny = int(2 * half_width_m / spacing), int(2 * half_height_m / spacing)
    x = -half_width_m + (np.arange(nx) + 0.5) * spacing
    h = np.tile(np.tan(np.radians(slope_deg)) * x, (ny, 1)).astype(np.float32)
    return write_dem(path, h, from_origin(-half_width_m, half_height_m, spacing, spacing), local_tm(*centre))


@pytest.fixture(scope="module")
def flat_dem(tmp_path_factory):
    d = tmp_path_factory.mktemp("dem")
    h = np.zeros((40, 40), dtype=np.float32)
    return write_dem(d / "flat.tif", h, from_origin(CENTRE[1] - 0.2, CENTRE[0] + 0.2, 0.01, 0.01), "EPSG:4326")


@pytest.fixture(scope="module")
def flat_wbd(tmp_path_factory, flat_dem):
    out = tmp_path_factory.mktemp("flat")
    folder = simulate_product(flat_dem, "WBD", out, lines=400, pixels=300, gamma0_db={"HH": -8, "HV": -15},
                              dem_height_reference="ellipsoid", seed=3)
    scene = plan_scene(mode_spec("WBD"), *CENTRE, lines=400, pixels=300)
    return folder, scene


def test_flat_ellipsoid_calibrates_back_to_true_gamma0(flat_wbd):
    folder, scene = flat_wbd
    for pol, truth_db in (("HH", -8.0), ("HV", -15.0)):
        for index, beam in enumerate(scene.beams):
            samples, _ = read_img(image_path(folder, pol, beam.number))
            assert samples.shape == (400, 300)
            sigma0 = K * (np.abs(samples.astype(np.complex128)) ** 2)
            gamma0 = sigma0 / np.cos(ellipsoid_incidence_columns(scene, index))[None, :]
            measured_db = 10 * np.log10(gamma0.mean())
            assert measured_db == pytest.approx(truth_db, abs=0.1), (pol, beam.number)
            # speckle: single-look intensity is exponential, std/mean = 1
            assert gamma0.std() / gamma0.mean() == pytest.approx(1.0, abs=0.03)


def test_scansar_beams_have_their_own_prf_near_range_and_time(flat_wbd):
    folder, scene = flat_wbd
    spec = mode_spec("WBD")
    near = []
    for beam, beam_spec in zip(scene.beams, spec.beams):
        _, prefix = read_img(image_path(folder, "HH", beam.number))
        assert np.all(prefix_int(prefix, 57) == beam_spec.prf_mhz)  # PRF, mHz
        assert np.all(prefix_int(prefix, 61) == beam.number)        # scan id
        near.append(int(prefix_int(prefix, 117)[0]))                  # slant range to first sample, m
        us = prefix[:, 84:92].copy().view(">i8")[:, 0]               # acquisition time, us of day
        assert np.allclose(np.diff(us), 1e6 / beam_spec.prf_hz, atol=1.0)
    assert near == sorted(near) and len(set(near)) == 5
    assert len({b.prf_mhz for b in spec.beams}) == 5


@pytest.mark.parametrize("pass_direction,look_side", [("descending", "right"), ("ascending", "left")])
def test_slope_facing_radar_brighter_by_area_formula(tmp_path, pass_direction, look_side):
    """Plane slopes +-12 deg east-west: measured beta0 ratio = predicted cos(theta_loc)/cos(psi) ratio."""
    scene = plan_scene(mode_spec("FBS"), *CENTRE, pass_direction=pass_direction, look_side=look_side,
                       lines=400, pixels=300)
    grid = scene.beams[0].grid
    tc = scene.orbit.seconds_from_datetime(scene.centre_time_utc)
    centre_xyz = geodetic_to_ecef(*CENTRE, 0.0)
    s, v = scene.orbit.position_velocity(np.array([tc]))
    look = (s[0] - centre_xyz) / np.linalg.norm(s[0] - centre_xyz)
    along = v[0] / np.linalg.norm(v[0])
    east, _, up = enu_basis(*CENTRE)
    theta_ell = np.arccos(look @ up)

    measured, predicted = {}, {}
    for slope in (12.0, -12.0):
        dem = plane_dem(tmp_path / f"plane{slope}.tif", slope)
        folder = simulate_product(dem, "FBS", tmp_path / f"out{slope}", lines=400, pixels=300,
                                  gamma0_db={"HH": -8.0}, dem_height_reference="ellipsoid", seed=1,
                                  pass_direction=pass_direction, look_side=look_side)
        samples, _ = read_img(image_path(folder, "HH"))
        measured[slope] = np.mean(np.abs(samples.astype(np.complex128)) ** 2)
        normal = up - np.tan(np.radians(slope)) * east
        normal /= np.linalg.norm(normal)
        predicted[slope] = (normal @ look) / abs(normal @ np.cross(look, along))  # A_gamma / A_beta
        # absolute: beta0 / (A_gamma / A_beta) recovers the true gamma0
        beta0 = K * measured[slope] / np.sin(theta_ell)
        assert 10 * np.log10(beta0 / predicted[slope]) == pytest.approx(-8.0, abs=0.1)
    ratio_db = 10 * np.log10(measured[12.0] / measured[-12.0])
    predicted_db = 10 * np.log10(predicted[12.0] / predicted[-12.0])
    assert abs(predicted_db) > 2.0  # a real difference, about 3.7 dB here
    assert ratio_db == pytest.approx(predicted_db, abs=0.1)
    # the slope rising away from the radar (normal tilted towards it) is the brighter one
    facing = 12.0 if (up - np.tan(np.radians(12.0)) * east) @ look > (up + np.tan(np.radians(12.0)) * east) @ look \
        else -12.0
    assert measured[facing] > measured[-facing]


def test_point_target_lands_at_its_radar_position(tmp_path, flat_dem):
    lat, lon = CENTRE[0] + 0.001, CENTRE[1] - 0.002
    folder = simulate_product(flat_dem, "FBS", tmp_path, lines=256, pixels=256, dem_height_reference="ellipsoid",
                              point_targets=[PointTarget(lat, lon, 0.0, rcs_db=60.0)], seed=2)
    scene = plan_scene(mode_spec("FBS"), *CENTRE, lines=256, pixels=256)
    _, _, line, pixel = geo_to_radar(scene.beams[0].grid, scene.orbit, lat, lon, 0.0)
    power = np.abs(read_img(image_path(folder, "HH"))[0].astype(np.complex128)) ** 2
    peak = np.unravel_index(np.argmax(power), power.shape)
    assert peak == (int(round(float(line))), int(round(float(pixel))))
    # peak-to-background: 60 dBm2 over a ~14 m2 pixel at gamma0 -8 dB
    assert power[peak] / np.median(power) > 1e4
    # sub-pixel: for a sinc response a(k) = sinc(k - d), |a(+-1)| / |a(0)| = |d| / (1 - |d|)
    amp = np.sqrt(power)

    def offset(before, centre, after):
        r = max(before, after) / centre
        return (1.0 if after > before else -1.0) * r / (1.0 + r)

    i, j = peak
    sub_line = i + offset(amp[i - 1, j], amp[i, j], amp[i + 1, j])
    sub_pixel = j + offset(amp[i, j - 1], amp[i, j], amp[i, j + 1])
    assert sub_line == pytest.approx(float(line), abs=0.05)
    assert sub_pixel == pytest.approx(float(pixel), abs=0.05)
    truth = json.loads(next(Path(tmp_path).glob("*.simulation.json")).read_text())
    assert truth["point_targets"][0]["radar_positions"][0]["line"] == pytest.approx(float(line), abs=1e-6)


def test_dem_covering_only_the_centre_beam_leaves_outer_beams_flat(tmp_path):
    """Heights outside the DEM are 0 m: the near and far beams see the flat ellipsoid."""
    dem = plane_dem(tmp_path / "small.tif", 15.0, half_width_m=2500.0, half_height_m=6000.0)
    folder = simulate_product(dem, "WBS", tmp_path / "out", lines=300, pixels=300, gamma0_db={"HH": -8.0},
                              dem_height_reference="ellipsoid", seed=5)
    scene = plan_scene(mode_spec("WBS"), *CENTRE, lines=300, pixels=300)
    means = {}
    for index, beam in enumerate(scene.beams):
        samples, _ = read_img(image_path(folder, "HH", beam.number))
        sigma0 = K * np.abs(samples.astype(np.complex128)) ** 2
        gamma0 = sigma0 / np.cos(ellipsoid_incidence_columns(scene, index))[None, :]
        means[beam.number] = 10 * np.log10(gamma0.mean())
    assert means[1] == pytest.approx(-8.0, abs=0.1)
    assert means[5] == pytest.approx(-8.0, abs=0.1)
    assert abs(means[3] + 8.0) > 1.0  # the 15 deg slope of the DEM


def test_cancel_leaves_no_product(tmp_path, flat_dem):
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        simulate_product(flat_dem, "WBD", tmp_path, lines=64, pixels=64, dem_height_reference="ellipsoid",
                         is_cancelled=cancel)
    assert list(Path(tmp_path).iterdir()) == [] or all(
        not any(p.iterdir()) for p in Path(tmp_path).iterdir() if p.is_dir())
    assert not list(Path(tmp_path).rglob("IMG-*")) and not list(Path(tmp_path).rglob(".simcache*"))


def test_same_seed_same_image_other_seed_other_speckle(tmp_path, flat_dem):
    images = []
    for run, seed in enumerate((7, 7, 8)):
        folder = simulate_product(flat_dem, "FBS", tmp_path / str(run), lines=40, pixels=50, seed=seed,
                                  dem_height_reference="ellipsoid")
        images.append(read_img(image_path(folder, "HH"))[0])
    # identical up to float32 rounding (numpy's SIMD trigonometry may differ in the last bit between
    # runs, which facet areas amplify to ~1e-9 relative)
    assert np.allclose(images[0], images[1], rtol=1e-6, atol=0)
    assert not np.allclose(images[0], images[2], rtol=0.1)


def test_point_target_without_height_sits_on_the_terrain(tmp_path):
    dem = plane_dem(tmp_path / "plateau.tif", 0.0)
    with rasterio.open(dem, "r+") as ds:  # an 800 m plateau (ellipsoid heights)
        ds.write(np.full((ds.height, ds.width), 800.0, dtype=np.float32), 1)
    scene = plan_scene(mode_spec("FBS"), *CENTRE, lines=128, pixels=128)
    grid = scene.beams[0].grid
    lat, lon = (float(v) for v in radar_to_geo(grid, scene.orbit, 60.3, 70.6, 800.0))
    folder = simulate_product(dem, "FBS", tmp_path / "out", lines=128, pixels=128, dem_height_reference="ellipsoid",
                              point_targets=[PointTarget(lat, lon, None, rcs_db=60.0)])
    truth = json.loads(next((tmp_path / "out").glob("*.simulation.json")).read_text())
    assert truth["point_targets"][0]["ellipsoid_height_m"] == pytest.approx(800.0)
    position = truth["point_targets"][0]["radar_positions"][0]
    assert (position["line"], position["pixel"]) == pytest.approx((60.3, 70.6), abs=1e-3)
    power = np.abs(read_img(image_path(folder, "HH"))[0].astype(np.complex128)) ** 2
    assert np.unravel_index(np.argmax(power), power.shape) == (60, 71)


def test_noise_free_image_and_thermal_noise(tmp_path, flat_dem):
    scene = plan_scene(mode_spec("FBS"), *CENTRE, lines=32, pixels=64)
    cos_inc = np.cos(ellipsoid_incidence_columns(scene, 0))
    clean = simulate_product(flat_dem, "FBS", tmp_path / "clean", lines=32, pixels=64,
                             dem_height_reference="ellipsoid", speckle_noise=False, gamma0_db={"HH": -6.0})
    z = read_img(image_path(clean, "HH"))[0]
    # each pixel carries the propagation phase of its own slant range: -4 pi R / lambda
    grid = scene.beams[0].grid
    expected_phase = -4 * np.pi * grid.range_of_pixel(np.arange(grid.pixels)) / grid.wavelength_m
    residual = np.angle(z.astype(np.complex128) * np.exp(-1j * expected_phase)[None, :])
    assert np.abs(residual).max() < 1e-5
    gamma0 = K * np.abs(z.astype(np.complex128)) ** 2 / cos_inc[None, :]
    assert np.allclose(10 * np.log10(gamma0), -6.0, atol=0.001)  # every pixel, no speckle
    noisy = simulate_product(flat_dem, "FBS", tmp_path / "noisy", lines=32, pixels=64,
                             dem_height_reference="ellipsoid", speckle_noise=False, gamma0_db={"HH": -6.0},
                             noise_equivalent_sigma0_db=-10.0)
    sigma0 = K * np.abs(read_img(image_path(noisy, "HH"))[0].astype(np.complex128)) ** 2
    expected = 10 ** -0.6 * cos_inc + 0.1
    assert np.allclose(sigma0, expected[None, :], rtol=1e-4)


def test_slope_along_track_follows_the_projection_angle(tmp_path):
    """A plane tilted 15 deg towards the north (mostly along track): A_gamma / A_beta = cos(theta_loc)
    / cos(psi) with psi against the image-plane normal, not the range-only 1 / tan(theta_loc)."""
    scene = plan_scene(mode_spec("FBS"), *CENTRE, lines=400, pixels=300)
    tc = scene.orbit.seconds_from_datetime(scene.centre_time_utc)
    centre_xyz = geodetic_to_ecef(*CENTRE, 0.0)
    s, v = scene.orbit.position_velocity(np.array([tc]))
    look = (s[0] - centre_xyz) / np.linalg.norm(s[0] - centre_xyz)
    along = v[0] / np.linalg.norm(v[0])
    _, north, up = enu_basis(*CENTRE)
    slope = np.radians(15.0)
    nx, ny = 400, 400
    y = 4000.0 - (np.arange(ny) + 0.5) * 20.0
    h = np.tile((np.tan(slope) * y)[:, None], (1, nx)).astype(np.float32)
    dem = write_dem(tmp_path / "north.tif", h, from_origin(-4000.0, 4000.0, 20.0, 20.0), local_tm(*CENTRE))
    folder = simulate_product(dem, "FBS", tmp_path / "out", lines=400, pixels=300, gamma0_db={"HH": -8.0},
                              dem_height_reference="ellipsoid", speckle_noise=False)
    z = read_img(image_path(folder, "HH"))[0].astype(np.complex128)
    beta0 = K * np.mean(np.abs(z) ** 2) / np.sin(np.arccos(look @ up))
    normal = up - np.tan(slope) * north
    normal /= np.linalg.norm(normal)
    predicted = (normal @ look) / abs(normal @ np.cross(look, along))
    assert 10 * np.log10(beta0 / predicted) == pytest.approx(-8.0, abs=0.05)
    theta_loc = np.arccos(normal @ look)
    assert abs(10 * np.log10(predicted * np.tan(theta_loc))) > 0.1  # the range-only formula would be wrong


def test_threads_do_not_change_the_image(tmp_path):
    dem = plane_dem(tmp_path / "slope.tif", 8.0)
    images = []
    for workers in (1, 3):
        folder = simulate_product(dem, "FBD", tmp_path / str(workers), lines=300, pixels=40, seed=4, workers=workers,
                                  dem_height_reference="ellipsoid")
        images.append([read_img(image_path(folder, pol))[0] for pol in ("HH", "HV")])
    for a, b in zip(*images):
        assert np.allclose(a, b, rtol=1e-6, atol=0)
    assert not list(tmp_path.rglob(".simcache*"))
