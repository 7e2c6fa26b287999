"""How a batch runs: in this process, on a local Dask cluster, or on a remote Dask scheduler.

dask.distributed is optional: :func:`dask_available` says whether it imports; the Dask modes raise
:class:`DaskUnavailable` (a Palsar2Error saying what to install) when it does not.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Iterator, Optional

from ..errors import Palsar2Error

PROCESS, LOCAL_CLUSTER, REMOTE_SCHEDULER = 0, 1, 2
EXECUTION_NAMES = {PROCESS: "this process", LOCAL_CLUSTER: "local Dask cluster", REMOTE_SCHEDULER: "remote scheduler"}
SCHEDULER_SETTING = "palsar2/dask/scheduler"


class DaskUnavailable(Palsar2Error):
    """A Dask execution was asked for but dask.distributed does not import."""


def dask_available() -> bool:
    """True when dask.distributed imports."""
    try:
        import distributed  # noqa: F401
    except Exception:  # noqa: BLE001 - any failure to import means: not usable
        return False
    return True


@dataclass(frozen=True)
class ExecutionOptions:
    """``mode``: PROCESS (0), LOCAL_CLUSTER (1) or REMOTE_SCHEDULER (2). Local cluster: ``n_workers``
    processes of ``threads_per_worker`` threads, at most ``memory_limit`` each (Dask's units, e.g.
    "3GiB"). Remote: ``scheduler_address`` (e.g. tcp://10.0.0.5:8786); its workers must see the
    output folder (a shared file system) and the products (a shared path or a URL)."""

    mode: int = LOCAL_CLUSTER
    scheduler_address: str = ""
    n_workers: int = 2
    threads_per_worker: int = 1
    memory_limit: str = "3GiB"
    threads_in_process: int = 2      # tile threads when mode is PROCESS

    def check(self) -> None:
        if self.mode not in EXECUTION_NAMES:
            raise Palsar2Error(f"Unknown execution {self.mode}: use 0 (this process), 1 (local Dask cluster) or "
                               "2 (remote scheduler).")
        if self.mode != PROCESS and not dask_available():
            raise DaskUnavailable("Dask is not installed, so the local Dask cluster and remote scheduler options "
                                  "cannot run: install it (Debian/Ubuntu: apt install python3-dask "
                                  "python3-distributed; elsewhere: pip install 'dask[distributed]') or choose "
                                  "'this process'.")
        if self.mode == REMOTE_SCHEDULER and not self.scheduler_address.strip():
            raise Palsar2Error(f"No scheduler address given: enter it (e.g. tcp://host:8786) or set the QGIS setting "
                               f"{SCHEDULER_SETTING}, or choose the local Dask cluster.")


def _use_python_for_workers() -> None:
    """Start Dask's worker processes with :func:`..dependencies.python_for_workers` (inside QGIS
    ``sys.executable`` is the QGIS program, or another Python on PATH). Dask's nannies start them
    later from their own thread, so this is set on the spawn context for the rest of the session
    (CPython applies a context's ``set_executable`` process-wide); a no-op when none is found."""
    import multiprocessing

    from ..dependencies import python_for_workers

    python = python_for_workers()
    if python:
        multiprocessing.get_context("spawn").set_executable(python)


def _worker_preload() -> str:
    """Path of the preload file (worker_setup.py) after telling it, through the environment the
    worker processes inherit, under which name and from where to import the plugin's package."""
    import sys

    top = __name__.split(".")[0]
    os.environ["PALSAR2_PACKAGE_NAME"] = top
    os.environ["PALSAR2_PACKAGE_ROOT"] = list(sys.modules[top].__path__)[0]
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker_setup.py")


@contextlib.contextmanager
def open_client(options: ExecutionOptions) -> Iterator[Optional[object]]:
    """A dask.distributed Client for ``options`` (None for PROCESS); the local cluster is closed after."""
    options.check()
    if options.mode == PROCESS:
        yield None
        return
    from distributed import Client, LocalCluster

    _use_python_for_workers()
    if options.mode == REMOTE_SCHEDULER:
        try:
            client = Client(options.scheduler_address.strip(), timeout="20s")
        except OSError as exc:
            raise Palsar2Error(f"Cannot reach the Dask scheduler at {options.scheduler_address}: {exc}. Check the "
                               "address and that the scheduler runs.") from exc
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=options.n_workers, threads_per_worker=options.threads_per_worker,
                           processes=True, memory_limit=options.memory_limit, dashboard_address=None,
                           host="127.0.0.1", preload=[_worker_preload()])
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
