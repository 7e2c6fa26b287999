"""DEM heights for the simulator: geoid -> ellipsoid, bilinear sampling, 0 m outside the DEM."""

from sample_data import DEM
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from palsar2_plugin.errors import Palsar2Error
from palsar2_plugin.geoid import geoid_undulation_m
from palsar2_plugin.simulate.dem_source import DemHeights

SAMPLE_DEM = str(DEM)


def _write(path, data, transform, crs="EPSG:4326", nodata=None):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=data.dtype, crs=crs, transform=transform, nodata=nodata) as ds:
        ds.write(data, 1)
    return str(path)


@pytest.fixture()
def ramp_dem(tmp_path):
    # 10 x 10 cells of 0.01 deg from 35.10N / 139.00E; height = 100 * column + 10 * row (geoid metres)
    rows, cols = np.mgrid[0:10, 0:10]
    data = (100.0 * cols + 10.0 * rows).astype(np.float32)
    data[9, 9] = -9999.0
    return _write(tmp_path / "ramp.tif", data, from_origin(139.0, 35.1, 0.01, 0.01), nodata=-9999.0)


def test_bilinear_inside_with_geoid_and_zero_outside(ramp_dem):
    with DemHeights(ramp_dem, "egm96") as dem:
        # cell centre of row 2, column 3 and the midpoint between columns 3 and 4
        lat = np.array([35.1 - 0.025, 35.1 - 0.025, 36.5, 35.1 - 0.0999])
        lon = np.array([139.035, 139.040, 139.05, 139.0999])
        h = dem.ellipsoid_heights(lat, lon)
        n = geoid_undulation_m(lat[:2], lon[:2], "egm96")
        assert 35.0 < n[0] < 42.0  # EGM96 is about +39 m here
        assert h[0] == pytest.approx(320.0 + n[0], abs=1e-3)
        assert h[1] == pytest.approx(370.0 + n[1], abs=1e-3)
        assert h[2] == 0.0  # outside the DEM: 0 m above the ellipsoid, not the geoid
        assert h[3] == 0.0  # next to the nodata cell only
        assert dem.centre_lat_lon() == pytest.approx((35.05, 139.05))
        lo, hi = dem.ellipsoid_height_range()
        assert lo == 0.0 and 980.0 + 35.0 < hi < 980.0 + 42.0


def test_ellipsoid_reference_keeps_heights(ramp_dem):
    with DemHeights(ramp_dem, "ellipsoid") as dem:
        h = dem.ellipsoid_heights(np.array([35.1 - 0.005]), np.array([139.005]))
        assert h[0] == pytest.approx(0.0, abs=1e-9)
        h = dem.ellipsoid_heights(np.array([35.1 - 0.015]), np.array([139.095]))
        assert h[0] == pytest.approx(910.0, abs=1e-6)


def test_projected_dem_and_half_cell_edge(tmp_path):
    crs = "+proj=tmerc +lat_0=36 +lon_0=138.5 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    data = np.full((4, 4), 500.0, dtype=np.float32)
    path = _write(tmp_path / "tm.tif", data, from_origin(-40.0, 40.0, 20.0, 20.0), crs=crs)
    with DemHeights(path, "ellipsoid") as dem:
        # metres -> degrees near the origin
        dlon = 1.0 / (111_320.0 * np.cos(np.radians(36.0)))
        h = dem.ellipsoid_heights(np.full(4, 36.0),
                                  138.5 + np.array([0.0, 25.0, 45.0, 55.0]) * dlon)
        # inside; bilinear from the last cell centre (x = 30 m, 500 m) to the first outside cell
        # centre (x = 50 m, 0 m above the ellipsoid); beyond it 0
        assert h[0] == pytest.approx(500.0)
        assert h[1] == pytest.approx(500.0, abs=1e-6)
        assert h[2] == pytest.approx(500.0 * 0.25, abs=5.0)
        assert h[3] == 0.0


def test_real_dems_open_and_have_plausible_heights():
    with DemHeights(f"{SAMPLE_DEM}/zion_srtm_cgiar_3arcsec.tif") as dem:  # uint16, nodata 65535
        lat, lon = dem.centre_lat_lon()
        assert lat == pytest.approx(37.32, abs=0.05) and lon == pytest.approx(-113.05, abs=0.05)
        lo, hi = dem.ellipsoid_height_range()
        assert lo == 0.0 and 2800 < hi < 2900  # 2892 m max, geoid about -20 m in Utah
    with DemHeights(f"{SAMPLE_DEM}/hakone_aster_gdem2_1arcsec.tif") as dem:
        h = dem.ellipsoid_heights(np.array([35.2334]), np.array([139.0210]))  # outside, to the SW
        assert h[0] == 0.0


def test_unreadable_dem_is_a_clear_error(tmp_path):
    bad = tmp_path / "dem.tif"
    bad.write_text("not a raster")
    with pytest.raises(Palsar2Error, match="Cannot open the DEM"):
        DemHeights(str(bad))
    with pytest.raises(Palsar2Error, match="Cannot open the DEM"):
        DemHeights(f"{SAMPLE_DEM}/FG-GML-5238-74-00-DEM5A-20161001_row1.xml")
