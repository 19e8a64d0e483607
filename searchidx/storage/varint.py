"""Unsigned LEB128 varints: seven bits a byte, low bits first, the high bit set on all but the last."""
from __future__ import annotations

from typing import Iterator, Tuple


def put_varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def get_varint(data: bytes, pos: int) -> Tuple[int, int]:
    """The varint at ``pos`` and the position after it."""
    n = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        n |= (byte & 0x7F) << shift
        if byte < 0x80:
            return n, pos
        shift += 7


def varints(data: bytes) -> Iterator[int]:
    """Every varint of ``data``, in order."""
    n = shift = 0
    for byte in data:
        n |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            yield n
            n = shift = 0
