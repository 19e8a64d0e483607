"""Writing and merging whoosh segments without a Python step per posting.

whoosh's SegmentWriter turns every posting into a tuple, sorts them all and hands them
one at a time to the codec, which costs more than the analysis itself. Here the body
fields (:class:`~searchidx.storage.fieldformats.FrequencyFormat`) gather per-term arrays of
(document, frequency) as documents arrive, and each term's list is written in one call
when the segment is flushed. Merging reads and writes whole posting lists the same way,
streaming the segments' sorted term lists side by side. The small fields (ids, dates,
names, titles' positions) keep whoosh's own path.
"""
from __future__ import annotations

import heapq
from array import array
from itertools import groupby
from operator import itemgetter
from typing import Collection, Dict, Iterator, List, Optional, Tuple

from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from .codec import CompactCodec, CompactTermsReader, posting_arrays
from .terminfo import CompactTermInfo, inlined_arrays, shift_inlined_record
from .fieldformats import FrequencyFormat, term_positions


def array_field_names(schema) -> frozenset:
    """The fields whose postings bypass whoosh's pool."""
    if any(field.vector or field.separate_spelling() for _, field in schema.items()):
        return frozenset()  # searchidx's schema has neither; whoosh's path handles them
    return frozenset(name for name, field in schema.items() if isinstance(field.format, FrequencyFormat))


# Segments this large are merged at the end of a run only with the run's own segments,
# or when SEGMENTS_PER_TIER of about one size (within a factor of ten) pile up.
LARGE_SEGMENT_DOCS = 1000
SEGMENTS_PER_TIER = 20


def segments_to_merge(segments: list, fresh: Collection[str] = ()) -> list:
    """The segments a run's last commit merges; ``fresh``: ids of the segments the run wrote.

    A run's own segments (its chunks, or the batches its builders analyzed) merge into one: every
    segment costs each query a term lookup per word, and a merge reads and writes each
    term's list whole, so it costs a fraction of the analysis that made them.
    Small segments (under LARGE_SEGMENT_DOCS documents): one stays as it is while it
    holds more than twice the documents of all smaller ones together; from the first
    that does not, it and every smaller one merge. So a small run's segment waits until
    the small ones add up to half the next, and each document is rewritten about log2(n)
    times before its segment is large. Large segments of earlier runs merge only when
    SEGMENTS_PER_TIER of them fall within a factor of ten of each other.
    """
    chosen = [s for s in segments if s.segment_id() in fresh] if len(fresh) > 1 else []
    small = [s for s in segments if s.doc_count_all() < LARGE_SEGMENT_DOCS]
    ordered = sorted(small, key=lambda s: s.doc_count_all(), reverse=True)
    below = sum(s.doc_count_all() for s in ordered)
    for position, segment in enumerate(ordered):
        below -= segment.doc_count_all()
        if segment.doc_count_all() <= 2 * below:
            if len(ordered) - position > 1:
                chosen += [s for s in ordered[position:] if s not in chosen]
            break
    tiers: dict = {}
    for segment in segments:
        if segment.doc_count_all() >= LARGE_SEGMENT_DOCS and segment not in chosen:
            tier = len(str(segment.doc_count_all() // LARGE_SEGMENT_DOCS))
            tiers.setdefault(tier, []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= SEGMENTS_PER_TIER:
            chosen += tiers[tier]
            break
    return chosen if len(chosen) > 1 else []


def merge_segments(writer, segments: list, fresh: Collection[str] = ()) -> list:
    """A whoosh merge policy (``commit(mergetype=partial(merge_segments, fresh=...))``)
    merging :func:`segments_to_merge`."""
    chosen = segments_to_merge(segments, fresh)
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [segment for segment in segments if segment not in chosen]


class ArraySegmentWriter(SegmentWriter):
    """whoosh's SegmentWriter gathering the body fields' postings in per-term arrays,
    each term's list written (and merged) in one call."""

    def __init__(self, ix, **kwargs) -> None:
        kwargs.setdefault("codec", CompactCodec())
        SegmentWriter.__init__(self, ix, **kwargs)
        self._init_array_fields()

    def _init_array_fields(self) -> None:
        self._array_fields = array_field_names(self.schema)
        # field -> term bytes -> array of document, frequency, document, frequency...
        self._array_postings: Dict[str, Dict[bytes, array]] = {name: {} for name in self._array_fields}
        # segments merged into this one: (segment, first new document number, docmap)
        self._merged: List[Tuple[object, int, Optional[dict]]] = []

    def add_document(self, **fields) -> None:
        # whoosh's add_document, with the body fields' terms gathered into arrays.
        # Field and document boosts are not supported on those fields (searchidx gives none).
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        add_post = self.pool.add
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if fieldname in self._array_fields:
                postings = self._array_postings[fieldname]
                for term, positions in term_positions(value, field.analyzer).items():
                    freq = len(positions)
                    length += freq
                    key = term.encode("utf-8")
                    entry = postings.get(key)
                    if entry is None:
                        postings[key] = array("I", (docnum, freq))
                    else:
                        entry.append(docnum)
                        entry.append(freq)
            elif field.indexed:
                for tbytes, freq, weight, vbytes in field.index(value):
                    if field.scorable:
                        length += freq
                    add_post((fieldname, tbytes, docnum, weight, vbytes))
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:
        if not self._array_fields:
            SegmentWriter.add_reader(self, reader)
            return
        self._check_state()
        basedoc = self.docnum
        fieldnames = set(self.schema.names()) | {
            name for name in reader.indexed_field_names() if name in self.schema}
        totals = dict(self.perdocwriter._fieldlengths)
        docmap = self.write_per_doc(fieldnames, reader)
        if not reader.has_deletions():
            # whoosh sums the merged documents' lengths as stored, rounded to a byte each;
            # the segment's own totals are exact, so a merged index scores as one built whole.
            for name in fieldnames:
                exact = reader.field_length(name)
                if exact:
                    self.perdocwriter._fieldlengths[name] = totals.get(name, 0) + exact
        for fieldname in sorted(reader.indexed_field_names()):
            if fieldname in self.schema and fieldname not in self._array_fields:
                for text in reader.lexicon(fieldname):
                    matcher = reader.postings(fieldname, text)
                    while matcher.is_active():
                        docnum = matcher.id()
                        newdoc = basedoc + docnum if docmap is None else docmap[docnum]
                        # an inlined list without values gives "" (str) where the pool wants bytes
                        value = matcher.value() or b""
                        self.pool.add((fieldname, text, newdoc, matcher.weight(), value))
                        matcher.next()
        # the body fields are merged term by term at flush, from the segment's own files
        self._merged.append((reader.segment(), basedoc, docmap))
        self._added = True

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        readers = [(SegmentReader(self.storage, self.schema, segment), base, docmap)
                   for segment, base, docmap in self._merged]
        try:
            self._write_postings(lengths, readers)
        finally:
            for reader, _, _ in readers:
                reader.close()
            lengths.close()
        self.fieldwriter.close()

    def _write_postings(self, lengths, readers) -> None:
        # Fields must reach the codec in name order: interleave whoosh's pool (sorted
        # by field, then term) with the body fields.
        pool_fields = groupby(self.pool.iter_postings(), key=itemgetter(0))
        pending = next(pool_fields, None)
        for name in sorted(self._array_fields):
            while pending is not None and pending[0] <= name:
                if pending[0] == name:
                    raise AssertionError(f"postings of {name} reached whoosh's pool")
                self.fieldwriter.add_postings(self.schema, lengths, pending[1])
                pending = next(pool_fields, None)
            self._write_array_field(name, lengths, readers)
        while pending is not None:
            self.fieldwriter.add_postings(self.schema, lengths, pending[1])
            pending = next(pool_fields, None)

    def _write_array_field(self, name: str, lengths, readers) -> None:
        own = self._array_postings.pop(name)
        self._array_postings[name] = {}
        sources = [_numbered(sorted(own), 0)]
        infos = [_TermInfos(reader, name, base if docmap is None else None)
                 for reader, base, docmap in readers]
        sources += [_numbered(terms, number) for number, terms in enumerate(infos, 1)]
        field_lengths = [lengths.doc_field_length(docnum, name) for docnum in range(self.docnum)]
        fieldwriter = self.fieldwriter
        fieldwriter.start_field(name, self.schema[name])
        for key, group in groupby(heapq.merge(*sources), key=itemgetter(0)):
            group = list(group)
            if len(group) == 1 and group[0][1]:
                # a term of one merged segment, its postings in its record: copied as bytes
                record = infos[group[0][1] - 1].shifted_record(key)
                if record is not None:
                    fieldwriter.add_record(key, record)
                    continue
            ids, weights = array("I"), array("I")
            for _, number in group:
                if number == 0:
                    entry = own.pop(key)
                    ids.extend(entry[0::2])
                    weights.extend(entry[1::2])
                else:
                    reader, base, docmap = readers[number - 1]
                    part_ids, part_weights = infos[number - 1].posting_arrays(key)
                    if docmap is None:
                        ids.extend(map(base.__add__, part_ids))
                    else:
                        ids.extend(map(docmap.__getitem__, part_ids))
                    if part_weights.typecode != "I":
                        part_weights = array("I", map(round, part_weights))
                    weights.extend(part_weights)
            if ids:
                fieldwriter.add_posting_list(key, ids, weights, field_lengths)
        fieldwriter.finish_field()


def _numbered(terms, number: int) -> Iterator[Tuple[bytes, int]]:
    return ((term, number) for term in terms)


class _TermInfos:
    """A segment's terms of one field in order, each with its term record read on the
    way (a lookup per term costs as much as the merge itself). ``shift``: what
    document numbers move by in the merged segment (None when they are renumbered)."""

    def __init__(self, reader, name: str, shift: Optional[int]) -> None:
        self._reader, self._name, self._shift = reader, name, shift
        self._records: Dict[bytes, object] = {}
        self._fieldobj = reader.schema[name]
        # compact records are kept as bytes: most terms are copied, never decoded
        self._raw = isinstance(reader._terms, CompactTermsReader)

    def __iter__(self) -> Iterator[bytes]:
        terms = self._reader._terms
        if self._name not in self._reader.indexed_field_names():
            return
        if self._raw:
            for term, record in terms.field_records(self._name):
                self._records[term] = record
                yield term
        else:
            for (fieldname, term), info in terms.items_from(self._name, b""):
                if fieldname != self._name:
                    return
                self._records[term] = info
                yield term

    def shifted_record(self, term: bytes) -> Optional[bytes]:
        """The term's record with its document numbers moved, when its postings are
        inlined in it and the segment has no deletions; else None."""
        if not self._raw or self._shift is None:
            return None
        record = shift_inlined_record(self._records[term], self._shift)
        if record is not None:
            del self._records[term]
        return record

    def posting_arrays(self, term: bytes) -> Tuple[array, array]:
        """The term's document numbers (in this segment) and weights."""
        info = self._records.pop(term)
        reader = self._reader
        if reader.has_deletions():  # whoosh's own matcher skips deleted documents
            return posting_arrays(reader.postings(self._name, term))
        if self._raw:
            inlined = inlined_arrays(info)
            if inlined is not None:
                return inlined
            info = CompactTermInfo.from_bytes(info)
        terms = reader._terms
        return posting_arrays(terms._codec.postings_reader(terms._postfile, info, self._fieldobj.format))
