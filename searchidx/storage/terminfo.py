"""A term's record in the term table: its statistics, and where its postings are.

whoosh packs 22 bytes a term and pickles the postings it inlines. Here a record is
varints, 5-30 bytes:

- a flags byte (``1`` postings inlined, ``2`` weights as 4-byte floats rather than
  varints, ``4`` inlined postings carry values), the shortest and longest field length
  (whoosh's length bytes);
- document frequency, total weight, largest weight, first id, last id minus first;
- inlined: each posting's id (a delta from the previous, the first from the first id)
  and weight, then, if flagged, each value as a varint length and its bytes;
  else: the offset and byte length of the term's posting blocks.

Weights are term frequencies (whole numbers) in searchidx's fields.
"""
from __future__ import annotations

import struct
from array import array
from typing import Optional, Tuple

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.util.numeric import byte_to_length, length_to_byte

from .postings import read_sized_bytes, sized_bytes
from .varint import get_varint, put_varint

_INLINED, _FLOAT_WEIGHTS, _HAS_VALUES = 1, 2, 4
_FLOAT = struct.Struct("<f")


class CompactTermInfo(W3TermInfo):
    """whoosh's term info, written as the varint record of the module's docstring."""

    def to_bytes(self) -> bytes:
        inlined = self._inlined
        weights = [self._weight, self._maxweight] + (list(inlined[1]) if inlined else [])
        integral = all(float(w).is_integer() and w >= 0 for w in weights)
        values = inlined[2] if inlined else ()
        flags = ((_INLINED if inlined else 0) | (0 if integral else _FLOAT_WEIGHTS)
                 | (_HAS_VALUES if any(values) else 0))
        out = bytearray([flags, length_to_byte(self._minlength) if self._minlength else 0,
                         length_to_byte(self._maxlength)])

        def put_weight(w) -> None:
            if integral:
                put_varint(out, int(w))
            else:
                out.extend(_FLOAT.pack(w))

        put_varint(out, self._df)
        put_weight(self._weight)
        put_weight(self._maxweight)
        minid = 0 if self._minid is None else self._minid
        put_varint(out, minid)
        put_varint(out, (0 if self._maxid is None else self._maxid) - minid)
        if inlined:
            ids, inline_weights, _ = inlined
            previous = minid
            for docnum, weight in zip(ids, inline_weights):
                put_varint(out, docnum - previous)
                previous = docnum
                put_weight(weight)
            if flags & _HAS_VALUES:
                out += sized_bytes(values)
        else:
            put_varint(out, self._offset)
            put_varint(out, self._length)
        return bytes(out)

    @classmethod
    def from_bytes(cls, data: bytes) -> "CompactTermInfo":
        info = cls()
        flags = data[0]
        info._minlength = byte_to_length(data[1])
        info._maxlength = byte_to_length(data[2])
        integral = not flags & _FLOAT_WEIGHTS
        pos = 3

        def get_weight():
            nonlocal pos
            if integral:
                value, pos = get_varint(data, pos)
                return value
            pos += 4
            return _FLOAT.unpack_from(data, pos - 4)[0]

        info._df, pos = get_varint(data, pos)
        info._weight = get_weight()
        info._maxweight = get_weight()
        info._minid, pos = get_varint(data, pos)
        span, pos = get_varint(data, pos)
        info._maxid = info._minid + span
        if flags & _INLINED:
            ids, weights, docnum = [], [], info._minid
            for _ in range(info._df):
                delta, pos = get_varint(data, pos)
                docnum += delta
                ids.append(docnum)
                weights.append(get_weight())
            values = read_sized_bytes(data, pos, info._df)[0] if flags & _HAS_VALUES else ()
            info._inlined = (tuple(ids), tuple(weights), values)
        else:
            info._offset, pos = get_varint(data, pos)
            info._length, pos = get_varint(data, pos)
        return info


def inlined_arrays(record: bytes) -> Optional[Tuple[array, array]]:
    """The ids and term frequencies inlined in a :class:`CompactTermInfo` record,
    or None for a record pointing to posting blocks (or with other weights)."""
    flags = record[0]
    if flags != _INLINED:
        return None
    count, pos = get_varint(record, 3)
    pos = get_varint(record, get_varint(record, pos)[1])[1]  # total and largest weight
    docnum, pos = get_varint(record, pos)
    pos = get_varint(record, pos)[1]  # span of ids
    ids, weights = array("I"), array("I")
    for _ in range(count):
        delta, pos = get_varint(record, pos)
        docnum += delta
        ids.append(docnum)
        weight, pos = get_varint(record, pos)
        weights.append(weight)
    return ids, weights


def shift_inlined_record(record: bytes, shift: int) -> Optional[bytes]:
    """A :class:`CompactTermInfo` record of inlined postings with every document number
    moved by ``shift`` (the ids are deltas from the first: one varint changes), or
    None for a record pointing to posting blocks."""
    flags = record[0]
    if not flags & _INLINED:
        return None
    pos = get_varint(record, 3)[1]  # document frequency
    for _ in range(2):  # total and largest weight
        pos = pos + 4 if flags & _FLOAT_WEIGHTS else get_varint(record, pos)[1]
    minid, end = get_varint(record, pos)
    out = bytearray(record[:pos])
    put_varint(out, minid + shift)
    out += record[end:]
    return bytes(out)
