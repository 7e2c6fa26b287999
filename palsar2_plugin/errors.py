"""Error types of the core. Every error a user can cause derives from :class:`Palsar2Error`.

The QGIS glue turns these into ``QgsProcessingException`` with the same message, so the
message must say what went wrong and what to do about it.
"""

from __future__ import annotations

from typing import Optional


class Palsar2Error(Exception):
    """Base class of all errors the plugin's core raises on purpose."""


class Cancelled(Palsar2Error):
    """The user cancelled a long-running operation (raised from a cancel check)."""


class CeosFormatError(Palsar2Error):
    """A CEOS file is malformed or not what it claims to be.

    The message names the file, the record and the 0-based byte offset in the file
    where the problem was found, so a user can report it precisely.
    """

    def __init__(self, message: str, path: Optional[str] = None, record: Optional[str] = None,
                 offset: Optional[int] = None):
        self.path = path
        self.record = record
        self.offset = offset
        where = []
        if path is not None:
            where.append(f"file {path}")
        if record is not None:
            where.append(f"record {record}")
        if offset is not None:
            where.append(f"byte offset {offset}")
        full = message if not where else f"{message} ({', '.join(where)})"
        super().__init__(full)
