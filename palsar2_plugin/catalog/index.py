"""The local scene index: a GeoPackage (plain sqlite3) with an R-tree on the footprints.

A search is a local spatial + temporal query; the network is only used to refresh the index.
The file is a valid GeoPackage 1.3 (QGIS/GDAL open table ``scenes`` as a polygon layer in
EPSG:4326). The R-tree ``rtree_scenes_geom`` is maintained by this module (no SpatiaLite
triggers). Table ``listing_state`` remembers the ETag of each item already read, so that a refresh
only fetches new or changed items; tables ``listing_objects``/``listing_runs`` keep the last bucket
listing of each prefix and when it was made, so that a recent listing is not repeated. Their
``source`` column names the catalogue and its server (e.g. ``opendata https://host``), so listings of
different servers never mix.

Times are stored as fixed-width UTC text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``) so that text
comparison equals time comparison.

Every sqlite error becomes a :class:`CatalogError` that says what to do: a damaged file (delete it,
it only caches the catalogues), an index locked by another program for more than
:data:`BUSY_TIMEOUT_S` seconds (wait or close it), a read-only file, or a database of another kind
(another file is needed: the plugin never writes its tables into somebody else's GeoPackage).
"""

from __future__ import annotations

import functools
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Dict, Iterable, Iterator, List, Optional, Tuple

from .errors import CatalogError
from .geometry import gpkg_polygon_blob, ring_bbox, ring_from_gpkg_blob
from .query import SearchQuery
from .record import ATTRIBUTE_TYPES, SceneRecord, format_time, parse_time
if TYPE_CHECKING:  # s3 needs requests; the index (and its default path) must not
    from .s3 import S3Object

TABLE = "scenes"
RTREE = "rtree_scenes_geom"
_COLUMNS = [name for name, _ in ATTRIBUTE_TYPES]
_OWN_TABLES = {TABLE, "listing_objects", "listing_runs", "listing_state"}

#: Seconds to wait for another connection's write lock before giving up with a clear error.
BUSY_TIMEOUT_S = 5.0


def index_error(path: str, exc: BaseException) -> CatalogError:
    """The user-facing error for a sqlite error on the index at ``path``."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return CatalogError(f"The scene index {path} is locked by another program or search: wait until it has "
                            "finished (or close the program that keeps it open) and run again.")
    if any(word in text for word in ("not a database", "malformed", "corrupt", "disk image")):
        return CatalogError(f"The scene index {path} is damaged ({exc}): delete it (it only keeps what the "
                            "catalogues answered; the next search builds it again) or choose another index file.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return CatalogError(f"The scene index {path} cannot be written ({exc}): choose a writable file or folder.")
    return CatalogError(f"The scene index {path} cannot be used ({exc}): delete it or choose another index file.")


def _translating(method):
    """Run ``method`` turning sqlite errors into :func:`index_error`."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise index_error(self.path, exc) from None
    return wrapper


def default_index_path(profile_folder: str) -> str:
    """Where the index lives by default: ``<QGIS profile>/palsar2/scene_index.gpkg``."""
    return os.path.join(profile_folder, "palsar2", "scene_index.gpkg")


class SceneIndex:
    """Open (creating if needed) the scene index at ``path``. Use as a context manager or call close()."""

    def __init__(self, path: str):
        self.path = path
        folder = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            raise CatalogError(f"The scene index {path} is a folder: give a file name (e.g. scene_index.gpkg).")
        try:
            os.makedirs(folder, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise CatalogError(f"Cannot open the scene index {path} ({exc}): choose a writable folder.") from None
        try:
            self._check_kind()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._create_schema()
        except sqlite3.Error as exc:
            self._db.close()
            raise index_error(path, exc) from None
        except CatalogError:
            self._db.close()
            raise

    def _check_kind(self) -> None:
        """Refuse a database of another kind (its tables are left alone)."""
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if TABLE in tables:
            columns = {row[1] for row in self._db.execute(f"PRAGMA table_info({TABLE})")}
            if not set(_COLUMNS) <= columns:
                raise CatalogError(f"{self.path} has a table '{TABLE}' that is not a PALSAR-2 scene index: choose "
                                   "another file for the scene index (a new one is created).")
            return
        foreign = sorted(t for t in tables - _OWN_TABLES if not t.startswith(("gpkg_", "rtree_", "sqlite_")))
        if foreign:
            raise CatalogError(f"{self.path} is a database of another kind (tables {', '.join(foreign[:5])}): "
                               "choose another file for the scene index (a new one is created).")

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "SceneIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Group many writes in one transaction (much faster for bulk inserts)."""
        with self._db:
            yield self._db

    def _create_schema(self) -> None:
        db = self._db
        with db:
            db.executescript("""
            CREATE TABLE IF NOT EXISTS listing_objects (
              source TEXT NOT NULL, prefix TEXT NOT NULL, key TEXT NOT NULL, size INTEGER, etag TEXT,
              last_modified TEXT, PRIMARY KEY (source, prefix, key));
            CREATE TABLE IF NOT EXISTS listing_runs (
              source TEXT NOT NULL, prefix TEXT NOT NULL, listed_at TEXT NOT NULL, PRIMARY KEY (source, prefix));
            """)
            # listings kept before they were keyed by server (source "opendata" alone) are dropped
            db.execute("DELETE FROM listing_objects WHERE instr(source, ' ') = 0")
            db.execute("DELETE FROM listing_runs WHERE instr(source, ' ') = 0")
            if db.execute("SELECT name FROM sqlite_master WHERE name='listing_state'").fetchone():
                db.execute("DELETE FROM listing_state WHERE instr(source, ' ') = 0")
        exists = db.execute("SELECT name FROM sqlite_master WHERE name=?", (TABLE,)).fetchone()
        if exists:
            return
        cols = ",\n".join(f'"{n}" {"INTEGER" if t == "int" else "TEXT"}' for n, t in ATTRIBUTE_TYPES if n != "record_id")
        with db:
            db.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
            db.execute("PRAGMA user_version = 10300")
            db.executescript(f"""
            CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
              srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE IF NOT EXISTS gpkg_contents (
              table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
            CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
              table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
            CREATE TABLE IF NOT EXISTS gpkg_extensions (
              table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
              scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
            CREATE TABLE {TABLE} (
              fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POLYGON, record_id TEXT NOT NULL UNIQUE, {cols});
            CREATE INDEX {TABLE}_start_time ON {TABLE}(start_time);
            CREATE VIRTUAL TABLE {RTREE} USING rtree(id, minx, maxx, miny, maxy);
            CREATE TABLE IF NOT EXISTS listing_state (
              source TEXT NOT NULL, key TEXT NOT NULL, etag TEXT, record_id TEXT, PRIMARY KEY (source, key));
            """)
            db.executemany("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", [
                ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
                ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
                ("WGS 84 geodetic", 4326, "EPSG", 4326,
                 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
                 'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
                 'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
                 'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', "longitude/latitude"),
            ])
            db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                       "VALUES (?, 'features', ?, ?, 4326)",
                       (TABLE, "PALSAR-2 scenes", "PALSAR-2 scene footprints (data: JAXA)"))
            db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POLYGON', 4326, 0, 0)", (TABLE,))
            db.execute("INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', "
                       "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')", (TABLE,))

    # ------------------------------------------------------------------ writing
    @_translating
    def upsert(self, records: Iterable[SceneRecord]) -> int:
        """Insert or replace records (matched by ``record_id``); returns how many were written."""
        n = 0
        db = self._db
        placeholders = ",".join("?" for _ in range(len(_COLUMNS) + 1))
        quoted = ",".join(f'"{c}"' for c in _COLUMNS)
        with db:
            for rec in records:
                attrs = rec.to_attributes()
                blob = gpkg_polygon_blob(rec.footprint) if rec.footprint else None
                old = db.execute(f"SELECT fid FROM {TABLE} WHERE record_id=?", (rec.record_id,)).fetchone()
                if old:
                    db.execute(f"DELETE FROM {RTREE} WHERE id=?", (old[0],))
                    db.execute(f"DELETE FROM {TABLE} WHERE fid=?", (old[0],))
                cur = db.execute(f"INSERT INTO {TABLE} (geom,{quoted}) VALUES ({placeholders})",
                                 [blob] + [attrs[c] for c in _COLUMNS])
                if rec.footprint:
                    w, s, e, nn = ring_bbox(rec.footprint)
                    db.execute(f"INSERT INTO {RTREE} VALUES (?,?,?,?,?)", (cur.lastrowid, w, e, s, nn))
                n += 1
            self._update_extent()
        return n

    def _update_extent(self) -> None:
        row = self._db.execute(f"SELECT min(minx), min(miny), max(maxx), max(maxy) FROM {RTREE}").fetchone()
        self._db.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
                         "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?", (*row, TABLE))

    @_translating
    def known_listing(self, source: str) -> Dict[str, str]:
        """{key: etag} of every object already read for ``source`` (a catalogue and its server)."""
        return dict(self._db.execute("SELECT key, etag FROM listing_state WHERE source=?", (source,)))

    @_translating
    def remember_listing(self, source: str, entries: Iterable[tuple]) -> None:
        """Store (key, etag, record_id) triples read from ``source``."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO listing_state VALUES (?,?,?,?)",
                                 [(source, k, e, r) for k, e, r in entries])

    @_translating
    def store_listing(self, source: str, prefix: str, objects: Iterable[S3Object], listed_at: datetime) -> None:
        """Replace the stored listing of ``prefix`` by ``objects`` (listed at ``listed_at``, UTC)."""
        with self._db:
            self._db.execute("DELETE FROM listing_objects WHERE source=? AND prefix=?", (source, prefix))
            self._db.executemany("INSERT INTO listing_objects VALUES (?,?,?,?,?,?)",
                                 [(source, prefix, o.key, o.size, o.etag, o.last_modified) for o in objects])
            self._db.execute("INSERT OR REPLACE INTO listing_runs VALUES (?,?,?)",
                             (source, prefix, format_time(listed_at)))

    @_translating
    def stored_listing(self, source: str, prefix: str) -> Optional[Tuple[datetime, Dict[str, S3Object]]]:
        """(listed_at, {key: object}) of the last stored listing of ``prefix``, or None."""
        from .s3 import S3Object

        row = self._db.execute("SELECT listed_at FROM listing_runs WHERE source=? AND prefix=?",
                               (source, prefix)).fetchone()
        if row is None:
            return None
        objects = {k: S3Object(k, int(size or 0), etag or "", lm or "") for k, size, etag, lm in self._db.execute(
            "SELECT key, size, etag, last_modified FROM listing_objects WHERE source=? AND prefix=?", (source, prefix))}
        return parse_time(row[0]), objects

    # ------------------------------------------------------------------ reading
    @_translating
    def count(self) -> int:
        return self._db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]

    @_translating
    def get(self, record_id: str) -> Optional[SceneRecord]:
        rows = self._select("WHERE s.record_id=?", (record_id,))
        return rows[0] if rows else None

    @_translating
    def search(self, query: SearchQuery, limit: Optional[int] = None) -> List[SceneRecord]:
        """Records matching ``query`` (validated here), sorted by start time then record id.

        The R-tree and the start-time index select candidates; filters and the exact
        footprint/AOI intersection are then applied in Python.
        """
        q = query.validated()
        w, s, e, n = q.bbox
        earliest = format_time(q.start)
        # two R-tree windows: the AOI, and the AOI + 360 degrees for footprints unwrapped across the antimeridian
        where = (f"JOIN {RTREE} r ON r.id = s.fid WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? "
                 f"AND s.start_time <= ? AND (CASE WHEN s.end_time = '' THEN s.start_time ELSE s.end_time END) >= ?")
        filters, extra = "", []
        if q.levels:
            filters += f" AND s.level IN ({','.join('?' for _ in q.levels)})"
            extra += list(q.levels)
        if q.modes:
            filters += f" AND s.mode IN ({','.join('?' for _ in q.modes)})"
            extra += list(q.modes)
        if q.pass_direction:
            filters += " AND s.pass_direction = ?"
            extra.append(q.pass_direction)
        found: Dict[str, SceneRecord] = {}
        windows = [(w, e)] if w <= e else [(w, 180.0), (-180.0, e)]  # a box across the antimeridian: two
        for west, east in windows:
            for dx in (0.0, 360.0):
                args = [east + dx, west + dx, n, s, format_time(q.end), earliest] + extra
                for rec in self._select(where + filters, args):
                    if rec.record_id not in found and q.matches_filters(rec) and q.matches_area(rec):
                        found[rec.record_id] = rec
        out = sorted(found.values(), key=lambda r: (format_time(r.start_time), r.record_id))
        if limit is not None:
            out = out[:limit]
        return out

    def _select(self, tail: str, args) -> List[SceneRecord]:
        quoted = ",".join(f's."{c}"' for c in _COLUMNS)
        cur = self._db.execute(f"SELECT s.geom, {quoted} FROM {TABLE} s {tail}", args)
        out = []
        for row in cur:
            attrs = dict(zip(_COLUMNS, row[1:]))
            out.append(SceneRecord.from_attributes(attrs, ring_from_gpkg_blob(row[0])))
        return out


__all__ = ["SceneIndex", "default_index_path", "TABLE"]
