"""Writing raster layers tile by tile, then turning them into Cloud-Optimised GeoTIFFs.

A :class:`TiledLayer` is a tiled, compressed GeoTIFF written window by window (never the whole
raster in memory); :func:`to_cog` copies it to a COG with internal overviews (GDAL's COG driver,
which streams). Every file carries :func:`palsar2_plugin.attribution.geotiff_tags` and the
layer's own description, and declares its no-data value.
"""

from __future__ import annotations

import os
from typing import Dict, Optional

import numpy as np

from .. import attribution
from ..compiled import compiled_or_numpy, jit


_CODEC = None    # intermediate_codec()'s answer, found once


def intermediate_codec() -> str:
    """The quickest lossless GTiff compression for intermediate layers (read back by our own code only):
    ZSTD level 1 where GDAL has it (Debian 12/13, OSGeo4W, the macOS bundle), else DEFLATE level 1.
    On a 3072 x 3072 gamma0 layer (speckle, 256 blocks): ZSTD 1 writes in 0.19 CPU-s, DEFLATE 1 in
    0.34 and DEFLATE 6 (GDAL's default) in 0.72, the files all within 2 % of each other."""
    global _CODEC
    if _CODEC is None:
        try:
            from osgeo import gdal

            options = gdal.GetDriverByName("GTiff").GetMetadataItem("DMD_CREATIONOPTIONLIST") or ""
            _CODEC = "ZSTD" if "ZSTD" in options else "DEFLATE"
        except ImportError:
            _CODEC = "DEFLATE"
    return _CODEC


class TiledLayer:
    """A single-band GeoTIFF open for windowed writing.

    ``dtype``: numpy dtype name; ``nodata``: the no-data value (NaN for floats); ``compress``: GDAL
    compression of this (intermediate) file, "NONE" for speed when disk space allows (ZSTD and
    DEFLATE at level 1: see :func:`intermediate_codec`).
    """

    def __init__(self, path: str, grid, dtype: str, nodata, description: str = "",
                 tags: Optional[Dict[str, str]] = None, block: int = 256, compress: str = "DEFLATE"):
        import rasterio

        self.path = path
        self.dtype = dtype
        self.nodata = nodata
        is_float = np.dtype(dtype).kind == "f"
        profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=1, dtype=dtype,
                       crs=grid.crs, transform=grid.transform, nodata=nodata, tiled=True,
                       blockxsize=block, blockysize=block, BIGTIFF="IF_SAFER")
        if compress and compress.upper() != "NONE":
            profile.update(compress=compress, predictor=3 if is_float else 2)
            level = {"ZSTD": "zstd_level", "DEFLATE": "zlevel"}.get(compress.upper())
            if level:
                profile[level] = 1
        self._ds = rasterio.open(path, "w", **profile)
        all_tags = dict(attribution.geotiff_tags())
        if tags:
            all_tags.update(tags)
        self._ds.update_tags(**all_tags)
        if description:
            self._ds.set_band_description(1, description)

    def write(self, array: np.ndarray, row0: int, col0: int) -> None:
        from rasterio.windows import Window

        h, w = array.shape
        self._ds.write(array.astype(self.dtype, copy=False), 1, window=Window(col0, row0, w, h))

    def close(self) -> None:
        if self._ds is not None:
            self._ds.close()
            self._ds = None


def overview_factors(width: int, height: int, block: int = 256) -> list:
    """Decimation factors 2, 4, 8, ... until the smallest overview fits in one block (the default of
    GDAL's COG driver): [2, 4, 8, 16] for 4000 x 4000 px, [2, 4] for 600 x 600, [] for 256 x 256."""
    factors, f = [], 1
    while max(-(-width // f), -(-height // f)) > block:
        f *= 2
        factors.append(f)
    return factors


def _halve_numpy(a: np.ndarray, resampling: str, nodata) -> np.ndarray:
    if resampling.upper() != "AVERAGE":
        return a[0::2, 0::2]
    h, w = a.shape
    missing_is_nan = nodata is None or (isinstance(nodata, float) and np.isnan(nodata))
    total = np.zeros(((h + 1) // 2, (w + 1) // 2), dtype=np.float32)
    count = np.zeros(total.shape, dtype=np.float32)
    for di in (0, 1):
        for dj in (0, 1):
            part = a[di::2, dj::2]                       # one pixel of every block (edges: fewer)
            valid = np.isfinite(part) if missing_is_nan else (part != nodata) & np.isfinite(part)
            ph, pw = part.shape
            total[:ph, :pw] += np.where(valid, part, 0.0)
            count[:ph, :pw] += valid
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total / count
    if not missing_is_nan:
        out[count == 0] = nodata
    return out.astype(a.dtype, copy=False)


@jit
def _mean_of_blocks(a, missing_is_nan, nodata, out):
    """``out`` (ceil(h/2), ceil(w/2)): the float32 mean of the valid pixels of each 2 x 2 block of the
    float32 ``a``, summed in the order of :func:`_halve_numpy` (same bits); no valid pixel: NaN, or
    ``nodata`` unless it is NaN."""
    h, w = a.shape
    zero = np.float32(0.0)
    one = np.float32(1.0)
    fill = np.float32(np.nan) if missing_is_nan else np.float32(nodata)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            total = zero
            count = zero
            for di in range(2):
                for dj in range(2):
                    r = 2 * i + di
                    c = 2 * j + dj
                    if r < h and c < w:
                        v = a[r, c]
                        if np.isfinite(v) and (missing_is_nan or v != nodata):
                            total += v
                            count += one
            out[i, j] = total / count if count > zero else fill


@compiled_or_numpy(_halve_numpy)
def _halve(a: np.ndarray, resampling: str, nodata) -> np.ndarray:
    """One overview level from the previous one: 2 x 2 blocks (the last row/column may be single).
    AVERAGE: mean of the valid values (NaN or ``nodata`` are not valid; none valid -> no data);
    otherwise NEAREST: the block's first pixel. The compiled form takes float32 AVERAGE levels."""
    if resampling.upper() != "AVERAGE" or a.dtype != np.float32:
        return _halve_numpy(a, resampling, nodata)
    missing_is_nan = nodata is None or (isinstance(nodata, float) and np.isnan(nodata))
    out = np.empty(((a.shape[0] + 1) // 2, (a.shape[1] + 1) // 2), dtype=np.float32)
    _mean_of_blocks(np.ascontiguousarray(a), bool(missing_is_nan), 0.0 if missing_is_nan else float(nodata), out)
    return out


def write_overviews(path: str, resampling: str = "AVERAGE", is_cancelled=None, band_rows: int = 512) -> bool:
    """Build the internal overviews of the GeoTIFF at ``path`` (factors of :func:`overview_factors`)
    ourselves, reading it once in bands of rows: each level from the one below it with :func:`_halve`
    (NaN-aware mean for AVERAGE). False when GDAL's Python bindings are missing (nothing done)."""
    try:
        from osgeo import gdal
    except ImportError:
        return False
    from ..errors import Cancelled

    ds = gdal.Open(path, gdal.GA_Update)
    try:
        width, height = ds.RasterXSize, ds.RasterYSize
        factors = overview_factors(width, height)
        if not factors:
            return True
        ds.BuildOverviews("NONE", factors)                # the empty levels
        band = ds.GetRasterBand(1)
        nodata = band.GetNoDataValue()
        levels = [band.GetOverview(i) for i in range(band.GetOverviewCount())]
        step = factors[-1] * max(1, band_rows // factors[-1])
        for row0 in range(0, height, step):
            if is_cancelled is not None and is_cancelled():
                raise Cancelled("Cancelled by the user")
            level = band.ReadAsArray(0, row0, width, min(step, height - row0))
            for factor, overview in zip(factors, levels):
                level = _halve(level, resampling, nodata)
                overview.WriteArray(level, 0, row0 // factor)
        return True
    finally:
        ds = None


def to_cog(src_path: str, dst_path: str, resampling: str = "AVERAGE", remove_source: bool = True,
           is_cancelled=None, predictor: Optional[str] = None) -> str:
    """Copy a GeoTIFF to a COG (DEFLATE level 1, 256 blocks, overviews down to < 256 px, ``resampling`` for them:
    AVERAGE (of the valid pixels) or NEAREST).

    ``predictor``: the TIFF predictor, default FLOATING_POINT for floats and YES (horizontal
    differencing) for integers; NO suits piecewise-constant layers (e.g. the number of looks: the
    floating-point predictor costs 0.3 CPU-s per 16 Mpx there and makes the file larger).

    With GDAL's Python bindings the copy reports progress to GDAL and stops as soon as
    ``is_cancelled()`` is true (raising :class:`..errors.Cancelled`); otherwise rasterio copies it.
    """
    import rasterio

    from ..errors import Cancelled, Palsar2Error

    with rasterio.open(src_path) as src:
        is_float = np.dtype(src.dtypes[0]).kind == "f"
    # DEFLATE level 1: about half the time of the default level 6 for ~2 % larger files (measured on
    # gamma0 and the angle layers); every reader of DEFLATE reads it
    # overviews: our own (write_overviews, about half the time of the COG driver making them) when
    # GDAL's bindings are there, else the driver's
    own_overviews = write_overviews(src_path, resampling, is_cancelled)
    if predictor is None:
        predictor = "FLOATING_POINT" if is_float else "YES"
    options = dict(COMPRESS="DEFLATE", LEVEL="1", PREDICTOR=predictor, BLOCKSIZE="256",
                   OVERVIEWS="FORCE_USE_EXISTING" if own_overviews else "IGNORE_EXISTING", RESAMPLING=resampling,
                   BIGTIFF="IF_SAFER", NUM_THREADS="ALL_CPUS")
    try:
        from osgeo import gdal
    except ImportError:
        gdal = None
    if gdal is not None:
        def callback(_fraction, _message, _data):
            return 0 if (is_cancelled is not None and is_cancelled()) else 1

        source = gdal.Open(src_path)
        error = ""
        try:
            out = gdal.GetDriverByName("COG").CreateCopy(dst_path, source, strict=0,
                                                         options=[f"{k}={v}" for k, v in options.items()],
                                                         callback=callback)
        except RuntimeError as exc:          # when the bindings raise (gdal.UseExceptions())
            out, error = None, str(exc)
        finally:
            source = None
        if out is None:
            if os.path.exists(dst_path):
                os.remove(dst_path)
            if is_cancelled is not None and is_cancelled():
                raise Cancelled("Cancelled by the user")
            raise Palsar2Error(f"Could not write the cloud-optimised GeoTIFF {dst_path}: "
                               f"{error or gdal.GetLastErrorMsg()}. Check the free disk space of the output folder.")
        out = None
    else:
        from rasterio.shutil import copy as rio_copy

        rio_copy(src_path, dst_path, driver="COG", **options)
    if remove_source:
        os.remove(src_path)
    return dst_path
