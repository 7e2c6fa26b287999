"""GDAL calls that fail the same way whatever ``gdal.UseExceptions()`` says (QGIS, other plugins or a
script may switch it): without exceptions GDAL returns None (or a CPLErr code) and keeps a message, with
them it raises RuntimeError. :func:`call` gives (result, message) either way."""

from __future__ import annotations

from typing import Any, Callable, Tuple


def call(function: Callable[..., Any], *args) -> Tuple[Any, str]:
    """(result, GDAL's message) of ``function(*args)``; the result is None when GDAL raised."""
    from osgeo import gdal

    gdal.ErrorReset()
    try:
        result = function(*args)
    except RuntimeError as error:
        return None, str(error)
    return result, gdal.GetLastErrorMsg()


def failed(result: Any) -> bool:
    """True for a failed call's result: None, or a CPLErr code other than CE_None (0)."""
    return result is None or (isinstance(result, int) and not isinstance(result, bool) and result != 0)
