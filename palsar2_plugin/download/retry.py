"""Retry policy: exponential backoff with a cap, honouring the server's Retry-After."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in total; waits ``base_delay * 2**(n-1)`` seconds (capped at ``max_delay``)
    before try n+1, or the server's Retry-After if it asks for longer (capped at ``max_retry_after``)."""

    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_retry_after: float = 300.0

    def delay(self, failures: int, retry_after: Optional[float] = None) -> float:
        """Seconds to wait after ``failures`` consecutive failures (1-based)."""
        backoff = min(self.max_delay, self.base_delay * (2 ** max(0, failures - 1)))
        if retry_after is not None:
            return max(backoff, min(self.max_retry_after, retry_after))
        return backoff


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
