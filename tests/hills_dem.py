"""A small synthetic DEM for the scale-out and remote-read tests: two gaussian hills near Hakone."""

import numpy as np
import rasterio
from rasterio.transform import from_origin

LAT, LON = 35.30, 139.20


def hills_dem(path, size=400, step=0.0005, top=150.0):
    """Two gaussian hills (20..~190 m above EGM96) on a lon/lat grid (step degrees) centred on LAT, LON."""
    y, x = np.mgrid[:size, :size].astype(np.float32)
    c = size / 2.0
    h = (top * np.exp(-((x - 0.8 * c) ** 2 + (y - c) ** 2) / (2 * (size / 8) ** 2))
         + 0.5 * top * np.exp(-((x - 1.3 * c) ** 2 + (y - 0.7 * c) ** 2) / (2 * (size / 10) ** 2)) + 20.0)
    with rasterio.open(path, "w", driver="GTiff", height=size, width=size, count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(LON - c * step, LAT + c * step, step, step),
                       nodata=-9999) as ds:
        ds.write(h.astype(np.float32), 1)
    return str(path)


def hills_product(folder, seed=0):
    """(DEM path, product folder): the hills DEM and a small FBS L1.1 product simulated over it
    (900 lines x 180 pixels, gamma0 HH -8 dB) in ``folder``."""
    from palsar2_plugin.simulate.product import simulate_product

    dem = hills_dem(folder / "hills.tif")
    return dem, simulate_product(dem, "FBS", folder / "l11", lines=900, pixels=180, seed=seed, gamma0_db={"HH": -8.0})
