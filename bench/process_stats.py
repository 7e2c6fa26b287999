"""What the benchmarks measure of their own process and its worker processes (Linux first, portable fallback)."""

from __future__ import annotations


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MiB): the plugin's own reader (VmHWM, which restarts at
    exec; getrusage's ru_maxrss, which would also count memory inherited through fork, only where
    /proc is absent), NaN where neither tells. The benchmarks put the repository on sys.path first."""
    from palsar2_plugin.rtc.process_executor import peak_rss_mib

    peak = peak_rss_mib()
    return float("nan") if peak is None else peak


def _children_by_parent() -> dict:
    """{parent pid: [child pids]} of every process (Linux /proc)."""
    import os

    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()      # after "pid (comm) ": state, ppid, ...
        children.setdefault(int(fields[1]), []).append(int(name))
    return children


def tree_rss_mb(pid: int) -> float:
    """Resident memory (MiB) of ``pid`` and all its descendants now (Linux /proc)."""
    import os

    page = os.sysconf("SC_PAGE_SIZE")
    children, total, todo = _children_by_parent(), 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * page
        except OSError:
            pass
        todo.extend(children.get(p, ()))
    return total / 2**20


class TreeRssSampler:
    """The peak over time of the summed resident memory (MiB) of this process and its descendants
    (worker processes), sampled every ``interval_s`` by a thread: what the machine must hold at
    once, unlike the sum of each process's own peak. None where /proc is absent; a spike shorter
    than the interval can be missed."""

    def __init__(self, interval_s: float = 0.2):
        self.interval_s = interval_s
        self.peak_mb = None
        self._stop = None

    def __enter__(self) -> "TreeRssSampler":
        import os
        import threading

        if not os.path.isdir("/proc/self"):
            return self
        self._stop = threading.Event()
        pid = os.getpid()

        def sample():
            while True:
                now = tree_rss_mb(pid)
                self.peak_mb = now if self.peak_mb is None else max(self.peak_mb, now)
                if self._stop.wait(self.interval_s):
                    return

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._stop is not None:
            self._stop.set()
            self._thread.join()
