"""Real-size ScanSAR scenes in the simulator: the beams' real sizes, the terrain on every n-th line
(``terrain_line_step``), and the DEM's geoid undulation from a lattice."""

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.geoid import geoid_undulation_m
from palsar2_plugin.simulate import mode_spec, simulate_product
from palsar2_plugin.simulate.dem_source import DemHeights
from palsar2_plugin.simulate.scene import plan_scene

CENTRE = (36.5, 138.5)


def _write(path, data, transform, crs="EPSG:4326"):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=data.dtype, crs=crs, transform=transform) as ds:
        ds.write(data, 1)
    return str(path)


def _samples(folder, pol):
    """complex64 (lines, pixels) of the product's one IMG file of ``pol`` (notes §9: 720-byte
    descriptor, I6 lines at 181, record length at 187, 544-byte prefix, big-endian complex float32)."""
    (path,) = sorted(Path(folder).glob(f"IMG-{pol}-*"))
    raw = path.read_bytes()
    lines, reclen = int(raw[180:186]), int(raw[186:192])
    recs = np.frombuffer(raw, dtype=np.uint8, offset=720, count=lines * reclen).reshape(lines, reclen)
    return recs[:, 544:].copy().view(">c8").astype(np.complex64)


def test_real_size_wd1_beams_fill_a_scansar_frame():
    """Full size (no lines/pixels given): every beam spans the 350 km frame, ~51 s of lines at its own
    PRF (JAXA: 52 s per ScanSAR scene), and the five beams' images hold ~30 GB per polarisation, as a
    real WBD L1.1 product (ASF: 60.0 GB zipped for HH+HV)."""
    scene = plan_scene(mode_spec("WBD"), *CENTRE)
    assert [b.spec.name for b in scene.beams] == ["F1", "F2", "F3", "F4", "F5"]
    for beam in scene.beams:
        duration = beam.grid.lines / beam.spec.prf_hz
        assert 50.0 < duration < 52.0
        assert 4000 < beam.grid.pixels < 7000
    per_polarisation = sum(720 + b.grid.lines * (544 + 8 * b.grid.pixels) for b in scene.beams)
    assert 29e9 < per_polarisation < 31e9
    assert scene.beams[1].grid.lines > 165_000          # F2 has the highest PRF, 3314.5 Hz


@pytest.fixture(scope="module")
def hill_dem(tmp_path_factory):
    """A 900 m Gaussian hill (sigma 500 m) on a plain, heights above the ellipsoid, 30 m cells."""
    d = tmp_path_factory.mktemp("hill")
    n, spacing = 400, 30.0
    x = (np.arange(n) + 0.5) * spacing - n * spacing / 2
    h = (900.0 * np.exp(-(x[None, :] ** 2 + x[:, None] ** 2) / (2 * 500.0 ** 2))).astype(np.float32)
    crs = f"+proj=tmerc +lat_0={CENTRE[0]} +lon_0={CENTRE[1]} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    return _write(d / "hill.tif", h, from_origin(-n * spacing / 2, n * spacing / 2, spacing, spacing), crs)


@pytest.mark.slow
def test_terrain_on_every_eighth_line_follows_the_terrain(hill_dem, tmp_path):
    """Noise-free images over a steep 900 m hill: the terrain computed on every 8th line and
    interpolated is the terrain of every line smoothed over ~2 steps along track (cells of 16 lines:
    99 % within 3 %; of 48 lines: all within 1.5 %; the mean within 0.2 %). The second polarisation
    reuses the decimated terrain (HH/HV exactly the chosen 7 dB apart)."""
    common = dict(lines=480, pixels=160, dem_height_reference="ellipsoid", speckle_noise=False,
                  gamma0_db={"HH": -8.0, "HV": -15.0}, centre_lat_lon=CENTRE)
    every = simulate_product(hill_dem, "FBD", tmp_path / "every", **common)
    eighth = simulate_product(hill_dem, "FBD", tmp_path / "eighth", terrain_line_step=8, **common)
    a = np.abs(_samples(every, "HH")).astype(np.float64) ** 2
    b = np.abs(_samples(eighth, "HH")).astype(np.float64) ** 2
    assert a.shape == b.shape == (480, 160)
    assert a.std() / a.mean() > 0.5                       # the hill shows

    def looks(x, la, lr):
        return x.reshape(480 // la, la, 160 // lr, lr).mean(axis=(1, 3))

    two_steps = np.abs(looks(b, 16, 4) / looks(a, 16, 4) - 1.0)        # ~50 m x ~30 m cells
    six_steps = np.abs(looks(b, 48, 8) / looks(a, 48, 8) - 1.0)        # ~150 m x ~60 m cells
    assert np.percentile(two_steps, 99) < 0.03 and np.median(two_steps) < 0.006
    assert six_steps.max() < 0.015
    assert abs(b.mean() / a.mean() - 1.0) < 0.002
    hv = np.abs(_samples(eighth, "HV")).astype(np.float64) ** 2
    lit = b > 0
    assert np.allclose(10 * np.log10(b[lit] / hv[lit]), 7.0, atol=1e-4)
    assert not list(tmp_path.rglob(".simcache*"))


def test_terrain_line_step_must_be_a_whole_number(tmp_path):
    with pytest.raises(Palsar2Error, match="line step"):
        simulate_product(None, "FBS", tmp_path, lines=16, pixels=16, centre_lat_lon=CENTRE, terrain_line_step=0)


def test_geoid_undulation_from_its_lattice_is_within_a_centimetre(tmp_path):
    """A DEM of 10" cells (0.3 x 0.5 degrees, where EGM96 changes by metres; the exact undulation
    on every third cell): heights = DEM + the EGM96 undulation computed cell by cell, to 1 cm."""
    rows, cols = 107, 183
    data = np.full((rows, cols), 250.0, dtype=np.float32)
    step = 10.0 / 3600.0
    path = _write(tmp_path / "dem.tif", data, from_origin(138.0, 37.0, step, step))
    with DemHeights(path, "egm96") as dem:
        assert dem.undulation_step == 3
        h = dem._window_ellipsoid_heights(0, rows, 0, cols)
    lat = 37.0 - (np.arange(rows) + 0.5) * step
    lon = 138.0 + (np.arange(cols) + 0.5) * step
    exact = 250.0 + geoid_undulation_m(lat[:, None] + 0 * lon[None, :], lon[None, :] + 0 * lat[:, None], "egm96")
    assert h.shape == exact.shape
    assert np.abs(h - exact).max() < 0.01
