"""How the core reports progress and learns about cancellation, without knowing about QGIS.

Long functions of the core take an optional ``progress: ProgressCallback`` (called with a
fraction in [0, 1] and a short message) and an optional ``is_cancelled: CancelCheck``.
They call :func:`check_cancelled` between tiles/blocks; it raises :class:`~.errors.Cancelled`.
Functions that can find something the user must know about a result that is still written (a DEM
covering part of the scene, an implausible calibration factor) take ``warn: WarningCallback`` and
call :func:`warn`, which also logs it (logger ``palsar2_plugin``); the warning goes into the
product's metadata as well. The QGIS glue adapts ``QgsProcessingFeedback`` to these callables.
"""

from __future__ import annotations

import logging
from typing import Callable, Optional

from .errors import Cancelled

ProgressCallback = Callable[[float, str], None]
CancelCheck = Callable[[], bool]
WarningCallback = Callable[[str], None]

LOG = logging.getLogger("palsar2_plugin")


def warn(callback: Optional[WarningCallback], message: str) -> None:
    """Log ``message`` as a warning and pass it to ``callback`` (if given)."""
    LOG.warning(message)
    if callback is not None:
        callback(message)


def report(progress: Optional[ProgressCallback], fraction: float, message: str = "") -> None:
    """Call ``progress`` (if given) with ``fraction`` clipped to [0, 1]."""
    if progress is not None:
        progress(min(1.0, max(0.0, float(fraction))), message)


def check_cancelled(is_cancelled: Optional[CancelCheck]) -> None:
    """Raise :class:`Cancelled` if ``is_cancelled`` says so."""
    if is_cancelled is not None and is_cancelled():
        raise Cancelled("Cancelled by the user")


class SubProgress:
    """Maps the progress of one stage onto the range [start, stop] of a parent callback."""

    def __init__(self, parent: Optional[ProgressCallback], start: float, stop: float):
        self.parent, self.start, self.stop = parent, start, stop

    def __call__(self, fraction: float, message: str = "") -> None:
        report(self.parent, self.start + (self.stop - self.start) * fraction, message)
