"""Result folders that look complete only when they are, and work folders that never outlive their run.

- :class:`StagedFolder`: a result (an NRB product, a radar-geometry export) is written into a hidden
  ``.<name>.partial-<id>`` folder beside its final place and renamed to ``<name>`` when complete. An
  older result of the same name is replaced only then; entries of the old folder that are not part of
  the result (a user's notes) are carried into the new one, never deleted.
- :class:`ScratchFolder`: a hidden ``.<name>.scratch-<id>`` work folder (calibrated beta0, Dask tiles),
  removed by :meth:`ScratchFolder.close`.
- :func:`remove_leftovers`: what killed runs left in a parent folder (partial, replaced and scratch
  folders) is removed by the next run (a run killed between its two renames gets its old result
  back); a folder still in use by a live run (in this or another process) is left alone, and one
  without a lock file (an older version's, or a writer that does not lock) only once a day old.

A folder in use is marked by an OS lock on ``.<name>.lock-<id>`` beside it (``flock`` on POSIX,
``msvcrt.locking`` on Windows): the OS releases it when its process ends, however it ends, so a
lock that can be taken means the run is gone. The lock file also records the entries carried from
an old result (JSON ``carried``), so that a run killed in the middle of replacing a result gives them
back to the result folder instead of losing them.

:func:`writable_folder` checks an output folder before any work and says what to do when it is a
file or cannot be written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
import uuid
from typing import Callable, Iterable, List, Sequence

from .errors import Palsar2Error

_WORK = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|old|scratch)-(?P<id>[0-9a-f]{8,32})$")
#: Work folders of plugin versions without locks (removed like dead runs' folders).
_LEGACY = (re.compile(r"^\.palsar2-(beta0|tiles)-[A-Za-z0-9_]{6,}$"),
           re.compile(r"^ALOS2\d{9}-\d{6}_[A-Z]{3}[RL]NRB[AD]\.old-[0-9a-f]{8}$"))


#: A work folder without a lock file is removed only when older than this (seconds).
UNLOCKED_STALE_S = 24 * 3600


class OutputFolderError(Palsar2Error):
    """The output folder is a file, or cannot be created or written."""


def writable_folder(path) -> str:
    """Create ``path`` if needed and check a file can be made in it; returns it as a string. Raises
    :class:`OutputFolderError` with what to do (choose another folder) instead of an OSError."""
    folder = os.fspath(path) if path is not None else ""
    if not folder:
        raise OutputFolderError("No output folder given: choose a folder to write into.")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise OutputFolderError(f"The output folder {folder} is an existing file, not a folder: choose a folder "
                                "(or a new folder name) instead.")
    try:
        os.makedirs(folder, exist_ok=True)
        probe = os.path.join(folder, f".palsar2-write-test-{uuid.uuid4().hex[:8]}")
        with open(probe, "wb"):
            pass
        os.remove(probe)
    except NotADirectoryError:
        raise OutputFolderError(f"Cannot create the output folder {folder}: part of its path is a file, not a "
                                "folder. Choose another folder.") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputFolderError(f"Cannot write into the output folder {folder} ({reason}): choose a folder you may "
                                "write to (e.g. in your home folder) and check the disk is not full or "
                                "read-only.") from None
    return folder


# ------------------------------------------------------------------------------ locks
class _Lock:
    """An exclusive OS lock on a small file that records its owner (and carried entries)."""

    def __init__(self, path: str):
        self.path = path
        self._fh = open(path, "a+b")
        if not _try_lock(self._fh):
            self._fh.close()
            raise OutputFolderError(f"{path} is locked by another run")
        self.write({})

    def write(self, extra: dict) -> None:
        self.extra = dict(extra)
        record = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(), **extra}
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(json.dumps(record).encode("utf-8"))
        self._fh.flush()

    def release(self, remove: bool = True) -> None:
        if self._fh is None:
            return
        if remove:
            try:
                os.remove(self.path)        # POSIX: removed while held, so no one can take it in between
            except OSError:
                pass
        _unlock(self._fh)
        self._fh.close()
        self._fh = None
        if remove and os.path.exists(self.path):   # Windows: an open file cannot be removed
            try:
                os.remove(self.path)
            except OSError:
                pass


def _os_lock(fh, acquire: bool) -> bool:
    """Take (non-blocking) or release the exclusive OS lock of an open file; False if it is held elsewhere."""
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK if acquire else msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), (fcntl.LOCK_EX | fcntl.LOCK_NB) if acquire else fcntl.LOCK_UN)
        return True
    except OSError:
        return False


def _try_lock(fh) -> bool:
    return _os_lock(fh, True)


def _unlock(fh) -> None:
    _os_lock(fh, False)


def _lock_path(parent: str, name: str, run_id: str) -> str:
    return os.path.join(parent, f".{name}.lock-{run_id}")


def _owner_alive(lock_path: str) -> bool:
    """True while the run that made ``lock_path`` holds its lock."""
    if not os.path.exists(lock_path):
        return False
    try:
        fh = open(lock_path, "a+b")
    except OSError:
        return True                         # cannot even open it: leave it alone
    try:
        if _try_lock(fh):
            _unlock(fh)
            return False
        return True
    finally:
        fh.close()


def _carried(lock_path: str) -> List[str]:
    try:
        with open(lock_path, "rb") as fh:
            return list(json.loads(fh.read().decode("utf-8") or "{}").get("carried", []))
    except (OSError, ValueError):
        return []


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.remove(path)
        except OSError:
            pass


# ------------------------------------------------------------------------------ folders
class ScratchFolder:
    """A hidden work folder ``.<name>.scratch-<id>`` in ``parent`` (created with its lock);
    :meth:`close` removes it. Usable as a context manager."""

    def __init__(self, parent: str, name: str):
        self.parent = writable_folder(parent)
        self.run_id = uuid.uuid4().hex[:12]
        self._lock = _Lock(_lock_path(self.parent, name, self.run_id))
        self.path = os.path.join(self.parent, f".{name}.scratch-{self.run_id}")
        try:
            os.makedirs(self.path)
        except BaseException:
            self._lock.release()
            raise

    def close(self, patience_s: float = 0.0) -> None:
        """Remove the folder (again for ``patience_s`` seconds while late writers, e.g. cancelled Dask
        tasks, still put files into it), then the lock."""
        if self._lock is None:
            return
        deadline = time.monotonic() + patience_s
        while True:
            shutil.rmtree(self.path, ignore_errors=True)
            if not os.path.exists(self.path) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self._lock.release()
        self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class StagedFolder:
    """A result folder ``<parent>/<name>`` written as ``.<name>.partial-<id>`` (:attr:`path`) and
    renamed by :meth:`commit`. ``belongs(entry_name)`` says whether an entry of an older result folder
    of the same name is part of the result (replaced) or not (carried into the new folder)."""

    def __init__(self, parent: str, name: str, belongs: Callable[[str], bool]):
        if not name or os.sep in name or (os.altsep and os.altsep in name) or name in (".", ".."):
            raise OutputFolderError(f"Cannot name a result folder {name!r}.")
        self.parent = writable_folder(parent)
        self.name = name
        self.belongs = belongs
        self.run_id = uuid.uuid4().hex[:12]
        self._lock = _Lock(_lock_path(self.parent, name, self.run_id))
        self.path = os.path.join(self.parent, f".{name}.partial-{self.run_id}")
        self.final_path = os.path.join(self.parent, name)
        try:
            os.makedirs(self.path)
        except BaseException:
            self._lock.release()
            raise

    def commit(self) -> str:
        """Carry the foreign entries of an older result into the new folder, then put the new folder in
        its place (the old one is removed); returns the final path."""
        old = None
        if os.path.isdir(self.final_path):
            foreign = sorted(e for e in os.listdir(self.final_path) if not self.belongs(e))
            if foreign:
                self._lock.write({"carried": foreign, "final": self.name})
                for entry in foreign:
                    target = os.path.join(self.path, entry)
                    if os.path.lexists(target):          # a name the result uses now: keep the user's beside it
                        target = os.path.join(self.path, f"{entry}.kept-{self.run_id[:8]}")
                    os.replace(os.path.join(self.final_path, entry), target)
            old = os.path.join(self.parent, f".{self.name}.old-{self.run_id}")
            os.replace(self.final_path, old)
        elif os.path.lexists(self.final_path):
            raise OutputFolderError(f"{self.final_path} is an existing file where the result folder must go: move "
                                    "or rename it, or choose another output folder.")
        os.replace(self.path, self.final_path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self._lock.release()
        self._lock = None
        return self.final_path

    def abort(self) -> None:
        """Remove the partial folder (giving carried entries back first) and the lock."""
        if self._lock is None:
            return
        _give_back(self.parent, self.path, self.name, self._lock.extra.get("carried", ()))
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.release()
        self._lock = None


def _give_back(parent: str, folder: str, name: str, carried: Sequence[str]) -> None:
    """Move ``carried`` entries of ``folder`` (a dead run's partial folder) back to ``parent/name``."""
    if not carried or not os.path.isdir(folder):
        return
    home = os.path.join(parent, name)
    os.makedirs(home, exist_ok=True)
    for entry in carried:
        for candidate in (entry,) + tuple(e for e in os.listdir(folder) if e.startswith(f"{entry}.kept-")):
            source = os.path.join(folder, candidate)
            if os.path.lexists(source) and not os.path.lexists(os.path.join(home, entry)):
                os.replace(source, os.path.join(home, entry))


def _stale(path: str) -> bool:
    """A work folder without a lock (an older plugin version's, or a writer that does not lock, still
    running perhaps) counts as left over only when untouched for :data:`UNLOCKED_STALE_S`."""
    try:
        return time.time() - os.path.getmtime(path) > UNLOCKED_STALE_S
    except OSError:
        return False


def remove_leftovers(parent: str) -> List[str]:
    """Remove the work folders of dead runs in ``parent`` (see the module docstring); returns their
    names. Entries a dead run had carried from an old result go back to that result's folder."""
    if not parent or not os.path.isdir(parent):
        return []
    removed = []
    try:
        entries = os.listdir(parent)
    except OSError:
        return []
    for entry in sorted(entries):
        path = os.path.join(parent, entry)
        m = _WORK.match(entry)
        if m:
            lock = _lock_path(parent, m.group("name"), m.group("id"))
            if _owner_alive(lock) or (not os.path.exists(lock) and not _stale(path)):
                continue
            home = os.path.join(parent, m.group("name"))
            if m.group("kind") == "old" and not os.path.lexists(home):
                os.replace(path, home)          # killed between the two renames: the old result comes back
                removed.append(entry)
                continue
            if m.group("kind") == "partial":
                _give_back(parent, path, m.group("name"), _carried(lock))
            _remove(path)
            removed.append(entry)
        elif any(p.match(entry) for p in _LEGACY) and os.path.isdir(path) and _stale(path):
            _remove(path)
            removed.append(entry)
    for entry in sorted(os.listdir(parent)):                       # locks of dead runs
        m = re.match(r"^\.(?P<name>.+)\.lock-(?P<id>[0-9a-f]{8,32})$", entry)
        if m and not _owner_alive(os.path.join(parent, entry)):
            _remove(os.path.join(parent, entry))
    return removed


def prefixed(prefixes: Iterable[str]) -> Callable[[str], bool]:
    """A ``belongs`` test: an entry is part of the result when its name starts with one of ``prefixes``."""
    starts = tuple(prefixes)
    return lambda entry: entry.startswith(starts)
