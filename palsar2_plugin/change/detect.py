"""Pre/post-event change detection, streamed tile by tile.

The BEFORE raster defines the output grid; AFTER is resampled onto it (bilinear, on the fly)
when its grid differs. Each tile is read with a halo for the speckle filter, converted to linear
power, filtered, and turned into the log-ratio 10·log10(after/before) [dB] (positive: brighter
after the event). The output GeoTIFF is Float32 with NaN where either input is not valid. With a
threshold, changes of at least ``threshold_db`` become polygons (see :mod:`.polygons`).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .. import attribution
from ..progress import CancelCheck, ProgressCallback, SubProgress, check_cancelled, report
from . import filters, logratio
from .raster_pair import on_grid_of, read_padded, tile_windows
from .sources import SCALE_DB, ChangeInputError, PowerSource

TILE_SIZE = 512


@dataclass(frozen=True)
class ChangeResult:
    """What :func:`detect_changes` wrote, and a summary of it."""

    output: str
    changes: Optional[str]
    valid_pixels: int
    increase_pixels: int
    decrease_pixels: int
    polygons: int


def _to_power(tile: np.ndarray, scale: str, nodata) -> np.ndarray:
    values = tile.astype(np.float64)
    if nodata is not None and not np.isnan(nodata):
        values[values == nodata] = np.nan
    if scale == SCALE_DB:
        values = 10.0 ** (values / 10.0)
    values[~(values > 0)] = np.nan
    return values


def detect_changes(before: PowerSource, after: PowerSource, output: str, speckle_filter: str = filters.FILTER_NONE,
                   window: int = 5, looks: float = 1.0, threshold_db: Optional[float] = None,
                   changes: Optional[str] = None, min_pixels: int = 1, tile_size: int = TILE_SIZE,
                   progress: Optional[ProgressCallback] = None,
                   is_cancelled: Optional[CancelCheck] = None) -> ChangeResult:
    """Write the log-ratio GeoTIFF ``output`` (and, with ``threshold_db`` and ``changes``, the polygons).

    ``speckle_filter``: ``none``, ``boxcar`` or ``refined_lee`` with ``window`` (odd) and ``looks``.
    ``min_pixels``: changed regions smaller than this (8-connected) are dropped. Returns a summary.
    """
    if speckle_filter not in filters.FILTERS:
        raise ChangeInputError(f"Unknown speckle filter {speckle_filter!r}; use one of {', '.join(filters.FILTERS)}.")
    if speckle_filter != filters.FILTER_NONE:
        minimum = 5 if speckle_filter == filters.FILTER_REFINED_LEE else 3
        if window < minimum or window % 2 == 0:
            raise ChangeInputError(f"The filter window must be an odd number of pixels >= {minimum} (got {window}).")
    if threshold_db is not None and not threshold_db > 0:
        raise ChangeInputError(f"The change threshold must be a positive number of dB (got {threshold_db}).")
    if before.polarisation and after.polarisation and before.polarisation != after.polarisation:
        raise ChangeInputError(f"BEFORE is {before.polarisation} but AFTER is {after.polarisation}: compare the "
                               "same polarisation.")
    pad = filters.halo(window) if speckle_filter != filters.FILTER_NONE else 0
    os.makedirs(os.path.dirname(os.path.abspath(output)) or ".", exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="palsar2_change_", dir=os.path.dirname(os.path.abspath(output)))
    try:
        return _detect(before, after, output, speckle_filter, window, looks, threshold_db, changes, min_pixels,
                       tile_size, pad, workdir, progress, is_cancelled)
    except BaseException:
        for path in (output, changes):      # nothing half-written is left behind
            if path and os.path.exists(path):
                os.remove(path)
        raise
    finally:
        _remove_tree(workdir)


def _detect(before: PowerSource, after: PowerSource, output: str, speckle_filter: str, window: int, looks: float,
            threshold_db: Optional[float], changes: Optional[str], min_pixels: int, tile_size: int, pad: int,
            workdir: str, progress: Optional[ProgressCallback], is_cancelled: Optional[CancelCheck]) -> ChangeResult:
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(before.path) as reference, rasterio.open(after.path) as after_raw, \
            on_grid_of(reference, after_raw, ("BEFORE", "AFTER"), "choose two scenes of the same area "
                       "(same path and frame).", ChangeInputError) as after_ds:
        profile = dict(driver="GTiff", width=reference.width, height=reference.height, count=1, dtype="float32",
                       crs=reference.crs, transform=reference.transform, nodata=np.nan, tiled=True,
                       blockxsize=256, blockysize=256, compress="deflate", predictor=3, BIGTIFF="IF_SAFER")
        classes_path = os.path.join(workdir, "classes.tif")
        want_classes = threshold_db is not None and changes is not None
        counts = np.zeros(3, dtype=np.int64)
        valid_total = 0
        tiles = tile_windows(reference.height, reference.width, tile_size)
        tile_progress = SubProgress(progress, 0.0, 0.8 if want_classes else 1.0)
        with rasterio.open(output, "w", **profile) as out, \
                _maybe_open_classes(classes_path, profile, want_classes) as classes_out:
            out.update_tags(**attribution.geotiff_tags(),
                            PALSAR2_CHANGE_BEFORE=before.label, PALSAR2_CHANGE_AFTER=after.label,
                            PALSAR2_CHANGE_FILTER=f"{speckle_filter} {window}x{window} looks={looks}"
                            if pad else "none")
            out.update_tags(1, PALSAR2_QUANTITY="log_ratio", PALSAR2_SCALE="dB")
            out.set_band_description(1, "log-ratio 10*log10(after/before) [dB]")
            out.set_band_unit(1, "dB")
            for index, (row, col, height, width) in enumerate(tiles):
                check_cancelled(is_cancelled)
                b = _to_power(read_padded(reference, row, col, height, width, pad), before.scale, reference.nodata)
                a = _to_power(read_padded(after_ds, row, col, height, width, pad), after.scale,
                              after_ds.nodata if after_ds is after_raw else None)
                if pad:
                    b = filters.apply_filter(b, speckle_filter, window, looks)
                    a = filters.apply_filter(a, speckle_filter, window, looks)
                ratio = logratio.log_ratio_db(b, a)[pad:pad + height, pad:pad + width]
                target = Window(col, row, width, height)
                out.write(ratio, 1, window=target)
                valid_total += int(np.isfinite(ratio).sum())
                if threshold_db is not None:
                    classes = logratio.classify(ratio, threshold_db)
                    counts += np.bincount(classes.ravel(), minlength=3)[:3]
                    if classes_out is not None:
                        classes_out.write(classes, 1, window=target)
                report(tile_progress, (index + 1) / len(tiles), "Computing the log-ratio")
    polygon_count = 0
    if want_classes:
        from .polygons import polygonize_changes

        polygon_count = polygonize_changes(classes_path, output, changes, min_pixels=min_pixels,
                                           progress=SubProgress(progress, 0.8, 1.0), is_cancelled=is_cancelled)
    report(progress, 1.0, "Change detection done")
    return ChangeResult(output, changes if want_classes else None, valid_total, int(counts[logratio.INCREASE]),
                        int(counts[logratio.DECREASE]), polygon_count)


class _NullContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _maybe_open_classes(path: str, profile: dict, wanted: bool):
    import rasterio

    if not wanted:
        return _NullContext()
    classes_profile = dict(profile, dtype="uint8", nodata=None, predictor=1)
    return rasterio.open(path, "w", **classes_profile)


def _remove_tree(folder: str) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
