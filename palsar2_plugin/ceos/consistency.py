"""Do a product's files belong together? Checks run by ``open_product`` before anything is written.

The files of one product are grouped by the ``<scene id>-<product id>`` in their names, so the names
always agree; what is checked is what the files *say*:

- :func:`check_identity`: the scene id and product id recorded inside the leader (data set summary),
  the volume directory (text record) and summary.txt (``Scs_SceneID``, ``Pds_ProductID``, the file
  names it lists) against the file names;
- :func:`check_image_prefix`: the polarisation (transmit/receive codes) and ScanSAR beam (scan id)
  recorded in an image's line prefixes against its file name;
- :func:`check_image_times` (L1.1: lines 1/PRF apart in azimuth time): every image's lines were acquired around the leader's scene centre time
  and inside the span of the leader's orbit state vectors (a leader of a neighbouring frame, or of
  another date, fails here even if its scene id was edited).

Each raises :class:`~..errors.CeosFormatError` naming both sides of the disagreement and the file,
record and byte offset where the contradicting value was read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, Optional, Sequence, Tuple

from ..errors import CeosFormatError
from . import layouts as L
from .files import ProductFiles, classify_name

#: Transmit/receive polarisation codes of the line prefix (bytes 53-56): 0 = H, 1 = V.
POLARISATION_LETTERS = {0: "H", 1: "V"}
#: The leader's scene centre may lie this share of an image's duration (plus 1 s) outside its lines.
CENTRE_TIME_TOLERANCE = 0.25

_ADVICE = ("the product's files come from different scenes: keep each product's files together as JAXA "
           "delivered them (download or unpack the product again)")


def stem_ids(stem: str) -> Tuple[str, str]:
    """(scene id, product id) of a file-name stem ``ALOS2<orbit><frame>-<yymmdd>-<product id>``."""
    scene_id, _, product_id = stem.rpartition("-")
    return scene_id, product_id


def _mismatch(what: str, recorded: str, expected: str, path: str, record: str, offset: Optional[int]):
    raise CeosFormatError(f"{what} records {recorded!r}, but the product's file names are of "
                          f"{expected!r}: {_ADVICE}", path=path, record=record, offset=offset)


def check_identity(files: ProductFiles, dss: Dict[str, Any], volume: Optional[Dict[str, Any]],
                   summary: Dict[str, str]) -> None:
    """Scene id and product id inside the leader, volume directory and summary.txt = the file names'."""
    scene_id, product_id = stem_ids(files.stem)
    led = files.leader.display
    recorded = (dss.get("scene_id") or "").strip()
    if recorded and recorded != scene_id:
        _mismatch("The leader's data set summary", recorded, scene_id, led, "data set summary", 720 + 20)
    level = (dss.get("product_level") or "").strip()
    if level and product_id[4:7] and level != product_id[4:7]:
        _mismatch("The leader's product level", level, f"level {product_id[4:7]} ({product_id})", led,
                  "data set summary", 720 + 1094)
    if volume is not None and files.volume is not None:
        text = volume.get("text") or {}
        offset = L.VOLUME_RECORD_LENGTH * (1 + len(volume.get("pointers") or ()))
        for key, label, expected, position in (("orbit", "ORBIT", scene_id, 156), ("product_type", "PRODUCT",
                                                                                 product_id, 16)):
            value = (text.get(key) or "").strip()
            if value.upper().startswith(label) and ":" in value:
                found = value.split(":", 1)[1].strip()
                if found and found != expected:
                    _mismatch(f"The volume directory's text record ({label})", found,
                              expected, files.volume.display, "text record", offset + position)
    if files.summary is not None:
        path = files.summary.display
        for key, expected in (("Scs_SceneID", scene_id), ("Pds_ProductID", product_id)):
            value = (summary.get(key) or "").strip()
            if value and value != expected:
                _mismatch(f"summary.txt ({key})", value, expected, path, key, None)
        from .summary import product_file_names
        for name in product_file_names(list(summary.items())):
            info = classify_name(name)
            if info is not None and info.stem != files.stem:
                _mismatch("summary.txt lists the file", name, files.stem, path, "Pdi_ file names", None)


def check_image_prefix(path: str, beam: Optional[int], polarisation: str, prefix: Dict[str, Any], line: int,
                       offset: int, scansar: bool) -> None:
    """The polarisation and (ScanSAR) beam in the prefix of 0-based ``line`` = the file name's."""
    tx = POLARISATION_LETTERS.get(prefix.get("transmit_polarisation"))
    rx = POLARISATION_LETTERS.get(prefix.get("receive_polarisation"))
    if tx is None or rx is None:
        raise CeosFormatError(f"line prefix polarisation codes {prefix.get('transmit_polarisation')}/"
                              f"{prefix.get('receive_polarisation')} are not 0 (H) or 1 (V)", path=path,
                              record=f"line {line + 1}", offset=offset + 52)
    if tx + rx != polarisation:
        raise CeosFormatError(f"the file name says polarisation {polarisation}, but its line prefixes record "
                              f"{tx + rx} (transmit {tx}, receive {rx}): the image files were renamed or swapped; "
                              f"use the files as JAXA delivered them", path=path, record=f"line {line + 1}",
                              offset=offset + 52)
    scan = prefix.get("scan_id")
    if scansar and beam is not None and scan and scan != beam:
        raise CeosFormatError(f"the file name says beam F{beam}, but its line prefixes record scan (beam) {scan}: "
                              f"the image files were renamed or swapped; use the files as JAXA delivered them",
                              path=path, record=f"line {line + 1}", offset=offset + 60)


def _utc(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def check_image_times(led_path: str, centre_time: datetime, state_vector_times: Sequence[datetime],
                      images: Iterable) -> None:
    """Every image (a :class:`.scene.BeamImage` with line times) was acquired around the leader's scene
    centre time and inside the span of its state vectors."""
    first_sv, last_sv = min(state_vector_times), max(state_vector_times)
    for im in images:
        if im.first_line_time_utc is None:
            continue
        start = im.first_line_time_utc
        duration = (im.lines - 1) * im.line_interval_s
        end = start + timedelta(seconds=duration)
        if start < first_sv or end > last_sv:
            raise CeosFormatError(
                f"the leader's orbit (state vectors {_utc(first_sv)} to {_utc(last_sv)}) does not cover the lines of "
                f"{im.path} ({_utc(start)} to {_utc(end)}): the leader and the images were acquired at different "
                f"times; {_ADVICE}", path=led_path, record="platform position", offset=720 + L.DSS_LENGTH + 144)
        slack = timedelta(seconds=CENTRE_TIME_TOLERANCE * duration + 1.0)
        if not start - slack <= centre_time <= end + slack:
            raise CeosFormatError(
                f"the leader's scene centre time {_utc(centre_time)} lies outside the lines of {im.path} "
                f"({_utc(start)} to {_utc(end)}): the leader belongs to another scene (a neighbouring frame?); "
                f"{_ADVICE}", path=led_path, record="data set summary", offset=720 + 68)
