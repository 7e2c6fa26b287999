"""Where the tiles of a run are computed: this thread, a pool of threads, or elsewhere (Dask).

Every executor has one method, ``run(plan, radar, write, progress, is_cancelled, times)``: compute
every tile of ``plan`` (a :class:`.plan.RunPlan`) from ``radar`` (a RadarInput) and call
``write(layers, tile)`` for each, in any order, from the calling thread; report progress per tile
(``progress(fraction, message)``), stop with :class:`..errors.Cancelled` when ``is_cancelled()``,
add CPU seconds per stage to ``times`` (a :class:`.stage_times.StageTimes`) where it can.
:class:`ThreadExecutor` is the in-process one (``workers`` threads; the numba kernels release the
GIL); :class:`.process_executor.ProcessExecutor` runs tiles in worker processes (for the numpy
path, which holds the GIL); ``palsar2_plugin.scale.DaskExecutor`` runs tiles on a Dask cluster.
:func:`default_executor` chooses between the first two.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Callable, Optional

from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from .dem import DemSource
from .stage_times import StageTimes, stage
from .tile import correct_tile
from .workspace import WorkspacePool


class TileExecutor:
    """The interface (see the module docstring)."""

    def run(self, plan, radar, write: Callable, progress: Optional[ProgressCallback] = None,
            is_cancelled: Optional[CancelCheck] = None, times: Optional[StageTimes] = None) -> None:
        raise NotImplementedError


#: Fewest facets (output pixels x oversampling^2) per worker for which worker processes pay for
#: their start: starting two took 0.4-0.5 s on a quiet machine and up to 1.7 s under load (spawned
#: interpreters importing numpy, rasterio and the plugin, the plan unpickled), and 2 numpy threads
#: give ~1.3x one against ~2x for 2 processes, so they pay from ~2-5 s of single-thread numpy work,
#: ~4-9 M facets at ~0.5 us each (bench_rtc).
MIN_FACETS_PER_PROCESS = 4_000_000


def min_facets_per_process() -> int:
    """:data:`MIN_FACETS_PER_PROCESS`, or the environment's PALSAR2_MIN_FACETS_PER_PROCESS (an
    integer; 0 makes every numpy-path run of at least 2 tiles per worker use worker processes: for
    tests and for trying them on small runs)."""
    text = os.environ.get("PALSAR2_MIN_FACETS_PER_PROCESS", "").strip()
    try:
        return max(0, int(text)) if text else MIN_FACETS_PER_PROCESS
    except ValueError:
        return MIN_FACETS_PER_PROCESS


def default_executor(plan, workers: int) -> TileExecutor:
    """The executor :func:`.driver.terrain_correct` uses when it is given none: worker processes
    (:class:`.process_executor.ProcessExecutor`, falling back to threads when they cannot start)
    when the compiled kernels are not enabled (numba missing, ``PALSAR2_NO_NUMBA=1``), ``workers``
    > 1, the plan has at least 2 tiles per worker and :data:`MIN_FACETS_PER_PROCESS` facets per
    worker; otherwise a :class:`ThreadExecutor` of ``workers`` threads (the compiled kernels release
    the GIL, so threads use the cores without the cost of starting processes)."""
    from .. import compiled
    from .process_executor import ProcessExecutor

    workers = max(1, int(workers))
    k = plan.settings.oversampling
    facets = sum(t.shape[0] * t.shape[1] for t in plan.tiles) * k * k
    if (not compiled.enabled() and workers > 1 and len(plan.tiles) >= 2 * workers
            and facets >= min_facets_per_process() * workers):
        return ProcessExecutor(workers, fallback=ThreadExecutor(workers))
    return ThreadExecutor(workers)


class ThreadExecutor(TileExecutor):
    """Tiles in ``workers`` threads of this process (1: in the calling thread), each thread with its
    own DEM handle and scratch buffers; at most 2 x workers tiles in flight."""

    def __init__(self, workers: int = 2):
        self.workers = max(1, int(workers))
        self.facts = {"executor": f"{self.workers} threads"}

    def run(self, plan, radar, write, progress=None, is_cancelled=None, times=None) -> None:
        dem = DemSource(plan.dem_path, plan.height_reference)
        workspaces = WorkspacePool()
        lock = threading.Lock()
        stop = threading.Event()
        n = len(plan.tiles)

        def cancelled() -> bool:
            return stop.is_set() or (is_cancelled is not None and is_cancelled())

        def work(tile):
            if cancelled():
                check_cancelled(lambda: True)
            layers = correct_tile(plan, tile, dem, radar, cancelled, times, workspaces.get())
            with lock, stage(times, "writing tiles"):
                write(layers, tile)
            return tile

        try:
            if self.workers == 1:
                for done, tile in enumerate(plan.tiles, 1):
                    check_cancelled(is_cancelled)
                    work(tile)
                    report(progress, done / n, f"Tile {done}/{n}")
                return
            self._in_threads(plan.tiles, work, stop, progress, is_cancelled)
        finally:
            dem.close()

    def _in_threads(self, tiles, work, stop, progress, is_cancelled) -> None:
        n, done = len(tiles), 0
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            pending = set()
            it = iter(tiles)
            try:
                for _ in range(2 * self.workers):
                    tile = next(it, None)
                    if tile is not None:
                        pending.add(pool.submit(work, tile))
                while pending:
                    finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    if is_cancelled is not None and is_cancelled():
                        stop.set()
                    for fut in finished:
                        fut.result()
                        done += 1
                        report(progress, done / n, f"Tile {done}/{n}")
                        tile = next(it, None)
                        if tile is not None and not stop.is_set():
                            pending.add(pool.submit(work, tile))
                    check_cancelled(is_cancelled)
            except BaseException:
                stop.set()
                for fut in pending:
                    fut.cancel()
                raise
