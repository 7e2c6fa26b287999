"""Coherence change of a pre-event and a co-event pair (a damage proxy, :mod:`palsar2_plugin.change.coherence`).

From L1.1 products (:func:`coherence_change_of_products`): three (t1 < t2 < t3: pre-event pair
t1-t2, co-event pair t2-t3) or four (pre t1-t2, co t3-t4); both interferograms are made by
:func:`.driver.make_interferogram` with the same looks, the second on the first one's map grid
(same CRS, pixel size and snapped corners, its extent clipped to the first), so the two coherences
compare pixel for pixel. From two interferogram products (:func:`coherence_change_of_interferograms`)
the co-event coherence is resampled onto the pre-event grid when the grids differ.

Checks: both pairs of the same track (look side, pass, polarisation, mode), the pre-event pair not
later than the co-event pair, the same looks in both (else the estimator's bias differs: a
warning), and similar temporal baselines (a longer co-event pair loses coherence everywhere: a
warning with both spans).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import List, Optional, Sequence, Tuple

from ..change.coherence import (DEFAULT_MIN_PRE_COHERENCE, DEFAULT_THRESHOLD, CoherenceChangeError,
                                CoherenceLossResult, detect_coherence_loss)
from ..progress import CancelCheck, ProgressCallback, SubProgress, report
from .product import InterferogramProduct, read_interferogram_product

#: A co-event pair longer than this times the pre-event pair (plus a repeat cycle) gets a warning.
TEMPORAL_RATIO_WARNING = 1.5
REPEAT_CYCLE_DAYS = 14.0


@dataclass
class CoherenceChangeResult:
    """The difference raster and loss polygons (``loss``), the two interferogram products and warnings."""

    loss: CoherenceLossResult
    pre: InterferogramProduct
    co: InterferogramProduct
    warnings: List[str] = field(default_factory=list)


def _time(text: str) -> datetime:
    return datetime.strptime(text.replace("Z", ""), "%Y-%m-%dT%H:%M:%S.%f")


def _days(product: InterferogramProduct) -> float:
    return (_time(product.secondary_time_utc) - _time(product.reference_time_utc)).total_seconds() / 86400.0


def _beam_looks(product: InterferogramProduct) -> dict:
    return {beam: (d.get("looks_azimuth"), d.get("looks_range"))
            for beam, d in (product.metadata.get("beams_detail") or {}).items()}


def check_pairs(pre: InterferogramProduct, co: InterferogramProduct) -> List[str]:
    """Refuse pairs that cannot be compared (:class:`CoherenceChangeError`); return warnings."""
    a, b = pre.metadata, co.metadata
    for key, what in (("look_side", "look side"), ("pass_direction", "pass"), ("polarisation", "polarisation")):
        if a.get(key) != b.get(key):
            raise CoherenceChangeError(
                f"The pre-event pair {pre.name} and the co-event pair {co.name} differ in {what} ({a.get(key)} / "
                f"{b.get(key)}): compare two pairs of the same track and polarisation.")
    if a["reference"].get("mode") != b["reference"].get("mode"):
        raise CoherenceChangeError(
            f"The pre-event pair {pre.name} ({a['reference'].get('mode')}) and the co-event pair {co.name} "
            f"({b['reference'].get('mode')}) are of different beam modes: compare two pairs of the same mode.")
    if _time(pre.secondary_time_utc) > _time(co.secondary_time_utc) or \
            _time(pre.reference_time_utc) > _time(co.reference_time_utc):
        raise CoherenceChangeError(
            f"The pre-event pair ({pre.reference_time_utc[:10]} - {pre.secondary_time_utc[:10]}) is not earlier than "
            f"the co-event pair ({co.reference_time_utc[:10]} - {co.secondary_time_utc[:10]}): the pre-event pair is "
            "the one before the event; swap them.")
    warnings = []
    if _beam_looks(pre) != _beam_looks(co):
        warnings.append(f"The two pairs were multilooked differently ({_beam_looks(pre)} / {_beam_looks(co)}): the "
                        "coherence estimate's bias depends on the looks, so part of the difference is not change. "
                        "Make both with the same looks.")
    d_pre, d_co = _days(pre), _days(co)
    if d_co > TEMPORAL_RATIO_WARNING * d_pre + REPEAT_CYCLE_DAYS:
        warnings.append(f"The co-event pair spans {d_co:.0f} days, the pre-event pair {d_pre:.0f}: part of the "
                        "coherence loss may be decorrelation with time (vegetation, soil moisture, snow), not damage. "
                        "Prefer pairs of similar time spans.")
    return warnings


def coherence_change_of_interferograms(pre_product: str, co_product: str, output: str,
                                       polygons: Optional[str] = None, *, threshold: float = DEFAULT_THRESHOLD,
                                       min_pre_coherence: float = DEFAULT_MIN_PRE_COHERENCE, min_pixels: int = 9,
                                       progress: Optional[ProgressCallback] = None,
                                       is_cancelled: Optional[CancelCheck] = None) -> CoherenceChangeResult:
    """Coherence change of two interferogram products (folders, metadata JSON or any of their files)."""
    pre = read_interferogram_product(pre_product)
    co = read_interferogram_product(co_product)
    warnings = check_pairs(pre, co)
    loss = detect_coherence_loss(pre.layer("coherence"), co.layer("coherence"), output, polygons,
                                 threshold=threshold, min_pre_coherence=min_pre_coherence, min_pixels=min_pixels,
                                 labels=(f"PRE {pre.name}", f"CO {co.name}"), progress=progress,
                                 is_cancelled=is_cancelled)
    return CoherenceChangeResult(loss, pre, co, warnings)


def _open(products: Sequence) -> list:
    """Open each distinct product once (paths or ``ceos.Scene``); the same path gives the same Scene."""
    from ..ceos import open_product

    opened = {}
    out = []
    for p in products:
        if hasattr(p, "scene_id"):
            out.append(p)
            continue
        key = os.path.realpath(os.fspath(p))
        if key not in opened:
            opened[key] = open_product(os.fspath(p))
        out.append(opened[key])
    return out


def coherence_change_of_products(pre_pair: Tuple[object, object], co_pair: Tuple[object, object], dem_path: str,
                                 interferogram_folder: str, output: str, polygons: Optional[str] = None, *,
                                 height_reference: str = "egm96", polarisation: Optional[str] = None,
                                 looks: Optional[Tuple[int, int]] = None, pixel_size_m: float = 25.0,
                                 crs: Optional[str] = None, extent=None, extent_crs: Optional[str] = None,
                                 threshold: float = DEFAULT_THRESHOLD,
                                 min_pre_coherence: float = DEFAULT_MIN_PRE_COHERENCE, min_pixels: int = 9,
                                 workers: int = 2, progress: Optional[ProgressCallback] = None,
                                 is_cancelled: Optional[CancelCheck] = None) -> CoherenceChangeResult:
    """Coherence change from L1.1 products: ``pre_pair`` = (reference, secondary) before the event,
    ``co_pair`` = (reference, secondary) spanning it (paths or ``ceos.Scene``; the co-event reference is
    usually the pre-event secondary). The two interferogram products are written into
    ``interferogram_folder``; the grid arguments are those of :func:`.driver.make_interferogram`."""
    from .driver import make_interferogram
    from .pair import InsarPairError, check_pair

    pre_ref, pre_sec, co_ref, co_sec = _open([*pre_pair, *co_pair])
    if pre_ref is not co_ref:
        try:
            check_pair(pre_ref, co_ref, polarisation)
        except InsarPairError as error:
            raise CoherenceChangeError(f"The pre-event and co-event pairs are not of the same track: {error}") from None
    common = dict(height_reference=height_reference, polarisation=polarisation, pixel_size_m=pixel_size_m,
                  goldstein_alpha=0.0, unwrap=False, workers=workers, is_cancelled=is_cancelled)
    report(progress, 0.0, "Pre-event interferogram")
    pre_result = make_interferogram(pre_ref, pre_sec, dem_path, interferogram_folder, looks=looks, crs=crs,
                                    extent=extent, extent_crs=extent_crs, progress=SubProgress(progress, 0.0, 0.45),
                                    **common)
    grid = pre_result["grid"]
    pre_looks = {(d["looks_azimuth"], d["looks_range"]) for d in pre_result["info"]["beams_detail"].values()}
    co_looks = looks or (next(iter(pre_looks)) if len(pre_looks) == 1 else None)
    report(progress, 0.45, "Co-event interferogram on the same grid")
    # the interferogram products stay when a later step fails: they are complete and can be compared again
    co_result = make_interferogram(co_ref, co_sec, dem_path, interferogram_folder, looks=co_looks, crs=grid.crs,
                                   extent=grid.bounds, extent_crs=grid.crs, progress=SubProgress(progress, 0.45, 0.9),
                                   **common)
    pre = read_interferogram_product(pre_result["folder"])
    co = read_interferogram_product(co_result["folder"])
    warnings = check_pairs(pre, co)
    loss = detect_coherence_loss(pre.layer("coherence"), co.layer("coherence"), output, polygons,
                                 threshold=threshold, min_pre_coherence=min_pre_coherence, min_pixels=min_pixels,
                                 labels=(f"PRE {pre.name}", f"CO {co.name}"), progress=SubProgress(progress, 0.9, 1.0),
                                 is_cancelled=is_cancelled)
    return CoherenceChangeResult(loss, pre, co, warnings)
