"""What the benchmarks measure of their own process (Linux first, portable fallback)."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MiB). VmHWM restarts at exec; getrusage's ru_maxrss
    would also count the parent's memory inherited through fork, so it is only the fallback."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
