"""A chain of repeat passes (root -> B -> C, as a pre-event and a co-event pair for coherence change),
a displacement raster, a coherence patch, and the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from palsar2_plugin.ceos import open_product
from palsar2_plugin.geometry.ellipsoid import enu_basis, geodetic_to_ecef
from palsar2_plugin.geometry.range_doppler import geo_to_radar, radar_to_geo
from palsar2_plugin.simulate import simulate_product
from palsar2_plugin.simulate.deformation import CoherencePatch
from palsar2_plugin.simulate.product import planned_scene
from palsar2_plugin.simulate.repeat import simulate_repeat, simulation_json_of
from palsar2_plugin.simulate.scatterers import Acquisition, ScattererLattice

from test_simulate_repeat import interpolate, read_slc

pytestmark = pytest.mark.slow

CENTRE = (35.0, 139.0)
SIZE = 256


def record_of(folder):
    return json.loads(simulation_json_of(folder).read_text())


def enu_raster(path, scene, east, up):
    """A 3-band east/north/up GeoTIFF (metres, EPSG:4326) over the scene: ``east`` and ``up`` in its
    eastern half, 0 elsewhere."""
    grid = scene.beams[0].grid
    lat, lon = radar_to_geo(grid, scene.orbit, np.array([0, 0, grid.lines - 1, grid.lines - 1]),
                            np.array([0, grid.pixels - 1, 0, grid.pixels - 1]), 0.0)
    west, eastmost, south, north = lon.min() - 0.01, lon.max() + 0.01, lat.min() - 0.01, lat.max() + 0.01
    step = 0.0002
    width, height = int((eastmost - west) / step), int((north - south) / step)
    data = np.zeros((3, height, width), dtype=np.float32)
    data[0, :, width // 2:] = east
    data[2, :, width // 2:] = up
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=3, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(west, north, step, step)) as ds:
        ds.write(data)
    return str(path), 0.5 * (lon.min() + lon.max())


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chain")
    root = simulate_product(None, "UBS", tmp / "a", lines=SIZE, pixels=SIZE, centre_lat_lon=CENTRE,
                            speckle="band-limited", seed=21)
    b = simulate_repeat(root, tmp / "b", perpendicular_baseline_m=120.0, coherence=0.9)
    scene = planned_scene(record_of(root)["plan"])
    raster, _ = enu_raster(tmp / "enu.tif", scene, east=0.4, up=0.03)
    patch_lat, patch_lon = (float(v) for v in radar_to_geo(scene.beams[0].grid, scene.orbit, 128.0, 60.0, 0.0))
    c = simulate_repeat(b, tmp / "c", days=28, perpendicular_baseline_m=-80.0, coherence=0.5,
                        coherence_patches=[CoherencePatch(patch_lat, patch_lon, 0.04, 0.1)],
                        displacement_raster=raster)
    return root, b, c


def pair_interferogram(root, first, second):
    """z_first conj(z_second) with the flat-earth phase removed, both read at the root's scatterers."""
    rr, r1, r2 = record_of(root), record_of(first), record_of(second)
    s0, s1, s2 = (planned_scene(r["plan"]) for r in (rr, r1, r2))
    g0 = s0.beams[0].grid
    acqs = [Acquisition(s.orbit, s.beams[0].grid) for s in (s1, s2) if s is not s0]
    lattice = ScattererLattice(Acquisition(s0.orbit, g0, is_root=True), None, (0.0, 0.0), (-64, SIZE + 64),
                               (-64, SIZE + 64), acqs)
    m = 24
    lines, pixels = np.meshgrid(np.arange(m, SIZE - m, dtype=float), np.arange(m, SIZE - m, dtype=float), indexing="ij")
    s = lattice.evaluate(lines, pixels, [1, 2])
    from palsar2_plugin.simulate.repeat import _steps_from
    from palsar2_plugin.simulate.repeat_field import ReflectivityChain
    values = []
    for folder, index, record in ((first, 1, r1), (second, 2, r2)):
        steps = _steps_from(record.get("repeat", {}).get("steps", []))
        d = ReflectivityChain(0, steps, 1, 0).displacement(s.lat, s.lon)
        rng, line, pixel = s.displaced(index, d)
        z, _ = read_slc(folder)
        values.append((interpolate(z, line, pixel), rng, d, index))
    (z1, rng1, d1, _), (z2, rng2, d2, i2) = values
    geometric = 4 * np.pi * (s.acquisition[2]["range"] - s.acquisition[1]["range"]) / g0.wavelength_m
    return z1 * np.conj(z2) * np.exp(-1j * geometric), z1, z2, s, d2


def coherence(ifg, z1, z2, n=8):
    def looks(x):
        return x.reshape(x.shape[0] // n, n, x.shape[1] // n, n).sum(axis=(1, 3))
    return np.abs(looks(ifg)) / np.sqrt(looks(np.abs(z1) ** 2) * looks(np.abs(z2) ** 2)), looks(ifg)


def test_chain_records_and_products(chain):
    root, b, c = chain
    rec = record_of(c)["repeat"]
    assert rec["root_plan"] == record_of(root)["plan"]
    assert [s["coherence"]["coherence"] for s in rec["steps"]] == [0.9, 0.5]
    assert rec["temporal_baseline_days"] == 28
    assert rec["reference_product"] == b.name
    assert rec["perpendicular_baseline_m"] == pytest.approx(-80.0, abs=0.01)      # relative to B, the pair's reference
    ids = [open_product(p).scene_id for p in (root, b, c)]
    assert [int(i[5:10]) for i in ids] == [int(ids[0][5:10]) + k for k in (0, 207, 3 * 207)]


def test_coherence_along_the_chain(chain):
    """B-C: 0.5 (0.1 in the patch); root-C: 0.9 x 0.5 (the chain's reflectivity correlates as it should)."""
    root, b, c = chain
    ifg, z1, z2, s, d = pair_interferogram(root, b, c)
    coh, _ = coherence(ifg, z1, z2)
    truth_path = c.parent / record_of(c)["repeat"]["truth_files"]["1"]
    with rasterio.open(truth_path) as ds:
        temporal = ds.read(3)
    assert np.nanmin(temporal) == pytest.approx(0.1) and np.nanmax(temporal) == pytest.approx(0.5)
    # the displacement's phase decorrelates nothing (constant in each half); away from the patch and the
    # raster's edge the B-C coherence is 0.5 x the spectral term (E|gamma| of 36 independent looks ~ 0.51)
    patch_line, patch_pixel = 128 - 24, 60 - 24
    rows = (np.arange(coh.shape[0]) + 0.5) * 8
    cols = (np.arange(coh.shape[1]) + 0.5) * 8
    far = np.hypot(rows[:, None] - patch_line, cols[None, :] - patch_pixel) > 40
    inside = np.hypot(rows[:, None] - patch_line, cols[None, :] - patch_pixel) < 12
    assert np.mean(coh[far]) == pytest.approx(0.51, abs=0.04)
    assert np.mean(coh[inside]) < 0.3
    ifg0, a1, a2, _, _ = pair_interferogram(root, root, c)
    coh0, _ = coherence(ifg0, a1, a2)
    assert np.mean(coh0[far]) == pytest.approx(0.46, abs=0.04)


def test_displacement_raster_truth(chain):
    root, b, c = chain
    rec = record_of(c)
    with rasterio.open(c.parent / rec["repeat"]["truth_files"]["1"]) as ds:
        los = ds.read(1)
        transform = ds.transform
    finite = np.isfinite(los)
    # two values: 0 in the western half, LOS . (0.4 east, 0, 0.03 up) in the eastern half
    scene = planned_scene(rec["plan"])
    grid = scene.beams[0].grid
    lat, lon = (float(v) for v in radar_to_geo(grid, scene.orbit, grid.lines / 2, grid.pixels / 2, 0.0))
    t, r, _, _ = geo_to_radar(grid, scene.orbit, lat, lon, 0.0)
    x = geodetic_to_ecef(lat, lon, 0.0)
    los_vec = (scene.orbit.position(np.array([float(t)]))[0] - x) / float(r)
    e, n, u = enu_basis(lat, lon)
    expected = 0.4 * los_vec @ e + 0.03 * los_vec @ u
    values = los[finite]
    assert np.min(np.abs(values)) < 1e-4
    assert np.max(np.abs(values)) == pytest.approx(abs(expected), rel=0.02)
    # and the interferogram holds it: -4 pi d / lambda in the moved half
    ifg, z1, z2, s, d = pair_interferogram(root, b, c)
    moved = d[..., 0] > 0.2
    phase = np.angle(np.sum(ifg[moved] * np.conj(ifg[~moved].sum())))
    assert phase == pytest.approx(np.angle(np.exp(-4j * np.pi * expected / grid.wavelength_m)), abs=0.15)
    # the east shift moves scatterers by ~0.4 m / 2.5 m of ground range = 0.16 pixel in the secondary
    assert transform.a > 0


def test_command_line_repeat(tmp_path):
    env_cmd = [sys.executable, "-m", "palsar2_plugin.simulate", "--quiet"]
    out = subprocess.run(env_cmd + ["--mode", "UBS", "--out", str(tmp_path / "a"), "--lines", "48", "--pixels", "48",
                                    "--centre=35.0,139.0", "--speckle", "band-limited"],
                         check=True, capture_output=True, text=True)
    ref = out.stdout.strip()
    out = subprocess.run(env_cmd + ["--repeat-of", ref, "--out", str(tmp_path / "b"), "--perpendicular-baseline-m",
                                    "60", "--coherence", "0.7", "--uplift", "35.0,139.0,0.2,0.01"],
                         check=True, capture_output=True, text=True)
    sec = out.stdout.strip()
    rec = json.loads(simulation_json_of(sec).read_text())["repeat"]
    assert rec["perpendicular_baseline_m"] == pytest.approx(60.0, abs=0.01)
    assert (tmp_path / "b" / rec["truth_files"]["1"]).is_file()
    bad = subprocess.run(env_cmd + ["--repeat-of", ref, "--out", str(tmp_path / "c"), "--mode", "UBS"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "from the reference" in bad.stderr


def test_no_speckle_repeat_carries_range_and_displacement_phase(tmp_path):
    from palsar2_plugin.simulate.deformation import Uplift
    ref = simulate_product(None, "UBS", tmp_path / "a", lines=64, pixels=64, centre_lat_lon=CENTRE,
                           speckle_noise=False)
    uplift = Uplift(CENTRE[0], CENTRE[1], 0.3, 0.02)
    sec = simulate_repeat(ref, tmp_path / "b", perpendicular_baseline_m=50.0, uplifts=[uplift])
    scene = planned_scene(record_of(sec)["plan"])
    grid = scene.beams[0].grid
    z, _ = read_slc(sec)
    lines, pixels = np.meshgrid(np.arange(0, 64, 9.0), np.arange(0, 64, 9.0), indexing="ij")
    lat, lon = radar_to_geo(grid, scene.orbit, lines, pixels, 0.0)
    x = geodetic_to_ecef(lat, lon, 0.0)
    los = scene.orbit.position(grid.time_of_line(lines)) - x
    los /= np.linalg.norm(los, axis=-1)[..., None]
    _, _, up = enu_basis(lat, lon)
    d = np.einsum("...k,...k->...", los, up) * uplift.up(lat, lon)
    expected = -4 * np.pi * (grid.range_of_pixel(pixels) - d) / grid.wavelength_m
    got = np.angle(z[lines.astype(int), pixels.astype(int)])
    assert np.max(np.abs(np.angle(np.exp(1j * (got - expected))))) < 0.01
    assert d.max() > 0.01                       # the uplift is there: 0.33 rad of phase and more
