"""Block-wise access to IMG line records and multilooking, never holding a whole file.

L1.1 samples are big-endian complex float32 (I, Q) behind a 544-byte prefix; L1.5 samples are
16-bit unsigned amplitudes (DN) behind a 192-byte prefix. Local files (and uncompressed zip
members) are memory-mapped with a structured dtype (``linerecords.line_dtype``); compressed zip
members are streamed. Every block's record headers are checked (type code, length, sequence).

Intensity is |z|^2 = I^2 + Q^2 for L1.1 and DN^2 for L1.5 (power, uncalibrated; see
``palsar2_plugin.radiometry`` for sigma0/beta0/gamma0). Multilooking reads each mapped block once,
in L2-cache-sized steps; ``iter_multilooked_intensity(..., workers=N)`` spreads blocks over threads.
Multilooking itself (numpy, or one compiled pass without the GIL when numba is there): :mod:`.multilook`.
Throughput against a plain read of the same file: ``bench/bench_ceos_read.py``.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import Callable, Deque, Iterator, Optional, Sequence, Tuple

import numpy as np

from ..errors import CeosFormatError
from ..progress import CancelCheck, ProgressCallback, check_cancelled, report
from . import layouts as L
from .files import ProductFile, product_file_from_display
from .linerecords import line_dtype
from .multilook import multilook_intensity, multilook_intensity_numpy  # noqa: F401 - the image's multilook
from .scene import BeamImage

DEFAULT_BLOCK_BYTES = 64 * 2**20


class ImageReader:
    """Line-record access to one IMG file (``BeamImage``). Use as a context manager or call close()."""

    def __init__(self, image: BeamImage, source: Optional[ProductFile] = None):
        self.image = image
        self.source = source or product_file_from_display(image.path)
        layout = L.SIGNAL_PREFIX if image.sample_format == "C*8" else L.PROCESSED_PREFIX
        self.codes = layout.codes
        self.dtype = line_dtype(layout, image.prefix_bytes, image.pixels, image.sample_format)
        if self.dtype.itemsize != image.record_length:
            raise CeosFormatError(f"record length {image.record_length} does not match {image.pixels} pixels",
                                  path=image.path, record="image file descriptor", offset=186)
        needed = L.FDR_LENGTH + image.lines * image.record_length
        if self.source.size < needed:
            raise CeosFormatError(f"image file holds {max(0, self.source.size - L.FDR_LENGTH) // image.record_length}"
                                  f" of {image.lines} line records (cut or incomplete download)",
                                  path=image.path, record="line records", offset=self.source.size)
        self._path = self.source.mappable_path
        self._stream = None
        self._stream_pos = 0

    @property
    def is_mapped(self) -> bool:
        """True when blocks are memory-mapped (local file or stored zip member); then
        :meth:`records` may be called from several threads at once."""
        return self._path is not None

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def records(self, start: int, stop: int) -> np.ndarray:
        """Structured records of 0-based lines [start, stop): header, prefix fields, ``samples``.

        A memory map of just these records for local files and stored zip members (no copy; the
        mapping is released with the returned array, so resident memory stays bounded by the
        blocks in use), a fresh array for compressed zip members. The record headers are checked.
        """
        start, stop = max(0, start), min(self.image.lines, stop)
        if stop <= start:
            return np.zeros(0, dtype=self.dtype)
        if self._path is not None:
            rec = np.memmap(self._path, dtype=self.dtype, mode="r", shape=(stop - start,),
                            offset=self.source.data_offset + L.FDR_LENGTH + start * self.image.record_length)
        else:
            rec = self._read_stream(start, stop)
        self._check(rec, start)
        return rec

    def _read_stream(self, start: int, stop: int) -> np.ndarray:
        """Records [start, stop) of a compressed zip member, read sequentially (forward seeks
        decompress and skip; a backward request reopens the member)."""
        reclen = self.image.record_length
        want = L.FDR_LENGTH + start * reclen
        if self._stream is None or self._stream_pos > want:
            if self._stream is not None:
                self._stream.close()
            self._stream = self.source.open_stream()
            self._stream_pos = 0
        if want > self._stream_pos:
            self._stream.seek(want)
            self._stream_pos = want
        raw = self._stream.read((stop - start) * reclen)
        self._stream_pos += len(raw)
        if len(raw) < (stop - start) * reclen:
            raise CeosFormatError("image file ends inside a line record", path=self.image.path,
                                  record=f"line {start + len(raw) // reclen + 1}", offset=want + len(raw))
        return np.frombuffer(raw, dtype=self.dtype)

    def _check(self, rec: np.ndarray, start: int) -> None:
        if rec.size == 0:
            return
        codes_ok = ((rec["subtype1"] == self.codes[0]) & (rec["record_type"] == self.codes[1])
                    & (rec["subtype2"] == self.codes[2]) & (rec["subtype3"] == self.codes[3]))
        ok = codes_ok & (rec["record_length"] == self.image.record_length) & \
            (rec["sequence"] == np.arange(start + 2, start + 2 + rec.size, dtype=np.uint64))
        if not ok.all():
            k = int(np.argmin(ok))
            line = start + k
            what = "type codes" if not codes_ok[k] else (
                "record length" if rec["record_length"][k] != self.image.record_length else "sequence number")
            raise CeosFormatError(f"line record has wrong {what}", path=self.image.path, record=f"line {line + 1}",
                                  offset=L.FDR_LENGTH + line * self.image.record_length)

    def samples(self, start: int, stop: int) -> np.ndarray:
        """Samples of lines [start, stop) as stored (big-endian '>c8' or '>u2'; a view when mapped)."""
        return self.records(start, stop)["samples"]

    def block_lines(self, multiple: int = 1, block_bytes: int = DEFAULT_BLOCK_BYTES) -> int:
        """Lines per block so a block holds about ``block_bytes``, rounded down to a multiple of ``multiple``."""
        n = max(1, block_bytes // self.image.record_length)
        return max(multiple, n - n % multiple)

    def iter_blocks(self, block_lines: Optional[int] = None, progress: Optional[ProgressCallback] = None,
                    is_cancelled: Optional[CancelCheck] = None) -> Iterator[Tuple[int, np.ndarray]]:
        """Yield (first line, samples as stored) over the whole file in blocks of ``block_lines``."""
        n = block_lines or self.block_lines()
        total = self.image.lines
        for start in range(0, total, n):
            check_cancelled(is_cancelled)
            yield start, self.samples(start, min(total, start + n))
            report(progress, min(total, start + n) / total, f"beam {self.image.beam} {self.image.polarisation}")


def intensity(block: np.ndarray) -> np.ndarray:
    """Power per pixel as float32: I^2 + Q^2 for complex samples, DN^2 for amplitudes."""
    if np.iscomplexobj(block):
        parts = _float_parts(block)
        return parts[..., 0::2] * parts[..., 0::2] + parts[..., 1::2] * parts[..., 1::2]
    a = block.astype(np.float32)
    return a * a


def _float_parts(block: np.ndarray) -> np.ndarray:
    """(n, 2m) native float32 array of interleaved I, Q (one copy, byte-swapped when needed)."""
    component = np.dtype(block.dtype.byteorder.replace("|", "=") + "f" + str(block.dtype.itemsize // 2))
    if block.strides[-1] != block.dtype.itemsize:
        block = np.ascontiguousarray(block)
    return block.view(component).astype(np.float32)


def iter_multilooked_intensity(image: BeamImage, looks_az: int, looks_rg: int, *,
                               block_bytes: int = DEFAULT_BLOCK_BYTES,
                               progress: Optional[ProgressCallback] = None,
                               is_cancelled: Optional[CancelCheck] = None,
                               workers: int = 1) -> Iterator[Tuple[int, np.ndarray]]:
    """Stream a beam file as multilooked intensity: yields (first output row, float32 block).

    Output rows are ``lines // looks_az``; blocks hold a whole number of azimuth windows, so the
    concatenation equals ``multilook_intensity`` of the whole image. Memory stays bounded by
    ``block_bytes`` (plus the float32 working copy), whatever the file size.

    ``workers`` > 1 multilooks that many blocks at once in threads (numpy and the numba kernel
    release the GIL); blocks are still yielded in file order with the same values, and at most
    ``workers + 1`` blocks are mapped at a time. Compressed zip members are read by one thread.
    """
    with ImageReader(image) as reader:
        n = reader.block_lines(looks_az, block_bytes)
        usable = (image.lines // looks_az) * looks_az
        starts = range(0, usable, n)

        def multilooked(start: int) -> np.ndarray:
            return multilook_intensity(reader.samples(start, min(usable, start + n)), looks_az, looks_rg)

        if workers > 1 and reader.is_mapped and len(starts) > 1:
            blocks = _ordered_thread_map(multilooked, starts, workers)
        else:
            blocks = None
        try:
            for start in starts:
                check_cancelled(is_cancelled)
                values = multilooked(start) if blocks is None else next(blocks)
                yield start // looks_az, values
                report(progress, min(usable, start + n) / max(usable, 1), f"beam {image.beam} {image.polarisation}")
        finally:
            if blocks is not None:
                blocks.close()


def _ordered_thread_map(fn: Callable[[int], np.ndarray], items: Sequence[int], workers: int) -> Iterator[np.ndarray]:
    """``fn(item)`` for each item, computed by ``workers`` threads, yielded in order; ``workers``
    calls run ahead of the consumer. Closing the generator cancels what has not started and
    waits for what has (so no thread outlives it)."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="palsar2-multilook") as pool:
        queued = iter(items)
        pending: Deque[Future] = deque(pool.submit(fn, item) for item in islice(queued, workers))
        try:
            while pending:
                result = pending.popleft().result()
                for item in islice(queued, 1):
                    pending.append(pool.submit(fn, item))
                yield result
        finally:
            for future in pending:
                future.cancel()
