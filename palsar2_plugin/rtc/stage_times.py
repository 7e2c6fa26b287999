"""CPU seconds spent per stage of the terrain correction, summed over the tile threads (and processes).

:class:`StageTimes` is handed to :func:`.tile.correct_tile`; ``with times.stage("dem"):`` adds the
calling thread's CPU time (``time.thread_time``, so waiting for the GIL or for disk does not count)
spent inside the block. The run returns the totals in ``result["timings"]["stages_cpu_s"]`` and
bench/bench_rtc.py prints them: where the time of a run goes, measured on every run at no cost.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Dict, Iterator


class StageTimes:
    """Thread-safe sums of CPU seconds per stage name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds: Dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.thread_time()
        try:
            yield
        finally:
            spent = time.thread_time() - start
            with self._lock:
                self._seconds[name] = self._seconds.get(name, 0.0) + spent

    def add(self, seconds: Dict[str, float]) -> None:
        """Add CPU seconds per stage measured elsewhere (a worker process's :meth:`seconds`)."""
        with self._lock:
            for name, spent in seconds.items():
                self._seconds[name] = self._seconds.get(name, 0.0) + spent

    def seconds(self) -> Dict[str, float]:
        """{stage: CPU seconds}, not rounded."""
        with self._lock:
            return dict(self._seconds)

    def totals(self) -> Dict[str, float]:
        """{stage: CPU seconds}, rounded to 0.1 s."""
        with self._lock:
            return {name: round(seconds, 1) for name, seconds in self._seconds.items()}


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def stage(times, name: str):
    """``times.stage(name)``, or a no-op context when ``times`` is None."""
    return times.stage(name) if times is not None else _nothing()
