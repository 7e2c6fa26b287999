"""Phase unwrapping with the optional ``snaphu`` package (snaphu-py, SNAPHU's statistical-cost
network-flow unwrapper: Chen & Zebker 2001), cost mode "smooth" (deformation of smooth surfaces
works with "defo"; "smooth" is ISCE2's choice for ALOS-2), MCF initialisation.

snaphu-py has wheels for Linux x86_64 and macOS (not Windows): ``python -m pip install snaphu``
into QGIS's Python (OSGeo4W shell on Windows has no wheel: there, unwrapping is not available).
SNAPHU's licence forbids charging for redistribution and its MCF solver is for non-commercial use.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from ..errors import Palsar2Error

INSTALL_HINT = ("Phase unwrapping needs the optional Python package 'snaphu' (snaphu-py). Install it into QGIS's "
                "Python with: python3 -m pip install snaphu (Linux x86_64 and macOS; there is no Windows build). "
                "Without it, run with UNWRAP off: the wrapped phase and coherence are still made.")


def snaphu_available() -> bool:
    try:
        import snaphu  # noqa: F401
    except Exception:  # noqa: BLE001 - missing or broken
        return False
    return True


def unwrap(interferogram: np.ndarray, coherence: np.ndarray, looks: float, mask: Optional[np.ndarray] = None,
           cost: str = "smooth") -> Tuple[np.ndarray, np.ndarray]:
    """(unwrapped phase float32 radians, connected components uint32: 0 = unreliable) of a complex
    interferogram with its coherence (0..1, NaN allowed) and equivalent looks."""
    if not snaphu_available():
        raise Palsar2Error(INSTALL_HINT)
    import snaphu

    igram = np.where(np.isfinite(interferogram), interferogram, 0).astype(np.complex64)
    corr = np.clip(np.where(np.isfinite(coherence), coherence, 0.0), 0.0, 1.0).astype(np.float32)
    valid = (np.abs(igram) > 0) & (corr > 0)
    if mask is not None:
        valid &= mask
    if valid.sum() < 4:
        raise Palsar2Error("Nothing to unwrap: the interferogram has no valid pixel.")
    unw, comp = snaphu.unwrap(igram, corr, nlooks=max(1.0, float(looks)), cost=cost, init="mcf",
                              mask=valid.astype(np.uint8))
    unw = np.asarray(unw, dtype=np.float32)
    unw[~valid] = np.nan
    return unw, np.asarray(comp, dtype=np.uint32)
