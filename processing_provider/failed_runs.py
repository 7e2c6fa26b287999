"""Letting go of what QGIS keeps from a failed run of our algorithms.

When ``processAlgorithm`` raises a ``QgsProcessingException``, QGIS's SIP error handler
(``processing_exception_handler`` in python/core/core.sip.in, QGIS 3.22 to at least 3.40) takes the
Python error with ``PyErr_Fetch`` and never releases it. The traceback keeps the frames of the run
alive - ours, those of QGIS's processing framework and the caller's, through ``f_back`` - and with
their local variables the run's parameters, including any layer object passed in. A layer owned by
Python then lives until the interpreter exits and is freed after ``QgsApplication.exitQgis()``,
where GDAL crashes (seen as SIGSEGV in GDALClose at exit).

:func:`releasing` wraps ``processAlgorithm`` (``Palsar2Algorithm`` does it for every algorithm): it
remembers the traceback of a ``QgsProcessingException`` on its way out, and :func:`release` -
called at the start of the next run and when the plugin unloads - clears the local variables of
those frames once they have finished, so that what they held is freed as it would have been
without the leak. Frames still running are left alone and tried again later.
"""

from __future__ import annotations

import functools
import threading
from types import FrameType, TracebackType
from typing import Iterator, List

from qgis.core import QgsProcessingException

_lock = threading.Lock()
_pending: List[TracebackType] = []


def _frames(tb: TracebackType) -> Iterator[FrameType]:
    """The frames of a traceback, innermost last, then their callers outwards (``f_back``)."""
    head = tb.tb_frame
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next
    caller = head.f_back
    while caller is not None:
        yield caller
        caller = caller.f_back


def _clear(tb: TracebackType):
    """Clear the finished frames of ``tb`` and of its callers, outwards until one still runs.
    Returns (frames cleared, whether all were finished)."""
    cleared = 0
    for frame in _frames(tb):
        try:
            frame.clear()
        except RuntimeError:            # still executing (the run's caller goes on): later
            return cleared, False
        cleared += 1
    return cleared, True


def release() -> int:
    """Clear the frames kept by earlier failed runs; returns how many frames were cleared. Runs
    whose outer callers still execute stay listed and are gone over again next time."""
    with _lock:
        pending = list(_pending)
        _pending.clear()
    total = 0
    keep = []
    for tb in pending:
        cleared, finished = _clear(tb)
        total += cleared
        if not finished:
            keep.append(tb)
    if keep:
        with _lock:
            _pending.extend(keep)
    return total


def releasing(process):
    """Wrap a ``processAlgorithm`` as described in the module docstring."""
    @functools.wraps(process)
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        release()
        try:
            return process(self, parameters, context, feedback)
        except QgsProcessingException as error:
            with _lock:
                _pending.append(error.__traceback__)
            raise
    processAlgorithm.releases_failed_runs = True
    return processAlgorithm
