"""What the plugin knows about a file it downloads, kept beside it in a small JSON file.

``<folder>/.palsar2-download/<name>.json`` (one hidden folder per product folder, next to ``<name>``
and ``<name>.part``) holds:

- while a ``.part`` exists (``phase`` "partial"): the validator of the object the ``.part`` was cut
  from (strong ETag, Last-Modified, size), so that a resume can prove, with ``If-Range``, that the
  server still has the same object; a ``.part`` without it is never resumed;
- once the file is complete (``phase`` "complete"): how it was verified (``verified_by`` "md5",
  "etag" or "" for unverified), the object's validator, its MD5 when computed, and the local file's
  size and modification time when recorded, so that a later run can skip it only while it is
  provably the same object and the same local bytes.

No secrets: the source is stored without user info and without query string.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from ..net.urls import redact_url

#: ``verified_by`` values.
BY_MD5 = "md5"
BY_ETAG = "etag"
UNVERIFIED = ""


@dataclass(frozen=True)
class Validator:
    """What identifies one version of a remote object: a strong ETag (quotes stripped), the
    Last-Modified text (HTTP date, or the SFTP modification time in seconds) and its size in bytes."""

    etag: Optional[str] = None
    last_modified: Optional[str] = None
    size: Optional[int] = None

    def if_range(self) -> Optional[str]:
        """The ``If-Range`` header value proving this version (None if nothing can)."""
        if self.etag:
            return f'"{self.etag}"'
        return self.last_modified or None

    def same_object(self, other: "Validator") -> bool:
        """True if ``other`` provably names the same version (equal ETags, or no ETags and equal
        Last-Modified; sizes must agree where both are known)."""
        if self.size is not None and other.size is not None and self.size != other.size:
            return False
        if self.etag or other.etag:
            return bool(self.etag) and self.etag == other.etag
        return bool(self.last_modified) and self.last_modified == other.last_modified


@dataclass(frozen=True)
class FileState:
    phase: str  # "partial" or "complete"
    source: str
    validator: Validator = field(default_factory=Validator)
    verified_by: str = UNVERIFIED
    md5: Optional[str] = None
    local_size: Optional[int] = None
    local_mtime_ns: Optional[int] = None


#: The hidden folder, inside a product folder, that holds the state of its files.
STATE_FOLDER = ".palsar2-download"


def state_path(dest: Path) -> Path:
    """``<folder>/.palsar2-download/<name>.json``."""
    dest = Path(dest)
    return dest.parent / STATE_FOLDER / f"{dest.name}.json"


def read_state(dest: Path) -> Optional[FileState]:
    """The recorded state of ``dest`` (None if there is none or it cannot be read)."""
    try:
        data = json.loads(state_path(dest).read_text(encoding="utf-8"))
        data["validator"] = Validator(**data.get("validator") or {})
        return FileState(**data)
    except (OSError, ValueError, TypeError):
        return None


def write_state(dest: Path, state: FileState) -> None:
    """Record ``state`` for ``dest`` (written to a temporary name and renamed)."""
    path = state_path(dest)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    data = asdict(state)
    data["source"] = redact_url(data["source"])
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def clear_state(dest: Path) -> None:
    """Forget ``dest``'s state (and the state folder once it is empty)."""
    path = state_path(dest)
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass  # not empty, or already gone


def record_partial(dest: Path, source: str, validator: Validator) -> None:
    """A ``.part`` of ``dest`` is being written from the object identified by ``validator``."""
    write_state(dest, FileState("partial", source, validator))


def record_complete(dest: Path, source: str, validator: Validator, verified_by: str, md5: Optional[str]) -> None:
    """``dest`` is complete; remember how it was verified and what the local file looks like now."""
    st = Path(dest).stat()
    write_state(dest, FileState("complete", source, validator, verified_by, md5, st.st_size, st.st_mtime_ns))


def partial_validator(dest: Path) -> Optional[Validator]:
    """The validator recorded for ``dest``'s ``.part`` if it can prove the object (else None)."""
    state = read_state(dest)
    if state is None or state.phase != "partial" or not state.validator.if_range():
        return None
    return state.validator


def complete_state(dest: Path) -> Optional[FileState]:
    """The "complete" state of ``dest`` if the local file is still the one recorded (size and mtime)."""
    state = read_state(dest)
    if state is None or state.phase != "complete":
        return None
    try:
        st = Path(dest).stat()
    except OSError:
        return None
    if (st.st_size, st.st_mtime_ns) != (state.local_size, state.local_mtime_ns):
        return None
    return state
