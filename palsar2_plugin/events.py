"""JAXA's free ALOS-2 disaster-event data: the scene lists of Taiwan 2024, Noto 2024 and Turkey 2023.

The lists live in the package data file ``data/events.json`` (transcribed from JAXA's page, see its
``row_definition`` and ``field_notes``). This module loads that file into frozen dataclasses and
answers simple queries. No Qt, no qgis.

Conventions: one :class:`EventScene` is one row of JAXA's tables (one acquisition x frame x product
file). Dates are calendar dates as printed by JAXA; ``obs_time_utc`` is a timezone-aware UTC
datetime where a source gives the time, else None. Path, frame and beam numbers are JAXA's
(beam numbers 1-based). Footprints are GeoJSON-style (lon, lat) rings in EPSG:4326 degrees, or None
when unknown (which is the case for every scene JAXA lists today).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional, Sequence, Tuple

from .catalog.endpoints import GPORTAL_SEARCH_URL
from .errors import Palsar2Error

#: The bundled data file.
DEFAULT_EVENTS_FILE = Path(__file__).resolve().parent / "data" / "events.json"
SCHEMA = "palsar2-disaster-event-scenes"
SCHEMA_VERSION = 1

#: Value that selects every event (used by the Processing enum and the dock).
ALL_EVENTS = "all"

PRODUCT_FORMATS = {"L1.1": "CEOS", "L2.1": "GeoTIFF"}
PASS_DIRECTIONS = ("ascending", "descending")
LOOK_SIDES = ("right", "left")
MODE_FAMILIES = ("ScanSAR", "Stripmap")


#: How a scene's data is obtained (:func:`access_route`).
ACCESS_OPEN_DATA = "opendata"     #: JAXA's open-data bucket: the plugin searches and downloads it
ACCESS_GPORTAL = "gportal"        #: ordered on G-Portal (free after registration)
ACCESS_JAXA_PAGE = "jaxa_page"    #: the Download column of JAXA's web page (source_page)


class EventDataError(Palsar2Error):
    """The event data file is missing, unreadable or does not follow the expected schema."""


class UnknownEventError(Palsar2Error):
    """An event id that is not in the event data file."""


@dataclass(frozen=True)
class ArchivePairing:
    """The archive (pre-event) acquisition JAXA pairs with a scene, for one product level."""

    product: str            #: "L1.1" or "L2.1"
    date: _dt.date          #: archive observation date


@dataclass(frozen=True)
class Footnote:
    """A footnote of an event's table: the mark as printed and its text."""

    mark: str               #: e.g. "*1"
    en: str
    ja: str


@dataclass(frozen=True)
class EventScene:
    """One row of JAXA's scene tables (one acquisition x frame x product file)."""

    scene_id: str                       #: stable id, e.g. "noto2024-20240101-p121-f0750"
    event_id: str
    table_row: int                      #: 1-based row number within the event, page order
    obs_date: _dt.date
    obs_time_jst: Optional[str]         #: "HH:MM" Japan Standard Time (UTC+9), None if unknown
    obs_time_utc: Optional[_dt.datetime]  #: aware UTC datetime, None if unknown
    path: int
    frame: Optional[int]                #: None where JAXA's table has no frame
    beam: str                           #: JAXA's beam, e.g. "W2", "U2-8L"
    beam_file: Optional[str]            #: JAXA's per-file label, e.g. "Beam 1", "Beam 1-5"
    beam_numbers: Tuple[int, ...]       #: ScanSAR beams in this file (1-based); () if n/a
    mode_family: str                    #: "ScanSAR" or "Stripmap"
    pass_direction: str                 #: "ascending" or "descending"
    look_side: Optional[str]            #: "right", "left" or None
    polarisations: Optional[Tuple[str, ...]]  #: e.g. ("HH",), None if not stated
    products: Tuple[str, ...]           #: subset of ("L1.1", "L2.1")
    archive: Tuple[ArchivePairing, ...]
    footnote_marks: Tuple[str, ...]
    notes: Tuple[str, ...]
    notes_ja: Tuple[str, ...]
    non_commercial_only: bool
    distribution: str
    scene_names: Tuple[str, ...]        #: JAXA scene names (open-data rows), e.g. "ALOS2471852850-230217-WBSR1.1__D"
    archive_scene_names: Tuple[str, ...]
    keys: Tuple[str, ...]               #: open-data bucket keys of the scene
    archive_keys: Tuple[str, ...]
    footprint: Optional[Tuple[Tuple[float, float], ...]]  #: closed (lon, lat) ring, degrees, or None

    @property
    def archive_dates(self) -> Tuple[_dt.date, ...]:
        """The distinct archive dates of this scene, in product order."""
        out = []
        for pairing in self.archive:
            if pairing.date not in out:
                out.append(pairing.date)
        return tuple(out)

    def archive_date(self, product: Optional[str] = None) -> Optional[_dt.date]:
        """Archive date for ``product`` (or the first product when None); None if not paired."""
        for pairing in self.archive:
            if product is None or pairing.product == product:
                return pairing.date
        return None

    @property
    def frame_label(self) -> str:
        """Frame as 4 digits ("0750"), or "" when the table gives none."""
        return "" if self.frame is None else f"{self.frame:04d}"

    @property
    def beam_label(self) -> str:
        """JAXA's beam with the per-file beam when there is one, e.g. "W2 (Beam 1)"."""
        return self.beam if not self.beam_file else f"{self.beam} ({self.beam_file})"


@dataclass(frozen=True)
class Event:
    """A disaster event with the scenes JAXA released for it."""

    event_id: str                       #: stable id: "taiwan2024", "noto2024", "turkey2023"
    name_en: str
    name_ja: str
    short_name_en: str                  #: e.g. "Noto 2024", for table cells
    short_name_ja: str
    event_date: _dt.date
    magnitude: Optional[str]
    summary_en: str
    summary_ja: str
    terms_en: str
    terms_ja: str
    footnotes: Tuple[Footnote, ...]
    related_pages: Tuple[str, ...]
    source_page: str
    scenes: Tuple[EventScene, ...]

    def name(self, language: str = "en") -> str:
        """The event name in ``language`` ("ja..." gives Japanese, anything else English)."""
        return self.name_ja if language.lower().startswith("ja") else self.name_en

    def short_name(self, language: str = "en") -> str:
        """A short label ("Noto 2024", "能登 2024") in ``language``."""
        return self.short_name_ja if language.lower().startswith("ja") else self.short_name_en


#: Flat attributes of a scene, in output order, with their kind ("str", "int", "date", "datetime", "bool").
#: List values are joined with "; ". Used by the Processing algorithm and any table export.
RECORD_FIELDS: Tuple[Tuple[str, str], ...] = (
    ("scene_id", "str"),
    ("event_id", "str"),
    ("event_name", "str"),
    ("event_name_ja", "str"),
    ("table_row", "int"),
    ("obs_date", "date"),
    ("obs_time_jst", "str"),
    ("obs_time_utc", "datetime"),
    ("path", "int"),
    ("frame", "int"),
    ("beam", "str"),
    ("beam_file", "str"),
    ("beam_numbers", "str"),
    ("mode_family", "str"),
    ("pass_direction", "str"),
    ("look_side", "str"),
    ("polarisations", "str"),
    ("products", "str"),
    ("archive_date", "date"),
    ("archive", "str"),
    ("footnote_marks", "str"),
    ("notes", "str"),
    ("notes_ja", "str"),
    ("non_commercial_only", "bool"),
    ("distribution", "str"),
    ("scene_names", "str"),
    ("archive_scene_names", "str"),
    ("keys", "str"),
    ("archive_keys", "str"),
    ("source_page", "str"),
)


def _join(values: Optional[Iterable[object]]) -> Optional[str]:
    if values is None:
        return None
    return "; ".join(str(v) for v in values)


def scene_record(event: Event, scene: EventScene) -> Dict[str, object]:
    """The flat attributes of ``scene`` (keys and order of :data:`RECORD_FIELDS`).

    Unknown values are None; lists are joined with "; " (empty list -> "").
    """
    return {
        "scene_id": scene.scene_id,
        "event_id": event.event_id,
        "event_name": event.name_en,
        "event_name_ja": event.name_ja,
        "table_row": scene.table_row,
        "obs_date": scene.obs_date,
        "obs_time_jst": scene.obs_time_jst,
        "obs_time_utc": scene.obs_time_utc,
        "path": scene.path,
        "frame": scene.frame,
        "beam": scene.beam,
        "beam_file": scene.beam_file,
        "beam_numbers": _join(scene.beam_numbers),
        "mode_family": scene.mode_family,
        "pass_direction": scene.pass_direction,
        "look_side": scene.look_side,
        "polarisations": _join(scene.polarisations),
        "products": _join(f"{p} ({PRODUCT_FORMATS[p]})" for p in scene.products),
        "archive_date": scene.archive_date(),
        "archive": _join(f"{a.product} {a.date.isoformat()}" for a in scene.archive),
        "footnote_marks": _join(scene.footnote_marks),
        "notes": " ".join(scene.notes),
        "notes_ja": " ".join(scene.notes_ja),
        "non_commercial_only": scene.non_commercial_only,
        "distribution": scene.distribution,
        "scene_names": _join(scene.scene_names),
        "archive_scene_names": _join(scene.archive_scene_names),
        "keys": _join(scene.keys),
        "archive_keys": _join(scene.archive_keys),
        "source_page": event.source_page,
    }


# ----------------------------------------------------------------------------------------- loading

def _fail(where: str, what: str) -> EventDataError:
    return EventDataError(f"Event data {where}: {what}. Reinstall the plugin, or fix the file if you edited it.")


def _date(value: object, where: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(where, f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def _utc(value: object, where: str) -> Optional[_dt.datetime]:
    if value is None:
        return None
    text = str(value)
    try:
        parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(where, f"{value!r} is not an ISO date-time") from None
    if parsed.tzinfo is None:
        raise _fail(where, f"{value!r} has no time zone; write UTC with a trailing Z")
    return parsed.astimezone(_dt.timezone.utc)


def _strings(value: object, where: str) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, "expected a list of strings")
    return tuple(value)


def _footprint(value: object, where: str) -> Optional[Tuple[Tuple[float, float], ...]]:
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") != "Polygon":
        raise _fail(where, "footprint must be null or a GeoJSON Polygon")
    try:
        ring = tuple((float(x), float(y)) for x, y in value["coordinates"][0])
    except (KeyError, IndexError, TypeError, ValueError):
        raise _fail(where, "footprint coordinates must be [[[lon, lat], ...]]") from None
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise _fail(where, "footprint ring must be closed and have at least 4 positions")
    if not all(-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0 for x, y in ring):
        raise _fail(where, "footprint positions must be (lon, lat) degrees in EPSG:4326")
    return ring


def _scene(raw: dict, event_id: str) -> EventScene:
    where = f"scene {raw.get('scene_id', '?')!s} of {event_id}"
    try:
        products = _strings(raw["products"], where)
        unknown = [p for p in products if p not in PRODUCT_FORMATS]
        if not products or unknown:
            raise _fail(where, f"products must be a non-empty subset of {sorted(PRODUCT_FORMATS)}")
        archive = tuple(ArchivePairing(str(a["product"]), _date(a["date"], where)) for a in raw["archive"])
        if any(a.product not in products for a in archive):
            raise _fail(where, "an archive pairing names a product the scene does not offer")
        if raw["pass_direction"] not in PASS_DIRECTIONS:
            raise _fail(where, f"pass_direction must be one of {PASS_DIRECTIONS}")
        if raw["look_side"] not in LOOK_SIDES + (None,):
            raise _fail(where, f"look_side must be one of {LOOK_SIDES} or null")
        if raw["mode_family"] not in MODE_FAMILIES:
            raise _fail(where, f"mode_family must be one of {MODE_FAMILIES}")
        pols = raw["polarisations"]
        return EventScene(
            scene_id=str(raw["scene_id"]),
            event_id=event_id,
            table_row=int(raw["table_row"]),
            obs_date=_date(raw["obs_date"], where),
            obs_time_jst=raw["obs_time_jst"],
            obs_time_utc=_utc(raw["obs_time_utc"], where),
            path=int(raw["path"]),
            frame=None if raw["frame"] is None else int(raw["frame"]),
            beam=str(raw["beam"]),
            beam_file=raw["beam_file"],
            beam_numbers=tuple(int(b) for b in raw["beam_numbers"]),
            mode_family=raw["mode_family"],
            pass_direction=raw["pass_direction"],
            look_side=raw["look_side"],
            polarisations=None if pols is None else _strings(pols, where),
            products=products,
            archive=archive,
            footnote_marks=_strings(raw["footnote_marks"], where),
            notes=_strings(raw["notes"], where),
            notes_ja=_strings(raw["notes_ja"], where),
            non_commercial_only=bool(raw["non_commercial_only"]),
            distribution=str(raw["distribution"]),
            scene_names=_strings(raw["scene_names"], where),
            archive_scene_names=_strings(raw["archive_scene_names"], where),
            keys=_strings(raw["keys"], where),
            archive_keys=_strings(raw["archive_keys"], where),
            footprint=_footprint(raw["footprint"], where),
        )
    except KeyError as exc:
        raise _fail(where, f"missing field {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise _fail(where, f"bad value ({exc})") from None


def _event(raw: dict, source_page: str) -> Event:
    event_id = str(raw.get("event_id", "?"))
    where = f"event {event_id}"
    try:
        footnotes = tuple(Footnote(mark, str(t["en"]), str(t["ja"])) for mark, t in raw["footnotes"].items())
        scenes = tuple(_scene(s, event_id) for s in raw["scenes"])
        return Event(
            event_id=event_id,
            name_en=str(raw["name_en"]),
            name_ja=str(raw["name_ja"]),
            short_name_en=str(raw["short_name_en"]),
            short_name_ja=str(raw["short_name_ja"]),
            event_date=_date(raw["event_date"], where),
            magnitude=raw.get("magnitude"),
            summary_en=str(raw["summary_en"]),
            summary_ja=str(raw["summary_ja"]),
            terms_en=str(raw["terms_en"]),
            terms_ja=str(raw["terms_ja"]),
            footnotes=footnotes,
            related_pages=_strings(raw["related_pages"], where),
            source_page=source_page,
            scenes=scenes,
        )
    except KeyError as exc:
        raise _fail(where, f"missing field {exc.args[0]!r}") from None
    except (AttributeError, TypeError) as exc:
        raise _fail(where, f"bad value ({exc})") from None


def parse_events(document: dict) -> Tuple[Event, ...]:
    """Build the events from a decoded events.json document; raises EventDataError if invalid."""
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise _fail("file", f"not a '{SCHEMA}' document")
    if document.get("schema_version") != SCHEMA_VERSION:
        raise _fail("file", f"schema_version {document.get('schema_version')!r} is not supported "
                            f"(this plugin reads version {SCHEMA_VERSION})")
    events = tuple(_event(e, str(document.get("source_page", ""))) for e in document.get("events", []))
    seen = set()
    for event in events:
        if event.event_id in seen or event.event_id == ALL_EVENTS:
            raise _fail(f"event {event.event_id}", "event ids must be unique and not 'all'")
        seen.add(event.event_id)
    scene_ids = [s.scene_id for e in events for s in e.scenes]
    duplicates = sorted({s for s in scene_ids if scene_ids.count(s) > 1})
    if duplicates:
        raise _fail("file", f"duplicate scene ids {duplicates}")
    return events


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Tuple[Event, ...]:
    try:
        with open(path, encoding="utf-8") as fh:
            document = json.load(fh)
    except OSError as exc:
        raise EventDataError(f"Cannot read the event data file {path}: {exc.strerror}. "
                             "Reinstall the plugin.") from None
    except json.JSONDecodeError as exc:
        raise EventDataError(f"The event data file {path} is not valid JSON (line {exc.lineno}, "
                             f"column {exc.colno}). Reinstall the plugin.") from None
    return parse_events(document)


def load_events(path: Optional[str] = None) -> Tuple[Event, ...]:
    """All events of the data file (default: the bundled ``data/events.json``), in file order.

    The result is immutable and cached per path.
    """
    return _load_cached(str(Path(path) if path else DEFAULT_EVENTS_FILE))


def event_ids(events: Optional[Sequence[Event]] = None) -> Tuple[str, ...]:
    """The event ids in file order (without "all")."""
    return tuple(e.event_id for e in (events if events is not None else load_events()))


def get_event(event_id: str, events: Optional[Sequence[Event]] = None) -> Event:
    """The event with ``event_id``; raises UnknownEventError naming the valid ids."""
    events = events if events is not None else load_events()
    for event in events:
        if event.event_id == event_id:
            return event
    raise UnknownEventError(f"Unknown disaster event {event_id!r}. Choose one of: "
                            f"{', '.join((ALL_EVENTS,) + event_ids(events))}.")


def select_events(event_id: str = ALL_EVENTS, events: Optional[Sequence[Event]] = None) -> Tuple[Event, ...]:
    """The events selected by ``event_id``: all of them for "all" (or empty/None), else the one event."""
    events = tuple(events) if events is not None else load_events()
    if not event_id or event_id == ALL_EVENTS:
        return events
    return (get_event(event_id, events),)


def scenes_for(event_id: str = ALL_EVENTS,
               events: Optional[Sequence[Event]] = None) -> Tuple[Tuple[Event, EventScene], ...]:
    """(event, scene) pairs of the selected event(s), in page order."""
    return tuple((event, scene) for event in select_events(event_id, events) for scene in event.scenes)


@dataclass(frozen=True)
class AccessRoute:
    """How to get a scene's data: ``kind`` (one of the ACCESS_* values) and the web page to open
    for it ("" when the plugin itself searches and downloads it)."""

    kind: str
    url: str


def access_route(event: Event, scene: EventScene) -> AccessRoute:
    """The open-data bucket where the row names its bucket keys, else G-Portal where the row is
    distributed there, else the JAXA web page the event's table comes from."""
    if scene.keys and scene.scene_names:
        return AccessRoute(ACCESS_OPEN_DATA, "")
    if "g-portal" in scene.distribution.lower():
        return AccessRoute(ACCESS_GPORTAL, GPORTAL_SEARCH_URL)
    return AccessRoute(ACCESS_JAXA_PAGE, event.source_page)


def find_scene(scene_id: str, events: Optional[Sequence[Event]] = None) -> Tuple[Event, EventScene]:
    """The (event, scene) with ``scene_id``; raises UnknownEventError if there is none."""
    for event, scene in scenes_for(ALL_EVENTS, events):
        if scene.scene_id == scene_id:
            return event, scene
    raise UnknownEventError(f"No disaster-event scene has the id {scene_id!r}.")
