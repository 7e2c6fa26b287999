"""Tiles in worker processes: what makes the numpy path use more than one core.

The numpy stages hold the GIL for most of their time (every ufunc call takes it again), so threads
barely help them (measured in README's bench table); separate processes do. :class:`ProcessExecutor`
runs ``workers`` processes (``concurrent.futures.ProcessPoolExecutor``, *spawn* start method: fork
is unsafe inside QGIS and spawn is all Windows and macOS have), started with the interpreter of
:func:`..dependencies.python_for_workers` (inside QGIS ``sys.executable`` is the QGIS program).

Each worker gets the plan and the radar input once (the pool's initializer, which first makes the
plugin's package importable under the parent's name, :mod:`..scale.worker_setup`), opens its own
DEM handle, bounds GDAL's block cache (:mod:`..gdal_cache`) and keeps its scratch buffers from tile
to tile. A task computes one tile (:func:`.tile.correct_tile`) and returns its layers, the CPU
seconds per stage (added to the run's ``times``) and the worker's peak resident memory so far.
The parent writes each tile in the calling thread, reports progress per tile and keeps at most
2 x workers tiles in flight. Cancel: no more tiles are submitted, pending ones are cancelled and
the pool is shut down (running tiles finish first, about a second each).

:class:`WorkerStartError` (a Palsar2Error) says the processes could not be used at all: no
interpreter found, the radar input cannot be pickled, the interpreter does not start, or a worker
died or failed in its initializer before the first tile came back. With ``fallback`` (an executor,
e.g. a ThreadExecutor) the whole run then goes to the fallback, saying so in the progress message
and the log; after the first tile, a worker's failure is a Palsar2Error naming the cause.
"""

from __future__ import annotations

import logging
import os
import pickle
import runpy
import sys
import tempfile
import threading
import time
import types
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from typing import Dict, Iterator, Optional

from ..errors import Palsar2Error
from ..progress import check_cancelled, report
from .executors import TileExecutor
from .stage_times import StageTimes, stage

LOG = logging.getLogger("palsar2_plugin")

_SPAWN_LOCK = threading.Lock()


class WorkerStartError(Palsar2Error):
    """The worker processes could not be started or died before computing a tile."""


# ----------------------------------------------------------------------------- in the worker
_STATE: Dict[str, object] = {}

#: GDAL's block cache in a worker (bytes): it only reads DEM windows, a few MB per tile with its
#: halo, and each worker has its own cache, so far less than a whole run's (gdal_cache).
WORKER_BLOCK_CACHE_BYTES = 64 * 2**20


def peak_rss_mib() -> Optional[float]:
    """This process's peak resident memory (MiB): VmHWM where /proc exists, else ru_maxrss of a
    spawned process (no memory inherited through fork), None where neither is available."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    try:
        import resource
    except ImportError:          # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024.0      # bytes on macOS, KiB elsewhere


def init_worker(payload_path: str, compiled_enabled: bool) -> None:
    """The pool's initializer (after :mod:`..scale.worker_setup`): unpickle the plan and radar
    input from ``payload_path``, open the DEM, bound GDAL's cache (:data:`WORKER_BLOCK_CACHE_BYTES`). A failure is kept and raised by every task (an
    initializer's own exception would only break the pool without saying why)."""
    try:
        from .. import compiled
        from ..gdal_cache import bounded_block_cache
        from .dem import DemSource
        from .workspace import Workspace

        if not compiled_enabled:
            compiled.disable()
        with open(payload_path, "rb") as f:
            plan, radar = pickle.load(f)
        cache = bounded_block_cache(WORKER_BLOCK_CACHE_BYTES)
        cache.__enter__()                       # for the life of the worker
        _STATE.update(plan=plan, radar=radar, dem=DemSource(plan.dem_path, plan.height_reference),
                      workspace=Workspace(), cache=cache)
    except Exception as exc:  # noqa: BLE001 - reported by the first task, with its cause
        _STATE["error"] = f"{type(exc).__name__}: {exc}"


def compute_tile(index: int):
    """Tile ``index`` of the worker's plan: (index, layers, {stage: CPU seconds}, peak RSS MiB, pid)."""
    from .tile import correct_tile

    if "error" in _STATE:
        raise WorkerStartError(f"a worker process could not start: {_STATE['error']}")
    plan = _STATE["plan"]
    times = StageTimes()
    layers = correct_tile(plan, plan.tiles[index], _STATE["dem"], _STATE["radar"], None, times, _STATE["workspace"])
    return index, layers, times.seconds(), peak_rss_mib(), os.getpid()


def ready() -> int:
    """A task that only says the worker started (start-up measurements); its pid, after 0.05 s so
    that the tasks submitted together spread over the workers."""
    if "error" in _STATE:
        raise WorkerStartError(f"a worker process could not start: {_STATE['error']}")
    time.sleep(0.05)
    return os.getpid()


# ----------------------------------------------------------------------------- in the parent
@contextmanager
def _spawning(context, python: str) -> Iterator[None]:
    """Processes spawned inside the block start with ``python`` and do not run the caller's main
    script. CPython keeps a context's executable process-wide (multiprocessing.spawn), so it is set
    for the block only and given back after; the pool is made (POSIX: its locks may start
    multiprocessing's resource tracker) and spawns its processes (while tiles are submitted) inside
    such blocks.

    A spawned process normally runs the parent's ``__main__`` script again (as ``__mp_main__``),
    which re-runs everything a script without an ``if __name__ == "__main__":`` guard does (reading,
    downloading, writing) once per worker. The workers need only the plugin's code, so ``__main__``
    is replaced by an empty module while they are spawned (inside QGIS it has no file and nothing
    is replaced); an input defined in the script itself then cannot be unpickled by the workers,
    which is a :class:`WorkerStartError` (the default executor falls back to threads)."""
    from multiprocessing import spawn

    with _SPAWN_LOCK:
        saved = spawn.get_executable()
        main = sys.modules.get("__main__")
        rerun = main is not None and bool(getattr(getattr(main, "__spec__", None), "name", None)
                                           or getattr(main, "__file__", None))
        context.set_executable(python)
        if rerun:
            sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if rerun:
                sys.modules["__main__"] = main
            context.set_executable(saved)


_CHECKED = set()


def check_interpreter(python: str) -> None:
    """Raise WorkerStartError unless ``python`` runs and is this Python version (asked once per
    path and process, ~30 ms). Needed before spawning: multiprocessing does not notice a program
    that cannot be executed, and then blocks writing a large start-up message to it."""
    if python in _CHECKED:
        return
    import subprocess

    want = "%d.%d" % sys.version_info[:2]
    try:
        done = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise WorkerStartError(f"{python} cannot be started ({exc})") from exc
    if done.returncode != 0 or done.stdout.strip() != want:
        raise WorkerStartError(f"{python} is not a Python {want} interpreter (exit status {done.returncode}, "
                               f"printed {done.stdout.strip()[:80]!r})")
    _CHECKED.add(python)


def start_pool(workers: int, plan, radar, python: Optional[str] = None):
    """A ProcessPoolExecutor of ``workers`` spawned processes initialised with ``plan`` and
    ``radar`` (its ``detached()`` form when it has one: a SceneRadarInput's calibrated files), its
    multiprocessing context, the interpreter they start with (processes spawned
    while submitting are to be inside ``_spawning(context, python)``) and the file holding
    the plan and radar input (to be removed after the pool's shutdown). Raises WorkerStartError when no interpreter is
    found or does not run (:func:`check_interpreter`) or the inputs cannot be pickled; the processes
    themselves start at the first submits."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from .. import compiled
    from ..dependencies import python_for_workers

    python = python or python_for_workers()
    if not python:
        raise WorkerStartError(f"no Python interpreter for worker processes was found beside {sys.executable} "
                               f"(looked in {sys.exec_prefix})")
    check_interpreter(python)
    if hasattr(radar, "detached"):       # a SceneRadarInput: its calibrated files, not the opened product
        radar = radar.detached()
    try:
        payload = pickle.dumps((plan, radar), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - e.g. a radar input defined inside a function
        raise WorkerStartError(f"the radar input cannot be sent to worker processes ({type(exc).__name__}: "
                               f"{exc})") from exc
    # through a file, not the pool's initargs: multiprocessing writes those to each new process
    # through a pipe, and blocks for ever when the process died before reading them all
    handle, payload_path = tempfile.mkstemp(prefix="palsar2-run-", suffix=".pickle")
    with os.fdopen(handle, "wb") as f:
        f.write(payload)
    del payload
    package = __name__.split(".")[0]
    root = list(sys.modules[package].__path__)[0]
    setup = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scale", "worker_setup.py")
    start = (package, root, __name__, "init_worker", (payload_path, compiled.enabled()))
    context = multiprocessing.get_context("spawn")
    with _spawning(context, python):     # its queues' locks may start multiprocessing's resource tracker
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=runpy.run_path,
                                   initargs=(setup, {"PALSAR2_WORKER": start}))
    return pool, context, python, payload_path


class ProcessExecutor(TileExecutor):
    """Tiles in ``workers`` worker processes (see the module docstring); ``python``: their
    interpreter (default :func:`..dependencies.python_for_workers`); ``fallback``: the executor
    that runs the whole run instead when the processes cannot start (None: raise WorkerStartError).

    After a run, ``facts`` holds ``executor`` (what ran the tiles), ``worker_peak_rss_mib`` (each
    worker's peak resident memory, MiB, where the platform tells) and ``worker_start_s`` (wall
    seconds from creating the pool to the first tile back)."""

    def __init__(self, workers: int = 2, python: Optional[str] = None, fallback: Optional[TileExecutor] = None):
        self.workers = max(1, int(workers))
        self.python = python
        self.fallback = fallback
        self.facts: Dict[str, object] = {}

    def run(self, plan, radar, write, progress=None, is_cancelled=None, times=None) -> None:
        try:
            self._run(plan, radar, write, progress, is_cancelled, times)
        except WorkerStartError as exc:
            if self.fallback is None:
                raise
            message = (f"Worker processes could not be used ({exc}); computing the tiles in threads of this "
                       "process instead")
            LOG.warning(message)
            report(progress, 0.0, message)
            self.facts = {"executor": f"threads (worker processes failed: {exc})"}
            self.fallback.run(plan, radar, write, progress, is_cancelled, times)

    def _run(self, plan, radar, write, progress, is_cancelled, times) -> None:
        from concurrent.futures.process import BrokenProcessPool

        tiles, workers = plan.tiles, self.workers
        n, done = len(tiles), 0
        peaks: Dict[int, float] = {}
        started = time.perf_counter()
        pool, context, python, payload_path = start_pool(workers, plan, radar, self.python)
        self.facts = {"executor": f"{workers} worker processes ({python})"}
        pending = set()
        upcoming = iter(range(n))

        def submit() -> None:
            index = next(upcoming, None)
            if index is not None:
                try:
                    with _spawning(context, python):
                        pending.add(pool.submit(compute_tile, index))
                except OSError as exc:        # the interpreter cannot be started
                    raise WorkerStartError(f"{python} cannot be started ({exc})") from exc

        try:
            try:
                for _ in range(min(n, 2 * workers)):
                    submit()
                while pending:
                    finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    check_cancelled(is_cancelled)
                    for fut in finished:
                        pending.discard(fut)
                        index, layers, seconds, peak, pid = fut.result()
                        if done == 0:
                            self.facts["worker_start_s"] = round(time.perf_counter() - started, 2)
                        with stage(times, "writing tiles"):
                            write(layers, tiles[index])
                        if times is not None:
                            times.add(seconds)
                        if peak is not None:
                            peaks[pid] = max(peak, peaks.get(pid, 0.0))
                        done += 1
                        report(progress, done / n, f"Tile {done}/{n} ({workers} processes)")
                        check_cancelled(is_cancelled)
                        submit()
            except (BrokenProcessPool, WorkerStartError) as exc:
                cause = str(exc) or type(exc).__name__
                if done == 0:
                    raise WorkerStartError(cause) from exc
                raise Palsar2Error(f"A worker process of the terrain correction died after {done} of {n} tiles "
                                   f"({cause}); no product was written. Check free memory and run again, or use "
                                   "fewer workers.") from exc
            except Palsar2Error:
                raise
            except Exception as exc:  # noqa: BLE001 - a tile failed in a worker: its cause for the user
                raise Palsar2Error(f"Terrain correction failed in a worker process ({type(exc).__name__}: {exc}); "
                                   "no product was written.") from exc
        finally:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            _remove(payload_path)
            self.facts["worker_peak_rss_mib"] = [round(p, 1) for p in peaks.values()]


def measure_start(workers: int, plan, radar, python: Optional[str] = None) -> float:
    """Wall seconds to start ``workers`` worker processes initialised with ``plan`` and ``radar``
    until each answered one task (benchmarks)."""
    started = time.perf_counter()
    pool, context, python, payload_path = start_pool(workers, plan, radar, python)
    try:
        with _spawning(context, python):
            futures = [pool.submit(ready) for _ in range(workers)]
        pids = {fut.result() for fut in futures}
        while len(pids) < workers and time.perf_counter() - started < 60:   # one worker may have answered both
            pids.add(pool.submit(ready).result())
        return time.perf_counter() - started
    finally:
        pool.shutdown(wait=True)
        _remove(payload_path)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
