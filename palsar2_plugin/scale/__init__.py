"""Scale-out: batch terrain correction of many products on Dask, products read where they lie.

Plain-script use (no QGIS)::

    from palsar2_plugin.scale import ExecutionOptions, batch_terrain_correct
    batch_terrain_correct(["/data/ALOS2...-F1", "s3://bucket/path/LED-ALOS2..."], "dem.tif", "out",
                          execution=ExecutionOptions(mode=1, n_workers=2))

or ``python -m palsar2_plugin.scale --help``.
"""

from .driver import DaskExecutor, batch_terrain_correct
from .execution import (EXECUTION_NAMES, LOCAL_CLUSTER, PROCESS, REMOTE_SCHEDULER, SCHEDULER_SETTING,
                        DaskUnavailable, ExecutionOptions, dask_available, open_client)

__all__ = ["batch_terrain_correct", "DaskExecutor", "ExecutionOptions",
           "dask_available", "open_client", "DaskUnavailable", "PROCESS", "LOCAL_CLUSTER", "REMOTE_SCHEDULER",
           "EXECUTION_NAMES", "SCHEDULER_SETTING"]
