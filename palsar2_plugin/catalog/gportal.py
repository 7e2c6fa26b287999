"""JAXA G-Portal catalogue: CSW GetRecords with JSON output, paged with startIndex/count.

The catalogue needs dataset ids (``datasetId``); those of the open-and-free PALSAR-2 ScanSAR
L1.1 / L2.2 products are not published in any public code, so they are settings
(``dataset_ids`` maps a level such as ``"L2.2"`` to a list of ids) and can be discovered from
G-Portal's dataset tree with :func:`discover_datasets` when online.

A record's ``download_path`` is the CSW ``product.fileName`` as given; :class:`SftpPathRule`
turns it into a path on G-Portal's SFTP server (new system: ``/product/Standard/...``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import requests

from ..net.session import DEFAULT_TIMEOUT, describe_network_error, make_session
from ..net.urls import redact_url
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from .endpoints import GPORTAL_CSW_URL, GPORTAL_DATASET_TREE_URL, GPORTAL_SFTP_PATH_RULE
from .errors import CatalogError, SearchInputError
from .geometry import close_ring
from .query import SearchQuery
from .record import RemoteFile, SceneRecord, format_time, parse_name, parse_time

SOURCE = "gportal"


@dataclass(frozen=True)
class SftpPathRule:
    """Regular-expression rewrite of a CSW ``product.fileName`` into an SFTP path."""

    pattern: str = GPORTAL_SFTP_PATH_RULE[0]
    replacement: str = GPORTAL_SFTP_PATH_RULE[1]

    def apply(self, file_name: str) -> str:
        path, n = re.subn(self.pattern, self.replacement, file_name, count=1)
        if n == 0:
            raise SearchInputError(
                f"The SFTP path rule {self.pattern!r} does not match the product location "
                f"{redact_url(file_name)}: check the G-Portal SFTP path rule in the settings.")
        return path


class GPortalCatalog:
    """Client of a G-Portal CSW endpoint (``base_url``; the legacy one is in :mod:`.endpoints`)."""

    def __init__(self, base_url: str = GPORTAL_CSW_URL, dataset_ids: Optional[Mapping[str, Sequence[str]]] = None,
                 session: Optional[requests.Session] = None, timeout=DEFAULT_TIMEOUT, page_size: int = 100,
                 max_records: int = 10000):
        self.base_url = base_url
        self.dataset_ids = {k.upper(): [str(i) for i in v] for k, v in (dataset_ids or {}).items()}
        self.session = session or make_session()
        self.timeout = timeout
        self.page_size = max(1, min(int(page_size), 3000))
        self.max_records = max_records

    def _ids_for(self, levels: Sequence[str]) -> List[str]:
        wanted = levels or tuple(self.dataset_ids)
        ids: List[str] = []
        for lv in wanted:
            ids.extend(self.dataset_ids.get(lv.upper(), []))
        if not ids:
            raise SearchInputError(
                "No G-Portal dataset id is set for product level(s) " + (", ".join(wanted) or "(any)") +
                ". JAXA does not publish the ids of the PALSAR-2 ScanSAR L1.1/L2.2 datasets: set them in the "
                "plugin settings (G-Portal dataset ids), or use 'discover dataset ids' while online.")
        return ids

    def _params(self, query: SearchQuery, ids: Sequence[str], start_index: int, count: int) -> Dict[str, str]:
        w, s, e, n = query.bbox
        return {
            "service": "CSW", "version": "3.0.0", "request": "GetRecords", "outputFormat": "application/json",
            "datasetId": ",".join(ids), "bbox": f"{w},{s},{e},{n}",
            "startTime": query.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endTime": query.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "count": str(count), "startIndex": str(start_index),
        }

    def _get_json(self, params: Dict[str, str]) -> Dict[str, Any]:
        try:
            r = self.session.get(self.base_url, params=params, timeout=self.timeout)
        except requests.exceptions.RequestException as exc:
            raise CatalogError(describe_network_error(exc, self.base_url)) from None
        if r.status_code != 200:
            raise CatalogError(f"G-Portal catalogue {redact_url(self.base_url)} answered HTTP {r.status_code}: "
                               "check the service URL or try again later.")
        try:
            data = json.loads(r.content)
        except ValueError:
            raise CatalogError(f"G-Portal catalogue {redact_url(self.base_url)} answered something that is not "
                               "JSON: check the service URL (it must be a CSW endpoint) or try again later.") from None
        if not isinstance(data, dict):
            raise CatalogError(f"G-Portal catalogue {redact_url(self.base_url)} answered JSON of an unexpected shape.")
        return data

    def count_matches(self, query: SearchQuery) -> int:
        """How many records match (one request with count=0)."""
        q = query.validated()
        data = self._get_json(self._params(q, self._ids_for(q.levels), 1, 0))
        return self._number(data.get("properties") or {}, "numberOfRecordsMatched") or 0

    def search(self, query: SearchQuery, progress: Optional[ProgressCallback] = None,
               is_cancelled: Optional[CancelCheck] = None) -> List[SceneRecord]:
        """All matching records (all pages), sorted by start time.

        An extent crossing the antimeridian (west > east) is asked as two boxes. Records the
        catalogue answered but that cannot be read are skipped and listed in :attr:`failures`.
        """
        q = query.validated()
        self.failures: List[str] = []
        found: Dict[str, SceneRecord] = {}
        for part in q.split_at_antimeridian():
            for record in self.iter_records(part, progress, is_cancelled):
                if q.matches(record):
                    found.setdefault(record.record_id, record)
        return sorted(found.values(), key=lambda r: (format_time(r.start_time), r.record_id))

    def iter_records(self, query: SearchQuery, progress: Optional[ProgressCallback] = None,
                     is_cancelled: Optional[CancelCheck] = None) -> Iterator[SceneRecord]:
        """Records page by page as the service returns them (not filtered locally).

        The answer must be a complete one: a page whose records were all seen before (paging that
        does not advance), a page shorter than it says, pages that stop before
        ``numberOfRecordsMatched`` or more than ``max_records`` matches raise :class:`CatalogError`.
        """
        ids = self._ids_for(query.levels)
        if not hasattr(self, "failures"):
            self.failures = []
        start_index, seen = 1, 0
        identities = set()
        shown = redact_url(self.base_url)
        while True:
            check_cancelled(is_cancelled)
            data = self._get_json(self._params(query, ids, start_index, self.page_size))
            props = data.get("properties") or {}
            features = data.get("features")
            if features is None or not isinstance(features, list):
                raise CatalogError("G-Portal answered JSON without a 'features' list: check the service URL.")
            matched = self._number(props, "numberOfRecordsMatched")
            returned = self._number(props, "numberOfRecordsReturned")
            if returned is not None and returned != len(features):
                raise CatalogError(f"G-Portal catalogue {shown} says it returned {returned} records but sent "
                                   f"{len(features)}: the answer is incomplete; try again.")
            if matched is not None and matched > self.max_records:
                raise CatalogError(f"{matched} records match in the G-Portal catalogue, more than the "
                                   f"{self.max_records} a search reads: make the area or the period smaller.")
            new = 0
            for feature in features:
                identity = json.dumps(feature, sort_keys=True, default=str)
                if identity in identities:
                    continue
                identities.add(identity)
                new += 1
                try:
                    record = record_from_feature(feature)
                except (CatalogError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
                    name = (feature.get("properties") or {}).get("identifier") if isinstance(feature, dict) else None
                    self.failures.append(f"G-Portal record {name or '(without identifier)'} cannot be read "
                                         f"({exc}); skipped.")
                    continue
                yield record
            if features and new == 0:
                raise CatalogError(f"G-Portal catalogue {shown} answered the same records again for "
                                   f"startIndex={start_index}: its paging does not advance; stopped after {seen} "
                                   "records.")
            seen += len(features)
            report(progress, seen / matched if matched else 1.0, f"{seen} of {matched} records")
            if matched is not None and seen >= matched:
                return
            if not features:
                if matched is not None and seen < matched:
                    raise CatalogError(f"G-Portal catalogue {shown} stopped after {seen} of {matched} records: "
                                       "the result would be incomplete; try again later.")
                return
            if seen >= self.max_records:
                raise CatalogError(f"More than {self.max_records} records match in the G-Portal catalogue: make "
                                   "the area or the period smaller.")
            start_index += len(features)

    def _number(self, props: Mapping[str, Any], key: str) -> Optional[int]:
        value = props.get(key)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise CatalogError(f"G-Portal catalogue {redact_url(self.base_url)} answered {key} = {value!r}, not a "
                               "number: check the service URL.") from None


def _first(mapping: Mapping[str, Any], *keys: str) -> Any:
    for k in keys:
        v = mapping.get(k)
        if v not in (None, ""):
            return v
    return None


def record_from_feature(feature: Mapping[str, Any]) -> SceneRecord:
    """Map one CSW GeoJSON feature to a :class:`SceneRecord`.

    PALSAR-2 ``gpp`` field names are not documented; several plausible spellings are tried and
    the product name is used as a fallback (orbit, frame, mode, look side, level, pass).
    """
    try:
        props = feature.get("properties") or {}
    except AttributeError:
        raise CatalogError("G-Portal answered a feature that is not a JSON object.") from None
    gpp = props.get("gpp") or {}
    product = props.get("product") or {}
    identifier = str(props.get("identifier") or "")
    file_name = str(product.get("fileName") or "")
    names = parse_name(identifier) or parse_name(file_name)
    geometry = feature.get("geometry") or {}
    footprint = ()
    coords = geometry.get("coordinates")
    if geometry.get("type") == "Polygon" and coords:
        footprint = close_ring(coords[0])
    elif geometry.get("type") == "MultiPolygon" and coords:
        footprint = close_ring(coords[0][0])
    quicklook = next((b.get("fileName", "") for b in props.get("browse") or []
                      if isinstance(b, Mapping) and str(b.get("type", "")).upper() == "QUICKLOOK"), "")
    level = str(_first(props, "processingLevel") or names.get("level") or "")
    if level and not level.upper().startswith("L"):
        level = "L" + level
    pols = _first(gpp, "polarization", "polarisation", "Polarizations", "polarizations")
    if isinstance(pols, str):
        pols = tuple(p for p in re.split(r"[\s,+/]+", pols.upper()) if p)
    pass_dir = str(_first(gpp, "orbitDirection", "PassDirection") or names.get("pass_direction") or "").lower()
    look = str(_first(gpp, "lookDirection", "AntennaPointing", "observationDirection")
               or names.get("look_side") or "").lower()
    start, end = parse_time(props.get("beginPosition")), parse_time(props.get("endPosition"))
    if start is not None and (end is None or end < start):
        end = start
    size = _first(product, "size")
    files = (RemoteFile(url=file_name, size=int(size) if size is not None else None),) if file_name else ()
    return SceneRecord(
        record_id=identifier or names.get("scene_id", ""), scene_id=names.get("scene_id", ""),
        product_id=names.get("product_id", ""), level=level.upper(),
        mode=str(names.get("mode") or _first(props, "operationalMode") or ""),
        beams=str(_first(gpp, "beam", "beamId", "BeamID") or ""),
        polarisations=tuple(pols or names.get("polarisations") or ()), pass_direction=pass_dir, look_side=look,
        path=_as_int(_first(gpp, "startPathNumber", "pathNumber", "RSP_Path_Number")),
        frame=_as_int(_first(gpp, "sceneNumber", "frameNumber", "RSP_Frame_Number")) or names.get("frame"),
        orbit=_as_int(_first(props, "orbitNumber")) or names.get("orbit"),
        start_time=start, end_time=end,
        footprint=footprint, size_bytes=_as_int(size), download_path=file_name, quicklook_url=quicklook,
        source=SOURCE, files=files)


def _as_int(v) -> Optional[int]:
    try:
        return int(v) if v not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- dataset discovery
@dataclass(frozen=True)
class DatasetEntry:
    """One dataset of G-Portal's tree: its id and the labels of the nodes above it (root first)."""

    dataset_id: str
    path: Tuple[str, ...]

    @property
    def label(self) -> str:
        return " / ".join(self.path)

    def guess_level(self) -> str:
        """``"L1.1"``, ``"L2.1"`` or ``"L2.2"`` if the labels name one, else ""."""
        m = re.search(r"L?\s*(1\.1|2\.1|2\.2)\b", self.label)
        return "L" + m.group(1) if m else ""


_ID_KEYS = ("datasetId", "dataset_id", "id", "value")
_LABEL_KEYS = ("name", "label", "title", "text", "dispName", "nameEn")


def walk_dataset_tree(tree: Any, path: Tuple[str, ...] = ()) -> Iterator[DatasetEntry]:
    """Every node of a nested JSON tree that carries a numeric dataset id, with its label path.

    The tree's exact schema is undocumented; any dict with a label key and a numeric id key is
    taken as a node, and lists/child dicts are walked recursively.
    """
    if isinstance(tree, list):
        for child in tree:
            yield from walk_dataset_tree(child, path)
        return
    if not isinstance(tree, dict):
        return
    label = next((str(tree[k]) for k in _LABEL_KEYS if isinstance(tree.get(k), str) and tree.get(k)), None)
    here = path + ((label,) if label else ())
    ident = next((str(tree[k]) for k in _ID_KEYS if str(tree.get(k, "")).isdigit() and len(str(tree[k])) >= 6), None)
    if ident is not None:
        yield DatasetEntry(ident, here)
    for v in tree.values():
        if isinstance(v, (list, dict)):
            yield from walk_dataset_tree(v, here)


def discover_datasets(session: Optional[requests.Session] = None, url: str = GPORTAL_DATASET_TREE_URL,
                      must_contain: Sequence[str] = ("PALSAR-2",), timeout=DEFAULT_TIMEOUT) -> List[DatasetEntry]:
    """Fetch G-Portal's dataset tree and keep the entries whose label path contains all ``must_contain``."""
    session = session or make_session()
    try:
        r = session.get(url, timeout=timeout)
    except requests.exceptions.RequestException as exc:
        raise CatalogError(describe_network_error(exc, url)) from None
    if r.status_code != 200:
        raise CatalogError(f"G-Portal dataset tree {redact_url(url)} answered HTTP {r.status_code}.")
    try:
        tree = json.loads(r.content)
    except ValueError:
        raise CatalogError(f"G-Portal dataset tree {redact_url(url)} is not JSON: enter the ids by hand.") from None
    wanted = [w.lower() for w in must_contain]
    return [e for e in walk_dataset_tree(tree) if all(w in e.label.lower() for w in wanted)]
