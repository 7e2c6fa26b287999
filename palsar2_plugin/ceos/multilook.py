"""Multilooking: mean power of a block of line records over looks_az lines x looks_rg pixels.

Two forms side by side (:mod:`..compiled`): the numpy reference :func:`multilook_intensity_numpy`
(works through the block in L2-cache-sized steps) and a compiled one-pass kernel over the stored
bytes of a block of line records, read in place (a flat view of 32-bit words for complex float32,
16-bit for L1.5 amplitudes, from the first sample to the last; the line prefixes are stepped over,
nothing is copied): byte swap, square and azimuth sum in one vectorised loop per line, then range
sum per output pixel, with the GIL released, so the thread pool of
``image.iter_multilooked_intensity(..., workers=N)`` scales over N cores.

Arithmetic is float32 throughout, in the same order in both (per component: the ``looks_az``
lines summed top to bottom; then per output pixel I^2 then Q^2 of each pixel, left to right;
finally times float32(1 / (looks_az * looks_rg))), so both give the same float32 numbers (the
tests allow float32 rounding in case a compiler contracts a multiply-add).
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from ..compiled import compiled_or_numpy, intrinsic, jit

#: Float32 scratch of one multilook step: small enough to stay in the CPU's L2 cache.
_CACHE_CHUNK_BYTES = 512 * 2**10


def _power_source(block: np.ndarray) -> Tuple[np.ndarray, np.dtype, Tuple[int, ...]]:
    """How to bring ``block`` into a native float32 scratch array, one row per line.

    Returns (source view, scratch dtype, order) where ``np.copyto(scratch, source)`` followed by
    ``scratch.view(float32)`` gives the values to square, and ``order`` lists, for one pixel, the
    positions of its components in the order I, Q (complex) or just (0,) (real).

    complex64 of either byte order is copied as 8-byte words: for big-endian samples that one
    8-byte swap is numpy's fastest byte swap and leaves each sample as (Q, I) in native order
    (so ``order`` is (1, 0)); I^2 + Q^2 does not care. Other types are cast to float32 value by value.
    """
    if block.dtype.kind == "c":
        if block.dtype.itemsize == 8 and block.strides[-1] == 8:
            words = block.view(block.dtype.byteorder.replace("|", "=") + "u8")
            swapped = not block.dtype.isnative
            return words, np.dtype(np.uint64), ((1, 0) if swapped else (0, 1))
        if block.strides[-1] != block.dtype.itemsize:
            block = np.ascontiguousarray(block)
        component = np.dtype(block.dtype.byteorder.replace("|", "=") + "f" + str(block.dtype.itemsize // 2))
        return block.view(component), np.dtype(np.float32), (0, 1)
    return block, np.dtype(np.float32), (0,)


def multilook_intensity_numpy(block: np.ndarray, looks_az: int, looks_rg: int) -> np.ndarray:
    """:func:`multilook_intensity` by numpy alone (the reference; what runs without numba).

    Works through the block a few output rows at a time in an L2-cache-sized scratch array:
    byte swap (one copy), square in place, sum the ``looks_az`` lines, then the range window's
    components. Every sum is taken in the same order (lines first, then I, Q of each pixel left
    to right), so the result does not depend on the byte order or the block size."""
    if looks_az < 1 or looks_rg < 1:
        raise ValueError("looks must be >= 1")
    n, m = block.shape
    na, nr = n // looks_az, m // looks_rg
    out = np.empty((na, nr), dtype=np.float32)
    if na == 0 or nr == 0:
        return out
    source, scratch_dtype, order = _power_source(block[:na * looks_az, :nr * looks_rg])
    width = nr * looks_rg * len(order)                       # float32 values per line
    step = max(1, _CACHE_CHUNK_BYTES // (looks_az * width * 4))
    raw = np.empty((min(step, na) * looks_az, source.shape[1]), dtype=scratch_dtype)
    group = looks_rg * len(order)
    # positions within one range window, in summation order: pixel by pixel, I then Q
    positions = [p * len(order) + c for p in range(looks_rg) for c in order]
    plans = {}
    for i0 in range(0, na, step):
        i1 = min(na, i0 + step)
        k = i1 - i0
        if k not in plans:                                   # views of the scratch, made once
            plans[k] = _MultilookViews(raw, k, looks_az, width, positions, group)
        v = plans[k]
        np.copyto(v.raw, source[i0 * looks_az:i1 * looks_az], casting="unsafe")
        np.multiply(v.values, v.values, out=v.values)
        for line in v.other_lines:
            np.add(v.acc, line, out=v.acc)
        o = out[i0:i1]
        if group == 1:
            o[...] = v.acc
            continue
        np.add(v.components[0], v.components[1], out=o)
        for component in v.components[2:]:
            np.add(o, component, out=o)
    out *= np.float32(1.0 / (looks_az * looks_rg))
    return out


class _MultilookViews:
    """Views into the scratch array for a step of ``k`` output rows (made once per block, so the
    loop does not rebuild them): ``raw`` (k*looks_az lines as copied), ``values`` (float32),
    ``acc`` (first line of each window, where the azimuth sum goes), ``other_lines`` (the other
    lines of each window) and ``components`` (the range window's values in summation order)."""

    __slots__ = ("raw", "values", "acc", "other_lines", "components")

    def __init__(self, raw: np.ndarray, k: int, looks_az: int, width: int, positions, group: int):
        self.raw = raw[:k * looks_az]
        self.values = self.raw.view(np.float32)
        rows = self.values.reshape(k, looks_az, width)
        self.acc = rows[:, 0]
        self.other_lines = [rows[:, j] for j in range(1, looks_az)]
        self.components = [self.acc[:, p::group] for p in positions]


#: Sample kinds the kernel handles: complex float32 (I, Q) and unsigned 16-bit amplitude (DN).
COMPLEX_FLOAT32 = 0
AMPLITUDE_UINT16 = 1


#: Values of a line handled at a time (16 KB of float32 sums: stays in the L1 cache over the looks).
_PIECE_VALUES = 4096


@intrinsic
def _bits_as_float32(typingctx, word):
    """The float32 whose bit pattern is the uint32 ``word`` (a numba intrinsic: one LLVM bitcast)."""
    from numba import types

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float32))
    return types.float32(types.uint32), codegen


@jit(error_model="python", fastmath=False)
def _add_squares_swapped(acc, stored):
    """acc += x**2 (float32) where x is the float32 stored big-endian (bytes reversed) in stored[k]."""
    for k in range(acc.shape[0]):
        u = stored[k]
        u = ((u >> np.uint32(24)) | ((u >> np.uint32(8)) & np.uint32(0xFF00))
             | ((u << np.uint32(8)) & np.uint32(0xFF0000)) | (u << np.uint32(24)))
        v = _bits_as_float32(u)
        acc[k] += v * v


@jit(error_model="python", fastmath=False)
def _add_squares_native(acc, stored):
    """acc += x**2 (float32) where x is the float32 stored in native order in stored[k]."""
    for k in range(acc.shape[0]):
        v = _bits_as_float32(stored[k])
        acc[k] += v * v


@jit(error_model="python", fastmath=False)
def _add_squared_amplitudes(acc, stored, swap):
    """acc += float32(DN)**2 for uint16 DN, bytes reversed first when ``swap``."""
    for k in range(acc.shape[0]):
        u = np.uint32(stored[k])
        if swap:
            u = ((u >> np.uint32(8)) | (u << np.uint32(8))) & np.uint32(0xFFFF)
        v = np.float32(u)
        acc[k] += v * v


@jit(error_model="python", fastmath=False)
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

def multilook_raw(block: np.ndarray, looks_az: int, looks_rg: int) -> Optional[np.ndarray]:
    """Multilooked float32 power of ``block`` by the compiled kernel, or None when it cannot be used.

    ``block``: (lines, pixels) complex64 or uint16, either byte order, with contiguous pixels along
    each line (rows may be strided, as in a memory-mapped records' ``samples`` field; no copy is
    made). Same contract as ``image.multilook_intensity``: incomplete last windows dropped.
    None for other sample types/layouts (numba must be there: see :mod:`..compiled`).
    """
    if looks_az < 1 or looks_rg < 1:
        raise ValueError("looks must be >= 1")
    if block.ndim != 2:
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
    _multilook_words(words, row_stride, kind, not dt.isnative, looks_az, looks_rg, out)
    return out


@compiled_or_numpy(multilook_intensity_numpy)
def multilook_intensity(block: np.ndarray, looks_az: int, looks_rg: int) -> np.ndarray:
    """Mean power over ``looks_az`` lines x ``looks_rg`` pixels (pure tile function).

    ``block``: (lines, pixels) complex (any byte order; |z|^2 = I^2 + Q^2) or real amplitude
    (DN^2). Returns float32 of shape (lines // looks_az, pixels // looks_rg); an incomplete last
    window in either direction is dropped. Output pixel (i, j) covers input lines
    [i*looks_az, (i+1)*looks_az) and pixels [j*looks_rg, (j+1)*looks_rg); its centre is at input
    line i*looks_az + (looks_az-1)/2 and pixel j*looks_rg + (looks_rg-1)/2 (0-based, centres).

    When the compiled kernels are enabled (:mod:`..compiled`), complex64 and uint16 blocks go
    through the one-pass kernel (:func:`multilook_raw`, same float32 order of operations); other
    layouts, and everything without numba, through :func:`multilook_intensity_numpy`.
    """
    compiled = multilook_raw(block, looks_az, looks_rg)
    return compiled if compiled is not None else multilook_intensity_numpy(block, looks_az, looks_rg)
