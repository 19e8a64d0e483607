"""Arrays as little-endian bytes on any machine: the byte order of every array on disk."""
from __future__ import annotations

import sys
from array import array

_BIG_ENDIAN = sys.byteorder == "big"


def le_bytes(values: array) -> bytes:
    """An array's bytes, little-endian on any machine."""
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def from_le(typecode: str, data: bytes) -> array:
    """The array of :func:`le_bytes`."""
    out = array(typecode)
    out.frombytes(data)
    if _BIG_ENDIAN:
        out.byteswap()
    return out
