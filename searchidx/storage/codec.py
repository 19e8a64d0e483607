"""A compact whoosh codec: whoosh's own file layout with posting blocks of plain arrays.

whoosh 3 pickles each posting block and writes a block even for a term found in one
document. Most terms of a Vietnamese index are rare (syllable pairs above all), so that
per-term overhead made the index many times the size of its text. Here:
- a block is a struct header and arrays of the smallest integer type
  (:mod:`~searchidx.storage.postings`);
- lists of up to ``inlinelimit`` postings live inside the term record (whoosh's own
  inlining, which its W3 writer never reaches: it tests ``len < inlinelimit`` with 1);
- a term's record is varints (:mod:`~searchidx.storage.terminfo`);
- the term dictionary is a sorted table in compressed blocks
  (:mod:`~searchidx.storage.termtable`) where whoosh writes a hash file;
- a document's stored fields are JSON deflated with a preset dictionary of Vietnamese
  (:mod:`~searchidx.storage.stored`) where whoosh pickles them;
- a compound segment's files are read in place (:mod:`~searchidx.storage.mapped`);
- the other columns (field lengths, sortable values) stay whoosh's own.
None of these structures is a pickle. whoosh's table of contents still pickles the
schema and each segment's codec: see :mod:`~searchidx.storage.toc_names`.
"""
from __future__ import annotations

from array import array
from itertools import accumulate
from typing import Iterator, Sequence, Tuple

from whoosh.codec.base import FieldCursor
from whoosh.codec.whoosh3 import (W3Codec, W3FieldWriter, W3LeafMatcher, W3PerDocReader, W3PerDocWriter,
                                  W3PostingsWriter, W3TermsReader)
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

from .mapped import open_segment_file
from .postings import BLOCK_HEAD, block_bytes, decode_posting_parts, decode_postings, encode_postings
from .stored import StoredFieldsColumn
from .terminfo import CompactTermInfo
from .termtable import TermTableReader, TermTableWriter


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
    """whoosh's terms reader over a :class:`TermTableReader`, decoding
    :class:`CompactTermInfo` records."""

    def __init__(self, codec, dbfile, length, postfile) -> None:
        self._codec, self._dbfile, self._postfile = codec, dbfile, postfile
        self._tindex = TermTableReader(dbfile, length)
        self._fieldmap = self._tindex.extras["fieldmap"]
        self._fieldunmap = [None] * len(self._fieldmap)
        for fieldname, number in self._fieldmap.items():
            self._fieldunmap[number] = fieldname

    def cursor(self, fieldname, fieldobj):
        return _TableFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

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
            terminfo.set_inlined(self._ids, self._weights, self._values)
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
        self._postfile.write(block_bytes(self._encoded(), len(self._ids), self._ids[-1], self._maxweight,
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
        length, count, maxid, maxweight, _, minlen, maxlen = BLOCK_HEAD.unpack(
            self._postfile.get(position, BLOCK_HEAD.size))
        if length < 0:
            self._lastblock = True
            length = -length
        self._dataoffset = position + BLOCK_HEAD.size
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
        pos, head_size = 0, BLOCK_HEAD.size
        while pos < len(data):
            length, count, last = BLOCK_HEAD.unpack_from(data, pos)[:3]
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
        self._tindex = TermTableWriter(self._create_file(W3Codec.TERMS_EXT))
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
                blocks.append(block_bytes(encode_postings(block_ids, block_weights, None, None, compression),
                                          len(block_ids), block_ids[-1], max(block_weights), low, high,
                                          last=start + limit >= len(ids)))
            data = b"".join(blocks)
            info._offset, info._length = self._postfile.tell(), len(data)
            self._postfile.write(data)
        self._tindex.add(pack_ushort(self._fieldid) + btext, info.to_bytes())

    def add_record(self, btext: bytes, record: bytes) -> None:
        """Write a term whose record (inlined postings) is already encoded."""
        self._tindex.add(pack_ushort(self._fieldid) + btext, record)


class _PerDocWriter(W3PerDocWriter):
    """whoosh's per-document writer, its stored fields in a :class:`StoredFieldsColumn`."""

    def _create_column(self, fieldname, column):
        if fieldname == "_stored":
            column = StoredFieldsColumn()
        W3PerDocWriter._create_column(self, fieldname, column)


class _PerDocReader(W3PerDocReader):
    """whoosh's per-document reader, remembering which columns a segment lacks (whoosh
    asks the file system again on every call: per document and field when merging),
    reading columns in place and the stored fields as a :class:`StoredFieldsColumn`."""

    def _get_column_file(self, fieldname):
        name = W3Codec.column_filename(self._segment, fieldname)
        return open_segment_file(self._storage, name), 0, self._storage.file_length(name)

    def _cached_reader(self, fieldname, column):
        if fieldname not in self._readers:
            if fieldname == "_stored":
                column = StoredFieldsColumn()
            self._readers[fieldname] = (self.column_reader(fieldname, column)
                                        if self.has_column(fieldname) else None)
        return self._readers[fieldname]


class CompactCodec(W3Codec):
    """whoosh's W3 codec with :class:`CompactPostingsWriter` posting lists, a
    :class:`TermTableWriter` term dictionary and a :class:`StoredFieldsColumn`.
    Each segment pickles its codec (in whoosh's table of contents): its state is
    whoosh's own three numbers."""

    # Blocks of 1,024 postings (whoosh: 128): lists are read whole by the array scorer and
    # when merging, where each block costs a Python step; whoosh's block skipping, used
    # only by phrase matching here, loses little.
    def __init__(self, blocklimit: int = 1024, compression: int = 3, inlinelimit: int = 8):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

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
        postings = open_segment_file(storage, segment.make_filename(self.POSTS_EXT))
        return CompactTermsReader(self, open_segment_file(storage, name), storage.file_length(name), postings)

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
