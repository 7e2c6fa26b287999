"""Optional compiled multilook kernel (numba), used by ``image.multilook_intensity`` when available.

One pass over the stored bytes of a block of line records, read in place (a flat view of 32-bit
words for complex float32, 16-bit for L1.5 amplitudes, from the first sample to the last; the line
prefixes are stepped over, nothing is copied): byte swap, square and azimuth sum in one
vectorised loop per line, then range sum per output pixel, with the GIL released (``nogil``), so the thread
pool of ``iter_multilooked_intensity(..., workers=N)`` scales over N cores.

Arithmetic is float32 throughout, in the same order as the numpy path (per component: the
``looks_az`` lines summed top to bottom; then per output pixel I^2 then Q^2 of each pixel, left to
right; finally times float32(1 / (looks_az * looks_rg))), so both paths give the same float32
numbers (the tests allow float32 rounding in case a compiler contracts a multiply-add).

``AVAILABLE`` is False when numba does not import (QGIS on Windows/macOS) or when the environment
variable ``PALSAR2_NO_NUMBA`` is set to a non-empty value other than ``0``; callers then use numpy.
Nothing is compiled until first use (about 2 s for all sample kinds); the machine code is cached on
disk for later processes (:mod:`..numba_cache`, 0.3 s to load). A numba error while compiling or
running switches the kernel off for the process (numpy then).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from typing import Optional

import numpy as np

#: Sample kinds the kernel handles: complex float32 (I, Q) and unsigned 16-bit amplitude (DN).
COMPLEX_FLOAT32 = 0
AMPLITUDE_UINT16 = 1


def _numba_found() -> bool:
    """numba is installed and not switched off by PALSAR2_NO_NUMBA (it is imported only on first use,
    so importing this module stays cheap for QGIS's start-up)."""
    if os.environ.get("PALSAR2_NO_NUMBA", "") not in ("", "0"):
        return False
    try:
        return importlib.util.find_spec("numba") is not None
    except Exception:                                        # a broken installation
        return False


AVAILABLE = _numba_found()
_compiled = None                                             # the njit dispatcher, once built
_build_state = "not built"                                   # -> "built" or "failed"
_build_lock = threading.Lock()
types = None                                                 # numba.types, once imported


class NumbaError(Exception):
    """Stand-in until numba is imported (then numba's own error class)."""


#: Values of a line handled at a time (16 KB of float32 sums: stays in the L1 cache over the looks).
_PIECE_VALUES = 4096


def _bits_as_float32(typingctx, word):
    """The float32 whose bit pattern is the uint32 ``word`` (a numba intrinsic: one LLVM bitcast)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float32))
    return types.float32(types.uint32), codegen


def _add_squares_swapped(acc, stored):
    """acc += x**2 (float32) where x is the float32 stored big-endian (bytes reversed) in stored[k]."""
    for k in range(acc.shape[0]):
        u = stored[k]
        u = ((u >> np.uint32(24)) | ((u >> np.uint32(8)) & np.uint32(0xFF00))
             | ((u << np.uint32(8)) & np.uint32(0xFF0000)) | (u << np.uint32(24)))
        v = _bits_as_float32(u)
        acc[k] += v * v


def _add_squares_native(acc, stored):
    """acc += x**2 (float32) where x is the float32 stored in native order in stored[k]."""
    for k in range(acc.shape[0]):
        v = _bits_as_float32(stored[k])
        acc[k] += v * v


def _add_squared_amplitudes(acc, stored, swap):
    """acc += float32(DN)**2 for uint16 DN, bytes reversed first when ``swap``."""
    for k in range(acc.shape[0]):
        u = np.uint32(stored[k])
        if swap:
            u = ((u >> np.uint32(8)) | (u << np.uint32(8))) & np.uint32(0xFFFF)
        v = np.float32(u)
        acc[k] += v * v


def _multilook_words(words, row_stride, kind, swap, looks_az, looks_rg, out):
    """Multilooked power of the samples in ``words`` into ``out`` (float32, (lines // looks_az, pixels // looks_rg)).

    ``words``: 1-D contiguous uint32 (complex float32: I, Q words) or uint16 (amplitude DN) over
    the stored bytes of the block, line ``r`` starting at word ``r * row_stride`` (the records'
    prefixes lie between the lines and are never read); ``kind``: COMPLEX_FLOAT32 or
    AMPLITUDE_UINT16; ``swap``: True when the stored byte order is not the machine's.
    """
    na, nr = out.shape
    comps = 2 if kind == COMPLEX_FLOAT32 else 1
    width = nr * looks_rg * comps                            # values per line
    acc = np.empty(width, dtype=np.float32)
    group = looks_rg * comps
    scale = np.float32(1.0) / np.float32(looks_az * looks_rg)
    # range pieces of whole windows, so a piece's azimuth sums stay in the L1 cache
    piece = max(group, (_PIECE_VALUES // group) * group)
    for i in range(na):
        acc[:] = np.float32(0.0)
        for c0 in range(0, width, piece):
            c1 = min(width, c0 + piece)
            part = acc[c0:c1]
            for a in range(looks_az):
                base = (i * looks_az + a) * row_stride
                stored = words[base + c0:base + c1]
                if kind == COMPLEX_FLOAT32:
                    if swap:
                        _add_squares_swapped(part, stored)
                    else:
                        _add_squares_native(part, stored)
                else:
                    _add_squared_amplitudes(part, stored, swap)
        row = out[i]
        for j in range(nr):
            first = j * group
            s = acc[first]
            for c in range(1, group):
                s += acc[first + c]
            row[j] = s * scale

def _kernel():
    """The compiled kernel's dispatcher (numba imported and the functions wrapped on first call; the
    machine code is made per argument types on the dispatcher's first call), or None."""
    global _compiled, _build_state, types, NumbaError
    global _bits_as_float32, _add_squares_swapped, _add_squares_native, _add_squared_amplitudes
    if _build_state == "not built" and AVAILABLE:
        with _build_lock:
            if _build_state == "not built":
                try:
                    import numba
                    from numba.core.errors import NumbaError as numba_error
                    from numba.extending import intrinsic
                    types = numba.types
                    from ..numba_cache import njit_cached

                    def jit(function):
                        return njit_cached(function, __name__, nogil=True)
                    _bits_as_float32 = intrinsic(_bits_as_float32)
                    _add_squares_swapped, _add_squares_native, _add_squared_amplitudes = (
                        jit(f) for f in (_add_squares_swapped, _add_squares_native, _add_squared_amplitudes))
                    _compiled = jit(_multilook_words)
                    NumbaError = numba_error
                    _build_state = "built"
                except Exception:                            # numba present but unusable here
                    _compiled, _build_state = None, "failed"
    return _compiled


def multilook_raw(block: np.ndarray, looks_az: int, looks_rg: int) -> Optional[np.ndarray]:
    """Multilooked float32 power of ``block`` by the compiled kernel, or None when it cannot be used.

    ``block``: (lines, pixels) complex64 or uint16, either byte order, with contiguous pixels along
    each line (rows may be strided, as in a memory-mapped records' ``samples`` field; no copy is
    made). Same contract as ``image.multilook_intensity``: incomplete last windows dropped.
    None when numba is unavailable or disabled, or for other sample types/layouts.
    """
    global _compiled
    kernel = _kernel()
    if kernel is None or block.ndim != 2:
        return None
    dt = block.dtype
    if dt.kind == "c" and dt.itemsize == 8:
        kind = COMPLEX_FLOAT32
    elif dt.kind == "u" and dt.itemsize == 2:
        kind = AMPLITUDE_UINT16
    else:
        return None
    n, m = block.shape
    out = np.empty((n // looks_az, m // looks_rg), dtype=np.float32)
    if out.size == 0:
        return out
    word = np.dtype(np.uint32 if kind == COMPLEX_FLOAT32 else np.uint16)
    if block.strides[1] != dt.itemsize or block.strides[0] <= 0 or block.strides[0] % word.itemsize:
        return None
    n_used = out.shape[0] * looks_az
    row_stride = block.strides[0] // word.itemsize
    # one flat, contiguous view over the bytes from the first sample to the last (no copy)
    span = (n_used - 1) * row_stride + m * dt.itemsize // word.itemsize
    words = np.lib.stride_tricks.as_strided(block.view(word), shape=(span,), strides=(word.itemsize,),
                                            writeable=False)   # read-only always: one compiled signature
    try:
        kernel(words, row_stride, kind, not dt.isnative, looks_az, looks_rg, out)
    except NumbaError:                                       # e.g. an LLVM problem on this machine
        _compiled = None
        return None
    return out
