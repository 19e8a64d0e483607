"""Posting blocks: a list of (document, weight, value) postings as plain arrays.

whoosh 3 pickles each posting block as a tuple (weights as 9-byte floats, frequencies
again as 4-byte values) after a magic tag and a pickled header. Here a block is a
16-byte struct header (:data:`BLOCK_HEAD`) and then :func:`encode_postings` bytes:

- a flags byte: bits 0-1 the id array's type code (``B``, ``H``, ``I``), bits 2-3 the
  weight array's (none: every weight is 1; ``B``, ``H``; 3: 4-byte floats),
  ``0x10`` values of a fixed size, ``0x20`` values of any size, ``0x40`` the rest
  zlib-compressed (when that pays);
- the first id (4 bytes), then the deltas between ids, then the weights, all
  little-endian arrays of the smallest type that holds them;
- the values, if any: of a fixed size one after the other; else each as a varint
  length and its bytes (whoosh passes bytes, e.g. a field's encoded positions).
"""
from __future__ import annotations

import struct
import zlib
from array import array
from itertools import accumulate
from typing import Optional, Sequence, Tuple

from whoosh.util.numeric import length_to_byte

from .arrays import from_le, le_bytes
from .varint import get_varint, put_varint

# byte length of the data (negative for a term's last block), postings, last id,
# max weight, encoding flags, min and max field length (whoosh's length bytes)
BLOCK_HEAD = struct.Struct("<iHIfBBB")

_ID_CODES = "BHI"
_WEIGHT_CODES = (None, "B", "H", "f")  # None: every weight is 1
_VALUES_FIXED = 0x10
_VALUES_SIZED = 0x20
_ZLIB = 0x40
_COMPRESS_FROM = 96  # bytes; zlib's own header makes smaller blocks grow


def _int_code(largest: int) -> int:
    return 0 if largest < 0x100 else 1 if largest < 0x10000 else 2


def encode_postings(ids: Sequence[int], weights: Sequence[float], values: Optional[list],
                    fixed_size: Optional[int], compression: int = 3) -> bytes:
    """One posting list (or block) as bytes: see the module's docstring."""
    first = ids[0]
    deltas = array("I", map(int.__sub__, ids[1:], ids[:-1])) if len(ids) > 1 else array("I")
    id_code = _int_code(max(deltas) if deltas else 0)
    parts = [struct.pack("<I", first), le_bytes(array(_ID_CODES[id_code], deltas))]

    low, high = min(weights), max(weights)
    integral = (isinstance(weights, array) and weights.typecode in "BHIL") or all(
        float(w).is_integer() for w in weights)
    if low == high == 1:
        weight_code = 0
    elif low >= 0 and integral and high < 0x10000:
        weight_code = 1 if high < 0x100 else 2
        parts.append(le_bytes(array(_WEIGHT_CODES[weight_code], map(int, weights))))
    else:
        weight_code = 3
        parts.append(le_bytes(array("f", weights)))

    flags = id_code | weight_code << 2
    if values and any(values):
        if fixed_size and fixed_size > 0:
            flags |= _VALUES_FIXED
            parts.append(b"".join(values))
        else:
            flags |= _VALUES_SIZED
            parts.append(sized_bytes(values))
    data = b"".join(parts)
    if compression and len(data) >= _COMPRESS_FROM:
        packed = zlib.compress(data, compression)
        if len(packed) < len(data):
            flags |= _ZLIB
            data = packed
    return bytes([flags]) + data


def sized_bytes(values: Sequence[Optional[bytes]]) -> bytes:
    """Byte strings each as a varint length then its bytes (None as empty)."""
    out = bytearray()
    for value in values:
        value = value or b""
        put_varint(out, len(value))
        out += value
    return bytes(out)


def read_sized_bytes(data, pos: int = 0, count: Optional[int] = None) -> Tuple[tuple, int]:
    """``count`` byte strings of :func:`sized_bytes` from ``pos`` (None: to the end of
    ``data``), and the position after them."""
    values, end = [], len(data)
    while (pos < end) if count is None else (len(values) < count):
        size, pos = get_varint(data, pos)
        if pos + size > end:
            raise ValueError("a value runs past the end of its posting data")
        values.append(bytes(data[pos:pos + size]))
        pos += size
    return tuple(values), pos


def block_bytes(data: bytes, count: int, last_id: int, maxweight: float, minlength: int,
                maxlength: int, last: bool) -> bytes:
    """A posting block on disk: its :data:`BLOCK_HEAD`, then ``data`` from :func:`encode_postings`."""
    return BLOCK_HEAD.pack(-len(data) if last else len(data), count, last_id, maxweight, 0,
                           length_to_byte(minlength), length_to_byte(maxlength)) + data


def decode_postings(data: bytes, count: int, fixed_size: Optional[int]) -> Tuple[array, array, tuple]:
    """``(ids, weights, values)`` of bytes made by :func:`encode_postings`."""
    first, deltas, weights, values = decode_posting_parts(data, count, fixed_size)
    return array("I", accumulate(deltas, initial=first)), weights, values


def decode_posting_parts(data, count: int, fixed_size: Optional[int], with_values: bool = True
                         ) -> Tuple[int, array, array, tuple]:
    """``(first id, id deltas, weights, values)`` of bytes made by :func:`encode_postings`
    (for callers that add up the deltas faster than Python can; values () unless asked)."""
    flags = data[0]
    data = memoryview(data)[1:]
    if flags & _ZLIB:
        data = zlib.decompress(data)
    id_code = _ID_CODES[flags & 3]
    first = struct.unpack_from("<I", data)[0]
    pos = 4
    end = pos + (count - 1) * array(id_code).itemsize
    deltas = from_le(id_code, data[pos:end])
    pos = end

    weight_code = _WEIGHT_CODES[flags >> 2 & 3]
    if weight_code is None:
        weights = array("B", b"\x01") * count
    else:
        end = pos + count * array(weight_code).itemsize
        weights = from_le(weight_code, data[pos:end])
        pos = end

    if not with_values:
        values = ()
    elif flags & _VALUES_FIXED:
        values = tuple(bytes(data[i:i + fixed_size]) for i in range(pos, pos + count * fixed_size, fixed_size))
    elif flags & _VALUES_SIZED:
        values = read_sized_bytes(data, pos)[0]
    else:
        values = (None,) * count
    return first, deltas, weights, values
