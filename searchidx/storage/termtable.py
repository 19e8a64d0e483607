"""A sorted key-value table in compressed blocks: the term dictionary of a segment.

whoosh keeps a segment's term records in a hash file (lengths, hash slots, a position
index, the key and the record for every term), most of an index's size. Keys come sorted, so this table stores them in blocks of up to ``BLOCK_ENTRIES``
entries, each block zlib-compressed (sorted keys share their prefixes, which zlib
finds), with the first key and offset of every block in an index at the end of the file.
A lookup bisects the index, inflates one block and bisects its keys: slower than a
hash probe, for a fraction of the size.

The reader offers what whoosh's terms reader uses of its ``OrderedHashReader``
(``extras``, lookups by key, iteration in order from a key).

File layout (all integers little-endian; no pickle anywhere):

- :data:`MAGIC` (the format's name and version);
- the blocks. A block (before zlib): entry count (u16), a typecode byte (``H`` or
  ``I``), the end offsets of its keys and of its values as one array of that type,
  the keys one after the other, then the values;
- the index: :data:`_INDEX_HEAD` (block count n, entry count, byte length of the
  extras), the extras as UTF-8 JSON (an object: whoosh's field writer keeps its
  field-name-to-number map there), n + 1 block offsets (u64; the last is the end of
  the last block), the byte length of each block's first key (u32), then those keys;
- :data:`_TAIL`: the offset of the index (u64), then :data:`MAGIC` again.
"""
from __future__ import annotations

import json
import struct
import zlib
from array import array
from bisect import bisect_right
from typing import Dict, Iterator, List, Optional, Tuple

from .arrays import from_le, le_bytes

MAGIC = b"SXT2"
BLOCK_ENTRIES = 64
BLOCK_BYTES = 4096  # a block of larger records closes early: each lookup inflates one
CACHED_BLOCKS = 256
_TAIL = struct.Struct("<Q4s")
_INDEX_HEAD = struct.Struct("<IQI")
_COUNT = struct.Struct("<H")


class TermTableError(ValueError):
    """The file is not a term table (or was cut short)."""


class TermTableWriter:
    """Writes keys (in increasing order) and their values to ``dbfile`` (a whoosh StructFile)."""

    def __init__(self, dbfile) -> None:
        self.dbfile = dbfile
        self.extras: dict = {}
        self._keys: List[bytes] = []
        self._values: List[bytes] = []
        self._pending_bytes = 0
        self._first_keys: List[bytes] = []
        self._offsets = array("Q")
        self._last: Optional[bytes] = None
        self._count = 0
        dbfile.write(MAGIC)
        self._position = dbfile.tell()  # kept here: a StructFile's tell() costs a flush

    def add(self, key: bytes, value: bytes) -> None:
        if self._last is not None and key <= self._last:
            raise ValueError(f"keys must increase: {key!r} after {self._last!r}")
        self._last = key
        self._keys.append(key)
        self._values.append(value)
        self._pending_bytes += len(key) + len(value)
        self._count += 1
        if len(self._keys) >= BLOCK_ENTRIES or self._pending_bytes >= BLOCK_BYTES:
            self._write_block()

    def _write_block(self) -> None:
        keys, values = self._keys, self._values
        if not keys:
            return
        ends, total = [], 0
        for part in (keys, values):
            total = 0
            for item in part:
                total += len(item)
                ends.append(total)
        typecode = "H" if max(ends) < 0x10000 else "I"
        raw = b"".join([_COUNT.pack(len(keys)), typecode.encode(), le_bytes(array(typecode, ends)),
                        b"".join(keys), b"".join(values)])
        self._first_keys.append(keys[0])
        packed = zlib.compress(raw, 6)
        self._offsets.append(self._position)
        self.dbfile.write(packed)
        self._position += len(packed)
        self._keys, self._values, self._pending_bytes = [], [], 0

    def close(self) -> None:
        self._write_block()
        self._offsets.append(self._position)  # the end of the last block
        index_offset = self._position
        self.dbfile.write(encode_index(self._first_keys, self._offsets, self.extras, self._count))
        self.dbfile.write(_TAIL.pack(index_offset, MAGIC))
        self.dbfile.close()


class TermTableReader:
    """Reads a :class:`TermTableWriter` file from ``dbfile`` (a whoosh StructFile)."""

    def __init__(self, dbfile, length: int) -> None:
        self.dbfile = dbfile
        if length < len(MAGIC) + _TAIL.size or dbfile.get(0, len(MAGIC)) != MAGIC:
            raise TermTableError("not a searchidx term table")
        index_offset, magic = _TAIL.unpack(dbfile.get(length - _TAIL.size, _TAIL.size))
        if magic != MAGIC:
            raise TermTableError("term table cut short")
        if not len(MAGIC) <= index_offset <= length - _TAIL.size:
            raise TermTableError("term table index out of place")
        first_keys, self._offsets, self.extras, self._count = decode_index(
            dbfile.get(index_offset, length - _TAIL.size - index_offset))
        self._first_keys: List[bytes] = first_keys
        # A query looks each of its terms up more than once (its frequency, then its
        # postings), and did-you-mean walks neighbouring keys: recent blocks stay inflated.
        self._cache: Dict[int, tuple] = {}

    def __len__(self) -> int:
        return self._count

    def _block(self, number: int) -> tuple:
        """Block ``number`` as (count, key ends, value ends, raw bytes, keys start, values start)."""
        block = self._cache.get(number)
        if block is not None:
            return block
        start, end = self._offsets[number], self._offsets[number + 1]
        raw = zlib.decompress(self.dbfile.get(start, end - start))
        count = _COUNT.unpack_from(raw)[0]
        typecode = chr(raw[2])
        width = array(typecode).itemsize
        ends = from_le(typecode, raw[3:3 + 2 * count * width])
        keys_start = 3 + 2 * count * width
        block = (count, ends[:count], ends[count:], raw, keys_start, keys_start + ends[count - 1])
        if len(self._cache) >= CACHED_BLOCKS:
            self._cache.clear()
        self._cache[number] = block
        return block

    def _locate(self, key: bytes) -> Tuple[int, int]:
        """(block, entry) of the first key >= ``key``; the entry may be one past the block's end."""
        number = max(bisect_right(self._first_keys, key) - 1, 0)
        count, key_ends, _, raw, keys_start, _ = self._block(number)
        low, high = 0, count
        while low < high:
            middle = (low + high) // 2
            start = key_ends[middle - 1] if middle else 0
            if raw[keys_start + start:keys_start + key_ends[middle]] < key:
                low = middle + 1
            else:
                high = middle
        return number, low

    @staticmethod
    def _entry(block: tuple, i: int) -> Tuple[bytes, bytes]:
        _, key_ends, value_ends, raw, keys_start, values_start = block
        key_start = key_ends[i - 1] if i else 0
        value_start = value_ends[i - 1] if i else 0
        return (raw[keys_start + key_start:keys_start + key_ends[i]],
                raw[values_start + value_start:values_start + value_ends[i]])

    def get(self, key: bytes, default=None):
        if not self._first_keys:
            return default
        number, i = self._locate(key)
        block = self._block(number)
        if i < block[0]:
            found, value = self._entry(block, i)
            if found == key:
                return value
        return default

    def __getitem__(self, key: bytes) -> bytes:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: bytes) -> bool:
        return self.get(key) is not None

    def items_from(self, key: bytes) -> Iterator[Tuple[bytes, bytes]]:
        """Every entry from the first key >= ``key``, in order."""
        if not self._first_keys:
            return
        number, i = self._locate(key)
        for number in range(number, len(self._first_keys)):
            block = self._block(number)
            for j in range(i, block[0]):
                yield self._entry(block, j)
            i = 0

    def items(self) -> Iterator[Tuple[bytes, bytes]]:
        return self.items_from(b"")

    def keys_from(self, key: bytes) -> Iterator[bytes]:
        return (k for k, _ in self.items_from(key))

    def keys(self) -> Iterator[bytes]:
        return self.keys_from(b"")

    def close(self) -> None:
        self.dbfile.close()


def encode_index(first_keys: List[bytes], offsets: array, extras: dict, count: int) -> bytes:
    """The table's index as bytes (see the module's docstring)."""
    extras_bytes = json.dumps(extras, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([_INDEX_HEAD.pack(len(first_keys), count, len(extras_bytes)), extras_bytes,
                     le_bytes(array("Q", offsets)), le_bytes(array("I", map(len, first_keys))),
                     b"".join(first_keys)])


def decode_index(data: bytes) -> Tuple[List[bytes], array, dict, int]:
    """``(first keys, block offsets, extras, entry count)`` of :func:`encode_index` bytes."""
    data = bytes(data)
    try:
        blocks, count, extras_size = _INDEX_HEAD.unpack_from(data)
        pos = _INDEX_HEAD.size
        extras = json.loads(data[pos:pos + extras_size].decode("utf-8"))
        pos += extras_size
        offsets = from_le("Q", data[pos:pos + 8 * (blocks + 1)])
        pos += 8 * (blocks + 1)
        sizes = from_le("I", data[pos:pos + 4 * blocks])
        pos += 4 * blocks
    except (struct.error, ValueError) as exc:  # (JSON and UTF-8 errors are ValueErrors)
        raise TermTableError(f"term table index unreadable: {exc}") from None
    if (not isinstance(extras, dict) or len(offsets) != blocks + 1 or len(sizes) != blocks
            or pos + sum(sizes) != len(data)):
        raise TermTableError("term table index damaged")
    first_keys = []
    for size in sizes:
        first_keys.append(data[pos:pos + size])
        pos += size
    return first_keys, offsets, extras, count
