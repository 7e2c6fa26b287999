"""numpy structured dtypes of IMG line records, built from the prefix layouts (one source of truth).

A line record = the 12-byte record header, the binary prefix fields of
:data:`~.layouts.SIGNAL_PREFIX` (L1.1, 544 bytes) or :data:`~.layouts.PROCESSED_PREFIX` (L1.5,
192 bytes), then the samples: ``'>c8'`` (big-endian complex float32 I, Q) for L1.1, ``'>u2'``
(16-bit amplitude) for L1.5. The same dtype is used to memory-map a file and to write one.
"""

from __future__ import annotations

import numpy as np

from .fields import Layout

HEADER_FIELDS = (("sequence", ">u4", 0), ("subtype1", "u1", 4), ("record_type", "u1", 5),
                 ("subtype2", "u1", 6), ("subtype3", "u1", 7), ("record_length", ">u4", 8))

SAMPLE_DTYPES = {"C*8": np.dtype(">c8"), "IU2": np.dtype(">u2")}


def _binary_format(field) -> np.dtype:
    code = {1: "u1", 2: "u2", 4: "u4", 8: "u8"}[field.width]
    if field.signed:
        code = code.replace("u", "i")
    return np.dtype((">" if field.width > 1 else "") + code)


def line_dtype(prefix_layout: Layout, prefix_bytes: int, pixels: int, sample_format: str) -> np.dtype:
    """Structured dtype of one line record: header, prefix fields by name, ``samples`` (pixels,)."""
    names, formats, offsets = [], [], []
    for name, fmt, off in HEADER_FIELDS:
        names.append(name)
        formats.append(np.dtype(fmt))
        offsets.append(off)
    for f in prefix_layout.fields:
        if f.kind != "B" or f.end > prefix_bytes:
            continue
        names.append(f.name)
        base = _binary_format(f)
        formats.append(base if f.count == 1 else np.dtype((base, (f.count,))))
        offsets.append(f.offset - 1)
    sample = SAMPLE_DTYPES[sample_format]
    names.append("samples")
    formats.append(np.dtype((sample, (pixels,))))
    offsets.append(prefix_bytes)
    return np.dtype({"names": names, "formats": formats, "offsets": offsets,
                     "itemsize": prefix_bytes + pixels * sample.itemsize})
