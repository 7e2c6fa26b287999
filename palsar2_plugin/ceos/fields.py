"""Declarative CEOS record layouts: one table drives both parsing and writing.

A :class:`Field` names one value of a record by its **1-based, inclusive** byte offset (as in
JAXA's format document and ``docs/ceos_format.md``) and a format code:

``An``      ASCII text, n bytes, left-justified and blank-padded (``justify="right"`` for the few
            right-justified texts). Decoded to ``str`` with trailing/leading blanks removed.
``In``      ASCII integer, right-justified, blank-padded. Decoded to ``int``; blank -> ``None``.
``Fn.d``    ASCII fixed-point float, right-justified, d decimals. Decoded to ``float``; blank -> ``None``.
``En.d``    ASCII exponent float (``1.2345E+06``), right-justified. Decoded like ``Fn.d``.
``Bn``      big-endian binary integer of n = 1, 2, 4 or 8 bytes, unsigned unless ``signed=True``.

``count`` > 1 makes a repeated field (a tuple of values) whose k-th element starts ``step`` bytes
after the previous one (``step`` defaults to the field width). A text or blank in a numeric ASCII
field raises :class:`~..errors.CeosFormatError` naming the file, record and byte offset (0-based,
in the file).
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from ..errors import CeosFormatError

_FORMAT = re.compile(r"^([AIFEB])(\d+)(?:\.(\d+))?$")
_BINARY = {1: "B", 2: "H", 4: "I", 8: "Q"}
#: Size of the common record header (sequence number, 4 codes, record length).
HEADER_BYTES = 12


@dataclass(frozen=True)
class Field:
    """One value (or a run of ``count`` values) of a record. ``offset`` is 1-based as in the notes."""

    offset: int
    fmt: str
    name: str
    unit: str = ""
    count: int = 1
    step: Optional[int] = None
    signed: bool = False
    justify: str = "left"

    @cached_property
    def kind(self) -> str:
        return self.fmt[0]

    @cached_property
    def width(self) -> int:
        return int(_FORMAT.match(self.fmt).group(2))

    @cached_property
    def decimals(self) -> int:
        d = _FORMAT.match(self.fmt).group(3)
        return int(d) if d is not None else 7

    @cached_property
    def stride(self) -> int:
        return self.step if self.step is not None else self.width

    @cached_property
    def end(self) -> int:
        """0-based exclusive end offset of the last repetition."""
        return self.offset - 1 + (self.count - 1) * self.stride + self.width

    @cached_property
    def _positions(self) -> Tuple[int, ...]:
        return tuple(self.offset - 1 + k * self.stride for k in range(self.count))

    def positions(self) -> Iterable[int]:
        """0-based start offsets of each repetition within the record."""
        return self._positions

    # --- decoding -----------------------------------------------------------------------
    def decode_one(self, raw: bytes, where) -> Any:
        kind = self.kind
        if kind == "B":
            return int.from_bytes(raw, "big", signed=self.signed)
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            if kind == "A":
                return raw.decode("latin-1").strip()
            raise where(f"non-ASCII bytes in numeric field {self.name!r} ({self.fmt})")
        if kind == "A":
            return text.strip()
        stripped = text.strip()
        if not stripped:
            return None
        try:
            if kind == "I":
                return int(stripped)
            return float(stripped)
        except ValueError:
            raise where(f"field {self.name!r} ({self.fmt}) holds {stripped!r}, not a number") from None

    # --- encoding -----------------------------------------------------------------------
    def encode_one(self, value: Any) -> bytes:
        """Bytes of one value formatted exactly as the notes say (``None`` -> blanks / zero)."""
        width, kind = self.width, self.kind
        if kind == "B":
            value = 0 if value is None else int(value)
            return value.to_bytes(width, "big", signed=self.signed)
        if value is None:
            return b" " * width
        if kind == "A":
            text = str(value)
            text = text.rjust(width) if self.justify == "right" else text.ljust(width)
        elif kind == "I":
            text = f"{int(value):>{width}d}"
        elif kind == "F":
            v = float(value)
            text = f"{v:>{width}.{self.decimals}f}" if math.isfinite(v) else f"{'NAN':>{width}}"
            if len(text) > width:  # too large for fixed point: fall back to the widest precision
                text = f"{v:>{width}.{max(0, width - len(str(int(abs(v)))) - 3)}f}"
        else:  # E
            v = float(value)
            text = f"{v:>{width}.{self.decimals}E}"
        raw = text.encode("ascii", "replace")
        if len(raw) != width:
            raise ValueError(f"value {value!r} does not fit field {self.name!r} ({self.fmt})")
        return raw


class Layout:
    """The fields of one record type, plus its header codes and length (``None`` = variable)."""

    def __init__(self, name: str, codes: Optional[Tuple[int, int, int, int]], length: Optional[int],
                 fields: Iterable[Field], fill: bytes = b" "):
        self.name = name
        self.fill = fill
        self.codes = codes
        self.length = length
        self.fields: Tuple[Field, ...] = tuple(fields)
        self.by_name: Dict[str, Field] = {f.name: f for f in self.fields}
        for f in self.fields:
            if not _FORMAT.match(f.fmt):
                raise ValueError(f"{name}: bad format {f.fmt!r} of {f.name}")
            if length is not None and f.end > length:
                raise ValueError(f"{name}: field {f.name} ends beyond the record ({f.end} > {length})")
        if len(self.by_name) != len(self.fields):
            raise ValueError(f"{name}: duplicate field names")
        self.min_length: int = max((f.end for f in self.fields), default=HEADER_BYTES)

    def parse(self, record: bytes, path: Optional[str] = None, file_offset: int = 0,
              check_header: bool = True) -> Dict[str, Any]:
        """Decode ``record`` (the record's bytes, header included) into {field name: value}.

        Raises CeosFormatError (file, record name, 0-based file offset) for a short record,
        wrong type codes or length, or a non-number in a numeric field.
        """
        def where_at(pos):
            def make(msg):
                return CeosFormatError(msg, path=path, record=self.name, offset=file_offset + pos)
            return make

        if len(record) < self.min_length:
            raise where_at(len(record))(f"record is truncated: {len(record)} bytes, "
                                        f"{self.name} needs at least {self.min_length}")
        if check_header and self.codes is not None:
            check_header_codes(record, self, path, file_offset)
        out: Dict[str, Any] = {}
        for f in self.fields:
            w = f.width
            if f.count == 1:
                pos = f.offset - 1
                out[f.name] = f.decode_one(record[pos:pos + w], where_at(pos))
            else:
                out[f.name] = tuple(f.decode_one(record[pos:pos + w], where_at(pos)) for pos in f._positions)
        return out

    def build(self, values: Mapping[str, Any], sequence: int = 1, length: Optional[int] = None) -> bytes:
        """Bytes of a whole record: header (sequence number, codes, length) then the fields.

        Fields missing from ``values`` are written blank (ASCII) or zero (binary); bytes not
        covered by any field are the layout's fill (blanks; zeros in binary line prefixes).
        Unknown names raise ``KeyError`` (a programming error).
        """
        length = length or self.length
        if length is None:
            raise ValueError(f"{self.name}: record length required")
        unknown = set(values) - set(self.by_name)
        if unknown:
            raise KeyError(f"{self.name}: unknown fields {sorted(unknown)}")
        buf = bytearray(self.fill * length)
        for f in self.fields:
            v = values.get(f.name)
            if f.count == 1:
                items = [v]
            else:
                items = list(v) if v is not None else [None] * f.count
                if len(items) != f.count:
                    raise ValueError(f"{self.name}.{f.name}: {len(items)} values, {f.count} expected")
            for pos, item in zip(f.positions(), items):
                buf[pos:pos + f.width] = f.encode_one(item)
        if self.codes is not None:
            buf[0:12] = struct.pack(">IBBBBI", sequence, *self.codes, length)
        return bytes(buf)


@dataclass(frozen=True)
class RecordHeader:
    """The 12-byte header of every CEOS record. ``offset`` is 0-based in the file."""

    sequence: int
    codes: Tuple[int, int, int, int]
    length: int
    offset: int


def unpack_header(raw: bytes, offset: int) -> RecordHeader:
    seq, s1, t, s2, s3, length = struct.unpack(">IBBBBI", raw[:12])
    return RecordHeader(seq, (s1, t, s2, s3), length, offset)


def check_header_codes(record: bytes, layout: Layout, path: Optional[str], file_offset: int) -> None:
    """Raise CeosFormatError unless the record header carries ``layout``'s codes and length."""
    if len(record) < HEADER_BYTES:
        raise CeosFormatError(f"record header truncated ({len(record)} of 12 bytes)", path=path,
                              record=layout.name, offset=file_offset)
    h = unpack_header(record, file_offset)
    if h.codes != layout.codes:
        raise CeosFormatError(f"record type codes {h.codes} are not those of a {layout.name} "
                              f"{layout.codes}", path=path, record=layout.name, offset=file_offset + 4)
    if layout.length is not None and h.length != layout.length:
        raise CeosFormatError(f"record length {h.length} is not the {layout.length} bytes of a "
                              f"{layout.name}", path=path, record=layout.name, offset=file_offset + 8)
