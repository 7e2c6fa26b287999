"""The simulator's command line over real DEMs, and its products read back by the CEOS reader."""

from sample_data import DEM
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from palsar2_plugin.ceos import open_product
from palsar2_plugin.simulate import mode_spec
from palsar2_plugin.simulate.scene import plan_scene

pytestmark = pytest.mark.slow     # scripts/test.sh --fast leaves it out

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args):
    cmd = [sys.executable, "-m", "palsar2_plugin.simulate", "--quiet", *map(str, args)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    return done


@pytest.fixture(scope="module")
def zion_wbd(tmp_path_factory):
    out = tmp_path_factory.mktemp("zion")
    done = run_cli("--dem", DEM / "zion_srtm_cgiar_3arcsec.tif", "--mode", "WBD", "--out", out,
                   "--lines", 240, "--pixels", 200, "--gamma0-db", "HH=-7", "HV=-14", "--seed", 11)
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip())
    return folder


def test_cli_prints_a_complete_scansar_product(zion_wbd):
    folder = zion_wbd
    assert folder.is_dir() and folder.name.endswith("-WBDR1.1__D")
    names = sorted(p.name for p in folder.iterdir())
    assert len([n for n in names if n.startswith("IMG-")]) == 10
    assert sum(n.startswith(("VOL-", "LED-", "TRL-")) for n in names) == 3 and "summary.txt" in names
    truth = json.loads((folder.parent / f"{folder.name}.simulation.json").read_text())
    assert truth["gamma0_db"] == {"HH": -7.0, "HV": -14.0}
    assert truth["dem_height_reference"] == "egm96"


def test_reader_reads_back_every_beam(zion_wbd):
    scene = open_product(zion_wbd)
    plan = plan_scene(mode_spec("WBD"), *scene.centre_lat_lon, pass_direction="descending", look_side="right",
                      centre_time_utc=scene.scene_centre_time_utc, lines=240, pixels=200)
    assert scene.mode == "WBD" and scene.level == "1.1"
    assert scene.look_side == "right" and scene.pass_direction == "descending"
    assert scene.polarisations == ("HH", "HV")
    assert scene.calibration_factor_db == -83.0
    assert len(scene.state_vectors) == 28
    assert scene.beams == (1, 2, 3, 4, 5)
    for beam in plan.beams:
        image = scene.image(beam.number, "HV")
        assert (image.lines, image.pixels) == (240, 200)
        assert image.prf_hz == pytest.approx(beam.spec.prf_hz, abs=1e-9)
        assert image.slant_range_first_pixel_m == beam.grid.slant_range_first_m
        assert image.first_line_time_utc == beam.first_line_time_utc
        assert image.range_pixel_spacing_m == pytest.approx(beam.grid.range_spacing_m, rel=1e-12)
    # the orbit read back is the simulator's (state vectors: 1e-3 m / 1e-6 m/s as written)
    orbit = scene.orbit()
    t = plan.orbit.seconds_from_datetime(scene.scene_centre_time_utc)
    p_read, _ = orbit.position_velocity(np.array([orbit.seconds_from_datetime(scene.scene_centre_time_utc)]))
    p_plan, _ = plan.orbit.position_velocity(np.array([t]))
    assert np.abs(p_read - p_plan).max() < 0.01


def test_real_mountains_show_terrain_and_keep_polarisation_ratio(zion_wbd):
    """Over Zion's canyons the multilooked image varies far more than speckle alone would, and
    HH/HV differ by the chosen 7 dB everywhere (same terrain, independent speckle)."""
    from palsar2_plugin.ceos.image import iter_multilooked_intensity

    scene = open_product(zion_wbd)
    spreads, ratios = [], []
    for beam in scene.beams:
        hh = np.concatenate([b for _, b in iter_multilooked_intensity(scene.image(beam, "HH"), 12, 4)])
        hv = np.concatenate([b for _, b in iter_multilooked_intensity(scene.image(beam, "HV"), 12, 4)])
        lit = hh > 0  # radar shadow is exactly 0 (no thermal noise is simulated)
        spreads.append(np.std(10 * np.log10(hh[lit])))
        ratios.append(10 * np.log10(hh.mean() / hv.mean()))
    # 48 looks of speckle alone: std of 10 log10 about 0.63 dB
    assert max(spreads) > 1.5
    assert np.allclose(ratios, 7.0, atol=0.15)


def test_cli_rejects_bad_input(tmp_path):
    done = run_cli("--dem", DEM / "zion_srtm_cgiar_3arcsec.tif", "--mode", "WBD", "--out", tmp_path,
                   "--gamma0-db", "HH:-8")
    assert done.returncode == 2 and "POL=dB" in done.stderr
    done = run_cli("--dem", tmp_path / "missing.tif", "--mode", "FBD", "--out", tmp_path)
    assert done.returncode == 2 and "Cannot open the DEM" in done.stderr
    done = run_cli("--mode", "FBD", "--out", tmp_path)
    assert done.returncode == 2 and "--centre" in done.stderr


@pytest.mark.parametrize("mode", sorted(
    ["WBD", "WBS", "WWD", "WWS", "VBD", "VBS", "FBD", "FBS", "HBD", "HBS", "UBS", "UBD"]))
def test_every_mode_writes_a_product_the_reader_opens(tmp_path, mode):
    from palsar2_plugin.simulate import simulate_product

    spec = mode_spec(mode)
    folder = simulate_product(None, mode, tmp_path, lines=24, pixels=40, centre_lat_lon=(-10.0, -62.5),
                              pass_direction="ascending", look_side="left", seed=1)
    scene = open_product(folder)
    assert scene.mode == mode and scene.look_side == "left" and scene.pass_direction == "ascending"
    assert scene.polarisations == spec.polarisations
    assert len(scene.beams) == len(spec.beams)
    assert scene.range_sampling_rate_hz == pytest.approx(spec.range_sampling_rate_hz, rel=1e-12)
    prfs = [scene.image(b, spec.polarisations[0]).prf_hz for b in scene.beams]
    assert prfs == pytest.approx([b.prf_hz for b in spec.beams], abs=1e-9)
    assert all(scene.image(b, p).lines == 24 and scene.image(b, p).pixels == 40
               for b in scene.beams for p in spec.polarisations)


def test_stripmap_leader_polynomials_match_the_geometry(tmp_path):
    from palsar2_plugin.geometry.range_doppler import radar_to_geo
    from palsar2_plugin.simulate import simulate_product

    folder = simulate_product(None, "FBD", tmp_path, lines=2000, pixels=1200, centre_lat_lon=(36.2, 138.1))
    scene = open_product(folder)
    poly = scene.coordinate_polynomials
    grid = scene.radar_grid(1)
    rng = np.random.default_rng(0)
    line, pixel = rng.uniform(0, 1999, 50), rng.uniform(0, 1199, 50)
    lat, lon = radar_to_geo(grid, scene.orbit(), line, pixel, 0.0)
    plat, plon = poly.pixel_line_to_lat_lon(pixel, line)
    assert np.abs(plat - lat).max() < 1e-6 and np.abs(plon - lon).max() < 1e-6  # < 0.1 m
    ppix, pline = poly.lat_lon_to_pixel_line(lat, lon)
    assert np.abs(ppix - pixel).max() < 0.01 and np.abs(pline - line).max() < 0.01


def test_dss_incidence_polynomial_matches_the_geometry(tmp_path):
    from palsar2_plugin.geometry.ellipsoid import geodetic_to_ecef
    from palsar2_plugin.geometry.range_doppler import ellipsoid_incidence_deg, geolocate
    from palsar2_plugin.radiometry import incidence_from_polynomial_deg
    from palsar2_plugin.simulate import simulate_product

    folder = simulate_product(None, "WWS", tmp_path, lines=16, centre_lat_lon=(40.0, 30.0))  # full-width beams
    scene = open_product(folder)
    orbit = scene.orbit()
    t = orbit.seconds_from_datetime(scene.scene_centre_time_utc)
    first = scene.image(1, "HH")
    last = scene.image(5, "HH")
    ranges = np.linspace(first.slant_range_first_pixel_m,
                         last.slant_range_first_pixel_m + (last.pixels - 1) * last.range_pixel_spacing_m, 50)
    lat, lon = geolocate(orbit, t, ranges, 0.0, scene.look_side)
    truth = ellipsoid_incidence_deg(orbit, t, geodetic_to_ecef(lat, lon, 0.0))
    assert truth.min() == pytest.approx(25.0, abs=0.01) and truth.max() == pytest.approx(48.5, abs=0.05)
    assert np.abs(incidence_from_polynomial_deg(scene.incidence_polynomial, ranges) - truth).max() < 0.01


def test_cli_flat_southern_scene_with_point_target(tmp_path):
    done = run_cli("--centre=-10.5,-62.5", "--mode", "FBS", "--out", tmp_path, "--lines", 64, "--pixels", 64,
                   "--point-target=-10.5,-62.5,0,55", "--pass", "ascending", "--look-side", "left", "--no-speckle")
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip())
    truth = json.loads((folder.parent / f"{folder.name}.simulation.json").read_text())
    assert truth["point_targets"][0]["rcs_db"] == 55.0 and truth["speckle"] is False
    (position,) = truth["point_targets"][0]["radar_positions"]
    # the scene centre is the middle of the 64 x 64 image
    assert position["line"] == pytest.approx(31.5, abs=0.01) and position["pixel"] == pytest.approx(31.5, abs=1.0)
