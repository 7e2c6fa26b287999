"""Bytes, rate and ETA of one or many transfers (thread-safe), formatted for the feedback."""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional

from ..progress import ProgressCallback, report


def format_bytes(n: float) -> str:
    """Human size with binary prefixes (KiB, MiB, GiB)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024.0 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0
    return f"{n:.1f} TiB"


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}"


class TransferMeter:
    """Counts bytes against a total (bytes, may grow as sizes become known) and reports progress.

    Rate is the average since the first byte (bytes/s); ETA = remaining / rate. Reports are
    throttled to ``interval`` seconds, except the final one.
    """

    def __init__(self, total_bytes: int = 0, progress: Optional[ProgressCallback] = None,
                 interval: float = 0.5, clock: Callable[[], float] = time.monotonic):
        self.total = int(total_bytes)
        self.done = 0
        self.progress = progress
        self.interval = interval
        self.clock = clock
        self._start = clock()
        self._last_report = -1e9
        self._lock = threading.Lock()

    def add_total(self, n: int) -> None:
        with self._lock:
            self.total += int(n)

    def add(self, n: int) -> None:
        """Record ``n`` transferred bytes (negative to roll back bytes discarded on a restart)."""
        with self._lock:
            self.done += int(n)
            now = self.clock()
            due = now - self._last_report >= self.interval
            if due:
                self._last_report = now
        if due:
            self.emit()

    def rate(self) -> float:
        elapsed = max(1e-6, self.clock() - self._start)
        return self.done / elapsed

    def eta(self) -> Optional[float]:
        r = self.rate()
        if r <= 0 or self.total <= 0:
            return None
        return max(0.0, (self.total - self.done) / r)

    def message(self) -> str:
        eta = self.eta()
        total = format_bytes(self.total) if self.total else "?"
        text = f"{format_bytes(self.done)} of {total}, {format_bytes(self.rate())}/s"
        return text + (f", ETA {format_duration(eta)}" if eta is not None else "")

    def emit(self) -> None:
        fraction = self.done / self.total if self.total else 0.0
        report(self.progress, fraction, self.message())
