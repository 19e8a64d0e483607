"""The stored-fields column: each document's stored fields as JSON, deflated with a
preset dictionary.

whoosh pickles each document's dict and deflates it cold, and unpickling an index's
data can run code. Here a document's stored fields are the UTF-8 JSON of its dict
(strings, numbers, lists, dicts; ``indexed_at`` a float, ``extra`` a dict of strings),
deflated with zlib's preset dictionary :data:`STORED_DICTIONARY`: 32 KB of Vietnamese
prose from the bundled corpus, then the JSON of the stored field names, so even a
short document's fields start with words zlib has seen. The dictionary is part of the on-disk
format: changing it means a new format version (and a new file name).
"""
from __future__ import annotations

import json
import zlib
from functools import lru_cache
from importlib import resources

from whoosh.columns import VarBytesColumn

STORED_DICTIONARY = "stored-fields-2.zdict"


@lru_cache(maxsize=1)
def stored_fields_dictionary() -> bytes:
    """The preset dictionary of :data:`STORED_DICTIONARY`, bundled with the package."""
    return (resources.files(__package__) / "data" / STORED_DICTIONARY).read_bytes()


def encode_stored(fields: dict) -> bytes:
    """A document's stored fields as JSON bytes (lone surrogates, which some decoded
    text keeps, pass through)."""
    try:
        text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"stored fields hold JSON values only (str, numbers, lists, dicts, None): {exc}") from None
    return text.encode("utf-8", "surrogatepass")


def decode_stored(data: bytes) -> dict:
    """The dict of :func:`encode_stored` bytes."""
    return json.loads(bytes(data).decode("utf-8", "surrogatepass"))


class StoredFieldsColumn(VarBytesColumn):
    """Documents' stored-field dicts as :func:`encode_stored` bytes deflated with the
    preset dictionary; a document without stored fields is empty (read as None, which
    whoosh turns into ``{}``)."""

    def __init__(self, level: int = 6) -> None:
        self._level = level

    def writer(self, dbfile):
        return self.Writer(dbfile, self._level)

    def reader(self, dbfile, basepos, length, doccount):
        return self.Reader(dbfile, basepos, length, doccount)

    class Writer(VarBytesColumn.Writer):
        def __init__(self, dbfile, level: int) -> None:
            VarBytesColumn.Writer.__init__(self, dbfile)
            self._level = level
            self._dictionary = stored_fields_dictionary()

        def add(self, docnum, value):
            if value is None:
                data = b""
            else:
                packer = zlib.compressobj(self._level, zdict=self._dictionary)
                data = packer.compress(encode_stored(value)) + packer.flush()
            VarBytesColumn.Writer.add(self, docnum, data)

    class Reader(VarBytesColumn.Reader):
        def __init__(self, dbfile, basepos, length, doccount) -> None:
            VarBytesColumn.Reader.__init__(self, dbfile, basepos, length, doccount)
            self._dictionary = stored_fields_dictionary()

        def __getitem__(self, docnum):
            data = VarBytesColumn.Reader.__getitem__(self, docnum)
            if not data:
                return None
            unpacker = zlib.decompressobj(zdict=self._dictionary)
            return decode_stored(unpacker.decompress(data) + unpacker.flush())

        def __iter__(self):
            for docnum in range(self._doccount):
                yield self[docnum]
