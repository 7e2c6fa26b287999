"""GDAL failures read the same whatever gdal.UseExceptions() says (QGIS or another plugin may switch it)."""

from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from palsar2_plugin import gdal_calls


@pytest.fixture(params=[False, True], ids=["error codes", "exceptions"])
def exception_mode(request):
    before = gdal.GetUseExceptions()
    if request.param:
        gdal.UseExceptions()
    else:
        gdal.DontUseExceptions()
    yield request.param
    if before:
        gdal.UseExceptions()
    else:
        gdal.DontUseExceptions()


def test_failed_open_and_write_in_either_mode(exception_mode, tmp_path):
    try:
        gdal.Error(gdal.CE_Failure, 1, "an earlier, unrelated error")      # not reported as this call's
    except RuntimeError:
        pass
    result, message = gdal_calls.call(gdal.Open, str(tmp_path / "absent.tif"))
    assert result is None and gdal_calls.failed(result)
    assert "absent.tif" in message and "earlier" not in message
    dataset, message = gdal_calls.call(gdal.GetDriverByName("MEM").Create, "", 4, 3, 1, gdal.GDT_Float32)
    assert dataset is not None and not gdal_calls.failed(dataset) and message == ""
    band = dataset.GetRasterBand(1)
    assert not gdal_calls.failed(gdal_calls.call(band.WriteArray, np.ones((3, 4), np.float32))[0])
    code, message = gdal_calls.call(band.WriteRaster, 2, 0, 4, 3, bytes(48))     # beyond the raster
    assert gdal_calls.failed(code) and message
