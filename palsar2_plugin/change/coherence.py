"""Coherence change, a damage proxy: the loss of interferometric coherence between a pre-event pair
and a co-event pair of acquisitions on one map grid, and polygons of significant loss.

Ground that stays the same keeps its radar echo and so its coherence from one pair of dates to the
next; collapsed or damaged buildings, landslides, liquefaction and debris change it, so the
co-event pair (spanning the event) loses coherence where the pre-event pair (before it) had it
(Yun et al. 2015 for ALOS-2 after the Gorkha earthquake; Tay et al. 2020).

- Difference Δγ = γ_pre − γ_co (0..1 coherences; Δγ from −1 to 1, **positive = loss**), NaN where
  either is missing (layover, shadow, no data).
- Significant loss where Δγ ≥ ``threshold`` and γ_pre ≥ ``min_pre_coherence``: only ground that was
  coherent before the event can show a loss (water, forest and fields never do).
- Both pairs must be estimated with the same number of looks: the coherence estimate's bias and
  spread depend on it (for 16 looks its standard deviation is about (1 − γ²)/√32, so Δγ of two
  estimates at γ = 0.8 spreads by about 0.09; 0.3 is then above three of those).
Also temporal decorrelation: a co-event pair spanning a longer time than the pre-event pair loses
coherence everywhere (vegetation, soil moisture): compare pairs of similar temporal baselines.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from .. import attribution
from ..errors import Palsar2Error
from ..progress import CancelCheck, ProgressCallback, SubProgress, check_cancelled, report
from .raster_pair import on_grid_of, read_padded, tile_windows

#: Class code of significant coherence loss in the classified raster.
LOSS = 1
CLASS_NAMES = {LOSS: "coherence loss"}
#: Defaults: loss of at least 0.3 where the pre-event coherence was at least 0.4.
DEFAULT_THRESHOLD = 0.3
DEFAULT_MIN_PRE_COHERENCE = 0.4
TILE_SIZE = 512


class CoherenceChangeError(Palsar2Error):
    """The two coherences cannot be compared (the message says why and what to do)."""


def coherence_difference(pre: np.ndarray, co: np.ndarray) -> np.ndarray:
    """γ_pre − γ_co (float32; positive = loss), NaN where either is missing or outside 0..1."""
    a = np.asarray(pre, dtype=np.float64)
    b = np.asarray(co, dtype=np.float64)
    valid = np.isfinite(a) & np.isfinite(b) & (a >= 0) & (a <= 1) & (b >= 0) & (b <= 1)
    return np.where(valid, a - b, np.nan).astype(np.float32)


def classify_loss(difference: np.ndarray, pre: np.ndarray, threshold: float,
                  min_pre_coherence: float = 0.0) -> np.ndarray:
    """uint8: :data:`LOSS` where ``difference`` ≥ ``threshold`` and ``pre`` ≥ ``min_pre_coherence``, else 0."""
    if not 0 < threshold <= 1:
        raise CoherenceChangeError(f"The coherence-loss threshold must be between 0 and 1 (got {threshold}).")
    d = np.asarray(difference)
    p = np.asarray(pre)
    with np.errstate(invalid="ignore"):
        loss = (d >= threshold) & (p >= min_pre_coherence)
    return np.where(loss, LOSS, 0).astype(np.uint8)


@dataclass(frozen=True)
class CoherenceLossResult:
    """What :func:`detect_coherence_loss` wrote and found: valid and loss pixels, the area of the loss
    polygons (m², after removing regions smaller than ``min_pixels``), their count, the pixel area."""

    output: str
    polygons: Optional[str]
    valid_pixels: int
    loss_pixels: int
    loss_area_m2: float
    polygon_count: int
    pixel_area_m2: float


def detect_coherence_loss(pre_path: str, co_path: str, output: str, polygons: Optional[str] = None, *,
                          threshold: float = DEFAULT_THRESHOLD,
                          min_pre_coherence: float = DEFAULT_MIN_PRE_COHERENCE, min_pixels: int = 9,
                          labels: Tuple[str, str] = ("PRE", "CO"), tile_size: int = TILE_SIZE,
                          progress: Optional[ProgressCallback] = None,
                          is_cancelled: Optional[CancelCheck] = None) -> CoherenceLossResult:
    """Write the coherence difference GeoTIFF ``output`` (float32, NaN no data, on ``pre_path``'s grid;
    ``co_path`` resampled bilinearly when its grid differs) and, when ``polygons`` is given, the
    polygons of significant loss (fields ``change``, ``mean_loss``, ``area_m2``, ``pixels``).

    Both files appear only when complete; a failure or cancel leaves neither.
    """
    if not 0 < threshold <= 1:
        raise CoherenceChangeError(f"The coherence-loss threshold must be between 0 and 1 (got {threshold}).")
    if not 0 <= min_pre_coherence < 1:
        raise CoherenceChangeError(f"The least pre-event coherence must be between 0 and 1 (got {min_pre_coherence}).")
    folder = os.path.dirname(os.path.abspath(output)) or "."
    os.makedirs(folder, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix=".palsar2_coherence_change_", dir=folder)
    partial = os.path.join(workdir, "difference.tif")
    try:
        result = _detect(pre_path, co_path, partial, workdir, polygons, threshold, min_pre_coherence, min_pixels,
                         labels, tile_size, progress, is_cancelled)
        if os.path.exists(output):
            os.remove(output)
        shutil.move(partial, output)
        report(progress, 1.0, "Coherence change done")
        return CoherenceLossResult(output, *result)
    except BaseException:
        if polygons and os.path.exists(polygons):
            os.remove(polygons)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _detect(pre_path, co_path, output, workdir, polygons, threshold, min_pre, min_pixels, labels, tile_size,
            progress, is_cancelled):
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(pre_path) as pre_ds, rasterio.open(co_path) as co_raw, \
            on_grid_of(pre_ds, co_raw, labels, "choose pairs of the same area (same path and frame).",
                       CoherenceChangeError) as co_ds:
        if pre_ds.crs.is_geographic:
            raise CoherenceChangeError(f"{labels[0]} is in geographic coordinates: give coherence on a projected grid "
                                       "in metres (as palsar2:interferogram writes it).")
        profile = dict(driver="GTiff", width=pre_ds.width, height=pre_ds.height, count=1, dtype="float32",
                       crs=pre_ds.crs, transform=pre_ds.transform, nodata=np.nan, tiled=True, blockxsize=256,
                       blockysize=256, compress="deflate", predictor=3, BIGTIFF="IF_SAFER")
        classes_path = os.path.join(workdir, "classes.tif")
        classes_profile = dict(profile, dtype="uint8", nodata=None, predictor=1)
        valid = loss = 0
        tiles = tile_windows(pre_ds.height, pre_ds.width, tile_size)
        tile_progress = SubProgress(progress, 0.0, 0.8 if polygons else 1.0)
        with rasterio.open(output, "w", **profile) as out, rasterio.open(classes_path, "w", **classes_profile) as cls:
            out.update_tags(**attribution.geotiff_tags(), PALSAR2_COHERENCE_PRE=labels[0],
                            PALSAR2_COHERENCE_CO=labels[1], PALSAR2_LOSS_THRESHOLD=str(threshold),
                            PALSAR2_MIN_PRE_COHERENCE=str(min_pre))
            out.update_tags(1, PALSAR2_QUANTITY="coherence_loss", UNITS="1")
            out.set_band_description(1, "coherence loss: pre-event minus co-event coherence (positive = loss)")
            for index, (row, col, height, width) in enumerate(tiles):
                check_cancelled(is_cancelled)
                pre = _coherence(read_padded(pre_ds, row, col, height, width), pre_ds.nodata)
                co = _coherence(read_padded(co_ds, row, col, height, width), co_ds.nodata if co_ds is co_raw else None)
                difference = coherence_difference(pre, co)
                classes = classify_loss(difference, pre, threshold, min_pre)
                window = Window(col, row, width, height)
                out.write(difference, 1, window=window)
                cls.write(classes, 1, window=window)
                valid += int(np.isfinite(difference).sum())
                loss += int(np.count_nonzero(classes))
                report(tile_progress, (index + 1) / len(tiles), "Comparing the coherences")
        pixel_area = abs(pre_ds.transform.a * pre_ds.transform.e) * pre_ds.crs.linear_units_factor[1] ** 2
    if valid == 0:
        raise CoherenceChangeError(f"{labels[0]} and {labels[1]} have no valid pixel in common: choose pairs of the "
                                   "same area.")
    count, area = 0, loss * pixel_area
    if polygons:
        from .polygons import polygonize_classes

        summary = polygonize_classes(classes_path, output, polygons, CLASS_NAMES, "mean_loss",
                                     layer_name="coherence_loss", min_pixels=min_pixels,
                                     progress=SubProgress(progress, 0.8, 1.0), is_cancelled=is_cancelled)
        count, area = summary.count, summary.area_m2.get(CLASS_NAMES[LOSS], 0.0)
    return polygons, valid, loss, area, count, pixel_area


def _coherence(values: np.ndarray, nodata) -> np.ndarray:
    if nodata is not None and not np.isnan(nodata):
        values = np.where(values == nodata, np.nan, values)
    return values

