"""A compact whoosh codec: whoosh's own file layout with posting blocks of plain arrays.

whoosh 3 pickles each posting block as a tuple (weights as 9-byte floats, frequencies
again as 4-byte values) after a magic tag and a pickled header, and writes a block even
for a term found in one document. Most terms of a Vietnamese index are rare (syllable
pairs above all), so that per-term overhead made the index 14x the text. Here:
- a block is a 16-byte struct header and arrays of the smallest integer type:
  the first id, then id deltas, then integer weights (term frequencies), zlib-compressed
  when that pays;
- lists of up to ``inlinelimit`` postings live inside the term record (whoosh's own
  inlining, which its W3 writer never reaches: it tests ``len < inlinelimit`` with 1);
- a term's record (document frequency, weights, lengths, where its postings are) is
  varints, 5-30 bytes where whoosh packs 22 bytes and pickles the inlined postings;
- the term dictionary is a sorted table in compressed blocks (:mod:`searchidx.termtable`)
  where whoosh writes a hash file of about 60 bytes a term;
- a document's stored fields are deflated together with a preset dictionary of
  Vietnamese (whoosh deflates them cold, and searchidx compressed the text apart);
- a compound segment's files are read in place from the mapped file, not copied;
- the other columns stay whoosh's own.
Segments written by whoosh's W3Codec, or by this codec before its term table and
dictionary, stay readable: each segment keeps the codec that wrote it.
"""
from __future__ import annotations

import struct
import zlib
from array import array
from functools import lru_cache
from importlib import resources
from io import BytesIO
from itertools import accumulate
from pickle import dumps, loads
from typing import Iterator, Optional, Sequence, Tuple

from whoosh.codec.whoosh3 import (STORED_COLUMN, W3Codec, W3FieldCursor, W3FieldWriter, W3LeafMatcher,
                                  W3PerDocReader, W3PerDocWriter,
                                  W3PostingsWriter, W3TermInfo, W3TermsReader)
from whoosh.codec.base import FieldCursor
from whoosh.reading import TermNotFound
from whoosh.columns import PickleColumn, VarBytesColumn
from whoosh.matching import ListMatcher
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import OverlayStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import BufferFile
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from .varint import get_varint, put_varint
from .termtable import TermTableReader, TermTableWriter, from_le, le_bytes

# byte length of the data (negative for a term's last block), postings, last id,
# max weight, encoding flags, min and max field length (whoosh's length bytes)
_BLOCK_HEAD = struct.Struct("<iHIfBBB")

_ID_CODES = "BHI"
_WEIGHT_CODES = (None, "B", "H", "f")  # None: every weight is 1
_VALUES_FIXED = 0x10
_VALUES_PICKLED = 0x20
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
            flags |= _VALUES_PICKLED
            parts.append(dumps(tuple(values), 2))
    data = b"".join(parts)
    if compression and len(data) >= _COMPRESS_FROM:
        packed = zlib.compress(data, compression)
        if len(packed) < len(data):
            flags |= _ZLIB
            data = packed
    return bytes([flags]) + data


def _block_bytes(data: bytes, count: int, last_id: int, maxweight: float, minlength: int,
                 maxlength: int, last: bool) -> bytes:
    """A posting block on disk: its :data:`_BLOCK_HEAD`, then ``data`` from :func:`encode_postings`."""
    return _BLOCK_HEAD.pack(-len(data) if last else len(data), count, last_id, maxweight, 0,
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
    elif flags & _VALUES_PICKLED:
        values = loads(data[pos:])
    else:
        values = (None,) * count
    return first, deltas, weights, values


_INLINED, _FLOAT_WEIGHTS, _HAS_VALUES = 1, 2, 4
_FLOAT = struct.Struct("<f")


class CompactTermInfo(W3TermInfo):
    """A term's record as varints. Weights are term frequencies (whole numbers) in
    searchidx's fields; others are stored as 4-byte floats."""

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
                for value in values:
                    put_varint(out, len(value))
                    out.extend(value)
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
            values = []
            if flags & _HAS_VALUES:
                for _ in range(info._df):
                    size, pos = get_varint(data, pos)
                    values.append(data[pos:pos + size])
                    pos += size
            info._inlined = (tuple(ids), tuple(weights), tuple(values))
        else:
            info._offset, pos = get_varint(data, pos)
            info._length, pos = get_varint(data, pos)
        return info


class _CompactFieldCursor(W3FieldCursor):
    """whoosh's cursor over a hash file of :class:`CompactTermInfo` records."""

    def term_info(self):
        if self._pos is None:
            return None
        return CompactTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class _TableFieldCursor(FieldCursor):
    """A field's terms in order, from a :class:`TermTableReader`."""

    def __init__(self, tindex: TermTableReader, fieldname, keycoder, keydecoder, fieldobj) -> None:
        self._tindex, self._fieldname, self._fieldobj = tindex, fieldname, fieldobj
        self._keycoder, self._keydecoder = keycoder, keydecoder
        self.first()

    def first(self):
        return self.find(b"")

    def find(self, term):
        if not isinstance(term, bytes):
            term = self._fieldobj.to_bytes(term)
        self._entries = self._tindex.items_from(self._keycoder(self._fieldname, term))
        return self.next()

    def next(self):
        self._text = self._value = None
        for key, value in self._entries:
            fieldname, tbytes = self._keydecoder(key)
            if fieldname == self._fieldname:
                self._text, self._value = self._fieldobj.from_bytes(tbytes), value
            break
        return self._text

    def text(self):
        return self._text

    def term_info(self):
        return None if self._value is None else CompactTermInfo.from_bytes(self._value)

    def is_valid(self):
        return self._text is not None


class CompactTermsReader(W3TermsReader):
    """whoosh's terms reader over a :class:`TermTableReader` (or, for segments written
    before it, whoosh's hash file), decoding :class:`CompactTermInfo` records."""

    def __init__(self, codec, dbfile, length, postfile) -> None:
        table = TermTableReader if codec.terms_table == "sorted" else OrderedHashReader
        self._codec, self._dbfile, self._postfile = codec, dbfile, postfile
        self._tindex = table(dbfile, length)
        self._fieldmap = self._tindex.extras["fieldmap"]
        self._fieldunmap = [None] * len(self._fieldmap)
        for fieldname, number in self._fieldmap.items():
            self._fieldunmap[number] = fieldname

    def cursor(self, fieldname, fieldobj):
        cursor = _TableFieldCursor if isinstance(self._tindex, TermTableReader) else _CompactFieldCursor
        return cursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        decode = CompactTermInfo.from_bytes
        return ((self._keydecoder(key), decode(value)) for key, value in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode = CompactTermInfo.from_bytes
        return ((self._keydecoder(key), decode(value))
                for key, value in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def field_records(self, fieldname) -> Iterator[Tuple[bytes, bytes]]:
        """Each term of ``fieldname`` in order with its record still encoded (for merging,
        where most records are copied as bytes)."""
        prefix = self._keycoder(fieldname, b"")
        for key, record in self._tindex.items_from(prefix):
            if not key.startswith(prefix):
                return
            yield key[len(prefix):], record

    def term_info(self, fieldname, tbytes):
        try:
            return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")

    # (a missing term raises KeyError here, as whoosh's readers expect)
    def frequency(self, fieldname, tbytes):
        return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)]).weight()

    def doc_frequency(self, fieldname, tbytes):
        return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)]).doc_frequency()


class CompactPostingsWriter(W3PostingsWriter):
    """Writes blocks as :func:`encode_postings` bytes; short lists go into the term record."""

    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self._ids) <= self._inlinelimit:
            terminfo.add_block(self)
            # whoosh pickles inlined postings: small ints take 2-3 bytes, floats 9
            weights = self._weights
            if not (isinstance(weights, array) and weights.typecode in "BHIL"):
                weights = [int(w) if float(w).is_integer() else w for w in weights]
            terminfo.set_inlined(self._ids, weights, self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._postfile.tell() - self._startoffset)
        self._terminfo = None
        return terminfo

    def _encoded(self) -> bytes:
        return encode_postings(self._ids, self._weights, self._values,
                               self._format.fixed_value_size(), self._compression)

    def _write_block(self, last=False):
        self._terminfo.add_block(self)
        self._postfile.write(_block_bytes(self._encoded(), len(self._ids), self._ids[-1], self._maxweight,
                                          self._minlength, self._maxlength, last))
        self._blockcount += 1
        self._new_block()


class CompactLeafMatcher(W3LeafMatcher):
    """Reads :class:`CompactPostingsWriter` blocks."""

    def _read_header(self):
        self._baseoffset = self._startoffset  # no magic tag before the first block

    def _goto(self, position):
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        length, count, maxid, maxweight, _, minlen, maxlen = _BLOCK_HEAD.unpack(
            self._postfile.get(position, _BLOCK_HEAD.size))
        if length < 0:
            self._lastblock = True
            length = -length
        self._dataoffset = position + _BLOCK_HEAD.size
        self._nextoffset = self._dataoffset + length
        self._blocklength, self._maxid, self._maxweight = count, maxid, maxweight
        self._compression = 0
        self._minlength = byte_to_length(minlen)
        self._maxlength = byte_to_length(maxlen)

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = decode_postings(data, self._blocklength, self._fixedsize)

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = self._data[0]

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = self._data[1]

    def _read_values(self):
        if self._data is None:
            self._read_data()
        self._values = self._data[2]

    def posting_arrays(self) -> Tuple[array, array]:
        """All the list's ids and weights (for merging and array scoring): the list read
        in one piece and decoded block by block."""
        ids, weights = array("I"), []
        for first, _, deltas, block_weights in self.posting_parts():
            ids.extend(accumulate(deltas, initial=first))
            weights.extend(block_weights)
        return ids, _weight_array(weights)

    def posting_parts(self) -> Iterator[Tuple[int, int, array, array]]:
        """Each block's first and last id, id deltas and weights: the list read in one piece."""
        data = memoryview(self._postfile.get(self._startoffset, self._length))
        pos, head_size = 0, _BLOCK_HEAD.size
        while pos < len(data):
            length, count, last = _BLOCK_HEAD.unpack_from(data, pos)[:3]
            length = abs(length)
            start = pos + head_size
            first, deltas, weights, _ = decode_posting_parts(data[start:start + length], count,
                                                             self._fixedsize, False)
            yield first, last, deltas, weights
            pos = start + length
        self._atend = True


class CompactFieldWriter(W3FieldWriter):
    """whoosh's field writer with compact term records in a :class:`TermTableWriter`,
    plus a whole posting list in one call."""

    def __init__(self, codec, storage, segment) -> None:
        # whoosh's constructor, with a term table where it opens a hash writer
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        table = TermTableWriter if codec.terms_table == "sorted" else OrderedHashWriter
        self._tindex = table(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def start_term(self, btext):
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, CompactTermInfo())

    def add_posting_list(self, btext: bytes, ids: array, weights: array, lengths: Sequence[int]) -> None:
        """Write one term's postings: ``ids`` ascending, ``weights`` whole numbers,
        ``lengths`` indexed by document number. (whoosh's postings writer takes a
        Python step per posting and several per term: this is the merge's inner loop.)"""
        info = CompactTermInfo()
        info._df, info._weight, info._maxweight = len(ids), sum(weights), max(weights)
        info._minid, info._maxid = ids[0], ids[-1]
        limit = self._codec._blocklimit
        if len(ids) <= self._codec._inlinelimit:
            doc_lengths = [lengths[i] for i in ids]
            info._minlength, info._maxlength = min(doc_lengths), max(doc_lengths)
            info._inlined = (tuple(ids), tuple(weights), ())
        else:
            compression = self._codec._compression
            blocks = []
            info._minlength, info._maxlength = None, 0
            for start in range(0, len(ids), limit):
                block_ids, block_weights = ids[start:start + limit], weights[start:start + limit]
                block_lengths = [lengths[i] for i in block_ids]
                low, high = min(block_lengths), max(block_lengths)
                info._minlength = low if info._minlength is None else min(info._minlength, low)
                info._maxlength = max(info._maxlength, high)
                blocks.append(_block_bytes(encode_postings(block_ids, block_weights, None, None, compression),
                                           len(block_ids), block_ids[-1], max(block_weights), low, high,
                                           last=start + limit >= len(ids)))
            data = b"".join(blocks)
            info._offset, info._length = self._postfile.tell(), len(data)
            self._postfile.write(data)
        self._tindex.add(pack_ushort(self._fieldid) + btext, info.to_bytes())

    def add_record(self, btext: bytes, record: bytes) -> None:
        """Write a term whose record (inlined postings) is already encoded."""
        self._tindex.add(pack_ushort(self._fieldid) + btext, record)


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


class _MappedFile(BufferFile):
    """A compound segment's file read in place from the mapped segment. whoosh's
    BufferFile copies the whole file into a BytesIO when it is opened: at 84,000
    articles, 380 MB of postings, terms and stored fields on a searcher's first query.
    Reads by position (all the codec's) use the view; a stream is made only if asked."""

    def __init__(self, buf, name=None) -> None:
        self._buf, self._name, self.onclose = buf, name, None
        self.is_real = self.is_closed = False
        self._stream = None

    @property
    def file(self):
        if self._stream is None:
            self._stream = BytesIO(self._buf)
        return self._stream

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        try:
            self._buf.release()  # so the segment's map can close
        except BufferError:
            pass
        self.is_closed = True


def _open_segment_file(storage, name: str):
    compound = storage
    if isinstance(compound, OverlayStorage) and compound.a.file_exists(name):
        compound = compound.a  # (whoosh's segment readers overlay the compound file)
    source = getattr(compound, "_source", None)  # a compound segment's mmap, when mapped
    if isinstance(compound, CompoundStorage) and source is not None:
        offset, length = compound.range(name)
        return _MappedFile(memoryview(source)[offset:offset + length], name=name)
    return storage.open_file(name)


@lru_cache(maxsize=None)
def stored_fields_dictionary(version: int) -> bytes:
    """zlib's preset dictionary for each document's stored fields: 32 KB of Vietnamese
    prose from the bundled corpus, then the stored field names. A document's fields
    compress to about 15% less with it. Fixed once written: segments name the version."""
    return (resources.files(__package__) / "data" / f"stored-fields-{version}.zdict").read_bytes()


class _DictionaryZlibColumn(VarBytesColumn):
    """Byte strings deflated with a preset dictionary (whoosh's CompressedBytesColumn
    deflates each document's fields alone, and a few kilobytes of text start cold)."""

    def __init__(self, dictionary: bytes, level: int = 6) -> None:
        self._dictionary, self._level = dictionary, level

    def writer(self, dbfile):
        return self.Writer(dbfile, self._dictionary, self._level)

    def reader(self, dbfile, basepos, length, doccount):
        return self.Reader(dbfile, basepos, length, doccount, self._dictionary)

    class Writer(VarBytesColumn.Writer):
        def __init__(self, dbfile, dictionary: bytes, level: int) -> None:
            VarBytesColumn.Writer.__init__(self, dbfile)
            self._dictionary, self._level = dictionary, level

        def add(self, docnum, value):
            packer = zlib.compressobj(self._level, zdict=self._dictionary)
            VarBytesColumn.Writer.add(self, docnum, packer.compress(value) + packer.flush())

    class Reader(VarBytesColumn.Reader):
        def __init__(self, dbfile, basepos, length, doccount, dictionary: bytes) -> None:
            VarBytesColumn.Reader.__init__(self, dbfile, basepos, length, doccount)
            self._dictionary = dictionary

        def __getitem__(self, docnum):
            value = VarBytesColumn.Reader.__getitem__(self, docnum)
            if value:
                unpacker = zlib.decompressobj(zdict=self._dictionary)
                value = unpacker.decompress(value) + unpacker.flush()
            return value

        def __iter__(self):
            for docnum in range(self._doccount):
                yield self[docnum]


def _stored_column(codec):
    """The column of a segment's stored fields: whoosh's, or deflated with a dictionary."""
    version = getattr(codec, "stored_dictionary", None)
    if not version:
        return STORED_COLUMN
    return PickleColumn(_DictionaryZlibColumn(stored_fields_dictionary(version)))


class _PerDocWriter(W3PerDocWriter):
    """whoosh's per-document writer, its stored fields in :func:`_stored_column`."""

    def _create_column(self, fieldname, column):
        if fieldname == "_stored":
            column = _stored_column(self._codec)
        W3PerDocWriter._create_column(self, fieldname, column)


class _PerDocReader(W3PerDocReader):
    """whoosh's per-document reader, remembering which columns a segment lacks (whoosh
    asks the file system again on every call: per document and field when merging),
    reading columns in place (:class:`_MappedFile`)."""

    def _get_column_file(self, fieldname):
        name = W3Codec.column_filename(self._segment, fieldname)
        return _open_segment_file(self._storage, name), 0, self._storage.file_length(name)

    def _cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            if fieldname == "_stored":
                column = _stored_column(self._segment.codec())
            self._readers[fieldname] = (self.column_reader(fieldname, column)
                                        if self.has_column(fieldname) else None)
        return self._readers[fieldname]


class CompactCodec(W3Codec):
    """whoosh's W3 codec with :class:`CompactPostingsWriter` posting lists and a
    :class:`TermTableWriter` term dictionary."""

    # Each segment pickles its codec: one written before the term table (or the stored
    # fields' dictionary) lacks the instance attribute and reads whoosh's format.
    terms_table = "hash"
    stored_dictionary: Optional[int] = None

    # Blocks of 1,024 postings (whoosh: 128): lists are read whole by the array scorer and
    # when merging, where each block costs a Python step; whoosh's block skipping, used
    # only by phrase matching here, loses little.
    def __init__(self, blocklimit: int = 1024, compression: int = 3, inlinelimit: int = 8):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)
        self.terms_table = "sorted"
        self.stored_dictionary = 1

    def field_writer(self, storage, segment):
        return CompactFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (not used by searchidx's schema) keep whoosh's format
            return super().postings_writer(dbfile, byteids=True)
        return CompactPostingsWriter(dbfile, blocklimit=self._blocklimit, compression=self._compression,
                                     inlinelimit=self._inlinelimit)

    def per_document_writer(self, storage, segment):
        return _PerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)

    def terms_reader(self, storage, segment):
        name = segment.make_filename(self.TERMS_EXT)
        postings = _open_segment_file(storage, segment.make_filename(self.POSTS_EXT))
        return CompactTermsReader(self, _open_segment_file(storage, name), storage.file_length(name), postings)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return CompactLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def _weight_array(weights) -> array:
    try:
        return array("I", weights)  # term frequencies
    except TypeError:
        return array("f", weights)


def posting_arrays(matcher) -> Tuple[array, array]:
    """A term matcher's ids and weights as arrays, without a Python step per posting
    where the matcher allows it (for merging segments)."""
    if isinstance(matcher, CompactLeafMatcher):
        return matcher.posting_arrays()
    if isinstance(matcher, ListMatcher) and matcher._weights is not None:
        return array("I", matcher._ids), _weight_array(matcher._weights)
    ids, weights = array("I"), []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, _weight_array(weights)
